//! Data goes with code, composed here (the deploy crate knows no datasource): a deploy of an
//! environment whose `migrate` names datasources applies their pending migrations after a
//! snapshot; a rollback past such releases offers those snapshots, and restores them if asked.

use quantum_deploy::{
    DataFuture, DataOutcome, DataRecord, DataStep, MigrationsRun, Release, ReleaseData,
    SnapshotRestored,
};
use quantum_kernel::ErrorInfo;
use quantum_migrations::Direction;
use quantum_snapshots::{SnapshotTrigger, Taken};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Core;

/// The datasources `[deploy.<environment>] migrate` names, as (id, name); a name that is not one
/// of the project's datasources is said before anything is built.
pub(crate) async fn migrated_datasources(
    core: &Core,
    project_id: i64,
    environment: &str,
    names: &[String],
) -> Result<Vec<(i64, String)>, ErrorInfo> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let datasources = core.datasources.list(Some(project_id)).await?;
    names
        .iter()
        .map(|name| {
            datasources
                .iter()
                .find(|datasource| &datasource.name == name)
                .map(|datasource| (datasource.id, datasource.name.clone()))
                .ok_or_else(|| {
                    quantum_kernel::Error::validation(
                        "deploy.unknown_datasource",
                        "migrate",
                        format!("[deploy.{environment}] migrates `{name}`, which is not a datasource of this project. Create it, or take it out of `migrate`."),
                    )
                    .into()
                })
        })
        .collect()
}

/// A deploy's data step: each datasource's pending migrations, after a snapshot.
pub(crate) struct MigrateStep<'a> {
    pub core: &'a Core,
    pub datasources: Vec<(i64, String)>,
    /// Snapshots kept per datasource (the settings').
    pub keep: u32,
}

impl DataStep for MigrateStep<'_> {
    fn run<'a>(
        &'a self,
        release: &'a str,
        record: &'a DataRecord<'a>,
        log: &'a mut (dyn FnMut(&str) + Send),
    ) -> DataFuture<'a> {
        Box::pin(async move {
            let mut data = ReleaseData::default();
            for (id, name) in &self.datasources {
                let reason = Some((SnapshotTrigger::BeforeDeploy, release));
                let ran = crate::migrate::snapshot_first(
                    self.core,
                    *id,
                    (Direction::Apply, None),
                    self.keep,
                    reason,
                )
                .await;
                let ran = match ran {
                    Ok((place, taken)) => {
                        if let Some(taken) = &taken {
                            // On the record before any migration runs: a crash from here on
                            // leaves the snapshot for a rollback to offer.
                            let mut so_far = data.clone();
                            so_far
                                .migrated
                                .push(migrations_run((*id, name), &[], taken));
                            if let Err(error) = record.save(&so_far).await {
                                log(&format!("The snapshot could not be recorded yet: {error}"));
                            }
                        }
                        crate::migrate::run_at(self.core, &place, (Direction::Apply, None))
                            .await
                            .map(|result| (taken, result))
                    }
                    Err(error) => Err(error),
                };
                let (taken, result) = match ran {
                    Ok(ran) => ran,
                    Err(error) => {
                        return DataOutcome {
                            data,
                            error: Some(format!(
                                "The migrations of {name} did not run: {}",
                                error.message
                            )),
                        }
                    }
                };
                if let Some(taken) = &taken {
                    log(&format!(
                        "Snapshot of {name} taken ({}) before its migrations",
                        taken.snapshot.created_at
                    ));
                    data.migrated.push(migrations_run(
                        (*id, name),
                        result.as_deref().unwrap_or_default(),
                        taken,
                    ));
                }
                match result {
                    Ok(versions) if versions.is_empty() => {
                        log(&format!("{name}: no migration pending"));
                    }
                    Ok(versions) => log(&format!(
                        "{name}: applied migration{} {}",
                        if versions.len() == 1 { "" } else { "s" },
                        joined(&versions)
                    )),
                    Err(error) => {
                        let snapshot = taken.map_or_else(String::new, |taken| {
                            format!(
                                " The data as it was before is in the snapshot taken at {}.",
                                taken.snapshot.created_at
                            )
                        });
                        return DataOutcome {
                            data,
                            error: Some(format!(
                                "A migration of {name} failed: {}{snapshot}",
                                error.message
                            )),
                        };
                    }
                }
            }
            DataOutcome { data, error: None }
        })
    }
}

fn migrations_run((id, name): (i64, &str), versions: &[i64], taken: &Taken) -> MigrationsRun {
    MigrationsRun {
        datasource_id: id,
        datasource: name.to_owned(),
        versions: versions.to_vec(),
        snapshot_id: Some(taken.snapshot.id),
        snapshot_at: Some(taken.snapshot.created_at.clone()),
    }
}

fn joined(versions: &[i64]) -> String {
    versions
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a rollback to a release can restore: per datasource, the snapshot taken before the first
/// release gone back past migrated it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DataRestoreOffer {
    pub datasource_id: i64,
    pub datasource: String,
    /// None when the snapshot is gone (only the last N per datasource are kept).
    pub snapshot_id: Option<i64>,
    /// UTC, RFC 3339: everything written to the datasource since would be lost.
    pub snapshot_at: Option<String>,
    /// The versions of the releases whose migrations it undoes, oldest first.
    pub releases: Vec<String>,
    /// The migrations it undoes.
    pub versions: Vec<i64>,
}

/// The data a rollback to `release_id` can take back with the code: the migrations of the
/// releases after it (in its environment) that no rollback has restored since.
pub async fn rollback_data(
    core: &Core,
    project_id: i64,
    release_id: i64,
) -> Result<Vec<DataRestoreOffer>, ErrorInfo> {
    let history = core.deploys.history(project_id, None).await?;
    let target = history
        .iter()
        .find(|release| release.id == release_id)
        .ok_or_else(|| ErrorInfo::from(quantum_deploy::Error::NotFound(release_id)))?;
    let mut later: Vec<&Release> = history
        .iter()
        .filter(|release| release.environment == target.environment && release.id > target.id)
        .collect();
    later.sort_by_key(|release| release.id);
    let mut offers: Vec<DataRestoreOffer> = Vec::new();
    for release in &later {
        for run in &release.data.migrated {
            if undone(&later, release, run) {
                continue;
            }
            match offers
                .iter_mut()
                .find(|offer| offer.datasource_id == run.datasource_id)
            {
                Some(offer) => {
                    offer.releases.push(release.version.clone());
                    offer.versions.extend(&run.versions);
                }
                None => offers.push(DataRestoreOffer {
                    datasource_id: run.datasource_id,
                    datasource: run.datasource.clone(),
                    snapshot_id: run.snapshot_id,
                    snapshot_at: run.snapshot_at.clone(),
                    releases: vec![release.version.clone()],
                    versions: run.versions.clone(),
                }),
            }
        }
    }
    for offer in &mut offers {
        let Some(id) = offer.snapshot_id else {
            continue;
        };
        let kept = core
            .snapshots
            .list(offer.datasource_id)
            .await
            .is_ok_and(|snapshots| snapshots.iter().any(|snapshot| snapshot.id == id));
        if !kept {
            offer.snapshot_id = None;
        }
    }
    Ok(offers)
}

/// Whether a later rollback restored the datasource to this snapshot or one before it.
fn undone(later: &[&Release], release: &Release, run: &MigrationsRun) -> bool {
    let Some(snapshot_id) = run.snapshot_id else {
        return false;
    };
    later.iter().any(|after| {
        after.id > release.id
            && after.data.restored.iter().any(|restored| {
                restored.datasource_id == run.datasource_id && restored.snapshot_id <= snapshot_id
            })
    })
}

/// A rollback's data step: each offered snapshot restored, before the old release starts.
pub(crate) struct RestoreStep<'a> {
    pub core: &'a Core,
    pub offers: Vec<DataRestoreOffer>,
    pub keep: u32,
}

impl RestoreStep<'_> {
    /// Refuses before anything changes when a snapshot to restore is gone: half the data going
    /// back is worse than none.
    pub fn check(&self) -> Result<(), ErrorInfo> {
        match self.offers.iter().find(|offer| offer.snapshot_id.is_none()) {
            Some(offer) => Err(quantum_kernel::Error::validation(
                "deploy.snapshot_gone",
                "restore",
                format!("The snapshot of {} taken before {}'s migrations was deleted (only the last ones are kept), so its data cannot go back. Roll back the code alone, or restore another snapshot from the datasource's page.", offer.datasource, offer.releases.join(", ")),
            )
            .into()),
            None => Ok(()),
        }
    }
}

impl DataStep for RestoreStep<'_> {
    fn run<'a>(
        &'a self,
        _release: &'a str,
        record: &'a DataRecord<'a>,
        log: &'a mut (dyn FnMut(&str) + Send),
    ) -> DataFuture<'a> {
        Box::pin(async move {
            let mut data = ReleaseData::default();
            for offer in &self.offers {
                let (Some(snapshot_id), Some(snapshot_at)) =
                    (offer.snapshot_id, &offer.snapshot_at)
                else {
                    continue;
                };
                log(&format!(
                    "Restoring {} to its snapshot of {snapshot_at}, from before the migrations of {} ({})",
                    offer.datasource,
                    offer.releases.join(", "),
                    joined(&offer.versions)
                ));
                match self.core.snapshots.restore(snapshot_id, self.keep).await {
                    Ok(restored) => {
                        log(&format!(
                            "Restored {}; the data it replaced is kept as a snapshot ({})",
                            offer.datasource, restored.replaced.created_at
                        ));
                        data.restored.push(SnapshotRestored {
                            datasource_id: offer.datasource_id,
                            datasource: offer.datasource.clone(),
                            snapshot_id,
                            snapshot_at: snapshot_at.clone(),
                        });
                        // Each restore on the record as it is done.
                        if let Err(error) = record.save(&data).await {
                            log(&format!("The restore could not be recorded yet: {error}"));
                        }
                    }
                    Err(error) => {
                        return DataOutcome {
                            data,
                            error: Some(format!(
                                "{} could not be restored: {error}",
                                offer.datasource
                            )),
                        }
                    }
                }
            }
            DataOutcome { data, error: None }
        })
    }
}
