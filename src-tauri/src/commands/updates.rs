//! Updates: check, install with progress over a channel (then restart), skip a version.

use quantum_kernel::settings::Settings;
use tauri::ipc::Channel;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;
use crate::updater::{Trigger, UpdateInfo, UpdateProgress, Updates};

/// Asks the update server now. A skipped version is still shown: the user asked.
#[tauri::command]
#[specta::specta]
pub async fn updates_check(
    updates: State<'_, Updates>,
    state: State<'_, AppState>,
) -> CommandResult<Option<UpdateInfo>> {
    updates.check(&state, Trigger::Manual).await
}

/// The update the last automatic check announced, for a window opened after it.
#[tauri::command]
#[specta::specta]
pub fn updates_pending(updates: State<'_, Updates>) -> Option<UpdateInfo> {
    updates.notice()
}

/// Downloads and verifies the update found by the last check, waits until no container
/// operation is under way, installs it and restarts the app.
#[tauri::command]
#[specta::specta]
pub async fn updates_install(
    updates: State<'_, Updates>,
    state: State<'_, AppState>,
    on_progress: Channel<UpdateProgress>,
) -> CommandResult<()> {
    updates
        .install(&state, &|progress| {
            // A closed window stops listening; the install goes on.
            let _ = on_progress.send(progress);
        })
        .await
}

/// Automatic checks stop announcing `version`.
#[tauri::command]
#[specta::specta]
pub fn updates_skip(
    updates: State<'_, Updates>,
    state: State<'_, AppState>,
    version: String,
) -> CommandResult<Settings> {
    updates.skip(&state, version)
}
