//! What can go wrong keeping connections, including what their parts report.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Secrets(#[from] quantum_secrets::Error),
    #[error(transparent)]
    Schema(#[from] quantum_schema::Error),
    #[error(transparent)]
    Keyspace(#[from] quantum_keyspace::Error),
    #[error(transparent)]
    Collections(#[from] quantum_collections::Error),
    #[error("There is no connection with id {0}. It may have been removed.")]
    NotFound(i64),
    #[error("This project already has a connection named “{0}”. Choose another name.")]
    NameTaken(String),
}

domain_error!(Error);

impl Error {
    fn part(&self) -> Option<&dyn Coded> {
        match self {
            Self::Kernel(error) => Some(error),
            Self::Secrets(error) => Some(error),
            Self::Schema(error) => Some(error),
            Self::Keyspace(error) => Some(error),
            Self::Collections(error) => Some(error),
            _ => None,
        }
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "connection.not_found",
            Self::NameTaken(_) => "connection.name_taken",
            _ => self.part().map_or("connection.failed", Coded::code),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::NameTaken(_) => Some("name"),
            _ => self.part().and_then(Coded::field),
        }
    }

    fn is_fault(&self) -> bool {
        self.part().is_some_and(Coded::is_fault)
    }
}
