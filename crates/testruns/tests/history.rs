//! The history as the Tests page reads it, on runs written straight into a store: only the last
//! N runs are kept, a comparison finds the tests that got slower, and the flaky finder counts a
//! retry and runs on the same uncommitted changes, but not runs on different ones.

use quantum_kernel::projects::{self, ProjectInput};
use quantum_kernel::Store;
use quantum_testruns::history::{self, Finished};
use quantum_testruns::{GitState, RunTrigger, TestCaseResult, TestRunStatus, TestStatus};

struct History {
    store: Store,
    project_id: i64,
    _dir: tempfile::TempDir,
}

impl History {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_in(dir.path()).await.expect("store");
        let project = projects::create(
            &store,
            ProjectInput {
                name: "history".to_owned(),
                ..Default::default()
            },
        )
        .await
        .expect("project");
        Self {
            store,
            project_id: project.id,
            _dir: dir,
        }
    }

    /// A finished run of `results`, on `git`, keeping the last `keep` runs.
    async fn run(&self, results: &[TestCaseResult], git: &GitState, keep: u32) -> i64 {
        let id = history::start(
            &self.store,
            self.project_id,
            &["unit".to_owned()],
            RunTrigger::All,
        )
        .await
        .expect("started");
        let status = if results.iter().any(|r| r.status == TestStatus::Failed) {
            TestRunStatus::Failed
        } else {
            TestRunStatus::Passed
        };
        history::finish(
            &self.store,
            id,
            Finished {
                status,
                duration_ms: 1000,
                results,
                commands: &[],
                message: None,
                git,
                keep,
            },
        )
        .await
        .expect("finished");
        id
    }
}

fn result(name: &str, status: TestStatus, duration_ms: f64) -> TestCaseResult {
    TestCaseResult {
        suite: "unit".to_owned(),
        group: "math".to_owned(),
        name: name.to_owned(),
        status,
        duration_ms: Some(duration_ms),
        message: None,
        output: None,
        retried: false,
    }
}

fn clean(commit: &str) -> GitState {
    GitState {
        commit: Some(commit.to_owned()),
        branch: Some("main".to_owned()),
        dirty: false,
        changes: None,
    }
}

fn dirty(commit: &str, changes: &str) -> GitState {
    GitState {
        dirty: true,
        changes: Some(changes.to_owned()),
        ..clean(commit)
    }
}

fn names(tests: &[quantum_testruns::TestRef]) -> Vec<&str> {
    tests.iter().map(|t| t.name.as_str()).collect()
}

#[tokio::test]
async fn only_the_last_runs_are_kept_and_a_comparison_names_the_slower_tests() {
    let history = History::new().await;
    let first = history
        .run(
            &[
                result("parses", TestStatus::Passed, 100.0),
                result("adds", TestStatus::Passed, 10.0),
                result("divides", TestStatus::Failed, 5.0),
            ],
            &clean("aaaa"),
            2,
        )
        .await;
    let second = history
        .run(
            &[
                // Four times as long and 300 ms more: slower.
                result("parses", TestStatus::Passed, 400.0),
                // Three times as long but 20 ms more: timer noise, not news.
                result("adds", TestStatus::Passed, 30.0),
                result("divides", TestStatus::Passed, 5.0),
            ],
            &clean("aaaa"),
            2,
        )
        .await;
    let comparison = history::compare(&history.store, first, second, 1.5)
        .await
        .expect("compared");
    assert_eq!(comparison.slower.len(), 1, "{comparison:?}");
    assert_eq!(comparison.slower[0].test.name, "parses");
    assert_eq!(
        (
            comparison.slower[0].before_ms,
            comparison.slower[0].after_ms
        ),
        (100.0, 400.0)
    );
    assert_eq!(names(&comparison.fixed), ["divides"]);

    let third = history
        .run(
            &[result("parses", TestStatus::Passed, 90.0)],
            &clean("bbbb"),
            2,
        )
        .await;
    let kept: Vec<i64> = history::list(&history.store, history.project_id, 100)
        .await
        .expect("listed")
        .iter()
        .map(|run| run.id)
        .collect();
    assert_eq!(kept, [third, second], "the oldest run is gone");
    assert!(history::get(&history.store, first).await.is_err());
}

#[tokio::test]
async fn flaky_tests_are_found_by_a_retry_and_by_the_same_uncommitted_changes() {
    let history = History::new().await;
    let mut retried = result("retries", TestStatus::Passed, 10.0);
    retried.retried = true;
    history.run(&[retried], &clean("aaaa"), 100).await;

    // Same commit, same uncommitted changes: the same code, one pass and one failure.
    history
        .run(
            &[
                result("toggles", TestStatus::Failed, 10.0),
                result("edited", TestStatus::Failed, 10.0),
            ],
            &dirty("aaaa", "digest-1"),
            100,
        )
        .await;
    history
        .run(
            &[result("toggles", TestStatus::Passed, 10.0)],
            &dirty("aaaa", "digest-1"),
            100,
        )
        .await;
    // Same commit, other changes: the code changed between the runs, so no verdict.
    history
        .run(
            &[result("edited", TestStatus::Passed, 10.0)],
            &dirty("aaaa", "digest-2"),
            100,
        )
        .await;

    let flaky = history::flaky(&history.store, history.project_id)
        .await
        .expect("flaky tests");
    let found: Vec<(&str, &str)> = flaky
        .iter()
        .map(|f| (f.test.name.as_str(), f.reason.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("retries", "Passed only on a retry."),
            (
                "toggles",
                "Passed and failed on commit aaaa with the same uncommitted changes."
            ),
        ]
    );
}
