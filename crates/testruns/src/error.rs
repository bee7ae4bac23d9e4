//! What can go wrong around a test run, said so that the user knows what to do. A run whose
//! tests fail is no error: it is a run with failures.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("There is no test run {0}: it was removed from the history. Refresh the list.")]
    RunNotFound(i64),
    #[error(
        "This project has no folder: choose its folder in the project's settings to run its tests."
    )]
    NoFolder,
    #[error("No test suite was found in {0}. Add one to quantum.toml under [tests.<name>] with its command.")]
    NoSuites(String),
    #[error("There is no suite “{0}”. Choose one of the project's suites.")]
    UnknownSuite(String),
    #[error("Tests of this project are already running. Wait for them, or cancel them first.")]
    AlreadyRunning,
    #[error("The last run had no failed test to run again.")]
    NothingFailed,
}

impl Coded for Error {
    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            _ => false,
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::UnknownSuite(_) => Some("suite"),
            _ => None,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::RunNotFound(_) => "testrun.not_found",
            Self::NoFolder => "testrun.no_folder",
            Self::NoSuites(_) => "testrun.no_suites",
            Self::UnknownSuite(_) => "testrun.unknown_suite",
            Self::AlreadyRunning => "testrun.busy",
            Self::NothingFailed => "testrun.nothing_failed",
        }
    }
}

domain_error!(Error);
