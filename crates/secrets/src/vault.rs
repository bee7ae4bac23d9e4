//! The encrypted vault: where secret values go when the OS has no keychain. One file in the data
//! dir, sealed with AES-256-GCM under a key from a passphrase (PBKDF2-HMAC-SHA256) or from a key
//! file that only its owner can read. Never a plain-text fallback.
//!
//! Layout (integers big-endian): magic `QAVAULT1` (8) | key method (1: passphrase, 2: key file) |
//! PBKDF2 iterations (4) | salt (16) | nonce (12) | ciphertext of a JSON object `{account: value}`
//! with its 16-byte tag. The header is the AEAD's associated data. Every write draws a new nonce.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

use super::Secret;
use crate::{Error, Result};
use quantum_kernel::files::{self, NewFile, Within};

const MAGIC: &[u8; 8] = b"QAVAULT1";
const METHOD_PASSPHRASE: u8 = 1;
const METHOD_KEY_FILE: u8 = 2;
const SALT_LEN: usize = 16;
const HEADER_LEN: usize = MAGIC.len() + 1 + 4 + SALT_LEN + NONCE_LEN;
/// The same floor as bundles: OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
pub const ITERATIONS: u32 = 600_000;
/// The least passphrase length the vault accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// How the vault's key is obtained.
pub enum VaultKeySource<'a> {
    Passphrase(&'a Secret),
    /// A file of 32 random bytes in hex, readable by its owner only; created when missing.
    KeyFile(&'a Path),
}

/// An unlocked vault: the key and the decrypted entries, kept in memory while the app runs.
pub struct Vault {
    path: PathBuf,
    method: u8,
    iterations: u32,
    salt: [u8; SALT_LEN],
    key: LessSafeKey,
    entries: BTreeMap<String, Secret>,
}

impl Vault {
    pub fn exists(path: &Path) -> bool {
        path.is_file()
    }

    /// Creates an empty vault at `path`; an existing vault is never overwritten.
    pub fn create(path: &Path, source: VaultKeySource<'_>) -> Result<Self> {
        Self::create_with_iterations(path, source, ITERATIONS)
    }

    fn create_with_iterations(
        path: &Path,
        source: VaultKeySource<'_>,
        iterations: u32,
    ) -> Result<Self> {
        if Self::exists(path) {
            return Err(Error::VaultExists);
        }
        let mut salt = [0u8; SALT_LEN];
        fill_random(&mut salt)?;
        let (method, key) = match source {
            VaultKeySource::Passphrase(passphrase) => {
                let chars = passphrase.expose().chars().count();
                if chars < MIN_PASSPHRASE_CHARS {
                    return Err(Error::VaultKey(format!(
                        "The passphrase has {chars} characters; use at least {MIN_PASSPHRASE_CHARS}."
                    )));
                }
                (
                    METHOD_PASSPHRASE,
                    crate::kdf::derive_key(passphrase, iterations, &salt)?,
                )
            }
            VaultKeySource::KeyFile(file) => (METHOD_KEY_FILE, key_file(file, true)?),
        };
        let vault = Self {
            path: path.to_owned(),
            method,
            iterations,
            salt,
            key,
            entries: BTreeMap::new(),
        };
        vault.save(&vault.entries)?;
        Ok(vault)
    }

    /// Opens the vault at `path`. A wrong passphrase or key file, and a changed file, are one
    /// error: AES-GCM cannot tell them apart, and nothing is decrypted from either.
    pub fn unlock(path: &Path, source: VaultKeySource<'_>) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| {
            Error::io(
                format!("Could not read the vault {}", path.display()),
                source,
            )
        })?;
        if bytes.len() < HEADER_LEN || &bytes[..MAGIC.len()] != MAGIC {
            return Err(Error::VaultDamaged);
        }
        let (header, sealed) = bytes.split_at(HEADER_LEN);
        let method = header[8];
        let iterations = u32::from_be_bytes([header[9], header[10], header[11], header[12]]);
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&header[13..13 + SALT_LEN]);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&header[13 + SALT_LEN..]);
        let key =
            match (method, source) {
                (METHOD_PASSPHRASE, VaultKeySource::Passphrase(passphrase)) => {
                    if !(1..=crate::kdf::MAX_ITERATIONS).contains(&iterations) {
                        return Err(Error::VaultDamaged);
                    }
                    crate::kdf::derive_key(passphrase, iterations, &salt)?
                }
                (METHOD_KEY_FILE, VaultKeySource::KeyFile(file)) => key_file(file, false)?,
                (METHOD_PASSPHRASE, VaultKeySource::KeyFile(_)) => return Err(Error::VaultKey(
                    "This vault is locked with a passphrase, not a key file. Enter the passphrase."
                        .into(),
                )),
                (METHOD_KEY_FILE, VaultKeySource::Passphrase(_)) => return Err(Error::VaultKey(
                    "This vault is locked with a key file, not a passphrase. Choose the key file."
                        .into(),
                )),
                _ => return Err(Error::VaultDamaged),
            };
        let mut in_out = sealed.to_vec();
        let plaintext = key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(header),
                &mut in_out,
            )
            .map_err(|_| Error::VaultWrongKey)?;
        let map: BTreeMap<String, String> =
            serde_json::from_slice(plaintext).map_err(|_| Error::VaultDamaged)?;
        Ok(Self {
            path: path.to_owned(),
            method,
            iterations,
            salt,
            key,
            entries: map.into_iter().map(|(k, v)| (k, Secret::new(v))).collect(),
        })
    }

    pub fn find(&self, account: &str) -> Option<Secret> {
        self.entries.get(account).cloned()
    }

    /// Stores a value; the file is rewritten before the change is kept in memory.
    pub fn set(&mut self, account: &str, secret: &Secret) -> Result<()> {
        let mut entries = self.entries.clone();
        entries.insert(account.to_owned(), secret.clone());
        self.save(&entries)?;
        self.entries = entries;
        Ok(())
    }

    pub fn delete(&mut self, account: &str) -> Result<()> {
        if !self.entries.contains_key(account) {
            return Ok(());
        }
        let mut entries = self.entries.clone();
        entries.remove(account);
        self.save(&entries)?;
        self.entries = entries;
        Ok(())
    }

    /// Seals `entries` into the file in one step (a temporary file renamed over it).
    fn save(&self, entries: &BTreeMap<String, Secret>) -> Result<()> {
        let plain: BTreeMap<&str, &str> = entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        let mut in_out = serde_json::to_vec(&plain)
            .map_err(|error| Error::Crypto(format!("the vault could not be encoded: {error}")))?;
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        let mut out = Vec::with_capacity(HEADER_LEN + in_out.len() + 16);
        out.extend_from_slice(MAGIC);
        out.push(self.method);
        out.extend_from_slice(&self.iterations.to_be_bytes());
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&nonce);
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(&out[..HEADER_LEN]),
                &mut in_out,
            )
            .map_err(|_| Error::Crypto("the vault could not be encrypted".into()))?;
        out.extend_from_slice(&in_out);
        Ok(files::replace(
            &self.path,
            &out,
            NewFile::OwnerOnly,
            Within::TRUSTED,
        )?)
    }
}

fn fill_random(bytes: &mut [u8]) -> Result<()> {
    SystemRandom::new()
        .fill(bytes)
        .map_err(|_| Error::Crypto("the system's random source failed".into()))
}

fn aes_key(bytes: &[u8; 32]) -> Result<LessSafeKey> {
    UnboundKey::new(&AES_256_GCM, bytes)
        .map(LessSafeKey::new)
        .map_err(|_| Error::Crypto("the vault key could not be made".into()))
}

/// Reads the key file, or creates it with a new random key when `create_missing` and it is absent.
fn key_file(path: &Path, create_missing: bool) -> Result<LessSafeKey> {
    if !path.is_absolute() {
        return Err(Error::VaultKey(format!(
            "“{}” is not an absolute path. Enter the key file's full path.",
            path.display()
        )));
    }
    if create_missing && !path.exists() {
        let mut key = [0u8; 32];
        fill_random(&mut key)?;
        let hex = quantum_kernel::hex(&key);
        files::replace(
            path,
            format!("{hex}\n").as_bytes(),
            NewFile::OwnerOnly,
            Within::TRUSTED,
        )?;
        return aes_key(&key);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|source| {
                Error::io(
                    format!("Could not read the key file {}", path.display()),
                    source,
                )
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(Error::VaultKey(format!(
                "The key file {} can be read by other users. Make it readable by you only (chmod 600) and try again.",
                path.display()
            )));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|source| {
        Error::io(
            format!("Could not read the key file {}", path.display()),
            source,
        )
    })?;
    let hex = text.trim();
    let invalid = || {
        Error::VaultKey(format!(
            "{} is not a vault key file: it should hold 64 hexadecimal characters.",
            path.display()
        ))
    };
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(invalid());
    }
    let mut key = [0u8; 32];
    for (index, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[index * 2..index * 2 + 2], 16).map_err(|_| invalid())?;
    }
    aes_key(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: u32 = 1_000;

    fn passphrase() -> Secret {
        Secret::new("correct horse battery staple")
    }

    #[test]
    fn values_survive_a_lock_and_unlock_and_never_appear_in_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vault.qav");
        let pass = passphrase();
        let mut vault =
            Vault::create_with_iterations(&path, VaultKeySource::Passphrase(&pass), CHEAP)
                .expect("create");
        vault
            .set("secret/1/dev/API_TOKEN", &Secret::new("tok-3141592653"))
            .expect("set");
        let bytes = std::fs::read(&path).expect("read");
        assert!(!bytes.windows(14).any(|w| w == b"tok-3141592653"));
        assert!(!bytes.windows(9).any(|w| w == b"API_TOKEN"));

        let reopened = Vault::unlock(&path, VaultKeySource::Passphrase(&pass)).expect("unlock");
        assert_eq!(
            reopened
                .find("secret/1/dev/API_TOKEN")
                .map(|s| s.expose().to_owned()),
            Some("tok-3141592653".to_owned())
        );
    }

    #[test]
    fn a_wrong_passphrase_or_a_flipped_byte_unlocks_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vault.qav");
        let pass = passphrase();
        let mut vault =
            Vault::create_with_iterations(&path, VaultKeySource::Passphrase(&pass), CHEAP)
                .expect("create");
        vault.set("a", &Secret::new("b")).expect("set");
        let wrong = Secret::new("not the passphrase at all");
        assert!(matches!(
            Vault::unlock(&path, VaultKeySource::Passphrase(&wrong)),
            Err(Error::VaultWrongKey)
        ));
        let mut bytes = std::fs::read(&path).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        assert!(matches!(
            Vault::unlock(&path, VaultKeySource::Passphrase(&pass)),
            Err(Error::VaultWrongKey)
        ));
    }

    #[test]
    fn a_short_passphrase_and_an_existing_vault_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vault.qav");
        let short = Secret::new("short");
        assert!(matches!(
            Vault::create_with_iterations(&path, VaultKeySource::Passphrase(&short), CHEAP),
            Err(Error::VaultKey(_))
        ));
        assert!(!path.exists());
        let pass = passphrase();
        Vault::create_with_iterations(&path, VaultKeySource::Passphrase(&pass), CHEAP)
            .expect("create");
        assert!(matches!(
            Vault::create_with_iterations(&path, VaultKeySource::Passphrase(&pass), CHEAP),
            Err(Error::VaultExists)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_is_created_owner_only_and_refused_once_others_can_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vault.qav");
        let key = dir.path().join("vault.key");
        let mut vault = Vault::create(&path, VaultKeySource::KeyFile(&key)).expect("create");
        vault.set("a", &Secret::new("b")).expect("set");
        let mode = std::fs::metadata(&key).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let reopened = Vault::unlock(&path, VaultKeySource::KeyFile(&key)).expect("unlock");
        assert_eq!(
            reopened.find("a").map(|s| s.expose().to_owned()),
            Some("b".into())
        );

        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(
            Vault::unlock(&path, VaultKeySource::KeyFile(&key)),
            Err(Error::VaultKey(message)) if message.contains("chmod 600")
        ));
    }
}
