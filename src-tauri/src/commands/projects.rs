use quantum_kernel::projects::{self, Project, ProjectInput};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn project_list(state: State<'_, AppState>) -> CommandResult<Vec<Project>> {
    Ok(projects::list(&state.store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn project_get(state: State<'_, AppState>, id: i64) -> CommandResult<Project> {
    Ok(projects::get(&state.store, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn project_create(
    state: State<'_, AppState>,
    input: ProjectInput,
) -> CommandResult<Project> {
    Ok(projects::create(&state.store, input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn project_update(
    state: State<'_, AppState>,
    id: i64,
    input: ProjectInput,
) -> CommandResult<Project> {
    Ok(projects::update(&state.store, id, input).await?)
}

/// Deletes a project; `remove_datasources` (the user's explicit choice) removes its databases
/// first, keeping their data volumes. Without it a project with databases is refused.
#[tauri::command]
#[specta::specta]
pub async fn project_delete(
    state: State<'_, AppState>,
    id: i64,
    remove_datasources: bool,
) -> CommandResult<()> {
    let secrets = state.variables.secret_accounts(id).await?;
    let connection_passwords = state.connections.accounts_of(id).await?;
    if remove_datasources {
        for datasource in state.datasources.list(Some(id)).await? {
            state.snapshots.delete_all(datasource.id).await?;
        }
    }
    state
        .datasources
        .delete_project(id, remove_datasources)
        .await?;
    state.variables.forget(&secrets);
    // Its folder is watched no more.
    state.scans.forget(id);
    // The project's connections went with it (the rows cascade); their passwords go too.
    state.connections.forget(&connection_passwords);
    Ok(())
}
