//! Running a project's own tests: its suites found in its folder or declared in `quantum.toml`,
//! each run as a process group with the project's datasources and variables in its environment
//! (nothing written to disk), its output streamed as it comes and its per-test results read
//! from the runner's structured output, then kept as history: trends, two runs compared, flaky
//! tests.

mod batch;
mod command;
mod detect;
mod error;
mod git;
pub mod history;
mod model;
mod process;
pub mod report;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::Store;
use quantum_secrets::Secret;
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use tokio::sync::{broadcast, mpsc, watch};

use batch::Piece;

pub use command::{invocation, Invocation};
pub use detect::{default_format, detect, runner_of};
pub use error::{Error, Result};
pub use model::{
    Counts, GitState, ReportFormat, RunTrigger, Runner, Suite, SuiteSource, TestCaseResult,
    TestRef, TestRun, TestRunDetail, TestRunStatus, TestStatus,
};
pub use process::{Ended, Stream};

/// How long a suite may run when its declaration says nothing.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What a run sends as it goes.
#[derive(Clone, Debug, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RunEvent {
    #[serde(rename_all = "camelCase")]
    Started { run_id: i64, suites: Vec<String> },
    #[serde(rename_all = "camelCase")]
    SuiteStarted { suite: String, command: String },
    /// Lines of output, each ending with a newline, colours kept.
    #[serde(rename_all = "camelCase")]
    Output { text: String },
    /// Results finished since the last event (a result may come again, completed), and the
    /// counts of the whole run so far.
    #[serde(rename_all = "camelCase")]
    Results {
        results: Vec<TestCaseResult>,
        counts: Counts,
    },
    #[serde(rename_all = "camelCase")]
    Finished { run: TestRun },
}

/// Which tests to run.
#[derive(Clone, Debug, Default, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunRequest {
    pub project_id: i64,
    /// Empty: every suite.
    pub suites: Vec<String>,
    /// Empty: every test of the chosen suites.
    pub tests: Vec<TestRef>,
    pub rerun_failed: bool,
}

/// What a run needs from the rest of the app.
pub struct RunContext {
    pub folder: PathBuf,
    pub suites: Vec<Suite>,
    /// The datasources' and the environment's variables, secrets among them.
    pub env: Vec<(String, Secret)>,
    /// Runs kept per project.
    pub keep: u32,
    pub origin: RunOrigin,
    /// For a view that shows only the last lines (the Tests page's terminal): each batch of
    /// output carries at most this many, and says how many it left out. `None`: every line.
    pub output_lines: Option<usize>,
}

/// Where a run was started, for the activity log: the app's window or the `quantum` command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOrigin {
    App,
    Cli,
}

impl RunOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Cli => "cli",
        }
    }
}

/// The account the run's processes belong to: who ran it, as far as this machine says.
fn os_user() -> Option<String> {
    whoami::fallible::username().ok()
}

/// Each project's run under way: its id (known once its row is written) and its cancel switch.
type RunningList = Mutex<HashMap<i64, (Option<i64>, watch::Sender<bool>)>>;

pub struct TestRuns {
    store: Store,
    running: RunningList,
    outputs: broadcast::Sender<RunOutput>,
}

/// Output of a project's run, for whoever follows the project's log besides the run's viewer.
#[derive(Clone, Debug)]
pub struct RunOutput {
    pub project_id: i64,
    pub run_id: i64,
    /// Whole lines, each ending with a newline, colours kept.
    pub text: String,
}

impl TestRuns {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            running: Mutex::new(HashMap::new()),
            // A follower that falls this far behind misses lines rather than slowing the run.
            outputs: broadcast::channel(256).0,
        }
    }

    /// Every run's output from now on, as it is sent to the run's viewer.
    pub fn subscribe_output(&self) -> broadcast::Receiver<RunOutput> {
        self.outputs.subscribe()
    }

    /// Marks runs a crash left running as ended; call once at start.
    pub async fn settle_interrupted(&self) -> Result<u64> {
        history::settle_interrupted(&self.store).await
    }

    /// Whether `cargo nextest` answers here: asked once per process (it takes cargo over 100 ms
    /// to answer, which every run would pay); one installed meanwhile is seen at the next start.
    pub async fn nextest_installed() -> bool {
        static INSTALLED: tokio::sync::OnceCell<bool> = tokio::sync::OnceCell::const_new();
        *INSTALLED
            .get_or_init(|| async {
                tokio::process::Command::new("cargo")
                    .args(["nextest", "--version"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .await
                    .is_ok_and(|status| status.success())
            })
            .await
    }

    /// Asks the project's run under way to stop; `false` when none runs.
    pub fn cancel(&self, project_id: i64) -> bool {
        let running = lock(&self.running);
        match running.get(&project_id) {
            Some((_, cancel)) => cancel.send(true).is_ok(),
            None => false,
        }
    }

    /// The run under way in the project, if any.
    pub fn running_run(&self, project_id: i64) -> Option<i64> {
        lock(&self.running)
            .get(&project_id)
            .and_then(|(run, _)| *run)
    }

    /// Runs the chosen suites one after the other, sending what happens to `emit`, and keeps the
    /// run in the history. Returns the finished run.
    pub async fn run(
        &self,
        request: &RunRequest,
        context: RunContext,
        emit: Arc<dyn Fn(RunEvent) + Send + Sync>,
    ) -> Result<TestRun> {
        let (trigger, tests) = self.selection(request).await?;
        let chosen = choose(&context.suites, request, &tests, &context.folder)?;
        let names: Vec<String> = chosen.iter().map(|s| s.name.clone()).collect();

        let (cancel_sender, mut cancel) = watch::channel(false);
        // Read while the tests run: git status on a large tree takes a while.
        let git = tokio::spawn(git::state(context.folder.clone()));
        // The project's place on the running list is taken before the run's row is written, so
        // that two runs started at once cannot both write one.
        {
            let mut running = lock(&self.running);
            if running.contains_key(&request.project_id) {
                return Err(Error::AlreadyRunning);
            }
            running.insert(request.project_id, (None, cancel_sender));
        }
        let _running = Running {
            runs: &self.running,
            project_id: request.project_id,
        };
        let run_id = history::start(&self.store, request.project_id, &names, trigger).await?;
        if let Some(entry) = lock(&self.running).get_mut(&request.project_id) {
            entry.0 = Some(run_id);
        }
        emit(RunEvent::Started {
            run_id,
            suites: names.clone(),
        });
        // The output goes to the project's log too.
        let emit: Arc<dyn Fn(RunEvent) + Send + Sync> = {
            let (outputs, project_id) = (self.outputs.clone(), request.project_id);
            Arc::new(move |event: RunEvent| {
                if let RunEvent::Output { text } = &event {
                    if outputs.receiver_count() > 0 {
                        let _ = outputs.send(RunOutput {
                            project_id,
                            run_id,
                            text: text.clone(),
                        });
                    }
                }
                emit(event);
            })
        };

        let reports = tempfile::tempdir().map_err(|error| {
            quantum_kernel::Error::io("a folder for the runners' reports", error)
        })?;
        let started = Instant::now();
        let (batch_sender, batch_receiver) = mpsc::unbounded_channel();
        let batcher = tokio::spawn(batch::batch(
            batch_receiver,
            Arc::clone(&emit),
            context.output_lines,
        ));
        let mut results = Results::default();
        let mut commands = Vec::new();
        let mut status = TestRunStatus::Passed;
        let mut message = None;
        for suite in &chosen {
            let only: Vec<TestRef> = tests
                .iter()
                .filter(|t| t.suite == suite.name)
                .cloned()
                .collect();
            let invocation = command::invocation(suite, &context.folder, reports.path(), &only);
            commands.push(invocation.display());
            emit(RunEvent::SuiteStarted {
                suite: suite.name.clone(),
                command: invocation.display(),
            });
            let outcome = run_suite(
                suite,
                &invocation,
                &context.env,
                &mut cancel,
                &batch_sender,
                &mut results,
            )
            .await;
            if let Some((suite_status, suite_message)) = outcome {
                status = worse(status, suite_status);
                message = message.or(suite_message);
                if matches!(suite_status, TestRunStatus::Cancelled) {
                    break;
                }
            }
        }
        drop(batch_sender);
        let _ = batcher.await;

        let all = results.into_vec();
        if status == TestRunStatus::Passed && all.iter().any(|r| r.status == TestStatus::Failed) {
            status = TestRunStatus::Failed;
        }
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let git = git.await.unwrap_or_default();
        history::finish(
            &self.store,
            run_id,
            history::Finished {
                status,
                duration_ms,
                results: &all,
                commands: &commands,
                message: message.clone(),
                git: &git,
                keep: context.keep,
            },
        )
        .await?;
        self.audit(
            request.project_id,
            run_id,
            trigger,
            context.origin,
            &names,
            &commands,
            status,
            &all,
        )
        .await?;
        let run = history::get(&self.store, run_id).await?.run;
        emit(RunEvent::Finished { run: run.clone() });
        Ok(run)
    }

    /// The trigger, and the tests chosen (the last failures for "rerun failed").
    async fn selection(&self, request: &RunRequest) -> Result<(RunTrigger, Vec<TestRef>)> {
        if request.rerun_failed {
            let failed = history::last_failures(&self.store, request.project_id).await?;
            if failed.is_empty() {
                return Err(Error::NothingFailed);
            }
            return Ok((RunTrigger::RerunFailed, failed));
        }
        let trigger = match (request.tests.len(), request.suites.len()) {
            (1, _) => RunTrigger::Test,
            (0, 0) => RunTrigger::All,
            _ => RunTrigger::Suite,
        };
        Ok((trigger, request.tests.clone()))
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &self,
        project_id: i64,
        run_id: i64,
        trigger: RunTrigger,
        origin: RunOrigin,
        suites: &[String],
        commands: &[String],
        status: TestRunStatus,
        results: &[TestCaseResult],
    ) -> Result<()> {
        let counts = Counts::of(results);
        let mut tx = self.store.begin_write().await?;
        audit::record(
            &mut tx,
            NewAuditEntry {
                action: AuditAction::TestRun,
                resource_type: ResourceType::TestRun,
                resource_id: run_id,
                resource_name: &suites.join(", "),
                project_id: Some(project_id),
                details: json!({
                    "trigger": trigger.as_str(),
                    "origin": origin.as_str(),
                    "user": os_user(),
                    "commands": commands,
                    "status": status.as_str(),
                    "passed": counts.passed,
                    "failed": counts.failed,
                    "skipped": counts.skipped,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.store.announce(Change {
            action: AuditAction::TestRun,
            resource_type: ResourceType::TestRun,
            resource_id: run_id,
        });
        Ok(())
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Takes the project's run off the running list when it ends, however it ends.
struct Running<'a> {
    runs: &'a RunningList,
    project_id: i64,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        lock(self.runs).remove(&self.project_id);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The suites to run, in the project's order.
fn choose<'a>(
    suites: &'a [Suite],
    request: &RunRequest,
    tests: &[TestRef],
    folder: &Path,
) -> Result<Vec<&'a Suite>> {
    if suites.is_empty() {
        return Err(Error::NoSuites(folder.display().to_string()));
    }
    for name in &request.suites {
        if !suites.iter().any(|s| &s.name == name) {
            return Err(Error::UnknownSuite(name.clone()));
        }
    }
    let of_tests: HashSet<&str> = tests.iter().map(|t| t.suite.as_str()).collect();
    Ok(suites
        .iter()
        .filter(|s| {
            if !tests.is_empty() {
                of_tests.contains(s.name.as_str())
            } else {
                request.suites.is_empty() || request.suites.contains(&s.name)
            }
        })
        .collect())
}

/// The worse of two outcomes: an error outweighs failures, a cancel outweighs both.
fn worse(a: TestRunStatus, b: TestRunStatus) -> TestRunStatus {
    let rank = |s: TestRunStatus| match s {
        TestRunStatus::Running | TestRunStatus::Passed => 0,
        TestRunStatus::Failed => 1,
        TestRunStatus::Error => 2,
        TestRunStatus::TimedOut => 3,
        TestRunStatus::Cancelled => 4,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// Results in the order they first came, the latest of each test kept.
#[derive(Default)]
struct Results {
    order: Vec<TestRef>,
    latest: HashMap<TestRef, TestCaseResult>,
    counts: Counts,
}

impl Results {
    fn put(&mut self, result: TestCaseResult) {
        let key = result.test_ref();
        self.counts.add(result.status);
        match self.latest.insert(key.clone(), result) {
            Some(previous) => self.counts.remove(previous.status),
            None => self.order.push(key),
        }
    }

    fn into_vec(mut self) -> Vec<TestCaseResult> {
        self.order
            .iter()
            .filter_map(|key| self.latest.remove(key))
            .collect()
    }
}

/// Runs one suite; returns how it went when that is worse than "passed" or says something.
async fn run_suite(
    suite: &Suite,
    invocation: &Invocation,
    env: &[(String, Secret)],
    cancel: &mut watch::Receiver<bool>,
    out: &mpsc::UnboundedSender<Piece>,
    results: &mut Results,
) -> Option<(TestRunStatus, Option<String>)> {
    if let Some(note) = &invocation.note {
        let _ = out.send(Piece::Text(format!("\u{1b}[33m{note}\u{1b}[0m\n")));
    }
    let mut reader = report::live_reader(invocation.live, &suite.name);
    let mut seen_live = 0usize;
    let timeout = suite
        .timeout_secs
        .map_or(DEFAULT_TIMEOUT, |secs| Duration::from_secs(u64::from(secs)));
    let ended = process::run(invocation, env, Some(timeout), cancel, |_, piece| {
        let Some(reader) = reader.as_mut() else {
            // Nothing to read in it: the output goes on whole.
            let _ = out.send(Piece::Text(piece));
            return;
        };
        let mut shown = String::new();
        let mut finished = Vec::new();
        for line in piece.lines() {
            let read = reader.line(line);
            if let Some(text) = read.show {
                shown.push_str(&text);
                shown.push('\n');
            }
            finished.extend(read.results);
        }
        if !shown.is_empty() {
            let _ = out.send(Piece::Text(shown));
        }
        if !finished.is_empty() {
            seen_live += finished.len();
            for result in &finished {
                results.put(result.clone());
            }
            let _ = out.send(Piece::Results(finished, results.counts));
        }
    })
    .await;
    if let Some(reader) = reader.as_mut() {
        let held = reader.finish();
        if !held.is_empty() {
            held.iter().for_each(|r| results.put(r.clone()));
            let _ = out.send(Piece::Results(held, results.counts));
        }
    }
    let mut report_problem = None;
    if let Some((path, format)) = &invocation.report_file {
        match report::read_report_file(*format, path, &suite.name, &invocation.working_dir) {
            Ok(read) => {
                seen_live += read.len();
                read.iter().for_each(|r| results.put(r.clone()));
                let _ = out.send(Piece::Results(read, results.counts));
            }
            Err(error) => report_problem = Some(error.to_string()),
        }
    }
    let said = |text: String| format!("{}: {text}", suite.name);
    match ended {
        Ended::NotStarted(why) => Some((TestRunStatus::Error, Some(said(why)))),
        Ended::Cancelled => Some((TestRunStatus::Cancelled, Some(said("cancelled".to_owned())))),
        Ended::TimedOut => Some((
            TestRunStatus::TimedOut,
            Some(said(format!(
                "stopped after {} s, the suite's timeout; every process it started was ended",
                timeout.as_secs()
            ))),
        )),
        Ended::Exited(code) => {
            let failed_tests = results
                .latest
                .values()
                .any(|r| r.suite == suite.name && r.status == TestStatus::Failed);
            match (code, report_problem, seen_live) {
                (_, Some(problem), _) if code != Some(0) || !failed_tests => Some((
                    TestRunStatus::Error,
                    Some(said(format!(
                        "{problem}; it exited with {}. Its output above says why.",
                        exit_text(code)
                    ))),
                )),
                (Some(0), _, _) => None,
                // Failed with failing tests: the results say it all.
                (_, _, _) if failed_tests => Some((TestRunStatus::Failed, None)),
                (code, _, 0) if suite.format != ReportFormat::None => Some((
                    TestRunStatus::Error,
                    Some(said(format!(
                        "the runner exited with {} before reporting any test. Its output above says why.",
                        exit_text(code)
                    ))),
                )),
                (code, _, _) => Some((
                    TestRunStatus::Failed,
                    Some(said(format!("the command exited with {}", exit_text(code)))),
                )),
            }
        }
    }
}

fn exit_text(code: Option<i32>) -> String {
    code.map_or_else(|| "a signal".to_owned(), |c| format!("code {c}"))
}
