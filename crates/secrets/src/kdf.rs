//! The one key derivation of the app's encrypted files (the vault, bundles): PBKDF2-HMAC-SHA256
//! into an AES-256-GCM key. It costs about 0.1 s on purpose, so callers run it on a blocking
//! thread (`tokio::task::spawn_blocking`), never on the main thread or an async worker.

use std::num::NonZeroU32;

use ring::aead::{LessSafeKey, UnboundKey, AES_256_GCM};
use ring::pbkdf2;

use crate::{Error, Result, Secret};

/// The iteration count the app writes, and the least a file may ask for (OWASP's 2023 figure).
pub const MIN_ITERATIONS: u32 = 600_000;
/// The most a file's header may ask for: room to raise the count later, while a forged header
/// cannot keep the app busy for more than about a second.
pub const MAX_ITERATIONS: u32 = 2_000_000;

/// The AES-256-GCM key PBKDF2-HMAC-SHA256 derives from a passphrase (bundles, the vault).
pub fn derive_key(passphrase: &Secret, iterations: u32, salt: &[u8]) -> Result<LessSafeKey> {
    let iterations = NonZeroU32::new(iterations)
        .ok_or_else(|| Error::Crypto("the key-derivation count must not be zero".into()))?;
    let mut key = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt,
        passphrase.expose().as_bytes(),
        &mut key,
    );
    let unbound = UnboundKey::new(&AES_256_GCM, &key)
        .map_err(|_| Error::Crypto("the derived key was rejected".into()))?;
    Ok(LessSafeKey::new(unbound))
}
