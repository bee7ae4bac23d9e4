//! Quantum Admin's domain logic. Nothing here knows about Tauri: the shell in `src-tauri` adapts
//! these services to IPC commands, events and the tray.

pub mod audit;
pub mod bundle;
pub mod config;
pub mod dashboard;
pub mod datasources;
pub mod docker;
pub mod dotenv;
pub mod error;
pub mod events;
pub mod files;
pub mod projects;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod variables;

pub use error::{Error, ErrorCode, ErrorInfo, Result};
pub use store::Store;
