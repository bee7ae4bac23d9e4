//! Where secret values live on this machine: the OS keychain when one answers, else the
//! encrypted vault once the user has set it up and unlocked it. Callers never pick; they ask here.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use specta::Type;

use super::vault::{Vault, VaultKeySource};
use super::{Keychain, Secret};
use crate::{Error, Result};

/// The vault's file name in the data dir.
pub const VAULT_FILE: &str = "vault.qav";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SecretStoreKind {
    Keychain,
    Vault,
    /// No keychain and no vault yet: secrets cannot be kept until the user sets up the vault.
    Unavailable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SecretStoreStatus {
    pub kind: SecretStoreKind,
    pub vault_exists: bool,
    pub vault_unlocked: bool,
    /// What this means for the user, in plain words.
    pub message: String,
}

/// How the user unlocks (or sets up) the vault, as the UI sends it.
#[derive(Clone, Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum VaultKey {
    Passphrase(String),
    KeyFile(String),
}

/// Told of each access to a secret, before it happens; see [`SecretStore::observe`].
pub type AccessObserver = Arc<dyn Fn(SecretAccess) + Send + Sync>;

/// What an access does, for an [`AccessObserver`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretAccess {
    Read,
    Write,
    Delete,
}

pub struct SecretStore {
    keychain: Option<Keychain>,
    vault_path: PathBuf,
    vault: Mutex<Option<Vault>>,
    observer: RwLock<Option<AccessObserver>>,
}

impl SecretStore {
    /// Uses the keychain when one answers, unless `QUANTUM_SECRET_STORE=vault` asks for the vault
    /// (for machines whose keychain is present but unusable).
    pub fn open(data_dir: &Path) -> Self {
        let forced_vault = std::env::var("QUANTUM_SECRET_STORE").is_ok_and(|v| v == "vault");
        let keychain = (!forced_vault && Keychain.is_available()).then_some(Keychain);
        if keychain.is_none() {
            tracing::warn!("no usable system keychain; secrets need the encrypted vault");
        }
        Self {
            keychain,
            vault_path: data_dir.join(VAULT_FILE),
            vault: Mutex::new(None),
            observer: RwLock::new(None),
        }
    }

    /// The OS keychain only, without probing (tests that need a real keychain).
    pub fn keychain(data_dir: &Path) -> Self {
        Self {
            keychain: Some(Keychain),
            vault_path: data_dir.join(VAULT_FILE),
            vault: Mutex::new(None),
            observer: RwLock::new(None),
        }
    }

    pub fn status(&self) -> SecretStoreStatus {
        let vault_exists = Vault::exists(&self.vault_path);
        let vault_unlocked = self.lock_vault().is_some();
        let (kind, message) = if self.keychain.is_some() {
            (
                SecretStoreKind::Keychain,
                "Secrets are kept in the system keychain.".to_owned(),
            )
        } else if vault_unlocked {
            (
                SecretStoreKind::Vault,
                "There is no system keychain, so secrets are kept in the encrypted vault, unlocked for this session.".to_owned(),
            )
        } else if vault_exists {
            (
                SecretStoreKind::Vault,
                "There is no system keychain, and the encrypted vault is locked. Unlock it to use secrets.".to_owned(),
            )
        } else {
            (
                SecretStoreKind::Unavailable,
                "No system keychain (Secret Service) was found, so secrets cannot be kept yet. Set up an encrypted vault, or start a keychain service (GNOME Keyring or KWallet) and restart the app. Secrets are never stored in plain text.".to_owned(),
            )
        };
        SecretStoreStatus {
            kind,
            vault_exists,
            vault_unlocked,
            message,
        }
    }

    pub fn create_vault(&self, key: &VaultKey) -> Result<SecretStoreStatus> {
        self.refuse_vault_with_keychain()?;
        let vault = with_source(key, |source| Vault::create(&self.vault_path, source))?;
        *self.lock_vault() = Some(vault);
        tracing::info!("encrypted vault created");
        Ok(self.status())
    }

    pub fn unlock_vault(&self, key: &VaultKey) -> Result<SecretStoreStatus> {
        self.refuse_vault_with_keychain()?;
        if !Vault::exists(&self.vault_path) {
            return Err(Error::VaultMissing);
        }
        let vault = with_source(key, |source| Vault::unlock(&self.vault_path, source))?;
        *self.lock_vault() = Some(vault);
        tracing::info!("encrypted vault unlocked");
        Ok(self.status())
    }

    /// Calls `observer` before every access to a secret. A keychain access can wait minutes on an
    /// unlock prompt, so callers must hold nothing others wait for (the database's write lock)
    /// while they make one: tests observe that this holds.
    pub fn observe(&self, observer: AccessObserver) {
        *self
            .observer
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(observer);
    }

    fn accessing(&self, access: SecretAccess) {
        let observer = self
            .observer
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(observer) = observer {
            observer(access);
        }
    }

    pub fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        self.accessing(SecretAccess::Write);
        match &self.keychain {
            Some(keychain) => keychain.set(account, secret),
            None => self.unlocked(|vault| vault.set(account, secret)),
        }
    }

    /// The value, or `None` when this store has no entry for the account.
    pub fn find(&self, account: &str) -> Result<Option<Secret>> {
        self.accessing(SecretAccess::Read);
        match &self.keychain {
            Some(keychain) => keychain.find(account),
            None => self.unlocked(|vault| Ok(vault.find(account))),
        }
    }

    /// A datasource's password; a missing one is an error that says how to recover.
    pub fn get(&self, account: &str) -> Result<Secret> {
        self.accessing(SecretAccess::Read);
        match &self.keychain {
            Some(keychain) => keychain.get(account),
            None => self.unlocked(|vault| {
                vault.find(account).ok_or_else(|| {
                    Error::Keychain(
                        "The password is not in the encrypted vault. Reset it from the datasource's menu.".into(),
                    )
                })
            }),
        }
    }

    /// Deletes an entry; one that is already gone is fine.
    pub fn delete(&self, account: &str) -> Result<()> {
        self.accessing(SecretAccess::Delete);
        match &self.keychain {
            Some(keychain) => keychain.delete(account),
            None => self.unlocked(|vault| vault.delete(account)),
        }
    }

    fn unlocked<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
        let mut guard = self.lock_vault();
        match guard.as_mut() {
            Some(vault) => f(vault),
            None if Vault::exists(&self.vault_path) => Err(Error::VaultLocked),
            None => Err(Error::SecretStoreUnavailable),
        }
    }

    fn refuse_vault_with_keychain(&self) -> Result<()> {
        if self.keychain.is_some() {
            return Err(Error::VaultKey(
                "The system keychain is available and keeps the secrets; no vault is needed."
                    .into(),
            ));
        }
        Ok(())
    }

    fn lock_vault(&self) -> std::sync::MutexGuard<'_, Option<Vault>> {
        self.vault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn with_source<T>(key: &VaultKey, f: impl FnOnce(VaultKeySource<'_>) -> Result<T>) -> Result<T> {
    match key {
        VaultKey::Passphrase(passphrase) => {
            let passphrase = Secret::new(passphrase.clone());
            f(VaultKeySource::Passphrase(&passphrase))
        }
        VaultKey::KeyFile(path) => f(VaultKeySource::KeyFile(Path::new(path.trim()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without_keychain(dir: &Path) -> SecretStore {
        SecretStore {
            keychain: None,
            vault_path: dir.join(VAULT_FILE),
            vault: Mutex::new(None),
            observer: RwLock::new(None),
        }
    }

    #[test]
    fn without_a_keychain_secrets_wait_for_the_vault_and_never_fall_back_to_plain_text() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = without_keychain(dir.path());
        assert_eq!(store.status().kind, SecretStoreKind::Unavailable);
        assert!(matches!(
            store.set("a", &Secret::new("b")),
            Err(Error::SecretStoreUnavailable)
        ));
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);

        let key = VaultKey::KeyFile(dir.path().join("vault.key").display().to_string());
        let status = store.create_vault(&key).expect("create");
        assert_eq!(status.kind, SecretStoreKind::Vault);
        assert!(status.vault_unlocked);
        store.set("a", &Secret::new("b")).expect("set");

        let restarted = without_keychain(dir.path());
        assert!(matches!(restarted.find("a"), Err(Error::VaultLocked)));
        restarted.unlock_vault(&key).expect("unlock");
        assert_eq!(
            restarted
                .find("a")
                .expect("find")
                .map(|s| s.expose().to_owned()),
            Some("b".to_owned())
        );
    }
}
