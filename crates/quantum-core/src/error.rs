//! The one error type of the core, and the stable shape it takes when it crosses IPC.

use serde::{Deserialize, Serialize};
use specta::Type;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way an operation can fail. Messages say what to fix, never carry a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Validation {
        code: ErrorCode,
        field: &'static str,
        message: String,
    },
    #[error("A project named “{name}” already exists. Choose another name.")]
    ProjectNameTaken { name: String },
    #[error("This project no longer exists. It may have been deleted in another window.")]
    ProjectNotFound { id: i64 },
    #[error("“{name}” still has {databases} database{}. Remove them first, or remove them with the project.", if *databases == 1 { "" } else { "s" })]
    ProjectHasResources { name: String, databases: i64 },
    #[error("The app's database could not be used: {0}")]
    Database(#[from] sqlx::Error),
    #[error("The app's database could not be brought up to date: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Keychain(String),
    #[error("Docker is not running or cannot be reached ({0}). Start Docker and retry.")]
    DockerUnavailable(String),
    #[error("Docker refused: {0}")]
    Docker(String),
    #[error("The image {image} could not be pulled: {reason}. Check the name and tag, and your network.")]
    ImagePull { image: String, reason: String },
    #[error("This datasource no longer exists. It may have been removed in another window.")]
    DatasourceNotFound { id: i64 },
    #[error("“{name}” could not start: {reason}.{}", last_log_text(last_log))]
    DatasourceFailed {
        name: String,
        reason: String,
        last_log: Vec<String>,
    },
    #[error("“{name}” has no folder. Set the project's folder to write a .env file into it.")]
    ProjectNoFolder { name: String },
    #[error("{path} changed since it was shown. Review the changes again before writing.")]
    EnvFileChanged { path: String },
    #[error("A container named “{name}” already exists. Choose another name.")]
    ContainerNameTaken { name: String },
    #[error("Port {port} is already in use{}. Choose another port or leave it empty for the next free one.", holder.as_ref().map(|h| format!(" by {h}")).unwrap_or_default())]
    PortTaken { port: u16, holder: Option<String> },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("quantum.toml cannot be changed: {message}")]
    ConfigInvalid { message: String },
    #[error("This file is not a Quantum Admin bundle. Choose a file exported by Quantum Admin.")]
    BundleNotABundle,
    #[error("This bundle uses format version {version}, which this version of Quantum Admin cannot read. Update the app and import it again.")]
    BundleUnsupportedVersion { version: u8 },
    #[error("The bundle is damaged: {reason}. Export it again.")]
    BundleCorrupt { reason: String },
    #[error("The passphrase is wrong, or the file was changed or cut short. Check the passphrase and the file.")]
    BundleWrongPassphrase,
    #[error("Encryption failed: {0}")]
    Crypto(String),
    #[error("That version of quantum.toml is no longer in the history. Refresh the history.")]
    ConfigVersionNotFound { id: i64 },
    #[error(
        "{path} changed on disk since you opened it. Reload it, or save again to overwrite it."
    )]
    ConfigChangedOnDisk { path: String },
    #[error(
        "The secret {name} of “{environment}” is not stored on this machine. Set its value first."
    )]
    SecretNotFound { environment: String, name: String },
    #[error("No system keychain was found, so secrets cannot be kept yet. Set up the encrypted vault in a project's Environment page.")]
    SecretStoreUnavailable,
    #[error("The encrypted vault is locked. Unlock it with its passphrase or key file.")]
    VaultLocked,
    #[error("There is no encrypted vault yet. Set one up first.")]
    VaultMissing,
    #[error("An encrypted vault already exists. Unlock it instead of creating a new one.")]
    VaultExists,
    #[error(
        "The passphrase or key file is wrong, or the vault file was changed. Nothing was unlocked."
    )]
    VaultWrongKey,
    #[error("The vault file is damaged or not a Quantum Admin vault. Restore it from a backup.")]
    VaultDamaged,
    #[error("{0}")]
    VaultKey(String),
}

/// The stable, machine-readable code of an error. The UI matches on these, never on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum ErrorCode {
    #[serde(rename = "validation.invalid_name")]
    InvalidName,
    #[serde(rename = "validation.description_too_long")]
    DescriptionTooLong,
    #[serde(rename = "validation.invalid_folder")]
    InvalidFolder,
    #[serde(rename = "validation.folder_not_found")]
    FolderNotFound,
    #[serde(rename = "validation.invalid_page_size")]
    InvalidPageSize,
    #[serde(rename = "project.name_taken")]
    ProjectNameTaken,
    #[serde(rename = "project.not_found")]
    ProjectNotFound,
    #[serde(rename = "project.has_resources")]
    ProjectHasResources,
    #[serde(rename = "project.no_folder")]
    ProjectNoFolder,
    #[serde(rename = "datasource.env_file_changed")]
    EnvFileChanged,
    #[serde(rename = "settings.unavailable")]
    SettingsUnavailable,
    #[serde(rename = "store.unavailable")]
    StoreUnavailable,
    #[serde(rename = "docker.unavailable")]
    DockerUnavailable,
    #[serde(rename = "docker.failed")]
    DockerFailed,
    #[serde(rename = "docker.image_pull_failed")]
    ImagePullFailed,
    #[serde(rename = "validation.invalid_datasource")]
    InvalidDatasource,
    #[serde(rename = "datasource.failed")]
    DatasourceFailed,
    #[serde(rename = "datasource.not_found")]
    DatasourceNotFound,
    #[serde(rename = "datasource.name_taken")]
    DatasourceNameTaken,
    #[serde(rename = "datasource.port_taken")]
    PortTaken,
    #[serde(rename = "keychain.unavailable")]
    KeychainUnavailable,
    #[serde(rename = "io.failed")]
    IoFailed,
    #[serde(rename = "config.invalid")]
    ConfigInvalid,
    #[serde(rename = "validation.empty_passphrase")]
    EmptyPassphrase,
    #[serde(rename = "bundle.not_a_bundle")]
    BundleNotABundle,
    #[serde(rename = "bundle.unsupported_version")]
    BundleUnsupportedVersion,
    #[serde(rename = "bundle.corrupt")]
    BundleCorrupt,
    #[serde(rename = "bundle.wrong_passphrase")]
    BundleWrongPassphrase,
    #[serde(rename = "crypto.failed")]
    CryptoFailed,
    #[serde(rename = "config.changed_on_disk")]
    ConfigChangedOnDisk,
    #[serde(rename = "config.version_not_found")]
    ConfigVersionNotFound,
    #[serde(rename = "validation.invalid_variable")]
    InvalidVariable,
    #[serde(rename = "validation.invalid_environment")]
    InvalidEnvironment,
    #[serde(rename = "secrets.not_found")]
    SecretNotFound,
    #[serde(rename = "secrets.unavailable")]
    SecretStoreUnavailable,
    #[serde(rename = "secrets.vault_locked")]
    VaultLocked,
    #[serde(rename = "secrets.vault_missing")]
    VaultMissing,
    #[serde(rename = "secrets.vault_exists")]
    VaultExists,
    #[serde(rename = "secrets.vault_wrong_key")]
    VaultWrongKey,
    #[serde(rename = "secrets.vault_damaged")]
    VaultDamaged,
    #[serde(rename = "secrets.vault_key_invalid")]
    VaultKeyInvalid,
    /// A command that writes a file was given a path the user did not choose in a dialog this
    /// session, outside every project folder (the shell keeps that record).
    #[serde(rename = "path.not_chosen")]
    PathNotChosen,
    #[serde(rename = "validation.invalid_update_endpoint")]
    InvalidUpdateEndpoint,
    /// This build has no update key (development builds, or a release built without one).
    #[serde(rename = "update.disabled")]
    UpdatesDisabled,
    /// Offline, a server error, or no usable release: the current version keeps running.
    #[serde(rename = "update.unavailable")]
    UpdateUnavailable,
    /// The download does not match the publisher's signature and was discarded.
    #[serde(rename = "update.signature_invalid")]
    UpdateSignatureInvalid,
    /// The verified update could not be installed.
    #[serde(rename = "update.failed")]
    UpdateFailed,
}

/// What the UI receives for a failed command: `{ code, message, field }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub message: String,
    /// The form field the error belongs to, when there is one.
    pub field: Option<String>,
}

impl ErrorInfo {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }
}

fn last_log_text(lines: &[String]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!(" Last log lines:\n{}", lines.join("\n"))
    }
}

impl Error {
    pub(crate) fn validation(
        code: ErrorCode,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Validation {
            code,
            field,
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { code, .. } => *code,
            Self::ProjectNameTaken { .. } => ErrorCode::ProjectNameTaken,
            Self::ProjectNotFound { .. } => ErrorCode::ProjectNotFound,
            Self::ProjectHasResources { .. } => ErrorCode::ProjectHasResources,
            Self::Database(_) | Self::Migration(_) => ErrorCode::StoreUnavailable,
            Self::Keychain(_) => ErrorCode::KeychainUnavailable,
            Self::DockerUnavailable(_) => ErrorCode::DockerUnavailable,
            Self::Docker(_) => ErrorCode::DockerFailed,
            Self::ImagePull { .. } => ErrorCode::ImagePullFailed,
            Self::DatasourceNotFound { .. } => ErrorCode::DatasourceNotFound,
            Self::DatasourceFailed { .. } => ErrorCode::DatasourceFailed,
            Self::ProjectNoFolder { .. } => ErrorCode::ProjectNoFolder,
            Self::EnvFileChanged { .. } => ErrorCode::EnvFileChanged,
            Self::ContainerNameTaken { .. } => ErrorCode::DatasourceNameTaken,
            Self::PortTaken { .. } => ErrorCode::PortTaken,
            Self::Io { .. } => ErrorCode::IoFailed,
            Self::ConfigInvalid { .. } => ErrorCode::ConfigInvalid,
            Self::BundleNotABundle => ErrorCode::BundleNotABundle,
            Self::BundleUnsupportedVersion { .. } => ErrorCode::BundleUnsupportedVersion,
            Self::BundleCorrupt { .. } => ErrorCode::BundleCorrupt,
            Self::BundleWrongPassphrase => ErrorCode::BundleWrongPassphrase,
            Self::Crypto(_) => ErrorCode::CryptoFailed,
            Self::ConfigChangedOnDisk { .. } => ErrorCode::ConfigChangedOnDisk,
            Self::ConfigVersionNotFound { .. } => ErrorCode::ConfigVersionNotFound,
            Self::SecretNotFound { .. } => ErrorCode::SecretNotFound,
            Self::SecretStoreUnavailable => ErrorCode::SecretStoreUnavailable,
            Self::VaultLocked => ErrorCode::VaultLocked,
            Self::VaultMissing => ErrorCode::VaultMissing,
            Self::VaultExists => ErrorCode::VaultExists,
            Self::VaultWrongKey => ErrorCode::VaultWrongKey,
            Self::VaultDamaged => ErrorCode::VaultDamaged,
            Self::VaultKey(_) => ErrorCode::VaultKeyInvalid,
        }
    }
}

impl From<Error> for ErrorInfo {
    fn from(error: Error) -> Self {
        let field = match &error {
            Error::Validation { field, .. } => Some((*field).to_owned()),
            Error::ProjectNameTaken { .. } | Error::ContainerNameTaken { .. } => {
                Some("name".to_owned())
            }
            Error::PortTaken { .. } => Some("port".to_owned()),
            _ => None,
        };
        match error.code() {
            ErrorCode::StoreUnavailable | ErrorCode::IoFailed => {
                tracing::error!(code = ?error.code(), error = %error, "operation failed");
            }
            code => tracing::debug!(?code, "operation refused"),
        }
        Self {
            code: error.code(),
            message: error.to_string(),
            field,
        }
    }
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
