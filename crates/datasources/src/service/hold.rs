//! Work on a datasource's data volume (a snapshot, a restore): the server stopped and the
//! datasource locked for the duration, then started again or moved onto another volume.

use super::*;

/// A datasource stopped and locked for work on its volume. Nothing else runs on it until it is
/// given back through [`Datasources::release`] or [`Datasources::move_to_volume`].
pub struct Held {
    pub datasource: Datasource,
    was_running: bool,
    _guard: OperationGuard,
}

impl Datasources {
    /// Stops the datasource's server (cleanly: a copy of a stopped data directory is consistent)
    /// and holds it in `status` (snapshotting or restoring) until released.
    pub async fn hold(&self, id: i64, status: DatasourceStatus) -> Result<Held> {
        let guard = self.lock(id).await;
        let datasource = self.get(id).await?;
        let docker = Docker::connect().await?;
        let mut was_running = false;
        if let Some(container) = &datasource.container_id {
            was_running = docker
                .inspect(container)
                .await?
                .is_some_and(|state| state.running);
            if was_running {
                docker.stop(container).await?;
            }
        }
        self.set_status(id, status, None).await?;
        Ok(Held {
            datasource,
            was_running,
            _guard: guard,
        })
    }

    /// Gives a held datasource back: started again and ready if it was running, else stopped.
    pub async fn release(&self, held: Held) -> Result<Datasource> {
        let id = held.datasource.id;
        if held.was_running {
            let docker = Docker::connect().await?;
            return self.start_locked(&docker, id).await;
        }
        self.set_status(id, DatasourceStatus::Stopped, None).await?;
        self.get(id).await
    }

    /// Puts a held datasource on the volume its record now names (the caller committed the
    /// switch): its old container, mounted on the old volume, is replaced by one on the new, and
    /// the server started on it.
    pub async fn move_to_volume(&self, held: Held) -> Result<Datasource> {
        let id = held.datasource.id;
        let docker = Docker::connect().await?;
        if let Some(container) = &held.datasource.container_id {
            docker.remove_container(container).await?;
        }
        self.set_container(id, None).await?;
        if let Err(error) = self.provision(&docker, id).await {
            self.fail(id, &error).await;
            return Err(error);
        }
        drop(held);
        self.get(id).await
    }
}

/// Points the datasource's record at another data volume, in the caller's transaction: the one
/// moment a restore switches from the old data to the new.
pub async fn set_volume(conn: &mut sqlx::SqliteConnection, id: i64, volume: &str) -> Result<()> {
    sqlx::query(
        "UPDATE datasources SET volume_name = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?",
    )
    .bind(volume)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The labels of a datasource's data volume: what lets a later datasource take its data over.
pub fn data_volume_labels(datasource: &Datasource) -> HashMap<String, String> {
    HashMap::from([
        (
            LABEL_ENGINE.to_owned(),
            datasource.engine.as_str().to_owned(),
        ),
        (LABEL_DATABASE.to_owned(), datasource.database_name.clone()),
        (LABEL_USERNAME.to_owned(), datasource.username.clone()),
        (
            LABEL_KEYCHAIN.to_owned(),
            datasource.keychain_account.clone(),
        ),
    ])
}
