//! Datasources against the real Docker Engine and real servers in containers: create, reach ready,
//! connect with the stored credentials, survive stop/start and removal with the data kept, follow
//! changes made outside the app, and never write a password to disk.

use std::time::Duration;

use quantum_datasources::{
    ConnectionFormat, Datasource, DatasourceEvent, DatasourceInput, DatasourceStatus, Datasources,
    Engine,
};
use quantum_integration_tests::{docker, test_image, wait_for_status, TestApp};
use quantum_kernel::audit::{self, AuditAction, AuditFilter, AuditPageRequest};
use quantum_kernel::projects::{self, ProjectInput};
use quantum_kernel::{ErrorInfo, Store};
use sqlx::{Connection, Row};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::broadcast::Receiver;

const READY_DEADLINE: Duration = Duration::from_secs(120);

/// The app under test (its store, datasources, project and data dir) and its datasource events.
struct Harness {
    app: TestApp,
    events: Receiver<DatasourceEvent>,
}

impl std::ops::Deref for Harness {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

async fn harness(project: &str) -> Harness {
    let app = TestApp::start(project).await;
    Harness {
        events: app.datasources.subscribe(),
        app,
    }
}

impl Harness {
    /// The project's activity, newest first.
    async fn history(&self) -> Vec<audit::AuditEntry> {
        audit::page(
            &self.store,
            &AuditPageRequest {
                filter: AuditFilter {
                    project_id: Some(self.project_id),
                    ..Default::default()
                },
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .expect("history")
        .entries
    }

    /// Gives the project a new folder (for its `.env` and `quantum.toml`), kept while it lives.
    async fn with_folder(&self, label: &str) -> tempfile::TempDir {
        let folder = tempfile::tempdir().expect("project folder");
        projects::update(
            &self.store,
            self.project_id,
            ProjectInput {
                name: format!("{label} {}", std::process::id()),
                folder: Some(folder.path().to_string_lossy().into_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("folder set");
        folder
    }

    async fn create(&mut self, engine: Engine) -> Datasource {
        self.datasources
            .create(DatasourceInput {
                project_id: self.project_id,
                engine,
                ..Default::default()
            })
            .await
            .expect("datasource created")
    }

    /// Waits for `id` to reach `wanted`, failing fast on an error status.
    async fn wait_for(&mut self, id: i64, wanted: DatasourceStatus) {
        wait_for_status(
            &mut self.events,
            &self.app.datasources,
            id,
            wanted,
            READY_DEADLINE,
        )
        .await;
    }
}

/// Writes a row and reads it back through the engine's own protocol.
async fn write_row(engine: Engine, url: &str, value: &str) {
    match engine {
        Engine::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .expect("postgres connection");
            sqlx::query("CREATE TABLE IF NOT EXISTS notes (body TEXT)")
                .execute(&mut conn)
                .await
                .expect("table");
            sqlx::query("INSERT INTO notes VALUES ($1)")
                .bind(value)
                .execute(&mut conn)
                .await
                .expect("insert");
        }
        Engine::Mysql | Engine::Mariadb => {
            let mut conn = sqlx::MySqlConnection::connect(url)
                .await
                .expect("mysql connection");
            sqlx::query("CREATE TABLE IF NOT EXISTS notes (body TEXT)")
                .execute(&mut conn)
                .await
                .expect("table");
            sqlx::query("INSERT INTO notes VALUES (?)")
                .bind(value)
                .execute(&mut conn)
                .await
                .expect("insert");
        }
        Engine::Redis => {
            redis(url, &["SET", "note", value]).await;
        }
        Engine::Mongodb => unreachable!("no MongoDB server can run here"),
    }
}

async fn read_rows(engine: Engine, url: &str) -> Vec<String> {
    match engine {
        Engine::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .expect("postgres connection");
            sqlx::query("SELECT body FROM notes")
                .fetch_all(&mut conn)
                .await
                .expect("select")
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect()
        }
        Engine::Mysql | Engine::Mariadb => {
            let mut conn = sqlx::MySqlConnection::connect(url)
                .await
                .expect("mysql connection");
            sqlx::query("SELECT body FROM notes")
                .fetch_all(&mut conn)
                .await
                .expect("select")
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect()
        }
        Engine::Redis => vec![redis(url, &["GET", "note"]).await],
        Engine::Mongodb => unreachable!("no MongoDB server can run here"),
    }
}

/// One Redis command over RESP on the URL's host and port, authenticated with its password.
async fn redis(url: &str, command: &[&str]) -> String {
    let rest = url.strip_prefix("redis://:").expect("redis URL");
    let (password, address) = rest.split_once('@').expect("password@host");
    let address = address.trim_end_matches("/0");
    let stream = TcpStream::connect(address).await.expect("redis connection");
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let send = |args: Vec<&str>| {
        let mut frame = format!("*{}\r\n", args.len());
        for arg in args {
            frame.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        frame
    };
    let auth = send(vec!["AUTH", password]);
    let cmd = send(command.to_vec());
    writer
        .write_all(format!("{auth}{cmd}").as_bytes())
        .await
        .expect("send");
    let mut line = String::new();
    reader.read_line(&mut line).await.expect("auth reply");
    assert_eq!(line.trim(), "+OK", "AUTH");
    line.clear();
    reader.read_line(&mut line).await.expect("reply");
    if let Some(length) = line.strip_prefix('$') {
        let length: usize = length.trim().parse().expect("bulk length");
        let mut value = String::new();
        reader.read_line(&mut value).await.expect("bulk");
        value.truncate(length);
        return value;
    }
    line.trim().to_owned()
}

async fn lifecycle(engine: Engine) {
    let mut h = harness(&format!("life {}", engine.as_str())).await;
    let created = h.create(engine).await;
    assert_eq!(created.engine, engine);
    h.wait_for(created.id, DatasourceStatus::Ready).await;

    let url = h
        .datasources
        .reveal_connection(created.id, ConnectionFormat::Url)
        .await
        .expect("url");
    write_row(engine, &url, "kept").await;

    h.datasources.stop(created.id).await.expect("stop");
    assert_eq!(
        h.datasources.get(created.id).await.expect("get").status,
        DatasourceStatus::Stopped
    );
    h.datasources.start(created.id).await.expect("start");
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    assert_eq!(
        read_rows(engine, &url).await,
        ["kept"],
        "data survives stop and start"
    );

    // Removing keeps the volume; a new datasource takes it over with its data and password.
    h.datasources
        .remove(created.id, false)
        .await
        .expect("remove");
    let orphans = h.datasources.orphan_volumes().await.expect("orphans");
    assert!(
        orphans.iter().any(|v| v.volume_name == created.volume_name),
        "volume kept"
    );
    let adopted = h
        .datasources
        .create(DatasourceInput {
            project_id: h.project_id,
            engine,
            volume_name: Some(created.volume_name.clone()),
            ..Default::default()
        })
        .await
        .expect("recreated from the volume");
    h.wait_for(adopted.id, DatasourceStatus::Ready).await;
    let url = h
        .datasources
        .reveal_connection(adopted.id, ConnectionFormat::Url)
        .await
        .expect("url");
    assert_eq!(
        read_rows(engine, &url).await,
        ["kept"],
        "data survives removal"
    );

    h.datasources
        .remove(adopted.id, true)
        .await
        .expect("remove with data");
    let orphans = h.datasources.orphan_volumes().await.expect("orphans");
    assert!(
        !orphans.iter().any(|v| v.volume_name == created.volume_name),
        "volume deleted"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_lives_through_stop_start_and_removal() {
    lifecycle(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb_lives_through_stop_start_and_removal() {
    lifecycle(Engine::Mariadb).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_lives_through_stop_start_and_removal() {
    lifecycle(Engine::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_lives_through_stop_start_and_removal() {
    lifecycle(Engine::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_made_outside_the_app_are_reflected() {
    let mut h = harness("outside").await;
    let created = h.create(Engine::Redis).await;
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    let api = docker().await;

    api.stop_container(
        &created.name,
        None::<bollard::query_parameters::StopContainerOptions>,
    )
    .await
    .expect("docker stop");
    h.wait_for(created.id, DatasourceStatus::Stopped).await;

    api.start_container(
        &created.name,
        None::<bollard::query_parameters::StartContainerOptions>,
    )
    .await
    .expect("docker start");
    h.wait_for(created.id, DatasourceStatus::Ready).await;

    api.remove_container(
        &created.name,
        Some(
            bollard::query_parameters::RemoveContainerOptionsBuilder::new()
                .force(true)
                .build(),
        ),
    )
    .await
    .expect("docker rm");
    h.wait_for(created.id, DatasourceStatus::Missing).await;

    h.datasources
        .recreate(created.id)
        .await
        .expect("recreate with the same data");
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    h.datasources
        .remove(created.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_port_held_by_another_program_is_skipped_or_named() {
    let mut h = harness("ports").await;
    let held = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("listener");
    let port = held.local_addr().expect("addr").port();

    let error = h
        .datasources
        .create(DatasourceInput {
            project_id: h.project_id,
            engine: Engine::Redis,
            host_port: Some(i64::from(port).into()),
            ..Default::default()
        })
        .await
        .expect_err("a taken port is refused");
    let info = ErrorInfo::from(error);
    assert_eq!(info.code, "datasource.port_taken");
    assert_eq!(info.field.as_deref(), Some("port"));
    assert!(info.message.contains(&port.to_string()), "{}", info.message);

    // Holding the engine's default port: the next free one is taken instead.
    let default = std::net::TcpListener::bind(("127.0.0.1", Engine::Redis.default_port()));
    let created = h.create(Engine::Redis).await;
    if default.is_ok() {
        assert_ne!(created.host_port, Engine::Redis.default_port());
    }
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    h.datasources
        .remove(created.id, true)
        .await
        .expect("cleanup");
}

/// A deploy environment's `publish` port is the project's, deployed or not yet: a database that
/// asks for it is told whose it is.
#[tokio::test(flavor = "multi_thread")]
async fn a_port_a_deploy_environment_publishes_is_not_given_to_a_database() {
    let h = harness("deploy ports").await;
    let folder = h.with_folder("deploy ports").await;
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .expect("listener")
        .local_addr()
        .expect("addr")
        .port();
    std::fs::write(
        folder.path().join("quantum.toml"),
        format!("[deploy.staging]\nimage = \"shop\"\nport = 8080\npublish = {port}\n"),
    )
    .expect("quantum.toml");
    let error = h
        .datasources
        .create(DatasourceInput {
            project_id: h.project_id,
            engine: Engine::Redis,
            host_port: Some(i64::from(port).into()),
            ..Default::default()
        })
        .await
        .expect_err("the environment's port is refused");
    let info = ErrorInfo::from(error);
    assert_eq!(info.code, "datasource.port_taken");
    assert!(
        info.message.contains("the deploy environment “staging”"),
        "{}",
        info.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_password_is_written_to_the_database_file() {
    let mut h = harness("secrets").await;
    let created = h.create(Engine::Postgres).await;
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    let url = h
        .datasources
        .reveal_connection(created.id, ConnectionFormat::Url)
        .await
        .expect("url");
    let password = url
        .split(':')
        .nth(2)
        .and_then(|s| s.split('@').next())
        .expect("password in URL");
    assert!(password.len() >= 32);

    h.store.close().await;
    let dir = h.dir.path();
    // Every file of the data dir, in its folders too (the datasources' lock files).
    let mut folders = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("data dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in files {
        // SQLite removes its -wal and -shm files as the last connection closes.
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => panic!("{}: {error}", path.display()),
        };
        assert!(
            !bytes
                .windows(password.len())
                .any(|w| w == password.as_bytes()),
            "the password is in {}",
            path.display()
        );
    }
    let reopened = Store::open_in(dir).await.expect("reopen");
    let datasources = Datasources::new(
        reopened.clone(),
        std::sync::Arc::new(quantum_secrets::SecretStore::keychain(dir)),
        quantum_config::ProjectConfigs::new(reopened, dir),
    );
    datasources.remove(created.id, true).await.expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_exits_during_start_up_is_reported_with_its_last_log_lines() {
    let mut h = harness("crash").await;
    // A PostgreSQL image given MariaDB's variables: its entrypoint exits, finding no password.
    let created = h
        .datasources
        .create(DatasourceInput {
            project_id: h.project_id,
            engine: Engine::Mariadb,
            image: Some(test_image(Engine::Postgres)),
            ..Default::default()
        })
        .await
        .expect("created");
    h.wait_for(created.id, DatasourceStatus::Error).await;
    let reason = h
        .datasources
        .get(created.id)
        .await
        .expect("get")
        .status_reason
        .expect("a reason");
    assert!(reason.contains("stopped during start-up"), "{reason}");
    assert!(reason.contains("Last log lines"), "{reason}");
    assert!(reason.contains("password is not specified"), "{reason}");
    h.datasources
        .remove(created.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_that_cannot_be_pulled_is_an_error_naming_it() {
    let mut h = harness("pull").await;
    let image = "quantum-admin-test/no-such-image:0";
    let created = h
        .datasources
        .create(DatasourceInput {
            project_id: h.project_id,
            engine: Engine::Redis,
            image: Some(image.to_owned()),
            ..Default::default()
        })
        .await
        .expect("created");
    h.wait_for(created.id, DatasourceStatus::Error).await;
    let reason = h
        .datasources
        .get(created.id)
        .await
        .expect("get")
        .status_reason
        .expect("a reason");
    assert!(reason.contains(image), "{reason}");
    h.datasources
        .remove(created.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn variables_are_written_to_the_project_env_file_only_as_previewed() {
    let mut h = harness("env").await;
    let folder = h.with_folder("env").await;
    let created = h.create(Engine::Redis).await;
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    let env_path = folder.path().join(".env");
    std::fs::write(&env_path, "# mine\nAPP_NAME=shop\n").expect("existing .env");

    let preview = h
        .datasources
        .env_file_preview(created.id)
        .await
        .expect("preview");
    assert_eq!(preview.current.as_deref(), Some("# mine\nAPP_NAME=shop\n"));
    assert!(
        preview.proposed.starts_with("# mine\nAPP_NAME=shop\n"),
        "{}",
        preview.proposed
    );
    assert!(
        preview.proposed.contains("REDIS_URL=redis://"),
        "{}",
        preview.proposed
    );

    // Edited elsewhere after the preview: nothing is written.
    std::fs::write(&env_path, "# mine\nAPP_NAME=shop\nEDITED=1\n").expect("edit");
    let error = h
        .datasources
        .env_file_write(created.id, preview.current.clone(), false)
        .await
        .expect_err("changed since the preview");
    assert_eq!(ErrorInfo::from(error).code, "datasource.env_file_changed");
    assert_eq!(
        std::fs::read_to_string(&env_path).expect("read"),
        "# mine\nAPP_NAME=shop\nEDITED=1\n"
    );

    let preview = h
        .datasources
        .env_file_preview(created.id)
        .await
        .expect("preview again");
    h.datasources
        .env_file_write(created.id, preview.current.clone(), false)
        .await
        .expect("written");
    let written_text = std::fs::read_to_string(&env_path).expect("read");
    let password = written_text
        .split("REDIS_PASSWORD=")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .expect("password line")
        .trim()
        .to_owned();
    assert!(password.len() >= 32, "the file holds the real password");
    assert!(
        !preview.proposed.contains(&password),
        "the preview masks it"
    );
    assert_eq!(written_text.replace(&password, "••••••"), preview.proposed);

    // The file now holds the password; a new preview still does not show it, and writing against
    // that masked preview works.
    let again = h
        .datasources
        .env_file_preview(created.id)
        .await
        .expect("preview after writing");
    assert!(!format!("{:?}{}", again.current, again.proposed).contains(&password));
    h.datasources
        .env_file_write(created.id, again.current, false)
        .await
        .expect("written again");

    let history = h.history().await;
    let written = history
        .iter()
        .find(|e| e.action == AuditAction::DatasourceRevealSecret)
        .expect("the write is audited");
    assert_eq!(written.details["format"], "env_file");
    assert!(
        !written.details.to_string().contains(&password),
        "no password in the audit log"
    );
    h.datasources
        .remove(created.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_project_goes_with_its_databases_only_when_asked_and_their_data_stays() {
    let mut h = harness("cascade").await;
    let created = h.create(Engine::Redis).await;
    h.wait_for(created.id, DatasourceStatus::Ready).await;

    let error = h
        .datasources
        .delete_project(h.project_id, false)
        .await
        .expect_err("refused");
    let info = ErrorInfo::from(error);
    assert_eq!(info.code, "project.has_resources");
    assert!(info.message.contains("1 database."), "{}", info.message);

    h.datasources
        .delete_project(h.project_id, true)
        .await
        .expect("deleted with its databases");
    assert_eq!(projects::count(&h.store).await.expect("count"), 0);
    let orphans = h.datasources.orphan_volumes().await.expect("orphans");
    assert!(
        orphans.iter().any(|v| v.volume_name == created.volume_name),
        "the data volume is kept"
    );
    docker()
        .await
        .remove_volume(
            &created.volume_name,
            None::<bollard::query_parameters::RemoveVolumeOptions>,
        )
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_port_taken_between_the_check_and_the_start_moves_the_datasource() {
    let mut h = harness("race").await;
    let free = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("listener");
    let port = free.local_addr().expect("addr").port();
    drop(free);
    let created = h
        .datasources
        .create(DatasourceInput {
            project_id: h.project_id,
            engine: Engine::Redis,
            host_port: Some(i64::from(port).into()),
            ..Default::default()
        })
        .await
        .expect("the port was free when checked");
    // Taken right after the check, while the container is still being set up.
    let _taker = std::net::TcpListener::bind(("127.0.0.1", port)).expect("take the port");

    let deadline = tokio::time::Instant::now() + READY_DEADLINE;
    let moved_to = loop {
        match tokio::time::timeout_at(deadline, h.events.recv()).await {
            Ok(Ok(DatasourceEvent::PortMoved { id, from, to })) if id == created.id => {
                assert_eq!(from, port);
                break to;
            }
            Ok(Ok(DatasourceEvent::Status {
                id,
                status: DatasourceStatus::Error,
                reason,
            })) if id == created.id => {
                panic!("failed instead of moving: {reason:?}")
            }
            Ok(Ok(_)) => {}
            other => panic!("no port move: {other:?}"),
        }
    };
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    let datasource = h.datasources.get(created.id).await.expect("get");
    assert_eq!(datasource.host_port, moved_to, "the new port is recorded");
    assert_ne!(moved_to, port);
    h.datasources
        .remove(created.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn its_log_and_its_resource_use_are_streamed() {
    use futures_util::StreamExt;

    let mut h = harness("streams").await;
    let created = h.create(Engine::Redis).await;
    h.wait_for(created.id, DatasourceStatus::Ready).await;

    let (sender, mut batches) = tokio::sync::mpsc::unbounded_channel();
    let follower = h
        .datasources
        .follow_log(created.id, 100, move |batch| sender.send(batch).is_ok())
        .await
        .expect("follow");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let batch = tokio::time::timeout_at(deadline, batches.recv())
            .await
            .expect("the ready line within 30 s")
            .expect("a batch");
        if batch
            .lines
            .iter()
            .any(|line| line.text.contains(Engine::Redis.ready_log_marker()))
        {
            break;
        }
    }
    drop(follower);

    let mut samples = h.datasources.stats(created.id).await.expect("stats");
    let sample = tokio::time::timeout(Duration::from_secs(30), samples.next())
        .await
        .expect("a sample within 30 s")
        .expect("a sample");
    assert!(sample.memory_bytes > 0.0, "{sample:?}");
    assert!(
        sample.memory_limit_bytes >= sample.memory_bytes,
        "{sample:?}"
    );
    h.datasources
        .remove(created.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_made_in_the_app_is_declared_in_quantum_toml_and_removing_it_undeclares_it() {
    let mut h = harness("declared").await;
    let folder = h.with_folder("declared").await;
    let config = folder.path().join("quantum.toml");
    std::fs::write(
        &config,
        "# The team's stack.\n[variables]\nLOG_FORMAT = \"json\"\n",
    )
    .expect("config");

    let created = h.create(Engine::Redis).await;
    let text = std::fs::read_to_string(&config).expect("read");
    assert!(text.starts_with("# The team's stack.\n"), "{text}");
    assert!(
        text.contains(&format!("[datasources.{}]", created.name)),
        "{text}"
    );
    assert!(text.contains("engine = \"redis\""), "{text}");
    assert!(
        text.contains(&format!("port = {}", created.host_port)),
        "{text}"
    );

    h.datasources
        .remove(created.id, true)
        .await
        .expect("remove");
    let text = std::fs::read_to_string(&config).expect("read");
    assert!(!text.contains(&created.name), "{text}");
    assert!(text.contains("LOG_FORMAT = \"json\""), "{text}");
}
