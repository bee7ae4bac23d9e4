//! The kernel's errors, and the stable shape every crate's errors take when they cross IPC.
//!
//! Each domain crate has its own error enum (thiserror) that wraps this one for what the kernel
//! does for it (the store, validation, files) and implements [`Coded`]; the shell turns any of
//! them into an [`ErrorInfo`]. No enum lists every crate's errors.

use serde::{Deserialize, Serialize};
use specta::Type;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What every crate's error tells the UI besides its message.
pub trait Coded: std::error::Error {
    /// A stable, machine-readable code such as `project.name_taken`. The UI matches on these,
    /// never on messages; a code, once shipped, keeps its meaning.
    fn code(&self) -> &'static str;

    /// The form field the error belongs to, when there is one.
    fn field(&self) -> Option<&'static str> {
        None
    }

    /// A failure of the machine (the app's database, the disk), logged as an error; other errors
    /// are refusals the user can act on, logged at debug level.
    fn is_fault(&self) -> bool {
        false
    }
}

/// The kernel's failures: validation, projects, the store and the user's files. Messages say
/// what to fix and never carry a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Validation {
        code: &'static str,
        field: &'static str,
        message: String,
    },
    #[error("A project named “{name}” already exists. Choose another name.")]
    ProjectNameTaken { name: String },
    #[error("This project no longer exists. It may have been deleted in another window.")]
    ProjectNotFound { id: i64 },
    #[error("“{name}” still has {databases} database{}. Remove them first, or remove them with the project.", if *databases == 1 { "" } else { "s" })]
    ProjectHasResources { name: String, databases: i64 },
    #[error("“{name}” has no folder. Set the project's folder in its settings first: this is kept as a file in it.")]
    ProjectNoFolder { name: String },
    #[error("{path} changed since it was shown. Review the changes again before writing.")]
    EnvFileChanged { path: String },
    #[error("{path} is a link to {target}, outside the project folder. A cloned repository can carry such a link to overwrite a file of yours: write through it only if you made it, or replace the link with a file.")]
    SymlinkOutside { path: String, target: String },
    #[error("The app's database could not be used: {0}")]
    Database(#[from] sqlx::Error),
    #[error("The app's database could not be brought up to date: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("The app's database at {path} was last used by a newer version of Quantum Admin (its schema {version} is unknown to this one). Install the newer version again, or move that file aside to start with an empty one.")]
    SchemaTooNew { path: String, version: i64 },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn validation(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            code,
            field,
            message: message.into(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Validation { code, .. } => code,
            Self::ProjectNameTaken { .. } => "project.name_taken",
            Self::ProjectNotFound { .. } => "project.not_found",
            Self::ProjectHasResources { .. } => "project.has_resources",
            Self::ProjectNoFolder { .. } => "project.no_folder",
            Self::EnvFileChanged { .. } => "datasource.env_file_changed",
            Self::SymlinkOutside { .. } => "files.symlink_outside",
            Self::Database(_) | Self::Migration(_) => "store.unavailable",
            Self::SchemaTooNew { .. } => "store.schema_too_new",
            Self::Io { .. } => "io.failed",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            Self::ProjectNameTaken { .. } => Some("name"),
            Self::SymlinkOutside { .. } => Some("path"),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        matches!(
            self,
            Self::Database(_) | Self::Migration(_) | Self::Io { .. }
        )
    }
}

/// What the UI receives for a failed command: `{ code, message, field }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ErrorInfo {
    /// A stable code such as `project.name_taken` (see [`Coded::code`]).
    pub code: String,
    pub message: String,
    /// The form field the error belongs to, when there is one.
    pub field: Option<String>,
}

impl ErrorInfo {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    /// Any crate's error, logged as it crosses: faults as errors, refusals at debug level.
    pub fn of<E: Coded + ?Sized>(error: &E) -> Self {
        let code = error.code();
        if error.is_fault() {
            tracing::error!(code, error = %error, "operation failed");
        } else {
            tracing::debug!(code, "operation refused");
        }
        Self {
            code: code.to_owned(),
            message: error.to_string(),
            field: error.field().map(str::to_owned),
        }
    }
}

impl From<Error> for ErrorInfo {
    fn from(error: Error) -> Self {
        Self::of(&error)
    }
}

/// Makes a domain crate's `Error` (which has a `Kernel(quantum_kernel::Error)` variant) work with
/// the kernel: `?` on store and I/O results, the kernel's validation and I/O constructors, and
/// the conversion into [`ErrorInfo`].
#[macro_export]
macro_rules! domain_error {
    ($error:ident) => {
        impl From<$crate::sqlx::Error> for $error {
            fn from(error: $crate::sqlx::Error) -> Self {
                Self::Kernel(error.into())
            }
        }

        impl From<$error> for $crate::ErrorInfo {
            fn from(error: $error) -> Self {
                Self::of(&error)
            }
        }

        impl $error {
            #[allow(dead_code)]
            pub(crate) fn validation(
                code: &'static str,
                field: &'static str,
                message: impl Into<String>,
            ) -> Self {
                Self::Kernel($crate::Error::validation(code, field, message))
            }

            #[allow(dead_code)]
            pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
                Self::Kernel($crate::Error::io(context, source))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_to_their_stable_strings() {
        let info = ErrorInfo::from(Error::ProjectNameTaken {
            name: "shop".into(),
        });
        let json = serde_json::to_value(&info).expect("serializable");
        assert_eq!(json["code"], "project.name_taken");
        assert_eq!(json["field"], "name");
        assert!(json["message"].as_str().is_some_and(|m| m.contains("shop")));
    }
}
