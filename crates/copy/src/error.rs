//! What can stop a copy, said so that the user knows what to do.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Schema(#[from] quantum_schema::Error),
    #[error("Data can be copied into PostgreSQL, MySQL or MariaDB only; choose one of those as the target.")]
    UnsupportedTarget,
    #[error("The target already has {}: copy into a database without them, or drop them first.", tables.join(", "))]
    TablesExist { tables: Vec<String> },
    #[error("Reading the source failed: {0}")]
    Source(String),
    #[error("Writing into the target failed: {0}. Nothing of the copy is kept on PostgreSQL; on MySQL/MariaDB restore the snapshot taken before it.")]
    Target(String),
}

impl Error {
    pub(crate) fn source(error: impl std::fmt::Display) -> Self {
        Self::Source(error.to_string())
    }

    pub(crate) fn target(error: impl std::fmt::Display) -> Self {
        Self::Target(error.to_string())
    }
}

impl Coded for Error {
    fn is_fault(&self) -> bool {
        matches!(self, Self::Kernel(error) if error.is_fault())
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::UnsupportedTarget => Some("target"),
            _ => None,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Schema(error) => error.code(),
            Self::UnsupportedTarget => "copy.unsupported_target",
            Self::TablesExist { .. } => "copy.tables_exist",
            Self::Source(_) => "copy.source_failed",
            Self::Target(_) => "copy.target_failed",
        }
    }
}

domain_error!(Error);
