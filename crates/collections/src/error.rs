//! What can go wrong reading a MongoDB database, said so that the user knows what to check.

use mongodb::error::ErrorKind;
use quantum_kernel::{Coded, ErrorInfo};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("MongoDB at {target} refused the connection. Check that it is running and listening on that port.")]
    Refused { target: String },
    #[error(
        "MongoDB at {target} cannot be reached: {message}. Check the host name and the network."
    )]
    Unreachable { target: String, message: String },
    #[error("MongoDB at {target} refused the user and password ({message}). Check the user, the password kept for it, and that the user is defined in the “admin” database.")]
    AuthFailed { target: String, message: String },
    #[error("MongoDB at {target} did not answer within {seconds} s. Check the host and port, and that nothing between blocks it.")]
    Timeout { target: String, seconds: u64 },
    #[error("The TLS handshake with MongoDB at {target} failed: {message}. Check the TLS setting: the server may not offer TLS, or its certificate may not be trusted for that host name.")]
    Tls { target: String, message: String },
    #[error("MongoDB at {target} answered with an error: {message}")]
    Server { target: String, message: String },
    #[error("There is no collection “{0}” in this database (it may have been dropped).")]
    NoSuchCollection(String),
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Refused { .. } => "collections.refused",
            Self::Unreachable { .. } => "collections.unreachable",
            Self::AuthFailed { .. } => "collections.auth_failed",
            Self::Timeout { .. } => "collections.timeout",
            Self::Tls { .. } => "collections.tls",
            Self::Server { .. } => "collections.server_error",
            Self::NoSuchCollection(_) => "collections.no_such_collection",
        }
    }
}

impl From<Error> for ErrorInfo {
    fn from(error: Error) -> Self {
        Self::of(&error)
    }
}

/// MongoDB's code for a failed SCRAM or X.509 authentication.
const AUTHENTICATION_FAILED: i32 = 18;

impl Error {
    /// The driver reports a server it cannot reach as a server-selection timeout whose message
    /// holds the last connection error; that error says which of these it was.
    pub(crate) fn from_driver(target: &str, error: &mongodb::error::Error) -> Self {
        let target = target.to_owned();
        let message = error.to_string();
        let lowered = message.to_lowercase();
        match error.kind.as_ref() {
            ErrorKind::Authentication { message, .. } => Self::AuthFailed {
                target,
                message: message.clone(),
            },
            ErrorKind::Command(command) if command.code == AUTHENTICATION_FAILED => {
                Self::AuthFailed {
                    target,
                    message: command.message.clone(),
                }
            }
            ErrorKind::InvalidTlsConfig { message, .. } => Self::Tls {
                target,
                message: message.clone(),
            },
            ErrorKind::Command(command) => Self::Server {
                target,
                message: format!("{} ({})", command.message, command.code_name),
            },
            _ if lowered.contains("authentication failed") => Self::AuthFailed { target, message },
            _ if lowered.contains("connection refused") || lowered.contains("os error 10061") => {
                Self::Refused { target }
            }
            _ if lowered.contains("certificate")
                || lowered.contains("tls")
                || lowered.contains("handshake") =>
            {
                Self::Tls { target, message }
            }
            ErrorKind::ServerSelection { .. }
                if lowered.contains("timed out")
                    || lowered.contains("no available servers")
                        && !lowered.contains("i/o error") =>
            {
                Self::Timeout {
                    target,
                    seconds: crate::TIMEOUT.as_secs(),
                }
            }
            _ => Self::Server { target, message },
        }
    }
}
