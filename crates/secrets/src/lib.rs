//! Secrets: a value type that cannot leak by accident, and where secret values are kept: the OS
//! keychain, or an encrypted vault file where no keychain exists. Nothing else ever holds them.

mod error;
pub mod kdf;
mod keychain;
mod store;
mod vault;

pub use error::{Error, Result};
pub use keychain::{Keychain, KEYCHAIN_SERVICE, MAX_SECRET_BYTES, PART_UTF16_UNITS};
pub use store::{
    AccessObserver, SecretAccess, SecretStore, SecretStoreKind, SecretStoreStatus, VaultKey,
};

use std::fmt;

use ring::rand::{SecureRandom, SystemRandom};

/// A secret value. Debug and Display print a placeholder, and it implements no Serialize, so it
/// cannot reach a log, an event or the SQLite file without an explicit `expose()`.
///
/// Serializing one does not compile:
/// ```compile_fail
/// fn serialize<T: serde::Serialize>(_: &T) {}
/// serialize(&quantum_secrets::Secret::new("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it (a connection, the keychain, a copy).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A strong password of `length` characters from the OS's secure random source. Letters and
    /// digits only, so that it needs no quoting in URLs, shells or `.env` files.
    pub fn generate_password(length: usize) -> Result<Self> {
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        let random = SystemRandom::new();
        let mut password = String::with_capacity(length);
        let mut byte = [0u8; 1];
        while password.len() < length {
            random
                .fill(&mut byte)
                .map_err(|_| Error::Keychain("the system's random source failed".into()))?;
            // Rejection sampling keeps every character equally likely.
            let limit = 256 - 256 % ALPHABET.len();
            if usize::from(byte[0]) < limit {
                password.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
            }
        }
        Ok(Self(password))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(••••••)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("••••••")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_or_display() {
        let secret = Secret::new("hunter2");
        assert!(!format!("{secret:?} {secret}").contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn generated_passwords_are_long_distinct_and_need_no_quoting() {
        let a = Secret::generate_password(32).expect("password");
        let b = Secret::generate_password(32).expect("password");
        assert_eq!(a.expose().len(), 32);
        assert_ne!(a, b);
        assert!(a.expose().chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
