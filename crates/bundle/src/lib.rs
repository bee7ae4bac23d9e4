//! Encrypted bundles: a project's configuration and secrets in one file, sealed with a passphrase,
//! to carry it to another machine or back it up. [`crypto`] is the file format; [`project`] what
//! goes in it and how it comes back all at once or not at all.

mod crypto;
mod error;
mod project;

pub use crypto::{open, seal, MAGIC, VERSION};
pub use error::{Error, Result};
pub use project::{export, import};
