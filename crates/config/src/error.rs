//! What can go wrong with a project's quantum.toml.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("quantum.toml cannot be changed: {message}")]
    ConfigInvalid { message: String },
    #[error("That version of quantum.toml is no longer in the history. Refresh the history.")]
    ConfigVersionNotFound { id: i64 },
    #[error(
        "{path} changed on disk since you opened it. Reload it, or save again to overwrite it."
    )]
    ConfigChangedOnDisk { path: String },
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::ConfigInvalid { .. } => "config.invalid",
            Self::ConfigVersionNotFound { .. } => "config.version_not_found",
            Self::ConfigChangedOnDisk { .. } => "config.changed_on_disk",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        matches!(self, Self::Kernel(error) if error.is_fault())
    }
}
