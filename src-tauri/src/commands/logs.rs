//! A project's one log: its datasources', its test runs' and the app's own lines merged by time,
//! streamed to the Logs page over a channel (history, then live), and saved filtered to a file.

use quantum_core::logs::{ProjectLogEvent, ProjectLogFollower};
use quantum_logs::{LogFilter, LogSource};
use serde::Serialize;
use specta::Type;
use tauri::ipc::Channel;
use tauri::State;

use super::streams::Running;
use super::CommandResult;
use crate::state::AppState;

/// A project's log opened: its stream (stopped with `stream_stop`) and its sources.
#[derive(Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectLogOpened {
    pub stream_id: u32,
    pub sources: Vec<LogSource>,
}

/// Opens the project's log from `since_ms` (everything the sources keep when `None`): the
/// history first, oldest first, then `live`, then new lines in batches.
#[tauri::command]
#[specta::specta]
pub async fn project_logs(
    state: State<'_, AppState>,
    project_id: i64,
    since_ms: Option<f64>,
    on_event: Channel<ProjectLogEvent>,
) -> CommandResult<ProjectLogOpened> {
    let (sources, follower): (_, ProjectLogFollower) = quantum_core::logs::follow(
        &state.core,
        project_id,
        state.log_dir.clone(),
        since_ms,
        move |event| on_event.send(event).is_ok(),
    )
    .await?;
    let stream_id = state.streams.register(Running::ProjectLog(follower));
    Ok(ProjectLogOpened { stream_id, sources })
}

/// Saves the lines that pass `filter`, read again from the sources up to now, to `path` (from
/// the native save dialog); how many.
#[tauri::command]
#[specta::specta]
pub async fn project_logs_export(
    state: State<'_, AppState>,
    project_id: i64,
    filter: LogFilter,
    path: String,
) -> CommandResult<u32> {
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let written =
        quantum_core::logs::export(&state.core, project_id, &state.log_dir, filter, path).await?;
    Ok(u32::try_from(written).unwrap_or(u32::MAX))
}
