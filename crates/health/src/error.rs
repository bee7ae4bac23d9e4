//! What can go wrong with health checks (their checks' failures are results, not errors).

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("A pause lasts 1 minute to 30 days; {minutes} minutes is not that.")]
    PauseLength { minutes: u32 },
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::PauseLength { .. } => "health.invalid_pause",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::PauseLength { .. } => Some("minutes"),
        }
    }

    fn is_fault(&self) -> bool {
        matches!(self, Self::Kernel(error) if error.is_fault())
    }
}
