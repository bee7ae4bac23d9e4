//! What can go wrong with a cluster, said so that the user knows what to do.

use quantum_kernel::Coded;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The kubeconfig cannot be read: {reason}.")]
    Kubeconfig { reason: String },
    #[error("The kubeconfig has no context `{context}` (read from {read_from}). Pick one of `kubectl config get-contexts`.")]
    NoContext { context: String, read_from: String },
    #[error("The cluster of context `{context}` cannot be reached: {reason}. Check that it runs and that `kubectl --context {context} get nodes` works.")]
    Unreachable { context: String, reason: String },
    #[error("The cluster of context `{context}` refused its credentials: {reason}. Check them with `kubectl --context {context} auth whoami`, or log in to the cluster again.")]
    Unauthorized { context: String, reason: String },
    #[error("The cluster refused {what}: {reason}")]
    Refused { what: String, reason: String },
    #[error("The manifests in {folder} cannot be used: {reason}")]
    Manifests { folder: String, reason: String },
    #[error("The rollout of {name} did not finish within {seconds} s: {reason}.{}", lines(.details))]
    RolloutStalled {
        name: String,
        seconds: u32,
        reason: String,
        details: Vec<String>,
    },
}

fn lines(details: &[String]) -> String {
    if details.is_empty() {
        String::new()
    } else {
        format!("\n{}", details.join("\n"))
    }
}

impl Error {
    pub(crate) fn refused(what: impl Into<String>, error: &kube::Error) -> Self {
        let reason = match error {
            kube::Error::Api(status) => status.message.clone(),
            other => other.to_string(),
        };
        Self::Refused {
            what: what.into(),
            reason,
        }
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kubeconfig { .. } => "kubernetes.kubeconfig_invalid",
            Self::NoContext { .. } => "kubernetes.no_context",
            Self::Unreachable { .. } => "kubernetes.unreachable",
            Self::Unauthorized { .. } => "kubernetes.unauthorized",
            Self::Refused { .. } => "kubernetes.refused",
            Self::Manifests { .. } => "kubernetes.manifests_invalid",
            Self::RolloutStalled { .. } => "kubernetes.rollout_stalled",
        }
    }
}
