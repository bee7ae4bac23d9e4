//! A compose project that Compose itself ran is imported by `quantum compose import` while a core
//! in this process holds the data dir, as the app would: its override file, `.env` and a profile
//! read, the database on a named volume taken over with its rows, the one on a bind mount copied
//! with its rows, the passwords moved to the keychain (not one byte of them in SQLite) and, as
//! asked, out of the compose file into `.env`. Needs Docker, the test images, Compose and a
//! keychain (`scripts/test`).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use quantum_datasources::{Datasource, DatasourceStatus, Engine};
use quantum_integration_tests::{test_image, TestApp};
use sqlx::{Connection, PgConnection};
use support::{code, compose_cli, compose_command, json, quantum};

const DB_PASSWORD: &str = "s3cret-in-the-file";
const FILES_PASSWORD: &str = "files-pa55word";

fn compose_file() -> String {
    format!(
        r#"services:
  db:
    image: ${{PG_IMAGE}}
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: {DB_PASSWORD}
      POSTGRES_DB: shop
    ports: ["127.0.0.1:${{DB_PORT:?set DB_PORT}}:5432"]
    volumes: [pgdata:/var/lib/postgresql/data]
  files:
    image: ${{PG_IMAGE}}
    profiles: [extra]
    environment:
      - POSTGRES_PASSWORD={FILES_PASSWORD}
    volumes: ["./pg-files:/var/lib/postgresql/data"]
  web:
    build: ./web
    x-note: kept
volumes:
  pgdata: {{}}
"#
    )
}

/// Runs SQL in a service's server through Compose (its port is not published), once it answers.
async fn in_service(folder: &Path, service: &str, user: &str, database: &str, sql: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let output = compose_command(folder)
            .args(["--profile", "extra", "exec", "-T", service])
            .args([
                "psql",
                "-U",
                user,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ])
            .output()
            .expect("compose exec");
        if output.status.success() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{service} never answered: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Compose's containers and volumes go with the test, however it ends.
struct ComposeDown<'a>(&'a Path);

impl Drop for ComposeDown<'_> {
    fn drop(&mut self) {
        let _ = compose_command(self.0)
            .args(["--profile", "extra", "down", "-v"])
            .output();
    }
}

async fn row(app: &TestApp, datasource: &Datasource) -> String {
    let mut conn = PgConnection::connect(&app.url(datasource))
        .await
        .expect("the imported database answers with the password from the file");
    sqlx::query_scalar("SELECT v FROM kept")
        .fetch_one(&mut conn)
        .await
        .expect("the row written under Compose")
}

/// Every byte of the app's SQLite files (the database, its WAL), for a search.
fn sqlite_bytes(data_dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(data_dir).expect("data dir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.contains(".db") || name.contains(".sqlite") {
            bytes.extend(std::fs::read(entry.path()).unwrap_or_default());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_compose_project_s_databases_are_imported_on_their_data() {
    let app = TestApp::start("compose-import").await;
    let data_dir = app.dir.path().to_path_buf();
    let folder = app.with_folder().await;

    let compose_project = format!("qaimport{}", std::process::id());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    std::fs::write(folder.path().join("compose.yaml"), compose_file()).expect("compose.yaml");
    std::fs::create_dir(folder.path().join("web")).expect("the web service's build folder");
    // The override file renames the database: the import must read it to connect.
    std::fs::write(
        folder.path().join("compose.override.yaml"),
        "services:\n  db:\n    environment:\n      POSTGRES_DB: shop_dev\n",
    )
    .expect("override");
    std::fs::write(
        folder.path().join(".env"),
        format!(
            "COMPOSE_PROJECT_NAME={compose_project}\nPG_IMAGE={}\nDB_PORT={port}\n",
            test_image(Engine::Postgres)
        ),
    )
    .expect(".env");

    // Compose runs both databases and each gets a row; then they stop (one server per data).
    let _down = ComposeDown(folder.path());
    compose_cli(
        folder.path(),
        &["--profile", "extra", "up", "-d", "db", "files"],
    );
    in_service(
        folder.path(),
        "db",
        "shop",
        "shop_dev",
        "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('named volume')",
    )
    .await;
    in_service(
        folder.path(),
        "files",
        "postgres",
        "postgres",
        "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('bind mount')",
    )
    .await;

    // Refused while Compose's servers run on the volume and on the bind-mounted folder, and
    // nothing is made.
    for (service, profile) in [("db", "default"), ("files", "extra")] {
        let refused = quantum(
            &data_dir,
            folder.path(),
            &[
                "--json",
                "compose",
                "import",
                "--profile",
                profile,
                "--service",
                service,
                "--apply",
            ],
        );
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(code(&refused), 4, "{service}: {stderr}");
        assert!(stderr.contains("is in use by"), "{service}: {stderr}");
    }
    assert!(app
        .datasources
        .list(Some(app.project_id))
        .await
        .expect("listed")
        .is_empty());
    compose_cli(folder.path(), &["--profile", "extra", "stop"]);

    // The preview: what becomes what, without the profile and with it.
    let preview = json(&quantum(
        &data_dir,
        folder.path(),
        &["--json", "compose", "import"],
    ));
    let read = &preview["preview"]["read"];
    assert_eq!(read["datasources"].as_array().map(Vec::len), Some(1));
    assert_eq!(read["datasources"][0]["databaseName"], "shop_dev");
    assert_eq!(read["datasources"][0]["hostPort"], port);
    assert_eq!(
        read["datasources"][0]["volume"]["name"],
        format!("{compose_project}_pgdata").as_str()
    );
    assert_eq!(preview["preview"]["planned"][0]["volumeExists"], true);
    let others: Vec<&str> = read["others"]
        .as_array()
        .expect("others")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(others, ["files", "web"], "listed, not dropped");
    assert_eq!(read["project"], compose_project.as_str());
    let text = serde_json::to_string(&preview).expect("text");
    assert!(
        !text.contains(DB_PASSWORD),
        "the preview holds no password: {text}"
    );

    let imported = quantum(
        &data_dir,
        folder.path(),
        &[
            "--json",
            "compose",
            "import",
            "--profile",
            "extra",
            "--replace-passwords",
            "--apply",
        ],
    );
    assert_eq!(
        code(&imported),
        0,
        "{}{}",
        String::from_utf8_lossy(&imported.stdout),
        String::from_utf8_lossy(&imported.stderr)
    );
    let imported = json(&imported);
    let names: Vec<&str> = imported["datasources"]
        .as_array()
        .expect("datasources")
        .iter()
        .map(|d| {
            assert_eq!(d["status"], "ready", "{d}");
            d["name"].as_str().expect("name")
        })
        .collect();
    let listed = app
        .datasources
        .list(Some(app.project_id))
        .await
        .expect("listed");
    let find = |service: &str| {
        listed
            .iter()
            .find(|d| d.name.ends_with(&format!("-{service}")))
            .cloned()
            .unwrap_or_else(|| panic!("{service} among {names:?}"))
    };
    let (db, files) = (find("db"), find("files"));
    assert_eq!(db.status, DatasourceStatus::Ready);
    assert_eq!(
        (db.database_name.as_str(), db.username.as_str()),
        ("shop_dev", "shop")
    );
    assert_eq!(db.volume_name, format!("{compose_project}_pgdata"));
    assert_ne!(
        db.host_port, port,
        "Compose's stopped container still holds its port: the next free one"
    );
    assert_eq!(
        row(&app, &db).await,
        "named volume",
        "the volume's data kept"
    );
    assert_eq!(
        row(&app, &files).await,
        "bind mount",
        "the folder's data copied"
    );

    // The passwords are in the keychain and nowhere in SQLite.
    let sqlite = sqlite_bytes(&data_dir);
    assert!(!sqlite.is_empty(), "the app's database was read");
    for password in [DB_PASSWORD, FILES_PASSWORD] {
        assert!(!contains(&sqlite, password), "{password} is not in SQLite");
    }
    // As asked, the file reads them from .env now.
    let compose = std::fs::read_to_string(folder.path().join("compose.yaml")).expect("compose");
    assert!(
        compose.contains("POSTGRES_PASSWORD: ${DB_PASSWORD}"),
        "{compose}"
    );
    assert!(
        compose.contains("- POSTGRES_PASSWORD=${FILES_PASSWORD}"),
        "{compose}"
    );
    assert!(!compose.contains(DB_PASSWORD) && !compose.contains(FILES_PASSWORD));
    assert!(
        compose.contains("x-note: kept"),
        "the rest of the file as it was"
    );
    let env = std::fs::read_to_string(folder.path().join(".env")).expect(".env");
    assert!(env.contains(&format!("DB_PASSWORD={DB_PASSWORD}")), "{env}");
    compose_cli(folder.path(), &["--profile", "extra", "config", "-q"]);

    // The same volume a second time: refused (the datasource's server runs on it, and it is
    // that datasource's), one datasource per data.
    let again = quantum(
        &data_dir,
        folder.path(),
        &["--json", "compose", "import", "--service", "db", "--apply"],
    );
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(code(&again), 4, "{stderr}");
    assert!(
        stderr.contains(&format!("{compose_project}_pgdata")),
        "{stderr}"
    );

    compose_cli(folder.path(), &["--profile", "extra", "down"]);
    for datasource in [db, files] {
        app.datasources
            .remove(datasource.id, true)
            .await
            .expect("removed with its data");
    }
}
