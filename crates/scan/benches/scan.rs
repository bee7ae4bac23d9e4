//! A project scan of a 50,000-file monorepo (500 packages, each a package.json and 99 sources),
//! beside `git ls-files` listing the same tree (target: the scan ≤ 1 s). Run by `scripts/bench`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PACKAGES: usize = 500;
const SOURCES: usize = 99;
const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "user.name=bench", "-c", "user.email=bench@localhost"])
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for package in 0..PACKAGES {
        let src = root.join(format!("packages/p{package}/src"));
        std::fs::create_dir_all(&src).expect("folders");
        std::fs::write(
            root.join(format!("packages/p{package}/package.json")),
            r#"{"dependencies":{"react":"18"},"devDependencies":{"vitest":"1"}}"#,
        )
        .expect("manifest");
        for source in 0..SOURCES {
            std::fs::write(src.join(format!("m{source}.ts")), "export const x = 1;\n")
                .expect("source");
        }
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "bench"]);

    let mut files = 0;
    let scans: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let scan = quantum_scan::scan(root, false);
            files = scan.files;
            started.elapsed()
        })
        .collect();
    let listings: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new("git")
                .arg("-C")
                .arg(root)
                .arg("ls-files")
                .stdout(Stdio::null())
                .status()
                .expect("git ls-files runs");
            assert!(status.success());
            started.elapsed()
        })
        .collect();
    println!("{files} files, median of {RUNS} runs (target: the scan ≤ 1,000 ms)");
    println!("quantum project scan       {:>8.1} ms", median(scans));
    println!("git ls-files               {:>8.1} ms", median(listings));
}
