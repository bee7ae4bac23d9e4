//! Live without webhooks: one task per project polls its provider with conditional requests and
//! pushes what changed. Often (seconds) while the CI page is open, every few seconds more while
//! a run is under way, every few minutes otherwise; after a network failure it backs off and
//! says "offline"; when the rate limit runs low it slows down and says so; when it is used up it
//! waits for the reset.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::http::RequestCounts;
use crate::model::{CiRun, CiRunDetail, RateBudget};
use crate::{lock, Ci, CiOverview};

/// How often to ask.
#[derive(Clone, Copy, Debug)]
pub struct Intervals {
    /// The CI page is open and in front.
    pub open: Duration,
    /// A run is under way (the page closed): its end is worth a notification.
    pub active: Duration,
    pub idle: Duration,
    /// The longest wait between tries while the network is gone.
    pub offline_max: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self {
            open: Duration::from_secs(3),
            active: Duration::from_secs(15),
            idle: Duration::from_secs(180),
            offline_max: Duration::from_secs(60),
        }
    }
}

/// What the window looks at: the CI page (and which run), or nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Interest {
    pub page_open: bool,
    pub run_id: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum WatchState {
    Live,
    Offline,
    /// Slowed down: the rate limit runs low, or is used up until its reset.
    Limited,
    /// The provider refuses (a token, a repository): nothing changes until the user acts.
    Failing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WatchStatus {
    pub state: WatchState,
    pub message: Option<String>,
    pub budget: Option<RateBudget>,
    pub counts: RequestCounts,
    /// Seconds until the next check.
    pub next_check_secs: u32,
}

/// What the watcher pushes.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CiEvent {
    #[serde(rename_all = "camelCase")]
    Overview {
        project_id: i64,
        overview: CiOverview,
    },
    #[serde(rename_all = "camelCase")]
    Run {
        project_id: i64,
        detail: CiRunDetail,
    },
    /// A run on the folder's branch finished since the last check.
    #[serde(rename_all = "camelCase")]
    Finished { project_id: i64, run: CiRun },
    #[serde(rename_all = "camelCase")]
    Status {
        project_id: i64,
        status: WatchStatus,
    },
}

pub type Emit = Arc<dyn Fn(CiEvent) + Send + Sync>;

pub(crate) struct Watch {
    interest: watch::Sender<Interest>,
    task: JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Ci {
    /// Starts watching the project (once; a second call only changes what the window looks at).
    pub fn watch(self: &Arc<Self>, project_id: i64, interest: Interest, emit: Emit) {
        let mut watches = lock(&self.watches);
        if let Some(watch) = watches.get(&project_id).filter(|w| !w.task.is_finished()) {
            watch.interest.send_replace(interest);
            return;
        }
        let (sender, receiver) = watch::channel(interest);
        let task = tokio::spawn(Arc::clone(self).poll(project_id, receiver, emit));
        watches.insert(
            project_id,
            Watch {
                interest: sender,
                task,
            },
        );
    }

    /// Tells the project's watcher what the window looks at; `false` when none runs.
    pub fn set_interest(&self, project_id: i64, interest: Interest) -> bool {
        match lock(&self.watches).get(&project_id) {
            Some(watch) if !watch.task.is_finished() => {
                watch.interest.send_replace(interest);
                true
            }
            _ => false,
        }
    }

    pub fn unwatch(&self, project_id: i64) {
        lock(&self.watches).remove(&project_id);
        lock(&self.seen).remove(&project_id);
        self.forget(project_id);
    }

    async fn poll(
        self: Arc<Self>,
        project_id: i64,
        mut interest: watch::Receiver<Interest>,
        emit: Emit,
    ) {
        let mut known: HashMap<i64, CiRun> = HashMap::new();
        let mut first = true;
        let mut failures = 0u32;
        loop {
            let wanted = *interest.borrow_and_update();
            let outcome = self
                .check(project_id, wanted, &mut known, first, &emit)
                .await;
            // The provider the check used, as it stands: its counts and the budget it last saw.
            let kept = self.kept(project_id);
            let counts = kept.as_ref().map(|p| p.counts()).unwrap_or_default();
            let budget = kept.as_ref().and_then(|p| p.budget());
            let (state, message, wait) = match outcome {
                Ok(active) => {
                    first = false;
                    failures = 0;
                    let mut wait = if wanted.page_open {
                        self.intervals.open
                    } else if active {
                        self.intervals.active
                    } else {
                        self.intervals.idle
                    };
                    match budget.filter(RateBudget::is_low) {
                        Some(budget) => {
                            wait = wait.max(spread(budget));
                            (
                                WatchState::Limited,
                                Some(format!(
                                    "{} of {} requests left this hour: checking less often.",
                                    budget.remaining, budget.limit
                                )),
                                wait,
                            )
                        }
                        None => (WatchState::Live, None, wait),
                    }
                }
                Err(Error::Offline { host, detail }) => {
                    failures += 1;
                    let wait = (self.intervals.open * 2u32.saturating_pow(failures.min(8)))
                        .min(self.intervals.offline_max);
                    (
                        WatchState::Offline,
                        Some(format!("{host} is out of reach ({detail}). Trying again.")),
                        wait,
                    )
                }
                Err(error @ Error::RateLimited { .. }) => {
                    let wait = budget.map_or(self.intervals.idle, until_reset);
                    (WatchState::Limited, Some(error.to_string()), wait)
                }
                // The repository or the project went: nothing left to watch.
                Err(
                    Error::NoRepository
                    | Error::Kernel(quantum_kernel::Error::ProjectNotFound { .. }),
                ) => {
                    self.forget(project_id);
                    return;
                }
                Err(error) => {
                    // A token or a repository the provider refuses: tried again rarely, and at
                    // once when the user changes the setting (the watch is started again).
                    self.forget(project_id);
                    (
                        WatchState::Failing,
                        Some(error.to_string()),
                        self.intervals.idle,
                    )
                }
            };
            emit(CiEvent::Status {
                project_id,
                status: WatchStatus {
                    state,
                    message,
                    budget,
                    counts,
                    next_check_secs: u32::try_from(wait.as_secs()).unwrap_or(u32::MAX),
                },
            });
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                changed = interest.changed() => if changed.is_err() { return },
            }
        }
    }

    /// One round: the overview, and the run the window shows. Whether a run is under way.
    async fn check(
        &self,
        project_id: i64,
        wanted: Interest,
        known: &mut HashMap<i64, CiRun>,
        first: bool,
        emit: &Emit,
    ) -> crate::Result<bool> {
        let overview = self.overview(project_id).await?;
        let runs: Vec<&CiRun> = overview
            .value
            .workflows
            .iter()
            .flat_map(|w| w.current.iter().chain(w.default.iter()))
            .collect();
        let active = runs.iter().any(|run| !run.status.is_finished());
        // A run can start and end between two checks (a short run, or the idle period): one
        // never seen that changed after everything seen before is new, and told too.
        let newest_seen = known.values().map(|run| run.updated_at.clone()).max();
        for run in &runs {
            let before = known.insert(run.id, (*run).clone());
            let finished_now = run.status.is_finished()
                && match before {
                    Some(before) => !before.status.is_finished() || before.attempt != run.attempt,
                    None => newest_seen
                        .as_ref()
                        .is_some_and(|newest| run.updated_at > *newest),
                };
            let on_current = overview.value.current_branch.as_deref() == Some(run.branch.as_str());
            if !first && finished_now && on_current {
                emit(CiEvent::Finished {
                    project_id,
                    run: (*run).clone(),
                });
            }
        }
        if overview.changed || first {
            emit(CiEvent::Overview {
                project_id,
                overview: overview.value,
            });
        }
        if let Some(run_id) = wanted.run_id {
            let detail = self.run_detail(project_id, run_id).await?;
            if detail.changed || first {
                emit(CiEvent::Run {
                    project_id,
                    detail: detail.value,
                });
            }
        }
        Ok(active)
    }
}

/// The wait that spreads what is left of the budget over the rest of the window, twice over.
fn spread(budget: RateBudget) -> Duration {
    let left = until_reset(budget);
    left * 2 / budget.remaining.max(1)
}

fn until_reset(budget: RateBudget) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let reset = u64::try_from(budget.reset_at).unwrap_or_default();
    Duration::from_secs(reset.saturating_sub(now).clamp(1, 3600))
}
