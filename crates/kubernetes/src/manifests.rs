//! The objects a release applies: a Deployment and a Service generated from the environment's
//! settings, or the project's own manifests (a folder of YAML files, or a kustomization built by
//! `kubectl kustomize`); then what each release sets in them — the image it built, the Secret
//! holding its variables, and its number on the pod template, so that every release rolls out.

use std::collections::BTreeMap;
use std::path::Path;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, HTTPGetAction, PodSpec, PodTemplateSpec, Probe as PodProbe, Secret,
    Service, ServicePort, ServiceSpec, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::DynamicObject;
use serde_json::{json, Value};

use crate::{Error, Result, WorkloadKind, WorkloadRef};

/// The pod template annotation that says which release a pod belongs to.
pub const RELEASE_ANNOTATION: &str = "quantum-admin/release";
const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "quantum-admin");
const NAME_LABEL: &str = "app.kubernetes.io/name";

/// How a pod shows it can take traffic: its readiness probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    Http {
        path: String,
    },
    Tcp,
    /// No probe: a pod is ready once its container runs (Kubernetes ignores an image's
    /// HEALTHCHECK).
    None,
}

/// An environment's settings, for the objects generated when the project has no manifests.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The Deployment's and the Service's name, a DNS label.
    pub name: String,
    /// The port the app listens on in its container.
    pub port: u16,
    /// The port the Service exposes.
    pub service_port: u16,
    pub replicas: u32,
    pub probe: Probe,
    /// `ClusterIP`, `NodePort` or `LoadBalancer`.
    pub service_type: String,
    /// Seconds a rollout may take before the cluster calls it stalled.
    pub progress_deadline_secs: u32,
    /// Seconds a replaced pod has to finish its requests.
    pub grace_secs: u32,
}

/// A DNS label (RFC 1123) made from a project's and an environment's names: what Kubernetes
/// accepts as a Deployment's or a Service's name.
pub fn dns_label(text: &str) -> String {
    let mut label = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            label.push(c);
        } else if !label.ends_with('-') && !label.is_empty() {
            label.push('-');
        }
    }
    label.truncate(63);
    let trimmed = label.trim_end_matches('-');
    if trimmed.is_empty() {
        "app".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The Deployment and its Service. Rolling updates keep every old pod until a new one is ready
/// (`maxUnavailable: 0`), so a release that never becomes ready takes no traffic.
pub fn generate(workload: &Workload, repository: &str) -> Vec<DynamicObject> {
    let labels = BTreeMap::from([(NAME_LABEL.to_owned(), workload.name.clone())]);
    let mut object_labels = labels.clone();
    object_labels.insert(MANAGED_BY.0.to_owned(), MANAGED_BY.1.to_owned());
    let metadata = ObjectMeta {
        name: Some(workload.name.clone()),
        labels: Some(object_labels),
        ..ObjectMeta::default()
    };
    let port = i32::from(workload.port);
    let probe = match &workload.probe {
        Probe::Http { path } => Some(PodProbe {
            http_get: Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::Int(port),
                ..HTTPGetAction::default()
            }),
            period_seconds: Some(2),
            ..PodProbe::default()
        }),
        Probe::Tcp => Some(PodProbe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(port),
                ..TCPSocketAction::default()
            }),
            period_seconds: Some(2),
            ..PodProbe::default()
        }),
        Probe::None => None,
    };
    let deployment = Deployment {
        metadata: metadata.clone(),
        spec: Some(DeploymentSpec {
            replicas: Some(i32::try_from(workload.replicas).unwrap_or(i32::MAX)),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..LabelSelector::default()
            },
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".to_owned()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(IntOrString::Int(1)),
                    max_unavailable: Some(IntOrString::Int(0)),
                }),
            }),
            progress_deadline_seconds: Some(
                i32::try_from(workload.progress_deadline_secs).unwrap_or(i32::MAX),
            ),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels.clone()),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "app".to_owned(),
                        image: Some(repository.to_owned()),
                        ports: Some(vec![ContainerPort {
                            container_port: port,
                            name: Some("http".to_owned()),
                            ..ContainerPort::default()
                        }]),
                        readiness_probe: probe,
                        ..Container::default()
                    }],
                    termination_grace_period_seconds: Some(i64::from(workload.grace_secs)),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    };
    let service = Service {
        metadata,
        spec: Some(ServiceSpec {
            type_: Some(workload.service_type.clone()),
            selector: Some(labels),
            ports: Some(vec![ServicePort {
                name: Some("http".to_owned()),
                port: i32::from(workload.service_port),
                target_port: Some(IntOrString::String("http".to_owned())),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    };
    vec![to_dynamic(&deployment), to_dynamic(&service)]
}

fn to_dynamic<T: serde::Serialize>(object: &T) -> DynamicObject {
    serde_json::to_value(object)
        .and_then(serde_json::from_value)
        .expect("a typed object is a dynamic one")
}

/// The Secret holding a release's variables, immutable: a rollback finds them as they were.
pub fn env_secret(name: &str, variables: &[(String, String)]) -> DynamicObject {
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(BTreeMap::from([(
                MANAGED_BY.0.to_owned(),
                MANAGED_BY.1.to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        immutable: Some(true),
        string_data: Some(variables.iter().cloned().collect()),
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    };
    to_dynamic(&secret)
}

/// The project's manifests: `kubectl kustomize` of a folder with a kustomization, else every
/// `.yaml`/`.yml` file of the folder (not its subfolders, as `kubectl apply -f` reads it), in name
/// order.
pub async fn load(folder: &Path) -> Result<Vec<DynamicObject>> {
    let problem = |reason: String| Error::Manifests {
        folder: folder.display().to_string(),
        reason,
    };
    let kustomized = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .any(|name| folder.join(name).is_file());
    if kustomized {
        let output = tokio::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(folder)
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|error| {
                problem(format!(
                    "it holds a kustomization, and `kubectl kustomize` could not run ({error}). Install kubectl"
                ))
            })?;
        if !output.status.success() {
            return Err(problem(format!(
                "`kubectl kustomize` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        return parse(
            &String::from_utf8_lossy(&output.stdout),
            "kubectl kustomize",
        )
        .map_err(problem);
    }
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .map_err(|error| problem(format!("it cannot be read ({error})")))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|extension| extension == "yaml" || extension == "yml")
        })
        .collect();
    files.sort();
    let mut objects = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|error| problem(format!("{} cannot be read ({error})", file.display())))?;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        objects.extend(parse(&text, &name).map_err(problem)?);
    }
    if objects.is_empty() {
        return Err(problem(
            "it holds no manifest (.yaml or .yml files)".to_owned(),
        ));
    }
    Ok(objects)
}

/// The objects of a YAML stream; a `List` is opened, empty documents skipped.
pub fn parse(text: &str, source: &str) -> std::result::Result<Vec<DynamicObject>, String> {
    let documents: Vec<Value> = serde_saphyr::from_str_multiple(text)
        .map_err(|error| format!("{source} is not YAML: {error}"))?;
    let mut objects = Vec::new();
    for (index, document) in documents.into_iter().enumerate() {
        let at = format!("{source}, document {}", index + 1);
        if document.is_null() {
            continue;
        }
        let items = match document.get("kind").and_then(Value::as_str) {
            Some(kind) if kind.ends_with("List") => document
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => vec![document],
        };
        for item in items {
            if item.get("apiVersion").and_then(Value::as_str).is_none()
                || item.get("kind").and_then(Value::as_str).is_none()
            {
                return Err(format!("{at}: an object without `apiVersion` or `kind`"));
            }
            let object: DynamicObject =
                serde_json::from_value(item).map_err(|error| format!("{at}: {error}"))?;
            if object.metadata.name.is_none() {
                return Err(format!("{at}: an object without `metadata.name`"));
            }
            objects.push(object);
        }
    }
    Ok(objects)
}

/// An image reference's repository: without its tag or digest.
pub fn repository_of(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(colon) if !image[colon..].contains('/') => &image[..colon],
        _ => image,
    }
}

/// What a release sets: the containers whose image is from `repository` run `tag` and read
/// their variables from the Secret `env` (when there is one); the pod templates carry the
/// release's number. How many containers run the image — none means the manifests never use it.
pub fn for_release(
    objects: &mut [DynamicObject],
    repository: &str,
    tag: &str,
    env: Option<&str>,
    release: i64,
) -> usize {
    let mut set = 0;
    for object in objects.iter_mut() {
        let Some(template) = pod_template(object) else {
            continue;
        };
        let annotations = template
            .as_object_mut()
            .map(|template| template.entry("metadata").or_insert_with(|| json!({})))
            .and_then(|metadata| metadata.as_object_mut())
            .map(|metadata| metadata.entry("annotations").or_insert_with(|| json!({})));
        if let Some(Value::Object(annotations)) = annotations {
            annotations.insert(RELEASE_ANNOTATION.to_owned(), json!(release.to_string()));
        }
        let containers = template
            .pointer_mut("/spec/containers")
            .and_then(Value::as_array_mut);
        for container in containers.into_iter().flatten() {
            let image = container
                .get("image")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if repository_of(image) != repository {
                continue;
            }
            container["image"] = json!(tag);
            if let Some(env) = env {
                let from = container
                    .as_object_mut()
                    .map(|container| container.entry("envFrom").or_insert_with(|| json!([])));
                if let Some(Value::Array(from)) = from {
                    from.push(json!({ "secretRef": { "name": env } }));
                }
            }
            set += 1;
        }
    }
    set
}

/// The pod template of a workload object (Deployment, StatefulSet, DaemonSet, Job).
fn pod_template(object: &mut DynamicObject) -> Option<&mut Value> {
    let kind = object.types.as_ref()?.kind.as_str();
    if !matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicaSet"
    ) {
        return None;
    }
    object.data.pointer_mut("/spec/template")
}

/// The workloads among the objects whose rollouts a release waits for.
pub fn workloads(objects: &[DynamicObject]) -> Vec<WorkloadRef> {
    objects
        .iter()
        .filter_map(|object| {
            Some(WorkloadRef {
                kind: WorkloadKind::of(&object.types.as_ref()?.kind)?,
                namespace: object.metadata.namespace.clone(),
                name: object.metadata.name.clone()?,
            })
        })
        .collect()
}

/// The Services among the objects, with their first port: (namespace, name, port).
pub fn services(objects: &[DynamicObject]) -> Vec<(Option<String>, String, u16)> {
    objects
        .iter()
        .filter(|object| {
            object
                .types
                .as_ref()
                .is_some_and(|types| types.kind == "Service")
        })
        .filter_map(|object| {
            let port = object.data.pointer("/spec/ports/0/port")?.as_u64()?;
            Some((
                object.metadata.namespace.clone(),
                object.metadata.name.clone()?,
                u16::try_from(port).ok()?,
            ))
        })
        .collect()
}

/// The objects as one YAML stream, as the history keeps them.
pub fn to_yaml(objects: &[DynamicObject]) -> String {
    let values: Vec<Value> = objects
        .iter()
        .filter_map(|object| serde_json::to_value(object).ok())
        .collect();
    serde_saphyr::to_string_multiple(&values).unwrap_or_default()
}

#[cfg(test)]
#[path = "manifests_tests.rs"]
mod tests;
