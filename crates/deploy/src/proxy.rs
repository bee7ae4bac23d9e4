//! The environment's proxy: HAProxy in a container, holding the published port and forwarding to
//! the live release on the environment's network. Traffic is switched through HAProxy's runtime
//! API (`add server`, `set server … state ready | drain | maint`), never by a reload: a reload
//! hands the listening socket to a new one, and a connection queued on the old socket at that
//! instant is reset (with Caddy, whose reloads work that way, about one request in 10,000 got an
//! empty answer). The configuration file is rewritten at each switch as well, so that a proxy the
//! daemon restarts serves the live release. Everything goes through `docker exec` and uploads,
//! so it works the same on a remote daemon as on the local one.

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

/// Where the official image (and the test image) read their configuration.
const CONFIG: &str = "/usr/local/etc/haproxy/haproxy.cfg";
/// The port the proxy listens on in its container (unprivileged: the official image's user).
const PORT: &str = "8080/tcp";
/// The backend the releases are servers of.
const BACKEND: &str = "app";

/// The configuration that sends traffic to `live` (`container:port`), or answers 503 while no
/// release is live. A request whose server cannot be reached is sent to another one.
pub fn config(live: Option<&str>) -> String {
    let server = live
        .map(|upstream| format!("    server {} {upstream}\n", server_name(upstream)))
        .unwrap_or_default();
    format!(
        "global\n    stats socket ipv4@127.0.0.1:9999 level admin\n    stats timeout 10s\n\n\
         defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n    \
         timeout server 60s\n    timeout http-request 10s\n    retries 3\n    option redispatch 1\n    \
         default-server init-addr libc,none\n\n\
         frontend web\n    bind :8080\n    http-request return status 503 content-type text/plain \
         string \"No release of this environment is live yet.\" if {{ nbsrv({BACKEND}) eq 0 }}\n    \
         default_backend {BACKEND}\n\n\
         backend {BACKEND}\n    balance roundrobin\n{server}"
    )
}

/// The server an upstream (`container:port`) is in the backend: the container's name.
fn server_name(upstream: &str) -> &str {
    upstream.split(':').next().unwrap_or(upstream)
}

fn config_file(live: Option<&str>) -> ContainerFile {
    ContainerFile {
        path: CONFIG.to_owned(),
        contents: config(live).into_bytes(),
        mode: 0o644,
        uid: 0,
        gid: 0,
    }
}

/// Makes sure the proxy runs and publishes the environment's port. A new proxy sends traffic to
/// `live`; one publishing another port or running another image (the settings changed) is
/// replaced.
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
        let same_image = inspected
            .config
            .as_ref()
            .and_then(|config| config.image.as_deref())
            == Some(spec.proxy_image.as_str());
        if same_image && publishes(&inspected, spec) {
            if !inspected
                .state
                .and_then(|state| state.running)
                .unwrap_or(false)
            {
                docker.start(&proxy, spec.publish).await?;
            }
            return wait_for_api(docker, &proxy).await;
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
        .and_then(|bindings| bindings.get(PORT).cloned().flatten())
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
    live: Option<&str>,
) -> Result<()> {
    let host_config = HostConfig {
        port_bindings: Some(HashMap::from([(
            PORT.to_owned(),
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
        // The master-worker mode in the foreground, as the official image runs it.
        cmd: Some(
            ["haproxy", "-W", "-db", "-f", CONFIG]
                .map(str::to_owned)
                .to_vec(),
        ),
        labels: Some(names.labels("proxy", None)),
        exposed_ports: Some(vec![PORT.to_owned()]),
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
    docker.put_files(&created.id, &[config_file(live)]).await?;
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
    wait_for_api(docker, &names.proxy()).await
}

/// A runtime API command's answer (BusyBox nc sends it, then reads until HAProxy closes).
async fn api(docker: &Docker, proxy: &str, command: &str) -> Result<String> {
    let answer = docker
        .exec(
            proxy,
            &[
                "sh",
                "-c",
                "printf '%s\\n' \"$1\" | nc 127.0.0.1 9999",
                "api",
                command,
            ],
        )
        .await?;
    if answer.succeeded() {
        Ok(answer.output)
    } else {
        Err(Error::Proxy {
            reason: format!(
                "its runtime API did not take “{command}”: {}",
                answer.output.trim()
            ),
        })
    }
}

/// A command that answers nothing (or `expected`) when it worked.
async fn api_quiet(docker: &Docker, proxy: &str, command: &str, expected: &str) -> Result<()> {
    let answer = api(docker, proxy, command).await?;
    let answer = answer.trim();
    if answer.is_empty() || answer == expected {
        Ok(())
    } else {
        Err(Error::Proxy {
            reason: format!("HAProxy answered “{command}” with: {answer}"),
        })
    }
}

async fn wait_for_api(docker: &Docker, proxy: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        // A proxy that exits on a bad configuration is restarting: exec refuses it meanwhile.
        let answer = api(docker, proxy, "show info").await;
        if answer.is_ok_and(|answer| answer.contains("Name: HAProxy")) {
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

/// The container's address on the environment's network (the runtime API takes addresses).
async fn address_of(docker: &Docker, container: &str, network: &str) -> Result<String> {
    let inspected = docker
        .api()
        .inspect_container(container, None)
        .await
        .map_err(|error| Error::Proxy {
            reason: format!("{container} could not be inspected: {error}"),
        })?;
    inspected
        .network_settings
        .and_then(|settings| settings.networks)
        .and_then(|networks| networks.get(network).cloned())
        .and_then(|endpoint| endpoint.ip_address)
        .filter(|address| !address.is_empty())
        .ok_or_else(|| Error::Proxy {
            reason: format!("{container} has no address on {network}"),
        })
}

/// One server of the backend as `show stat` lists it.
#[derive(Debug, PartialEq, Eq)]
struct Server {
    name: String,
    /// `UP`, `no check` (up, unchecked), `DRAIN`, `MAINT`, …
    status: String,
    /// Connections open to it now.
    sessions: u64,
}

impl Server {
    fn takes_traffic(&self) -> bool {
        !matches!(self.status.as_str(), "DRAIN" | "MAINT") && !self.status.starts_with("DOWN")
    }
}

/// The backend's servers in `show stat`'s CSV (a `# pxname,svname,…` header line).
fn servers(stat: &str) -> Vec<Server> {
    let mut lines = stat.lines();
    let Some(header) = lines.next().and_then(|line| line.strip_prefix("# ")) else {
        return Vec::new();
    };
    let columns: Vec<&str> = header.split(',').collect();
    let at = |name: &str| columns.iter().position(|column| *column == name);
    let (Some(proxy), Some(server), Some(status), Some(sessions)) =
        (at("pxname"), at("svname"), at("status"), at("scur"))
    else {
        return Vec::new();
    };
    lines
        .map(|line| line.split(',').collect::<Vec<&str>>())
        .filter(|fields| fields.get(proxy) == Some(&BACKEND))
        .filter(|fields| !matches!(fields.get(server), Some(&"BACKEND" | &"FRONTEND") | None))
        .map(|fields| Server {
            name: fields[server].to_owned(),
            status: fields.get(status).copied().unwrap_or_default().to_owned(),
            sessions: fields
                .get(sessions)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
        })
        .collect()
}

async fn backend(docker: &Docker, proxy: &str) -> Result<Vec<Server>> {
    Ok(servers(&api(docker, proxy, "show stat").await?))
}

/// Sends new requests to `upstream` (`container:port`): it becomes a server taking traffic, and
/// every other server is set to drain (requests already there finish).
pub async fn switch(docker: &Docker, names: &Names, upstream: &str) -> Result<()> {
    let proxy = names.proxy();
    let name = server_name(upstream);
    let port = upstream.rsplit(':').next().unwrap_or_default();
    let address = address_of(docker, name, &names.network()).await?;
    let current = backend(docker, &proxy).await?;
    if current.iter().any(|server| server.name == name) {
        // Left from a switch the app did not finish: pointed at the container again (HAProxy
        // says what changed, or that nothing needed to).
        api(
            docker,
            &proxy,
            &format!("set server {BACKEND}/{name} addr {address} port {port}"),
        )
        .await?;
    } else {
        api_quiet(
            docker,
            &proxy,
            &format!("add server {BACKEND}/{name} {address}:{port}"),
            "New server registered.",
        )
        .await?;
    }
    // One line, so that HAProxy applies them together: the old releases stop taking new
    // requests the moment the new one starts (one exec each would leave both taking them).
    let mut switch = vec![format!("set server {BACKEND}/{name} state ready")];
    switch.extend(
        current
            .iter()
            .filter(|server| server.name != name && server.takes_traffic())
            .map(|other| format!("set server {BACKEND}/{} state drain", other.name)),
    );
    api_quiet(docker, &proxy, &switch.join("; "), "").await?;
    docker
        .put_files(&proxy, &[config_file(Some(upstream))])
        .await?;
    Ok(())
}

/// The release the proxy sends new requests to: its container's name (`None` without a proxy).
pub async fn live_upstream(docker: &Docker, names: &Names) -> Result<Option<String>> {
    let proxy = names.proxy();
    match docker.inspect(&proxy).await? {
        Some(state) if state.running => {}
        _ => return Ok(None),
    }
    Ok(backend(docker, &proxy)
        .await?
        .into_iter()
        .rev()
        .find(Server::takes_traffic)
        .map(|server| server.name))
}

/// Waits, up to `limit`, until the proxy holds no request for `upstream` any more; then it is
/// taken out of the backend.
pub async fn drain(
    docker: &Docker,
    names: &Names,
    upstream: &str,
    limit: Duration,
) -> Result<bool> {
    let proxy = names.proxy();
    let name = server_name(upstream);
    let deadline = Instant::now() + limit;
    let drained = loop {
        let busy = backend(docker, &proxy)
            .await?
            .into_iter()
            .find(|server| server.name == name)
            .map_or(0, |server| server.sessions);
        if busy == 0 {
            break true;
        }
        if Instant::now() >= deadline {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Out of the backend: kept stopped, a rollback adds it again.
    api(
        docker,
        &proxy,
        &format!("set server {BACKEND}/{name} state maint"),
    )
    .await?;
    api(docker, &proxy, &format!("del server {BACKEND}/{name}")).await?;
    Ok(drained)
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
    fn the_configuration_serves_the_live_release_or_503() {
        let text = config(Some("qa-1-staging-r7:8080"));
        assert!(
            text.contains("    server qa-1-staging-r7 qa-1-staging-r7:8080\n"),
            "{text}"
        );
        assert!(text.contains("bind :8080"));
        let empty = config(None);
        assert!(!empty.contains("    server "), "{empty}");
        assert!(empty.contains("status 503"));
    }

    #[test]
    fn the_backend_s_servers_are_read_from_show_stat() {
        let stat = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status\n\
            web,FRONTEND,,,3,5,,,,,,,,,,,,OPEN\n\
            app,qa-r7,0,0,2,4,,,,,,,,,,,,DRAIN\n\
            app,qa-r8,0,0,1,1,,,,,,,,,,,,no check\n\
            app,BACKEND,0,0,3,5,,,,,,,,,,,,UP\n";
        let found = servers(stat);
        assert_eq!(
            found,
            [
                Server {
                    name: "qa-r7".into(),
                    status: "DRAIN".into(),
                    sessions: 2
                },
                Server {
                    name: "qa-r8".into(),
                    status: "no check".into(),
                    sessions: 1
                },
            ]
        );
        assert!(!found[0].takes_traffic());
        assert!(found[1].takes_traffic());
        assert!(servers("").is_empty());
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
