//! Secrets: a value type that cannot leak by accident, and the OS keychain that keeps them.

use std::fmt;

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::{Error, Result};

/// The keychain service name every entry of the app is filed under.
pub const KEYCHAIN_SERVICE: &str = "quantum-admin";

/// A secret value. Debug and Display print a placeholder, and it implements no Serialize, so it
/// cannot reach a log, an event or the SQLite file without an explicit `expose()`.
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

/// The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
#[derive(Clone, Debug, Default)]
pub struct Keychain;

impl Keychain {
    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(keychain_error)
    }

    pub fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(keychain_error)
    }

    pub fn get(&self, account: &str) -> Result<Secret> {
        self.entry(account)?
            .get_password()
            .map(Secret)
            .map_err(keychain_error)
    }

    /// Deletes an entry; one that is already gone is fine.
    pub fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keychain_error(error)),
        }
    }
}

/// Turns keychain failures into guidance.
fn keychain_error(error: keyring::Error) -> Error {
    let text = error.to_string();
    let guidance = match &error {
        keyring::Error::NoEntry => {
            "The password is not in the system keychain any more. Reset it from the datasource's menu.".to_owned()
        }
        keyring::Error::NoStorageAccess(_) => {
            "The system keychain is locked. Unlock it (log in to your desktop session) and try again.".to_owned()
        }
        _ if text.contains("org.freedesktop.secrets") => {
            "No keychain service is running. Install and start one (GNOME Keyring or KWallet) and try again.".to_owned()
        }
        _ if text.contains("dbus") || text.contains("D-Bus") => {
            "The system keychain cannot be reached: there is no desktop session bus. Start the app from your desktop session.".to_owned()
        }
        _ => format!("The system keychain failed: {text}"),
    };
    Error::Keychain(guidance)
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
