//! The git state of a project's folder when a run starts, read with the git command line (no
//! repository, or no git installed: no state, and the run goes on).

use std::path::{Path, PathBuf};

use tokio::process::Command;

use crate::model::GitState;

pub async fn state(folder: PathBuf) -> GitState {
    let folder = folder.as_path();
    let commit = git(folder, &["rev-parse", "HEAD"]).await;
    if commit.is_none() {
        return GitState::default();
    }
    let branch = git(folder, &["symbolic-ref", "--short", "-q", "HEAD"]).await;
    let dirty = git(folder, &["status", "--porcelain", "--untracked-files=no"])
        .await
        .is_some_and(|changes| !changes.is_empty());
    let changes = if dirty {
        git(folder, &["diff", "HEAD", "--binary"])
            .await
            .map(|diff| digest(&diff))
    } else {
        None
    };
    GitState {
        commit,
        branch,
        dirty,
        changes,
    }
}

/// SHA-256 of a diff, in hex.
fn digest(diff: &str) -> String {
    quantum_kernel::hex(ring::digest::digest(&ring::digest::SHA256, diff.as_bytes()).as_ref())
}

/// The command's trimmed output, when it succeeds.
async fn git(folder: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .output()
        .await
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
