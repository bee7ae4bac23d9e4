//! What can go wrong with health checks (their checks' failures are results, not errors).

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("A pause lasts 1 minute to 30 days; {minutes} minutes is not that.")]
    PauseLength { minutes: u32 },
    #[error("The report could not be made: {0}")]
    Report(String),
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::PauseLength { .. } => "health.invalid_pause",
            Self::Report(_) => "health.report_failed",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::PauseLength { .. } => Some("minutes"),
            Self::Report(_) => None,
        }
    }

    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            Self::Report(_) => true,
            Self::PauseLength { .. } => false,
        }
    }
}
