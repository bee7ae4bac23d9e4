//! The environment's proxy: a Caddy container that keeps the published port and forwards to the
//! live release by its container name on the environment's network. Switching is a new Caddyfile
//! and `caddy reload`, which Caddy applies without dropping a connection; requests already on
//! their way to the old release finish there. Everything goes through `docker exec` and file
//! uploads, so it works the same on a remote daemon as on the local one.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bollard::models::{
    ContainerCreateBody, HostConfig, PortBinding, RestartPolicy, RestartPolicyNameEnum,
};
use bollard::query_parameters::CreateContainerOptionsBuilder;
use quantum_docker::{ContainerFile, Docker};

use crate::names::Names;
use crate::spec::{EnvironmentSpec, HealthCheck};
use crate::{Error, Result};

const CADDYFILE: &str = "/etc/caddy/Caddyfile";

/// The Caddyfile that sends all traffic to `upstream` (`name:port`), or answers 503 while no
/// release is live. A request whose upstream cannot be reached is tried again for a few seconds
/// rather than failed.
pub fn caddyfile(upstream: Option<&str>) -> String {
    let site = match upstream {
        Some(upstream) => format!(
            "\treverse_proxy {upstream} {{\n\t\tlb_try_duration 5s\n\t\tlb_try_interval 100ms\n\t}}\n"
        ),
        None => "\trespond \"No release of this environment is live yet.\" 503\n".to_owned(),
    };
    format!("{{\n\tadmin localhost:2019\n\tauto_https off\n}}\n\n:80 {{\n{site}}}\n")
}

/// The upstream a Caddyfile written by [`caddyfile`] sends traffic to.
pub fn upstream_of(caddyfile: &str) -> Option<String> {
    caddyfile
        .lines()
        .find_map(|line| line.trim().strip_prefix("reverse_proxy "))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
}

fn caddyfile_file(upstream: Option<&str>) -> ContainerFile {
    ContainerFile {
        path: CADDYFILE.to_owned(),
        contents: caddyfile(upstream).into_bytes(),
        mode: 0o644,
        uid: 0,
        gid: 0,
    }
}

/// Makes sure the proxy runs and publishes the environment's port. A new proxy sends traffic to
/// `live`; one publishing another port (the settings changed) is replaced.
pub async fn ensure(
    docker: &Docker,
    names: &Names,
    spec: &EnvironmentSpec,
    live: Option<&str>,
) -> Result<()> {
    let proxy = names.proxy();
    let inspected = match docker.api().inspect_container(&proxy, None).await {
        Ok(inspected) => Some(inspected),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => None,
        Err(error) => {
            return Err(Error::Proxy {
                reason: error.to_string(),
            })
        }
    };
    if let Some(inspected) = inspected {
        if publishes(&inspected, spec) {
            if !inspected
                .state
                .and_then(|state| state.running)
                .unwrap_or(false)
            {
                docker.start(&proxy, spec.publish).await?;
            }
            return wait_for_admin(docker, &proxy).await;
        }
        docker.remove_container(&proxy).await?;
    }
    create(docker, names, spec, live).await
}

fn publishes(
    inspected: &bollard::models::ContainerInspectResponse,
    spec: &EnvironmentSpec,
) -> bool {
    inspected
        .host_config
        .as_ref()
        .and_then(|config| config.port_bindings.as_ref())
        .and_then(|bindings| bindings.get("80/tcp").cloned().flatten())
        .is_some_and(|bindings| {
            bindings.iter().any(|binding| {
                binding.host_port.as_deref() == Some(&spec.publish.to_string())
                    && binding.host_ip.as_deref().unwrap_or("") == spec.bind
            })
        })
}

async fn create(
    docker: &Docker,
    names: &Names,
    spec: &EnvironmentSpec,
    upstream: Option<&str>,
) -> Result<()> {
    let host_config = HostConfig {
        port_bindings: Some(HashMap::from([(
            "80/tcp".to_owned(),
            Some(vec![PortBinding {
                host_ip: Some(spec.bind.clone()),
                host_port: Some(spec.publish.to_string()),
            }]),
        )])),
        network_mode: Some(names.network()),
        // A deploy environment serves after the daemon restarts, as a server would.
        restart_policy: Some(RestartPolicy {
            name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
            maximum_retry_count: None,
        }),
        ..Default::default()
    };
    let body = ContainerCreateBody {
        image: Some(spec.proxy_image.clone()),
        cmd: Some(
            [
                "caddy",
                "run",
                "--config",
                CADDYFILE,
                "--adapter",
                "caddyfile",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        labels: Some(names.labels("proxy", None)),
        exposed_ports: Some(vec!["80/tcp".to_owned()]),
        host_config: Some(host_config),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::new()
        .name(&names.proxy())
        .build();
    let created = docker
        .api()
        .create_container(Some(options), body)
        .await
        .map_err(|error| Error::Proxy {
            reason: format!(
                "its container could not be created from {}: {error}",
                spec.proxy_image
            ),
        })?;
    docker
        .put_files(&created.id, &[caddyfile_file(upstream)])
        .await?;
    if let Err(error) = docker.start(&created.id, spec.publish).await {
        // Not kept: a proxy that cannot publish would only be in the way of the next try.
        docker.remove_container(&created.id).await.ok();
        return Err(match error {
            quantum_docker::Error::PortTaken { port, .. } => Error::PortTaken {
                port,
                environment: spec.name.clone(),
            },
            other => other.into(),
        });
    }
    // Caddy takes a moment to read its configuration: ready once its admin API answers.
    wait_for_admin(docker, &names.proxy()).await
}

async fn wait_for_admin(docker: &Docker, proxy: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        // A proxy that exits on a bad configuration is restarting: exec refuses it meanwhile.
        let answer = docker
            .exec(proxy, &fetch_command("http://localhost:2019/config/"))
            .await;
        if answer.is_ok_and(|answer| answer.succeeded()) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let log = docker.last_log_lines(proxy, 10).await.unwrap_or_default();
            return Err(Error::Proxy {
                reason: format!("it did not start: {}", log.join(" / ")),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends traffic to `upstream`: the new Caddyfile, then a graceful reload.
pub async fn switch(docker: &Docker, names: &Names, upstream: &str) -> Result<()> {
    let proxy = names.proxy();
    docker
        .put_files(&proxy, &[caddyfile_file(Some(upstream))])
        .await?;
    let reloaded = docker
        .exec(
            &proxy,
            &[
                "caddy",
                "reload",
                "--config",
                CADDYFILE,
                "--adapter",
                "caddyfile",
            ],
        )
        .await?;
    if reloaded.succeeded() {
        Ok(())
    } else {
        Err(Error::Proxy {
            reason: format!("caddy reload said: {}", reloaded.output.trim()),
        })
    }
}

/// Where the proxy sends traffic now, read from its Caddyfile (`None` without a proxy).
pub async fn live_upstream(docker: &Docker, names: &Names) -> Result<Option<String>> {
    let proxy = names.proxy();
    match docker.inspect(&proxy).await? {
        Some(state) if state.running => {}
        _ => return Ok(None),
    }
    let file = docker.exec(&proxy, &["cat", CADDYFILE]).await?;
    Ok(file
        .succeeded()
        .then(|| upstream_of(&file.output))
        .flatten())
}

/// Waits, up to `limit`, until the proxy holds no request for `upstream` any more.
pub async fn drain(
    docker: &Docker,
    names: &Names,
    upstream: &str,
    limit: Duration,
) -> Result<bool> {
    let deadline = Instant::now() + limit;
    loop {
        let answer = docker
            .exec(
                &names.proxy(),
                &fetch_command("http://localhost:2019/reverse_proxy/upstreams"),
            )
            .await?;
        if answer.succeeded() && in_flight(&answer.output, upstream) == 0 {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Requests in flight to `upstream` in Caddy's `/reverse_proxy/upstreams` answer.
fn in_flight(answer: &str, upstream: &str) -> u64 {
    let Ok(hosts) = serde_json::from_str::<Vec<serde_json::Value>>(answer) else {
        return 0;
    };
    hosts
        .iter()
        .filter(|host| host["address"].as_str() == Some(upstream))
        .filter_map(|host| host["num_requests"].as_u64())
        .sum()
}

/// Asks the candidate, from inside the proxy (on its network, as traffic will reach it), whether
/// it is healthy. `Ok(None)` is healthy; `Ok(Some(why))` not yet.
pub async fn probe(
    docker: &Docker,
    names: &Names,
    spec: &EnvironmentSpec,
    candidate: &str,
) -> Result<Option<String>> {
    match &spec.health {
        HealthCheck::Http { path, status } => {
            let url = format!("http://{candidate}:{}{path}", spec.port);
            let answer = docker
                .exec(&names.proxy(), &http_status_command(&url))
                .await?;
            let got = status_code(&answer.output).filter(|code| *code != 0);
            Ok(match (got, status) {
                (Some(code), Some(want)) if code == *want => None,
                (Some(code), None) if (200..400).contains(&code) => None,
                (Some(code), Some(want)) => Some(format!("GET {path} answered {code}, not {want}")),
                (Some(code), None) => Some(format!("GET {path} answered {code}")),
                (None, _) => Some(format!(
                    "GET {path} got no answer ({})",
                    answer.output.trim()
                )),
            })
        }
        HealthCheck::Tcp => {
            let answer = docker
                .exec(
                    &names.proxy(),
                    &["nc", "-w", "3", candidate, &spec.port.to_string()],
                )
                .await?;
            Ok((!answer.succeeded()).then(|| format!("port {} refused the connection", spec.port)))
        }
        HealthCheck::Image => {
            let state = docker.inspect(candidate).await?;
            Ok(match state.and_then(|state| state.health) {
                Some(health) if health == "healthy" => None,
                Some(health) => Some(format!("the image's HEALTHCHECK says {health}")),
                None => {
                    Some("the image has no HEALTHCHECK: choose an HTTP or TCP check".to_owned())
                }
            })
        }
    }
}

/// A GET printing the body, failing on an error status: curl where the image has it (Debian's),
/// else BusyBox wget (Alpine's, as in caddy:2-alpine).
fn fetch_command(url: &str) -> [&str; 5] {
    [
        "sh",
        "-c",
        "if command -v curl >/dev/null; then exec curl -sf -m 3 \"$1\"; else exec wget -q -O - -T 3 \"$1\"; fi",
        "fetch",
        url,
    ]
}

/// A GET printing `HTTP/1.1 <status>` (curl: 000 when nothing answered; wget prints its
/// response's headers, one status line per redirect).
fn http_status_command(url: &str) -> [&str; 5] {
    [
        "sh",
        "-c",
        "if command -v curl >/dev/null; then exec curl -s -o /dev/null -m 3 -w 'HTTP/1.1 %{http_code}\\n' \"$1\"; else exec wget -S -q -O /dev/null -T 3 \"$1\" 2>&1; fi",
        "probe",
        url,
    ]
}

/// The last HTTP status in the probe's output: curl's one line, or BusyBox `wget -S` headers
/// (a status line per redirect; an error also says `server returned error: HTTP/1.1 404`).
fn status_code(output: &str) -> Option<u16> {
    output.lines().rev().find_map(|line| {
        let mut words = line.split_whitespace();
        words.find(|word| word.starts_with("HTTP/"))?;
        words.next()?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caddyfile_names_its_upstream() {
        let text = caddyfile(Some("qa-1-staging-r7:8080"));
        assert_eq!(upstream_of(&text).as_deref(), Some("qa-1-staging-r7:8080"));
        assert!(text.contains("lb_try_duration"));
        assert_eq!(upstream_of(&caddyfile(None)), None);
    }

    #[test]
    fn requests_in_flight_are_read_per_upstream() {
        let answer = r#"[{"address":"a:80","num_requests":2,"fails":0},{"address":"b:80","num_requests":0,"fails":0}]"#;
        assert_eq!(in_flight(answer, "a:80"), 2);
        assert_eq!(in_flight(answer, "b:80"), 0);
        assert_eq!(in_flight("[]", "a:80"), 0);
    }

    #[test]
    fn the_status_is_read_from_wget_output() {
        assert_eq!(
            status_code("Connecting to x:8080\n  HTTP/1.1 200 OK\n  Content-Type: text/html\n"),
            Some(200)
        );
        assert_eq!(status_code("  HTTP/1.1 301 Moved\n  HTTP/1.1 404 Not Found\nwget: server returned error: HTTP/1.1 404 Not Found\n"), Some(404));
        assert_eq!(
            status_code("wget: can't connect to remote host: Connection refused\n"),
            None
        );
    }
}
