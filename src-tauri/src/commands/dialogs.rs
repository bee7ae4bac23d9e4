//! Native file and folder dialogs. A file chosen in a save dialog is recorded for the rest of
//! the session: commands that write files accept it (see `crate::dialogs`).

use std::path::Path;

use tauri::State;

use super::CommandResult;
use crate::dialogs::{PickFilter, PickKind, PickRequest};
use crate::state::AppState;

/// Shows the dialog and returns the chosen path, or `null` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn dialog_pick(
    state: State<'_, AppState>,
    request: PickRequest,
) -> CommandResult<Option<String>> {
    let path = state.dialogs.pick(&request).await?;
    Ok(path.map(|p| p.display().to_string()))
}

/// The file a write may go to for a typed `path`: the path itself when it was chosen before or
/// lies in a project's folder; otherwise the user confirms it (or picks another) in the save
/// dialog, opened on it. `null` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn dialog_confirm_save(
    state: State<'_, AppState>,
    path: String,
    title: String,
    filters: Vec<PickFilter>,
) -> CommandResult<Option<String>> {
    let typed = Path::new(path.trim());
    let Some(refusal) = state.dialogs.refusal(&state.store, typed, "path").await else {
        return Ok(Some(typed.display().to_string()));
    };
    if refusal.code != "path.not_chosen" {
        return Err(refusal);
    }
    if !typed.parent().is_some_and(Path::is_dir) || typed.file_name().is_none() {
        return Err(quantum_kernel::ErrorInfo {
            code: "validation.invalid_folder".to_owned(),
            message: format!(
                "{} is not a file in an existing folder. Check the folder, or pick the file with Browse.",
                typed.display()
            ),
            field: Some("path".to_owned()),
        });
    }
    let request = PickRequest {
        kind: PickKind::SaveFile,
        title,
        filters,
        default_path: Some(typed.display().to_string()),
    };
    let chosen = state.dialogs.pick(&request).await?;
    Ok(chosen.map(|p| p.display().to_string()))
}
