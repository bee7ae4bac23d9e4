//! One cluster, reached through a kubeconfig context: objects applied server-side, namespaces
//! made, pods' logs read, Secrets deleted. Rollouts are in `rollout`.

use std::collections::HashMap;

use futures_util::io::AsyncBufReadExt;
use futures_util::{Stream, StreamExt};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, LogParams, Patch, PatchParams};
use kube::config::KubeConfigOptions;
use kube::core::GroupVersionKind;
use kube::discovery::{self, ApiCapabilities, Scope};
use kube::Client;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Error, Kubeconfigs, Result, FIELD_MANAGER};

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
    pub(crate) client: Client,
    context: String,
    pub(crate) namespace: String,
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

    /// Creates a namespace the cluster does not have yet, as `helm install --create-namespace`
    /// does; whether it was created. One the user may not read (access granted inside it only)
    /// is taken as there: the apply that follows says if it is not.
    pub async fn ensure_namespace(&self, name: &str) -> Result<bool> {
        let namespaces: Api<Namespace> = Api::all(self.client.clone());
        match namespaces.get_opt(name).await {
            Ok(Some(_)) => return Ok(false),
            Ok(None) => {}
            Err(kube::Error::Api(status)) if status.code == 403 => return Ok(false),
            Err(error) => return Err(Error::refused(format!("Namespace {name}"), &error)),
        }
        let namespace = Namespace {
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                ..ObjectMeta::default()
            },
            ..Namespace::default()
        };
        namespaces
            .patch(
                name,
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(&namespace),
            )
            .await
            .map_err(|error| Error::refused(format!("the creation of Namespace {name}"), &error))?;
        Ok(true)
    }

    /// A GET of a Service's port through the API server's proxy (`kubectl get --raw
    /// /api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`): its status and body as the
    /// Service answered — or the API server's, when no ready pod backs it (503).
    pub async fn service_get(
        &self,
        (namespace, service, port): (Option<&str>, &str, u16),
        path: &str,
    ) -> Result<(u16, Vec<u8>)> {
        let namespace = namespace.unwrap_or(&self.namespace);
        let what = || format!("a request to Service {service} in {namespace}");
        let uri = format!(
            "/api/v1/namespaces/{namespace}/services/{service}:{port}/proxy/{}",
            path.trim_start_matches('/')
        );
        let request = http::Request::get(uri)
            .body(kube::client::Body::from(Vec::new()))
            .map_err(|error| Error::Refused {
                what: what(),
                reason: error.to_string(),
            })?;
        let response = self
            .client
            .send(request)
            .await
            .map_err(|error| Error::refused(what(), &error))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect_bytes()
            .await
            .map_err(|error| Error::refused(what(), &error))?;
        Ok((status, body.to_vec()))
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
