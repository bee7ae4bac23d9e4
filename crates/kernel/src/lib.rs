//! Quantum Admin's kernel: what every domain crate builds on. The app's SQLite store and its
//! migrations, the audit log, committed-change events (and the feed that tells them to another
//! process), projects (the hub every domain hangs off), settings, the error shape, and the user's
//! files the app reads and replaces. Nothing here knows about Tauri, Docker or the keychain.

pub mod audit;
pub mod dashboard;
pub mod dotenv;
pub mod engine;
pub mod error;
pub mod events;
pub mod feed;
pub mod files;
pub mod input;
pub mod projects;
pub mod settings;
pub mod store;

pub use engine::{Engine, TlsPolicy};
pub use error::{Coded, Error, ErrorInfo, Result};
pub use store::Store;

/// Bytes in lowercase hex, two digits each: digests, random names, bytes that are not text.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// For [`domain_error!`]: domain crates name sqlx's error through the kernel's.
#[doc(hidden)]
pub use sqlx;
