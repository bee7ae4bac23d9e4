//! What can go wrong keeping metric history.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Docker(#[from] quantum_docker::Error),
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Docker(error) => error.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        None
    }

    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            Self::Docker(error) => error.is_fault(),
        }
    }
}
