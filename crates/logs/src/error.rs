//! What can go wrong reading and saving a project's log.

use quantum_kernel::Coded;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The search “{pattern}” is not a valid regular expression: {reason}")]
    InvalidPattern { pattern: String, reason: String },
    #[error("{path} could not be written: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("The app's log folder {path} could not be read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

impl From<Error> for quantum_kernel::ErrorInfo {
    fn from(error: Error) -> Self {
        Self::of(&error)
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidPattern { .. } => "logs.invalid_pattern",
            Self::Write { .. } => "logs.write_failed",
            Self::Read { .. } => "logs.read_failed",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::InvalidPattern { .. } => Some("pattern"),
            Self::Write { .. } => Some("path"),
            Self::Read { .. } => None,
        }
    }

    fn is_fault(&self) -> bool {
        matches!(self, Self::Read { .. })
    }
}
