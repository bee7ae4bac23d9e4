//! A database's console history: the scripts run on it, read back from the activity log, where
//! every run is recorded with its text (one record, not two that could disagree).

use quantum_kernel::audit::{self, AuditAction};
use quantum_kernel::Store;
use serde::Serialize;
use specta::Type;

use crate::{AuditSubject, Result};

/// How many runs are read back; repeats of a script count once.
const READ: u32 = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub sql: String,
    /// When it last ran (UTC, RFC 3339).
    pub ran_at: String,
}

/// The scripts run on the subject's database, newest first, each once (at its latest run).
pub async fn history(
    store: &Store,
    subject: &AuditSubject,
    limit: usize,
) -> Result<Vec<HistoryEntry>> {
    let entries = audit::of_resource(
        store,
        AuditAction::QueryRun,
        subject.resource_type,
        subject.resource_id,
        READ,
    )
    .await?;
    let mut seen = std::collections::HashSet::new();
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let sql = entry.details.get("sql")?.as_str()?.to_owned();
            seen.insert(sql.trim().to_owned()).then_some(HistoryEntry {
                sql,
                ran_at: entry.occurred_at,
            })
        })
        .take(limit)
        .collect())
}
