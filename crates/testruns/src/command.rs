//! From a suite to the command line that runs it: the runner's report options added (without
//! touching the project's files), and the chosen tests selected in the runner's own terms.

use std::path::{Path, PathBuf};

use crate::model::{ReportFormat, Runner, Suite, TestRef};

/// A process to start for one suite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    pub program: String,
    pub args: Vec<String>,
    /// Added to the environment (colours kept, report switches).
    pub env: Vec<(String, String)>,
    pub working_dir: PathBuf,
    /// Read line by line as the run goes.
    pub live: ReportFormat,
    /// Read when the run ends.
    pub report_file: Option<(PathBuf, ReportFormat)>,
    /// Said in the output when the chosen tests could not be selected and the suite runs whole.
    pub note: Option<String>,
}

impl Invocation {
    /// The command line as shown to the user and kept in the history, quoted as a POSIX shell
    /// would need it.
    pub fn display(&self) -> String {
        shell_words::join(std::iter::once(&self.program).chain(&self.args))
    }
}

/// Variables that keep colours in output that goes to a pipe (the terminal view shows them).
const COLOUR_ENV: &[(&str, &str)] = &[
    ("FORCE_COLOR", "1"),
    ("CLICOLOR_FORCE", "1"),
    ("CARGO_TERM_COLOR", "always"),
    ("PY_COLORS", "1"),
];

/// The invocation of `suite` in `project_dir`, its report (if any) written into `report_dir`;
/// `only` selects tests of this suite (empty: all of it).
pub fn invocation(
    suite: &Suite,
    project_dir: &Path,
    report_dir: &Path,
    only: &[TestRef],
) -> Invocation {
    let working_dir = if suite.working_dir.is_empty() {
        project_dir.to_path_buf()
    } else {
        project_dir.join(&suite.working_dir)
    };
    let mut words = suite.command.clone();
    let mut env: Vec<(String, String)> = COLOUR_ENV
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    env.extend(suite.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut live = ReportFormat::None;
    let mut report_file = None;
    let mut note = None;
    let report = |name: &str| report_dir.join(format!("{}-{name}", suite.name));

    match suite.runner {
        Runner::Nextest => {
            words.extend(
                ["--no-fail-fast", "--message-format", "libtest-json-plus"].map(str::to_owned),
            );
            env.push((
                "NEXTEST_EXPERIMENTAL_LIBTEST_JSON".to_owned(),
                "1".to_owned(),
            ));
            if !only.is_empty() {
                // By name only: the group nextest reports (`crate::binary`) is no binary id.
                let filter = only
                    .iter()
                    .map(|t| format!("test(={})", t.name))
                    .collect::<Vec<_>>()
                    .join(" | ");
                words.extend(["-E".to_owned(), filter]);
            }
            live = ReportFormat::LibtestJson;
        }
        Runner::CargoTest => {
            words.push("--no-fail-fast".to_owned());
            if !only.is_empty() {
                words.extend(["--".to_owned(), "--exact".to_owned()]);
                words.extend(only.iter().map(|t| t.name.clone()));
            }
            live = ReportFormat::Libtest;
        }
        Runner::Vitest => {
            let file = report("junit.xml");
            words.extend([
                "--reporter=default".to_owned(),
                "--reporter=junit".to_owned(),
                format!("--outputFile.junit={}", file.display()),
            ]);
            if !only.is_empty() {
                // Vitest matches `-t` against names joined by spaces, its JUnit joins with " > ".
                let names = only
                    .iter()
                    .map(|t| regex_escape(&t.name.replace(" > ", " ")));
                words.extend(["-t".to_owned(), anchored(names)]);
            }
            report_file = Some((file, ReportFormat::Junit));
        }
        Runner::Jest => {
            let file = report("jest.json");
            words.extend([
                "--json".to_owned(),
                format!("--outputFile={}", file.display()),
            ]);
            if !only.is_empty() {
                let names = only.iter().map(|t| regex_escape(&t.name));
                words.extend(["-t".to_owned(), anchored(names)]);
            }
            report_file = Some((file, ReportFormat::JestJson));
        }
        Runner::Pytest => {
            let file = report("junit.xml");
            words.push(format!("--junitxml={}", file.display()));
            words.extend(only.iter().map(|t| pytest_node_id(t, &working_dir)));
            report_file = Some((file, ReportFormat::Junit));
        }
        Runner::GoTest => {
            words.insert(2.min(words.len()), "-json".to_owned());
            if !only.is_empty() {
                let names = only.iter().map(|t| regex_escape(&t.name));
                words.extend(["-run".to_owned(), anchored(names)]);
            }
            live = ReportFormat::GoJson;
        }
        Runner::NpmScript => {
            if !only.is_empty() {
                note = Some(
                    "The test script cannot run single tests: the whole suite runs.".to_owned(),
                );
            }
        }
        Runner::Custom => {
            match suite.format {
                ReportFormat::Junit | ReportFormat::JestJson => {
                    report_file = suite
                        .report_path
                        .as_ref()
                        .map(|path| (working_dir.join(path), suite.format));
                }
                format => live = format,
            }
            if !only.is_empty() {
                note = Some(
                    "A custom command cannot run single tests: the whole suite runs.".to_owned(),
                );
            }
        }
    }
    let (program, args) = resolve_program(words, &working_dir);
    Invocation {
        program,
        args,
        env,
        working_dir,
        live,
        report_file,
        note,
    }
}

/// The program to start: a JavaScript runner from the nearest `node_modules/.bin` (the project's
/// own version), `python` as the platform names it, and on Windows the batch files that Node's
/// tools are there (`npm.cmd`, `.bin/vitest.cmd`), which starting a process finds only by their
/// full name.
fn resolve_program(words: Vec<String>, working_dir: &Path) -> (String, Vec<String>) {
    resolve_program_on(words, working_dir, cfg!(windows))
}

fn resolve_program_on(
    mut words: Vec<String>,
    working_dir: &Path,
    windows: bool,
) -> (String, Vec<String>) {
    if words.is_empty() {
        return (String::new(), Vec::new());
    }
    let program = words.remove(0);
    let shim = |name: &str| {
        if windows {
            format!("{name}.cmd")
        } else {
            name.to_owned()
        }
    };
    if matches!(program.as_str(), "vitest" | "jest") {
        if let Some(local) = working_dir
            .ancestors()
            .map(|dir| dir.join("node_modules/.bin").join(shim(&program)))
            .find(|path| path.is_file())
        {
            return (local.display().to_string(), words);
        }
        words.insert(0, program);
        return (shim("npx"), words);
    }
    if matches!(program.as_str(), "npm" | "npx" | "pnpm" | "yarn") {
        return (shim(&program), words);
    }
    if program == "python" && !windows {
        let venv = working_dir.join(".venv/bin/python");
        if venv.is_file() {
            return (venv.display().to_string(), words);
        }
        return ("python3".to_owned(), words);
    }
    (program, words)
}

/// `^(a|b)$` of already escaped names.
fn anchored(names: impl Iterator<Item = String>) -> String {
    format!("^({})$", names.collect::<Vec<_>>().join("|"))
}

fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$/".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// pytest's node id from JUnit's class name: `tests.test_math` + `test_adds` →
/// `tests/test_math.py::test_adds`; a class inside the module (`tests.test_math.TestMath`) adds
/// `::TestMath`. The longest dotted prefix that is a file decides.
fn pytest_node_id(test: &TestRef, working_dir: &Path) -> String {
    let parts: Vec<&str> = test.group.split('.').collect();
    for split in (1..=parts.len()).rev() {
        let file = format!("{}.py", parts[..split].join("/"));
        if working_dir.join(&file).is_file() {
            let classes = parts[split..]
                .iter()
                .map(|c| format!("::{c}"))
                .collect::<String>();
            return format!("{file}{classes}::{}", test.name);
        }
    }
    format!("{}::{}", test.group, test.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::default_format;
    use crate::model::SuiteSource;

    fn suite(runner: Runner, command: &str) -> Suite {
        Suite {
            name: "s".to_owned(),
            runner,
            command: command.split(' ').map(str::to_owned).collect(),
            working_dir: String::new(),
            env: Default::default(),
            format: default_format(runner),
            report_path: None,
            timeout_secs: None,
            source: SuiteSource::Detected,
            hint: None,
        }
    }

    fn test_ref(group: &str, name: &str) -> TestRef {
        TestRef {
            suite: "s".to_owned(),
            group: group.to_owned(),
            name: name.to_owned(),
        }
    }

    #[test]
    fn each_runner_gets_its_report_options_and_selection() {
        let project = Path::new("/p");
        let reports = Path::new("/r");
        let nextest = invocation(
            &suite(Runner::Nextest, "cargo nextest run"),
            project,
            reports,
            &[test_ref("app", "tests::breaks")],
        );
        assert_eq!(
            nextest.display(),
            "cargo nextest run --no-fail-fast --message-format libtest-json-plus -E 'test(=tests::breaks)'"
        );
        assert_eq!(nextest.live, ReportFormat::LibtestJson);

        let go = invocation(
            &suite(Runner::GoTest, "go test ./..."),
            project,
            reports,
            &[test_ref("x", "TestA/sub")],
        );
        assert_eq!(go.display(), "go test -json ./... -run '^(TestA\\/sub)$'");

        let pytest = invocation(
            &suite(Runner::Pytest, "python -m pytest"),
            project,
            reports,
            &[],
        );
        assert_eq!(
            pytest.report_file,
            Some((PathBuf::from("/r/s-junit.xml"), ReportFormat::Junit))
        );
        assert!(pytest
            .args
            .contains(&"--junitxml=/r/s-junit.xml".to_owned()));

        let cargo = invocation(
            &suite(Runner::CargoTest, "cargo test"),
            project,
            reports,
            &[test_ref("src/lib.rs", "a::b")],
        );
        assert_eq!(cargo.display(), "cargo test --no-fail-fast -- --exact a::b");
        assert!(cargo
            .env
            .contains(&("CARGO_TERM_COLOR".to_owned(), "always".to_owned())));
    }

    #[test]
    fn a_pytest_node_id_follows_the_files_that_exist() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir(dir.path().join("tests")).expect("dir");
        std::fs::write(dir.path().join("tests/test_math.py"), "").expect("file");
        assert_eq!(
            pytest_node_id(&test_ref("tests.test_math", "test_adds"), dir.path()),
            "tests/test_math.py::test_adds"
        );
        assert_eq!(
            pytest_node_id(
                &test_ref("tests.test_math.TestMath", "test_adds"),
                dir.path()
            ),
            "tests/test_math.py::TestMath::test_adds"
        );
    }

    #[test]
    fn node_tools_are_started_by_their_batch_files_on_windows() {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("node_modules/.bin");
        std::fs::create_dir_all(&bin).expect(".bin");
        std::fs::write(bin.join("vitest"), "").expect("vitest");
        std::fs::write(bin.join("vitest.cmd"), "").expect("vitest.cmd");
        let words = |line: &str| line.split(' ').map(str::to_owned).collect::<Vec<_>>();

        let (program, args) = resolve_program_on(words("vitest run"), dir.path(), true);
        assert_eq!(program, bin.join("vitest.cmd").display().to_string());
        assert_eq!(args, ["run"]);
        let (program, _) = resolve_program_on(words("vitest run"), dir.path(), false);
        assert_eq!(program, bin.join("vitest").display().to_string());

        assert_eq!(
            resolve_program_on(words("npm test"), dir.path(), true).0,
            "npm.cmd"
        );
        assert_eq!(
            resolve_program_on(words("jest --ci"), dir.path(), true),
            ("npx.cmd".to_owned(), words("jest --ci"))
        );
        assert_eq!(
            resolve_program_on(words("npm test"), dir.path(), false).0,
            "npm"
        );
        assert_eq!(
            resolve_program_on(words("python -m pytest"), dir.path(), true).0,
            "python"
        );
    }
}
