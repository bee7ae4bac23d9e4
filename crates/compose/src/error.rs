//! What can go wrong reading or changing a compose file.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("{folder} has no compose file (compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml).")]
    NotFound { folder: String },
    #[error("{path} could not be read: {message}")]
    Unreadable { path: String, message: String },
    #[error("{path} is not valid YAML: {message}")]
    NotYaml { path: String, message: String },
    #[error("{path} has no services: it is not a compose file.")]
    NoServices { path: String },
    #[error("{message} (a ${{…}} in the compose files). Set it in .env beside them, or change the file.")]
    Interpolation { message: String },
    #[error("The password of {service} in {path} (line {line}) is written in a form the app does not rewrite: replace it with ${{{variable}}} by hand, or import without replacing it.")]
    LiteralNotRewritable {
        service: String,
        path: String,
        line: usize,
        variable: String,
    },
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::NotFound { .. } => "compose.not_found",
            Self::Unreadable { .. } => "compose.unreadable",
            Self::NotYaml { .. } => "compose.invalid_yaml",
            Self::NoServices { .. } => "compose.no_services",
            Self::Interpolation { .. } => "compose.interpolation",
            Self::LiteralNotRewritable { .. } => "compose.literal_not_rewritable",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::NotFound { .. }
            | Self::Unreadable { .. }
            | Self::NotYaml { .. }
            | Self::NoServices { .. } => Some("files"),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        matches!(self, Self::Kernel(error) if error.is_fault())
    }
}
