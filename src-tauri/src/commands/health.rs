//! The Health section: a project's checks with their history and incidents, "Check now", and
//! pauses (a check, or all of the project's, for a while).

use quantum_config::HealthCheckDecl;
use quantum_health::{CheckResult, HealthOverview};
use quantum_kernel::ErrorInfo;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn health_overview(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<HealthOverview> {
    Ok(state.health.overview(project_id).await?)
}

/// Runs one check now, outside its interval: its result is kept with the others (incidents
/// follow the scheduled runs' count of failures in a row).
#[tauri::command]
#[specta::specta]
pub async fn health_check_now(
    state: State<'_, AppState>,
    project_id: i64,
    check: String,
) -> CommandResult<CheckResult> {
    let spec = state
        .health
        .checks(project_id)
        .into_iter()
        .find(|spec| spec.name == check)
        .ok_or_else(|| {
            ErrorInfo::new(
                "health.not_found",
                format!("The project's quantum.toml has no check named “{check}”."),
            )
        })?;
    Ok(state.health.check(project_id, &spec, &mut 0).await?)
}

/// Pauses a check (or, without one, all of the project's) for `minutes`.
#[tauri::command]
#[specta::specta]
pub async fn health_pause(
    state: State<'_, AppState>,
    project_id: i64,
    check: Option<String>,
    minutes: u32,
) -> CommandResult<()> {
    Ok(state
        .health
        .pause(project_id, check.as_deref(), minutes)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn health_resume(
    state: State<'_, AppState>,
    project_id: i64,
    check: Option<String>,
) -> CommandResult<()> {
    Ok(state.health.resume(project_id, check.as_deref()).await?)
}

/// Adds or changes a check in the project's quantum.toml (`previous`: its old name when renamed);
/// the checks are reloaded from the file.
#[tauri::command]
#[specta::specta]
pub async fn health_check_save(
    state: State<'_, AppState>,
    project_id: i64,
    check: HealthCheckDecl,
    previous: Option<String>,
) -> CommandResult<()> {
    state
        .configs
        .set_health_check(project_id, &check, previous.as_deref())
        .await?;
    quantum_core::health::load(&state.configs, &state.health, project_id).await;
    Ok(())
}

/// Removes a check from the project's quantum.toml (its results and incidents stay).
#[tauri::command]
#[specta::specta]
pub async fn health_check_remove(
    state: State<'_, AppState>,
    project_id: i64,
    name: String,
) -> CommandResult<()> {
    state.configs.remove_health_check(project_id, &name).await?;
    quantum_core::health::load(&state.configs, &state.health, project_id).await;
    Ok(())
}
