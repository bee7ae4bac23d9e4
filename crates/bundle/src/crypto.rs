//! Encrypted export bundles: one file that carries projects to another machine, sealed with a
//! passphrase.
//!
//! Layout (all integers big-endian):
//!
//! | offset | size | field                                        |
//! |--------|------|----------------------------------------------|
//! | 0      | 8    | magic `QABUNDLE`                             |
//! | 8      | 1    | format version, `1`                          |
//! | 9      | 4    | PBKDF2-HMAC-SHA256 iterations (u32)          |
//! | 13     | 16   | random salt                                  |
//! | 29     | 12   | random AES-GCM nonce                         |
//! | 41     | …    | AES-256-GCM ciphertext, then its 16-byte tag |
//!
//! The whole 41-byte header is the AEAD's associated data, so changing any byte of it (the
//! iteration count included) fails authentication like a change to the ciphertext does. The
//! iteration count is stored so that it can be raised later without a new format version; `open`
//! still refuses counts below [`MIN_ITERATIONS`] (a forged weak bundle) and above
//! [`MAX_ITERATIONS`] (a header that would keep the app busy for minutes).

use ring::aead::{Aad, Nonce, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

use quantum_secrets::kdf::{derive_key, MAX_ITERATIONS, MIN_ITERATIONS};
use quantum_secrets::Secret;

use crate::error::{Error, Result};

/// The first bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"QABUNDLE";
/// The only format version this build writes and reads.
pub const VERSION: u8 = 1;

const SALT_LEN: usize = 16;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = MAGIC.len() + 1 + 4 + SALT_LEN + NONCE_LEN;

/// Encrypts `plaintext` under a key derived from `passphrase`. Every call draws a fresh salt and
/// nonce, so sealing the same data twice gives unrelated bundles.
pub fn seal(plaintext: &[u8], passphrase: &Secret) -> Result<Vec<u8>> {
    seal_with_iterations(plaintext, passphrase, MIN_ITERATIONS)
}

/// Decrypts a bundle made by [`seal`]. Nothing is returned unless the whole bundle authenticates,
/// so a caller never sees part of a damaged file.
pub fn open(bundle: &[u8], passphrase: &Secret) -> Result<Vec<u8>> {
    open_with_floor(bundle, passphrase, MIN_ITERATIONS)
}

fn seal_with_iterations(plaintext: &[u8], passphrase: &Secret, iterations: u32) -> Result<Vec<u8>> {
    if passphrase.expose().is_empty() {
        return Err(Error::validation(
            "validation.empty_passphrase",
            "passphrase",
            "Enter a passphrase: the bundle is encrypted with it, and it is needed to import it.",
        ));
    }
    let random = SystemRandom::new();
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    random
        .fill(&mut salt)
        .and_then(|()| random.fill(&mut nonce))
        .map_err(|_| Error::crypto("the system's random source failed"))?;

    let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&iterations.to_be_bytes());
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);

    let key = derive_key(passphrase, iterations, &salt)?;
    let mut in_out = plaintext.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(&out[..HEADER_LEN]),
        &mut in_out,
    )
    .map_err(|_| Error::crypto("the data could not be encrypted"))?;
    out.extend_from_slice(&in_out);
    Ok(out)
}

/// `open` with a configurable iteration floor, so that tests can use cheap bundles.
fn open_with_floor(bundle: &[u8], passphrase: &Secret, min_iterations: u32) -> Result<Vec<u8>> {
    if bundle.len() < MAGIC.len() {
        // A cut-off magic is still recognisably ours: report the truncation, not a foreign file.
        return Err(if !bundle.is_empty() && MAGIC.starts_with(bundle) {
            truncated()
        } else {
            Error::BundleNotABundle
        });
    }
    if &bundle[..MAGIC.len()] != MAGIC {
        return Err(Error::BundleNotABundle);
    }
    let Some(&version) = bundle.get(MAGIC.len()) else {
        return Err(truncated());
    };
    if version != VERSION {
        return Err(Error::BundleUnsupportedVersion { version });
    }
    if bundle.len() < HEADER_LEN {
        return Err(truncated());
    }
    let (header, sealed) = bundle.split_at(HEADER_LEN);
    let iterations = u32::from_be_bytes([header[9], header[10], header[11], header[12]]);
    if !(min_iterations.max(1)..=MAX_ITERATIONS).contains(&iterations) {
        return Err(Error::BundleCorrupt {
            reason: format!(
                "its key-derivation count ({iterations}) is outside {MIN_ITERATIONS}–{MAX_ITERATIONS}"
            ),
        });
    }
    if sealed.len() < TAG_LEN {
        return Err(truncated());
    }
    let salt = &header[13..13 + SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&header[13 + SALT_LEN..HEADER_LEN]);

    let key = derive_key(passphrase, iterations, salt)?;
    let mut in_out = sealed.to_vec();
    let plaintext_len = key
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(header),
            &mut in_out,
        )
        .map_err(|_| Error::BundleWrongPassphrase)?
        .len();
    in_out.truncate(plaintext_len);
    Ok(in_out)
}

fn truncated() -> Error {
    Error::BundleCorrupt {
        reason: "the file is cut short".into(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use quantum_kernel::Coded;

    use super::*;

    /// Cheap enough to run hundreds of times; real bundles use `MIN_ITERATIONS`.
    const TEST_ITERATIONS: u32 = 1_000;

    fn passphrase() -> Secret {
        Secret::new("correct horse battery staple")
    }

    fn small_bundle() -> Vec<u8> {
        seal_with_iterations(b"{\"projects\":[]}", &passphrase(), TEST_ITERATIONS).expect("sealed")
    }

    fn open_cheap(bundle: &[u8]) -> Result<Vec<u8>> {
        open_with_floor(bundle, &passphrase(), 1)
    }

    #[test]
    fn round_trip_with_the_real_iteration_count() {
        let bundle = seal(b"hello bundle", &passphrase()).expect("sealed");
        assert_eq!(&bundle[..8], MAGIC);
        assert_eq!(bundle[8], VERSION);
        assert_eq!(bundle[9..13], MIN_ITERATIONS.to_be_bytes());
        assert_eq!(bundle.len(), HEADER_LEN + 12 + TAG_LEN);
        assert_eq!(
            open(&bundle, &passphrase()).expect("opened"),
            b"hello bundle"
        );
    }

    #[test]
    fn round_trip_of_empty_and_large_payloads() {
        for plaintext in [Vec::new(), vec![0xA5; 1 << 20]] {
            let bundle =
                seal_with_iterations(&plaintext, &passphrase(), TEST_ITERATIONS).expect("sealed");
            assert_eq!(open_cheap(&bundle).expect("opened"), plaintext);
        }
    }

    #[test]
    fn sealing_twice_uses_fresh_salt_and_nonce() {
        let a = small_bundle();
        let b = small_bundle();
        assert_ne!(a[13..HEADER_LEN], b[13..HEADER_LEN]);
        assert_ne!(a[HEADER_LEN..], b[HEADER_LEN..]);
    }

    #[test]
    fn wrong_passphrase_is_rejected() {
        let bundle = seal(b"hello", &passphrase()).expect("sealed");
        let error =
            open(&bundle, &Secret::new("Correct horse battery staple")).expect_err("rejected");
        assert!(matches!(error, Error::BundleWrongPassphrase));
        assert_eq!(error.code(), "bundle.wrong_passphrase");
        assert_eq!(
            error.to_string(),
            "The passphrase is wrong, or the file was changed or cut short. Check the passphrase and the file."
        );
    }

    #[test]
    fn empty_passphrase_is_refused_at_seal_time() {
        let error = seal(b"hello", &Secret::new("")).expect_err("rejected");
        assert_eq!(error.code(), "validation.empty_passphrase");
        assert!(error.to_string().starts_with("Enter a passphrase"));
    }

    #[test]
    fn every_single_byte_flip_is_rejected() {
        let bundle = small_bundle();
        for position in 0..bundle.len() {
            // 0x80 is left out: on the iteration count it would ask for ~8 million rounds.
            for mask in [0x01, 0xFF] {
                let mut changed = bundle.clone();
                changed[position] ^= mask;
                assert!(
                    open_cheap(&changed).is_err(),
                    "flipping byte {position} with {mask:#04x} was accepted"
                );
            }
        }
    }

    #[test]
    fn truncation_at_every_length_is_rejected() {
        let bundle = small_bundle();
        for length in 0..bundle.len() {
            let error = open_cheap(&bundle[..length]).expect_err("rejected");
            let expected = if length == 0 {
                "bundle.not_a_bundle"
            } else if length < HEADER_LEN + TAG_LEN {
                "bundle.corrupt"
            } else {
                "bundle.wrong_passphrase"
            };
            assert_eq!(error.code(), expected, "length {length}");
        }
    }

    #[test]
    fn appended_bytes_are_rejected() {
        let mut bundle = small_bundle();
        bundle.push(0);
        assert!(matches!(
            open_cheap(&bundle),
            Err(Error::BundleWrongPassphrase)
        ));
    }

    #[test]
    fn bad_magic_is_not_a_bundle() {
        let mut bundle = small_bundle();
        bundle[0] = b'X';
        let error = open_cheap(&bundle).expect_err("rejected");
        assert!(matches!(error, Error::BundleNotABundle));
        assert_eq!(error.code(), "bundle.not_a_bundle");
        assert!(matches!(
            open_cheap(b"PK\x03\x04 a zip file"),
            Err(Error::BundleNotABundle)
        ));
    }

    #[test]
    fn unknown_versions_are_unsupported() {
        for version in [0, 2, 255] {
            let mut bundle = small_bundle();
            bundle[8] = version;
            let error = open_cheap(&bundle).expect_err("rejected");
            assert!(
                matches!(error, Error::BundleUnsupportedVersion { version: v } if v == version)
            );
            assert_eq!(error.code(), "bundle.unsupported_version");
        }
    }

    #[test]
    fn iteration_counts_outside_the_bounds_are_rejected_by_open() {
        let weak = seal_with_iterations(b"x", &passphrase(), MIN_ITERATIONS - 1).expect("sealed");
        let error = open(&weak, &passphrase()).expect_err("rejected");
        assert_eq!(error.code(), "bundle.corrupt");
        assert!(error.to_string().contains("599999"), "{error}");

        let mut absurd = small_bundle();
        absurd[9..13].copy_from_slice(&(MAX_ITERATIONS + 1).to_be_bytes());
        assert_eq!(
            open(&absurd, &passphrase()).expect_err("rejected").code(),
            "bundle.corrupt"
        );
        absurd[9..13].copy_from_slice(&0u32.to_be_bytes());
        assert_eq!(
            open_cheap(&absurd).expect_err("rejected").code(),
            "bundle.corrupt"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn open_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert!(open(&bytes, &passphrase()).is_err());
        }

        #[test]
        fn open_never_panics_on_arbitrary_bytes_behind_a_valid_prefix(
            rest in proptest::collection::vec(any::<u8>(), 0..120),
        ) {
            let mut bytes = MAGIC.to_vec();
            bytes.push(VERSION);
            bytes.extend_from_slice(&rest);
            // Counts that pass the floor are capped so that the property stays fast.
            if bytes.len() >= 13 {
                let count = u32::from_be_bytes([bytes[9], bytes[10], bytes[11], bytes[12]]);
                if (TEST_ITERATIONS..=MAX_ITERATIONS).contains(&count) {
                    bytes[9..13].copy_from_slice(&TEST_ITERATIONS.to_be_bytes());
                }
            }
            prop_assert!(open_with_floor(&bytes, &passphrase(), TEST_ITERATIONS).is_err());
        }
    }
}
