//! The SQL console's core: a script is classified before it runs (read-only connections refuse
//! writes; destructive statements wait for the user's confirmation), audited by its text, then run
//! with its rows spooled to disk as they arrive ([`spool`]) and read back by page; a run can be
//! cancelled on the server (`pg_cancel_backend`, `KILL QUERY`) and stops at its timeout. A run's
//! result can be exported whole ([`ResultFormat`]); scripts run before are the [`history`], and
//! the project's [`saved`] queries are files in its folder.

mod classify;
mod error;
mod export;
mod history;
mod run;
pub mod saved;
mod spool;

pub use classify::{classify, Classified, StatementKind};
pub use error::{Error, Result};
pub use export::{ExportProgress, ResultFormat};
pub use history::{history, HistoryEntry};
pub use run::{AuditSubject, Console, ResultColumn, RunOptions, RunStatus};
pub use spool::Row;
