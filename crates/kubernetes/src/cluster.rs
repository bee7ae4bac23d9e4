//! One cluster, reached through a kubeconfig context: objects applied server-side, a
//! Deployment's rollout watched until it is done or stalls, and what its pods say when it stalls.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::io::AsyncBufReadExt;
use futures_util::{Stream, StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, LogParams, Patch, PatchParams,
    WatchEvent, WatchParams,
};
use kube::config::KubeConfigOptions;
use kube::core::GroupVersionKind;
use kube::discovery::{self, ApiCapabilities, Scope};
use kube::Client;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::manifests::RELEASE_ANNOTATION;
use crate::{Error, Kubeconfigs, Result, FIELD_MANAGER};

/// Log lines of a failing pod told with a stalled rollout.
const LOG_LINES: i64 = 20;

/// An object as applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Clone)]
pub struct Cluster {
    client: Client,
    context: String,
    namespace: String,
}

impl Cluster {
    /// Connects through `context` (the kubeconfig's current one when `None`) and checks that the
    /// API server answers. Objects without a namespace go to `namespace`, else the context's.
    pub async fn connect(
        kubeconfigs: &Kubeconfigs,
        context: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<Self> {
        let no_context = |context: &str| Error::NoContext {
            context: context.to_owned(),
            read_from: kubeconfigs.described(),
        };
        let config = kubeconfigs
            .read()?
            .ok_or_else(|| no_context(context.unwrap_or("(current)")))?;
        let name = context
            .map(str::to_owned)
            .or_else(|| config.current_context.clone())
            .ok_or_else(|| no_context("(current)"))?;
        if !config.contexts.iter().any(|named| named.name == name) {
            return Err(no_context(&name));
        }
        let options = KubeConfigOptions {
            context: Some(name.clone()),
            ..KubeConfigOptions::default()
        };
        let unreachable = |reason: String| Error::Unreachable {
            context: name.clone(),
            reason,
        };
        let loaded = kube::Config::from_custom_kubeconfig(config, &options)
            .await
            .map_err(|error| Error::Kubeconfig {
                reason: error.to_string(),
            })?;
        let namespace = namespace.map_or_else(|| loaded.default_namespace.clone(), str::to_owned);
        let client = Client::try_from(loaded).map_err(|error| unreachable(error.to_string()))?;
        match client.apiserver_version().await {
            Ok(_) => {}
            Err(kube::Error::Api(status)) if matches!(status.code, 401 | 403) => {
                return Err(Error::Unauthorized {
                    context: name,
                    reason: status.message,
                })
            }
            Err(error) => return Err(unreachable(error.to_string())),
        }
        Ok(Self {
            client,
            context: name,
            namespace,
        })
    }

    pub fn context(&self) -> &str {
        &self.context
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Applies the objects in order (server-side, as the app's field manager, taking over fields
    /// another manager set: the app is what deploys this environment).
    pub async fn apply(&self, objects: &[DynamicObject]) -> Result<Vec<Applied>> {
        let mut kinds: HashMap<GroupVersionKind, (ApiResource, ApiCapabilities)> = HashMap::new();
        let mut applied = Vec::new();
        // Strict, as `kubectl apply` is: a field the server does not know is refused, not dropped.
        let params = PatchParams::apply(FIELD_MANAGER)
            .force()
            .validation_strict();
        for object in objects {
            let (Some(types), Some(name)) = (&object.types, &object.metadata.name) else {
                continue;
            };
            let gvk = GroupVersionKind::try_from(types).map_err(|error| Error::Refused {
                what: format!("{} {name}", types.kind),
                reason: error.to_string(),
            })?;
            if !kinds.contains_key(&gvk) {
                let found = discovery::pinned_kind(&self.client, &gvk)
                    .await
                    .map_err(|error| {
                        Error::refused(
                            format!("the kind {} ({})", gvk.kind, types.api_version),
                            &error,
                        )
                    })?;
                kinds.insert(gvk.clone(), found);
            }
            let (resource, capabilities) = &kinds[&gvk];
            let namespace = match capabilities.scope {
                Scope::Namespaced => Some(
                    object
                        .metadata
                        .namespace
                        .clone()
                        .unwrap_or_else(|| self.namespace.clone()),
                ),
                Scope::Cluster => None,
            };
            let api: Api<DynamicObject> = match &namespace {
                Some(namespace) => Api::namespaced_with(self.client.clone(), namespace, resource),
                None => Api::all_with(self.client.clone(), resource),
            };
            api.patch(name, &params, &Patch::Apply(object))
                .await
                .map_err(|error| Error::refused(format!("{} {name}", types.kind), &error))?;
            applied.push(Applied {
                kind: types.kind.clone(),
                name: name.clone(),
                namespace,
            });
        }
        Ok(applied)
    }

    fn deployments(&self, namespace: Option<&str>) -> Api<Deployment> {
        Api::namespaced(self.client.clone(), namespace.unwrap_or(&self.namespace))
    }

    /// Watches the Deployment until its rollout is done, telling each new state; a rollout not
    /// done within `timeout`, or one the cluster calls stalled, fails with what its pods say.
    pub async fn rollout(
        &self,
        namespace: Option<&str>,
        name: &str,
        timeout: Duration,
        on_line: &mut (dyn FnMut(&str) + Send),
    ) -> Result<()> {
        let api = self.deployments(namespace);
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
            let deployment = api
                .get(name)
                .await
                .map_err(|error| Error::refused(format!("Deployment {name}"), &error))?;
            match progress(&deployment) {
                Progress::Done => return Ok(()),
                Progress::Waiting(state) => tell(&state),
                Progress::Stalled(reason) => {
                    return Err(self.stalled(&api, &deployment, timeout, reason).await)
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let reason = "its pods did not become ready".to_owned();
                return Err(self.stalled(&api, &deployment, timeout, reason).await);
            }
            let version = deployment
                .metadata
                .resource_version
                .clone()
                .unwrap_or_default();
            let params = WatchParams::default()
                .fields(&fields)
                .timeout(u32::try_from(left.as_secs().clamp(1, 290)).unwrap_or(290));
            let events = api
                .watch(&params, &version)
                .await
                .map_err(|error| Error::refused(format!("a watch of Deployment {name}"), &error))?;
            let mut events = std::pin::pin!(events);
            // Each change is judged as it comes; the watch's end (its timeout, or the server
            // closing it) reads the object afresh.
            while let Ok(Ok(Some(event))) = tokio::time::timeout(left, events.try_next()).await {
                let (WatchEvent::Added(changed) | WatchEvent::Modified(changed)) = event else {
                    break;
                };
                match progress(&changed) {
                    Progress::Done => return Ok(()),
                    Progress::Waiting(state) => tell(&state),
                    Progress::Stalled(_) => break,
                }
            }
        }
    }

    /// A stalled rollout, with what its new pods say: why they wait, how they ended, and the
    /// last lines a failing one wrote.
    async fn stalled(
        &self,
        api: &Api<Deployment>,
        deployment: &Deployment,
        timeout: Duration,
        reason: String,
    ) -> Error {
        let name = deployment.metadata.name.clone().unwrap_or_default();
        let latest = api.get(&name).await.ok();
        let details = self
            .pod_problems(latest.as_ref().unwrap_or(deployment))
            .await
            .unwrap_or_else(|error| vec![format!("(its pods could not be read: {error})")]);
        Error::RolloutStalled {
            name,
            seconds: u32::try_from(timeout.as_secs()).unwrap_or(u32::MAX),
            reason,
            details,
        }
    }

    async fn pod_problems(&self, deployment: &Deployment) -> Result<Vec<String>> {
        let namespace = deployment
            .metadata
            .namespace
            .as_deref()
            .unwrap_or(&self.namespace);
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        if deployment.spec.is_none() {
            return Ok(Vec::new());
        }
        let selector = selector_of(deployment);
        let release = template_release(deployment);
        let listed = pods
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|error| Error::refused("the list of pods", &error))?;
        let mut lines = Vec::new();
        let mut logged = false;
        for pod in listed.items.iter().filter(|pod| {
            pod.metadata
                .annotations
                .as_ref()
                .and_then(|annotations| annotations.get(RELEASE_ANNOTATION))
                == release.as_ref()
        }) {
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

    /// The release a Deployment's pod template carries now; `None` when it is gone.
    pub async fn serving_release(
        &self,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<String>> {
        let deployment = self
            .deployments(namespace)
            .get_opt(name)
            .await
            .map_err(|error| Error::refused(format!("Deployment {name}"), &error))?;
        Ok(deployment.as_ref().and_then(template_release))
    }

    /// The pods a Deployment runs now, by name.
    pub async fn pods_of(&self, namespace: Option<&str>, deployment: &str) -> Result<Vec<String>> {
        let Some(found) = self
            .deployments(namespace)
            .get_opt(deployment)
            .await
            .map_err(|error| Error::refused(format!("Deployment {deployment}"), &error))?
        else {
            return Ok(Vec::new());
        };
        let pods: Api<Pod> =
            Api::namespaced(self.client.clone(), namespace.unwrap_or(&self.namespace));
        let listed = pods
            .list(&ListParams::default().labels(&selector_of(&found)))
            .await
            .map_err(|error| Error::refused("the list of pods", &error))?;
        Ok(listed
            .items
            .into_iter()
            .filter_map(|pod| pod.metadata.name)
            .collect())
    }

    /// A pod's log lines, each starting with its RFC 3339 time, from `since_secs` (Unix seconds)
    /// on (all it kept when `None`); with `follow`, the stream goes on as the pod writes.
    pub async fn pod_log(
        &self,
        namespace: Option<&str>,
        pod: &str,
        since_secs: Option<i64>,
        follow: bool,
    ) -> Result<impl Stream<Item = String> + Send + use<>> {
        let pods: Api<Pod> =
            Api::namespaced(self.client.clone(), namespace.unwrap_or(&self.namespace));
        let now_secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
            });
        let params = LogParams {
            follow,
            timestamps: true,
            // The API takes a duration back from now; one second more, and the caller trims.
            since_seconds: since_secs.map(|since| (now_secs - since + 1).max(1)),
            ..LogParams::default()
        };
        let reader = pods
            .log_stream(pod, &params)
            .await
            .map_err(|error| Error::refused(format!("the log of pod {pod}"), &error))?;
        Ok(reader
            .lines()
            .take_while(|line| std::future::ready(line.is_ok()))
            .filter_map(|line| std::future::ready(line.ok())))
    }

    /// Deletes a Secret of a release no longer kept; one already gone is fine.
    pub async fn delete_secret(&self, name: &str) -> Result<()> {
        let secrets: Api<k8s_openapi::api::core::v1::Secret> =
            Api::namespaced(self.client.clone(), &self.namespace);
        match secrets.delete(name, &DeleteParams::default()).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(error) => Err(Error::refused(
                format!("the deletion of Secret {name}"),
                &error,
            )),
        }
    }
}

/// The label selector of a Deployment's pods, as the list API takes it.
fn selector_of(deployment: &Deployment) -> String {
    deployment
        .spec
        .iter()
        .flat_map(|spec| spec.selector.match_labels.iter().flatten())
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn template_release(deployment: &Deployment) -> Option<String> {
    deployment
        .spec
        .as_ref()?
        .template
        .metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get(RELEASE_ANNOTATION)
        .cloned()
}

#[derive(Debug, PartialEq, Eq)]
enum Progress {
    Done,
    Waiting(String),
    Stalled(String),
}

/// Where a rollout is, judged as `kubectl rollout status` judges it.
fn progress(deployment: &Deployment) -> Progress {
    let generation = deployment.metadata.generation.unwrap_or(0);
    let Some(status) = &deployment.status else {
        return Progress::Waiting("Waiting for the cluster to take the new release".to_owned());
    };
    if status.observed_generation.unwrap_or(0) < generation {
        return Progress::Waiting("Waiting for the cluster to take the new release".to_owned());
    }
    let deadline_exceeded = status.conditions.iter().flatten().any(|condition| {
        condition.type_ == "Progressing"
            && condition.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    if deadline_exceeded {
        return Progress::Stalled("the cluster's progress deadline passed".to_owned());
    }
    let wanted = deployment
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

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(value: serde_json::Value) -> Deployment {
        serde_json::from_value(value).expect("test input")
    }

    #[test]
    fn a_rollout_is_done_when_every_new_pod_is_ready_and_no_old_one_runs() {
        let base = |status: serde_json::Value| {
            deployment(serde_json::json!({
                "metadata": { "name": "shop", "generation": 3 },
                "spec": { "replicas": 2, "selector": {}, "template": {} },
                "status": status,
            }))
        };
        let waiting = |text: &str| Progress::Waiting(text.to_owned());
        assert_eq!(
            progress(&base(serde_json::json!({ "observedGeneration": 2 }))),
            waiting("Waiting for the cluster to take the new release")
        );
        assert_eq!(
            progress(&base(
                serde_json::json!({ "observedGeneration": 3, "replicas": 3, "updatedReplicas": 1 })
            )),
            waiting("1 of 2 new pods started")
        );
        assert_eq!(
            progress(&base(
                serde_json::json!({ "observedGeneration": 3, "replicas": 3, "updatedReplicas": 2 })
            )),
            waiting("1 old pods still running")
        );
        assert_eq!(
            progress(&base(
                serde_json::json!({ "observedGeneration": 3, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 1 })
            )),
            waiting("1 of 2 new pods ready")
        );
        assert_eq!(
            progress(&base(
                serde_json::json!({ "observedGeneration": 3, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2 })
            )),
            Progress::Done
        );
        assert_eq!(
            progress(&base(serde_json::json!({
                "observedGeneration": 3, "replicas": 3, "updatedReplicas": 1,
                "conditions": [{ "type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded" }],
            }))),
            Progress::Stalled("the cluster's progress deadline passed".to_owned())
        );
    }
}
