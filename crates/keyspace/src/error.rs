//! What can go wrong reading a Redis keyspace, said so that the user knows what to check.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("Redis at {target} refused the connection. Check that it is running and listening on that port.")]
    Refused { target: String },
    #[error(
        "Redis at {target} refused the app's password ({message}). Check the password kept for it."
    )]
    AuthFailed { target: String, message: String },
    #[error("The TLS handshake with Redis at {target} failed ({message}). Check the TLS setting: the server may not offer TLS, or its certificate may not be trusted for that host name.")]
    Tls { target: String, message: String },
    #[error("Redis at {target} did not answer within {seconds} s. Check that it is running and not blocked by a long command.")]
    Timeout { target: String, seconds: u64 },
    #[error("Redis at {target} answered with an error: {message}")]
    Server { target: String, message: String },
    #[error("There is no key “{0}” (it may have expired or been deleted).")]
    NoSuchKey(String),
}

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Refused { .. } => "keyspace.refused",
            Self::AuthFailed { .. } => "keyspace.auth_failed",
            Self::Timeout { .. } => "keyspace.timeout",
            Self::Tls { .. } => "keyspace.tls",
            Self::Server { .. } => "keyspace.server_error",
            Self::NoSuchKey(_) => "keyspace.no_such_key",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            _ => false,
        }
    }
}

impl Error {
    pub(crate) fn from_redis(target: &str, error: &redis::RedisError) -> Self {
        let target = target.to_owned();
        let message = error.to_string();
        if error.is_connection_refusal() {
            Self::Refused { target }
        } else if matches!(error.kind(), redis::ErrorKind::AuthenticationFailed)
            || message.contains("WRONGPASS")
            || message.contains("NOAUTH")
        {
            Self::AuthFailed { target, message }
        } else if error.is_timeout() {
            Self::Timeout {
                target,
                seconds: crate::TIMEOUT.as_secs(),
            }
        } else {
            Self::Server { target, message }
        }
    }
}
