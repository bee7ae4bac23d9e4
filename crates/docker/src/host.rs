//! Which Docker Engine to talk to, chosen the way the Docker CLI chooses: `DOCKER_HOST`, else the
//! current Docker context (`DOCKER_CONTEXT`, else `currentContext` in the CLI's `config.json`),
//! else the platform's default socket or pipe. Docker Desktop on macOS, Colima, OrbStack, Rancher
//! Desktop and rootless Docker register a context rather than the default socket, so an app
//! launched from the desktop (without the shell's `DOCKER_HOST`) finds them only this way.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::ssh::{SshAddress, SshOptions, SshTransport};
use crate::{Error, Result};

/// The endpoint when neither `DOCKER_HOST` nor a context names one, as the CLI has it.
#[cfg(windows)]
pub const PLATFORM_DEFAULT: &str = "npipe:////./pipe/docker_engine";
#[cfg(not(windows))]
pub const PLATFORM_DEFAULT: &str = "unix:///var/run/docker.sock";

/// The context the CLI means when none is chosen: the platform default, never stored on disk.
const DEFAULT_CONTEXT: &str = "default";

/// What the resolution reads from the process environment, gathered once so that it can be
/// given explicitly (tests, or a UI that shows what would be used).
#[derive(Clone, Debug, Default)]
pub struct Environment {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    /// `DOCKER_CONFIG`: the CLI's configuration folder, `~/.docker` when unset.
    pub docker_config: Option<PathBuf>,
    pub home: Option<PathBuf>,
    pub tls_verify: Option<String>,
    pub cert_path: Option<String>,
}

impl Environment {
    pub fn from_process() -> Self {
        // Empty values count as unset, as they do for the CLI.
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            docker_config: var("DOCKER_CONFIG").map(PathBuf::from),
            home: home_dir(),
            tls_verify: var("DOCKER_TLS_VERIFY"),
            cert_path: var("DOCKER_CERT_PATH"),
        }
    }

    /// The CLI's configuration folder.
    pub fn config_dir(&self) -> Option<PathBuf> {
        self.docker_config
            .clone()
            .or_else(|| self.home.as_ref().map(|home| home.join(".docker")))
    }
}

/// The user's home folder, where the CLI looks for `.docker` (std's `home_dir` is deprecated on
/// the toolchain this builds with).
fn home_dir() -> Option<PathBuf> {
    let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Where the endpoint came from, for messages and logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    DockerHost,
    /// A Docker context, chosen by `DOCKER_CONTEXT` or by the CLI's `config.json`.
    Context {
        name: String,
        chosen_by: PathBuf,
    },
    PlatformDefault,
    /// Named by a project's deploy environment (`docker_host`).
    Project,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DockerHost => f.write_str("DOCKER_HOST"),
            Self::Context { name, chosen_by } => {
                write!(f, "context {name}, chosen by {}", chosen_by.display())
            }
            Self::PlatformDefault => f.write_str("the platform default"),
            Self::Project => f.write_str("the project's quantum.toml"),
        }
    }
}

/// The Docker Engine address to use and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///…`, `npipe:////./pipe/…`, `tcp://host:port` or `ssh://user@host`.
    pub host: String,
    pub source: Source,
    /// The folder of the TLS client certificates (`ca.pem`, `cert.pem`, `key.pem`) when the
    /// endpoint asks for TLS: `DOCKER_CERT_PATH` (or `~/.docker`) with `DOCKER_TLS_VERIFY`, the
    /// context's stored certificates, or the folder a project names.
    pub tls: Option<PathBuf>,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Context { name, .. } => write!(f, "Docker from context {name}: {}", self.host),
            Source::DockerHost => write!(f, "Docker from DOCKER_HOST: {}", self.host),
            Source::PlatformDefault => write!(f, "Docker at the default {}", self.host),
            Source::Project => write!(f, "Docker at {}", self.host),
        }
    }
}

/// The part of the CLI's `config.json` that names the current context.
#[derive(Deserialize)]
struct CliConfig {
    #[serde(rename = "currentContext", default)]
    current_context: Option<String>,
}

/// The part of a context's `meta.json` that names its Docker endpoint.
#[derive(Deserialize)]
struct ContextMeta {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Metadata", default)]
    metadata: ContextMetadata,
    #[serde(rename = "Endpoints", default)]
    endpoints: ContextEndpoints,
}

#[derive(Deserialize, Default)]
struct ContextMetadata {
    #[serde(rename = "Description", default)]
    description: Option<String>,
}

#[derive(Deserialize, Default)]
struct ContextEndpoints {
    docker: Option<DockerEndpoint>,
}

#[derive(Deserialize)]
struct DockerEndpoint {
    #[serde(rename = "Host")]
    host: Option<String>,
}

/// Chooses the endpoint from `env` and the CLI's files under its configuration folder.
pub fn resolve(env: &Environment) -> Result<Endpoint> {
    if let Some(host) = &env.docker_host {
        // The CLI's DOCKER_TLS_VERIFY: certificates from DOCKER_CERT_PATH, else `~/.docker`.
        let tls = env
            .tls_verify
            .is_some()
            .then(|| {
                env.cert_path
                    .clone()
                    .map(PathBuf::from)
                    .or_else(|| env.config_dir())
            })
            .flatten();
        return Ok(Endpoint {
            host: host.clone(),
            source: Source::DockerHost,
            tls,
        });
    }
    let config_dir = env.config_dir();
    let (name, chosen_by) = match (&env.docker_context, &config_dir) {
        (Some(name), _) => (name.clone(), PathBuf::from("DOCKER_CONTEXT")),
        (None, Some(dir)) => {
            let file = dir.join("config.json");
            match current_context(&file)? {
                Some(name) => (name, file),
                None => return Ok(platform_default()),
            }
        }
        (None, None) => return Ok(platform_default()),
    };
    named_context(env, &name, chosen_by)
}

/// The Docker Engine a project's environment names, resolved the CLI's way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Whatever the app itself uses ([`resolve`]).
    Current,
    /// A Docker context by name (`docker context ls`).
    Context(String),
    /// An address (`ssh://…`, `tcp://…`, `unix://…`), with the folder of its TLS certificates.
    Host { host: String, tls: Option<PathBuf> },
}

pub fn resolve_target(env: &Environment, target: &Target) -> Result<Endpoint> {
    match target {
        Target::Current => resolve(env),
        Target::Context(name) => named_context(env, name, PathBuf::from("quantum.toml")),
        Target::Host { host, tls } => Ok(Endpoint {
            host: host.clone(),
            source: Source::Project,
            tls: tls.clone(),
        }),
    }
}

fn named_context(env: &Environment, name: &str, chosen_by: PathBuf) -> Result<Endpoint> {
    if name == DEFAULT_CONTEXT {
        return Ok(platform_default());
    }
    let Some(dir) = env.config_dir() else {
        return Err(context_error(name, "no home folder to find it in"));
    };
    let id = context_id(name);
    let meta_file = dir
        .join("contexts")
        .join("meta")
        .join(&id)
        .join("meta.json");
    let text = match std::fs::read_to_string(&meta_file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(context_error(
                name,
                &format!("it does not exist ({} is missing)", meta_file.display()),
            ))
        }
        Err(error) => return Err(context_error(name, &error.to_string())),
    };
    let meta: ContextMeta = serde_json::from_str(&text)
        .map_err(|error| context_error(name, &format!("{}: {error}", meta_file.display())))?;
    let host = meta
        .endpoints
        .docker
        .and_then(|docker| docker.host)
        .filter(|host| !host.is_empty())
        .ok_or_else(|| context_error(name, "it names no Docker endpoint"))?;
    Ok(Endpoint {
        host,
        source: Source::Context {
            name: name.to_owned(),
            chosen_by,
        },
        tls: context_tls(&dir, &id),
    })
}

/// The CLI keeps a context's certificates here; their presence means the endpoint wants TLS.
fn context_tls(dir: &Path, id: &str) -> Option<PathBuf> {
    let folder = dir.join("contexts").join("tls").join(id).join("docker");
    folder.is_dir().then_some(folder)
}

/// A Docker context as `docker context ls` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DockerContext {
    pub name: String,
    pub description: String,
    pub host: String,
    /// The one the CLI (and the app) uses when nothing else is named.
    pub current: bool,
    pub tls: bool,
}

/// The user's Docker contexts, `default` first; unreadable ones are left out, as the CLI does.
pub fn contexts(env: &Environment) -> Result<Vec<DockerContext>> {
    let current = match (&env.docker_context, env.config_dir()) {
        (Some(name), _) => name.clone(),
        (None, Some(dir)) => {
            current_context(&dir.join("config.json"))?.unwrap_or_else(|| DEFAULT_CONTEXT.into())
        }
        (None, None) => DEFAULT_CONTEXT.to_owned(),
    };
    let mut found = vec![DockerContext {
        name: DEFAULT_CONTEXT.to_owned(),
        description: "The platform's default Docker Engine".to_owned(),
        host: env
            .docker_host
            .clone()
            .unwrap_or_else(|| PLATFORM_DEFAULT.to_owned()),
        current: current == DEFAULT_CONTEXT,
        tls: false,
    }];
    let Some(dir) = env.config_dir() else {
        return Ok(found);
    };
    let Ok(entries) = std::fs::read_dir(dir.join("contexts").join("meta")) else {
        return Ok(found);
    };
    let mut named: Vec<DockerContext> = entries
        .filter_map(std::result::Result::ok)
        .filter_map(|entry| {
            let text = std::fs::read_to_string(entry.path().join("meta.json")).ok()?;
            let meta: ContextMeta = serde_json::from_str(&text).ok()?;
            let host = meta.endpoints.docker.and_then(|docker| docker.host)?;
            let id = entry.file_name().to_string_lossy().into_owned();
            Some(DockerContext {
                current: meta.name == current,
                tls: context_tls(&dir, &id).is_some(),
                description: meta.metadata.description.unwrap_or_default(),
                name: meta.name,
                host,
            })
        })
        .collect();
    named.sort_by(|a, b| a.name.cmp(&b.name));
    found.extend(named);
    Ok(found)
}

fn platform_default() -> Endpoint {
    Endpoint {
        host: PLATFORM_DEFAULT.to_owned(),
        source: Source::PlatformDefault,
        tls: None,
    }
}

/// `currentContext` from the CLI's `config.json`; a missing file or key means the default.
fn current_context(file: &Path) -> Result<Option<String>> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(config_error(file, &error.to_string())),
    };
    let config: CliConfig =
        serde_json::from_str(&text).map_err(|error| config_error(file, &error.to_string()))?;
    Ok(config.current_context.filter(|name| !name.is_empty()))
}

/// The CLI stores a context under the SHA-256 of its name, in hex.
fn context_id(name: &str) -> String {
    quantum_kernel::hex(ring::digest::digest(&ring::digest::SHA256, name.as_bytes()).as_ref())
}

fn context_error(name: &str, reason: &str) -> Error {
    Error::DockerContext {
        context: name.to_owned(),
        reason: reason.to_owned(),
    }
}

fn config_error(file: &Path, reason: &str) -> Error {
    Error::DockerConfig {
        path: file.display().to_string(),
        reason: reason.to_owned(),
    }
}

/// A client for `endpoint`. Local sockets and TCP connect on the first request; SSH logs in
/// now, so that a refused key or host is said at once.
pub(crate) async fn client(endpoint: &Endpoint, ssh: &SshOptions) -> Result<bollard::Docker> {
    use bollard::API_DEFAULT_VERSION;
    let host = endpoint.host.as_str();
    let unsupported = |reason: &str| Error::DockerHostUnsupported {
        endpoint: endpoint.to_string(),
        reason: reason.to_owned(),
    };
    let connected = if host.starts_with("unix://") {
        #[cfg(unix)]
        {
            bollard::Docker::connect_with_unix(host, TIMEOUT_SECS, API_DEFAULT_VERSION)
        }
        #[cfg(not(unix))]
        return Err(unsupported("Unix sockets exist only on macOS and Linux"));
    } else if host.starts_with("npipe://") {
        #[cfg(windows)]
        {
            bollard::Docker::connect_with_named_pipe(host, TIMEOUT_SECS, API_DEFAULT_VERSION)
        }
        #[cfg(not(windows))]
        return Err(unsupported("named pipes exist only on Windows"));
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        match &endpoint.tls {
            Some(folder) => tls_client(endpoint, folder)?,
            None => bollard::Docker::connect_with_http(host, TIMEOUT_SECS, API_DEFAULT_VERSION),
        }
    } else if host.starts_with("ssh://") {
        let address = SshAddress::parse(host)?;
        let transport = SshTransport::connect(address, ssh.clone()).await?;
        bollard::Docker::connect_with_custom_transport(
            move |request| {
                let transport = transport.clone();
                Box::pin(async move { transport.request(request).await })
                    as std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>>
            },
            Some("http://docker"),
            TIMEOUT_SECS,
            API_DEFAULT_VERSION,
        )
    } else {
        return Err(unsupported(
            "only unix://, npipe://, tcp:// and ssh:// endpoints are supported",
        ));
    };
    connected.map_err(|error| unreachable(endpoint, &error))
}

/// TLS with client certificates, the server checked against the folder's CA (`--tlsverify`).
fn tls_client(
    endpoint: &Endpoint,
    folder: &Path,
) -> Result<std::result::Result<bollard::Docker, bollard::errors::Error>> {
    let [ca, cert, key] = ["ca.pem", "cert.pem", "key.pem"].map(|name| folder.join(name));
    if let Some(missing) = [&ca, &cert, &key].into_iter().find(|file| !file.is_file()) {
        return Err(Error::DockerTls {
            endpoint: endpoint.host.clone(),
            reason: format!("{} is missing", missing.display()),
        });
    }
    // bollard's rustls needs a process-wide provider when more than one is compiled in.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let host = endpoint.host.replacen("http://", "tcp://", 1);
    Ok(bollard::Docker::connect_with_ssl(
        &host,
        &key,
        &cert,
        &ca,
        TIMEOUT_SECS,
        bollard::API_DEFAULT_VERSION,
    ))
}

/// A daemon that does not answer at `endpoint`, named with where the endpoint came from.
pub(crate) fn unreachable(endpoint: &Endpoint, error: &bollard::errors::Error) -> Error {
    Error::DockerUnreachable {
        endpoint: endpoint.host.clone(),
        origin: endpoint.source.to_string(),
        reason: error.to_string(),
    }
}

/// bollard's own default: long enough for an image pull's slow first byte.
const TIMEOUT_SECS: u64 = 120;

#[cfg(test)]
#[path = "host_tests.rs"]
mod tests;
