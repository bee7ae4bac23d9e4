//! Metric history: a datasource's CPU, memory, network and block I/O over a time range, from the
//! samples the core keeps in the background.

use quantum_metrics::History;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// The last `range_secs` seconds of the datasource's history (at most 600 points).
#[tauri::command]
#[specta::specta]
pub async fn metrics_history(
    state: State<'_, AppState>,
    datasource_id: i64,
    range_secs: u32,
) -> CommandResult<History> {
    quantum_core::metrics::history(&state.store, datasource_id, range_secs).await
}
