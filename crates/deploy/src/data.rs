//! Data goes with code: a release's data step — the project's pending migrations applied after a
//! snapshot, or, in a rollback past such a release, that snapshot restored — runs after the image
//! is ready and before the release's container starts, so that its health check sees the data it
//! will serve. The caller runs the step (this crate knows no datasource); what it did is recorded
//! with the release (table `deploy_release_data`) as it goes — each snapshot as soon as it is
//! taken, so that a crash halfway leaves it on the record for a rollback to offer — and at the
//! end, even when the release fails afterwards.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{DeployStage, Deploys, Error, Log, Result};

/// A datasource's migrations a deploy applied, and the snapshot taken before them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationsRun {
    pub datasource_id: i64,
    pub datasource: String,
    pub versions: Vec<i64>,
    /// None when nothing was pending (no snapshot was needed).
    pub snapshot_id: Option<i64>,
    /// UTC, RFC 3339: what a restore of the snapshot goes back to.
    pub snapshot_at: Option<String>,
}

/// A snapshot a rollback restored, undoing the migrations of the releases it went back past.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotRestored {
    pub datasource_id: i64,
    pub datasource: String,
    pub snapshot_id: i64,
    pub snapshot_at: String,
}

/// What a release did to the project's data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseData {
    #[serde(default)]
    pub migrated: Vec<MigrationsRun>,
    #[serde(default)]
    pub restored: Vec<SnapshotRestored>,
}

impl ReleaseData {
    pub fn is_empty(&self) -> bool {
        self.migrated.is_empty() && self.restored.is_empty()
    }
}

/// What a data step did, and why it stopped if it did (what ran before is in `data`).
pub struct DataOutcome {
    pub data: ReleaseData,
    pub error: Option<String>,
}

pub type DataFuture<'a> = Pin<Box<dyn Future<Output = DataOutcome> + Send + 'a>>;

/// A release's data step, given by the caller: `release` names it ("staging v2") for the
/// snapshots it takes; `record` keeps what it did so far; `log` takes lines for the release's log.
pub trait DataStep: Send + Sync {
    fn run<'a>(
        &'a self,
        release: &'a str,
        record: &'a DataRecord<'a>,
        log: &'a mut (dyn FnMut(&str) + Send),
    ) -> DataFuture<'a>;
}

/// Where a data step records what it did so far, on its release.
pub struct DataRecord<'a> {
    deploys: &'a Deploys,
    release_id: i64,
}

impl DataRecord<'_> {
    /// Keeps `data` as what the release did to the project's data (replacing what was kept).
    pub async fn save(&self, data: &ReleaseData) -> Result<()> {
        let recorded = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
        sqlx::query(
            "INSERT INTO deploy_release_data (release_id, data) VALUES (?, ?)
             ON CONFLICT (release_id) DO UPDATE SET data = excluded.data",
        )
        .bind(self.release_id)
        .bind(recorded)
        .execute(self.deploys.store.pool())
        .await?;
        Ok(())
    }
}

impl Deploys {
    /// Runs the step and records what it did on release `id`; its failure fails the release
    /// before it starts, so the release before keeps serving.
    pub(crate) async fn run_data(
        &self,
        id: i64,
        step: &dyn DataStep,
        log: &mut Log<'_>,
    ) -> Result<()> {
        log.stage(DeployStage::Data);
        let release = self.fetch(id).await?;
        let label = format!("{} {}", release.environment, release.version);
        let record = DataRecord {
            deploys: self,
            release_id: id,
        };
        let outcome = step
            .run(&label, &record, &mut |line: &str| log.line(line))
            .await;
        record.save(&outcome.data).await?;
        match outcome.error {
            Some(reason) => Err(Error::Data { reason }),
            None => Ok(()),
        }
    }
}
