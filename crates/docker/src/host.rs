//! Which Docker Engine to talk to, chosen the way the Docker CLI chooses: `DOCKER_HOST`, else the
//! current Docker context (`DOCKER_CONTEXT`, else `currentContext` in the CLI's `config.json`),
//! else the platform's default socket or pipe. Docker Desktop on macOS, Colima, OrbStack, Rancher
//! Desktop and rootless Docker register a context rather than the default socket, so an app
//! launched from the desktop (without the shell's `DOCKER_HOST`) finds them only this way.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

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
    fn config_dir(&self) -> Option<PathBuf> {
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
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DockerHost => f.write_str("DOCKER_HOST"),
            Self::Context { name, chosen_by } => {
                write!(f, "context {name}, chosen by {}", chosen_by.display())
            }
            Self::PlatformDefault => f.write_str("the platform default"),
        }
    }
}

/// The Docker Engine address to use and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///…`, `npipe:////./pipe/…` or `tcp://host:port`.
    pub host: String,
    pub source: Source,
    /// Whether the endpoint asks for TLS (`DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`, or TLS material
    /// stored with the context).
    pub tls: bool,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Context { name, .. } => write!(f, "Docker from context {name}: {}", self.host),
            Source::DockerHost => write!(f, "Docker from DOCKER_HOST: {}", self.host),
            Source::PlatformDefault => write!(f, "Docker at the default {}", self.host),
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
    #[serde(rename = "Endpoints", default)]
    endpoints: ContextEndpoints,
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
    let tls_from_env = env.tls_verify.is_some() || env.cert_path.is_some();
    if let Some(host) = &env.docker_host {
        return Ok(Endpoint {
            host: host.clone(),
            source: Source::DockerHost,
            tls: tls_from_env,
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
    if name == DEFAULT_CONTEXT {
        return Ok(platform_default());
    }
    let Some(dir) = config_dir else {
        return Err(context_error(&name, "no home folder to find it in"));
    };
    let id = context_id(&name);
    let meta_file = dir
        .join("contexts")
        .join("meta")
        .join(&id)
        .join("meta.json");
    let text = match std::fs::read_to_string(&meta_file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(context_error(
                &name,
                &format!("it does not exist ({} is missing)", meta_file.display()),
            ))
        }
        Err(error) => return Err(context_error(&name, &error.to_string())),
    };
    let meta: ContextMeta = serde_json::from_str(&text)
        .map_err(|error| context_error(&name, &format!("{}: {error}", meta_file.display())))?;
    let host = meta
        .endpoints
        .docker
        .and_then(|docker| docker.host)
        .filter(|host| !host.is_empty())
        .ok_or_else(|| context_error(&name, "it names no Docker endpoint"))?;
    // The CLI keeps a context's certificates here; their presence means the endpoint wants TLS.
    let tls = dir
        .join("contexts")
        .join("tls")
        .join(&id)
        .join("docker")
        .is_dir();
    Ok(Endpoint {
        host,
        source: Source::Context { name, chosen_by },
        tls,
    })
}

fn platform_default() -> Endpoint {
    Endpoint {
        host: PLATFORM_DEFAULT.to_owned(),
        source: Source::PlatformDefault,
        tls: false,
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

/// A client for `endpoint`, not yet connected: bollard connects on the first request.
pub(crate) fn client(endpoint: &Endpoint) -> Result<bollard::Docker> {
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
        // bollard speaks TLS only with its `ssl` feature (rustls and the native certificate
        // store), which this build leaves out: refuse rather than talk in clear text.
        if endpoint.tls {
            return Err(unsupported(
                "TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH or a context with certificates) is not \
                 supported yet; use the local socket, or an SSH tunnel to it",
            ));
        }
        bollard::Docker::connect_with_http(host, TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else {
        return Err(unsupported(
            "only unix://, npipe:// and tcp:// endpoints are supported (not ssh:// or https://)",
        ));
    };
    connected.map_err(|error| unreachable(endpoint, &error))
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
