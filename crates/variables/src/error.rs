//! What can go wrong with variables and secrets, including what the store, the secret store and
//! quantum.toml report.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Secrets(#[from] quantum_secrets::Error),
    #[error(transparent)]
    Config(#[from] quantum_config::Error),
    #[error(
        "The secret {name} of “{environment}” is not stored on this machine. Set its value first."
    )]
    SecretNotFound { environment: String, name: String },
}

domain_error!(Error);

impl Error {
    fn part(&self) -> Option<&dyn Coded> {
        match self {
            Self::Kernel(error) => Some(error),
            Self::Secrets(error) => Some(error),
            Self::Config(error) => Some(error),
            Self::SecretNotFound { .. } => None,
        }
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        self.part().map_or("secrets.not_found", Coded::code)
    }

    fn field(&self) -> Option<&'static str> {
        self.part().and_then(Coded::field)
    }

    fn is_fault(&self) -> bool {
        self.part().is_some_and(Coded::is_fault)
    }
}
