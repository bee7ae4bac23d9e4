//! quantum.toml: read, check while typing, complete, format, save, and its history.

use quantum_config::{self as config, Completion, ConfigDocument, ConfigVersion, Diagnostic};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn config_get(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<ConfigDocument> {
    Ok(state.configs.get(project_id).await?)
}

/// Diagnostics of unsaved text, as the editor's markers.
#[tauri::command]
#[specta::specta]
pub async fn config_validate(
    state: State<'_, AppState>,
    project_id: i64,
    text: String,
) -> CommandResult<Vec<Diagnostic>> {
    Ok(state.configs.validate(project_id, &text).await?)
}

/// Suggestions at a 1-based line and UTF-16 column, as Monaco counts them.
#[tauri::command]
#[specta::specta]
pub fn config_complete(text: String, line: u32, column: u32) -> Vec<Completion> {
    config::completions(&text, line, column)
}

#[tauri::command]
#[specta::specta]
pub fn config_format(text: String) -> CommandResult<String> {
    Ok(config::format(&text)?)
}

/// Saves the editor's text; `expected_hash` is the hash it was loaded with (`None` overwrites).
#[tauri::command]
#[specta::specta]
pub async fn config_save(
    state: State<'_, AppState>,
    project_id: i64,
    text: String,
    expected_hash: Option<String>,
    allow_outside: bool,
) -> CommandResult<ConfigDocument> {
    Ok(state
        .configs
        .save(project_id, &text, expected_hash.as_deref(), allow_outside)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn config_history(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<ConfigVersion>> {
    Ok(state.configs.history(project_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn config_version_text(
    state: State<'_, AppState>,
    version_id: i64,
) -> CommandResult<String> {
    Ok(state.configs.version_text(version_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn config_restore(
    state: State<'_, AppState>,
    project_id: i64,
    version_id: i64,
    allow_outside: bool,
) -> CommandResult<ConfigDocument> {
    Ok(state
        .configs
        .restore(project_id, version_id, allow_outside)
        .await?)
}
