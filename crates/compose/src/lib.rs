//! Quantum Admin's docker-compose files: a project's databases exported as a compose file that
//! `docker compose up` runs, and a compose project imported, its database services becoming
//! datasources.

mod error;
mod export;
pub mod import;

pub use error::{Error, Result};
pub use export::{export, password_variable_name, ComposeExport};
