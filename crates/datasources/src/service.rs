//! The datasource lifecycle: create, start, stop, restart, recreate and remove, each serialized per
//! datasource, with readiness detection and live status pushed to whoever listens.

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
    ContainerSpec, Docker, PullProgress, LABEL_DATASOURCE, LABEL_ENGINE, LABEL_PROJECT,
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

/// The per-datasource lock of an operation, and its place in the count.
struct OperationGuard {
    _lock: OwnedMutexGuard<()>,
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

    /// Records the datasource and its password, then sets it up in the background; status events
    /// tell how that goes. Returns as soon as the record exists.
    pub async fn create(self: &Arc<Self>, input: DatasourceInput) -> Result<Datasource> {
        let requested_port = crate::validate::host_port(input.host_port)?;
        let _operation = Operation::begin(&self.operations);
        let docker = Docker::connect().await?;
        let creating = self.creating.lock().await;
        let project = quantum_kernel::projects::get(&self.store, input.project_id).await?;
        let engine = input.engine;

        let adopted = match &input.volume_name {
            Some(volume) => Some(self.orphan_volume(volume).await?),
            None => None,
        };
        if let Some(adopted) = &adopted {
            if adopted.engine != engine {
                return Err(invalid(
                    "volumeName",
                    format!(
                        "The volume {} holds {} data; choose {} as the engine.",
                        adopted.volume_name,
                        adopted.engine.label(),
                        adopted.engine.label()
                    ),
                ));
            }
        }

        let name = match non_empty(&input.name) {
            Some(name) => {
                validate_container_name(&name)?;
                name
            }
            None => self.next_name(&slug(&project.name, '-'), engine).await?,
        };
        let (database_name, username) = match &adopted {
            Some(volume) => (volume.database_name.clone(), volume.username.clone()),
            None if engine.has_database_and_user() => {
                let database =
                    non_empty(&input.database_name).unwrap_or_else(|| slug(&project.name, '_'));
                let username = match non_empty(&input.username) {
                    Some(username) => username,
                    None => format!("quantum_{}", random_suffix()?),
                };
                validate_identifier("databaseName", "database", &database)?;
                validate_identifier("username", "user", &username)?;
                (database, username)
            }
            None => (String::new(), String::new()),
        };
        let image = non_empty(&input.image).unwrap_or_else(|| self.default_image(engine));
        let timeout = input
            .ready_timeout_secs
            .unwrap_or(DEFAULT_READY_TIMEOUT_SECS);
        if !(5..=3600).contains(&timeout) {
            return Err(invalid(
                "readyTimeoutSecs",
                "Give the start-up timeout in seconds, from 5 to 3600.",
            ));
        }

        let claims = Claims::gather(&docker, self.reserved_ports(None).await?).await?;
        let host_port = match requested_port {
            Some(port) => {
                claims.check(port)?;
                port
            }
            None => claims.next_free(engine.default_port())?,
        };

        let volume_name = adopted
            .as_ref()
            .map(|v| v.volume_name.clone())
            .unwrap_or_else(|| format!("{name}-data"));
        // The password is stored and an adopted volume's account read before the transaction:
        // a keychain unlock prompt or a slow Docker must not hold the database's write lock. A
        // password stored for a row that then fails to commit is taken back.
        let account = match &adopted {
            Some(_) => self.adopted_account(&docker, &volume_name).await?,
            None => {
                let account = format!("datasource-{name}-{}", random_suffix()?);
                self.secrets
                    .set(&account, &Secret::generate_password(PASSWORD_LENGTH)?)?;
                account
            }
        };
        let committed = async {
            let mut tx = self.store.begin_write().await?;
            let row = sqlx::query(&format!(
                "INSERT INTO datasources (project_id, name, engine, image, host_port, database_name, username,
                     keychain_account, volume_name, auto_start, ready_timeout_secs)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
            ))
            .bind(project.id)
            .bind(&name)
            .bind(engine.as_str())
            .bind(&image)
            .bind(i64::from(host_port))
            .bind(&database_name)
            .bind(&username)
            .bind(&account)
            .bind(&volume_name)
            .bind(input.auto_start.unwrap_or(true))
            .bind(i64::from(timeout))
            .fetch_one(&mut *tx)
            .await
            .map_err(|error| insert_error(error, host_port, &name))?;
            let datasource = model::from_row(&row);
            audit::record(
                &mut tx,
                NewAuditEntry {
                    action: AuditAction::DatasourceCreate,
                    resource_type: ResourceType::Datasource,
                    resource_id: datasource.id,
                    resource_name: &datasource.name,
                    project_id: Some(project.id),
                    details: json!({
                        "engine": engine.as_str(),
                        "image": image,
                        "hostPort": host_port,
                        "databaseName": database_name,
                        "username": username,
                        "volumeName": volume_name,
                        "reusedVolume": adopted.is_some(),
                    }),
                },
            )
            .await?;
            tx.commit().await?;
            Ok::<_, Error>(datasource)
        }
        .await;
        let datasource = match committed {
            Ok(datasource) => datasource,
            Err(error) => {
                if adopted.is_none() {
                    let _ = self.secrets.delete(&account);
                }
                return Err(error);
            }
        };
        drop(creating);
        self.announce_change(AuditAction::DatasourceCreate, datasource.id);
        self.configs
            .declare_datasource(
                project.id,
                &DatasourceDecl {
                    name: datasource.name.clone(),
                    engine,
                    version: None,
                    image: Some(datasource.image.clone()),
                    port: Some(datasource.host_port),
                    database: engine
                        .has_database_and_user()
                        .then(|| datasource.database_name.clone()),
                    volume: Some(datasource.volume_name.clone()),
                },
            )
            .await;
        tracing::info!(
            datasource_id = datasource.id,
            engine = engine.as_str(),
            "datasource created"
        );

        let guard = self.lock(datasource.id).await;
        let this = Arc::clone(self);
        let id = datasource.id;
        tokio::spawn(async move {
            let _guard = guard;
            if let Err(error) = this.provision(&docker, id).await {
                this.fail(id, &error).await;
            }
        });
        Ok(datasource)
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

    /// Volumes of removed datasources whose data a new datasource can take over.
    pub async fn orphan_volumes(&self) -> Result<Vec<OrphanVolume>> {
        let docker = Docker::connect().await?;
        let filters = HashMap::from([("label", vec![LABEL_KEYCHAIN])]);
        let options = ListVolumesOptionsBuilder::new().filters(&filters).build();
        let listed = docker
            .api()
            .list_volumes(Some(options))
            .await
            .map_err(|e| Error::docker(e.to_string()))?;
        let in_use: Vec<String> = self
            .list(None)
            .await?
            .into_iter()
            .map(|d| d.volume_name)
            .collect();
        Ok(listed
            .volumes
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !in_use.contains(&v.name))
            .filter_map(|v| {
                Some(OrphanVolume {
                    engine: Engine::parse(v.labels.get(LABEL_ENGINE)?)?,
                    database_name: v.labels.get(LABEL_DATABASE).cloned().unwrap_or_default(),
                    username: v.labels.get(LABEL_USERNAME).cloned().unwrap_or_default(),
                    volume_name: v.name,
                })
            })
            .collect())
    }

    /// Follows Docker for as long as the app runs: reconciles on every (re)connection, then turns
    /// container events into status changes. Reconnects with back-off when the daemon goes away.
    pub async fn watch_docker(self: Arc<Self>) {
        let mut delay = Duration::from_millis(100);
        let mut available = None;
        let mut auto_started = false;
        loop {
            match Docker::connect().await {
                Ok(docker) => {
                    delay = Duration::from_millis(100);
                    if available != Some(true) {
                        available = Some(true);
                        self.emit(DatasourceEvent::Docker {
                            available: true,
                            message: None,
                        });
                    }
                    // Events from here on are not missed while reconciling.
                    let since = (unix_now_secs() - 1).to_string();
                    let filters = HashMap::from([
                        ("type", vec!["container"]),
                        ("label", vec![LABEL_DATASOURCE]),
                    ]);
                    let options = EventsOptionsBuilder::new()
                        .since(&since)
                        .filters(&filters)
                        .build();
                    let mut events = docker.api().events(Some(options));
                    self.reconcile(&docker).await;
                    if !auto_started {
                        auto_started = true;
                        self.auto_start().await;
                    }
                    while let Some(event) = events.next().await {
                        match event {
                            Ok(event) => self.on_docker_event(&docker, event).await,
                            Err(error) => {
                                tracing::warn!(%error, "Docker event stream broke");
                                break;
                            }
                        }
                    }
                }
                Err(error) => {
                    if available != Some(false) {
                        available = Some(false);
                        tracing::warn!(%error, "Docker is not reachable");
                        self.emit(DatasourceEvent::Docker {
                            available: false,
                            message: Some(error.to_string()),
                        });
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                    continue;
                }
            }
            // The stream ended: the daemon went away (or restarts); say so and reconnect.
            if available != Some(false) && Docker::connect().await.is_err() {
                available = Some(false);
                self.emit(DatasourceEvent::Docker {
                    available: false,
                    message: Some("The Docker daemon stopped answering.".to_owned()),
                });
            }
        }
    }

    /// Starts the stopped datasources that are set to start with the app, all at once.
    async fn auto_start(self: &Arc<Self>) {
        let Ok(datasources) = self.list(None).await else {
            return;
        };
        for datasource in datasources {
            if datasource.auto_start && datasource.status == DatasourceStatus::Stopped {
                let this = Arc::clone(self);
                tokio::spawn(async move {
                    if let Err(error) = this.start(datasource.id).await {
                        tracing::warn!(datasource_id = datasource.id, %error, "auto-start failed");
                    }
                });
            }
        }
    }

    /// Brings every status in line with Docker: containers removed outside the app become
    /// "missing", stopped ones "stopped", running ones are probed until ready.
    pub async fn reconcile(self: &Arc<Self>, docker: &Docker) {
        let Ok(datasources) = self.list(None).await else {
            return;
        };
        for datasource in datasources {
            self.reconcile_one(docker, datasource.id).await;
        }
    }

    async fn reconcile_one(self: &Arc<Self>, docker: &Docker, id: i64) {
        // An operation under way owns the status.
        let Some(guard) = self.try_lock(id) else {
            return;
        };
        let Ok(datasource) = self.get(id).await else {
            return;
        };
        let Some(container) = datasource.container_id.clone() else {
            return;
        };
        match docker.inspect(&container).await {
            Ok(None) => {
                let _ = self
                    .set_status(
                        id,
                        DatasourceStatus::Missing,
                        Some("Its container was removed outside the app.".into()),
                    )
                    .await;
            }
            Ok(Some(state)) if state.running => {
                if datasource.status != DatasourceStatus::Ready {
                    let this = Arc::clone(self);
                    let docker = docker.clone();
                    tokio::spawn(async move {
                        let _guard = guard;
                        if let Err(error) = this.become_ready(&docker, id).await {
                            this.fail(id, &error).await;
                        }
                    });
                }
            }
            Ok(Some(_)) => {
                if datasource.status != DatasourceStatus::Error {
                    let _ = self.set_status(id, DatasourceStatus::Stopped, None).await;
                }
            }
            Err(error) => tracing::debug!(%error, "reconcile could not inspect a container"),
        }
    }

    async fn on_docker_event(self: &Arc<Self>, docker: &Docker, event: EventMessage) {
        let Some(id) = event
            .actor
            .as_ref()
            .and_then(|actor| actor.attributes.as_ref())
            .and_then(|attributes| attributes.get(LABEL_DATASOURCE))
            .and_then(|id| id.parse::<i64>().ok())
        else {
            return;
        };
        if let Some("start" | "die" | "stop" | "destroy" | "kill" | "oom") = event.action.as_deref()
        {
            self.reconcile_one(docker, id).await;
        }
    }

    async fn provision(&self, docker: &Docker, id: i64) -> Result<()> {
        let datasource = self.get(id).await?;
        if !docker.image_present(&datasource.image).await? {
            self.set_status(id, DatasourceStatus::Pulling, None).await?;
            docker
                .pull(&datasource.image, |progress| {
                    self.emit(DatasourceEvent::PullProgress { id, progress });
                })
                .await?;
        }
        self.set_status(id, DatasourceStatus::Starting, None)
            .await?;
        let password = self.secrets.get(&datasource.keychain_account)?;
        docker
            .ensure_volume(
                &datasource.volume_name,
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
                ]),
            )
            .await?;
        self.create_and_start(docker, &datasource, &password)
            .await?;
        self.become_ready(docker, id).await
    }

    /// Creates the container and starts it, moving to the next free port when the chosen one is
    /// taken between the check and the start.
    async fn create_and_start(
        &self,
        docker: &Docker,
        datasource: &Datasource,
        password: &Secret,
    ) -> Result<()> {
        let credentials = Credentials {
            database: &datasource.database_name,
            username: &datasource.username,
            password,
        };
        let mut host_port = datasource.host_port;
        for _ in 0..PORT_ATTEMPTS {
            let spec = ContainerSpec {
                name: datasource.name.clone(),
                image: datasource.image.clone(),
                env: connection::container_env(datasource.engine, &credentials),
                cmd: connection::container_cmd(datasource.engine, &credentials),
                container_port: datasource.engine.default_port(),
                host_port,
                volume_name: datasource.volume_name.clone(),
                data_path: datasource.engine.data_path().to_owned(),
                labels: HashMap::from([
                    (LABEL_PROJECT.to_owned(), datasource.project_id.to_string()),
                    (LABEL_DATASOURCE.to_owned(), datasource.id.to_string()),
                    (
                        LABEL_ENGINE.to_owned(),
                        datasource.engine.as_str().to_owned(),
                    ),
                ]),
            };
            let container = docker.create_container(&spec).await?;
            self.set_container(datasource.id, Some(&container)).await?;
            match docker.start(&container, host_port).await {
                Ok(()) => return Ok(()),
                Err(DockerError::PortTaken { .. }) => {
                    docker.remove_container(&container).await?;
                    self.set_container(datasource.id, None).await?;
                    let claims =
                        Claims::gather(docker, self.reserved_ports(Some(datasource.id)).await?)
                            .await?;
                    let next = claims.next_free(host_port.saturating_add(1))?;
                    sqlx::query("UPDATE datasources SET host_port = ? WHERE id = ?")
                        .bind(i64::from(next))
                        .bind(datasource.id)
                        .execute(self.store.pool())
                        .await?;
                    tracing::info!(
                        datasource_id = datasource.id,
                        from = host_port,
                        to = next,
                        "port taken, moved"
                    );
                    self.emit(DatasourceEvent::PortMoved {
                        id: datasource.id,
                        from: host_port,
                        to: next,
                    });
                    host_port = next;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(DockerError::PortTaken {
            port: host_port,
            holder: Some("programs that keep taking the next ports".to_owned()),
        }
        .into())
    }

    async fn start_locked(&self, docker: &Docker, id: i64) -> Result<Datasource> {
        let datasource = self.get(id).await?;
        let Some(container) = datasource.container_id.clone() else {
            return Err(Error::docker(format!(
                "“{}” has no container; recreate it with its data.",
                datasource.name
            )));
        };
        if docker.inspect(&container).await?.is_none() {
            self.set_status(
                id,
                DatasourceStatus::Missing,
                Some("Its container was removed outside the app.".into()),
            )
            .await?;
            return Err(Error::docker(format!(
                "The container of “{}” was removed outside the app; recreate it with its data.",
                datasource.name
            )));
        }
        self.set_status(id, DatasourceStatus::Starting, None)
            .await?;
        let result = async {
            docker.start(&container, datasource.host_port).await?;
            self.become_ready(docker, id).await
        }
        .await;
        if let Err(error) = &result {
            self.fail(id, error).await;
        }
        result?;
        self.get(id).await
    }

    /// Waits for the server to answer, runs its set-up, and marks it ready.
    async fn become_ready(&self, docker: &Docker, id: i64) -> Result<()> {
        let datasource = self.get(id).await?;
        let container = datasource
            .container_id
            .clone()
            .ok_or_else(|| Error::docker("the datasource has no container"))?;
        if datasource.status != DatasourceStatus::Starting {
            self.set_status(id, DatasourceStatus::Starting, None)
                .await?;
        }
        let password = self.secrets.get(&datasource.keychain_account)?;
        let endpoint = Endpoint {
            engine: datasource.engine,
            host: connection::HOST,
            port: datasource.host_port,
            user: &datasource.username,
            password: &password,
            database: &datasource.database_name,
        };
        wait_until_ready(docker, &datasource, &container, &endpoint).await?;
        self.set_status(id, DatasourceStatus::Configuring, None)
            .await?;
        probe::configure(&endpoint)
            .await
            .map_err(|error| Error::DatasourceFailed {
                name: datasource.name.clone(),
                reason: format!("its set-up failed: {error}"),
                last_log: Vec::new(),
            })?;
        self.set_status(id, DatasourceStatus::Ready, None).await?;
        tracing::info!(datasource_id = id, "datasource ready");
        Ok(())
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
        Ok(self
            .list(None)
            .await?
            .into_iter()
            .filter(|d| Some(d.id) != except)
            .map(|d| (d.host_port, d.name))
            .collect())
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

    async fn orphan_volume(&self, volume_name: &str) -> Result<OrphanVolume> {
        self.orphan_volumes()
            .await?
            .into_iter()
            .find(|v| v.volume_name == volume_name)
            .ok_or_else(|| {
                invalid(
                    "volumeName",
                    format!("No removed datasource left a volume named {volume_name}; pick one from the list."),
                )
            })
    }

    async fn adopted_account(&self, docker: &Docker, volume_name: &str) -> Result<String> {
        let volume = docker
            .api()
            .inspect_volume(volume_name)
            .await
            .map_err(|e| Error::docker(e.to_string()))?;
        volume.labels.get(LABEL_KEYCHAIN).cloned().ok_or_else(|| {
            invalid(
                "volumeName",
                format!("The volume {volume_name} has no password on record."),
            )
        })
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
        OperationGuard {
            _lock: lock.lock_owned().await,
            _operation: operation,
        }
    }

    fn try_lock(&self, id: i64) -> Option<OperationGuard> {
        let lock = Arc::clone(self.locks_map().entry(id).or_default());
        let lock = lock.try_lock_owned().ok()?;
        Some(OperationGuard {
            _lock: lock,
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

/// Probes with back-off until the server answers, while following its log: a container that
/// exits is reported with its last lines instead of waiting for the timeout.
async fn wait_until_ready(
    docker: &Docker,
    datasource: &Datasource,
    container: &str,
    endpoint: &Endpoint<'_>,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(u64::from(datasource.ready_timeout_secs));
    let options = LogsOptionsBuilder::new()
        .follow(true)
        .stdout(true)
        .stderr(true)
        .tail("50")
        .build();
    let mut logs = docker.api().logs(container, Some(options));
    let mut last_lines: VecDeque<String> = VecDeque::with_capacity(CRASH_LOG_LINES);
    let mut logs_open = true;
    let mut delays = probe::backoff();
    loop {
        match probe::probe(endpoint).await {
            Ok(()) => return Ok(()),
            Err(ProbeError::Refused(reason)) => {
                return Err(Error::DatasourceFailed {
                    name: datasource.name.clone(),
                    reason,
                    last_log: last_lines.into(),
                })
            }
            Err(ProbeError::NotReady(_)) => {}
        }
        if Instant::now() >= deadline {
            return Err(Error::DatasourceFailed {
                name: datasource.name.clone(),
                reason: format!(
                    "it did not accept connections within {} s (the timeout can be raised in its settings)",
                    datasource.ready_timeout_secs
                ),
                last_log: last_lines.into(),
            });
        }
        let pause = tokio::time::sleep(delays.next().unwrap_or(Duration::from_millis(250)));
        tokio::pin!(pause);
        loop {
            tokio::select! {
                () = &mut pause => break,
                line = logs.next(), if logs_open => match line {
                    Some(Ok(output)) => {
                        let mut ready_line = false;
                        for text in output.to_string().lines() {
                            ready_line |= text.contains(datasource.engine.ready_log_marker());
                            if last_lines.len() == CRASH_LOG_LINES {
                                last_lines.pop_front();
                            }
                            last_lines.push_back(text.to_owned());
                        }
                        // The server says it is ready: probe now rather than after the pause.
                        if ready_line {
                            break;
                        }
                    }
                    _ => {
                        logs_open = false;
                        if let Some(state) = docker.inspect(container).await? {
                            if !state.running {
                                return Err(Error::DatasourceFailed {
                                    name: datasource.name.clone(),
                                    reason: format!(
                                        "its container stopped during start-up (exit code {})",
                                        state.exit_code.unwrap_or_default()
                                    ),
                                    last_log: last_lines.into(),
                                });
                            }
                        }
                    }
                },
            }
        }
    }
}

fn unix_now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    Error::validation("validation.invalid_datasource", field, message)
}

/// A name Docker accepts for a container and a volume: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, 2–63 long.
fn validate_container_name(name: &str) -> Result<()> {
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let valid_rest = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(2..=63).contains(&name.len()) || !valid_start || !valid_rest {
        return Err(Error::validation(
            "validation.invalid_name",
            "name",
            "Use 2 to 63 letters, digits, “_”, “.” or “-”, starting with a letter or digit.",
        ));
    }
    Ok(())
}

/// Database and user names: plain identifiers every engine takes without quoting surprises.
fn validate_identifier(field: &'static str, what: &str, value: &str) -> Result<()> {
    let valid_start = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let valid_rest = value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if value.len() > 32 || !valid_start || !valid_rest {
        return Err(invalid(
            field,
            format!("Give the {what} name as up to 32 letters, digits or “_”, starting with a letter or “_”."),
        ));
    }
    Ok(())
}

/// A lowercase slug of a project name, with `separator` between words.
fn slug(name: &str, separator: char) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with(separator) && !slug.is_empty() {
            slug.push(separator);
        }
    }
    let slug = slug
        .trim_end_matches(separator)
        .chars()
        .take(24)
        .collect::<String>();
    match slug.chars().next() {
        None => "project".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("p{separator}{slug}"),
        Some(_) => slug,
    }
}

/// A refused insert, in the user's terms: the port or the name is taken.
fn insert_error(error: sqlx::Error, host_port: u16, name: &str) -> Error {
    match &error {
        sqlx::Error::Database(db)
            if db.is_unique_violation() && db.message().contains("host_port") =>
        {
            DockerError::PortTaken {
                port: host_port,
                holder: Some("another datasource".to_owned()),
            }
            .into()
        }
        sqlx::Error::Database(db) if db.is_unique_violation() => DockerError::ContainerNameTaken {
            name: name.to_owned(),
        }
        .into(),
        _ => error.into(),
    }
}

fn random_suffix() -> Result<String> {
    Ok(Secret::generate_password(6)?.expose().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_as_container_and_database_names() {
        assert_eq!(slug("Shop API", '-'), "shop-api");
        assert_eq!(slug("Shop API", '_'), "shop_api");
        assert_eq!(slug("  --  ", '_'), "project");
        assert_eq!(slug("2048 game", '-'), "p-2048-game");
    }

    #[test]
    fn bad_names_and_identifiers_are_refused() {
        assert!(validate_container_name("shop-postgres-1").is_ok());
        assert!(validate_container_name("-shop").is_err());
        assert!(validate_container_name("shop api").is_err());
        assert!(validate_identifier("databaseName", "database", "shop_db").is_ok());
        assert!(validate_identifier("databaseName", "database", "shop-db").is_err());
        assert!(validate_identifier("username", "user", "1user").is_err());
    }

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
