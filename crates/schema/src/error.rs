//! What can go wrong reaching or reading a database, said so that the user knows what to check.
//! sqlx errors here come from the user's database, never the app's own store, so they are
//! classified here rather than through the kernel.

use quantum_kernel::{Coded, ErrorInfo};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{target} refused the connection. Check that the server runs and listens on that host and port.")]
    Refused { target: String },
    #[error("{target} did not answer within {seconds} s. Check the host, the port and any firewall or VPN in between.")]
    Timeout { target: String, seconds: u64 },
    #[error("{target} refused the user name or password. Check them, and that the user may connect to this database from here.")]
    AuthFailed { target: String },
    #[error("The TLS handshake with {target} failed: {reason}. Check the TLS mode and the server's certificate.")]
    Tls { target: String, reason: String },
    #[error("{target} has no database by that name. Check the database name.")]
    NoDatabase { target: String },
    #[error("There is no SQLite database at {path}: {reason}")]
    NoFile { path: String, reason: String },
    #[error("Reading the schema failed: {0}")]
    Query(String),
    #[error("{0}")]
    Unsupported(String),
}

impl Error {
    /// Classifies a failure to connect to (or read from) `target`.
    pub(crate) fn from_sqlx(target: &str, error: sqlx::Error) -> Self {
        let target = target.to_owned();
        match &error {
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                Self::Refused { target }
            }
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => Self::Timeout {
                target,
                seconds: crate::CONNECT_TIMEOUT.as_secs(),
            },
            sqlx::Error::PoolTimedOut => Self::Timeout {
                target,
                seconds: crate::CONNECT_TIMEOUT.as_secs(),
            },
            sqlx::Error::Tls(reason) => Self::Tls {
                target,
                reason: reason.to_string(),
            },
            // rustls' refusals of the server's certificate reach sqlx as I/O errors.
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                let reason = io.to_string();
                if reason.contains("certificate") {
                    Self::Tls {
                        target,
                        reason: certificate_reason(&reason),
                    }
                } else {
                    Self::Query(error.to_string())
                }
            }
            sqlx::Error::Database(db) => {
                // sqlx gives MySQL's SQLSTATE as the code; its error number tells these apart.
                let mysql = db
                    .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .map(|my| my.number());
                match (db.code().as_deref(), mysql) {
                    // PostgreSQL: invalid_password, invalid_authorization_specification.
                    (Some("28P01") | Some("28000"), _) => Self::AuthFailed { target },
                    // MySQL/MariaDB: access denied (to the server, to the database).
                    (_, Some(1045) | Some(1044)) => Self::AuthFailed { target },
                    (Some("3D000"), _) | (_, Some(1049)) => Self::NoDatabase { target },
                    _ => Self::Query(db.message().to_owned()),
                }
            }
            _ => Self::Query(error.to_string()),
        }
    }
}

/// rustls' words for why a certificate was refused, with what the user can do about it.
fn certificate_reason(reason: &str) -> String {
    if reason.contains("UnknownIssuer") {
        format!("{reason} (the certificate is not signed by an authority this system trusts, e.g. a self-signed one; if you trust this server, choose TLS “Always (certificate not checked)”)")
    } else if reason.contains("NotValidForName") {
        format!("{reason} (the certificate is for another host name: connect by the name it was issued for)")
    } else if reason.contains("Expired") {
        format!("{reason} (the certificate has expired)")
    } else {
        reason.to_owned()
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Refused { .. } => "schema.refused",
            Self::Timeout { .. } => "schema.timeout",
            Self::AuthFailed { .. } => "schema.auth_failed",
            Self::Tls { .. } => "schema.tls",
            Self::NoDatabase { .. } => "schema.no_database",
            Self::NoFile { .. } => "schema.no_file",
            Self::Query(_) => "schema.query_failed",
            Self::Unsupported(_) => "schema.unsupported",
        }
    }

    fn field(&self) -> Option<&'static str> {
        None
    }

    fn is_fault(&self) -> bool {
        matches!(self, Self::Query(_))
    }
}

impl From<Error> for ErrorInfo {
    fn from(error: Error) -> Self {
        Self::of(&error)
    }
}
