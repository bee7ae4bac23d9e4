//! An environment's datasources: database servers in containers on the environment's own Docker
//! Engine and network, beside its releases, which reach each by its name (`main:5432`). Each is
//! created on the first deploy that lists it and kept from then on: a deploy or a rollback starts
//! one that stopped and waits until it takes clients before the release starts, and never
//! removes one or its data volume. Nothing is published on the host: only the environment's
//! containers reach them.

use std::time::{Duration, Instant};

use bollard::models::{
    ContainerCreateBody, EndpointSettings, HostConfig, NetworkingConfig, RestartPolicy,
    RestartPolicyNameEnum,
};
use bollard::query_parameters::CreateContainerOptionsBuilder;
use quantum_docker::{
    ContainerState, Docker, LABEL_ENVIRONMENT_DATASOURCE, LABEL_PROJECT, LABEL_STORE,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::names::{Names, LABEL_ENVIRONMENT};
use crate::spec::{EnvironmentDatasource, EnvironmentSpec};
use crate::{Deploys, Error, Result};

/// How long a server has to take clients (a first start initialises its data folder).
const READY_TIMEOUT: Duration = Duration::from_secs(120);
const PROBE_EVERY: Duration = Duration::from_millis(250);
const FAILURE_LOG_LINES: usize = 20;
/// On an environment datasource's volume: the fingerprint of the password its data was set up
/// with.
const LABEL_PASSWORD: &str = "app.quantumadmin.password-fingerprint";

/// An environment datasource's container as its engine has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceState {
    pub name: String,
    /// The environment's `datasources` lists it; one that is not was listed before and is
    /// still on the engine.
    pub listed: bool,
    /// `None`: not made yet (the next deploy makes it).
    pub running: Option<bool>,
    /// Why it stopped, when it did.
    pub reason: Option<String>,
    /// The image it runs.
    pub image: Option<String>,
    pub volume: String,
}

impl Deploys {
    /// The environment's datasources `listed` as its engine has them, then those it has that
    /// are no longer listed.
    pub async fn datasource_states(
        &self,
        project_id: i64,
        spec: &EnvironmentSpec,
        listed: &[String],
    ) -> Result<Vec<DatasourceState>> {
        let docker = self.engine(spec).await?;
        let names = self.names(project_id, &spec.name);
        let project = project_id.to_string();
        let left: Vec<String> = docker
            .labelled_containers(
                LABEL_ENVIRONMENT_DATASOURCE,
                &[
                    (LABEL_STORE, self.store.identity()),
                    (LABEL_PROJECT, &project),
                    (LABEL_ENVIRONMENT, &spec.name),
                ],
            )
            .await?
            .into_iter()
            .map(|container| container.value)
            .filter(|name| !listed.contains(name))
            .collect();
        let mut states = Vec::new();
        for name in listed.iter().chain(&left) {
            let container = names.datasource(name);
            let state = docker.inspect(&container).await?;
            states.push(DatasourceState {
                name: name.clone(),
                listed: listed.contains(name),
                running: state.as_ref().map(|state| state.running),
                reason: state.as_ref().and_then(ContainerState::exit_reason),
                image: state.and_then(|state| state.image),
                volume: format!("{container}-data"),
            });
        }
        Ok(states)
    }

    /// Makes the environment's datasources run now, as a deploy would before its release.
    pub async fn start_datasources(
        &self,
        project_id: i64,
        spec: &EnvironmentSpec,
        log: impl FnMut(&str),
    ) -> Result<()> {
        let _busy = self.begin(project_id, &spec.name)?;
        let docker = self.engine(spec).await?;
        let names = self.names(project_id, &spec.name);
        docker
            .ensure_network(&names.network(), names.labels("network", None))
            .await?;
        ensure(&docker, &names, &spec.datasources, log).await
    }

    /// Removes the environment's datasource `name` from its engine; its data volume too with
    /// `with_data`, which cannot be undone. A datasource still listed is made anew by the next
    /// deploy (on its kept data, or empty).
    pub async fn remove_datasource(
        &self,
        project_id: i64,
        spec: &EnvironmentSpec,
        name: &str,
        with_data: bool,
    ) -> Result<()> {
        let _busy = self.begin(project_id, &spec.name)?;
        let docker = self.engine(spec).await?;
        let container = self.names(project_id, &spec.name).datasource(name);
        docker.stop(&container).await?;
        docker.remove_container(&container).await?;
        if with_data {
            docker.remove_volume(&format!("{container}-data")).await?;
        }
        Ok(())
    }
}

/// Makes each datasource run and take clients, saying in the log what it did.
pub async fn ensure(
    docker: &Docker,
    names: &Names,
    datasources: &[EnvironmentDatasource],
    mut log: impl FnMut(&str),
) -> Result<()> {
    for datasource in datasources {
        let container = names.datasource(&datasource.name);
        let started = Instant::now();
        same_password(docker, datasource, &format!("{container}-data")).await?;
        let state = docker.inspect(&container).await?;
        // A container made from another image than the file names now keeps it: a server's
        // data folder may need upgrading to another major version, which a deploy must not try.
        if let Some(image) = state
            .as_ref()
            .and_then(|state| state.image.as_ref())
            .filter(|image| **image != datasource.image)
        {
            log(&format!(
                "Datasource {} runs {image}, not {} as the file now says: kept as it is, since its data may need upgrading first. Remove its container (its volume stays) to have the next deploy make it anew.",
                datasource.name, datasource.image
            ));
        }
        match state {
            Some(state) if state.running => {
                log(&format!(
                    "Datasource {} ({}) is running",
                    datasource.name, datasource.engine
                ));
                continue;
            }
            Some(state) => {
                let why = state
                    .exit_reason()
                    .map(|why| format!(" ({why})"))
                    .unwrap_or_default();
                log(&format!(
                    "Starting datasource {}, which was stopped{why}",
                    datasource.name
                ));
                docker.start(&container, 0).await?;
            }
            None => {
                create(docker, names, datasource, &container, &mut log).await?;
            }
        }
        wait_until_ready(docker, datasource, &container).await?;
        log(&format!(
            "Datasource {} takes clients at {}:{} after {:.1} s",
            datasource.name,
            datasource.name,
            datasource.port,
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}

/// Refuses data whose volume says it was set up with another password than the datasource's.
async fn same_password(
    docker: &Docker,
    datasource: &EnvironmentDatasource,
    volume: &str,
) -> Result<()> {
    let kept = docker.volume_labels(volume).await?;
    match kept.as_ref().and_then(|labels| labels.get(LABEL_PASSWORD)) {
        Some(kept) if *kept != datasource.password_fingerprint => Err(Error::DatasourcePassword {
            name: datasource.name.clone(),
            volume: volume.to_owned(),
        }),
        _ => Ok(()),
    }
}

async fn create(
    docker: &Docker,
    names: &Names,
    datasource: &EnvironmentDatasource,
    container: &str,
    log: &mut impl FnMut(&str),
) -> Result<()> {
    if !docker.image_present(&datasource.image).await? {
        log(&format!(
            "Pulling {} on {}",
            datasource.image,
            docker.endpoint()
        ));
        let mut said = 0;
        docker
            .pull(&datasource.image, |progress| {
                // A line per layer done, not per progress message.
                if progress.layers_done > said {
                    said = progress.layers_done;
                    log(&format!("  {} of {} layers", said, progress.layers_total));
                }
            })
            .await?;
    }
    let mut labels = names.labels("datasource", None);
    labels.insert(
        LABEL_ENVIRONMENT_DATASOURCE.to_owned(),
        datasource.name.clone(),
    );
    let volume = format!("{container}-data");
    let mut volume_labels = labels.clone();
    volume_labels.insert(
        LABEL_PASSWORD.to_owned(),
        datasource.password_fingerprint.clone(),
    );
    docker.ensure_volume(&volume, volume_labels).await?;
    let host_config = HostConfig {
        binds: Some(vec![format!("{volume}:{}", datasource.data_path)]),
        network_mode: Some(names.network()),
        restart_policy: Some(RestartPolicy {
            name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
            maximum_retry_count: None,
        }),
        ..Default::default()
    };
    // Its project name is its host name on the network, as a compose service's is.
    let networking_config = NetworkingConfig {
        endpoints_config: Some(
            [(
                names.network(),
                EndpointSettings {
                    aliases: Some(vec![datasource.name.clone()]),
                    ..Default::default()
                },
            )]
            .into(),
        ),
    };
    let body = ContainerCreateBody {
        image: Some(datasource.image.clone()),
        env: Some(datasource.env.clone()),
        cmd: datasource.cmd.clone(),
        labels: Some(labels),
        host_config: Some(host_config),
        networking_config: Some(networking_config),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::new().name(container).build();
    docker
        .api()
        .create_container(Some(options), body)
        .await
        .map_err(|error| Error::Docker(quantum_docker::Error::Docker(error.to_string())))?;
    if !datasource.files.is_empty() {
        docker.put_files(container, &datasource.files).await?;
    }
    docker.start(container, 0).await?;
    log(&format!(
        "Created datasource {} ({}, {}) with its data in volume {volume}",
        datasource.name, datasource.engine, datasource.image
    ));
    Ok(())
}

async fn wait_until_ready(
    docker: &Docker,
    datasource: &EnvironmentDatasource,
    container: &str,
) -> Result<()> {
    let deadline = Instant::now() + READY_TIMEOUT;
    let ready: Vec<&str> = datasource.ready.iter().map(String::as_str).collect();
    loop {
        let state = docker.inspect(container).await?;
        if let Some(reason) = ContainerState::not_running(state.as_ref()) {
            return Err(not_ready(docker, datasource, container, reason).await);
        }
        // A container that restarts between the two calls fails this exec: asked again.
        if docker
            .exec(container, &ready)
            .await
            .is_ok_and(|output| output.succeeded())
        {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let reason = format!("it took no clients within {} s", READY_TIMEOUT.as_secs());
            return Err(not_ready(docker, datasource, container, reason).await);
        }
        tokio::time::sleep(PROBE_EVERY).await;
    }
}

async fn not_ready(
    docker: &Docker,
    datasource: &EnvironmentDatasource,
    container: &str,
    reason: String,
) -> Error {
    Error::Datasource {
        name: datasource.name.clone(),
        reason,
        last_log: docker
            .last_log_lines(container, FAILURE_LOG_LINES)
            .await
            .unwrap_or_default(),
    }
}
