//! The SQL console: run a script on a database of the project's, read its rows by page, cancel.
//! Progress is pushed over a channel while the run lasts; rows stay in the core until asked for.

use std::time::Duration;

use quantum_console::{AuditSubject, RunOptions, RunStatus};
use quantum_kernel::audit::ResourceType;
use tauri::ipc::Channel;
use tauri::State;

use super::schema::{target, SchemaSource};
use super::CommandResult;
use crate::state::AppState;

/// How long a console run may take before it is cancelled on the server.
const TIMEOUT: Duration = Duration::from_secs(300);
/// Rows `console_run` waits for before it answers: the grid's first page, or what came within
/// half a second (a slow statement still gets its run id at once, to cancel it).
const FIRST_PAGE: i64 = 500;
const FIRST_WAIT: Duration = Duration::from_millis(500);

/// Starts the script; answers with the first page's status, then pushes the status as rows come
/// in (at most every 200 ms) until the run ends.
#[tauri::command]
#[specta::specta]
pub async fn console_run(
    state: State<'_, AppState>,
    source: SchemaSource,
    sql: String,
    read_only: bool,
    confirmed: bool,
    on_progress: Channel<RunStatus>,
) -> CommandResult<RunStatus> {
    let target = target(&state, source).await?;
    let subject = match source {
        SchemaSource::Datasource(id) => {
            let datasource = state.datasources.get(id).await?;
            AuditSubject {
                resource_type: ResourceType::Datasource,
                resource_id: id,
                name: datasource.name,
                project_id: Some(datasource.project_id),
            }
        }
        SchemaSource::Connection(id) => {
            let connection = state.connections.get(id).await?;
            AuditSubject {
                resource_type: ResourceType::Connection,
                resource_id: id,
                name: connection.name,
                project_id: Some(connection.project_id),
            }
        }
    };
    let options = RunOptions {
        read_only,
        confirmed,
        timeout: TIMEOUT,
        first_page: FIRST_PAGE,
        first_wait: FIRST_WAIT,
    };
    let status = state.console.start(target, sql, options, subject).await?;
    if !status.done {
        let console = std::sync::Arc::clone(&state.console);
        let mut progress = console.subscribe(status.id)?;
        let id = status.id;
        tauri::async_runtime::spawn(async move {
            while progress.changed().await.is_ok() {
                let Ok(status) = console.status(id) else {
                    break;
                };
                let done = status.done;
                if on_progress.send(status).is_err() || done {
                    break;
                }
                // A flood of rows is one update per 200 ms at most.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }
    Ok(status)
}

/// Rows `offset..offset + limit` (at most 10,000) of the run, cells as the server's text.
#[tauri::command]
#[specta::specta]
pub async fn console_page(
    state: State<'_, AppState>,
    run_id: i64,
    offset: i64,
    limit: i64,
) -> CommandResult<Vec<Vec<Option<String>>>> {
    Ok(state.console.page(run_id, offset, limit)?)
}

#[tauri::command]
#[specta::specta]
pub async fn console_cancel(state: State<'_, AppState>, run_id: i64) -> CommandResult<RunStatus> {
    Ok(state.console.cancel(run_id).await?)
}

/// Forgets the run and the rows it kept on disk.
#[tauri::command]
#[specta::specta]
pub async fn console_close(state: State<'_, AppState>, run_id: i64) -> CommandResult<()> {
    state.console.close(run_id);
    Ok(())
}
