//! Snapshots of a datasource's data: the server stopped cleanly, its data volume copied whole
//! into a volume of its own by a helper container of the same image, the server started again.
//! A restore copies a snapshot into a new volume and only then switches the datasource to it, in
//! one SQLite transaction, so that a failure or a crash at any moment leaves it on the old data
//! or the new, never a mix, never none. The replaced data is kept as a snapshot (undo).

mod error;
mod model;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex as SyncMutex};

use quantum_datasources::service::{data_volume_labels, set_volume, Held};
use quantum_datasources::{Datasource, DatasourceStatus, Datasources};
use quantum_docker::{Docker, LABEL_ENGINE, LABEL_STORE};
use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::Store;
use serde_json::json;

pub use error::{Error, Result};
pub use model::{Restored, Snapshot, SnapshotTrigger, Taken};
use model::{RowState, COLUMNS};

/// On a snapshot's volume: it is not a datasource's data, and whose snapshot it is.
pub const LABEL_SNAPSHOT: &str = "app.quantumadmin.snapshot";

/// Snapshots kept per datasource unless the settings say otherwise.
pub const DEFAULT_KEEP: u32 = 10;

pub struct Snapshots {
    store: Store,
    datasources: Arc<Datasources>,
    /// Datasources with a snapshot or restore under way in this process: clean-up leaves them be.
    in_flight: SyncMutex<HashSet<i64>>,
}

/// Marks a datasource as having work under way until dropped.
struct InFlight<'a> {
    set: &'a SyncMutex<HashSet<i64>>,
    id: i64,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        lock(self.set).remove(&self.id);
    }
}

fn lock(set: &SyncMutex<HashSet<i64>>) -> std::sync::MutexGuard<'_, HashSet<i64>> {
    set.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Snapshots {
    pub fn new(store: Store, datasources: Arc<Datasources>) -> Self {
        Self {
            store,
            datasources,
            in_flight: SyncMutex::new(HashSet::new()),
        }
    }

    fn begin(&self, id: i64) -> InFlight<'_> {
        lock(&self.in_flight).insert(id);
        InFlight {
            set: &self.in_flight,
            id,
        }
    }

    /// A datasource's snapshots, newest first.
    pub async fn list(&self, datasource_id: i64) -> Result<Vec<Snapshot>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM snapshots WHERE datasource_id = ? AND state = 'ready'
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(datasource_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(model::from_row).collect())
    }

    /// Stops the datasource, copies its data volume into a new snapshot, starts it again if it
    /// was running, then deletes the oldest snapshots beyond `keep` (returned, so that the user
    /// is told).
    pub async fn take(
        &self,
        datasource_id: i64,
        trigger: SnapshotTrigger,
        detail: &str,
        keep: u32,
    ) -> Result<Taken> {
        let _in_flight = self.begin(datasource_id);
        self.datasources.get(datasource_id).await?;
        let held = self
            .datasources
            .hold(datasource_id, DatasourceStatus::Snapshotting)
            .await?;
        let copied = self.copy_to_snapshot(&held, trigger, detail).await;
        // Started again whatever the copy did: a failed snapshot must not leave the server down.
        let released = self.datasources.release(held).await;
        let snapshot = copied?;
        released?;
        let pruned = self.prune(datasource_id, keep).await?;
        Ok(Taken { snapshot, pruned })
    }

    async fn copy_to_snapshot(
        &self,
        held: &Held,
        trigger: SnapshotTrigger,
        detail: &str,
    ) -> Result<Snapshot> {
        let datasource = &held.datasource;
        let docker = Docker::connect().await?;
        let volume = format!("{}-snap-{}", datasource.name, random_suffix()?);
        let row_id = self
            .insert_row(datasource, &volume, trigger, detail, RowState::Copying)
            .await?;
        let labels = self.snapshot_labels(datasource);
        let bytes = self
            .copy(
                &docker,
                datasource,
                &datasource.volume_name,
                (row_id, &volume),
                labels,
            )
            .await?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query("UPDATE snapshots SET state = 'ready', size_bytes = ? WHERE id = ?")
            .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
            .bind(row_id)
            .execute(&mut *tx)
            .await?;
        let snapshot = model::fetch(&mut tx, row_id).await?;
        self.audit(
            &mut tx,
            datasource,
            AuditAction::SnapshotCreate,
            json!({ "snapshotId": row_id, "trigger": trigger, "detail": detail, "sizeBytes": bytes }),
        )
        .await?;
        tx.commit().await?;
        self.announce(AuditAction::SnapshotCreate, datasource.id);
        tracing::info!(
            datasource_id = datasource.id,
            snapshot_id = row_id,
            bytes,
            "snapshot taken"
        );
        Ok(snapshot)
    }

    /// Replaces the datasource's data with the snapshot's: copied into a new volume first (a
    /// failure there leaves the current data as it was), then the datasource switched to it in
    /// one transaction, then its container replaced by one on the new volume. The replaced data
    /// stays as a snapshot (trigger `before_restore`), the undo of this restore.
    pub async fn restore(&self, snapshot_id: i64, keep: u32) -> Result<Restored> {
        let snapshot = {
            let mut conn = self.store.pool().acquire().await?;
            model::fetch(&mut conn, snapshot_id).await?
        };
        let datasource_id = snapshot.datasource_id;
        let _in_flight = self.begin(datasource_id);
        let current = self.datasources.get(datasource_id).await?;
        if current.image != snapshot.image {
            return Err(Error::ImageChanged {
                taken: snapshot.image,
                current: current.image,
            });
        }
        let held = self
            .datasources
            .hold(datasource_id, DatasourceStatus::Restoring)
            .await?;
        let target = match self.fill_restore_target(&held, &snapshot).await {
            Ok(target) => target,
            Err(error) => {
                self.datasources.release(held).await?;
                return Err(error);
            }
        };
        let replaced = self.switch(&held.datasource, &snapshot, &target).await?;
        self.datasources.move_to_volume(held).await?;
        let pruned = self.prune(datasource_id, keep).await?;
        Ok(Restored { replaced, pruned })
    }

    /// A new data volume holding the snapshot's files; its row says "restore target" until the
    /// switch, so that a crash before it leaves a volume the next start removes.
    async fn fill_restore_target(&self, held: &Held, snapshot: &Snapshot) -> Result<(i64, String)> {
        let datasource = &held.datasource;
        let docker = Docker::connect().await?;
        let volume = format!("{}-data-{}", datasource.name, random_suffix()?);
        let row_id = self
            .insert_row(
                datasource,
                &volume,
                SnapshotTrigger::Manual,
                "",
                RowState::RestoreTarget,
            )
            .await?;
        let mut labels = data_volume_labels(datasource);
        labels.insert(LABEL_STORE.to_owned(), self.store.identity().to_owned());
        self.copy(
            &docker,
            datasource,
            &snapshot.volume_name,
            (row_id, &volume),
            labels,
        )
        .await?;
        Ok((row_id, volume))
    }

    /// Copies volume `from` into the new volume of row `row_id` (made with `labels`); a failed
    /// copy takes the volume and the row away again.
    async fn copy(
        &self,
        docker: &Docker,
        datasource: &Datasource,
        from: &str,
        (row_id, volume): (i64, &str),
        labels: HashMap<String, String>,
    ) -> Result<u64> {
        let copied = async {
            docker.ensure_volume(volume, labels).await?;
            docker
                .copy_volume(&datasource.image, from, volume, self.helper_labels())
                .await
        }
        .await;
        match copied {
            Ok(bytes) => Ok(bytes),
            Err(error) => {
                let _ = docker.remove_volume(volume).await;
                self.delete_row(row_id).await?;
                Err(Error::CopyFailed(error.to_string()))
            }
        }
    }

    /// The one moment the datasource moves to the new data: its record names the new volume,
    /// the target row goes, and the old volume is recorded as a snapshot, all in one transaction.
    async fn switch(
        &self,
        datasource: &Datasource,
        snapshot: &Snapshot,
        (target_row, target): &(i64, String),
    ) -> Result<Snapshot> {
        let mut tx = self.store.begin_write().await?;
        set_volume(&mut tx, datasource.id, target).await?;
        sqlx::query("DELETE FROM snapshots WHERE id = ?")
            .bind(target_row)
            .execute(&mut *tx)
            .await?;
        let replaced_id: i64 = sqlx::query_scalar(
            "INSERT INTO snapshots (datasource_id, volume_name, image, trigger, detail, state)
             VALUES (?, ?, ?, 'before_restore', ?, 'ready') RETURNING id",
        )
        .bind(datasource.id)
        .bind(&datasource.volume_name)
        .bind(&datasource.image)
        .bind(&snapshot.created_at)
        .fetch_one(&mut *tx)
        .await?;
        let replaced = model::fetch(&mut tx, replaced_id).await?;
        self.audit(
            &mut tx,
            datasource,
            AuditAction::SnapshotRestore,
            json!({
                "snapshotId": snapshot.id,
                "snapshotTakenAt": snapshot.created_at,
                "fromVolume": datasource.volume_name,
                "toVolume": target,
                "replacedSnapshotId": replaced_id,
            }),
        )
        .await?;
        tx.commit().await?;
        self.announce(AuditAction::SnapshotRestore, datasource.id);
        tracing::info!(datasource_id = datasource.id, snapshot_id = snapshot.id, volume = %target, "restored");
        Ok(replaced)
    }

    /// Deletes a snapshot: its volume, then its row with an activity log entry.
    pub async fn delete(&self, snapshot_id: i64) -> Result<()> {
        let snapshot = {
            let mut conn = self.store.pool().acquire().await?;
            model::fetch(&mut conn, snapshot_id).await?
        };
        self.remove(&snapshot, "deleted").await
    }

    /// Deletes every snapshot of a datasource (before the datasource is removed); returns how many.
    pub async fn delete_all(&self, datasource_id: i64) -> Result<usize> {
        let snapshots = self.list(datasource_id).await?;
        for snapshot in &snapshots {
            self.remove(snapshot, "datasource removed").await?;
        }
        Ok(snapshots.len())
    }

    /// Deletes the oldest snapshots beyond `keep` and returns them.
    async fn prune(&self, datasource_id: i64, keep: u32) -> Result<Vec<Snapshot>> {
        let keep = usize::try_from(keep.max(1)).unwrap_or(usize::MAX);
        let old: Vec<Snapshot> = self
            .list(datasource_id)
            .await?
            .into_iter()
            .skip(keep)
            .collect();
        for snapshot in &old {
            self.remove(snapshot, &format!("only the last {keep} are kept"))
                .await?;
        }
        Ok(old)
    }

    async fn remove(&self, snapshot: &Snapshot, reason: &str) -> Result<()> {
        let docker = Docker::connect().await?;
        docker.remove_volume(&snapshot.volume_name).await?;
        let datasource = self.datasources.get(snapshot.datasource_id).await?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query("DELETE FROM snapshots WHERE id = ?")
            .bind(snapshot.id)
            .execute(&mut *tx)
            .await?;
        self.audit(
            &mut tx,
            &datasource,
            AuditAction::SnapshotDelete,
            json!({ "snapshotId": snapshot.id, "takenAt": snapshot.created_at, "reason": reason }),
        )
        .await?;
        tx.commit().await?;
        self.announce(AuditAction::SnapshotDelete, datasource.id);
        Ok(())
    }

    /// After a crash: removes copy helpers left running, and the volumes of copies and restores
    /// cut short (their rows say which); forgets snapshots whose volume was removed outside the
    /// app, saying so in the activity log. Run on start, once Docker answers.
    pub async fn reconcile(&self) -> Result<()> {
        let docker = Docker::connect().await?;
        let busy: Vec<i64> = lock(&self.in_flight).iter().copied().collect();
        if busy.is_empty() {
            docker
                .remove_helpers(&[(LABEL_STORE, self.store.identity())])
                .await?;
        }
        let rows: Vec<(i64, i64, String, String)> =
            sqlx::query_as("SELECT id, datasource_id, volume_name, state FROM snapshots")
                .fetch_all(self.store.pool())
                .await?;
        for (id, datasource_id, volume, state) in rows {
            if busy.contains(&datasource_id) {
                continue;
            }
            if state != RowState::Ready.as_str() {
                // Never a datasource's live data: the switch deletes a target's row with it.
                docker.remove_volume(&volume).await?;
                self.delete_row(id).await?;
                tracing::info!(volume = %volume, state = %state, "removed an unfinished copy");
            } else if !docker.volume_exists(&volume).await? {
                let mut conn = self.store.pool().acquire().await?;
                let snapshot = model::fetch(&mut conn, id).await?;
                drop(conn);
                // Its volume is gone already: only the row and the activity log entry remain to do.
                self.remove(&snapshot, "its volume was removed outside the app")
                    .await?;
            }
        }
        Ok(())
    }

    async fn insert_row(
        &self,
        datasource: &Datasource,
        volume: &str,
        trigger: SnapshotTrigger,
        detail: &str,
        state: RowState,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO snapshots (datasource_id, volume_name, image, trigger, detail, state)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(datasource.id)
        .bind(volume)
        .bind(&datasource.image)
        .bind(trigger.as_str())
        .bind(detail)
        .bind(state.as_str())
        .fetch_one(self.store.pool())
        .await?)
    }

    async fn delete_row(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM snapshots WHERE id = ?")
            .bind(id)
            .execute(self.store.pool())
            .await?;
        Ok(())
    }

    fn snapshot_labels(&self, datasource: &Datasource) -> HashMap<String, String> {
        HashMap::from([
            (LABEL_STORE.to_owned(), self.store.identity().to_owned()),
            (LABEL_SNAPSHOT.to_owned(), datasource.id.to_string()),
            (
                LABEL_ENGINE.to_owned(),
                datasource.engine.as_str().to_owned(),
            ),
        ])
    }

    fn helper_labels(&self) -> HashMap<String, String> {
        HashMap::from([(LABEL_STORE.to_owned(), self.store.identity().to_owned())])
    }

    async fn audit(
        &self,
        conn: &mut sqlx::SqliteConnection,
        datasource: &Datasource,
        action: AuditAction,
        details: serde_json::Value,
    ) -> Result<()> {
        audit::record(
            conn,
            NewAuditEntry {
                action,
                resource_type: ResourceType::Datasource,
                resource_id: datasource.id,
                resource_name: &datasource.name,
                project_id: Some(datasource.project_id),
                details,
            },
        )
        .await?;
        Ok(())
    }

    fn announce(&self, action: AuditAction, datasource_id: i64) {
        self.store.announce(Change {
            action,
            resource_type: ResourceType::Datasource,
            resource_id: datasource_id,
        });
    }
}

/// Eight lowercase hex digits: volume names that never collide with an earlier one.
fn random_suffix() -> Result<String> {
    let mut bytes = [0u8; 4];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| Error::CopyFailed("the system's random source failed".to_owned()))?;
    Ok(quantum_kernel::hex(&bytes))
}
