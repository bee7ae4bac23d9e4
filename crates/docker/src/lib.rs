//! The local Docker daemon, reached the way the Docker CLI reaches it (`DOCKER_HOST`, else the
//! current Docker context, else the platform's default socket or pipe: see [`host`]), through
//! bollard.

use std::collections::HashMap;

use bollard::errors::Error as ApiError;
use bollard::models::{
    ContainerCreateBody, ContainerSummary, ContainerSummaryStateEnum, HostConfig, PortBinding,
    VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, ListContainersOptionsBuilder,
    RemoveContainerOptionsBuilder, RemoveVolumeOptionsBuilder, StartContainerOptions,
    StopContainerOptionsBuilder,
};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use specta::Type;

mod error;
mod exec;
mod files;
pub mod host;
mod inventory;
pub mod ssh;
mod stats;
mod volumes;

pub use error::{Error, Result};
pub use exec::ExecOutput;
pub use files::ContainerFile;
pub use inventory::{ContainerEntry, ImageEntry, NetworkEntry, PortMapping, VolumeEntry};
pub use stats::{memory_in_use, Counters};
pub use volumes::LABEL_HELPER;

/// Labels on every container and volume the app makes, so that it finds them again.
pub const LABEL_PROJECT: &str = "app.quantumadmin.project-id";
pub const LABEL_DATASOURCE: &str = "app.quantumadmin.datasource-id";
pub const LABEL_ENGINE: &str = "app.quantumadmin.engine";
/// On a deploy environment's datasource container and data volume: its name in the project.
pub const LABEL_ENVIRONMENT_DATASOURCE: &str = "app.quantumadmin.environment-datasource";
/// The data dir (its store's random id) whose app made the container.
pub const LABEL_STORE: &str = "app.quantumadmin.store";
/// On every container of a deploy environment: its name.
pub const LABEL_ENVIRONMENT: &str = "app.quantumadmin.environment";
/// On a deploy environment's containers: `proxy`, `release`, `datasource` or `network`.
pub const LABEL_ROLE: &str = "app.quantumadmin.deploy-role";
/// On a release's container: the release's row.
pub const LABEL_RELEASE: &str = "app.quantumadmin.release-id";

/// Seconds a server gets to shut down cleanly before Docker kills it.
const STOP_GRACE_SECS: i32 = 20;

#[derive(Clone, Debug)]
pub struct Docker {
    api: bollard::Docker,
    endpoint: host::Endpoint,
}

/// What a container needs to run a datasource.
#[derive(Clone, Debug)]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    pub container_port: u16,
    pub host_port: u16,
    pub volume_name: String,
    pub data_path: String,
    pub labels: HashMap<String, String>,
    /// Put in the container before it starts: secrets that must not be in `cmd` or `env`.
    pub files: Vec<ContainerFile>,
}

/// How far an image pull has come, summed over its layers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PullProgress {
    pub image: String,
    pub layers_total: u32,
    pub layers_done: u32,
    /// Bytes downloaded so far over the bytes announced so far (layers announce theirs late).
    pub downloaded_bytes: f64,
    pub total_bytes: f64,
}

/// A container as the app sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerState {
    pub running: bool,
    pub exit_code: Option<i64>,
    /// The kernel's OOM killer ended it (the container's memory limit or the machine's).
    pub oom_killed: bool,
    /// Docker's word from the image's HEALTHCHECK (`healthy`, `unhealthy`, `starting`), if any.
    pub health: Option<String>,
    /// The image it was made from, as it was named.
    pub image: Option<String>,
}

impl ContainerState {
    /// Why a container that is not running stopped, in the user's words.
    pub fn exit_reason(&self) -> Option<String> {
        if self.running {
            None
        } else if self.oom_killed {
            Some("Killed: out of memory.".to_owned())
        } else {
            self.exit_code
                .map(|code| format!("Exited with code {code}."))
        }
    }

    /// Why a container that should run does not (`None`: it runs): gone, or stopped and why.
    pub fn not_running(state: Option<&Self>) -> Option<String> {
        match state {
            Some(state) if state.running => None,
            Some(state) => Some(state.exit_reason().map_or_else(
                || "its container stopped".to_owned(),
                |why| format!("its container stopped. {why}"),
            )),
            None => Some("its container is gone".to_owned()),
        }
    }
}

/// A container that carries a label, with that label's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledContainer {
    pub id: String,
    pub value: String,
    pub labels: HashMap<String, String>,
    /// Docker's state word: `running`, `exited`, `created`, `paused`, …
    pub state: String,
}

/// A host port published by some container, and that container's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPort {
    pub port: u16,
    pub container_name: String,
}

impl Docker {
    /// Connects and agrees on an API version (the daemon may be older than bollard's default).
    pub async fn connect() -> Result<Self> {
        Self::connect_with(&host::Environment::from_process()).await
    }

    /// Connects to the endpoint `env` resolves to.
    pub async fn connect_with(env: &host::Environment) -> Result<Self> {
        let ssh = ssh::SshOptions {
            home: env.home.clone(),
            ..ssh::SshOptions::default()
        };
        Self::connect_to(host::resolve(env)?, &ssh).await
    }

    /// Connects to `endpoint`, logging in with `ssh` when it is an `ssh://` address.
    pub async fn connect_to(endpoint: host::Endpoint, ssh: &ssh::SshOptions) -> Result<Self> {
        let api = host::client(&endpoint, ssh).await?;
        let api = api
            .negotiate_version()
            .await
            .map_err(|error| host::unreachable(&endpoint, &error))?;
        tracing::debug!(%endpoint, "connected");
        Ok(Self { api, endpoint })
    }

    /// Which Docker Engine this is and why it was chosen, for the UI and logs.
    pub fn endpoint(&self) -> &host::Endpoint {
        &self.endpoint
    }

    /// Whether the daemon answers now.
    pub async fn ping(&self) -> Result<()> {
        self.api
            .ping()
            .await
            .map(drop)
            .map_err(|error| host::unreachable(&self.endpoint, &error))
    }

    pub fn api(&self) -> &bollard::Docker {
        &self.api
    }

    pub async fn image_present(&self, image: &str) -> Result<bool> {
        match self.api.inspect_image(image).await {
            Ok(_) => Ok(true),
            Err(error) if status(&error) == Some(404) => Ok(false),
            Err(error) => Err(api_error(error)),
        }
    }

    /// Pulls an image, reporting progress per layer as it comes.
    pub async fn pull(&self, image: &str, mut on_progress: impl FnMut(PullProgress)) -> Result<()> {
        let options = CreateImageOptionsBuilder::new().from_image(image).build();
        let mut stream = self.api.create_image(Some(options), None, None);
        let mut layers: HashMap<String, (f64, f64, bool)> = HashMap::new();
        while let Some(item) = stream.next().await {
            let info = item.map_err(|error| Error::ImagePull {
                image: image.to_owned(),
                reason: pull_reason(&error),
            })?;
            if let Some(message) = info.error_detail.and_then(|d| d.message) {
                return Err(Error::ImagePull {
                    image: image.to_owned(),
                    reason: message,
                });
            }
            let (Some(layer), Some(state)) = (info.id, info.status) else {
                continue;
            };
            let entry = layers.entry(layer).or_insert((0.0, 0.0, false));
            if let Some(detail) = info.progress_detail {
                if let (Some(current), Some(total)) = (detail.current, detail.total) {
                    if state.starts_with("Downloading") {
                        // Byte counts fit f64 exactly far beyond any image size.
                        *entry = (current as f64, total as f64, false);
                    }
                }
            }
            if state.starts_with("Pull complete") || state.starts_with("Already exists") {
                entry.2 = true;
                entry.0 = entry.1;
            }
            on_progress(PullProgress {
                image: image.to_owned(),
                layers_total: u32::try_from(layers.len()).unwrap_or(u32::MAX),
                layers_done: u32::try_from(layers.values().filter(|l| l.2).count())
                    .unwrap_or(u32::MAX),
                downloaded_bytes: layers.values().map(|l| l.0).sum(),
                total_bytes: layers.values().map(|l| l.1).sum(),
            });
        }
        Ok(())
    }

    /// Creates the named volume when absent (creating an existing one is a no-op in Docker).
    pub async fn ensure_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<()> {
        self.api
            .create_volume(VolumeCreateRequest {
                name: Some(name.to_owned()),
                labels: Some(labels),
                ..Default::default()
            })
            .await
            .map(drop)
            .map_err(api_error)
    }

    pub async fn remove_volume(&self, name: &str) -> Result<()> {
        let options = RemoveVolumeOptionsBuilder::new().force(false).build();
        match self.api.remove_volume(name, Some(options)).await {
            Ok(()) => Ok(()),
            Err(error) if status(&error) == Some(404) => Ok(()),
            Err(error) => Err(api_error(error)),
        }
    }

    /// Creates a container publishing its port on 127.0.0.1 only: a dev database is not for the LAN.
    pub async fn create_container(&self, spec: &ContainerSpec) -> Result<String> {
        let port_key = format!("{}/tcp", spec.container_port);
        let host_config = HostConfig {
            binds: Some(vec![format!("{}:{}", spec.volume_name, spec.data_path)]),
            port_bindings: Some(HashMap::from([(
                port_key.clone(),
                Some(vec![PortBinding {
                    host_ip: Some("127.0.0.1".to_owned()),
                    host_port: Some(spec.host_port.to_string()),
                }]),
            )])),
            ..Default::default()
        };
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            env: Some(spec.env.clone()),
            cmd: spec.cmd.clone(),
            labels: Some(spec.labels.clone()),
            exposed_ports: Some(vec![port_key]),
            host_config: Some(host_config),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::new()
            .name(&spec.name)
            .build();
        let id = match self.api.create_container(Some(options), body).await {
            Ok(created) => created.id,
            Err(error) if status(&error) == Some(409) => {
                return Err(Error::ContainerNameTaken {
                    name: spec.name.clone(),
                })
            }
            Err(error) => return Err(api_error(error)),
        };
        if !spec.files.is_empty() {
            if let Err(error) = files::upload(&self.api, &id, &spec.files).await {
                // A container without its files would start wrongly configured: not kept.
                let _ = self.remove_container(&id).await;
                return Err(error);
            }
        }
        Ok(id)
    }

    /// Starts a container. A host port taken meanwhile is reported as such, so the caller can
    /// move to another port.
    pub async fn start(&self, id: &str, host_port: u16) -> Result<()> {
        match self
            .api
            .start_container(id, None::<StartContainerOptions>)
            .await
        {
            Ok(()) => Ok(()),
            Err(error) if status(&error) == Some(304) => Ok(()),
            Err(error) if is_port_conflict(&error) => Err(Error::PortTaken {
                port: host_port,
                holder: None,
            }),
            Err(error) => Err(api_error(error)),
        }
    }

    pub async fn stop(&self, id: &str) -> Result<()> {
        let options = StopContainerOptionsBuilder::new()
            .t(STOP_GRACE_SECS)
            .build();
        match self.api.stop_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(error) if matches!(status(&error), Some(304 | 404)) => Ok(()),
            Err(error) => Err(api_error(error)),
        }
    }

    /// Removes a container; its named volume stays. A container already gone is fine.
    pub async fn remove_container(&self, id: &str) -> Result<()> {
        // `v` removes only the anonymous volumes Docker made for the image's VOLUME paths that
        // nothing was mounted on (a copy helper made from a database image gets one each time);
        // named volumes, the data, are never removed by it.
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        match self.api.remove_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(error) if status(&error) == Some(404) => Ok(()),
            Err(error) => Err(api_error(error)),
        }
    }

    /// Waits until the container starts at or after `since_secs` (Unix seconds; a start since
    /// then counts even if it came before the call); false when the event stream ends first.
    pub async fn started_since(&self, id: &str, since_secs: i64) -> bool {
        let since = since_secs.to_string();
        let filters = HashMap::from([
            ("type", vec!["container"]),
            ("container", vec![id]),
            ("event", vec!["start"]),
        ]);
        let options = bollard::query_parameters::EventsOptionsBuilder::new()
            .since(&since)
            .filters(&filters)
            .build();
        let mut events = self.api.events(Some(options));
        matches!(events.next().await, Some(Ok(_)))
    }

    /// The container's state, or `None` when it no longer exists.
    pub async fn inspect(&self, id: &str) -> Result<Option<ContainerState>> {
        match self.api.inspect_container(id, None).await {
            Ok(inspected) => {
                let state = inspected.state.unwrap_or_default();
                Ok(Some(ContainerState {
                    running: state.running.unwrap_or(false),
                    exit_code: state.exit_code,
                    oom_killed: state.oom_killed.unwrap_or(false),
                    health: state
                        .health
                        .and_then(|health| health.status)
                        .map(|status| status.to_string())
                        .filter(|status| !status.is_empty() && status != "none"),
                    image: inspected.config.and_then(|config| config.image),
                }))
            }
            Err(error) if status(&error) == Some(404) => Ok(None),
            Err(error) => Err(api_error(error)),
        }
    }

    /// Every container, running or not, that carries `label` (with `label=value` filters added
    /// from `with`), with the label's value.
    pub async fn labelled_containers(
        &self,
        label: &str,
        with: &[(&str, &str)],
    ) -> Result<Vec<LabelledContainer>> {
        let mut labels = vec![label.to_owned()];
        labels.extend(with.iter().map(|(key, value)| format!("{key}={value}")));
        let filters = HashMap::from([("label".to_owned(), labels)]);
        let options = ListContainersOptionsBuilder::new()
            .all(true)
            .filters(&filters)
            .build();
        let containers = self
            .api
            .list_containers(Some(options))
            .await
            .map_err(api_error)?;
        Ok(containers
            .into_iter()
            .filter_map(|container| {
                let state = state_word(&container);
                let labels = container.labels.unwrap_or_default();
                Some(LabelledContainer {
                    id: container.id?,
                    value: labels.get(label)?.clone(),
                    labels,
                    state,
                })
            })
            .collect())
    }

    /// Host ports published by any container, running or stopped: a stopped container takes its
    /// ports back when it starts, so they are not free.
    pub async fn published_ports(&self) -> Result<Vec<PublishedPort>> {
        let options = ListContainersOptionsBuilder::new().all(true).build();
        let containers = self
            .api
            .list_containers(Some(options))
            .await
            .map_err(api_error)?;
        let mut ports = Vec::new();
        for container in containers {
            let name = container_name(&container).unwrap_or_default();
            let running = matches!(container.state, Some(ContainerSummaryStateEnum::RUNNING));
            if running {
                for port in container.ports.unwrap_or_default() {
                    if let Some(public) = port.public_port {
                        ports.push(PublishedPort {
                            port: public,
                            container_name: name.clone(),
                        });
                    }
                }
                continue;
            }
            // A stopped container lists no ports; its bindings are in its configuration.
            let Some(id) = container.id else { continue };
            let Ok(inspected) = self.api.inspect_container(&id, None).await else {
                continue;
            };
            let bindings = inspected
                .host_config
                .and_then(|config| config.port_bindings)
                .unwrap_or_default();
            for binding in bindings.into_values().flatten().flatten() {
                if let Some(port) = binding.host_port.and_then(|p| p.parse::<u16>().ok()) {
                    ports.push(PublishedPort {
                        port,
                        container_name: name.clone(),
                    });
                }
            }
        }
        Ok(ports)
    }
}

fn status(error: &ApiError) -> Option<u16> {
    match error {
        ApiError::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

fn is_port_conflict(error: &ApiError) -> bool {
    let text = error.to_string();
    text.contains("port is already allocated") || text.contains("address already in use")
}

fn unavailable(error: ApiError) -> Error {
    Error::DockerUnavailable(error.to_string())
}

/// Connection failures mean the daemon went away; anything else is the daemon's own answer.
fn api_error(error: ApiError) -> Error {
    match &error {
        ApiError::DockerResponseServerError { message, .. } => Error::Docker(message.clone()),
        _ => unavailable(error),
    }
}

fn pull_reason(error: &ApiError) -> String {
    match error {
        ApiError::DockerResponseServerError { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// A listed container's name, without Docker's leading `/`.
fn container_name(container: &ContainerSummary) -> Option<String> {
    let name = container.names.as_ref()?.first()?;
    Some(name.trim_start_matches('/').to_owned())
}

/// Docker's state word for a listed container: `running`, `exited`, `paused`, …
fn state_word(container: &ContainerSummary) -> String {
    container
        .state
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}
