//! Runs and results in the app's SQLite store: written as a run starts and ends, kept to the last
//! N per project, read back as the history, a test's recent outcomes, two runs compared, and the
//! tests that are flaky.

use std::collections::{BTreeMap, HashMap};

use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::Row;

use crate::error::Result;
use crate::model::{
    Counts, GitState, RunTrigger, TestCaseResult, TestRef, TestRun, TestRunDetail, TestRunStatus,
    TestStatus,
};

/// Runs kept per project unless the settings say otherwise.
pub const DEFAULT_KEEP: u32 = 100;

const RUN_COLUMNS: &str = "id, project_id, suites, trigger, status, started_at, duration_ms, \
     passed, failed, skipped, git_commit, git_branch, git_dirty, message";

fn run_from_row(row: &sqlx::sqlite::SqliteRow) -> TestRun {
    let suites: String = row.get("suites");
    TestRun {
        id: row.get("id"),
        project_id: row.get("project_id"),
        suites: serde_json::from_str(&suites).unwrap_or_default(),
        trigger: RunTrigger::parse(row.get("trigger")).unwrap_or(RunTrigger::All),
        status: TestRunStatus::parse(row.get("status")).unwrap_or(TestRunStatus::Error),
        started_at: row.get("started_at"),
        duration_ms: row.get("duration_ms"),
        counts: Counts {
            passed: row.get("passed"),
            failed: row.get("failed"),
            skipped: row.get("skipped"),
        },
        git: GitState {
            commit: row.get("git_commit"),
            branch: row.get("git_branch"),
            dirty: row.get("git_dirty"),
            changes: None,
        },
        message: row.get("message"),
    }
}

/// Writes a new run as running; returns its id.
pub async fn start(
    store: &Store,
    project_id: i64,
    suites: &[String],
    trigger: RunTrigger,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let id = sqlx::query(
        "INSERT INTO test_runs (project_id, suites, trigger, status) VALUES (?, ?, ?, 'running')",
    )
    .bind(project_id)
    .bind(serde_json::to_string(suites).unwrap_or_default())
    .bind(trigger.as_str())
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    tx.commit().await?;
    Ok(id)
}

/// What a finished run writes.
pub struct Finished<'a> {
    pub status: TestRunStatus,
    pub duration_ms: i64,
    pub results: &'a [TestCaseResult],
    pub commands: &'a [String],
    pub message: Option<String>,
    /// The folder's git state when the run started.
    pub git: &'a GitState,
    pub keep: u32,
}

/// Completes a run with its results, in one transaction, then drops the project's runs beyond
/// the last `keep`.
pub async fn finish(store: &Store, run_id: i64, finished: Finished<'_>) -> Result<()> {
    let mut tx = store.begin_write().await?;
    finish_in(&mut tx, run_id, finished).await?;
    tx.commit().await?;
    Ok(())
}

async fn finish_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    run_id: i64,
    finished: Finished<'_>,
) -> Result<()> {
    let counts = Counts::of(finished.results);
    let project_id: i64 = sqlx::query_scalar(
        "UPDATE test_runs SET status = ?, duration_ms = ?, passed = ?, failed = ?, skipped = ?,
                commands = ?, message = ?, git_commit = ?, git_branch = ?, git_dirty = ?
         WHERE id = ? RETURNING project_id",
    )
    .bind(finished.status.as_str())
    .bind(finished.duration_ms)
    .bind(counts.passed)
    .bind(counts.failed)
    .bind(counts.skipped)
    .bind(serde_json::to_string(finished.commands).unwrap_or_default())
    .bind(&finished.message)
    .bind(&finished.git.commit)
    .bind(&finished.git.branch)
    .bind(finished.git.dirty)
    .bind(run_id)
    .fetch_one(&mut **tx)
    .await?;
    if let Some(digest) = &finished.git.changes {
        sqlx::query("INSERT OR REPLACE INTO test_runs_changes (run_id, digest) VALUES (?, ?)")
            .bind(run_id)
            .bind(digest)
            .execute(&mut **tx)
            .await?;
    }
    for result in finished.results {
        sqlx::query(
            "INSERT OR REPLACE INTO test_results
                 (run_id, suite, \"group\", name, status, duration_ms, message, output, retried)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(run_id)
        .bind(&result.suite)
        .bind(&result.group)
        .bind(&result.name)
        .bind(result.status.as_str())
        .bind(result.duration_ms)
        .bind(&result.message)
        .bind(&result.output)
        .bind(result.retried)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "DELETE FROM test_runs WHERE project_id = ? AND id NOT IN
             (SELECT id FROM test_runs WHERE project_id = ? ORDER BY id DESC LIMIT ?)",
    )
    .bind(project_id)
    .bind(project_id)
    .bind(finished.keep.max(1))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A CI run's test results, as read from its JUnit artifacts.
pub struct CiResults {
    pub ci_run_id: i64,
    /// What the history says of it: "CI #42 (acme/shop)".
    pub label: String,
    /// Each artifact's results, its name as their suite until a local suite claims the tests.
    pub results: Vec<TestCaseResult>,
    pub commit: String,
    pub branch: String,
    pub keep: u32,
}

/// Keeps a CI run's results in the project's history, once per CI run: `None` when it was kept
/// already. A test the project's local runs know is filed under their suite, so that its local
/// and CI outcomes sit together.
pub async fn import_ci(store: &Store, project_id: i64, ci: CiResults) -> Result<Option<i64>> {
    let mut tx = store.begin_write().await?;
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT run_id FROM test_runs_ci WHERE project_id = ? AND ci_run_id = ?",
    )
    .bind(project_id)
    .bind(ci.ci_run_id)
    .fetch_optional(&mut *tx)
    .await?;
    if known.is_some() {
        return Ok(None);
    }
    let rows = sqlx::query(
        "SELECT r.suite, r.\"group\", r.name FROM test_results r JOIN test_runs t ON t.id = r.run_id
         WHERE t.project_id = ? AND t.trigger != 'ci' ORDER BY r.run_id",
    )
    .bind(project_id)
    .fetch_all(&mut *tx)
    .await?;
    let local: HashMap<(String, String), String> = rows
        .iter()
        .map(|row| ((row.get("group"), row.get("name")), row.get("suite")))
        .collect();
    let results: Vec<TestCaseResult> = ci
        .results
        .into_iter()
        .map(|mut result| {
            if let Some(suite) = local.get(&(result.group.clone(), result.name.clone())) {
                result.suite = suite.clone();
            }
            result
        })
        .collect();
    let mut suites: Vec<String> = results.iter().map(|r| r.suite.clone()).collect();
    suites.sort();
    suites.dedup();
    let label = ci.label;
    let status = if Counts::of(&results).failed > 0 {
        TestRunStatus::Failed
    } else {
        TestRunStatus::Passed
    };
    let duration: f64 = results.iter().filter_map(|r| r.duration_ms).sum();
    let run_id = sqlx::query(
        "INSERT INTO test_runs (project_id, suites, trigger, status) VALUES (?, ?, 'ci', 'running')",
    )
    .bind(project_id)
    .bind(serde_json::to_string(&suites).unwrap_or_default())
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    sqlx::query("INSERT INTO test_runs_ci (run_id, project_id, ci_run_id) VALUES (?, ?, ?)")
        .bind(run_id)
        .bind(project_id)
        .bind(ci.ci_run_id)
        .execute(&mut *tx)
        .await?;
    finish_in(
        &mut tx,
        run_id,
        Finished {
            status,
            duration_ms: duration.round() as i64,
            results: &results,
            commands: &[],
            message: Some(label.clone()),
            git: &GitState {
                commit: Some(ci.commit),
                branch: Some(ci.branch),
                dirty: false,
                changes: None,
            },
            keep: ci.keep,
        },
    )
    .await?;
    let counts = Counts::of(&results);
    audit::record(
        &mut tx,
        NewAuditEntry {
            action: AuditAction::TestImport,
            resource_type: ResourceType::TestRun,
            resource_id: run_id,
            resource_name: &label,
            project_id: Some(project_id),
            details: serde_json::json!({
                "ciRunId": ci.ci_run_id,
                "passed": counts.passed,
                "failed": counts.failed,
                "skipped": counts.skipped,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    store.announce(Change {
        action: AuditAction::TestImport,
        resource_type: ResourceType::TestRun,
        resource_id: run_id,
    });
    Ok(Some(run_id))
}

/// Runs a crash left as running: they ended with the app.
pub async fn settle_interrupted(store: &Store) -> Result<u64> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE test_runs SET status = 'error',
                message = 'The app stopped during this run; its results were not kept.'
         WHERE status = 'running'",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(done)
}

/// The latest finished run of any project.
pub async fn latest(store: &Store) -> Result<Option<TestRun>> {
    let row = sqlx::query(&format!(
        "SELECT {RUN_COLUMNS} FROM test_runs WHERE status != 'running' ORDER BY id DESC LIMIT 1"
    ))
    .fetch_optional(store.pool())
    .await?;
    Ok(row.as_ref().map(run_from_row))
}

/// The project's runs, newest first.
pub async fn list(store: &Store, project_id: i64, limit: u32) -> Result<Vec<TestRun>> {
    let rows = sqlx::query(&format!(
        "SELECT {RUN_COLUMNS} FROM test_runs WHERE project_id = ? ORDER BY id DESC LIMIT ?"
    ))
    .bind(project_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.iter().map(run_from_row).collect())
}

pub async fn get(store: &Store, run_id: i64) -> Result<TestRunDetail> {
    let row = sqlx::query(&format!(
        "SELECT {RUN_COLUMNS}, commands FROM test_runs WHERE id = ?"
    ))
    .bind(run_id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(crate::Error::RunNotFound(run_id))?;
    let commands: String = row.get("commands");
    let results = sqlx::query(
        "SELECT suite, \"group\", name, status, duration_ms, message, output, retried
         FROM test_results WHERE run_id = ? ORDER BY rowid",
    )
    .bind(run_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| TestCaseResult {
        suite: r.get("suite"),
        group: r.get("group"),
        name: r.get("name"),
        status: TestStatus::parse(r.get("status")).unwrap_or(TestStatus::Failed),
        duration_ms: r.get("duration_ms"),
        message: r.get("message"),
        output: r.get("output"),
        retried: r.get("retried"),
    })
    .collect();
    Ok(TestRunDetail {
        run: run_from_row(&row),
        results,
        commands: serde_json::from_str(&commands).unwrap_or_default(),
    })
}

/// The failed tests of the project's last finished run, for "rerun failed".
pub async fn last_failures(store: &Store, project_id: i64) -> Result<Vec<TestRef>> {
    let rows = sqlx::query(
        "SELECT suite, \"group\", name FROM test_results WHERE status = 'failed' AND run_id =
             (SELECT id FROM test_runs WHERE project_id = ? AND status IN ('passed', 'failed')
              ORDER BY id DESC LIMIT 1)
         ORDER BY rowid",
    )
    .bind(project_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| TestRef {
            suite: r.get("suite"),
            group: r.get("group"),
            name: r.get("name"),
        })
        .collect())
}

/// One test's outcome in one run, for its strip of recent outcomes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub run_id: i64,
    pub started_at: String,
    pub status: TestStatus,
    pub duration_ms: Option<f64>,
    pub commit: Option<String>,
}

/// The test's outcomes in the project's last `limit` runs that ran it, newest first.
pub async fn test_history(
    store: &Store,
    project_id: i64,
    test: &TestRef,
    limit: u32,
) -> Result<Vec<Outcome>> {
    let rows = sqlx::query(
        "SELECT r.id, r.started_at, t.status, t.duration_ms, r.git_commit
         FROM test_results t JOIN test_runs r ON r.id = t.run_id
         WHERE r.project_id = ? AND t.suite = ? AND t.\"group\" = ? AND t.name = ?
         ORDER BY r.id DESC LIMIT ?",
    )
    .bind(project_id)
    .bind(&test.suite)
    .bind(&test.group)
    .bind(&test.name)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| Outcome {
            run_id: r.get("id"),
            started_at: r.get("started_at"),
            status: TestStatus::parse(r.get("status")).unwrap_or(TestStatus::Failed),
            duration_ms: r.get("duration_ms"),
            commit: r.get("git_commit"),
        })
        .collect())
}

/// Two runs side by side.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Failed in the newer run, not in the older.
    pub new_failures: Vec<TestRef>,
    /// Failed in the older run, passed in the newer.
    pub fixed: Vec<TestRef>,
    pub still_failing: Vec<TestRef>,
    /// Slower in the newer run by more than the threshold: (test, older ms, newer ms).
    pub slower: Vec<Slower>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Slower {
    pub test: TestRef,
    pub before_ms: f64,
    pub after_ms: f64,
}

/// Compares `older` with `newer`; a test is slower when it took `slower_ratio` times as long and
/// at least 50 ms more (timer noise on tiny tests is no news).
pub async fn compare(
    store: &Store,
    older: i64,
    newer: i64,
    slower_ratio: f64,
) -> Result<Comparison> {
    let older = get(store, older).await?.results;
    let before = by_test(&older);
    let after = get(store, newer).await?.results;
    let mut comparison = Comparison::default();
    for result in &after {
        let test = result.test_ref();
        let previous = before.get(&test);
        let failed_before = previous.is_some_and(|p| p.status == TestStatus::Failed);
        match (result.status, failed_before) {
            (TestStatus::Failed, true) => comparison.still_failing.push(test.clone()),
            (TestStatus::Failed, false) => comparison.new_failures.push(test.clone()),
            (TestStatus::Passed, true) => comparison.fixed.push(test.clone()),
            _ => {}
        }
        if let (Some(before_ms), Some(after_ms)) =
            (previous.and_then(|p| p.duration_ms), result.duration_ms)
        {
            if after_ms > before_ms * slower_ratio && after_ms - before_ms >= 50.0 {
                comparison.slower.push(Slower {
                    test,
                    before_ms,
                    after_ms,
                });
            }
        }
    }
    Ok(comparison)
}

fn by_test(results: &[TestCaseResult]) -> HashMap<TestRef, &TestCaseResult> {
    results.iter().map(|r| (r.test_ref(), r)).collect()
}

/// A test seen to both pass and fail on the same code, or to pass only on a retry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FlakyTest {
    pub test: TestRef,
    /// Runs in the history where it passed and where it failed.
    pub passed: u32,
    pub failed: u32,
    /// The latest run that showed it flaky.
    pub last_seen_run_id: i64,
    /// Why it is flaky, in words.
    pub reason: String,
}

/// The project's flaky tests: passed and failed on the same code (one commit, and a clean tree
/// or the same uncommitted changes), or passed on a retry.
pub async fn flaky(store: &Store, project_id: i64) -> Result<Vec<FlakyTest>> {
    let rows = sqlx::query(
        "SELECT t.suite, t.\"group\", t.name, t.status, t.retried, r.id, r.git_commit, r.git_dirty,
                c.digest
         FROM test_results t JOIN test_runs r ON r.id = t.run_id
         LEFT JOIN test_runs_changes c ON c.run_id = r.id
         WHERE r.project_id = ? AND t.status != 'skipped'
         ORDER BY r.id",
    )
    .bind(project_id)
    .fetch_all(store.pool())
    .await?;
    #[derive(Default)]
    struct Seen {
        passed: u32,
        failed: u32,
        last_run: i64,
        /// Per code (commit, digest of uncommitted changes): (passed, failed) seen there.
        commits: HashMap<(String, String), (bool, bool)>,
        reason: Option<String>,
    }
    let mut seen: BTreeMap<TestRef, Seen> = BTreeMap::new();
    for row in &rows {
        let test = TestRef {
            suite: row.get("suite"),
            group: row.get("group"),
            name: row.get("name"),
        };
        let status = TestStatus::parse(row.get("status")).unwrap_or(TestStatus::Failed);
        let run_id: i64 = row.get("id");
        let entry = seen.entry(test).or_default();
        match status {
            TestStatus::Passed => entry.passed += 1,
            _ => entry.failed += 1,
        }
        if row.get::<bool, _>("retried") {
            entry.reason = Some("Passed only on a retry.".to_owned());
            entry.last_run = run_id;
        }
        let commit: Option<String> = row.get("git_commit");
        let changes: Option<String> = row.get("digest");
        // A dirty run whose changes are unknown may have run any code.
        let code = match (commit, row.get::<bool, _>("git_dirty"), changes) {
            (Some(commit), false, _) => Some((commit, String::new())),
            (Some(commit), true, Some(changes)) => Some((commit, changes)),
            _ => None,
        };
        if let Some(code) = code {
            let both = entry.commits.entry(code.clone()).or_default();
            match status {
                TestStatus::Passed => both.0 = true,
                _ => both.1 = true,
            }
            if both.0 && both.1 {
                let short: String = code.0.chars().take(8).collect();
                entry.reason = Some(if code.1.is_empty() {
                    format!("Passed and failed on commit {short} with no change.")
                } else {
                    format!(
                        "Passed and failed on commit {short} with the same uncommitted changes."
                    )
                });
                entry.last_run = run_id;
            }
        }
    }
    Ok(seen
        .into_iter()
        .filter_map(|(test, seen)| {
            Some(FlakyTest {
                test,
                passed: seen.passed,
                failed: seen.failed,
                last_seen_run_id: seen.last_run,
                reason: seen.reason?,
            })
        })
        .collect())
}

/// One point of the trend: a finished run's pass rate and duration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    pub run_id: i64,
    pub started_at: String,
    /// Passed over passed and failed, 0 to 1; none when nothing ran.
    pub pass_rate: Option<f64>,
    pub duration_ms: Option<i64>,
}

/// The trend over the project's kept runs that finished, oldest first.
pub async fn trend(store: &Store, project_id: i64) -> Result<Vec<TrendPoint>> {
    let rows = sqlx::query(
        "SELECT id, started_at, passed, failed, duration_ms FROM test_runs
         WHERE project_id = ? AND status IN ('passed', 'failed') ORDER BY id",
    )
    .bind(project_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let passed: u32 = r.get("passed");
            let failed: u32 = r.get("failed");
            let ran = passed + failed;
            TrendPoint {
                run_id: r.get("id"),
                started_at: r.get("started_at"),
                pass_rate: (ran > 0).then(|| f64::from(passed) / f64::from(ran)),
                duration_ms: r.get("duration_ms"),
            }
        })
        .collect())
}
