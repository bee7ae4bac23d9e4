//! Which Docker Engine an environment's releases run on — the app's own, a Docker context, or an
//! address (`ssh://`, `tcp://` with TLS) — and the connections to them, opened once and kept.

use std::collections::HashMap;
use std::path::PathBuf;

use quantum_docker::host::{self, Environment, Target};
use quantum_docker::ssh::SshOptions;
use quantum_docker::Docker;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{EnvironmentSpec, Result};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DockerTarget {
    /// The Docker Engine the app itself uses.
    #[default]
    Local,
    /// A Docker context by name, as `docker context ls` lists them.
    Context { name: String },
    /// An address: `ssh://user@host[:port]`, `tcp://host:2376` (with `tls`, the folder of
    /// `ca.pem`, `cert.pem` and `key.pem`) or `unix:///path`.
    Host { host: String, tls: Option<String> },
}

impl DockerTarget {
    pub fn is_local(&self) -> bool {
        matches!(self, Self::Local)
    }

    /// How the history and the UI name it.
    pub fn label(&self) -> String {
        match self {
            Self::Local => "the local Docker Engine".to_owned(),
            Self::Context { name } => format!("Docker context {name}"),
            Self::Host { host, .. } => host.clone(),
        }
    }

    /// The machine the engine runs on, when it is another one: where its published ports
    /// answer. A context is read from the process's Docker settings.
    pub fn remote_machine(&self) -> Option<String> {
        let host = match self {
            Self::Local => return None,
            Self::Context { .. } => {
                host::resolve_target(&Environment::from_process(), &self.to_docker())
                    .ok()?
                    .host
            }
            Self::Host { host, .. } => host.clone(),
        };
        machine_of(&host)
    }

    fn to_docker(&self) -> Target {
        match self {
            Self::Local => Target::Current,
            Self::Context { name } => Target::Context(name.clone()),
            Self::Host { host, tls } => Target::Host {
                host: host.clone(),
                tls: tls.as_ref().map(PathBuf::from),
            },
        }
    }
}

/// The host name in an `ssh://` or `tcp://` address; `None` for a local socket or pipe.
fn machine_of(address: &str) -> Option<String> {
    if address.starts_with("ssh://") {
        return quantum_docker::ssh::SshAddress::parse(address)
            .ok()
            .map(|parsed| parsed.host);
    }
    let rest = address
        .strip_prefix("tcp://")
        .or_else(|| address.strip_prefix("http://"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    (!host.is_empty()).then(|| host.to_owned())
}

/// Checks an address a project names, for the configuration's error: `None` when it is usable.
pub fn host_problem(host: &str) -> Option<String> {
    if host.starts_with("ssh://") {
        return quantum_docker::ssh::SshAddress::parse(host)
            .err()
            .map(|error| error.to_string());
    }
    let known = ["tcp://", "unix://", "npipe://"];
    (!known.iter().any(|scheme| host.starts_with(scheme))).then(|| {
        format!(
            "`docker_host` is an address such as \"ssh://deploy@server\" or \"tcp://server:2376\"; `{host}` is not"
        )
    })
}

/// The Docker Engines deploys talk to, each connected once: a deploy should not pay for the
/// version handshake or an SSH login every time.
pub(crate) struct Engines {
    environment: Environment,
    connected: tokio::sync::Mutex<HashMap<String, Docker>>,
}

impl Engines {
    pub(crate) fn new(environment: Environment) -> Self {
        Self {
            environment,
            connected: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The engine `spec` runs on. `trust` is a host key fingerprint the user confirmed.
    pub(crate) async fn get(&self, spec: &EnvironmentSpec, trust: Option<&str>) -> Result<Docker> {
        let key = format!("{:?}|{:?}", spec.target, spec.ssh_identity);
        let mut connected = self.connected.lock().await;
        if let Some(docker) = connected.get(&key) {
            return Ok(docker.clone());
        }
        let endpoint = host::resolve_target(&self.environment, &spec.target.to_docker())?;
        let ssh = SshOptions {
            identity: spec.ssh_identity.as_ref().map(PathBuf::from),
            passphrase: spec.ssh_passphrase.clone(),
            trust_fingerprint: trust.map(str::to_owned),
            home: self.environment.home.clone(),
            known_hosts: None,
        };
        let docker = Docker::connect_to(endpoint, &ssh).await?;
        connected.insert(key, docker.clone());
        Ok(docker)
    }

    /// The CLI's configuration folder (for registry logins).
    pub(crate) fn config_dir(&self) -> Option<PathBuf> {
        self.environment.config_dir()
    }

    /// The app's own engine, for what concerns every local environment at once.
    pub(crate) async fn local(&self) -> Result<Docker> {
        let local = EnvironmentSpec::new("", "", 1, 1);
        self.get(&local, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_of_an_address_is_its_host() {
        let host = |address: &str| {
            DockerTarget::Host {
                host: address.to_owned(),
                tls: None,
            }
            .remote_machine()
        };
        assert_eq!(
            host("ssh://deploy@prod.example:2222").as_deref(),
            Some("prod.example")
        );
        assert_eq!(host("tcp://10.0.0.5:2376").as_deref(), Some("10.0.0.5"));
        assert_eq!(host("tcp://[fd00::5]:2376").as_deref(), Some("fd00::5"));
        assert_eq!(host("unix:///run/docker.sock"), None);
        assert_eq!(DockerTarget::Local.remote_machine(), None);
    }

    #[test]
    fn an_address_the_app_cannot_use_is_said_so() {
        assert!(host_problem("ssh://deploy@prod").is_none());
        assert!(host_problem("tcp://prod:2376").is_none());
        assert!(host_problem("prod:2376").is_some_and(|p| p.contains("ssh://")));
        assert!(host_problem("ssh://deploy@").is_some_and(|p| p.contains("no host")));
    }
}
