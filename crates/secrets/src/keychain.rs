//! The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).

use super::Secret;
use crate::{Error, Result};

/// The keychain service name every entry of the app is filed under.
pub const KEYCHAIN_SERVICE: &str = "quantum-admin";

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
            .map(Secret::new)
            .map_err(keychain_error)
    }

    /// The entry's value; `None` when there is no such entry.
    pub fn find(&self, account: &str) -> Result<Option<Secret>> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keychain_error(error)),
        }
    }

    /// Whether a keychain answers at all: looking up an entry that does not exist either reports
    /// "no entry" (a keychain is there) or fails (none is running, or no session bus).
    pub fn is_available(&self) -> bool {
        self.find("availability-probe").is_ok()
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
