//! What can go wrong with a deploy, said so that the user knows what to do.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Docker(#[from] quantum_docker::Error),
    #[error(transparent)]
    Kubernetes(#[from] quantum_kubernetes::Error),
    #[error("The build context cannot be sent: {reason}.")]
    Context { reason: String },
    #[error("The image did not build: {reason}. The release before keeps serving.")]
    Build { reason: String },
    #[error("The new release did not become healthy: {reason}. It took no traffic and was stopped; the release before keeps serving.{}", last_log_text(.last_log))]
    Unhealthy {
        reason: String,
        last_log: Vec<String>,
    },
    #[error("The proxy could not switch to the new release: {reason}. The release before keeps serving.")]
    Proxy { reason: String },
    #[error("Port {port}, which [deploy.{environment}] publishes, is in use by another program or container. Free it, or set another `publish` in quantum.toml.")]
    PortTaken { port: u16, environment: String },
    #[error("A deploy or rollback of {environment} is under way. Wait for it to end.")]
    Busy { environment: String },
    #[error("There is no release {0}. Refresh the history.")]
    NotFound(i64),
    #[error("Release {id} ({version}) is not kept any more: only the last kept releases can be rolled back to.")]
    NotKept { id: i64, version: String },
    #[error("Release {id} ({version}) is the one serving already.")]
    AlreadyLive { id: i64, version: String },
    #[error("The {hook} hook failed: {reason}. Nothing was released; its output is in the deploy's log.")]
    Hook { hook: String, reason: String },
    #[error("The registry {registry} refused: {reason}. Log in with the environment's Registry login on the Deploy page or `docker login {registry}`, or check the image name.")]
    Registry { registry: String, reason: String },
    #[error("{reason} Nothing was released: the release before keeps serving.")]
    Data { reason: String },
    #[error("Datasource {name} of the environment is not ready: {reason}. Nothing was released: the release before keeps serving.{}", last_log_text(.last_log))]
    Datasource {
        name: String,
        reason: String,
        last_log: Vec<String>,
    },
    #[error("Datasource {name}'s data (volume {volume}) was set up with another password than the one the keychain holds for it now: the entry was lost or changed. Put that password back in the keychain, or remove the datasource with its data (Deploy → Datasources → Remove…) to start it anew. Nothing was released.")]
    DatasourcePassword { name: String, volume: String },
    #[error("Release {version} ran on {was}, and the environment now deploys to {now}: its image is not there. Deploy again instead.")]
    TargetChanged {
        version: String,
        was: String,
        now: String,
    },
}

fn last_log_text(lines: &[String]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!(" Its last log lines:\n{}", lines.join("\n"))
    }
}

impl Coded for Error {
    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            Self::Docker(error) => error.is_fault(),
            Self::Proxy { .. } => true,
            _ => false,
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            _ => None,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Docker(error) => error.code(),
            Self::Kubernetes(error) => error.code(),
            Self::Context { .. } => "deploy.context_invalid",
            Self::Build { .. } => "deploy.build_failed",
            Self::Unhealthy { .. } => "deploy.unhealthy",
            Self::Proxy { .. } => "deploy.proxy_failed",
            Self::PortTaken { .. } => "deploy.port_taken",
            Self::Busy { .. } => "deploy.busy",
            Self::NotFound(_) => "deploy.not_found",
            Self::NotKept { .. } => "deploy.not_kept",
            Self::AlreadyLive { .. } => "deploy.already_live",
            Self::TargetChanged { .. } => "deploy.target_changed",
            Self::Registry { .. } => "deploy.registry_failed",
            Self::Hook { .. } => "deploy.hook_failed",
            Self::Data { .. } => "deploy.data_failed",
            Self::Datasource { .. } => "deploy.datasource_failed",
            Self::DatasourcePassword { .. } => "deploy.datasource_password",
        }
    }
}

domain_error!(Error);
