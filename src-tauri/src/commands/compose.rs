//! The project's databases exported as a compose file (and the passwords it reads, into `.env`).

use quantum_core::compose::{self, ComposeExportPreview};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// `compose.yaml` and `.env` before and after the export; passwords masked.
#[tauri::command]
#[specta::specta]
pub async fn compose_export_preview(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<ComposeExportPreview> {
    compose::export_preview(&state, project_id).await
}

/// Writes both, if they still hold what `expected` showed; through a link out of the project
/// folder only with `allow_outside`.
#[tauri::command]
#[specta::specta]
pub async fn compose_export_write(
    state: State<'_, AppState>,
    project_id: i64,
    expected: ComposeExportPreview,
    allow_outside: bool,
) -> CommandResult<ComposeExportPreview> {
    compose::export_write(&state, project_id, &expected, allow_outside).await
}
