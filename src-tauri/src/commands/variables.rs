//! Environment variables and secrets, `.env` import/export, encrypted bundles and the vault.
//! A secret's value crosses IPC only on an explicit reveal; copies are made by Rust.

use std::path::Path;
use std::sync::Arc;

use quantum_kernel::dotenv::EnvFilePreview;
use quantum_kernel::projects::Project;
use quantum_kernel::ErrorInfo;
use quantum_secrets::{Secret, SecretStoreStatus, VaultKey};
use quantum_variables::{
    DotenvEntry, DotenvImportRequest, ImportSummary, ProjectVariables, RevealPurpose, Variable,
    VariableInput,
};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn variables_list(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<ProjectVariables> {
    Ok(state.variables.list(project_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn environment_add(
    state: State<'_, AppState>,
    project_id: i64,
    name: String,
) -> CommandResult<()> {
    Ok(state.variables.add_environment(project_id, &name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn variable_set(
    state: State<'_, AppState>,
    project_id: i64,
    input: VariableInput,
) -> CommandResult<Variable> {
    Ok(state.variables.set(project_id, input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn variable_remove(
    state: State<'_, AppState>,
    project_id: i64,
    environment: Option<String>,
    name: String,
) -> CommandResult<()> {
    Ok(state
        .variables
        .remove(project_id, environment.as_deref(), &name)
        .await?)
}

/// Shows a secret's value in the window: recorded in the audit log (name only).
#[tauri::command]
#[specta::specta]
pub async fn secret_reveal(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    name: String,
) -> CommandResult<String> {
    let secret = state
        .variables
        .reveal(project_id, &environment, &name, RevealPurpose::Show)
        .await?;
    Ok(secret.expose().to_owned())
}

/// Puts a secret's value on the clipboard without it passing through the web view; audited.
#[tauri::command]
#[specta::specta]
pub async fn secret_copy(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    name: String,
) -> CommandResult<()> {
    let secret = state
        .variables
        .reveal(project_id, &environment, &name, RevealPurpose::Copy)
        .await?;
    state.clipboard.write(secret.expose().to_owned())
}

#[tauri::command]
#[specta::specta]
pub async fn dotenv_import_preview(
    state: State<'_, AppState>,
    path: String,
) -> CommandResult<Vec<DotenvEntry>> {
    Ok(state.variables.dotenv_import_preview(&path).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn dotenv_import(
    state: State<'_, AppState>,
    project_id: i64,
    request: DotenvImportRequest,
) -> CommandResult<ImportSummary> {
    Ok(state.variables.dotenv_import(project_id, request).await?)
}

/// The `.env` file before and after exporting an environment into it; secrets are masked.
#[tauri::command]
#[specta::specta]
pub async fn dotenv_export_preview(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    path: Option<String>,
) -> CommandResult<EnvFilePreview> {
    Ok(state
        .variables
        .dotenv_export_preview(project_id, &environment, path.as_deref())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn dotenv_export_write(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    path: Option<String>,
    expected: Option<String>,
    allow_outside: bool,
) -> CommandResult<()> {
    // Without a path the file is the project folder's `.env`; any other must have been chosen.
    if let Some(path) = path.as_deref().filter(|p| !p.trim().is_empty()) {
        state.dialogs.writable(&state.store, path, "path").await?;
    }
    Ok(state
        .variables
        .dotenv_export_write(
            project_id,
            &environment,
            path.as_deref(),
            expected,
            allow_outside,
        )
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn bundle_export(
    state: State<'_, AppState>,
    project_id: i64,
    path: String,
    passphrase: String,
) -> CommandResult<()> {
    state.dialogs.writable(&state.store, &path, "path").await?;
    Ok(quantum_bundle::export(
        &state.variables,
        project_id,
        &path,
        &Secret::new(passphrase),
    )
    .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn bundle_import(
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
    project_name: Option<String>,
) -> CommandResult<Project> {
    Ok(quantum_bundle::import(
        &state.variables,
        &path,
        &Secret::new(passphrase),
        project_name,
    )
    .await?)
}

#[tauri::command]
#[specta::specta]
pub fn secret_store_status(state: State<'_, AppState>) -> SecretStoreStatus {
    state.variables.secret_store().status()
}

/// Creates the vault; a key file that does not exist yet is created, so it must be a file the
/// user chose (an existing one is only read).
#[tauri::command]
#[specta::specta]
pub async fn vault_create(
    state: State<'_, AppState>,
    key: VaultKey,
) -> CommandResult<SecretStoreStatus> {
    if let VaultKey::KeyFile(path) = &key {
        if !Path::new(path.trim()).exists() {
            state
                .dialogs
                .writable(&state.store, path, "keyFile")
                .await?;
        }
    }
    let secrets = Arc::clone(state.variables.secret_store());
    derive_off_the_main_thread(move || secrets.create_vault(&key)).await
}

#[tauri::command]
#[specta::specta]
pub async fn vault_unlock(
    state: State<'_, AppState>,
    key: VaultKey,
) -> CommandResult<SecretStoreStatus> {
    let secrets = Arc::clone(state.variables.secret_store());
    derive_off_the_main_thread(move || secrets.unlock_vault(&key)).await
}

/// The vault's key derivation (PBKDF2, 600,000 iterations) on a blocking thread: on the main thread
/// it would freeze the window, on an async worker it would stall other commands.
async fn derive_off_the_main_thread(
    work: impl FnOnce() -> quantum_secrets::Result<SecretStoreStatus> + Send + 'static,
) -> CommandResult<SecretStoreStatus> {
    match tauri::async_runtime::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(error) => Err(ErrorInfo::new(
            "crypto.failed",
            format!("The vault's key derivation stopped: {error}"),
        )),
    }
}
