//! The rollouts of the workloads a release applies — Deployments, StatefulSets and DaemonSets —
//! watched until done and judged as `kubectl rollout status` judges each kind, with what their
//! pods say when one stalls.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::NamespaceResourceScope;
use kube::api::{Api, DeleteParams, ListParams, LogParams, WatchEvent, WatchParams};
use kube::Resource;
use serde::de::DeserializeOwned;

use crate::manifests::RELEASE_ANNOTATION;
use crate::{Cluster, Error, Result};

/// Log lines of a failing pod told with a stalled rollout.
const LOG_LINES: i64 = 20;

/// The kinds whose rollout a release waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
}

impl WorkloadKind {
    pub fn of(kind: &str) -> Option<Self> {
        match kind {
            "Deployment" => Some(Self::Deployment),
            "StatefulSet" => Some(Self::StatefulSet),
            "DaemonSet" => Some(Self::DaemonSet),
            _ => None,
        }
    }
}

/// A workload among a release's objects (its namespace when the object names one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadRef {
    pub kind: WorkloadKind,
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for WorkloadRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}", self.kind, self.name)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Progress {
    Done,
    Waiting(String),
    Stalled(String),
    /// Its pods change only when deleted (`OnDelete`): nothing to wait for.
    NotRolled(String),
}

/// What the three kinds share: a pod template and selector, and a rollout's judgement.
trait RollsOut:
    Resource<Scope = NamespaceResourceScope, DynamicType = ()>
    + Clone
    + Debug
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    fn progress(&self) -> Progress;
    fn selector(&self) -> Option<&LabelSelector>;
    fn template(&self) -> Option<&PodTemplateSpec>;
}

const OBSERVING: &str = "Waiting for the cluster to take the new release";

/// The three kinds keep their pod selector and template at the same place.
macro_rules! pod_spec {
    () => {
        fn selector(&self) -> Option<&LabelSelector> {
            self.spec.as_ref().map(|spec| &spec.selector)
        }

        fn template(&self) -> Option<&PodTemplateSpec> {
            self.spec.as_ref().map(|spec| &spec.template)
        }
    };
}

/// A StatefulSet's or DaemonSet's `OnDelete` strategy: its pods change only when deleted, so
/// there is no rollout to wait for.
fn on_delete(strategy: Option<&str>) -> Option<Progress> {
    (strategy == Some("OnDelete")).then(|| {
        Progress::NotRolled(
            "its update strategy is OnDelete: its pods take the release when deleted".to_owned(),
        )
    })
}

impl RollsOut for Deployment {
    fn progress(&self) -> Progress {
        let generation = self.metadata.generation.unwrap_or(0);
        let Some(status) = &self.status else {
            return Progress::Waiting(OBSERVING.to_owned());
        };
        if status.observed_generation.unwrap_or(0) < generation {
            return Progress::Waiting(OBSERVING.to_owned());
        }
        let deadline_exceeded = status.conditions.iter().flatten().any(|condition| {
            condition.type_ == "Progressing"
                && condition.reason.as_deref() == Some("ProgressDeadlineExceeded")
        });
        if deadline_exceeded {
            return Progress::Stalled("the cluster's progress deadline passed".to_owned());
        }
        let wanted = self
            .spec
            .as_ref()
            .and_then(|spec| spec.replicas)
            .unwrap_or(1);
        let updated = status.updated_replicas.unwrap_or(0);
        let total = status.replicas.unwrap_or(0);
        let available = status.available_replicas.unwrap_or(0);
        if updated < wanted {
            return Progress::Waiting(format!("{updated} of {wanted} new pods started"));
        }
        if total > updated {
            return Progress::Waiting(format!("{} old pods still running", total - updated));
        }
        if available < updated {
            return Progress::Waiting(format!("{available} of {updated} new pods ready"));
        }
        Progress::Done
    }

    pod_spec!();
}

impl RollsOut for StatefulSet {
    fn progress(&self) -> Progress {
        let Some(spec) = &self.spec else {
            return Progress::Waiting(OBSERVING.to_owned());
        };
        let strategy = spec.update_strategy.as_ref();
        if let Some(not_rolled) = on_delete(strategy.and_then(|s| s.type_.as_deref())) {
            return not_rolled;
        }
        let Some(status) = &self.status else {
            return Progress::Waiting(OBSERVING.to_owned());
        };
        let observed = status.observed_generation.unwrap_or(0);
        if observed == 0 || self.metadata.generation.unwrap_or(0) > observed {
            return Progress::Waiting(OBSERVING.to_owned());
        }
        let wanted = spec.replicas.unwrap_or(1);
        let ready = status.ready_replicas.unwrap_or(0);
        if ready < wanted {
            return Progress::Waiting(format!("{ready} of {wanted} pods ready"));
        }
        let updated = status.updated_replicas.unwrap_or(0);
        if let Some(partition) = strategy
            .and_then(|strategy| strategy.rolling_update.as_ref())
            .and_then(|rolling| rolling.partition)
        {
            // Pods below the partition keep the old release on purpose.
            return if updated < wanted - partition {
                Progress::Waiting(format!(
                    "{updated} of {} new pods started",
                    wanted - partition
                ))
            } else {
                Progress::Done
            };
        }
        if status.update_revision != status.current_revision {
            return Progress::Waiting(format!("{updated} of {wanted} new pods started"));
        }
        Progress::Done
    }

    pod_spec!();
}

impl RollsOut for DaemonSet {
    fn progress(&self) -> Progress {
        let Some(spec) = &self.spec else {
            return Progress::Waiting(OBSERVING.to_owned());
        };
        let strategy = spec.update_strategy.as_ref();
        if let Some(not_rolled) = on_delete(strategy.and_then(|s| s.type_.as_deref())) {
            return not_rolled;
        }
        let Some(status) = &self.status else {
            return Progress::Waiting(OBSERVING.to_owned());
        };
        if self.metadata.generation.unwrap_or(0) > status.observed_generation.unwrap_or(0) {
            return Progress::Waiting(OBSERVING.to_owned());
        }
        let wanted = status.desired_number_scheduled;
        let updated = status.updated_number_scheduled.unwrap_or(0);
        if updated < wanted {
            return Progress::Waiting(format!("{updated} of {wanted} nodes' pods updated"));
        }
        let available = status.number_available.unwrap_or(0);
        if available < wanted {
            return Progress::Waiting(format!("{available} of {wanted} updated pods ready"));
        }
        Progress::Done
    }

    pod_spec!();
}

/// The label selector of a workload's pods, as the list API takes it.
fn selector_of(workload: &impl RollsOut) -> String {
    workload
        .selector()
        .into_iter()
        .flat_map(|selector| selector.match_labels.iter().flatten())
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn template_release(workload: &impl RollsOut) -> Option<String> {
    workload
        .template()?
        .metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get(RELEASE_ANNOTATION)
        .cloned()
}

fn release_of(pod: &Pod) -> Option<&String> {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|annotations| annotations.get(RELEASE_ANNOTATION))
}

impl Cluster {
    fn api<K: RollsOut>(&self, namespace: Option<&str>) -> Api<K> {
        Api::namespaced(self.client.clone(), namespace.unwrap_or(&self.namespace))
    }

    /// Watches the workload until its rollout is done, telling each new state; a rollout not
    /// done within `timeout`, or one the cluster calls stalled, fails with what its pods say.
    pub async fn rollout(
        &self,
        workload: &WorkloadRef,
        timeout: Duration,
        on_line: &mut (dyn FnMut(&str) + Send),
    ) -> Result<()> {
        let namespace = workload.namespace.as_deref();
        match workload.kind {
            WorkloadKind::Deployment => {
                self.rollout_of::<Deployment>(namespace, &workload.name, timeout, on_line)
                    .await
            }
            WorkloadKind::StatefulSet => {
                self.rollout_of::<StatefulSet>(namespace, &workload.name, timeout, on_line)
                    .await
            }
            WorkloadKind::DaemonSet => {
                self.rollout_of::<DaemonSet>(namespace, &workload.name, timeout, on_line)
                    .await
            }
        }
    }

    async fn rollout_of<K: RollsOut>(
        &self,
        namespace: Option<&str>,
        name: &str,
        timeout: Duration,
        on_line: &mut (dyn FnMut(&str) + Send),
    ) -> Result<()> {
        let api = self.api::<K>(namespace);
        let what = format!("{} {name}", K::kind(&()));
        let deadline = Instant::now() + timeout;
        let mut told = String::new();
        let mut tell = |state: &str| {
            if state != told {
                on_line(state);
                state.clone_into(&mut told);
            }
        };
        let fields = format!("metadata.name={name}");
        loop {
            let workload = api
                .get(name)
                .await
                .map_err(|error| Error::refused(what.clone(), &error))?;
            match workload.progress() {
                Progress::Done => return Ok(()),
                Progress::NotRolled(reason) => {
                    tell(&format!("Not waited for: {reason}"));
                    return Ok(());
                }
                Progress::Waiting(state) => tell(&state),
                Progress::Stalled(reason) => {
                    return Err(self.stalled(&api, &workload, timeout, reason).await)
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let reason = "its pods did not become ready".to_owned();
                return Err(self.stalled(&api, &workload, timeout, reason).await);
            }
            let version = workload.meta().resource_version.clone().unwrap_or_default();
            let params = WatchParams::default()
                .fields(&fields)
                .timeout(u32::try_from(left.as_secs().clamp(1, 290)).unwrap_or(290));
            let events = api
                .watch(&params, &version)
                .await
                .map_err(|error| Error::refused(format!("a watch of {what}"), &error))?;
            let mut events = std::pin::pin!(events);
            // Each change is judged as it comes; the watch's end (its timeout, or the server
            // closing it) reads the object afresh.
            while let Ok(Ok(Some(event))) = tokio::time::timeout(left, events.try_next()).await {
                let (WatchEvent::Added(changed) | WatchEvent::Modified(changed)) = event else {
                    break;
                };
                match changed.progress() {
                    Progress::Done => return Ok(()),
                    Progress::Waiting(state) => tell(&state),
                    Progress::Stalled(_) | Progress::NotRolled(_) => break,
                }
            }
        }
    }

    /// A stalled rollout, with what its new pods say: why they wait, how they ended, and the
    /// last lines a failing one wrote.
    async fn stalled<K: RollsOut>(
        &self,
        api: &Api<K>,
        workload: &K,
        timeout: Duration,
        reason: String,
    ) -> Error {
        let name = workload.meta().name.clone().unwrap_or_default();
        let latest = api.get(&name).await.ok();
        let details = self
            .pod_problems(latest.as_ref().unwrap_or(workload))
            .await
            .unwrap_or_else(|error| vec![format!("(its pods could not be read: {error})")]);
        Error::RolloutStalled {
            name: format!("{} {name}", K::kind(&())),
            seconds: u32::try_from(timeout.as_secs()).unwrap_or(u32::MAX),
            reason,
            details,
        }
    }

    /// The pods of the workload that carry its template's release.
    async fn release_pods_of<K: RollsOut>(&self, workload: &K) -> Result<(Api<Pod>, Vec<Pod>)> {
        let namespace = workload.meta().namespace.as_deref();
        if workload.selector().is_none() {
            let pods = Api::namespaced(self.client.clone(), namespace.unwrap_or(&self.namespace));
            return Ok((pods, Vec::new()));
        }
        let release = template_release(workload);
        let (pods, listed) = self.pods(namespace, &selector_of(workload)).await?;
        let mine = listed
            .into_iter()
            .filter(|pod| release_of(pod) == release.as_ref())
            .collect();
        Ok((pods, mine))
    }

    async fn pod_problems<K: RollsOut>(&self, workload: &K) -> Result<Vec<String>> {
        let (pods, listed) = self.release_pods_of(workload).await?;
        let mut lines = Vec::new();
        let mut logged = false;
        for pod in &listed {
            let pod_name = pod.metadata.name.clone().unwrap_or_default();
            for status in pod
                .status
                .iter()
                .flat_map(|status| status.container_statuses.iter().flatten())
                .filter(|status| !status.ready)
            {
                let state = status.state.as_ref();
                if let Some(waiting) = state.and_then(|state| state.waiting.as_ref()) {
                    lines.push(format!(
                        "Pod {pod_name}: {} ({})",
                        waiting.reason.as_deref().unwrap_or("waiting"),
                        waiting.message.as_deref().unwrap_or("no message")
                    ));
                }
                let ended = status
                    .last_state
                    .as_ref()
                    .and_then(|last| last.terminated.as_ref())
                    .or_else(|| state.and_then(|state| state.terminated.as_ref()));
                if let Some(ended) = ended {
                    lines.push(format!(
                        "Pod {pod_name}: exited with code {} ({})",
                        ended.exit_code,
                        ended.reason.as_deref().unwrap_or("no reason given")
                    ));
                }
                if !logged && (status.restart_count > 0 || ended.is_some()) {
                    let params = LogParams {
                        container: Some(status.name.clone()),
                        previous: status.restart_count > 0
                            && state.is_some_and(|s| s.running.is_none()),
                        tail_lines: Some(LOG_LINES),
                        ..LogParams::default()
                    };
                    if let Ok(log) = pods.logs(&pod_name, &params).await {
                        lines.push(format!("Its last log lines ({pod_name}):"));
                        lines.extend(log.lines().map(str::to_owned));
                        logged = true;
                    }
                }
            }
            if lines.is_empty() {
                let unscheduled = pod
                    .status
                    .iter()
                    .flat_map(|status| status.conditions.iter().flatten())
                    .find(|condition| {
                        condition.type_ == "PodScheduled" && condition.status == "False"
                    });
                if let Some(condition) = unscheduled {
                    lines.push(format!(
                        "Pod {pod_name}: not scheduled ({})",
                        condition.message.as_deref().unwrap_or("no message")
                    ));
                }
            }
        }
        Ok(lines)
    }

    /// The release a workload's pod template carries now; `None` when it is gone.
    pub async fn serving_release(&self, workload: &WorkloadRef) -> Result<Option<String>> {
        Ok(self.read(workload).await?.and_then(|(_, release)| release))
    }

    /// The pods a workload runs now, by name.
    pub async fn pods_of(&self, workload: &WorkloadRef) -> Result<Vec<String>> {
        let Some((selector, _)) = self.read(workload).await? else {
            return Ok(Vec::new());
        };
        let (_, listed) = self.pods(workload.namespace.as_deref(), &selector).await?;
        Ok(listed
            .into_iter()
            .filter_map(|pod| pod.metadata.name)
            .collect())
    }

    /// A workload's pod selector and template release, through its kind's API; `None` when it
    /// is gone.
    async fn read(&self, workload: &WorkloadRef) -> Result<Option<(String, Option<String>)>> {
        let (namespace, name) = (workload.namespace.as_deref(), workload.name.as_str());
        match workload.kind {
            WorkloadKind::Deployment => self.read_kind::<Deployment>(namespace, name).await,
            WorkloadKind::StatefulSet => self.read_kind::<StatefulSet>(namespace, name).await,
            WorkloadKind::DaemonSet => self.read_kind::<DaemonSet>(namespace, name).await,
        }
    }

    async fn read_kind<K: RollsOut>(
        &self,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<(String, Option<String>)>> {
        let found = self
            .api::<K>(namespace)
            .get_opt(name)
            .await
            .map_err(|error| Error::refused(format!("{} {name}", K::kind(&())), &error))?;
        Ok(found.map(|found| (selector_of(&found), template_release(&found))))
    }

    /// The pods `selector` picks in the namespace, with the API to act on them.
    async fn pods(&self, namespace: Option<&str>, selector: &str) -> Result<(Api<Pod>, Vec<Pod>)> {
        let pods: Api<Pod> =
            Api::namespaced(self.client.clone(), namespace.unwrap_or(&self.namespace));
        let listed = pods
            .list(&ListParams::default().labels(selector))
            .await
            .map_err(|error| Error::refused("the list of pods", &error))?;
        Ok((pods, listed.items))
    }

    /// After a StatefulSet's failed rollout has been undone: its pods of the failed release are
    /// deleted, as Kubernetes asks — with the default ordered pod management the StatefulSet
    /// waits for a broken pod forever, even once its template is back. How many went.
    pub async fn delete_failed_pods(&self, workload: &WorkloadRef, release: i64) -> Result<usize> {
        if workload.kind != WorkloadKind::StatefulSet {
            return Ok(0);
        }
        let Some((selector, _)) = self.read(workload).await? else {
            return Ok(0);
        };
        let (pods, listed) = self.pods(workload.namespace.as_deref(), &selector).await?;
        let failed = release.to_string();
        let mut deleted = 0;
        for pod in listed.iter().filter(|pod| release_of(pod) == Some(&failed)) {
            let name = pod.metadata.name.clone().unwrap_or_default();
            match pods.delete(&name, &DeleteParams::default()).await {
                Ok(_) => deleted += 1,
                Err(kube::Error::Api(status)) if status.code == 404 => {}
                Err(error) => {
                    return Err(Error::refused(
                        format!("the deletion of pod {name}"),
                        &error,
                    ))
                }
            }
        }
        Ok(deleted)
    }
}

#[cfg(test)]
#[path = "rollout_tests.rs"]
mod tests;
