//! The dashboard's cards: the store's summary, the machine's state, the last test runs, CI as last
//! read, and the "Start stack" quick action.

use quantum_ci::SeenOverview;
use quantum_core::system::{ProjectTestRun, StackStart, SystemHealth};
use quantum_kernel::dashboard::{self, DashboardSummary};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn dashboard_summary(state: State<'_, AppState>) -> CommandResult<DashboardSummary> {
    Ok(dashboard::summary(&state.store).await?)
}

/// Docker (reachable, version, its disk), the secret store and the data folder's disk.
#[tauri::command]
#[specta::specta]
pub async fn dashboard_system(state: State<'_, AppState>) -> CommandResult<SystemHealth> {
    Ok(quantum_core::system::health(&state, &state.data_dir).await)
}

/// Each project's most recent test run, newest first.
#[tauri::command]
#[specta::specta]
pub async fn dashboard_test_runs(state: State<'_, AppState>) -> CommandResult<Vec<ProjectTestRun>> {
    quantum_core::system::last_test_runs(&state).await
}

/// Each project's CI as its watcher last read it: no request to the provider.
#[tauri::command]
#[specta::specta]
pub fn dashboard_ci(state: State<'_, AppState>) -> Vec<SeenOverview> {
    state.ci.seen_overviews()
}

/// Every project's live releases and their checks' state.
#[tauri::command]
#[specta::specta]
pub async fn dashboard_deploys(
    state: State<'_, AppState>,
) -> CommandResult<Vec<quantum_core::deploy::ServingRelease>> {
    quantum_core::deploy::serving(&state.core).await
}

/// Starts every datasource of the project that is not running and waits for them.
#[tauri::command]
#[specta::specta]
pub async fn project_start_stack(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<StackStart> {
    quantum_core::system::start_stack(&state, project_id).await
}
