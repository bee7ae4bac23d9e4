//! A datasource's migrations: their state, apply, roll back, and a new one created.

use std::path::{Path, PathBuf};

use quantum_kernel::audit::AuditAction;
use quantum_kernel::{projects, ErrorInfo};
use quantum_migrations::Drift;
use quantum_migrations::{
    Direction, DryRun, MigrationFormat, MigrationStatus, Migrations, Subject,
};
use quantum_schema::{Server, Target, TlsMode};
use quantum_snapshots::{SnapshotTrigger, Taken};
use serde::Serialize;
use specta::Type;
use tauri::State;

use super::schema::datasource_target;
use super::CommandResult;
use crate::state::AppState;

/// Where a datasource's migrations are, and what to run them against.
struct Place {
    project_folder: PathBuf,
    target: Target,
    folder: PathBuf,
    format: MigrationFormat,
    datasource_id: i64,
    name: String,
    project_id: i64,
}

async fn place(state: &AppState, datasource_id: i64) -> CommandResult<Place> {
    let datasource = state.datasources.get(datasource_id).await?;
    let project = projects::get(&state.store, datasource.project_id).await?;
    let Some(project_folder) = project.folder else {
        return Err(ErrorInfo::new(
            "migrations.no_project_folder",
            format!(
                "“{}” has no folder: migrations are files in the project's folder. Set its folder on the project's overview.",
                project.name
            ),
        ));
    };
    // quantum.toml may say where they are and in which layout.
    let declared = state
        .configs
        .datasource(project.id, &datasource.name)
        .await?;
    let (folder, _, format) = quantum_migrations::locate_declared(
        Path::new(&project_folder),
        &datasource.name,
        declared.as_ref().and_then(|d| d.migrations.as_deref()),
        declared
            .as_ref()
            .and_then(|d| d.migrations_format.as_deref()),
    )?;
    Ok(Place {
        project_folder: PathBuf::from(&project_folder),
        target: datasource_target(state, datasource_id).await?,
        folder,
        format,
        datasource_id,
        name: datasource.name,
        project_id: project.id,
    })
}

/// Every migration of the datasource's folder against its history table.
#[tauri::command]
#[specta::specta]
pub async fn migrations_status(
    state: State<'_, AppState>,
    datasource_id: i64,
) -> CommandResult<Migrations> {
    let place = place(&state, datasource_id).await?;
    Ok(quantum_migrations::status(&place.target, &place.folder, place.format).await?)
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

/// What an apply or a rollback did: the versions it ran, and the snapshot taken before.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationRun {
    pub versions: Vec<i64>,
    pub snapshot: Option<Taken>,
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
    let place = place(state, datasource_id).await?;
    let snapshot = snapshot_before(state, &place, direction, to).await?;
    let result = match direction {
        Direction::Apply => {
            quantum_migrations::apply(&place.target, &place.folder, place.format, to).await
        }
        Direction::Rollback => {
            quantum_migrations::rollback(&place.target, &place.folder, place.format, to).await
        }
    };
    let action = match direction {
        Direction::Apply => AuditAction::MigrationApply,
        Direction::Rollback => AuditAction::MigrationRollback,
    };
    record(state, &place, action, &result).await?;
    match result {
        Ok(versions) => Ok(MigrationRun { versions, snapshot }),
        Err(error) => {
            let mut info = ErrorInfo::from(error);
            if let Some(taken) = &snapshot {
                info.message.push_str(&format!(
                    " The data as it was before is in the snapshot taken at {}: restore it from the snapshots list.",
                    taken.snapshot.created_at
                ));
            }
            Err(info)
        }
    }
}

/// The snapshot an apply or rollback takes first, when it will run something: a rollback that
/// cannot run (a migration without a down file) refuses before any copy is made.
async fn snapshot_before(
    state: &AppState,
    place: &Place,
    direction: Direction,
    to: Option<i64>,
) -> CommandResult<Option<Taken>> {
    let status = quantum_migrations::status(&place.target, &place.folder, place.format).await?;
    let versions = quantum_migrations::plan(&status.migrations, direction, to);
    let named: Vec<&MigrationStatus> = versions
        .iter()
        .filter_map(|v| status.migrations.iter().find(|m| m.version == *v))
        .collect();
    if named.is_empty() || (direction == Direction::Rollback && named.iter().any(|m| !m.reversible))
    {
        return Ok(None);
    }
    let detail = named
        .iter()
        .map(|m| format!("{} {}", m.version, m.name))
        .collect::<Vec<_>>()
        .join(", ");
    let trigger = match direction {
        Direction::Apply => SnapshotTrigger::BeforeApply,
        Direction::Rollback => SnapshotTrigger::BeforeRollback,
    };
    let keep = state.settings().snapshots_kept;
    Ok(Some(
        state
            .snapshots
            .take(place.datasource_id, trigger, &detail, keep)
            .await?,
    ))
}

/// What ran is recorded even when a later migration failed: those before it did run.
async fn record(
    state: &AppState,
    place: &Place,
    action: AuditAction,
    result: &quantum_migrations::Result<Vec<i64>>,
) -> CommandResult<()> {
    let versions = match result {
        Ok(versions) => versions.as_slice(),
        Err(_) => return Ok(()),
    };
    if versions.is_empty() {
        return Ok(());
    }
    let subject = Subject {
        datasource_id: place.datasource_id,
        name: &place.name,
        project_id: place.project_id,
    };
    Ok(quantum_migrations::record(&state.store, &subject, action, versions, &place.folder).await?)
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
