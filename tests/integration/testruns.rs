//! The app runs the fixture projects' tests (tests/fixtures/testruns) with the real toolchains —
//! cargo-nextest and cargo test, pytest, Vitest, Jest, a `test` script (Node's own runner), go
//! test — and reports exactly the results each fixture is written to give; cancel and timeouts
//! end every process a run started; a runner that dies or writes no report, or a broken one, ends
//! in a clear error; the history finds flaky tests and reruns the failures; a datasource's URL
//! reaches the test process.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quantum_integration_tests::{test_python, testruns_fixture};
use quantum_kernel::Engine;
use quantum_secrets::Secret;
use quantum_testruns::history;
use quantum_testruns::{
    detect, ReportFormat, RunContext, RunEvent, RunOrigin, RunRequest, RunTrigger, Runner, Suite,
    SuiteSource, TestCaseResult, TestRun, TestRunStatus, TestRuns, TestStatus,
};

struct Harness {
    runs: TestRuns,
    project_id: i64,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = quantum_kernel::Store::open_in(dir.path())
            .await
            .expect("store");
        let project = quantum_kernel::projects::create(
            &store,
            quantum_kernel::projects::ProjectInput {
                name: "tests".to_owned(),
                ..Default::default()
            },
        )
        .await
        .expect("project");
        Self {
            runs: TestRuns::new(store),
            project_id: project.id,
            _dir: dir,
        }
    }

    async fn run(
        &self,
        folder: &Path,
        suites: Vec<Suite>,
        request: RunRequest,
        env: Vec<(String, Secret)>,
    ) -> (TestRun, Vec<RunEvent>) {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        let run = self
            .runs
            .run(
                &RunRequest {
                    project_id: self.project_id,
                    ..request
                },
                RunContext {
                    folder: folder.to_path_buf(),
                    suites,
                    env,
                    keep: 100,
                    origin: RunOrigin::App,
                    output_lines: None,
                },
                Arc::new(move |event| sink.lock().expect("events").push(event)),
            )
            .await
            .expect("the run ends");
        let events = std::mem::take(&mut *events.lock().expect("events"));
        (run, events)
    }
}

/// The suite found in `folder`, its Python the one with pytest.
fn found(folder: &Path, nextest: bool) -> Suite {
    let mut suites = detect(folder, nextest);
    assert_eq!(
        suites.len(),
        1,
        "one suite in {}: {suites:?}",
        folder.display()
    );
    let mut suite = suites.remove(0);
    if suite.runner == Runner::Pytest {
        suite.command[0] = test_python();
    }
    suite
}

/// The latest result of each test, by the fixture's case name (`adds`, `breaks`, …).
fn by_case(events: &[RunEvent]) -> BTreeMap<String, TestCaseResult> {
    let mut latest = BTreeMap::new();
    for event in events {
        if let RunEvent::Results { results, .. } = event {
            for result in results {
                let lower = result.name.to_lowercase();
                let case = [
                    "adds", "breaks", "later", "slow", "flaky", "hangs", "database",
                ]
                .into_iter()
                .find(|case| lower.contains(case))
                .unwrap_or(&result.name);
                latest.insert(case.to_owned(), result.clone());
            }
        }
    }
    latest
}

fn output(events: &[RunEvent]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            RunEvent::Output { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// The fixture's expected results, whatever the runner: see tests/fixtures/testruns/README.md.
fn assert_fixture_results(label: &str, run: &TestRun, events: &[RunEvent], durations: bool) {
    let results = by_case(events);
    let status = |case: &str| results.get(case).map(|r| r.status);
    assert_eq!(
        status("adds"),
        Some(TestStatus::Passed),
        "{label}: {results:#?}"
    );
    assert_eq!(status("breaks"), Some(TestStatus::Failed), "{label}");
    assert_eq!(status("later"), Some(TestStatus::Skipped), "{label}");
    assert_eq!(status("slow"), Some(TestStatus::Passed), "{label}");
    assert_eq!(status("flaky"), Some(TestStatus::Passed), "{label}");
    assert_eq!(status("hangs"), Some(TestStatus::Passed), "{label}");
    let breaks = &results["breaks"];
    assert!(
        breaks
            .message
            .as_deref()
            .is_some_and(|m| m.contains("arithmetic")),
        "{label}: the failure says why: {breaks:#?}"
    );
    if durations {
        let slow = results["slow"].duration_ms.expect("a duration");
        assert!(slow >= 290.0, "{label}: slow took {slow} ms");
    }
    assert_eq!(run.status, TestRunStatus::Failed, "{label}: {run:?}");
    assert_eq!(
        (run.counts.passed, run.counts.failed),
        (4, 1),
        "{label}: {run:?}"
    );
    assert!(
        output(events).contains("\u{1b}["),
        "{label}: colours are kept"
    );
    assert!(
        matches!(events.first(), Some(RunEvent::Started { .. }))
            && matches!(events.last(), Some(RunEvent::Finished { .. })),
        "{label}: started and finished events frame the run"
    );
}

#[tokio::test]
async fn rust_with_nextest_and_with_cargo_test() {
    let harness = Harness::new().await;
    let folder = testruns_fixture("rust");
    let nextest = found(&folder, true);
    assert_eq!(nextest.format, ReportFormat::LibtestJson);
    let (run, events) = harness
        .run(&folder, vec![nextest], RunRequest::default(), Vec::new())
        .await;
    assert_fixture_results("nextest", &run, &events, true);
    let groups: Vec<String> = by_case(&events).into_values().map(|r| r.group).collect();
    assert!(
        groups.iter().all(|g| g.contains("testruns_fixture")),
        "{groups:?}"
    );

    let cargo_test = found(&folder, false);
    assert_eq!(cargo_test.runner, Runner::CargoTest);
    let (run, events) = harness
        .run(&folder, vec![cargo_test], RunRequest::default(), Vec::new())
        .await;
    assert_fixture_results("cargo test", &run, &events, false);
    let breaks = &by_case(&events)["breaks"];
    assert!(breaks
        .output
        .as_deref()
        .is_some_and(|o| o.contains("about to break")));
}

#[tokio::test]
async fn python_with_pytest() {
    let harness = Harness::new().await;
    let folder = testruns_fixture("python");
    let (run, events) = harness
        .run(
            &folder,
            vec![found(&folder, true)],
            RunRequest::default(),
            Vec::new(),
        )
        .await;
    assert_fixture_results("pytest", &run, &events, true);
    assert_eq!(
        by_case(&events)["database"].status,
        TestStatus::Skipped,
        "no DATABASE_URL here"
    );
}

#[tokio::test]
async fn javascript_with_vitest() {
    let harness = Harness::new().await;
    let folder = testruns_fixture("javascript");
    let suite = found(&folder, true);
    assert_eq!(suite.runner, Runner::Vitest);
    let (run, events) = harness
        .run(&folder, vec![suite], RunRequest::default(), Vec::new())
        .await;
    assert_fixture_results("vitest", &run, &events, true);
}

#[tokio::test]
async fn javascript_with_jest() {
    let harness = Harness::new().await;
    let folder = testruns_fixture("jest");
    let suite = found(&folder, true);
    assert_eq!(suite.runner, Runner::Jest);
    let (run, events) = harness
        .run(&folder, vec![suite], RunRequest::default(), Vec::new())
        .await;
    assert_fixture_results("jest", &run, &events, true);
}

/// A `test` script running no runner the app knows (Node's own): found, it passes or fails by its
/// exit code and says how to get results per test; declared with the JUnit report it writes, it
/// gives them.
#[tokio::test]
async fn an_npm_test_script_by_its_exit_code_or_by_its_declared_report() {
    let harness = Harness::new().await;
    let copy = committed_copy("node");
    let script = found(copy.path(), true);
    assert_eq!(script.runner, Runner::NpmScript);
    assert!(
        script.hint.as_deref().is_some_and(|h| h.contains("junit")),
        "says what to declare: {script:?}"
    );
    let (run, events) = harness
        .run(copy.path(), vec![script], RunRequest::default(), Vec::new())
        .await;
    assert_eq!(
        run.status,
        TestRunStatus::Failed,
        "the failing test fails the script"
    );
    assert!(by_case(&events).is_empty(), "no results without a report");

    let declared = custom("node", "npm test", ReportFormat::Junit, Some("junit.xml"));
    let (run, events) = harness
        .run(
            copy.path(),
            vec![declared],
            RunRequest::default(),
            Vec::new(),
        )
        .await;
    assert_fixture_results("npm test (node --test)", &run, &events, true);
}

#[tokio::test]
async fn go_with_go_test_json() {
    let harness = Harness::new().await;
    let folder = testruns_fixture("go");
    let (run, events) = harness
        .run(
            &folder,
            vec![found(&folder, true)],
            RunRequest::default(),
            Vec::new(),
        )
        .await;
    assert_fixture_results("go test", &run, &events, true);
}

/// A copy of a fixture in a git repository of its own, committed: a clean tree on one commit.
fn committed_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(format!("{}/.", testruns_fixture(name).display()))
        .arg(dir.path())
        .status()
        .expect("cp");
    assert!(status.success());
    for args in [
        &["init", "-q"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "fixture",
        ],
    ] {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    }
    dir
}

#[tokio::test]
async fn history_finds_flaky_tests_compares_runs_and_reruns_the_failures() {
    let harness = Harness::new().await;
    let repo = committed_copy("go");
    let toggle = repo.path().join("toggle");
    let mut suite = found(repo.path(), true);
    suite.env.insert(
        "QUANTUM_FIXTURE_TOGGLE".to_owned(),
        toggle.display().to_string(),
    );

    let (first, events) = harness
        .run(
            repo.path(),
            vec![suite.clone()],
            RunRequest::default(),
            Vec::new(),
        )
        .await;
    assert_eq!(
        by_case(&events)["flaky"].status,
        TestStatus::Failed,
        "no toggle file: fails"
    );
    assert!(
        first.git.commit.is_some() && !first.git.dirty,
        "{:?}",
        first.git
    );
    let (second, events) = harness
        .run(
            repo.path(),
            vec![suite.clone()],
            RunRequest::default(),
            Vec::new(),
        )
        .await;
    assert_eq!(by_case(&events)["flaky"].status, TestStatus::Passed);

    let flaky = history::flaky(harness.runs.store(), harness.project_id)
        .await
        .expect("flaky");
    assert_eq!(flaky.len(), 1, "{flaky:?}");
    assert_eq!(flaky[0].test.name, "TestFlaky");
    assert!(
        flaky[0].reason.starts_with("Passed and failed on commit"),
        "{}",
        flaky[0].reason
    );

    let comparison = history::compare(harness.runs.store(), first.id, second.id, 1.5)
        .await
        .expect("compare");
    let names = |tests: &[quantum_testruns::TestRef]| {
        tests.iter().map(|t| t.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&comparison.fixed), ["TestFlaky"]);
    assert_eq!(names(&comparison.still_failing), ["TestBreaks"]);
    assert!(comparison.new_failures.is_empty());

    // The last run failed TestBreaks only: rerun failed runs it alone.
    let (rerun, events) = harness
        .run(
            repo.path(),
            vec![suite],
            RunRequest {
                rerun_failed: true,
                ..Default::default()
            },
            Vec::new(),
        )
        .await;
    assert_eq!(rerun.trigger, RunTrigger::RerunFailed);
    let ran: Vec<String> = by_case(&events).into_values().map(|r| r.name).collect();
    assert_eq!(ran, ["TestBreaks"]);

    let trend = history::trend(harness.runs.store(), harness.project_id)
        .await
        .expect("trend");
    assert_eq!(trend.len(), 3);
    assert_eq!(trend[1].pass_rate, Some(4.0 / 5.0));
}

/// Processes whose command line is `sleep 7777`: what the fixture's hanging test leaves.
fn sleepers() -> usize {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter(|entry| {
            std::fs::read(entry.path().join("cmdline"))
                .is_ok_and(|cmdline| cmdline == b"sleep\x007777\x00")
        })
        .count()
}

#[tokio::test]
async fn cancel_and_timeout_end_every_process_the_run_started() {
    let harness = Arc::new(Harness::new().await);
    let folder = testruns_fixture("python");
    let mut suite = found(&folder, true);
    suite
        .env
        .insert("QUANTUM_FIXTURE_HANG".to_owned(), "1".to_owned());
    assert_eq!(sleepers(), 0, "no sleeper before the test");

    let running = {
        let (harness, folder, suite) = (Arc::clone(&harness), folder.clone(), suite.clone());
        tokio::spawn(async move {
            harness
                .run(&folder, vec![suite], RunRequest::default(), Vec::new())
                .await
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while sleepers() == 0 {
        assert!(
            Instant::now() < deadline,
            "the hanging test never started its sleeper"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        harness.runs.cancel(harness.project_id),
        "a run is under way"
    );
    let (run, _) = running.await.expect("run task");
    assert_eq!(run.status, TestRunStatus::Cancelled, "{run:?}");
    assert_eq!(sleepers(), 0, "the grandchild was ended with the group");

    suite.timeout_secs = Some(3);
    let (run, _) = harness
        .run(&folder, vec![suite], RunRequest::default(), Vec::new())
        .await;
    assert_eq!(run.status, TestRunStatus::TimedOut, "{run:?}");
    assert!(
        run.message
            .as_deref()
            .is_some_and(|m| m.contains("timeout")),
        "{run:?}"
    );
    assert_eq!(sleepers(), 0, "the timeout ended the group too");
}

fn custom(name: &str, script: &str, format: ReportFormat, report: Option<&str>) -> Suite {
    Suite {
        name: name.to_owned(),
        runner: Runner::Custom,
        command: vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()],
        working_dir: String::new(),
        env: BTreeMap::new(),
        format,
        report_path: report.map(str::to_owned),
        timeout_secs: None,
        source: SuiteSource::Config,
        hint: None,
    }
}

#[tokio::test]
async fn a_runner_that_dies_or_writes_no_report_or_a_broken_one_ends_in_a_clear_error() {
    let harness = Harness::new().await;
    let folder = tempfile::tempdir().expect("dir");
    let cases = [
        (
            custom(
                "silent",
                "echo starting; exit 1",
                ReportFormat::Junit,
                Some("report.xml"),
            ),
            "wrote no report",
        ),
        (
            custom(
                "broken",
                "printf '<testsuites><testsuite name=\"x\"><testcase' > report.xml; exit 1",
                ReportFormat::Junit,
                Some("report.xml"),
            ),
            "is not valid JUnit XML",
        ),
        (
            custom("killed", "kill -9 $$", ReportFormat::Libtest, None),
            "exited with a signal before reporting any test",
        ),
    ];
    for (suite, expected) in cases {
        let name = suite.name.clone();
        let (run, _) = harness
            .run(
                folder.path(),
                vec![suite],
                RunRequest::default(),
                Vec::new(),
            )
            .await;
        assert_eq!(run.status, TestRunStatus::Error, "{name}: {run:?}");
        let message = run.message.unwrap_or_default();
        assert!(message.contains(expected), "{name}: {message}");
    }
    let mut missing = custom("missing", "", ReportFormat::None, None);
    missing.command = vec!["no-such-runner-here".to_owned()];
    let (run, _) = harness
        .run(
            folder.path(),
            vec![missing],
            RunRequest::default(),
            Vec::new(),
        )
        .await;
    assert_eq!(run.status, TestRunStatus::Error);
    assert!(run
        .message
        .is_some_and(|m| m.contains("“no-such-runner-here” was not found")));
}

#[tokio::test]
async fn the_datasource_url_reaches_the_test_process() {
    let app = quantum_integration_tests::TestApp::start("testruns").await;
    let postgres = app.ready(Engine::Postgres).await;
    let url = app.url(&postgres);
    let harness = Harness::new().await;
    let folder = testruns_fixture("python");
    let (_, events) = harness
        .run(
            &folder,
            vec![found(&folder, true)],
            RunRequest::default(),
            vec![("DATABASE_URL".to_owned(), Secret::new(url))],
        )
        .await;
    let database = &by_case(&events)["database"];
    assert_eq!(database.status, TestStatus::Passed, "{database:#?}");
    app.datasources
        .remove(postgres.id, true)
        .await
        .expect("removed");
}
