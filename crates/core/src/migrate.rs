//! A datasource's migrations: where they are (the project's folder, quantum.toml's say), and an
//! apply or rollback run after a snapshot of the data, recorded in the activity log.

use std::path::{Path, PathBuf};

use quantum_kernel::audit::AuditAction;
use quantum_kernel::{projects, ErrorInfo};
use quantum_migrations::{Direction, MigrationFormat, MigrationStatus, Migrations, Subject};
use quantum_schema::Target;
use quantum_snapshots::{SnapshotTrigger, Taken};
use serde::Serialize;
use specta::Type;

use crate::target::datasource_target;
use crate::Core;

/// Where a datasource's migrations are, and what to run them against.
pub struct Place {
    pub project_folder: PathBuf,
    pub target: Target,
    pub folder: PathBuf,
    pub format: MigrationFormat,
    pub datasource_id: i64,
    pub name: String,
    pub project_id: i64,
}

pub async fn place(core: &Core, datasource_id: i64) -> Result<Place, ErrorInfo> {
    let datasource = core.datasources.get(datasource_id).await?;
    let project = projects::get(&core.store, datasource.project_id).await?;
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
    let declared = core
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
        target: datasource_target(&core.datasources, datasource_id).await?,
        folder,
        format,
        datasource_id,
        name: datasource.name,
        project_id: project.id,
    })
}

/// Points the datasource at a migration folder of the project (one its scan found), in the
/// project's quantum.toml: the Migrations section reads it from then on. A Flyway folder's
/// layout is left to be read from its files (the file names no Flyway layout).
pub async fn adopt(
    core: &Core,
    datasource_id: i64,
    folder: &str,
    format: Option<MigrationFormat>,
) -> Result<(), ErrorInfo> {
    let datasource = core.datasources.get(datasource_id).await?;
    let declared = quantum_config::DatasourceDecl {
        name: datasource.name.clone(),
        engine: datasource.engine,
        version: None,
        image: Some(datasource.image.clone()),
        port: Some(datasource.host_port),
        database: datasource
            .engine
            .has_database_and_user()
            .then(|| datasource.database_name.clone()),
        volume: Some(datasource.volume_name.clone()),
        migrations: None,
        migrations_format: None,
    };
    let format = format
        .map(MigrationFormat::label)
        .filter(|name| MigrationFormat::from_name(name).is_some());
    core.configs
        .adopt_migrations(datasource.project_id, &declared, folder, format)
        .await?;
    tracing::info!(datasource_id, folder, "migration folder adopted");
    Ok(())
}

/// Every migration of the datasource's folder against its history table.
pub async fn status(core: &Core, datasource_id: i64) -> Result<Migrations, ErrorInfo> {
    let place = place(core, datasource_id).await?;
    Ok(quantum_migrations::status(&place.target, &place.folder, place.format).await?)
}

/// What an apply or a rollback did: the versions it ran, and the snapshot taken before.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationRun {
    pub versions: Vec<i64>,
    pub snapshot: Option<Taken>,
}

/// Applies the pending migrations up to `to` (all when none), or rolls back the newest applied
/// one (or all above `to`), after a snapshot of the data (`keep` snapshots kept); recorded.
pub async fn run(
    core: &Core,
    datasource_id: i64,
    direction: Direction,
    to: Option<i64>,
    keep: u32,
) -> Result<MigrationRun, ErrorInfo> {
    let (snapshot, result) =
        run_after_snapshot(core, datasource_id, (direction, to), keep, None).await?;
    match result {
        Ok(versions) => Ok(MigrationRun { versions, snapshot }),
        Err(mut info) => {
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

/// Why a run's snapshot is taken, when not an apply's or a rollback's own: a deploy's, with the
/// release it is for ("staging v2").
pub type SnapshotReason<'a> = Option<(SnapshotTrigger, &'a str)>;

/// [`run`]'s steps, the snapshot kept apart from the run's outcome: a deploy records the
/// snapshot even when a migration then fails. The outer error is one before anything ran.
pub async fn run_after_snapshot(
    core: &Core,
    datasource_id: i64,
    (direction, to): (Direction, Option<i64>),
    keep: u32,
    reason: SnapshotReason<'_>,
) -> Result<(Option<Taken>, Result<Vec<i64>, ErrorInfo>), ErrorInfo> {
    let (place, snapshot) =
        snapshot_first(core, datasource_id, (direction, to), keep, reason).await?;
    let result = run_at(core, &place, (direction, to)).await?;
    Ok((snapshot, result))
}

/// The first half of [`run_after_snapshot`]: where the run goes, and the snapshot taken before
/// it (none when nothing would run). A deploy records the snapshot before the run starts.
pub async fn snapshot_first(
    core: &Core,
    datasource_id: i64,
    (direction, to): (Direction, Option<i64>),
    keep: u32,
    reason: SnapshotReason<'_>,
) -> Result<(Place, Option<Taken>), ErrorInfo> {
    let place = place(core, datasource_id).await?;
    let snapshot = snapshot_before(core, &place, (direction, to), keep, reason).await?;
    Ok((place, snapshot))
}

/// The second half of [`run_after_snapshot`]: the run, audited.
pub async fn run_at(
    core: &Core,
    place: &Place,
    (direction, to): (Direction, Option<i64>),
) -> Result<Result<Vec<i64>, ErrorInfo>, ErrorInfo> {
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
    record(core, place, action, &result).await?;
    Ok(result.map_err(ErrorInfo::from))
}

/// The snapshot an apply or rollback takes first, when it will run something: a rollback that
/// cannot run (a migration without a down file) refuses before any copy is made.
async fn snapshot_before(
    core: &Core,
    place: &Place,
    (direction, to): (Direction, Option<i64>),
    keep: u32,
    reason: SnapshotReason<'_>,
) -> Result<Option<Taken>, ErrorInfo> {
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
    let (trigger, detail) = match (reason, direction) {
        (Some((trigger, release)), _) => (trigger, format!("{release}: {detail}")),
        (None, Direction::Apply) => (SnapshotTrigger::BeforeApply, detail),
        (None, Direction::Rollback) => (SnapshotTrigger::BeforeRollback, detail),
    };
    Ok(Some(
        core.snapshots
            .take(place.datasource_id, trigger, &detail, keep)
            .await?,
    ))
}

/// What ran is recorded even when a later migration failed: those before it did run.
async fn record(
    core: &Core,
    place: &Place,
    action: AuditAction,
    result: &quantum_migrations::Result<Vec<i64>>,
) -> Result<(), ErrorInfo> {
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
    Ok(quantum_migrations::record(&core.store, &subject, action, versions, &place.folder).await?)
}
