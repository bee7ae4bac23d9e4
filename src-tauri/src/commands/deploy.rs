//! Deploys: the project's environments, their history and logs; a deploy or a rollback streamed
//! over a channel stage by stage and line by line (its end is told through the desktop by
//! events.rs, from the audited change).

use quantum_core::deploy::DeployEnvironment;
use quantum_deploy::{DeployEvent, Release};
use tauri::ipc::Channel;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn deploy_environments(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<DeployEnvironment>> {
    quantum_core::deploy::environments(&state.core, project_id).await
}

/// The project's releases (one environment's when given), newest first.
#[tauri::command]
#[specta::specta]
pub async fn deploy_history(
    state: State<'_, AppState>,
    project_id: i64,
    environment: Option<String>,
) -> CommandResult<Vec<Release>> {
    Ok(state
        .core
        .deploys
        .history(project_id, environment.as_deref())
        .await?)
}

/// A release's build and release log.
#[tauri::command]
#[specta::specta]
pub async fn deploy_log(state: State<'_, AppState>, release_id: i64) -> CommandResult<String> {
    Ok(state.core.deploys.log(release_id).await?)
}

/// Builds the project and releases it to `environment`; ends with the release, live or failed.
#[tauri::command]
#[specta::specta]
pub async fn deploy_start(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    on_event: Channel<DeployEvent>,
) -> CommandResult<Release> {
    let send = move |event: DeployEvent| {
        let _ = on_event.send(event);
    };
    quantum_core::deploy::deploy(&state.core, project_id, &environment, &send).await
}

/// Releases a kept release again.
#[tauri::command]
#[specta::specta]
pub async fn deploy_rollback(
    state: State<'_, AppState>,
    project_id: i64,
    release_id: i64,
    on_event: Channel<DeployEvent>,
) -> CommandResult<Release> {
    let send = move |event: DeployEvent| {
        let _ = on_event.send(event);
    };
    quantum_core::deploy::rollback(&state.core, project_id, release_id, &send).await
}
