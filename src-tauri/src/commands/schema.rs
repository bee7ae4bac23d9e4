//! The schema browser: a datasource's tables, keys and relations, and their exports.

use quantum_kernel::files::{self, NewFile, Within};
use quantum_schema::export::{export, ExportFormat};
use quantum_schema::{Schema, Server, Target};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// What to connect to for a datasource of the app's: its port on this machine, its database and
/// user, its password from the keychain.
async fn target(state: &AppState, datasource_id: i64) -> CommandResult<Target> {
    let (datasource, password) = state.datasources.connection_details(datasource_id).await?;
    let server = Server {
        host: quantum_datasources::connection::HOST.to_owned(),
        port: datasource.host_port,
        database: datasource.database_name,
        username: datasource.username,
        password,
    };
    Ok(Target::for_engine(datasource.engine, server)?)
}

#[tauri::command]
#[specta::specta]
pub async fn schema_inspect(
    state: State<'_, AppState>,
    datasource_id: i64,
) -> CommandResult<Schema> {
    let target = target(&state, datasource_id).await?;
    Ok(quantum_schema::inspect(&target).await?)
}

/// The schema as Mermaid, DBML, Markdown or JSON text, to copy.
#[tauri::command]
#[specta::specta]
pub async fn schema_export(
    state: State<'_, AppState>,
    datasource_id: i64,
    format: ExportFormat,
) -> CommandResult<String> {
    let target = target(&state, datasource_id).await?;
    let schema = quantum_schema::inspect(&target).await?;
    Ok(export(&schema, format))
}

/// Writes the export to a file the user chose in the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn schema_export_write(
    state: State<'_, AppState>,
    datasource_id: i64,
    format: ExportFormat,
    path: String,
) -> CommandResult<()> {
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let target = target(&state, datasource_id).await?;
    let schema = quantum_schema::inspect(&target).await?;
    let text = export(&schema, format);
    files::replace(&path, text.as_bytes(), NewFile::Shared, Within::TRUSTED)?;
    Ok(())
}
