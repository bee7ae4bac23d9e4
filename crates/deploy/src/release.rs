//! Releasing an image: its container started next to the live one, its health check awaited,
//! the proxy switched to it, the replaced release drained and stopped (kept for a rollback).
//! A release that does not become healthy never takes traffic: it is stopped and removed, and
//! its last log lines say why.

use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, RestartPolicy, RestartPolicyNameEnum};
use bollard::query_parameters::CreateContainerOptionsBuilder;
use quantum_docker::{ContainerState, Docker};

use crate::names::Names;
use crate::proxy;
use crate::spec::EnvironmentSpec;
use crate::{Error, Result};

/// How often a starting release is asked whether it is healthy.
const PROBE_EVERY: Duration = Duration::from_millis(200);
/// Log lines kept from a release that failed its health check.
const FAILURE_LOG_LINES: usize = 20;

/// Creates and starts the release's container on the environment's network.
pub async fn start(
    docker: &Docker,
    names: &Names,
    spec: &EnvironmentSpec,
    release_id: i64,
    image_id: &str,
) -> Result<String> {
    let name = names.release(release_id);
    let host_config = HostConfig {
        network_mode: Some(names.network()),
        // Docker's init as PID 1: the app gets SIGTERM forwarded (many never handle it as PID 1,
        // which makes every stop wait out its grace period) and its zombies reaped.
        init: Some(true),
        restart_policy: Some(RestartPolicy {
            name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
            maximum_retry_count: None,
        }),
        ..Default::default()
    };
    let body = ContainerCreateBody {
        image: Some(image_id.to_owned()),
        env: Some(
            spec.variables
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect(),
        ),
        labels: Some(names.labels("release", Some(release_id))),
        exposed_ports: Some(vec![format!("{}/tcp", spec.port)]),
        host_config: Some(host_config),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::new().name(&name).build();
    docker
        .api()
        .create_container(Some(options), body)
        .await
        .map_err(|error| Error::Docker(quantum_docker::Error::Docker(error.to_string())))?;
    docker.start(&name, spec.publish).await?;
    Ok(name)
}

/// Waits until the release answers its health check, up to the environment's timeout.
pub async fn wait_until_healthy(
    docker: &Docker,
    names: &Names,
    spec: &EnvironmentSpec,
    container: &str,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(u64::from(spec.health_timeout_secs));
    loop {
        let state = docker.inspect(container).await?;
        if let Some(reason) = ContainerState::not_running(state.as_ref()) {
            return Err(unhealthy(docker, container, reason).await);
        }
        let why = match proxy::probe(docker, names, spec, container).await? {
            None => return Ok(()),
            Some(why) => why,
        };
        if Instant::now() >= deadline {
            let reason = format!("after {} s: {why}", spec.health_timeout_secs);
            return Err(unhealthy(docker, container, reason).await);
        }
        tokio::time::sleep(PROBE_EVERY).await;
    }
}

async fn unhealthy(docker: &Docker, container: &str, reason: String) -> Error {
    Error::Unhealthy {
        reason,
        last_log: docker
            .last_log_lines(container, FAILURE_LOG_LINES)
            .await
            .unwrap_or_default(),
    }
}

/// Stops and removes a release's container (a failed one, or one pruned).
pub async fn discard(docker: &Docker, container: &str) {
    if let Err(error) = docker.stop(container).await {
        tracing::warn!(container, %error, "a release's container did not stop");
    }
    if let Err(error) = docker.remove_container(container).await {
        tracing::warn!(container, %error, "a release's container was not removed");
    }
}

/// Removes an image no kept release runs; one still used by a container stays (Docker refuses).
pub async fn remove_image(docker: &Docker, image_id: &str) {
    let options = bollard::query_parameters::RemoveImageOptionsBuilder::new().build();
    if let Err(error) = docker
        .api()
        .remove_image(image_id, Some(options), None)
        .await
    {
        tracing::debug!(image_id, %error, "a pruned release's image stays");
    }
}
