//! Connections to databases the app did not start: list, test, add, remove.

use quantum_connections::{Connection, ConnectionInput};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn connection_list(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<Connection>> {
    Ok(state.connections.list(project_id).await?)
}

/// Connects once with what the form holds, without saving it.
#[tauri::command]
#[specta::specta]
pub async fn connection_test(
    state: State<'_, AppState>,
    input: ConnectionInput,
) -> CommandResult<()> {
    Ok(state.connections.test(&input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn connection_create(
    state: State<'_, AppState>,
    input: ConnectionInput,
) -> CommandResult<Connection> {
    Ok(state.connections.create(input).await?)
}

/// Forgets the connection and its password; the database itself is not touched.
#[tauri::command]
#[specta::specta]
pub async fn connection_remove(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state.connections.remove(id).await?)
}
