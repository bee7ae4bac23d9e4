//! A build's version: `git describe` of the project (tag, commits since, short commit, `-dirty`
//! when the work tree has changes), or the build's time when the folder is not a git repository.
//! Tags are for people; releases run the image by its ID, so two builds with one tag stay apart.

use std::path::Path;
use std::process::Command;

/// A build's version and the commit it was built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub version: String,
    pub commit: Option<String>,
}

/// Reads the version of the project in `folder` (blocking: runs `git`).
pub fn describe(folder: &Path, now_ms: i64) -> Version {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    match git(&["describe", "--tags", "--always", "--dirty"]) {
        Some(described) => Version {
            version: tag_safe(&described),
            commit: git(&["rev-parse", "HEAD"]),
        },
        None => Version {
            version: format!("build-{now_ms}"),
            commit: None,
        },
    }
}

/// A Docker tag takes `[A-Za-z0-9_.-]`, at most 128 long, not starting with `.` or `-`.
fn tag_safe(text: &str) -> String {
    let mut tag: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    if tag.starts_with(['.', '-']) {
        tag.insert(0, 'v');
        tag.truncate(128);
    }
    tag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(folder: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn a_tagged_commit_is_its_tag_and_changes_make_it_dirty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path();
        git(folder, &["init", "-q"]);
        std::fs::write(folder.join("a"), "1").expect("write");
        git(folder, &["add", "a"]);
        git(folder, &["commit", "-qm", "one"]);
        git(folder, &["tag", "v1.0"]);
        let version = describe(folder, 0);
        assert_eq!(version.version, "v1.0");
        assert_eq!(version.commit.as_deref().map(str::len), Some(40));
        std::fs::write(folder.join("a"), "2").expect("write");
        assert_eq!(describe(folder, 0).version, "v1.0-dirty");
    }

    #[test]
    fn a_folder_outside_git_is_versioned_by_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let version = describe(dir.path(), 1_700_000_000_000);
        assert_eq!(version.version, "build-1700000000000");
        assert_eq!(version.commit, None);
    }

    #[test]
    fn tags_keep_only_what_docker_accepts() {
        assert_eq!(tag_safe("feature/x+1"), "feature-x-1");
        assert_eq!(tag_safe("-x"), "v-x");
    }
}
