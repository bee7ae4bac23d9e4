//! Health checks declared in a project's `quantum.toml` (`[[health]]`), run in the background
//! while the app runs: each on its interval, started staggered, at most [`CONCURRENT`] at once.
//! Every result is kept (30 days) for the response-time history and uptime per day; N failures
//! in a row open an incident and the next success closes it; a check, or all of a project's,
//! can be paused for a while. The shell hears [`HealthEvent`]s and notifies.

mod condition;
mod error;
pub mod history;
mod probe;
pub mod report;
pub mod report_pdf;
mod spec;
pub mod webhook;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use quantum_kernel::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::{broadcast, Semaphore};
use tokio::task::JoinHandle;

pub use condition::{Condition, Observation};
pub use error::{Error, Result};
pub use history::{CheckResult, DayUptime, Incident};
pub use probe::{failed, Prober};
pub use spec::{CheckSpec, Target, DEFAULT_FAILURES, DEFAULT_INTERVAL_SECS, DEFAULT_TIMEOUT_SECS};

/// Checks running at one moment, across projects.
pub const CONCURRENT: usize = 8;
/// Days of uptime the overview shows.
const UPTIME_DAYS: i64 = 7;
/// Results the overview's response-time history shows per check.
const RECENT: i64 = 60;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum HealthEvent {
    #[serde(rename_all = "camelCase")]
    Checked {
        project_id: i64,
        check: String,
        ok: bool,
    },
    IncidentOpened {
        incident: Incident,
    },
    IncidentClosed {
        incident: Incident,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CheckState {
    /// Not run yet.
    Pending,
    Up,
    Down,
    Paused,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CheckStatus {
    pub name: String,
    pub target: String,
    pub interval_secs: u32,
    pub timeout_secs: u32,
    /// Failures in a row that open an incident.
    pub failures: u32,
    pub conditions: Vec<String>,
    /// HTTPS without checking the certificate.
    pub insecure: bool,
    pub state: CheckState,
    pub paused_until: Option<String>,
    /// Oldest first; the last is the latest.
    pub recent: Vec<CheckResult>,
    pub uptime: Vec<DayUptime>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HealthOverview {
    pub checks: Vec<CheckStatus>,
    /// Open ones first, then the newest.
    pub incidents: Vec<Incident>,
    /// Until when all of the project's checks are paused.
    pub paused_until: Option<String>,
}

struct Running {
    specs: Vec<CheckSpec>,
    tasks: Vec<JoinHandle<()>>,
}

pub struct Health {
    store: Store,
    probes: probe::Probes,
    events: broadcast::Sender<HealthEvent>,
    limit: Semaphore,
    running: Mutex<HashMap<i64, Running>>,
}

impl Health {
    pub fn new(store: Store, others: Box<dyn Prober>) -> Arc<Self> {
        Arc::new(Self {
            store,
            probes: probe::Probes::new(others),
            events: broadcast::channel(256).0,
            limit: Semaphore::new(CONCURRENT),
            running: Mutex::new(HashMap::new()),
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<HealthEvent> {
        self.events.subscribe()
    }

    /// Runs `checks` for the project from now on, in place of what it ran; unchanged checks keep
    /// running undisturbed.
    pub fn set_checks(self: &Arc<Self>, project_id: i64, checks: Vec<CheckSpec>) {
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if running.get(&project_id).is_some_and(|r| r.specs == checks) {
            return;
        }
        if let Some(old) = running.remove(&project_id) {
            old.tasks.iter().for_each(JoinHandle::abort);
        }
        if checks.is_empty() {
            return;
        }
        let count = u32::try_from(checks.len()).unwrap_or(u32::MAX);
        let tasks = checks
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                // Spread over the interval, so that ten checks do not fire in the same instant.
                let index = u32::try_from(index).unwrap_or(0);
                let delay = Duration::from_secs(spec.interval_secs.into()) * index / count;
                tokio::spawn(Arc::clone(self).run(project_id, spec.clone(), delay))
            })
            .collect();
        running.insert(
            project_id,
            Running {
                specs: checks,
                tasks,
            },
        );
    }

    /// The checks the project runs now.
    pub fn checks(&self, project_id: i64) -> Vec<CheckSpec> {
        self.running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&project_id)
            .map(|r| r.specs.clone())
            .unwrap_or_default()
    }

    async fn run(self: Arc<Self>, project_id: i64, spec: CheckSpec, delay: Duration) {
        tokio::time::sleep(delay).await;
        let mut failures = 0;
        loop {
            match history::paused_until(&self.store, project_id, &spec.name).await {
                Ok(None) => {
                    let _permit = self.limit.acquire().await;
                    if let Err(error) = self.check(project_id, &spec, &mut failures).await {
                        tracing::warn!(%error, check = %spec.name, "health check not recorded");
                    }
                }
                Ok(Some(_)) => {}
                Err(error) => tracing::warn!(%error, "health pause not read"),
            }
            tokio::time::sleep(Duration::from_secs(spec.interval_secs.into())).await;
        }
    }

    /// Runs the check once: its result recorded, an incident opened after `failures` failures in a
    /// row (`in_a_row` counts them) or closed by a success.
    pub async fn check(
        &self,
        project_id: i64,
        spec: &CheckSpec,
        in_a_row: &mut u32,
    ) -> Result<CheckResult> {
        let timeout = Duration::from_secs(spec.timeout_secs.into());
        let seen = self
            .probes
            .look(project_id, &spec.target, timeout, spec.insecure)
            .await;
        let failing = seen
            .error
            .clone()
            .or_else(|| spec.conditions.iter().find_map(|c| c.check(&seen).err()));
        let result = CheckResult {
            at: String::new(),
            ok: failing.is_none(),
            response_ms: i64::try_from(seen.response_ms).ok(),
            message: failing.clone(),
        };
        history::record(&self.store, project_id, &spec.name, &result).await?;
        let open = history::open_incident(&self.store, project_id, &spec.name).await?;
        match (&failing, open) {
            (Some(failing), None) => {
                *in_a_row += 1;
                if *in_a_row >= spec.failures {
                    let last = last_response(&seen);
                    let incident = history::open(
                        &self.store,
                        project_id,
                        &spec.name,
                        failing,
                        last.as_deref(),
                    )
                    .await?;
                    tracing::info!(project_id, check = %spec.name, %failing, "incident opened");
                    let _ = self.events.send(HealthEvent::IncidentOpened { incident });
                }
            }
            (Some(_), Some(_)) => *in_a_row += 1,
            (None, open) => {
                *in_a_row = 0;
                if let Some(open) = open {
                    let incident = history::close(&self.store, open.id).await?;
                    tracing::info!(project_id, check = %spec.name, "incident closed");
                    let _ = self.events.send(HealthEvent::IncidentClosed { incident });
                }
            }
        }
        let _ = self.events.send(HealthEvent::Checked {
            project_id,
            check: spec.name.clone(),
            ok: result.ok,
        });
        Ok(result)
    }

    pub async fn overview(&self, project_id: i64) -> Result<HealthOverview> {
        let mut checks = Vec::new();
        for spec in self.checks(project_id) {
            let recent = history::recent(&self.store, project_id, &spec.name, RECENT).await?;
            let paused_until = history::paused_until(&self.store, project_id, &spec.name).await?;
            let state = match (&paused_until, recent.last()) {
                (Some(_), _) => CheckState::Paused,
                (None, None) => CheckState::Pending,
                (None, Some(last)) if last.ok => CheckState::Up,
                (None, Some(_)) => CheckState::Down,
            };
            checks.push(CheckStatus {
                name: spec.name.clone(),
                target: spec.target.to_string(),
                interval_secs: spec.interval_secs,
                timeout_secs: spec.timeout_secs,
                failures: spec.failures,
                insecure: spec.insecure,
                conditions: spec.conditions.iter().map(ToString::to_string).collect(),
                state,
                paused_until,
                uptime: history::uptime(&self.store, project_id, &spec.name, UPTIME_DAYS).await?,
                recent,
            });
        }
        Ok(HealthOverview {
            checks,
            incidents: history::incidents(&self.store, project_id, 50).await?,
            paused_until: history::paused_until(&self.store, project_id, "").await?,
        })
    }

    /// Pauses a check (or, with `None`, all of the project's) for `minutes`.
    pub async fn pause(&self, project_id: i64, check: Option<&str>, minutes: u32) -> Result<()> {
        if !(1..=30 * 24 * 60).contains(&minutes) {
            return Err(Error::PauseLength { minutes });
        }
        history::pause(&self.store, project_id, check.unwrap_or(""), minutes).await
    }

    pub async fn resume(&self, project_id: i64, check: Option<&str>) -> Result<()> {
        history::resume(&self.store, project_id, check.unwrap_or("")).await
    }

    /// Posts the incident to `url` (the project's webhook).
    pub async fn post_webhook(
        &self,
        url: &str,
        project: &str,
        incident: &Incident,
    ) -> std::result::Result<(), String> {
        webhook::post(
            self.probes.http(),
            url,
            &webhook::payload(project, incident),
        )
        .await
    }
}

/// What the incident keeps of the answer: status and the start of the body, or the error.
fn last_response(seen: &Observation) -> Option<String> {
    match (&seen.error, seen.status) {
        (Some(error), _) => Some(error.clone()),
        (None, Some(status)) => {
            let body: String = seen
                .body
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(500)
                .collect();
            Some(format!("HTTP {status} {body}").trim_end().to_owned())
        }
        (None, None) => None,
    }
}
