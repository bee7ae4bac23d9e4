//! What can go wrong running SQL, said so that the user knows what to do.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Schema(#[from] quantum_schema::Error),
    #[error("The SQL could not be read: {0}")]
    Parse(String),
    #[error("This connection is read-only, and the script would change data or structure ({0}). Turn read-only off to run it.")]
    ReadOnly(String),
    #[error("This script destroys data: {}. Confirm to run it.", .0.join("; "))]
    NeedsConfirmation(Vec<String>),
    #[error("{0}")]
    InvalidName(String),
    #[error("The saved queries could not be read or changed: {0}")]
    Saved(String),
    #[error("There is no query run {0}: it finished and was closed.")]
    NoRun(i64),
    #[error("The result could not be written: {0}. Check that the folder exists and can be written, and that the disk has room.")]
    Export(String),
    #[error("The results could not be kept on disk: {0}")]
    Spool(#[from] std::io::Error),
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Schema(error) => error.code(),
            Self::Parse(_) => "console.parse_failed",
            Self::ReadOnly(_) => "console.read_only",
            Self::NeedsConfirmation(_) => "console.confirm_destructive",
            Self::NoRun(_) => "console.no_run",
            Self::Spool(_) => "console.spool_failed",
            Self::Export(_) => "console.export_failed",
            Self::InvalidName(_) => "console.invalid_query_name",
            Self::Saved(_) => "console.saved_failed",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::Parse(_) | Self::ReadOnly(_) | Self::NeedsConfirmation(_) => Some("sql"),
            Self::Export(_) => Some("path"),
            Self::InvalidName(_) => Some("name"),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            Self::Schema(error) => error.is_fault(),
            Self::Spool(_) | Self::Saved(_) => true,
            _ => false,
        }
    }
}
