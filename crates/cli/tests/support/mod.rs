//! What the command line's tests share: running `quantum` on a data dir, reading its output,
//! and Compose itself.

// Each test binary uses a part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// `quantum ARGS` in `cwd` on the data dir.
pub fn quantum(data_dir: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quantum"))
        .args(args)
        .env("QUANTUM_DATA_DIR", data_dir)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("quantum runs")
}

/// Its standard output as JSON (`--json`).
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is JSON ({error}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code")
}

/// Compose in `folder`: Docker's plugin (`docker compose`), or Debian's `docker-compose`.
pub fn compose_command(folder: &Path) -> Command {
    let plugin = Command::new("docker")
        .args(["compose", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut command = if plugin {
        let mut command = Command::new("docker");
        command.arg("compose");
        command
    } else {
        Command::new("docker-compose")
    };
    command.current_dir(folder);
    command
}

/// `compose ARGS` in `folder`, which must succeed.
pub fn compose_cli(folder: &Path, args: &[&str]) {
    let output = compose_command(folder)
        .args(args)
        .output()
        .expect("Compose runs (scripts/setup --for-tests)");
    assert!(
        output.status.success(),
        "compose {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
