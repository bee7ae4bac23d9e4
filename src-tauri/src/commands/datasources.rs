use quantum_datasources::{ConnectionFormat, Datasource, DatasourceInput, Engine, OrphanVolume};
use quantum_kernel::dotenv::EnvFilePreview;
use quantum_kernel::input::NumberInput;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// An engine as the "Add database" form offers it.
#[derive(Clone, Debug, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EngineInfo {
    pub engine: Engine,
    pub label: String,
    /// The image used when the form leaves it empty: the Settings override, else the official one.
    pub default_image: String,
    pub official_image: String,
    pub default_port: u16,
    pub has_database_and_user: bool,
}

#[tauri::command]
#[specta::specta]
pub fn engine_list(state: State<'_, AppState>) -> Vec<EngineInfo> {
    Engine::ALL
        .into_iter()
        .map(|engine| EngineInfo {
            engine,
            label: engine.label().to_owned(),
            default_image: state.datasources.default_image(engine),
            official_image: engine.default_image().to_owned(),
            default_port: engine.default_port(),
            has_database_and_user: engine.has_database_and_user(),
        })
        .collect()
}

#[tauri::command]
#[specta::specta]
pub async fn datasource_list(
    state: State<'_, AppState>,
    project_id: Option<i64>,
) -> CommandResult<Vec<Datasource>> {
    Ok(state.datasources.list(project_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn datasource_create(
    state: State<'_, AppState>,
    input: DatasourceInput,
) -> CommandResult<Datasource> {
    Ok(state.datasources.create(input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn datasource_start(state: State<'_, AppState>, id: i64) -> CommandResult<Datasource> {
    Ok(state.datasources.start(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn datasource_stop(state: State<'_, AppState>, id: i64) -> CommandResult<Datasource> {
    Ok(state.datasources.stop(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn datasource_restart(state: State<'_, AppState>, id: i64) -> CommandResult<Datasource> {
    Ok(state.datasources.restart(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn datasource_recreate(state: State<'_, AppState>, id: i64) -> CommandResult<Datasource> {
    Ok(state.datasources.recreate(id).await?)
}

/// Moves the datasource to another host port (without one, the next free one) and starts it
/// there: what a port conflict at start offers.
#[tauri::command]
#[specta::specta]
pub async fn datasource_move_port(
    state: State<'_, AppState>,
    id: i64,
    port: Option<i64>,
) -> CommandResult<Datasource> {
    Ok(state
        .datasources
        .move_port(id, port.map(NumberInput::Whole))
        .await?)
}

/// Removes the container; `delete_data` also deletes the data volume and the password.
#[tauri::command]
#[specta::specta]
pub async fn datasource_remove(
    state: State<'_, AppState>,
    id: i64,
    delete_data: bool,
) -> CommandResult<()> {
    // Its snapshots go first: they are copies of its data, of no use without it.
    state.snapshots.delete_all(id).await?;
    Ok(state.datasources.remove(id, delete_data).await?)
}

/// Copies the connection details, password included, to the system clipboard: audited, and the
/// password never passes through the web view.
#[tauri::command]
#[specta::specta]
pub async fn datasource_copy_connection(
    state: State<'_, AppState>,
    id: i64,
    format: ConnectionFormat,
) -> CommandResult<()> {
    let text = state.datasources.reveal_connection(id, format).await?;
    state.clipboard.write(text)
}

#[tauri::command]
#[specta::specta]
pub async fn datasource_orphan_volumes(
    state: State<'_, AppState>,
) -> CommandResult<Vec<OrphanVolume>> {
    Ok(state.datasources.orphan_volumes().await?)
}

/// The project folder's `.env` before and after writing this datasource's variables.
#[tauri::command]
#[specta::specta]
pub async fn datasource_env_preview(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<EnvFilePreview> {
    Ok(state.datasources.env_file_preview(id).await?)
}

/// Writes the variables, if the file still holds `expected` (what the preview showed); through a
/// link out of the project folder only with `allow_outside`, the user's confirmation.
#[tauri::command]
#[specta::specta]
pub async fn datasource_env_write(
    state: State<'_, AppState>,
    id: i64,
    expected: Option<String>,
    allow_outside: bool,
) -> CommandResult<()> {
    Ok(state
        .datasources
        .env_file_write(id, expected, allow_outside)
        .await?)
}
