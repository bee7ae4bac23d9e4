use quantum_kernel::dashboard::{self, DashboardSummary};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn dashboard_summary(state: State<'_, AppState>) -> CommandResult<DashboardSummary> {
    Ok(dashboard::summary(&state.store).await?)
}
