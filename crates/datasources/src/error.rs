//! What can go wrong with a datasource, including what its parts (the store, the keychain, Docker,
//! quantum.toml) report.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Secrets(#[from] quantum_secrets::Error),
    #[error(transparent)]
    Docker(#[from] quantum_docker::Error),
    #[error(transparent)]
    Config(#[from] quantum_config::Error),
    #[error("This datasource no longer exists. It may have been removed in another window.")]
    DatasourceNotFound { id: i64 },
    #[error("“{name}” could not start: {reason}.{}", last_log_text(last_log))]
    DatasourceFailed {
        name: String,
        reason: String,
        last_log: Vec<String>,
    },
    /// Checked before a start: Docker would refuse the port, and the user should learn who holds
    /// it and where to go instead.
    #[error("“{name}” cannot start on port {port}: {holder} holds it.{}", next_free.map(|p| format!(" Port {p} is free: move the datasource there, or end that program.")).unwrap_or_default())]
    PortHeld {
        name: String,
        port: u16,
        holder: String,
        next_free: Option<u16>,
    },
}

domain_error!(Error);

fn last_log_text(lines: &[String]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!(" Last log lines:\n{}", lines.join("\n"))
    }
}

impl Error {
    /// What Docker refused, in its own words.
    pub(crate) fn docker(message: impl Into<String>) -> Self {
        Self::Docker(quantum_docker::Error::Docker(message.into()))
    }

    fn part(&self) -> Option<&dyn Coded> {
        match self {
            Self::Kernel(error) => Some(error),
            Self::Secrets(error) => Some(error),
            Self::Docker(error) => Some(error),
            Self::Config(error) => Some(error),
            Self::DatasourceNotFound { .. }
            | Self::DatasourceFailed { .. }
            | Self::PortHeld { .. } => None,
        }
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::DatasourceNotFound { .. } => "datasource.not_found",
            Self::DatasourceFailed { .. } => "datasource.failed",
            Self::PortHeld { .. } => "datasource.port_taken",
            _ => self.part().map_or("datasource.failed", Coded::code),
        }
    }

    fn field(&self) -> Option<&'static str> {
        if let Self::PortHeld { .. } = self {
            return Some("port");
        }
        self.part().and_then(Coded::field)
    }

    fn is_fault(&self) -> bool {
        self.part().is_some_and(Coded::is_fault)
    }
}
