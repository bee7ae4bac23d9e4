//! Copying another database's tables and rows into a datasource of the app's: a preview of the
//! tables and types it would create, and the copy itself with progress, after a snapshot of the
//! target.

use quantum_copy::{CopyProgress, CopyReport, PlannedTable};
use quantum_core::target::datasource_target;
use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_snapshots::SnapshotTrigger;
use serde_json::json;
use tauri::ipc::Channel;
use tauri::State;

use super::schema::{target, SchemaSource};
use super::CommandResult;
use crate::state::AppState;

/// The tables, columns and mapped types a copy from `source` into the datasource would create.
#[tauri::command]
#[specta::specta]
pub async fn copy_preview(
    state: State<'_, AppState>,
    source: SchemaSource,
    datasource_id: i64,
) -> CommandResult<Vec<PlannedTable>> {
    let from = target(&state, source).await?;
    let into = datasource_target(&state.datasources, datasource_id).await?;
    Ok(quantum_copy::preview(&from, &into).await?)
}

/// Takes a snapshot of the datasource, then copies every table of `source` into it, pushing
/// progress; recorded in the activity log.
#[tauri::command]
#[specta::specta]
pub async fn copy_run(
    state: State<'_, AppState>,
    source: SchemaSource,
    datasource_id: i64,
    progress: Channel<CopyProgress>,
) -> CommandResult<CopyReport> {
    let from = target(&state, source).await?;
    let into = datasource_target(&state.datasources, datasource_id).await?;
    let name = source_name(&state, source).await?;
    let keep = state.settings().snapshots_kept;
    state
        .snapshots
        .take(datasource_id, SnapshotTrigger::BeforeCopy, &name, keep)
        .await?;
    let report = quantum_copy::copy(&from, &into, |step| {
        let _ = progress.send(step);
    })
    .await?;
    let datasource = state.datasources.get(datasource_id).await?;
    let mut conn = state
        .store
        .pool()
        .acquire()
        .await
        .map_err(quantum_kernel::Error::from)?;
    audit::record(
        &mut conn,
        NewAuditEntry {
            action: AuditAction::DataCopy,
            resource_type: ResourceType::Datasource,
            resource_id: datasource.id,
            resource_name: &datasource.name,
            project_id: Some(datasource.project_id),
            details: json!({
                "source": name,
                "tables": report.tables.len(),
                "rowsCopied": report.tables.iter().map(|t| t.rows_copied).sum::<i64>(),
                "rowsRejected": report.tables.iter().map(|t| t.rows_rejected).sum::<i64>(),
                "verified": report.tables.iter().all(|t| t.verified),
            }),
        },
    )
    .await?;
    state.store.announce(Change {
        action: AuditAction::DataCopy,
        resource_type: ResourceType::Datasource,
        resource_id: datasource.id,
    });
    Ok(report)
}

/// The source as the user named it: the datasource's or the connection's name.
async fn source_name(state: &AppState, source: SchemaSource) -> CommandResult<String> {
    Ok(match source {
        SchemaSource::Datasource(id) => state.datasources.get(id).await?.name,
        SchemaSource::Connection(id) => state.connections.get(id).await?.name,
    })
}
