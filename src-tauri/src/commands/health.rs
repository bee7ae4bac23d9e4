//! The Health section: a project's checks with their history and incidents, "Check now", and
//! pauses (a check, or all of the project's, for a while).

use quantum_config::HealthCheckDecl;
use quantum_health::report::{self, ReportKind};
use quantum_health::report_pdf;
use quantum_health::{CheckResult, HealthOverview};
use quantum_kernel::files::{self, NewFile, Within};
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
    quantum_core::health::load(&state.core, project_id).await;
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
    quantum_core::health::load(&state.core, project_id).await;
    Ok(())
}

/// The project's webhook as the page shows it: scheme and host only (the rest is a secret).
#[tauri::command]
#[specta::specta]
pub async fn health_webhook(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Option<String>> {
    let url = quantum_core::health::webhook(&state, project_id).await?;
    Ok(url.map(|url| {
        let (scheme, rest) = url.split_once("://").unwrap_or(("https", url.as_str()));
        let host = rest.split('/').next().unwrap_or_default();
        format!("{scheme}://{host}/…")
    }))
}

/// Sets the project's webhook (kept in the keychain), or removes it with `None`.
#[tauri::command]
#[specta::specta]
pub async fn health_webhook_set(
    state: State<'_, AppState>,
    project_id: i64,
    url: Option<String>,
) -> CommandResult<()> {
    quantum_core::health::set_webhook(&state, project_id, url).await
}

/// Posts a test message to the project's webhook, so the user sees it arrive.
#[tauri::command]
#[specta::specta]
pub async fn health_webhook_test(state: State<'_, AppState>, project_id: i64) -> CommandResult<()> {
    let url = quantum_core::health::webhook(&state, project_id)
        .await?
        .ok_or_else(|| ErrorInfo::new("health.no_webhook", "This project has no webhook yet."))?;
    let project = quantum_kernel::projects::get(&state.store, project_id).await?;
    let test = quantum_health::Incident {
        id: 0,
        project_id,
        check: "webhook test".into(),
        started_at: String::new(),
        ended_at: None,
        failing: "a test message from Quantum Admin; no check failed".into(),
        last_response: None,
    };
    state
        .health
        .post_webhook(&url, &project.name, &test)
        .await
        .map_err(|message| ErrorInfo::new("health.webhook_failed", message))
}

/// The incidents open now in every project (the dashboard's card).
#[tauri::command]
#[specta::specta]
pub async fn health_open_incidents(
    state: State<'_, AppState>,
) -> CommandResult<Vec<quantum_health::Incident>> {
    Ok(quantum_health::history::open_incidents(&state.store).await?)
}

/// Writes the project's uptime per check per day, or its incidents, over the last `days` days
/// as CSV to a file the user chose in the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn health_report_write(
    state: State<'_, AppState>,
    project_id: i64,
    kind: ReportKind,
    days: u32,
    path: String,
) -> CommandResult<()> {
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let text = report::csv(&state.store, project_id, kind, i64::from(days)).await?;
    files::replace(&path, text.as_bytes(), NewFile::Shared, Within::TRUSTED)?;
    Ok(())
}

/// Saves the project's health over the last `days` days as a PDF report (uptime per check, the
/// incidents, uptime per day) to `path`, chosen in the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn health_report_pdf_write(
    state: State<'_, AppState>,
    project_id: i64,
    days: u32,
    path: String,
) -> CommandResult<()> {
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let bytes = report_pdf::pdf_report(&state.store, project_id, i64::from(days)).await?;
    files::replace(&path, &bytes, NewFile::Shared, Within::TRUSTED)?;
    Ok(())
}
