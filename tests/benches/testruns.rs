//! Test runs, measured beside the same work without the app, in the same run:
//! - overhead: the Python fixture's suite run by the app versus the same command (the app's own
//!   invocation: its report option and colour variables) straight from a shell with its output to
//!   /dev/null (target ≤ 1.05× wall time), in pairs, the median of the pairs' ratios;
//! - a 20,000-test JUnit report read (target ≤ 200 ms), median of 5;
//! - 1,000,000 lines printed by a test process reaching the app's output events versus the same
//!   process writing through a pipe that is drained to /dev/null (target ≥ 0.9× the rate), in
//!   pairs, the median of the pairs' ratios.
//!
//! `cargo bench -p quantum-integration-tests --bench testruns [-- junit|output|overhead]`
//! (scripts/bench runs it all).

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use quantum_integration_tests::{test_python, testruns_fixture};
use quantum_testruns::report::read_report_file;
use quantum_testruns::{
    detect, ReportFormat, RunContext, RunEvent, RunOrigin, RunRequest, Runner, Suite, SuiteSource,
    TestRuns,
};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median of `of[i] / by[i]`: each pair ran one after the other, so that the machine's moods
/// (two cores shared with everything else) fall on both alike.
fn median_ratio(of: &[Duration], by: &[Duration]) -> f64 {
    let mut ratios: Vec<f64> = of
        .iter()
        .zip(by)
        .map(|(of, by)| of.as_secs_f64() / by.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Pairs measured for the overhead and the output rate.
const PAIRS: usize = 11;

async fn harness() -> (TestRuns, i64, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let store = quantum_kernel::Store::open_in(dir.path())
        .await
        .expect("store");
    let project = quantum_kernel::projects::create(
        &store,
        quantum_kernel::projects::ProjectInput {
            name: "bench".to_owned(),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    (TestRuns::new(store), project.id, dir)
}

async fn overhead() {
    let (runs, project_id, _dir) = harness().await;
    let folder = testruns_fixture("python");
    let mut suite = detect(&folder, false).remove(0);
    suite.command[0] = test_python();
    let report = tempfile::tempdir().expect("dir");
    let direct_command = quantum_testruns::invocation(&suite, &folder, report.path(), &[]);
    let (mut direct, mut app) = (Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        // The very command the app runs (its report option, its colour variables), from a shell.
        let started = Instant::now();
        let status = Command::new(&direct_command.program)
            .args(&direct_command.args)
            .envs(direct_command.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&direct_command.working_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("pytest");
        assert!(!status.success(), "the fixture has a failing test");
        direct.push(started.elapsed());

        let started = Instant::now();
        runs.run(
            &RunRequest {
                project_id,
                ..Default::default()
            },
            RunContext {
                folder: folder.clone(),
                suites: vec![suite.clone()],
                env: Vec::new(),
                keep: 100,
                origin: RunOrigin::App,
                output_lines: None,
            },
            Arc::new(|_| {}),
        )
        .await
        .expect("run");
        app.push(started.elapsed());
    }
    let ratio = median_ratio(&app, &direct);
    let (direct, app) = (median(direct), median(app));
    println!(
        "overhead: pytest on the fixture, {PAIRS} pairs: {:.0} ms from a shell, {:.0} ms from the app (medians): {ratio:.3}x, the median of the pairs' ratios (target <= 1.05x)",
        direct.as_secs_f64() * 1000.0,
        app.as_secs_f64() * 1000.0,
    );
}

fn junit_parse() {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<testsuites>\n");
    for suite in 0..200 {
        xml.push_str(&format!(
            "<testsuite name=\"suite{suite}\" tests=\"100\">\n"
        ));
        for case in 0..100 {
            if case % 50 == 0 {
                xml.push_str(&format!(
                    "<testcase classname=\"pkg.module{suite}\" name=\"test_{case}\" time=\"0.012\"><failure message=\"assert 4 == 5\">Traceback (most recent call last):\n  File \"tests/test_{suite}.py\", line {case}, in test_{case}\nAssertionError: assert 4 == 5</failure><system-out>some output of the test</system-out></testcase>\n"
                ));
            } else {
                xml.push_str(&format!(
                    "<testcase classname=\"pkg.module{suite}\" name=\"test_{case}\" time=\"0.003\"/>\n"
                ));
            }
        }
        xml.push_str("</testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("junit.xml");
    std::fs::write(&path, &xml).expect("write");
    let mut samples = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let results =
            read_report_file(ReportFormat::Junit, &path, "bench", dir.path()).expect("parsed");
        samples.push(started.elapsed());
        assert_eq!(results.len(), 20_000);
    }
    println!(
        "junit: a 20,000-test report ({:.1} MB), median of 5: {:.0} ms (target <= 200 ms)",
        xml.len() as f64 / 1e6,
        median(samples).as_secs_f64() * 1000.0
    );
}

const LINES: usize = 1_000_000;
/// The printed line and its newline.
const LINE_BYTES: usize = "test output line: 0123456789 abcdefghijklmnopqrstuvwxyz\n".len();
const PRINT: &str =
    "yes 'test output line: 0123456789 abcdefghijklmnopqrstuvwxyz' | head -n 1000000";

async fn output_rate() {
    let (runs, project_id, _dir) = harness().await;
    let folder = tempfile::tempdir().expect("dir");
    let suite = Suite {
        name: "print".to_owned(),
        runner: Runner::Custom,
        command: vec!["sh".to_owned(), "-c".to_owned(), PRINT.to_owned()],
        working_dir: String::new(),
        env: BTreeMap::new(),
        format: ReportFormat::None,
        report_path: None,
        timeout_secs: None,
        source: SuiteSource::Config,
        hint: None,
    };
    // Alternating, so that the machine's moods fall on both alike.
    let (mut piped, mut through_app, mut streamed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        // The same process writing through a pipe that is drained and thrown away.
        let started = Instant::now();
        let status = Command::new("sh")
            .args(["-c", &format!("{PRINT} | cat > /dev/null")])
            .status()
            .expect("sh");
        assert!(status.success());
        piped.push(started.elapsed());

        // From the suite's start to its last output: the stream itself, without the run's
        // bookkeeping before and after (its row, git state, audit).
        let window = Arc::new(std::sync::Mutex::new((None::<Instant>, None::<Instant>)));
        let marks = Arc::clone(&window);
        let bytes = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&bytes);
        let started = Instant::now();
        runs.run(
            &RunRequest {
                project_id,
                ..Default::default()
            },
            RunContext {
                folder: folder.path().to_path_buf(),
                suites: vec![suite.clone()],
                env: Vec::new(),
                keep: 100,
                origin: RunOrigin::App,
                output_lines: None,
            },
            Arc::new(move |event| match event {
                RunEvent::SuiteStarted { .. } => {
                    marks.lock().expect("marks").0 = Some(Instant::now())
                }
                RunEvent::Output { text } => {
                    counted.fetch_add(text.len(), Ordering::Relaxed);
                    marks.lock().expect("marks").1 = Some(Instant::now());
                }
                _ => {}
            }),
        )
        .await
        .expect("run");
        through_app.push(started.elapsed());
        let (first, last) = *window.lock().expect("marks");
        streamed.push(last.expect("output") - first.expect("suite started"));
        assert_eq!(
            bytes.load(Ordering::Relaxed),
            LINES * LINE_BYTES,
            "every line arrived"
        );
    }
    let (stream_ratio, app_ratio) = (
        median_ratio(&piped, &streamed),
        median_ratio(&piped, &through_app),
    );
    let (piped, app, streamed) = (median(piped), median(through_app), median(streamed));
    let rate = |d: Duration| LINES as f64 / d.as_secs_f64() / 1e6;
    println!(
        "output: 1,000,000 lines, {PAIRS} pairs: {:.2} M lines/s through a pipe to /dev/null (median); to the app's output events {:.2} M lines/s from the suite's start to its last line: {stream_ratio:.2}x, the median of the pairs' ratios (target >= 0.9x); {:.2} M lines/s counting the whole run with its bookkeeping: {app_ratio:.2}x",
        rate(piped),
        rate(streamed),
        rate(app),
    );
}

/// Runs the parts named on the command line (`junit`, `output`, `overhead`), or all of them.
#[tokio::main]
async fn main() {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let wanted = |part: &str| named.is_empty() || named.iter().any(|name| name == part);
    if wanted("junit") {
        junit_parse();
    }
    if wanted("output") {
        output_rate().await;
    }
    if wanted("overhead") {
        overhead().await;
    }
}
