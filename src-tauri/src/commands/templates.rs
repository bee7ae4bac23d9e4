//! New projects from templates: the list (built-ins and the user's folders), a preview of every
//! file, and the project made with its databases.

use quantum_core::templates::CreatedProject;
use quantum_kernel::ErrorInfo;
use quantum_templates::{NewProject, TemplatePreview, TemplateSummary};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn templates_list(state: State<'_, AppState>) -> CommandResult<Vec<TemplateSummary>> {
    Ok(state.templates.list().await?)
}

/// Adds a folder holding a template.toml and files/ (a git checkout will do) to the list.
#[tauri::command]
#[specta::specta]
pub async fn templates_add_folder(
    state: State<'_, AppState>,
    path: String,
) -> CommandResult<TemplateSummary> {
    Ok(state.templates.add_folder(&path).await?)
}

/// Takes a folder off the list; the folder stays on disk.
#[tauri::command]
#[specta::specta]
pub async fn templates_remove_folder(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state.templates.remove_folder(id).await?)
}

/// Every file the project would get, with its text, and whether the folder holds anything.
#[tauri::command]
#[specta::specta]
pub async fn templates_preview(
    state: State<'_, AppState>,
    input: NewProject,
) -> CommandResult<TemplatePreview> {
    let templates = state.templates.clone();
    tokio::task::spawn_blocking(move || templates.preview(&input))
        .await
        .map_err(|error| ErrorInfo::new("template.preview_failed", error.to_string()))?
        .map_err(Into::into)
}

/// Writes the files, makes the project and starts creating its declared databases.
#[tauri::command]
#[specta::specta]
pub async fn templates_create(
    state: State<'_, AppState>,
    input: NewProject,
    create_datasources: bool,
) -> CommandResult<CreatedProject> {
    quantum_core::templates::create(&state, input, create_datasources).await
}
