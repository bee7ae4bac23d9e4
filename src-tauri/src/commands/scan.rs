//! What the project's folder holds (the Overview's "Found in the folder"), kept current by the
//! core's watcher; `ProjectScanChanged` tells the window when it changed by itself.

use std::path::Path;

use quantum_kernel::projects;
use quantum_scan::ProjectScan;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// The project's scan (none without a folder); `fresh` scans again (the Rescan button).
#[tauri::command]
#[specta::specta]
pub async fn project_scan(
    state: State<'_, AppState>,
    project_id: i64,
    fresh: bool,
) -> CommandResult<Option<ProjectScan>> {
    let project = projects::get(&state.store, project_id).await?;
    let Some(folder) = project.folder else {
        state.scans.forget(project_id);
        return Ok(None);
    };
    Ok(Some(
        state
            .scans
            .get(project_id, Path::new(&folder), fresh)
            .await?,
    ))
}
