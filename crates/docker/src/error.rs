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
    #[error(
        "The SSH address “{address}” is not valid: {reason}. Write it as ssh://user@host[:port]."
    )]
    SshAddress { address: String, reason: String },
    #[error("{address} could not be reached over SSH: {reason}. Check the host, the port and that sshd runs there.")]
    SshConnect { address: String, reason: String },
    #[error("The SSH host {host} is not known yet; its key's fingerprint is {fingerprint}. Trust it only if the server's administrator confirms that fingerprint.")]
    SshHostUnknown { host: String, fingerprint: String },
    #[error("The SSH host key of {host} is not the one recorded in {file}: the server was reinstalled, or someone is in between. If it was reinstalled, remove that line and connect again.")]
    SshHostChanged { host: String, file: String },
    #[error("{address} refused every SSH key ({tried}). Add your public key to the server's authorized_keys, or load it into your SSH agent.")]
    SshAuth { address: String, tried: String },
    #[error("The SSH key {path} is encrypted: enter its passphrase.")]
    SshKeyPassphrase { path: String },
    #[error("The SSH key {path} cannot be used: {reason}.")]
    SshKey { path: String, reason: String },
    #[error("The TLS certificates for {endpoint} cannot be used: {reason}. The folder must hold ca.pem, cert.pem and key.pem, as `docker --tlsverify` expects.")]
    DockerTls { endpoint: String, reason: String },
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
            Self::SshAddress { .. } => "docker.ssh_address_invalid",
            Self::SshConnect { .. } => "docker.ssh_unreachable",
            Self::SshHostUnknown { .. } => "docker.ssh_host_unknown",
            Self::SshHostChanged { .. } => "docker.ssh_host_changed",
            Self::SshAuth { .. } => "docker.ssh_auth_failed",
            Self::SshKeyPassphrase { .. } => "docker.ssh_key_passphrase",
            Self::SshKey { .. } => "docker.ssh_key_invalid",
            Self::DockerTls { .. } => "docker.tls_invalid",
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
