use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::quit::Quitter;
use crate::state::{AppState, DockerStatus};

/// Facts about this installation, shown in Settings so a user can find their files.
#[derive(Clone, Debug, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub database_file: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
        log_dir: state.log_dir.display().to_string(),
        database_file: state.store.path().display().to_string(),
    }
}

/// Whether Docker answers, so a window opened later knows without waiting for an event.
#[tauri::command]
#[specta::specta]
pub fn docker_status(state: State<'_, AppState>) -> DockerStatus {
    state
        .docker
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// Quits the app (the palette's Quit, Ctrl+Q); `true` when it first waits for running operations.
#[tauri::command]
#[specta::specta]
pub fn app_quit(quitter: State<'_, Quitter>) -> bool {
    quitter.quit()
}
