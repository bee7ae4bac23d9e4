//! What the Docker Engine can refuse, in words that say what to do.

use quantum_kernel::{Coded, ErrorInfo};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Docker is not running or cannot be reached ({0}). Start Docker and retry.")]
    DockerUnavailable(String),
    #[error("Docker is not running or cannot be reached at {endpoint} (from {origin}): {reason}. Start Docker and retry.")]
    DockerUnreachable {
        endpoint: String,
        origin: String,
        reason: String,
    },
    #[error("The Docker context “{context}” cannot be used: {reason}. Choose another with `docker context use`.")]
    DockerContext { context: String, reason: String },
    #[error("The Docker CLI settings {path} cannot be read: {reason}. Fix or remove the file.")]
    DockerConfig { path: String, reason: String },
    #[error("{endpoint} cannot be used: {reason}.")]
    DockerHostUnsupported { endpoint: String, reason: String },
    #[error("Docker refused: {0}")]
    Docker(String),
    #[error("The image {image} could not be pulled: {reason}. Check the name and tag, and your network.")]
    ImagePull { image: String, reason: String },
    #[error("The file {path} could not be put into the container: {reason}")]
    ContainerFile { path: String, reason: String },
    #[error("A container named “{name}” already exists. Choose another name.")]
    ContainerNameTaken { name: String },
    #[error("Port {port} is already in use{}. Choose another port or leave it empty for the next free one.", holder.as_ref().map(|h| format!(" by {h}")).unwrap_or_default())]
    PortTaken { port: u16, holder: Option<String> },
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::DockerUnavailable(_) | Self::DockerUnreachable { .. } => "docker.unavailable",
            Self::DockerContext { .. } | Self::DockerConfig { .. } => "docker.context_invalid",
            Self::DockerHostUnsupported { .. } => "docker.host_unsupported",
            Self::Docker(_) | Self::ContainerFile { .. } => "docker.failed",
            Self::ImagePull { .. } => "docker.image_pull_failed",
            Self::ContainerNameTaken { .. } => "datasource.name_taken",
            Self::PortTaken { .. } => "datasource.port_taken",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::ContainerNameTaken { .. } => Some("name"),
            Self::PortTaken { .. } => Some("port"),
            _ => None,
        }
    }
}

impl From<Error> for ErrorInfo {
    fn from(error: Error) -> Self {
        Self::of(&error)
    }
}
