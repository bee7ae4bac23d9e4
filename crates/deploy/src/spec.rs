//! What an environment is deployed with: the `[deploy.<environment>]` table of `quantum.toml`,
//! read by the config crate, with the project's variables of that environment resolved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::DockerTarget;

/// The proxy image a Docker environment's traffic goes through unless the table names another:
/// HAProxy changes its servers through its runtime API without a reload, and its Alpine image has
/// the BusyBox `wget` and `nc` the health checks and that API are used with.
pub const DEFAULT_PROXY_IMAGE: &str = "haproxy:2.8-alpine";
pub const DEFAULT_KEEP: u32 = 3;
pub const DEFAULT_HEALTH_TIMEOUT_SECS: u32 = 60;
pub const DEFAULT_DRAIN_SECS: u32 = 30;

/// How a new release shows that it can take traffic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum HealthCheck {
    /// An HTTP GET of `path` answers `status` (any 2xx or 3xx when not given).
    Http { path: String, status: Option<u16> },
    /// The port accepts a connection.
    Tcp,
    /// The image's own HEALTHCHECK reports healthy.
    Image,
}

impl Default for HealthCheck {
    fn default() -> Self {
        Self::Http {
            path: "/".to_owned(),
            status: None,
        }
    }
}

/// A Kubernetes environment: its releases are applied to a cluster, not run on a Docker Engine
/// (the image is built by the app's own engine, and pushed with `push`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesTarget {
    /// The kubeconfig context: named, never the current one by chance.
    pub context: String,
    /// The context's namespace when `None`.
    pub namespace: Option<String>,
    /// The project's manifests folder, relative to it; `None`: a Deployment and a Service are
    /// generated from the environment's settings.
    pub manifests: Option<String>,
    pub service_type: String,
    pub replicas: u32,
}

impl KubernetesTarget {
    /// How the history and the UI name it.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(namespace) => {
                format!("Kubernetes context {}, namespace {namespace}", self.context)
            }
            None => format!("Kubernetes context {}", self.context),
        }
    }

    /// Where its releases run: a release applied to another context or namespace is not
    /// there to roll back to.
    pub fn place(&self) -> (&str, Option<&str>) {
        (&self.context, self.namespace.as_deref())
    }
}

/// One environment's deploy settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentSpec {
    /// The environment's name (`staging`), as in `[deploy.staging]`.
    pub name: String,
    /// The image repository builds are tagged in (`shop`, `registry.example.com/shop`).
    pub image: String,
    /// The Dockerfile, relative to the context.
    pub dockerfile: String,
    /// The build context, relative to the project's folder.
    pub context: String,
    /// The port the app listens on inside its container.
    pub port: u16,
    /// The host port the environment's proxy publishes.
    pub publish: u16,
    /// The host address the port is published on: 127.0.0.1 unless the table says otherwise.
    pub bind: String,
    pub health: HealthCheck,
    /// Seconds a new release has to become healthy.
    pub health_timeout_secs: u32,
    /// Seconds the replaced release has to finish the requests it holds before it is stopped.
    pub drain_secs: u32,
    /// Releases kept (images and stopped containers) for an instant rollback, the live one
    /// included.
    pub keep: u32,
    pub proxy_image: String,
    /// Run by the shell in the project's folder before the build; a failure stops the deploy.
    #[serde(default)]
    pub pre_deploy: Option<String>,
    /// Run the same way once the release is live; a failure is told in the log.
    #[serde(default)]
    pub post_deploy: Option<String>,
    /// Build on this machine and push to the image's registry, from which the environment's
    /// engine pulls (otherwise the environment's engine builds).
    #[serde(default)]
    pub push: bool,
    /// The Docker Engine the releases run on (releases recorded before targets existed: local).
    #[serde(default)]
    pub target: DockerTarget,
    /// A Kubernetes cluster instead of a Docker Engine: `target` then only builds.
    #[serde(default)]
    pub kubernetes: Option<KubernetesTarget>,
    /// An SSH key file for an `ssh://` target (the agent's keys and `~/.ssh/id_*` otherwise).
    #[serde(default)]
    pub ssh_identity: Option<String>,
    /// That key's passphrase, from the keychain: never stored.
    #[serde(skip)]
    pub ssh_passphrase: Option<String>,
    /// The login the app keeps for the image's registry (`push`), from the keychain: never
    /// stored here. Without it, the Docker CLI's.
    #[serde(skip)]
    pub registry_login: Option<crate::RegistryLogin>,
    /// Environment variables of the release's container, secrets resolved: never stored.
    #[serde(skip)]
    pub variables: Vec<(String, String)>,
    /// A keyed fingerprint of each variable's value (the variables crate's), stored so that the
    /// diff of two releases says which values changed without holding any.
    #[serde(skip)]
    pub fingerprints: BTreeMap<String, String>,
    /// Datasources run on the environment's engine beside its releases (`datasources`), their
    /// passwords resolved: never stored.
    #[serde(skip)]
    pub datasources: Vec<EnvironmentDatasource>,
}

/// A datasource of the environment: a server in a container on the environment's network,
/// which the releases reach by its name, with its data in a volume no deploy removes. The
/// caller sets it up (this crate knows no engine).
#[derive(Clone, PartialEq, Eq)]
pub struct EnvironmentDatasource {
    /// The project's name for it (`main`): its host name on the environment's network.
    pub name: String,
    /// The engine, as the log names it (`PostgreSQL`).
    pub engine: String,
    pub image: String,
    /// The container's environment, the password among it.
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    /// Put in the container before it starts (Redis's settings with its password).
    pub files: Vec<quantum_docker::ContainerFile>,
    /// Where the server keeps its data in the container: the volume goes there.
    pub data_path: String,
    /// The port it serves on in the container, which the releases connect to.
    pub port: u16,
    /// Run in the container; exits 0 once the server takes clients.
    pub ready: Vec<String>,
    /// A keyed fingerprint of the password, kept on the data volume: data set up with another
    /// password is refused rather than served to a release that cannot log in.
    pub password_fingerprint: String,
}

// The environment holds the password: never printed.
impl std::fmt::Debug for EnvironmentDatasource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvironmentDatasource")
            .field("name", &self.name)
            .field("engine", &self.engine)
            .field("image", &self.image)
            .finish_non_exhaustive()
    }
}

impl EnvironmentSpec {
    /// An environment with the defaults for everything the table left out.
    pub fn new(name: &str, image: &str, port: u16, publish: u16) -> Self {
        Self {
            name: name.to_owned(),
            image: image.to_owned(),
            dockerfile: "Dockerfile".to_owned(),
            context: ".".to_owned(),
            port,
            publish,
            bind: "127.0.0.1".to_owned(),
            health: HealthCheck::default(),
            health_timeout_secs: DEFAULT_HEALTH_TIMEOUT_SECS,
            drain_secs: DEFAULT_DRAIN_SECS,
            keep: DEFAULT_KEEP,
            proxy_image: DEFAULT_PROXY_IMAGE.to_owned(),
            pre_deploy: None,
            post_deploy: None,
            push: false,
            target: DockerTarget::Local,
            kubernetes: None,
            ssh_identity: None,
            ssh_passphrase: None,
            registry_login: None,
            variables: Vec::new(),
            fingerprints: BTreeMap::new(),
            datasources: Vec::new(),
        }
    }
}
