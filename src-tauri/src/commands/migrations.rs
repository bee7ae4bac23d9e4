//! A datasource's migrations: their state, apply, roll back, and a new one created.

use quantum_core::migrate::{self, place, MigrationRun};
use quantum_migrations::{Direction, Drift, DryRun, MigrationFormat, Migrations};
use quantum_schema::{Server, Target, TlsMode};
use serde::Serialize;
use specta::Type;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// Points the datasource at a migration folder of the project (relative to its folder), in
/// quantum.toml.
#[tauri::command]
#[specta::specta]
pub async fn migrations_adopt(
    state: State<'_, AppState>,
    datasource_id: i64,
    folder: String,
    format: Option<MigrationFormat>,
) -> CommandResult<()> {
    migrate::adopt(&state, datasource_id, &folder, format).await
}

/// Every migration of the datasource's folder against its history table.
#[tauri::command]
#[specta::specta]
pub async fn migrations_status(
    state: State<'_, AppState>,
    datasource_id: i64,
) -> CommandResult<Migrations> {
    migrate::status(&state, datasource_id).await
}

/// What an apply up to `to` (or a rollback down to it) would run and do to data; nothing runs.
#[tauri::command]
#[specta::specta]
pub async fn migrations_dry_run(
    state: State<'_, AppState>,
    datasource_id: i64,
    direction: Direction,
    to: Option<i64>,
) -> CommandResult<DryRun> {
    let place = place(&state, datasource_id).await?;
    Ok(
        quantum_migrations::dry_run(&place.target, &place.folder, place.format, direction, to)
            .await?,
    )
}

/// Applies the pending migrations up to `to` (all when null) after a snapshot of the data,
/// recorded in the activity log.
#[tauri::command]
#[specta::specta]
pub async fn migrations_apply(
    state: State<'_, AppState>,
    datasource_id: i64,
    to: Option<i64>,
) -> CommandResult<MigrationRun> {
    run(&state, datasource_id, Direction::Apply, to).await
}

/// Rolls back the newest applied migration, or all above `to`, after a snapshot of the data,
/// recorded in the activity log.
#[tauri::command]
#[specta::specta]
pub async fn migrations_rollback(
    state: State<'_, AppState>,
    datasource_id: i64,
    to: Option<i64>,
) -> CommandResult<MigrationRun> {
    run(&state, datasource_id, Direction::Rollback, to).await
}

async fn run(
    state: &AppState,
    datasource_id: i64,
    direction: Direction,
    to: Option<i64>,
) -> CommandResult<MigrationRun> {
    let keep = state.settings().snapshots_kept;
    migrate::run(state, datasource_id, direction, to, keep).await
}

/// The files of a new migration, for the editor to open.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedMigration {
    pub up: String,
    /// None in a folder of simple (up-only) migrations.
    pub down: Option<String>,
}

/// Creates the next migration's files in the datasource's folder.
#[tauri::command]
#[specta::specta]
pub async fn migrations_create(
    state: State<'_, AppState>,
    datasource_id: i64,
    name: String,
) -> CommandResult<CreatedMigration> {
    let place = place(&state, datasource_id).await?;
    let (up, down) = quantum_migrations::create(&place.folder, place.format, &name, now_utc())?;
    Ok(CreatedMigration {
        up: up.display().to_string(),
        down: down.map(|d| d.display().to_string()),
    })
}

/// A migration file's text, by its name in the datasource's folder.
#[tauri::command]
#[specta::specta]
pub async fn migrations_file_read(
    state: State<'_, AppState>,
    datasource_id: i64,
    file: String,
) -> CommandResult<String> {
    let place = place(&state, datasource_id).await?;
    Ok(quantum_migrations::read_file(&place.folder, &file)?)
}

/// Saves a migration file edited in the app.
#[tauri::command]
#[specta::specta]
pub async fn migrations_file_write(
    state: State<'_, AppState>,
    datasource_id: i64,
    file: String,
    text: String,
    allow_outside: bool,
) -> CommandResult<()> {
    let place = place(&state, datasource_id).await?;
    Ok(quantum_migrations::write_file(
        &place.project_folder,
        &place.folder,
        &file,
        &text,
        allow_outside,
    )?)
}

/// Now in UTC as the migrations crate numbers versions: (year, month, day, hour, minute, second).
fn now_utc() -> (i32, u32, u32, u32, u32, u32) {
    let now = time::OffsetDateTime::now_utc();
    (
        now.year(),
        u32::from(u8::from(now.month())),
        u32::from(now.day()),
        u32::from(now.hour()),
        u32::from(now.minute()),
        u32::from(now.second()),
    )
}

/// Replays the migrations applied on the datasource into a shadow server (the same image,
/// empty, removed afterwards) and compares its schema with the live one.
#[tauri::command]
#[specta::specta]
pub async fn migrations_drift(
    state: State<'_, AppState>,
    datasource_id: i64,
) -> CommandResult<Drift> {
    let place = place(&state, datasource_id).await?;
    let shadow = state.datasources.shadow(datasource_id).await?;
    let server = Server {
        host: quantum_datasources::connection::HOST.to_owned(),
        port: shadow.port,
        database: shadow.database.clone(),
        username: shadow.username.clone(),
        password: shadow.password.clone(),
        tls: TlsMode::Disable,
    };
    let result = match Target::for_engine(shadow.engine, server) {
        Ok(target) => {
            quantum_migrations::drift(&place.target, &target, &place.folder, place.format).await
        }
        Err(error) => Err(error.into()),
    };
    shadow.remove().await;
    Ok(result?)
}

/// Writes a drift's SQL as the next migration and records it as applied on this database,
/// which has the change already.
#[tauri::command]
#[specta::specta]
pub async fn migrations_from_drift(
    state: State<'_, AppState>,
    datasource_id: i64,
    name: String,
    up: String,
    down: String,
) -> CommandResult<CreatedMigration> {
    let place = place(&state, datasource_id).await?;
    let (version, up, down) =
        quantum_migrations::create_with(&place.folder, place.format, &name, now_utc(), &up, &down)?;
    quantum_migrations::record_applied(&place.target, &place.folder, place.format, version).await?;
    Ok(CreatedMigration {
        up: up.display().to_string(),
        down: down.map(|d| d.display().to_string()),
    })
}
