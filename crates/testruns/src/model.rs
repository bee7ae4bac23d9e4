//! What a test run is made of, as the UI and the store see it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

/// The tool that runs a suite, which decides how it is invoked and how its results are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Runner {
    /// `cargo nextest run`: results streamed as libtest JSON.
    Nextest,
    /// `cargo test`: libtest's own lines (stable Rust has no structured output without nextest).
    CargoTest,
    /// Vitest: its JUnit reporter into a file of the app's.
    Vitest,
    /// Jest: its JSON report into a file of the app's.
    Jest,
    /// The package's `test` script, whatever it runs: output only, no per-test results.
    NpmScript,
    /// pytest: `--junitxml` into a file of the app's.
    Pytest,
    /// `go test -json`: results streamed.
    GoTest,
    /// A command from `quantum.toml`, read in the format declared there.
    Custom,
}

/// How per-test results are read from a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// A JUnit XML file, read when the run ends.
    Junit,
    /// nextest's libtest JSON on stdout, line by line.
    LibtestJson,
    /// libtest's `test name ... ok` lines on stdout.
    Libtest,
    /// `go test -json` events on stdout.
    GoJson,
    /// A Jest (or Vitest) JSON report file, read when the run ends.
    JestJson,
    /// None: the run passes or fails by its exit code alone.
    None,
}

impl ReportFormat {
    pub const NAMES: &'static [&'static str] = &[
        "junit",
        "libtest-json",
        "libtest",
        "go-json",
        "jest-json",
        "none",
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "junit" => Self::Junit,
            "libtest-json" => Self::LibtestJson,
            "libtest" => Self::Libtest,
            "go-json" => Self::GoJson,
            "jest-json" => Self::JestJson,
            "none" => Self::None,
            _ => return None,
        })
    }
}

/// Where a suite comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SuiteSource {
    /// Found in the project's folder (Cargo.toml, package.json, pytest settings, go.mod).
    Detected,
    /// Declared in `quantum.toml`'s `[tests.<name>]`.
    Config,
}

/// One suite of a project: a command that runs tests, and how to read its results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Suite {
    pub name: String,
    pub runner: Runner,
    /// The command line, as the user would type it (shown; the app adds its report options).
    pub command: Vec<String>,
    /// Relative to the project's folder; empty for the folder itself.
    pub working_dir: String,
    pub env: BTreeMap<String, String>,
    pub format: ReportFormat,
    /// A JUnit file the command writes itself (custom suites), relative to `working_dir`.
    pub report_path: Option<String>,
    pub timeout_secs: Option<u32>,
    pub source: SuiteSource,
    /// What to add to get per-test results, when the app cannot add it itself.
    pub hint: Option<String>,
}

/// A test's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    Failed,
    Skipped,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "passed" => Self::Passed,
            "failed" => Self::Failed,
            "skipped" => Self::Skipped,
            _ => return None,
        })
    }
}

/// One test's result in a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestCaseResult {
    pub suite: String,
    /// The group inside the suite: a Rust binary or module, a file, a Go package, a class.
    pub group: String,
    pub name: String,
    pub status: TestStatus,
    pub duration_ms: Option<f64>,
    /// The failure's message, first lines of it.
    pub message: Option<String>,
    /// What the test printed, as the runner captured it.
    pub output: Option<String>,
    /// Passed only on a retry (the runner said so).
    pub retried: bool,
}

/// How a run ended, or that it still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TestRunStatus {
    Running,
    Passed,
    Failed,
    /// The runner could not run the tests (it failed to start, crashed, wrote a broken report).
    Error,
    Cancelled,
    TimedOut,
}

impl TestRunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Error => "error",
            Self::Cancelled => "cancelled",
            Self::TimedOut => "timed_out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => Self::Running,
            "passed" => Self::Passed,
            "failed" => Self::Failed,
            "error" => Self::Error,
            "cancelled" => Self::Cancelled,
            "timed_out" => Self::TimedOut,
            _ => return None,
        })
    }
}

/// Passed, failed and skipped tests so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
}

impl Counts {
    pub fn add(&mut self, status: TestStatus) {
        match status {
            TestStatus::Passed => self.passed += 1,
            TestStatus::Failed => self.failed += 1,
            TestStatus::Skipped => self.skipped += 1,
        }
    }

    pub fn remove(&mut self, status: TestStatus) {
        let count = match status {
            TestStatus::Passed => &mut self.passed,
            TestStatus::Failed => &mut self.failed,
            TestStatus::Skipped => &mut self.skipped,
        };
        *count = count.saturating_sub(1);
    }

    pub fn of<'a>(results: impl IntoIterator<Item = &'a TestCaseResult>) -> Self {
        let mut counts = Self::default();
        for result in results {
            counts.add(result.status);
        }
        counts
    }
}

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RunTrigger {
    /// All suites, or the chosen ones.
    All,
    Suite,
    /// One test.
    Test,
    /// The tests that failed in the last run.
    RerunFailed,
    /// Results read from a CI run's JUnit artifacts.
    Ci,
}

impl RunTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Suite => "suite",
            Self::Test => "test",
            Self::RerunFailed => "rerun_failed",
            Self::Ci => "ci",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "all" => Self::All,
            "suite" => Self::Suite,
            "test" => Self::Test,
            "rerun_failed" => Self::RerunFailed,
            "ci" => Self::Ci,
            _ => return None,
        })
    }
}

/// A test named across runs: its suite, group and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestRef {
    pub suite: String,
    pub group: String,
    pub name: String,
}

impl TestCaseResult {
    pub fn test_ref(&self) -> TestRef {
        TestRef {
            suite: self.suite.clone(),
            group: self.group.clone(),
            name: self.name.clone(),
        }
    }
}

/// The git state of the project's folder when a run started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GitState {
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// Uncommitted changes in the tree.
    pub dirty: bool,
    /// SHA-256 of those changes (`git diff HEAD`): two dirty runs with the same digest ran the
    /// same code. Kept for the flaky test finder, not shown.
    #[serde(skip)]
    #[specta(skip)]
    pub changes: Option<String>,
}

/// One run in the history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestRun {
    pub id: i64,
    pub project_id: i64,
    pub suites: Vec<String>,
    pub trigger: RunTrigger,
    pub status: TestRunStatus,
    /// UTC, RFC 3339.
    pub started_at: String,
    pub duration_ms: Option<i64>,
    pub counts: Counts,
    pub git: GitState,
    /// Why the run is an error, cancelled or timed out, in words.
    pub message: Option<String>,
}

/// A run with its results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestRunDetail {
    pub run: TestRun,
    pub results: Vec<TestCaseResult>,
    /// Each suite's command line, as run.
    pub commands: Vec<String>,
}
