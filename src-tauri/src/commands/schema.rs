//! The schema browser: a datasource's tables, keys and relations, and their exports.

use quantum_connections::Endpoint;
use quantum_core::target::datasource_target;
use quantum_kernel::files::{self, NewFile, Within};
use quantum_kernel::ErrorInfo;
use quantum_schema::diagram::{DiagramGraph, DiagramPoint};
use quantum_schema::export::{export, ExportFormat};
use quantum_schema::{Schema, Target};
use serde::Deserialize;
use specta::Type;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// Whose schema to read: one of the app's databases, or a connection to one it did not start.
#[derive(Clone, Copy, Debug, Deserialize, Type)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum SchemaSource {
    Datasource(i64),
    Connection(i64),
}

pub(crate) async fn target(state: &AppState, source: SchemaSource) -> CommandResult<Target> {
    match source {
        SchemaSource::Datasource(id) => datasource_target(&state.datasources, id).await,
        SchemaSource::Connection(id) => match state.connections.endpoint(id).await? {
            Endpoint::Sql(target) => Ok(target),
            Endpoint::Redis(_) | Endpoint::Mongodb(_) => Err(ErrorInfo::new(
                "schema.unsupported",
                "This connection leads to Redis or MongoDB, which keep no tables: its keys or collections are shown instead.",
            )),
        },
    }
}

#[tauri::command]
#[specta::specta]
pub async fn schema_inspect(
    state: State<'_, AppState>,
    source: SchemaSource,
) -> CommandResult<Schema> {
    let target = target(&state, source).await?;
    Ok(quantum_schema::inspect(&target).await?)
}

/// Where the diagram's boxes go: one top-left corner per box, in the graph's order.
#[tauri::command]
#[specta::specta]
pub async fn schema_diagram_layout(graph: DiagramGraph) -> CommandResult<Vec<DiagramPoint>> {
    tokio::task::spawn_blocking(move || quantum_schema::diagram::layout(&graph))
        .await
        .map_err(|error| ErrorInfo::new("schema.layout_failed", error.to_string()))?
        .map_err(Into::into)
}

/// The schema as Mermaid, DBML, Markdown or JSON text, to copy.
#[tauri::command]
#[specta::specta]
pub async fn schema_export(
    state: State<'_, AppState>,
    source: SchemaSource,
    format: ExportFormat,
) -> CommandResult<String> {
    let target = target(&state, source).await?;
    let schema = quantum_schema::inspect(&target).await?;
    Ok(export(&schema, format))
}

/// Puts the export on the system clipboard.
#[tauri::command]
#[specta::specta]
pub async fn schema_export_copy(
    state: State<'_, AppState>,
    source: SchemaSource,
    format: ExportFormat,
) -> CommandResult<()> {
    let target = target(&state, source).await?;
    let schema = quantum_schema::inspect(&target).await?;
    state.clipboard.write(export(&schema, format))
}

/// Writes the export to a file the user chose in the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn schema_export_write(
    state: State<'_, AppState>,
    source: SchemaSource,
    format: ExportFormat,
    path: String,
) -> CommandResult<()> {
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let target = target(&state, source).await?;
    let schema = quantum_schema::inspect(&target).await?;
    let text = export(&schema, format);
    files::replace(&path, text.as_bytes(), NewFile::Shared, Within::TRUSTED)?;
    Ok(())
}

/// Writes a picture of the diagram (a `data:` URL of a PNG or an SVG, as the page draws it) to a
/// file the user chose in the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn schema_image_write(
    state: State<'_, AppState>,
    path: String,
    data_url: String,
) -> CommandResult<()> {
    use base64::Engine as _;
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let invalid = || {
        ErrorInfo::new(
            "schema.image_invalid",
            "The diagram's picture could not be read. Try saving it again.",
        )
    };
    let (header, data) = data_url.split_once(',').ok_or_else(invalid)?;
    let bytes = if header.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|_| invalid())?
    } else {
        percent_decode(data).ok_or_else(invalid)?
    };
    files::replace(&path, &bytes, NewFile::Shared, Within::TRUSTED)?;
    Ok(())
}

/// `%XX` escapes, as an SVG `data:` URL carries its text.
fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}
