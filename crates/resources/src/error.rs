//! What can go wrong in the resource manager.

use quantum_kernel::Coded;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Docker(#[from] quantum_docker::Error),
    #[error("The machine's sockets could not be read: {0}")]
    Sockets(String),
    #[error("That is Quantum Admin itself; quit it from the tray or the menu instead.")]
    OwnProcess,
    #[error("Process {pid} has already ended (or its number now belongs to another process). Refresh the list.")]
    ProcessGone { pid: u32 },
    #[error("You may not end {name} (pid {pid}): it belongs to another user. End it as that user or as an administrator.")]
    NotPermitted { pid: u32, name: String },
    #[error("The volume “{name}” holds {owner}. Remove it from its datasource or snapshot, where its data is named.")]
    VolumeOwned { name: String, owner: String },
    #[error("The container “{name}” belongs to {owner}. Remove the datasource instead; its data volume stays unless you ask.")]
    ContainerOwned { name: String, owner: String },
    #[error("“{name}” is used by {users}. Remove those first.")]
    InUse { name: String, users: String },
    #[error("“{name}” is one of Docker's own networks and cannot be removed.")]
    Builtin { name: String },
}

impl From<Error> for quantum_kernel::ErrorInfo {
    fn from(error: Error) -> Self {
        Self::of(&error)
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Docker(error) => error.code(),
            Self::Sockets(_) => "resources.sockets_unreadable",
            Self::OwnProcess => "resources.own_process",
            Self::ProcessGone { .. } => "resources.process_gone",
            Self::NotPermitted { .. } => "resources.not_permitted",
            Self::VolumeOwned { .. } => "resources.volume_owned",
            Self::ContainerOwned { .. } => "resources.container_owned",
            Self::InUse { .. } => "resources.in_use",
            Self::Builtin { .. } => "resources.builtin",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Docker(error) => error.field(),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        match self {
            Self::Docker(error) => error.is_fault(),
            Self::Sockets(_) => true,
            _ => false,
        }
    }
}
