use quantum_kernel::ErrorInfo;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::CommandResult;

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

/// Opens the documentation the settings point to in the default browser.
#[tauri::command]
#[specta::specta]
pub fn app_open_docs(state: State<'_, AppState>) -> CommandResult<()> {
    let url = state.settings().docs_url.ok_or_else(|| {
        ErrorInfo::new(
            "settings.docs_url_missing",
            "No documentation address is set yet: give one in Settings.",
        )
        .with_field("docsUrl")
    })?;
    tauri_plugin_opener::open_url(url, None::<&str>)
        .map_err(|error| ErrorInfo::new("app.open_failed", error.to_string()))
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
