//! An environment's hooks: `pre_deploy` runs in the project's folder before the build (a failure
//! stops the deploy before anything is released), `post_deploy` once the release is live (a
//! failure is told in the log; the release stays live). Each gets the release's facts in its
//! environment (`QUANTUM_ENVIRONMENT`, `QUANTUM_VERSION`, `QUANTUM_IMAGE`, `QUANTUM_RELEASE_ID`)
//! and its output goes into the deploy's log line by line, as Kamal's hooks do.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::{Error, Result};

/// A hook still running after this is stopped: a deploy must end.
const LIMIT: Duration = Duration::from_secs(600);

/// Runs `command` through the platform's shell in `folder`, each output line passed to
/// `on_line`; fails with its exit status or a run past [`LIMIT`].
pub async fn run(
    name: &str,
    command: &str,
    folder: &Path,
    facts: &[(&str, String)],
    mut on_line: impl FnMut(&str),
) -> Result<()> {
    let failed = |reason: String| Error::Hook {
        hook: name.to_owned(),
        reason,
    };
    let mut shell = if cfg!(windows) {
        let mut shell = tokio::process::Command::new("cmd");
        shell.arg("/C");
        shell
    } else {
        let mut shell = tokio::process::Command::new("sh");
        shell.arg("-c");
        shell
    };
    let mut child = shell
        .arg(command)
        .current_dir(folder)
        .envs(facts.iter().map(|(key, value)| (*key, value.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| failed(format!("it could not start: {error}")))?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(failed("its output could not be read".to_owned()));
    };
    let (mut out, mut err) = (
        BufReader::new(stdout).lines(),
        BufReader::new(stderr).lines(),
    );
    let read = async {
        let (mut out_open, mut err_open) = (true, true);
        while out_open || err_open {
            tokio::select! {
                line = out.next_line(), if out_open => match line {
                    Ok(Some(line)) => on_line(&line),
                    _ => out_open = false,
                },
                line = err.next_line(), if err_open => match line {
                    Ok(Some(line)) => on_line(&line),
                    _ => err_open = false,
                },
            }
        }
        child.wait().await
    };
    let status = tokio::time::timeout(LIMIT, read)
        .await
        .map_err(|_| failed(format!("it was still running after {} s", LIMIT.as_secs())))?
        .map_err(|error| failed(error.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(failed(match status.code() {
            Some(code) => format!("it exited with status {code}"),
            None => "it was killed".to_owned(),
        }))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hook_runs_in_the_folder_with_the_facts_and_its_output_is_kept() {
        let folder = tempfile::tempdir().expect("folder");
        let mut lines = Vec::new();
        run(
            "pre_deploy",
            "echo \"checking $QUANTUM_VERSION\"; echo warned >&2; pwd > where.txt",
            folder.path(),
            &[("QUANTUM_VERSION", "v7".to_owned())],
            |line| lines.push(line.to_owned()),
        )
        .await
        .expect("ran");
        lines.sort();
        assert_eq!(lines, ["checking v7", "warned"]);
        let written = std::fs::read_to_string(folder.path().join("where.txt")).expect("file");
        assert_eq!(
            std::fs::canonicalize(written.trim()).expect("path"),
            std::fs::canonicalize(folder.path()).expect("path")
        );
    }

    #[tokio::test]
    async fn a_failing_hook_says_its_exit_status() {
        let folder = tempfile::tempdir().expect("folder");
        let error = run("pre_deploy", "echo no; exit 3", folder.path(), &[], |_| {})
            .await
            .expect_err("fails");
        let message = error.to_string();
        assert!(message.contains("pre_deploy"), "{message}");
        assert!(message.contains("status 3"), "{message}");
    }
}
