use quantum_kernel::settings::Settings;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn settings_get(state: State<'_, AppState>) -> Settings {
    state.settings()
}

#[tauri::command]
#[specta::specta]
pub fn settings_update(state: State<'_, AppState>, settings: Settings) -> CommandResult<Settings> {
    state.update_settings(settings)
}
