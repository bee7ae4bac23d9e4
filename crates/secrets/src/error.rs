//! What can go wrong keeping secrets. No message ever carries a secret's value.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error("{0}")]
    Keychain(String),
    #[error("Encryption failed: {0}")]
    Crypto(String),
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

domain_error!(Error);

impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Keychain(_) => "keychain.unavailable",
            Self::Crypto(_) => "crypto.failed",
            Self::SecretStoreUnavailable => "secrets.unavailable",
            Self::VaultLocked => "secrets.vault_locked",
            Self::VaultMissing => "secrets.vault_missing",
            Self::VaultExists => "secrets.vault_exists",
            Self::VaultWrongKey => "secrets.vault_wrong_key",
            Self::VaultDamaged => "secrets.vault_damaged",
            Self::VaultKey(_) => "secrets.vault_key_invalid",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Kernel(error) => error.field(),
            _ => None,
        }
    }

    fn is_fault(&self) -> bool {
        matches!(self, Self::Kernel(error) if error.is_fault())
    }
}
