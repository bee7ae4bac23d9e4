//! The datasource lifecycle: create, start, stop, restart, recreate and remove, each serialized per
//! datasource, with readiness detection and live status pushed to whoever listens.

mod create;
mod hold;
mod interlock;
mod moving;
mod naming;
mod orphans;
mod readiness;
mod shadow;
mod watcher;

pub use create::{ImportedData, Origin};
pub use hold::{data_volume_labels, set_volume, Held};
pub use naming::name_for_service;
use naming::*;
pub use shadow::{Shadow, LABEL_SHADOW};

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex as SyncMutex, RwLock};
use std::time::Duration;

use bollard::models::EventMessage;
use bollard::query_parameters::{
    EventsOptionsBuilder, ListVolumesOptionsBuilder, LogsOptionsBuilder,
};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use tokio::sync::{broadcast, watch, Mutex, OwnedMutexGuard};
use tokio::time::Instant;

use crate::connection::{self, Credentials};
use crate::model::{self, Datasource, DatasourceStatus, COLUMNS};
use crate::ports::Claims;
use crate::probe::{self, Endpoint, ProbeError};
use crate::{DatasourceInput, Error, Result};
use quantum_config::{DatasourceDecl, ProjectConfigs};
use quantum_docker::Error as DockerError;
use quantum_docker::{
    ContainerSpec, Docker, PullProgress, LABEL_DATASOURCE, LABEL_ENGINE, LABEL_PROJECT, LABEL_STORE,
};
use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::Engine;
use quantum_kernel::Store;
use quantum_secrets::{Secret, SecretStore};

/// Labels on a data volume that let a later datasource take its data over.
const LABEL_DATABASE: &str = "app.quantumadmin.database";
const LABEL_USERNAME: &str = "app.quantumadmin.username";
const LABEL_KEYCHAIN: &str = "app.quantumadmin.keychain-account";

const DEFAULT_READY_TIMEOUT_SECS: u32 = 120;
const PASSWORD_LENGTH: usize = 32;
/// Log lines kept to explain a crash during start-up.
const CRASH_LOG_LINES: usize = 15;
/// Port moves tried when ports keep being taken between the check and the start.
const PORT_ATTEMPTS: usize = 5;

/// What happens to datasources, pushed live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DatasourceEvent {
    #[serde(rename_all = "camelCase")]
    Status {
        id: i64,
        status: DatasourceStatus,
        reason: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    PullProgress { id: i64, progress: PullProgress },
    /// The chosen port was taken between the check and the start; the datasource moved.
    #[serde(rename_all = "camelCase")]
    PortMoved { id: i64, from: u16, to: u16 },
    #[serde(rename_all = "camelCase")]
    Docker {
        available: bool,
        message: Option<String>,
        /// Which Docker Engine the app talks to (or tried), and what chose it.
        endpoint: Option<String>,
    },
}

/// Which form of the connection details to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionFormat {
    Url,
    Env,
    Cli,
}

/// A volume left by a removed datasource, whose data a new one can take over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrphanVolume {
    pub volume_name: String,
    pub engine: Engine,
    pub database_name: String,
    pub username: String,
}

pub struct Datasources {
    store: Store,
    secrets: Arc<SecretStore>,
    /// The projects' quantum.toml, which declares the datasources the app creates.
    configs: Arc<ProjectConfigs>,
    images: RwLock<HashMap<Engine, String>>,
    locks: SyncMutex<HashMap<i64, Arc<Mutex<()>>>>,
    /// Creations choose names and ports one at a time, so two never pick the same.
    creating: Mutex<()>,
    /// How many lifecycle operations are under way; the updater waits for none.
    operations: watch::Sender<usize>,
    events: broadcast::Sender<DatasourceEvent>,
}

/// One lifecycle operation under way: counted from its creation until it is dropped.
struct Operation {
    operations: watch::Sender<usize>,
}

impl Operation {
    fn begin(operations: &watch::Sender<usize>) -> Self {
        operations.send_modify(|count| *count += 1);
        Self {
            operations: operations.clone(),
        }
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        self.operations.send_modify(|count| *count -= 1);
    }
}

/// The per-datasource lock of an operation (in this process, then across processes), and its
/// place in the count.
struct OperationGuard {
    _lock: OwnedMutexGuard<()>,
    _process_lock: Option<interlock::ProcessLock>,
    _operation: Operation,
}

impl Datasources {
    pub fn new(store: Store, secrets: Arc<SecretStore>, configs: Arc<ProjectConfigs>) -> Arc<Self> {
        let (events, _) = broadcast::channel(1024);
        Arc::new(Self {
            store,
            secrets,
            configs,
            images: RwLock::new(HashMap::new()),
            locks: SyncMutex::new(HashMap::new()),
            creating: Mutex::new(()),
            operations: watch::Sender::new(0),
            events,
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<DatasourceEvent> {
        self.events.subscribe()
    }

    /// An event of another process's (the `quantum` command line's), told to this one's
    /// listeners as if it were its own.
    pub fn relay(&self, event: DatasourceEvent) {
        self.emit(event);
    }

    /// Whether a lifecycle operation (create, pull, start, stop, restart, recreate, remove, a
    /// readiness probe) is under way.
    pub fn busy(&self) -> bool {
        *self.operations.borrow() > 0
    }

    /// Returns once no lifecycle operation is under way.
    pub async fn idle(&self) {
        let mut operations = self.operations.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = operations.wait_for(|count| *count == 0).await;
    }

    /// Per-engine images that replace the official defaults (Settings; tests use local images).
    pub fn set_default_images(&self, images: HashMap<Engine, String>) {
        *self
            .images
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = images;
    }

    pub fn default_image(&self, engine: Engine) -> String {
        self.images
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&engine)
            .filter(|image| !image.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| engine.default_image().to_owned())
    }

    pub async fn list(&self, project_id: Option<i64>) -> Result<Vec<Datasource>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM datasources WHERE ?1 IS NULL OR project_id = ?1 ORDER BY name COLLATE NOCASE"
        ))
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(model::from_row).collect())
    }

    pub async fn get(&self, id: i64) -> Result<Datasource> {
        let mut conn = self.store.pool().acquire().await?;
        model::fetch(&mut conn, id).await
    }

    /// Starts a stopped datasource and waits until it answers.
    pub async fn start(&self, id: i64) -> Result<Datasource> {
        let _guard = self.lock(id).await;
        self.audit_operation(id, AuditAction::DatasourceStart)
            .await?;
        let docker = Docker::connect().await?;
        self.start_locked(&docker, id).await
    }

    pub async fn stop(&self, id: i64) -> Result<Datasource> {
        let _guard = self.lock(id).await;
        let datasource = self
            .audit_operation(id, AuditAction::DatasourceStop)
            .await?;
        let docker = Docker::connect().await?;
        if let Some(container) = &datasource.container_id {
            docker.stop(container).await?;
        }
        self.set_status(id, DatasourceStatus::Stopped, None).await?;
        self.get(id).await
    }

    pub async fn restart(&self, id: i64) -> Result<Datasource> {
        let _guard = self.lock(id).await;
        let datasource = self
            .audit_operation(id, AuditAction::DatasourceRestart)
            .await?;
        let docker = Docker::connect().await?;
        if let Some(container) = &datasource.container_id {
            docker.stop(container).await?;
        }
        self.start_locked(&docker, id).await
    }

    /// Makes a new container on the same volume: for a container removed outside the app.
    pub async fn recreate(&self, id: i64) -> Result<Datasource> {
        let _guard = self.lock(id).await;
        self.audit_operation(id, AuditAction::DatasourceRecreate)
            .await?;
        let docker = Docker::connect().await?;
        let datasource = self.get(id).await?;
        if let Some(container) = &datasource.container_id {
            docker.remove_container(container).await?;
        }
        self.set_container(id, None).await?;
        if let Err(error) = self.provision(&docker, id).await {
            self.fail(id, &error).await;
            return Err(error);
        }
        self.get(id).await
    }

    /// Removes the container. The data volume and the password stay unless `delete_data` says
    /// otherwise, so that a new datasource can take the data over.
    /// Removes a datasource, and its declaration from the project's quantum.toml.
    pub async fn remove(&self, id: i64, delete_data: bool) -> Result<()> {
        let datasource = self.remove_container_and_row(id, delete_data).await?;
        self.configs
            .undeclare_datasource(datasource.project_id, &datasource.name)
            .await;
        Ok(())
    }

    async fn remove_container_and_row(&self, id: i64, delete_data: bool) -> Result<Datasource> {
        let _guard = self.lock(id).await;
        let docker = Docker::connect().await?;
        let datasource = self.get(id).await?;
        if let Some(container) = &datasource.container_id {
            docker.remove_container(container).await?;
        }
        if delete_data {
            docker.remove_volume(&datasource.volume_name).await?;
        }
        let mut tx = self.store.begin_write().await?;
        sqlx::query("DELETE FROM datasources WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            NewAuditEntry {
                action: AuditAction::DatasourceRemove,
                resource_type: ResourceType::Datasource,
                resource_id: id,
                resource_name: &datasource.name,
                project_id: Some(datasource.project_id),
                details: json!({ "volumeName": datasource.volume_name, "dataDeleted": delete_data }),
            },
        )
        .await?;
        tx.commit().await?;
        if delete_data {
            self.secrets.delete(&datasource.keychain_account)?;
        }
        self.locks_map().remove(&id);
        self.announce_change(AuditAction::DatasourceRemove, id);
        tracing::info!(datasource_id = id, delete_data, "datasource removed");
        Ok(datasource)
    }

    /// Deletes a project. With `remove_datasources`, its databases go first (their containers;
    /// their data volumes are kept, as with any removal; its quantum.toml is left as it is);
    /// without it, a project that has some is refused.
    pub async fn delete_project(&self, project_id: i64, remove_datasources: bool) -> Result<()> {
        if remove_datasources {
            for datasource in self.list(Some(project_id)).await? {
                self.remove_container_and_row(datasource.id, false).await?;
            }
        }
        Ok(quantum_kernel::projects::delete(&self.store, project_id).await?)
    }

    /// The datasource and its password, for a tool of the app's own that connects to it (the
    /// schema inspector). Nothing leaves the core with it: not audited, unlike a reveal.
    pub async fn connection_details(&self, id: i64) -> Result<(Datasource, Secret)> {
        self.with_password(id).await
    }

    /// The connection details with the password in them: an explicit act, audited (without it).
    pub async fn reveal_connection(&self, id: i64, format: ConnectionFormat) -> Result<String> {
        let (datasource, password) = self.with_password(id).await?;
        let credentials = Credentials {
            database: &datasource.database_name,
            username: &datasource.username,
            password: &password,
        };
        let text = match format {
            ConnectionFormat::Url => {
                connection::url(datasource.engine, datasource.host_port, &credentials)
            }
            ConnectionFormat::Cli => {
                connection::cli_command(datasource.engine, datasource.host_port, &credentials)
            }
            ConnectionFormat::Env => {
                connection::env_vars(datasource.engine, datasource.host_port, &credentials)
                    .into_iter()
                    .map(|(k, v)| format!("{k}={v}\n"))
                    .collect()
            }
        };
        self.audit(
            &datasource,
            AuditAction::DatasourceRevealSecret,
            json!({ "format": format }),
        )
        .await?;
        Ok(text)
    }

    /// The datasource and its password from the keychain.
    pub(crate) async fn with_password(&self, id: i64) -> Result<(Datasource, Secret)> {
        let datasource = self.get(id).await?;
        let password = self.secrets.get(&datasource.keychain_account)?;
        Ok((datasource, password))
    }

    /// Records an action on a datasource in the activity log, and announces it.
    pub(crate) async fn audit(
        &self,
        datasource: &Datasource,
        action: AuditAction,
        details: serde_json::Value,
    ) -> Result<()> {
        let mut conn = self.store.pool().acquire().await?;
        audit::record(
            &mut conn,
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
        self.announce_change(action, datasource.id);
        Ok(())
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    async fn fail(&self, id: i64, error: &Error) {
        tracing::warn!(datasource_id = id, %error, "datasource operation failed");
        let _ = self
            .set_status(id, DatasourceStatus::Error, Some(error.to_string()))
            .await;
    }

    async fn set_status(
        &self,
        id: i64,
        status: DatasourceStatus,
        reason: Option<String>,
    ) -> Result<()> {
        let changed = sqlx::query(
            "UPDATE datasources SET status = ?, status_reason = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ? AND (status IS NOT ? OR status_reason IS NOT ?)",
        )
        .bind(status.as_str())
        .bind(&reason)
        .bind(id)
        .bind(status.as_str())
        .bind(&reason)
        .execute(self.store.pool())
        .await?
        .rows_affected();
        if changed > 0 {
            self.emit(DatasourceEvent::Status { id, status, reason });
        }
        Ok(())
    }

    async fn set_container(&self, id: i64, container: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE datasources SET container_id = ? WHERE id = ?")
            .bind(container)
            .bind(id)
            .execute(self.store.pool())
            .await?;
        Ok(())
    }

    /// Writes the audit entry of a start, stop, restart or recreate, as it is asked for.
    async fn audit_operation(&self, id: i64, action: AuditAction) -> Result<Datasource> {
        let datasource = self.get(id).await?;
        self.audit(&datasource, action, json!({})).await?;
        Ok(datasource)
    }

    async fn reserved_ports(&self, except: Option<i64>) -> Result<HashMap<u16, String>> {
        let mut reserved: HashMap<u16, String> = self
            .list(None)
            .await?
            .into_iter()
            .filter(|d| Some(d.id) != except)
            .map(|d| (d.host_port, format!("the datasource “{}”", d.name)))
            .collect();
        // Deploy environments' published ports, deployed or not yet: a database must not take
        // the port a project's proxy is declared to serve on (on this machine: one on another
        // Docker host publishes there).
        for project in quantum_kernel::projects::list(&self.store).await? {
            let environments = self
                .configs
                .deploy_environments(project.id)
                .await
                .unwrap_or_default();
            let local = environments
                .into_iter()
                .filter(|environment| environment.docker_context.is_none())
                .filter(|environment| environment.docker_host.is_none());
            for environment in local {
                reserved.entry(environment.publish).or_insert_with(|| {
                    format!(
                        "the deploy environment “{}” of {} (its publish port)",
                        environment.name, project.name
                    )
                });
            }
        }
        Ok(reserved)
    }

    /// `{project}-{engine}-{n}` with the smallest n not taken.
    async fn next_name(&self, project_slug: &str, engine: Engine) -> Result<String> {
        let taken: Vec<String> = sqlx::query_scalar("SELECT lower(name) FROM datasources")
            .fetch_all(self.store.pool())
            .await?;
        let name = (1..)
            .map(|n| format!("{project_slug}-{}-{n}", engine.as_str()))
            .find(|candidate| !taken.contains(&candidate.to_lowercase()))
            .unwrap_or_default();
        Ok(name)
    }

    fn locks_map(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Mutex<()>>>> {
        self.locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// One operation at a time per datasource: a second click waits for the first.
    /// Counted as under way from the moment it waits for the lock.
    async fn lock(&self, id: i64) -> OperationGuard {
        let operation = Operation::begin(&self.operations);
        let lock = Arc::clone(self.locks_map().entry(id).or_default());
        let lock = lock.lock_owned().await;
        OperationGuard {
            _lock: lock,
            _process_lock: interlock::acquire(&self.store, id).await,
            _operation: operation,
        }
    }

    fn try_lock(&self, id: i64) -> Option<OperationGuard> {
        let lock = Arc::clone(self.locks_map().entry(id).or_default());
        let lock = lock.try_lock_owned().ok()?;
        let process_lock = interlock::try_acquire(&self.store, id).ok()?;
        Some(OperationGuard {
            _lock: lock,
            _process_lock: process_lock,
            _operation: Operation::begin(&self.operations),
        })
    }

    fn emit(&self, event: DatasourceEvent) {
        let _ = self.events.send(event);
    }

    fn announce_change(&self, action: AuditAction, id: i64) {
        self.store.announce(Change {
            action,
            resource_type: ResourceType::Datasource,
            resource_id: id,
        });
    }
}

fn unix_now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn operations_are_counted_until_their_guards_drop() {
        use futures_util::FutureExt;

        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_in(dir.path()).await.expect("store");
        let datasources = Datasources::new(
            store.clone(),
            Arc::new(SecretStore::keychain(dir.path())),
            ProjectConfigs::new(store, dir.path()),
        );
        assert!(!datasources.busy());
        datasources.idle().await;

        let first = datasources.lock(1).await;
        let second = datasources
            .try_lock(2)
            .expect("another datasource's lock is free");
        assert!(
            datasources.try_lock(1).is_none(),
            "one operation at a time per datasource"
        );
        assert!(datasources.busy());

        let idle = datasources.idle();
        tokio::pin!(idle);
        assert!(
            idle.as_mut().now_or_never().is_none(),
            "idle waits while operations run"
        );
        drop(first);
        assert!(datasources.busy(), "one operation is still under way");
        assert!(idle.as_mut().now_or_never().is_none());
        drop(second);
        assert!(!datasources.busy());
        idle.await;
    }
}
