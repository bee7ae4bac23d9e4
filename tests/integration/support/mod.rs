//! Helpers for tests that need outside services: throw-away database containers run through the
//! local Docker Engine.

pub mod deploy;
pub mod fakes;
pub mod remote;
/// Where secrets are read and written relative to the database's write lock.
#[path = "../../../crates/variables/tests/support/write_lock.rs"]
pub mod write_lock;

use std::collections::HashMap;

use bollard::models::{ContainerCreateBody, HostConfig, PortBinding};
use bollard::query_parameters::{LogsOptions, RemoveContainerOptions};
use bollard::Docker;
use futures_util::StreamExt;
use quantum_datasources::{DatasourceEvent, DatasourceStatus, Datasources, Engine};

/// Waits until datasource `id` has status `wanted`, woken by its status events. Fails at once on
/// an error status (unless that is what is awaited), and after `within`.
pub async fn wait_for_status(
    events: &mut tokio::sync::broadcast::Receiver<DatasourceEvent>,
    datasources: &Datasources,
    id: i64,
    wanted: DatasourceStatus,
    within: std::time::Duration,
) {
    use tokio::sync::broadcast::error::RecvError;
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let current = datasources.get(id).await.expect("datasource");
        if current.status == wanted {
            return;
        }
        assert!(
            !(current.status == DatasourceStatus::Error && wanted != DatasourceStatus::Error),
            "datasource failed: {:?}",
            current.status_reason
        );
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Ok(_) | Err(RecvError::Lagged(_))) => {}
            Ok(Err(RecvError::Closed)) => panic!("the datasource event feed closed"),
            Err(_) => panic!(
                "{wanted:?} not reached within {within:?}; status {:?}",
                current.status
            ),
        }
    }
}

/// The datasource `input` describes, created and awaited until ready (3 minutes at most).
pub async fn created_ready(
    datasources: &std::sync::Arc<Datasources>,
    input: quantum_datasources::DatasourceInput,
) -> quantum_datasources::Datasource {
    let mut events = datasources.subscribe();
    let created = datasources.create(input).await.expect("created");
    wait_for_status(
        &mut events,
        datasources,
        created.id,
        DatasourceStatus::Ready,
        std::time::Duration::from_secs(180),
    )
    .await;
    datasources.get(created.id).await.expect("record")
}

/// The label every test container carries, to find leftovers: `docker ps -a --filter label=...`.
pub const TEST_LABEL: &str = "quantum-admin.test";

/// The local Docker Engine. It may speak an older API than bollard's default (1.41 here).
pub async fn docker() -> Docker {
    Docker::connect_with_local_defaults()
        .expect("the Docker Engine socket is reachable")
        .negotiate_version()
        .await
        .expect("the Docker Engine answers /version")
}

/// The image a test runs for `engine`: `QUANTUM_TEST_IMAGE_<ENGINE>` if set, else the images that
/// `tests/images/build.sh` builds from Debian packages (no registry is reachable in CI). MariaDB
/// stands in for MySQL.
pub fn test_image(engine: Engine) -> String {
    let default = match engine {
        Engine::Postgres => "testdb/postgres:15",
        Engine::Mysql | Engine::Mariadb => "testdb/mariadb:10.11",
        Engine::Redis => "testdb/redis:7",
        Engine::Mongodb => engine.default_image(),
    };
    let variable = format!(
        "QUANTUM_TEST_IMAGE_{}",
        engine.as_str().to_ascii_uppercase()
    );
    std::env::var(variable).unwrap_or_else(|_| default.to_owned())
}

/// A running container, removed with its anonymous volumes when dropped, even on panic.
pub struct TestContainer {
    id: String,
    host_port: u16,
}

impl TestContainer {
    /// Starts `image` with `env` (`KEY=value`) and `cmd` (the image's own when empty), publishing
    /// `container_port` on a port of 127.0.0.1 that Docker picks.
    pub async fn start(image: &str, container_port: u16, env: &[&str], cmd: &[&str]) -> Self {
        let docker = docker().await;
        let port_key = format!("{container_port}/tcp");
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            env: Some(env.iter().map(|entry| (*entry).to_owned()).collect()),
            cmd: (!cmd.is_empty()).then(|| cmd.iter().map(|arg| (*arg).to_owned()).collect()),
            exposed_ports: Some(vec![port_key.clone()]),
            labels: Some(HashMap::from([(TEST_LABEL.to_owned(), "true".to_owned())])),
            host_config: Some(HostConfig {
                port_bindings: Some(HashMap::from([(
                    port_key.clone(),
                    Some(vec![PortBinding {
                        host_ip: Some("127.0.0.1".to_owned()),
                        // Empty: Docker picks a free port, so parallel tests never collide.
                        host_port: Some(String::new()),
                    }]),
                )])),
                ..HostConfig::default()
            }),
            ..ContainerCreateBody::default()
        };
        let created = docker
            .create_container(None, body)
            .await
            .unwrap_or_else(|error| panic!("create a container of {image}: {error}"));
        // From here on the guard owns the container: a failure below still removes it.
        let mut container = Self {
            id: created.id,
            host_port: 0,
        };
        docker
            .start_container(&container.id, None)
            .await
            .unwrap_or_else(|error| panic!("start a container of {image}: {error}"));
        let inspected = docker
            .inspect_container(&container.id, None)
            .await
            .expect("inspect the started container");
        container.host_port = inspected
            .network_settings
            .and_then(|settings| settings.ports)
            .and_then(|mut ports| ports.remove(&port_key))
            .flatten()
            .and_then(|bindings| bindings.into_iter().find_map(|binding| binding.host_port))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("Docker published {port_key} of {image}"));
        container
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The port on 127.0.0.1 that reaches the container's port.
    pub fn host_port(&self) -> u16 {
        self.host_port
    }

    /// Everything the container printed so far, to explain a failure.
    pub async fn logs(&self) -> String {
        let options = LogsOptions {
            stdout: true,
            stderr: true,
            tail: "all".to_owned(),
            ..LogsOptions::default()
        };
        docker()
            .await
            .logs(&self.id, Some(options))
            .map(|chunk| {
                chunk.map_or_else(|error| format!("<{error}>\n"), |output| output.to_string())
            })
            .collect::<Vec<_>>()
            .await
            .concat()
    }
}

impl Drop for TestContainer {
    fn drop(&mut self) {
        let id = self.id.clone();
        // The test's runtime may be shutting down (or be the one blocked here), and bollard's
        // client is tied to the runtime that made it: removal gets its own thread, runtime and
        // client, and is waited for so that no container outlives the test process.
        let removal = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(async {
                let options = RemoveContainerOptions {
                    v: true,
                    force: true,
                    link: false,
                };
                docker()
                    .await
                    .remove_container(&id, Some(options))
                    .await
                    .map_err(|error| error.to_string())
            })
        });
        // Panicking in drop during a failing test would abort: report instead.
        match removal.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("could not remove test container {}: {error}", self.id),
            Err(_) => eprintln!("removing test container {} panicked", self.id),
        }
    }
}

/// The app's core as the desktop app runs it: a store in a temporary folder, the datasource
/// service on the local test images with its Docker watcher running, and one project.
pub struct TestApp {
    pub store: quantum_kernel::Store,
    pub datasources: std::sync::Arc<quantum_datasources::Datasources>,
    pub secrets: std::sync::Arc<quantum_secrets::SecretStore>,
    pub project_id: i64,
    pub dir: tempfile::TempDir,
}

impl TestApp {
    /// A database of `engine` for this app's project, once it is ready.
    pub async fn ready(&self, engine: Engine) -> quantum_datasources::Datasource {
        created_ready(
            &self.datasources,
            quantum_datasources::DatasourceInput {
                project_id: self.project_id,
                engine,
                ..Default::default()
            },
        )
        .await
    }

    /// Gives the project a new folder, kept while the returned one lives.
    pub async fn with_folder(&self) -> tempfile::TempDir {
        let folder = tempfile::tempdir().expect("project folder");
        let project = quantum_kernel::projects::get(&self.store, self.project_id)
            .await
            .expect("project");
        quantum_kernel::projects::update(
            &self.store,
            self.project_id,
            quantum_kernel::projects::ProjectInput {
                name: project.name,
                description: String::new(),
                folder: Some(folder.path().display().to_string()),
            },
        )
        .await
        .expect("project folder set");
        folder
    }

    /// The database's URL, password included, as the app copies it (`postgres://…`, `redis://…`).
    pub fn url(&self, datasource: &quantum_datasources::Datasource) -> String {
        let password = self
            .secrets
            .get(&datasource.keychain_account)
            .expect("password");
        quantum_datasources::connection::url(
            datasource.engine,
            datasource.host_port,
            &quantum_datasources::connection::Credentials {
                database: &datasource.database_name,
                username: &datasource.username,
                password: &password,
            },
        )
    }

    /// Where the schema inspector and the console reach that database, password included.
    pub fn server(&self, datasource: &quantum_datasources::Datasource) -> quantum_schema::Server {
        quantum_schema::Server {
            host: quantum_datasources::connection::HOST.into(),
            port: datasource.host_port,
            database: datasource.database_name.clone(),
            username: datasource.username.clone(),
            password: self
                .secrets
                .get(&datasource.keychain_account)
                .expect("password"),
            tls: quantum_schema::TlsMode::Disable,
        }
    }

    /// `label` names the project; the process id is added, as container names are global to the
    /// Docker Engine and test binaries run side by side.
    pub async fn start(label: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = quantum_kernel::Store::open_in(dir.path())
            .await
            .expect("store");
        let secrets = std::sync::Arc::new(quantum_secrets::SecretStore::keychain(dir.path()));
        let datasources = quantum_datasources::Datasources::new(
            store.clone(),
            std::sync::Arc::clone(&secrets),
            quantum_config::ProjectConfigs::new(store.clone(), dir.path()),
        );
        datasources.set_default_images(
            Engine::ALL
                .into_iter()
                .map(|e| (e, test_image(e)))
                .collect(),
        );
        tokio::spawn(std::sync::Arc::clone(&datasources).watch_docker());
        let project = quantum_kernel::projects::create(
            &store,
            quantum_kernel::projects::ProjectInput {
                name: format!("{label} {}", std::process::id()),
                ..Default::default()
            },
        )
        .await
        .expect("project");
        Self {
            store,
            datasources,
            secrets,
            project_id: project.id,
            dir,
        }
    }
}

/// The containers and volumes the app under test made (its store's label: datasources, shadows,
/// snapshots, copy helpers) go with it, so that test runs do not pile up on the engine. A test that
/// keeps something on purpose removes it itself first; this only sweeps what is left.
impl Drop for TestApp {
    fn drop(&mut self) {
        let identity = self.store.identity().to_owned();
        // Its own thread and runtime: the test's runtime may be shutting down.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(remove_made_by(&identity));
        })
        .join();
    }
}

async fn remove_made_by(identity: &str) {
    use bollard::query_parameters::{
        ListContainersOptionsBuilder, ListVolumesOptionsBuilder, RemoveContainerOptionsBuilder,
    };
    let docker = docker().await;
    let label = format!("{}={identity}", quantum_docker::LABEL_STORE);
    let filters = HashMap::from([("label".to_owned(), vec![label])]);
    let containers = docker
        .list_containers(Some(
            ListContainersOptionsBuilder::new()
                .all(true)
                .filters(&filters)
                .build(),
        ))
        .await
        .unwrap_or_default();
    let mut volumes: Vec<String> = Vec::new();
    for container in containers {
        volumes.extend(
            container
                .mounts
                .iter()
                .flatten()
                .filter_map(|m| m.name.clone()),
        );
        if let Some(id) = container.id {
            let options = RemoveContainerOptionsBuilder::new().force(true).build();
            let _ = docker.remove_container(&id, Some(options)).await;
        }
    }
    let labelled = docker
        .list_volumes(Some(
            ListVolumesOptionsBuilder::new().filters(&filters).build(),
        ))
        .await
        .ok()
        .and_then(|listed| listed.volumes)
        .unwrap_or_default();
    volumes.extend(labelled.into_iter().map(|v| v.name));
    for volume in volumes {
        let _ = docker
            .remove_volume(
                &volume,
                None::<bollard::query_parameters::RemoveVolumeOptions>,
            )
            .await;
    }
}

/// A SQLite file at `path` made by running `sql` (several statements).
pub async fn sqlite_file(path: &std::path::Path, sql: &str) {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("sqlite file");
    sqlx::raw_sql(sql)
        .execute(&mut conn)
        .await
        .expect("sqlite statements");
    conn.close().await.expect("close");
}

/// A project under `tests/fixtures/testruns/` whose tests the test-run tests run.
pub fn testruns_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/testruns")
        .join(name)
}

/// The Python with pytest that `scripts/setup --for-tests` installs.
pub fn test_python() -> String {
    std::env::var("QUANTUM_TEST_PYTHON").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/quantum-admin/python/bin/python")
    })
}
