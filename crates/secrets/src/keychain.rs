//! The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
//!
//! Windows' Credential Manager refuses a value over 2,560 bytes (1,280 UTF-16 code units, how it
//! stores text). So that a secret that works on Linux also works there, a longer value is kept, on
//! every platform alike, in parts of at most [`PART_UTF16_UNITS`] under accounts derived from its
//! own, with a head entry under the account itself naming the parts and the value's SHA-256. The
//! head is written last: until then, a reader still sees the previous value whole.
//!
//! Calls reach the keychain one at a time: GNOME Keyring's Secret Service aborts when new clients
//! open sessions at once (upstream gnome-keyring#196, seen here as "Message recipient
//! disconnected" and the keyring gone), and every call of `keyring` opens a new session. It has
//! still gone away mid-call in CI now and then; the session bus starts it again on the next call,
//! so a call it dropped is made once more (every call here is safe to repeat).

use std::sync::{Mutex, PoisonError};

use ring::digest::{digest, SHA256};

use super::Secret;
use crate::{Error, Result};

/// The keychain service name every entry of the app is filed under.
pub const KEYCHAIN_SERVICE: &str = "quantum-admin";

/// The most one entry holds, in UTF-16 code units; under Windows' limit of 1,280.
pub const PART_UTF16_UNITS: usize = 1_000;

/// The largest secret kept: the keychain is for passwords, keys and tokens, not files.
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

/// What a head entry starts with. A value that itself starts so is stored in parts too, so a head
/// can never be mistaken for a value.
const HEAD_PREFIX: &str = "quantum-admin:parts:v1:";

/// Held for each call to the keychain; see the module's comment.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// One call to the keychain, in turn, made again once if the keychain dropped it.
fn keychain_call<T>(call: impl Fn() -> keyring::Result<T>) -> keyring::Result<T> {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    match call() {
        Err(error) if dropped_by_the_keychain(&error) => {
            tracing::warn!(%error, "the keychain went away during a call; calling it again");
            call()
        }
        result => result,
    }
}

/// The keychain's process ended before answering (D-Bus's NoReply on a lost connection).
fn dropped_by_the_keychain(error: &keyring::Error) -> bool {
    matches!(error, keyring::Error::PlatformFailure(_))
        && error.to_string().contains("disconnected from message bus")
}

#[derive(Clone, Debug, Default)]
pub struct Keychain;

impl Keychain {
    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(keychain_error)
    }

    pub fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        let value = secret.expose();
        if value.len() > MAX_SECRET_BYTES {
            return Err(Error::validation(
                "secrets.too_large",
                "value",
                format!(
                    "This secret is {} KiB; the keychain keeps secrets of up to {} KiB. Keep a large file in the project folder and its path or key here.",
                    value.len().div_ceil(1024),
                    MAX_SECRET_BYTES / 1024
                ),
            ));
        }
        let previous = self.raw(account)?.and_then(|head| Head::parse(&head));
        if value.encode_utf16().count() <= PART_UTF16_UNITS && !value.starts_with(HEAD_PREFIX) {
            self.write(account, value)?;
        } else {
            let head = Head::of(value);
            for (index, part) in split_utf16(value, PART_UTF16_UNITS).into_iter().enumerate() {
                self.write(&head.part_account(account, index), part)?;
            }
            self.write(account, &head.text())?;
        }
        // The old parts, once nothing points at them; parts shared with the new value stay.
        if let Some(old) = previous.filter(|old| *old != Head::of(value)) {
            old.delete_parts(self, account)?;
        }
        Ok(())
    }

    pub fn get(&self, account: &str) -> Result<Secret> {
        self.find(account)?
            .ok_or_else(|| keychain_error(keyring::Error::NoEntry))
    }

    /// The entry's value; `None` when there is no such entry.
    pub fn find(&self, account: &str) -> Result<Option<Secret>> {
        let Some(raw) = self.raw(account)? else {
            return Ok(None);
        };
        let Some(head) = Head::parse(&raw) else {
            return Ok(Some(Secret::new(raw)));
        };
        let mut value = String::new();
        for index in 0..head.parts {
            match self.raw(&head.part_account(account, index))? {
                Some(part) => value.push_str(&part),
                None => return Err(incomplete()),
            }
        }
        if Head::of(&value) != head {
            return Err(incomplete());
        }
        Ok(Some(Secret::new(value)))
    }

    fn raw(&self, account: &str) -> Result<Option<String>> {
        let entry = self.entry(account)?;
        match keychain_call(|| entry.get_password()) {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keychain_error(error)),
        }
    }

    fn write(&self, account: &str, value: &str) -> Result<()> {
        let entry = self.entry(account)?;
        keychain_call(|| entry.set_password(value)).map_err(keychain_error)
    }

    /// Whether a keychain answers at all: looking up an entry that does not exist either reports
    /// "no entry" (a keychain is there) or fails (none is running, or no session bus).
    pub fn is_available(&self) -> bool {
        self.find("availability-probe").is_ok()
    }

    /// Deletes an entry and its parts; one that is already gone is fine.
    pub fn delete(&self, account: &str) -> Result<()> {
        let head = self.raw(account)?.and_then(|raw| Head::parse(&raw));
        self.delete_one(account)?;
        if let Some(head) = head {
            head.delete_parts(self, account)?;
        }
        Ok(())
    }

    fn delete_one(&self, account: &str) -> Result<()> {
        let entry = self.entry(account)?;
        match keychain_call(|| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keychain_error(error)),
        }
    }
}

/// A value kept in parts: how many, and its SHA-256, which also names the parts, so that a new
/// value's parts never overwrite the parts the current head still points at.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    parts: usize,
    sha256: String,
}

impl Head {
    fn of(value: &str) -> Self {
        let sha256 = quantum_kernel::hex(digest(&SHA256, value.as_bytes()).as_ref());
        Self {
            parts: split_utf16(value, PART_UTF16_UNITS).len(),
            sha256,
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        let (parts, sha256) = raw.strip_prefix(HEAD_PREFIX)?.split_once(':')?;
        Some(Self {
            parts: parts.parse().ok()?,
            sha256: sha256.to_owned(),
        })
    }

    fn text(&self) -> String {
        format!("{HEAD_PREFIX}{}:{}", self.parts, self.sha256)
    }

    fn part_account(&self, account: &str, index: usize) -> String {
        format!("{account}#{}.{}", &self.sha256[..12], index + 1)
    }

    fn delete_parts(&self, keychain: &Keychain, account: &str) -> Result<()> {
        (0..self.parts)
            .try_for_each(|index| keychain.delete_one(&self.part_account(account, index)))
    }
}

/// `value` cut into pieces of at most `units` UTF-16 code units, never inside a character.
fn split_utf16(value: &str, units: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (offset, ch) in value.char_indices() {
        if count + ch.len_utf16() > units {
            parts.push(&value[start..offset]);
            (start, count) = (offset, 0);
        }
        count += ch.len_utf16();
    }
    parts.push(&value[start..]);
    parts
}

fn incomplete() -> Error {
    Error::Keychain(
        "This secret was kept in parts in the system keychain and some are missing or changed. Set it again.".into(),
    )
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
    fn parts_stay_under_the_limit_and_never_split_a_character() {
        let value = "é🔑a".repeat(700);
        let parts = split_utf16(&value, PART_UTF16_UNITS);
        assert!(parts.len() > 1);
        assert!(parts
            .iter()
            .all(|part| part.encode_utf16().count() <= PART_UTF16_UNITS));
        assert_eq!(parts.concat(), value);
        assert_eq!(split_utf16("", PART_UTF16_UNITS), vec![""]);
    }

    #[test]
    fn a_head_reads_back_and_a_plain_value_is_no_head() {
        let head = Head::of(&"x".repeat(2_500));
        assert_eq!(head.parts, 3);
        assert_eq!(Head::parse(&head.text()), Some(head));
        assert_eq!(Head::parse("hunter2"), None);
    }
}
