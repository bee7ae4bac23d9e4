//! The SQL console: run a script on a database of the project's, read its rows by page, cancel.
//! Progress is pushed over a channel while the run lasts; rows stay in the core until asked for.

use std::path::PathBuf;
use std::time::Duration;

use quantum_console::saved::{self, SavedQuery};
use quantum_console::{
    AuditSubject, ExportProgress, HistoryEntry, ResultFormat, RunOptions, RunStatus,
};
use quantum_kernel::audit::ResourceType;
use quantum_kernel::projects;
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
/// Scripts the history shows.
const HISTORY: usize = 100;

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
    let subject = subject(&state, source).await?;
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

/// Writes the run's whole result, as CSV or JSON, to `path` (chosen in the save dialog or inside
/// a project's folder) once the run has ended; progress is pushed as rows go out.
#[tauri::command]
#[specta::specta]
pub async fn console_export(
    state: State<'_, AppState>,
    run_id: i64,
    path: String,
    format: ResultFormat,
    on_progress: Channel<ExportProgress>,
) -> CommandResult<ExportProgress> {
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let report = state
        .console
        .export(run_id, path, format, move |progress| {
            let _ = on_progress.send(progress);
        })
        .await?;
    Ok(report)
}

/// Scripts run on the database before, newest first, each once.
#[tauri::command]
#[specta::specta]
pub async fn console_history(
    state: State<'_, AppState>,
    source: SchemaSource,
) -> CommandResult<Vec<HistoryEntry>> {
    let subject = subject(&state, source).await?;
    Ok(quantum_console::history(&state.store, &subject, HISTORY).await?)
}

/// The project's saved queries (`queries/*.sql` in its folder), by name.
#[tauri::command]
#[specta::specta]
pub async fn console_saved_list(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<SavedQuery>> {
    let folder = project_folder(&state, project_id).await?;
    Ok(saved::list(&folder)?)
}

/// Saves the script as `queries/<name>.sql`, replacing a query of that name.
#[tauri::command]
#[specta::specta]
pub async fn console_saved_write(
    state: State<'_, AppState>,
    project_id: i64,
    name: String,
    sql: String,
    allow_outside: bool,
) -> CommandResult<()> {
    let folder = project_folder(&state, project_id).await?;
    Ok(saved::write(&folder, &name, &sql, allow_outside)?)
}

#[tauri::command]
#[specta::specta]
pub async fn console_saved_remove(
    state: State<'_, AppState>,
    project_id: i64,
    name: String,
) -> CommandResult<()> {
    let folder = project_folder(&state, project_id).await?;
    Ok(saved::remove(&folder, &name)?)
}

/// Whose database a source is, for the activity log and the history.
async fn subject(state: &AppState, source: SchemaSource) -> CommandResult<AuditSubject> {
    Ok(match source {
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
    })
}

async fn project_folder(state: &AppState, project_id: i64) -> CommandResult<PathBuf> {
    let project = projects::get(&state.store, project_id).await?;
    Ok(project
        .folder
        .map(PathBuf::from)
        .ok_or(quantum_kernel::Error::ProjectNoFolder { name: project.name })?)
}
