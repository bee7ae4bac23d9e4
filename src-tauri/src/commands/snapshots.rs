//! A datasource's snapshots: list, take, restore, delete. Retention is the settings' number.

use quantum_snapshots::{Restored, Snapshot, SnapshotTrigger, Taken};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn snapshots_list(
    state: State<'_, AppState>,
    datasource_id: i64,
) -> CommandResult<Vec<Snapshot>> {
    Ok(state.snapshots.list(datasource_id).await?)
}

/// Stops the datasource for the copy and starts it again; older snapshots beyond the kept
/// number are deleted and returned.
#[tauri::command]
#[specta::specta]
pub async fn snapshots_take(
    state: State<'_, AppState>,
    datasource_id: i64,
    note: String,
) -> CommandResult<Taken> {
    let keep = state.settings().snapshots_kept;
    Ok(state
        .snapshots
        .take(datasource_id, SnapshotTrigger::Manual, note.trim(), keep)
        .await?)
}

/// Replaces the datasource's data with the snapshot's; the replaced data is kept as a snapshot.
#[tauri::command]
#[specta::specta]
pub async fn snapshots_restore(
    state: State<'_, AppState>,
    snapshot_id: i64,
) -> CommandResult<Restored> {
    let keep = state.settings().snapshots_kept;
    Ok(state.snapshots.restore(snapshot_id, keep).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn snapshots_delete(state: State<'_, AppState>, snapshot_id: i64) -> CommandResult<()> {
    Ok(state.snapshots.delete(snapshot_id).await?)
}
