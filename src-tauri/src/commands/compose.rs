//! The project's databases exported as a compose file (and the passwords it reads, into `.env`),
//! and a compose project's database services imported as datasources.

use quantum_core::compose::{
    self, ComposeExportPreview, ComposeImportPreview, ComposeImportRequest, ComposeImportResult,
};
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

/// What importing the compose files would do: the datasources (names, data, passwords' places),
/// the services left to Compose, unknown keys, and the files a password replacement would change.
#[tauri::command]
#[specta::specta]
pub async fn compose_import_preview(
    state: State<'_, AppState>,
    request: ComposeImportRequest,
) -> CommandResult<ComposeImportPreview> {
    compose::import_preview(&state, &request).await
}

/// Imports the chosen services as datasources, if the files still are as `fingerprint` says;
/// with `replace_passwords`, the passwords written in them move to `.env`.
#[tauri::command]
#[specta::specta]
pub async fn compose_import_apply(
    state: State<'_, AppState>,
    request: ComposeImportRequest,
    services: Vec<String>,
    replace_passwords: bool,
    fingerprint: String,
) -> CommandResult<ComposeImportResult> {
    compose::import_apply(&state, &request, &services, replace_passwords, &fingerprint).await
}
