//! Finding a project's test suites in its folder: Cargo.toml, package.json, pytest's settings,
//! go.mod. A suite declared in `quantum.toml` with the same name replaces the one found.

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::{ReportFormat, Runner, Suite, SuiteSource};

/// The suites found in `folder`, in a stable order: Rust, JavaScript, Python, Go.
pub fn detect(folder: &Path, nextest_installed: bool) -> Vec<Suite> {
    let mut suites = Vec::new();
    if folder.join("Cargo.toml").is_file() {
        let runner = if nextest_installed {
            Runner::Nextest
        } else {
            Runner::CargoTest
        };
        suites.push(found("rust", runner, ""));
    }
    if let Some(suite) = javascript(folder) {
        suites.push(suite);
    }
    if is_pytest_project(folder) {
        suites.push(found("python", Runner::Pytest, ""));
    }
    if folder.join("go.mod").is_file() {
        suites.push(found("go", Runner::GoTest, ""));
    }
    suites
}

/// A suite found for `runner`, with the command a user would type.
fn found(name: &str, runner: Runner, script: &str) -> Suite {
    let command: &[&str] = match runner {
        Runner::Nextest => &["cargo", "nextest", "run"],
        Runner::CargoTest => &["cargo", "test"],
        Runner::Vitest => &["vitest", "run"],
        Runner::Jest => &["jest"],
        Runner::NpmScript => &[script, "test"],
        Runner::Pytest => &["python", "-m", "pytest"],
        Runner::GoTest => &["go", "test", "./..."],
        Runner::Custom => &[],
    };
    Suite {
        name: name.to_owned(),
        runner,
        command: command.iter().map(|s| (*s).to_owned()).collect(),
        working_dir: String::new(),
        env: BTreeMap::new(),
        format: default_format(runner),
        report_path: None,
        timeout_secs: None,
        source: SuiteSource::Detected,
        hint: match runner {
            Runner::CargoTest => Some(
                "Install cargo-nextest (`cargo install cargo-nextest`) for test durations and output per test."
                    .to_owned(),
            ),
            Runner::NpmScript => Some(
                "The test script runs no runner the app knows (Vitest, Jest): only its exit code counts. Declare the suite in quantum.toml with format = \"junit\" and the report it writes for results per test."
                    .to_owned(),
            ),
            _ => None,
        },
    }
}

/// How results of `runner` are read.
pub fn default_format(runner: Runner) -> ReportFormat {
    match runner {
        Runner::Nextest => ReportFormat::LibtestJson,
        Runner::CargoTest => ReportFormat::Libtest,
        Runner::Vitest | Runner::Pytest => ReportFormat::Junit,
        Runner::Jest => ReportFormat::JestJson,
        Runner::GoTest => ReportFormat::GoJson,
        Runner::NpmScript | Runner::Custom => ReportFormat::None,
    }
}

/// The runner a typed command line invokes, so that a declared `cargo nextest run --workspace`
/// gets the same report options as a found one.
pub fn runner_of(command: &[String]) -> Runner {
    let words: Vec<&str> = command.iter().map(String::as_str).collect();
    let program = words.first().map(|p| {
        Path::new(p)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(p)
    });
    match (program, &words[1.min(words.len())..]) {
        (Some("cargo"), [sub, run, ..]) if *sub == "nextest" && *run == "run" => Runner::Nextest,
        (Some("cargo-nextest"), _) => Runner::Nextest,
        (Some("cargo"), [sub, ..]) if *sub == "test" => Runner::CargoTest,
        (Some("go"), [sub, ..]) if *sub == "test" => Runner::GoTest,
        (Some("pytest" | "py.test"), _) => Runner::Pytest,
        (Some(python), ["-m", "pytest", ..]) if python.starts_with("python") => Runner::Pytest,
        (Some("vitest"), _) => Runner::Vitest,
        (Some("jest"), _) => Runner::Jest,
        (Some("npx" | "pnpm" | "yarn" | "bunx"), rest) => {
            match rest.iter().find(|w| !w.starts_with('-') && **w != "exec") {
                Some(&"vitest") => Runner::Vitest,
                Some(&"jest") => Runner::Jest,
                _ => Runner::Custom,
            }
        }
        _ => Runner::Custom,
    }
}

fn javascript(folder: &Path) -> Option<Suite> {
    let text = std::fs::read_to_string(folder.join("package.json")).ok()?;
    let package: serde_json::Value = serde_json::from_str(&text).ok()?;
    let has = |name: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|key| package[key].get(name).is_some())
    };
    let script = package["scripts"]["test"].as_str().unwrap_or_default();
    let manager = if folder.join("pnpm-lock.yaml").is_file() {
        "pnpm"
    } else if folder.join("yarn.lock").is_file() {
        "yarn"
    } else {
        "npm"
    };
    if has("vitest") || script.contains("vitest") {
        Some(found("javascript", Runner::Vitest, manager))
    } else if has("jest") || script.contains("jest") {
        Some(found("javascript", Runner::Jest, manager))
    } else if !script.is_empty() && !script.contains("no test specified") {
        Some(found("javascript", Runner::NpmScript, manager))
    } else {
        None
    }
}

fn is_pytest_project(folder: &Path) -> bool {
    let contains = |file: &str, needle: &str| {
        std::fs::read_to_string(folder.join(file)).is_ok_and(|text| text.contains(needle))
    };
    folder.join("pytest.ini").is_file()
        || folder.join("conftest.py").is_file()
        || contains("pyproject.toml", "[tool.pytest")
        || contains("setup.cfg", "[tool:pytest]")
        || contains("tox.ini", "[pytest]")
        || has_python_tests(&folder.join("tests"))
}

fn has_python_tests(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_typed_command_is_recognised_by_its_runner() {
        assert_eq!(
            runner_of(&words("cargo nextest run --workspace")),
            Runner::Nextest
        );
        assert_eq!(runner_of(&words("cargo test -p core")), Runner::CargoTest);
        assert_eq!(runner_of(&words("go test ./...")), Runner::GoTest);
        assert_eq!(runner_of(&words("python3 -m pytest -x")), Runner::Pytest);
        assert_eq!(runner_of(&words(".venv/bin/pytest")), Runner::Pytest);
        assert_eq!(runner_of(&words("npx vitest run")), Runner::Vitest);
        assert_eq!(runner_of(&words("pnpm exec jest")), Runner::Jest);
        assert_eq!(runner_of(&words("make test")), Runner::Custom);
    }

    #[test]
    fn suites_are_found_by_the_files_of_each_ecosystem() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
        std::fs::write(
            root.join("package.json"),
            r#"{"scripts":{"test":"vitest"},"devDependencies":{"vitest":"^3"}}"#,
        )
        .expect("write");
        std::fs::write(root.join("pnpm-lock.yaml"), "").expect("write");
        std::fs::create_dir(root.join("tests")).expect("dir");
        std::fs::write(root.join("tests/test_api.py"), "def test_a(): pass\n").expect("write");
        std::fs::write(root.join("go.mod"), "module example.com/x\n").expect("write");

        let suites = detect(root, false);
        let runners: Vec<Runner> = suites.iter().map(|s| s.runner).collect();
        assert_eq!(
            runners,
            [
                Runner::CargoTest,
                Runner::Vitest,
                Runner::Pytest,
                Runner::GoTest
            ]
        );
        assert!(suites[0].hint.is_some(), "says how to get durations");
        assert_eq!(detect(root, true)[0].runner, Runner::Nextest);
    }

    #[test]
    fn npm_s_placeholder_test_script_is_no_suite() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"scripts":{"test":"echo \"Error: no test specified\" && exit 1"}}"#,
        )
        .expect("write");
        assert!(detect(dir.path(), true).is_empty());
    }
}
