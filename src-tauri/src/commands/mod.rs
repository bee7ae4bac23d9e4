//! Thin IPC commands, one file per domain: parse, call the core, map the error.

pub mod app;
pub mod audit;
pub mod ci;
pub mod collections;
pub mod compose;
pub mod config;
pub mod connections;
pub mod console;
pub mod copy;
pub mod dashboard;
pub mod datasources;
pub mod deploy;
pub mod dialogs;
pub mod health;
pub mod keyspace;
pub mod logs;
pub mod metrics;
pub mod migrations;
pub mod projects;
pub mod resources;
pub mod scan;
pub mod schema;
pub mod settings;
pub mod snapshots;
pub mod streams;
pub mod templates;
pub mod testruns;
pub mod updates;
pub mod variables;

/// What every command returns: its value, or `{ code, message, field }`.
pub type CommandResult<T> = Result<T, quantum_kernel::ErrorInfo>;
