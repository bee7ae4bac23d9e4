//! What can go wrong between the app and a CI provider, said so that the user knows what to do.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Secrets(#[from] quantum_secrets::Error),
    #[error("This project has no CI repository yet. Choose one on its CI page.")]
    NoRepository,
    #[error("There is no token for {host}. Add one on the project's CI page{hint}.")]
    NoToken { host: String, hint: &'static str },
    #[error("{host} refused the token (401): it may have expired or been revoked. Add a new one.")]
    BadCredentials { host: String },
    #[error("The token lacks the {} scope{} (it has {}). Create a token with {} and add it again.", missing.join(", "), if missing.len() == 1 { "" } else { "s" }, if have.is_empty() { "none".to_owned() } else { have.join(", ") }, missing.join(", "))]
    MissingScopes {
        missing: Vec<String>,
        have: Vec<String>,
    },
    #[error("{what} was not found. Check the repository's name, and that the token can see it (a private GitHub repository needs the repo scope).")]
    NotFound { what: String },
    #[error("The {host} API's rate limit is used up until {reset_at}. The app waits until then.")]
    RateLimited { host: String, reset_at: String },
    #[error("{host} could not be reached: {detail}. Check the network; the app keeps trying.")]
    Offline { host: String, detail: String },
    #[error("{host} said no ({status}): {message}")]
    Rejected {
        host: String,
        status: u16,
        message: String,
    },
    #[error("{provider} has no {what}.")]
    Unsupported {
        provider: &'static str,
        what: &'static str,
    },
    #[error("{host} answered in a way the app does not understand ({detail}).")]
    Protocol { host: String, detail: String },
}

impl Coded for Error {
    fn is_fault(&self) -> bool {
        match self {
            Self::Kernel(error) => error.is_fault(),
            Self::Secrets(error) => error.is_fault(),
            Self::Protocol { .. } => true,
            _ => false,
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            Self::Secrets(error) => error.field(),
            Self::NoToken { .. } | Self::BadCredentials { .. } | Self::MissingScopes { .. } => {
                Some("token")
            }
            _ => None,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Secrets(error) => error.code(),
            Self::NoRepository => "ci.no_repository",
            Self::NoToken { .. } => "ci.no_token",
            Self::BadCredentials { .. } => "ci.bad_credentials",
            Self::MissingScopes { .. } => "ci.missing_scopes",
            Self::NotFound { .. } => "ci.not_found",
            Self::RateLimited { .. } => "ci.rate_limited",
            Self::Offline { .. } => "ci.offline",
            Self::Rejected { .. } => "ci.rejected",
            Self::Unsupported { .. } => "ci.unsupported",
            Self::Protocol { .. } => "ci.protocol",
        }
    }
}

domain_error!(Error);
