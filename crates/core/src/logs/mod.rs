//! A project's one log: its datasources' containers, its deploy environments' live releases (their
//! containers, or their pods on a cluster), its test runs and the app's own lines about it, merged
//! by time from a point on, then followed live in batches (so a flood cannot freeze the page).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::{stream, StreamExt};
use quantum_datasources::streams::{
    container_log_lines, forward_batched, LogRange, LOG_BATCH_DELAY, LOG_BATCH_LINES,
};
use quantum_deploy::kubernetes::Cluster;
use quantum_docker::Docker;
use quantum_kernel::ErrorInfo;
use quantum_logs::app_log;
use quantum_logs::{merge, now_ms, parse_time_ms, split_timestamp, LogEntry, LogFilter, LogSource};
use quantum_testruns::{history, TestRunStatus};
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::{JoinHandle, JoinSet};

use crate::Core;

mod sources;

use sources::{plan, Plan};

/// Lines of history a page opens with at most (the newest).
pub const HISTORY_CAP: usize = 1_000_000;

/// What a project's log stream sends: lines (history first, oldest first), and once the history
/// is all sent, `Live`.
#[derive(Clone, Debug, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ProjectLogEvent {
    Entries { entries: Vec<LogEntry> },
    Live,
}

/// Whole seconds, as Docker's `since` and `until` take them.
fn whole_secs(at_ms: f64) -> i64 {
    (at_ms / 1000.0).floor() as i64
}

/// A container's lines from `since_ms` up to `until_secs`, with Docker's times.
async fn container_history(
    docker: &Docker,
    source: u16,
    container: &str,
    since_ms: Option<f64>,
    until_secs: i64,
) -> Vec<LogEntry> {
    let range = LogRange {
        since_secs: since_ms.map(whole_secs),
        until_secs: Some(until_secs),
        timestamps: true,
        ..LogRange::default()
    };
    let mut last = since_ms.unwrap_or_default();
    container_log_lines(docker, container, range)
        .map(|line| {
            let (at_ms, text) = split_timestamp(&line.text).unwrap_or((last, &line.text));
            last = at_ms;
            LogEntry::new(at_ms, source, text.to_owned())
        })
        .filter(|entry| std::future::ready(since_ms.is_none_or(|since| entry.at_ms >= since)))
        .collect()
        .await
}

/// Each run that started in the range: its start, its end with the counts, its failed tests.
async fn test_run_history(
    core: &Core,
    project_id: i64,
    source: u16,
    since_ms: Option<f64>,
) -> Result<Vec<LogEntry>, ErrorInfo> {
    let mut entries = Vec::new();
    for run in history::list(&core.store, project_id, 500).await? {
        let Some(started) = parse_time_ms(&run.started_at) else {
            continue;
        };
        if since_ms.is_some_and(|since| started < since) {
            continue;
        }
        entries.push(LogEntry::new(
            started,
            source,
            format!("Run #{} started: {}", run.id, run.suites.join(", ")),
        ));
        let Some(duration) = run.duration_ms else {
            continue;
        };
        let ended = started + duration as f64;
        let (level, word) = match run.status {
            TestRunStatus::Passed => ("INFO", "passed"),
            TestRunStatus::Failed => ("ERROR", "failed"),
            TestRunStatus::Error => ("ERROR", "could not run"),
            TestRunStatus::TimedOut => ("ERROR", "timed out"),
            TestRunStatus::Cancelled => ("WARN", "was cancelled"),
            TestRunStatus::Running => continue,
        };
        let counts = &run.counts;
        let why = run
            .message
            .as_deref()
            .map(|m| format!(" — {m}"))
            .unwrap_or_default();
        entries.push(LogEntry::new(
            ended,
            source,
            format!(
                "{level} Run #{} {word}: {} passed, {} failed, {} skipped in {:.1} s{why}",
                run.id,
                counts.passed,
                counts.failed,
                counts.skipped,
                duration as f64 / 1000.0
            ),
        ));
        if counts.failed > 0 {
            for failure in history::get(&core.store, run.id)
                .await?
                .results
                .into_iter()
                .filter(|r| r.status == quantum_testruns::TestStatus::Failed)
            {
                let message = failure.message.as_deref().and_then(|m| m.lines().next());
                entries.push(LogEntry::new(
                    ended,
                    source,
                    format!(
                        "ERROR   ✗ {} › {}{}",
                        failure.suite,
                        failure.name,
                        message.map(|m| format!(": {m}")).unwrap_or_default()
                    ),
                ));
            }
        }
    }
    Ok(entries)
}

/// Every source's lines from `since_ms` up to `until_ms`, merged; and where the app's log
/// ended, to follow from.
async fn history_of(
    core: &Core,
    project_id: i64,
    plan: &Plan,
    log_dir: &Path,
    since_ms: Option<f64>,
    until_ms: f64,
) -> Result<(Vec<LogEntry>, app_log::Position), ErrorInfo> {
    let containers = async {
        // Without Docker the containers have nothing to say; the other sources still do.
        let local = Docker::connect().await.ok();
        let until = whole_secs(until_ms);
        futures_util::future::join_all(plan.containers.iter().filter_map(
            |(source, container, remote)| {
                let docker = remote.as_ref().or(local.as_ref())?;
                Some(container_history(
                    docker, *source, container, since_ms, until,
                ))
            },
        ))
        .await
    };
    let pods = futures_util::future::join_all(plan.pods.iter().map(
        |(source, cluster, namespace, pod)| {
            pod_history(
                cluster,
                *source,
                (namespace.as_deref(), pod),
                since_ms,
                until_ms,
            )
        },
    ));
    let app = {
        let (dir, keep, source) = (log_dir.to_path_buf(), Arc::clone(&plan.keep), plan.app);
        tokio::task::spawn_blocking(move || app_log::read_since(&dir, since_ms, source, &keep))
    };
    let (mut histories, pods, app, runs) = tokio::join!(
        containers,
        pods,
        app,
        test_run_history(core, project_id, plan.test_runs, since_ms)
    );
    histories.extend(pods);
    let (app_entries, position) = app
        .map_err(|error| ErrorInfo::new("logs.read_failed", error.to_string()))?
        .map_err(ErrorInfo::from)?;
    histories.push(app_entries);
    histories.push(runs?);
    histories.push(plan.notes.clone());
    // Only the containers' part ends at `until_ms` (their live part starts there); the app's
    // log and the test runs go on from where their reading ended.
    Ok((merge(histories, HISTORY_CAP), position))
}

/// Follows a project's log while it lives; dropping it stops every source.
pub struct ProjectLogFollower {
    task: JoinHandle<()>,
}

impl ProjectLogFollower {
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for ProjectLogFollower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The project's sources; then, through `send`, its lines from `since_ms` (all kept when
/// `None`), `Live`, and new lines as they come, until `send` returns false or the follower is
/// dropped.
pub async fn follow(
    core: &Core,
    project_id: i64,
    log_dir: PathBuf,
    since_ms: Option<f64>,
    mut send: impl FnMut(ProjectLogEvent) -> bool + Send + 'static,
) -> Result<(Vec<LogSource>, ProjectLogFollower), ErrorInfo> {
    quantum_kernel::projects::get(&core.store, project_id).await?;
    let plan = plan(core, project_id).await?;
    let sources = plan.sources.clone();
    // The history ends at a whole second, where the live part begins (Docker counts in seconds).
    let opened_secs = whole_secs(now_ms());
    let (history, position) = history_of(
        core,
        project_id,
        &plan,
        &log_dir,
        since_ms,
        opened_secs as f64 * 1000.0,
    )
    .await?;
    let mut outputs = core.testruns.subscribe_output();
    let task = tokio::spawn(async move {
        // Moved out batch by batch: a million lines are never held twice.
        let mut history = history.into_iter();
        loop {
            let entries: Vec<LogEntry> = history.by_ref().take(LOG_BATCH_LINES).collect();
            if entries.is_empty() {
                break;
            }
            if !send(ProjectLogEvent::Entries { entries }) {
                return;
            }
        }
        if !send(ProjectLogEvent::Live) {
            return;
        }
        let (sender, receiver) = unbounded_channel::<LogEntry>();
        let mut followers = JoinSet::new();
        let local = Docker::connect().await.ok();
        for (source, container, remote) in plan.containers {
            let Some(docker) = remote.or_else(|| local.clone()) else {
                continue;
            };
            followers.spawn(follow_container(
                docker,
                source,
                container,
                opened_secs,
                sender.clone(),
            ));
        }
        for (source, cluster, namespace, pod) in plan.pods {
            followers.spawn(follow_pod(
                cluster,
                source,
                (namespace, pod),
                opened_secs,
                sender.clone(),
            ));
        }
        let _app = app_log::follow(&log_dir, position, plan.app, plan.keep, sender.clone())
            .inspect_err(|error| tracing::warn!(%error, "the app's log cannot be followed"))
            .ok();
        let test_runs = plan.test_runs;
        let runs_sender = sender;
        followers.spawn(async move {
            loop {
                match outputs.recv().await {
                    Ok(output) if output.project_id == project_id => {
                        let at_ms = now_ms();
                        for line in output.text.lines() {
                            let entry = LogEntry::new(at_ms, test_runs, line.to_owned());
                            if runs_sender.send(entry).is_err() {
                                return;
                            }
                        }
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        let entries = stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|entry| (entry, receiver))
        });
        forward_batched(
            Box::pin(entries),
            LOG_BATCH_LINES,
            LOG_BATCH_DELAY,
            |entries| send(ProjectLogEvent::Entries { entries }),
        )
        .await;
        followers.abort_all();
    });
    Ok((sources, ProjectLogFollower { task }))
}

/// Follows a container's log, also across restarts: Docker ends a follow when the container
/// stops, so the next start is awaited and followed from where the log stopped.
async fn follow_container(
    docker: Docker,
    source: u16,
    container: String,
    since_secs: i64,
    sender: UnboundedSender<LogEntry>,
) {
    let mut since_secs = since_secs;
    // The newest line sent: a follow resumed from its whole second skips what came before.
    let mut sent_up_to: Option<f64> = None;
    loop {
        let range = LogRange {
            since_secs: Some(since_secs),
            follow: true,
            timestamps: true,
            tail: None,
            until_secs: None,
        };
        let mut lines = container_log_lines(&docker, &container, range);
        while let Some(line) = lines.next().await {
            let (at_ms, text) = split_timestamp(&line.text).unwrap_or((now_ms(), &line.text));
            if sent_up_to.is_some_and(|sent| at_ms <= sent) {
                continue;
            }
            sent_up_to = Some(at_ms);
            if sender
                .send(LogEntry::new(at_ms, source, text.to_owned()))
                .is_err()
            {
                return;
            }
        }
        // A start in the second the follow ended counts: it may come before the wait begins.
        since_secs = whole_secs(now_ms());
        if !docker.started_since(&container, since_secs).await {
            return;
        }
    }
}

/// A pod's lines from `since_ms` up to `until_ms`; none when it cannot be read (gone since).
async fn pod_history(
    cluster: &Cluster,
    source: u16,
    (namespace, pod): (Option<&str>, &str),
    since_ms: Option<f64>,
    until_ms: f64,
) -> Vec<LogEntry> {
    let Ok(lines) = cluster
        .pod_log(namespace, pod, since_ms.map(whole_secs), false)
        .await
    else {
        return Vec::new();
    };
    let mut last = since_ms.unwrap_or_default();
    lines
        .map(|line| {
            let (at_ms, text) = split_timestamp(&line).unwrap_or((last, &line));
            last = at_ms;
            LogEntry::new(at_ms, source, text.to_owned())
        })
        .filter(|entry| {
            std::future::ready(
                since_ms.is_none_or(|since| entry.at_ms >= since) && entry.at_ms < until_ms,
            )
        })
        .collect()
        .await
}

/// Follows a pod's log from `since_secs`, its lines before that second left to the history.
async fn follow_pod(
    cluster: Cluster,
    source: u16,
    (namespace, pod): (Option<String>, String),
    since_secs: i64,
    sender: UnboundedSender<LogEntry>,
) {
    let from_ms = since_secs as f64 * 1000.0;
    let Ok(lines) = cluster
        .pod_log(namespace.as_deref(), &pod, Some(since_secs), true)
        .await
    else {
        return;
    };
    let mut lines = std::pin::pin!(lines);
    while let Some(line) = lines.next().await {
        let (at_ms, text) = split_timestamp(&line).unwrap_or((now_ms(), &line));
        if at_ms < from_ms {
            continue;
        }
        if sender
            .send(LogEntry::new(at_ms, source, text.to_owned()))
            .is_err()
        {
            return;
        }
    }
}

/// Writes the lines of the project's log that pass `filter` (read again from the sources, up
/// to now) to `path`; how many.
pub async fn export(
    core: &Core,
    project_id: i64,
    log_dir: &Path,
    filter: LogFilter,
    path: PathBuf,
) -> Result<usize, ErrorInfo> {
    quantum_kernel::projects::get(&core.store, project_id).await?;
    let matcher = filter.matcher()?;
    let plan = plan(core, project_id).await?;
    let until = filter.until_ms.unwrap_or_else(now_ms);
    let (entries, _) = history_of(core, project_id, &plan, log_dir, filter.since_ms, until).await?;
    let sources = plan.sources;
    tokio::task::spawn_blocking(move || {
        quantum_logs::export::write(&path, &sources, &entries, &matcher)
    })
    .await
    .map_err(|error| ErrorInfo::new("logs.write_failed", error.to_string()))?
    .map_err(ErrorInfo::from)
}
