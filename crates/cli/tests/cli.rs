//! The `quantum` binary against a data dir that a core in this test process holds open, as the
//! app would, with a real PostgreSQL container: every command's `--json` parsed, the exit codes,
//! what the "app" hears through the change feed, and one operation at a time per datasource
//! across the two processes. Needs Docker, the test images and a keychain (`scripts/test`).

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use quantum_core::feed::{self, Outside};
use quantum_datasources::{DatasourceEvent, DatasourceStatus, Engine};
use quantum_integration_tests::TestApp;
use quantum_kernel::audit::AuditAction;
use quantum_kernel::projects;
use serde_json::Value;
use support::{code, compose_cli, json, quantum};

const PROJECT_TOML: &str = r#"[project]
name = "cli shop"

[environments.dev.variables]
GREETING = "hello"

# Passes only when the datasource's URL (its password from the keychain) reaches a real query
# and the environment's variable is there.
[tests.unit]
command = '''sh -c 'test "$(psql "$DATABASE_URL" -tAc "SELECT 41 + 1")" = 42 && test "$GREETING" = hello && echo "test alpha ... ok"' '''
format = "libtest"

[tests.broken]
command = "sh -c 'echo \"test beta ... FAILED\"; exit 101'"
format = "libtest"
"#;

/// What the feed hands on until `wanted` matches one, within `within`.
fn heard(
    received: &mpsc::Receiver<Outside>,
    within: Duration,
    wanted: impl Fn(&Outside) -> bool,
) -> bool {
    let deadline = Instant::now() + within;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match received.recv_timeout(left) {
            Ok(item) if wanted(&item) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_drives_a_project_while_the_app_holds_the_data_dir() {
    let app = TestApp::start("cli").await;
    let data_dir = app.dir.path().to_path_buf();
    let folder = app.with_folder().await;
    let project = projects::get(&app.store, app.project_id)
        .await
        .expect("project");
    std::fs::write(folder.path().join("quantum.toml"), PROJECT_TOML).expect("quantum.toml");
    let datasource = app.ready(Engine::Postgres).await;
    let (sender, received) = mpsc::channel();
    let _follower = feed::follow(&data_dir, move |item| {
        let _ = sender.send(item);
    })
    .expect("the feed is followed");

    // projects: the one project, with its folder.
    let listed = json(&quantum(&data_dir, folder.path(), &["--json", "projects"]));
    assert_eq!(listed["projects"][0]["name"], project.name.as_str());
    assert_eq!(
        listed["projects"][0]["folder"],
        folder.path().display().to_string().as_str()
    );

    // status, from inside the project's folder: that project, its datasource ready and running.
    let status = quantum(&data_dir, folder.path(), &["status", "--json"]);
    assert_eq!(
        code(&status),
        0,
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let status = json(&status);
    assert_eq!(status["docker"]["available"], true);
    assert_eq!(status["projects"].as_array().map(Vec::len), Some(1));
    let listed = &status["projects"][0]["datasources"][0];
    assert_eq!(listed["name"], datasource.name.as_str());
    assert_eq!(listed["status"], "ready");
    assert_eq!(listed["container"], "running");

    // down: stopped, and the app hears of it (the change and the status) through the feed.
    let down = quantum(&data_dir, folder.path(), &["--json", "down"]);
    assert_eq!(code(&down), 0, "{}", String::from_utf8_lossy(&down.stderr));
    assert_eq!(json(&down)["datasources"][0]["result"], "stopped");
    assert_eq!(
        app.datasources
            .get(datasource.id)
            .await
            .expect("row")
            .status,
        DatasourceStatus::Stopped
    );
    assert!(
        heard(&received, Duration::from_secs(1), |item| matches!(
            item,
            Outside::Datasource(DatasourceEvent::Status { id, status: DatasourceStatus::Stopped, .. }) if *id == datasource.id
        )),
        "the app is told the datasource stopped within a second of the command's end"
    );

    // While the app runs an operation on the datasource, the command line's waits for it.
    let held = app
        .datasources
        .hold(datasource.id, DatasourceStatus::Snapshotting)
        .await
        .expect("the app holds the datasource");
    let mut up = Command::new(env!("CARGO_BIN_EXE_quantum"))
        .args(["--json", "up", &project.name])
        .env("QUANTUM_DATA_DIR", &data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("quantum up starts");
    let lock = data_dir.join(format!("locks/datasource-{}.lock", datasource.id));
    assert!(
        waits_on_lock(&mut up, &lock),
        "quantum up waits for the app's operation"
    );
    assert_eq!(
        app.datasources
            .get(datasource.id)
            .await
            .expect("row")
            .status,
        DatasourceStatus::Snapshotting,
        "nothing of the command line's ran meanwhile"
    );
    app.datasources.release(held).await.expect("released");
    let up = up.wait_with_output().expect("quantum up ends");
    assert_eq!(code(&up), 0, "{}", String::from_utf8_lossy(&up.stderr));
    assert_eq!(json(&up)["datasources"][0]["status"], "ready");
    assert!(
        heard(&received, Duration::from_secs(1), |item| matches!(
            item,
            Outside::Change(change) if change.action == AuditAction::DatasourceStart && change.resource_id == datasource.id
        )),
        "the app is told of the start within a second of the command's end"
    );

    // logs: the server's own lines.
    let logs = quantum(
        &data_dir,
        folder.path(),
        &["logs", &datasource.name, "--tail", "50"],
    );
    assert_eq!(code(&logs), 0);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&logs.stdout),
        String::from_utf8_lossy(&logs.stderr)
    );
    assert!(text.contains("ready to accept connections"), "{text}");
    logs_follow_new_lines_as_json(&data_dir, folder.path(), &datasource);

    // migrate up, status, down: a real migration on the real server.
    let migrations = folder.path().join("migrations");
    std::fs::create_dir_all(&migrations).expect("migrations folder");
    std::fs::write(
        migrations.join("20260101000000_notes.up.sql"),
        "CREATE TABLE notes (id int);",
    )
    .expect("up");
    std::fs::write(
        migrations.join("20260101000000_notes.down.sql"),
        "DROP TABLE notes;",
    )
    .expect("down");
    let applied = quantum(
        &data_dir,
        folder.path(),
        &["--json", "migrate", "up", &datasource.name],
    );
    assert_eq!(
        code(&applied),
        0,
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let applied = json(&applied);
    assert_eq!(applied["versions"], serde_json::json!([20260101000000_i64]));
    assert!(
        applied["snapshot"].is_object(),
        "a snapshot was taken first"
    );
    let listed = json(&quantum(
        &data_dir,
        folder.path(),
        &["--json", "migrate", "status", &datasource.name],
    ));
    assert_eq!(listed["migrations"][0]["state"], "applied");
    let rolled = quantum(
        &data_dir,
        folder.path(),
        &["--json", "migrate", "down", &datasource.name],
    );
    assert_eq!(
        code(&rolled),
        0,
        "{}",
        String::from_utf8_lossy(&rolled.stderr)
    );
    assert_eq!(
        json(&rolled)["versions"],
        serde_json::json!([20260101000000_i64])
    );

    // env: the environment's variables as the .env would hold them, then written.
    let env = quantum(&data_dir, folder.path(), &["--json", "env"]);
    assert_eq!(code(&env), 0, "{}", String::from_utf8_lossy(&env.stderr));
    assert!(json(&env)["text"]
        .as_str()
        .expect("text")
        .contains("GREETING=hello"));
    assert_eq!(
        code(&quantum(&data_dir, folder.path(), &["env", "--write"])),
        0
    );
    let written = std::fs::read_to_string(folder.path().join(".env")).expect(".env written");
    assert!(written.contains("GREETING=hello"), "{written}");

    // test: one suite passes (exit 0), the other fails (exit 1); each run is kept. The database
    // is stopped first: `--start` starts it, and its URL reaches the tests.
    assert_eq!(code(&quantum(&data_dir, folder.path(), &["down"])), 0);
    let passed = quantum(
        &data_dir,
        folder.path(),
        &["--json", "test", "--suite", "unit", "-e", "dev", "--start"],
    );
    assert_eq!(
        code(&passed),
        0,
        "{}",
        String::from_utf8_lossy(&passed.stderr)
    );
    let last = String::from_utf8_lossy(&passed.stdout)
        .lines()
        .last()
        .map(str::to_owned)
        .unwrap_or_default();
    let finished: Value = serde_json::from_str(&last).expect("a JSON line per event");
    assert_eq!(finished["kind"], "finished", "{last}");
    assert_eq!(finished["run"]["status"], "passed", "{last}");
    let run_id = finished["run"]["id"].as_i64().expect("the run's id");
    let audited = quantum_kernel::audit::of_resource(
        &app.store,
        quantum_kernel::audit::AuditAction::TestRun,
        quantum_kernel::audit::ResourceType::TestRun,
        run_id,
        1,
    )
    .await
    .expect("audit log");
    let details = &audited
        .first()
        .expect("the run is in the activity log")
        .details;
    assert_eq!(details["origin"], "cli", "{details}");
    assert_eq!(details["status"], "passed", "{details}");
    assert!(details["user"].is_string(), "who ran it: {details}");
    let failed = quantum(&data_dir, folder.path(), &["test", "--suite", "broken"]);
    assert_eq!(code(&failed), 1);
    assert!(String::from_utf8_lossy(&failed.stderr).contains("1 failed"));

    compose_export_runs_on_the_same_data(&app, &datasource, &data_dir, folder.path()).await;

    // scan: the folder's test suites and migrations, as the Overview lists them.
    let scanned = quantum(&data_dir, folder.path(), &["--json", "scan"]);
    assert_eq!(
        code(&scanned),
        0,
        "{}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    let scanned = json(&scanned);
    assert_eq!(scanned["migrationFolders"][0]["path"], "migrations");
    assert_eq!(scanned["envFiles"][0], ".env");

    // What is not there says so, with its code and exit code 3.
    let missing = quantum(
        &data_dir,
        folder.path(),
        &["--json", "status", "no such project"],
    );
    assert_eq!(code(&missing), 3);
    let error: Value =
        serde_json::from_slice(&missing.stderr).expect("the error as JSON on stderr");
    assert_eq!(error["error"]["code"], "project.not_found");

    // No Docker Engine where DOCKER_HOST points: exit code 5, the endpoint named.
    let unreachable = Command::new(env!("CARGO_BIN_EXE_quantum"))
        .args(["--json", "up"])
        .env("QUANTUM_DATA_DIR", &data_dir)
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .current_dir(folder.path())
        .stdin(Stdio::null())
        .output()
        .expect("quantum runs");
    assert_eq!(
        code(&unreachable),
        5,
        "{}",
        String::from_utf8_lossy(&unreachable.stderr)
    );
    let error: Value =
        serde_json::from_slice(&unreachable.stderr).expect("the error as JSON on stderr");
    assert_eq!(error["error"]["code"], "docker.unavailable");
    assert!(error["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("/nonexistent/docker.sock")));
}

/// `quantum compose export --write`, then the exported file run by Compose itself while the app's
/// container is stopped: the server answers with the password from `.env` on the same data.
async fn compose_export_runs_on_the_same_data(
    app: &TestApp,
    datasource: &quantum_datasources::Datasource,
    data_dir: &Path,
    folder: &Path,
) {
    use sqlx::{Connection, PgConnection};
    let mut conn = PgConnection::connect(&app.url(datasource))
        .await
        .expect("connect");
    sqlx::raw_sql("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from the app')")
        .execute(&mut conn)
        .await
        .expect("a row");
    conn.close().await.expect("close");

    let exported = quantum(
        data_dir,
        folder,
        &["--json", "compose", "export", "--write"],
    );
    assert_eq!(
        code(&exported),
        0,
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let (_, password) = app
        .datasources
        .connection_details(datasource.id)
        .await
        .expect("password");
    let compose = std::fs::read_to_string(folder.join("compose.yaml")).expect("compose.yaml");
    assert!(
        !compose.contains(password.expose()),
        "the compose file holds no password"
    );
    let variable = quantum_compose::export("cli", std::slice::from_ref(datasource)).variables[0]
        .0
        .clone();
    let env =
        quantum_kernel::dotenv::parse(&std::fs::read_to_string(folder.join(".env")).expect(".env"))
            .expect("a .env");
    let from_env = env
        .iter()
        .find(|(name, _)| *name == variable)
        .map(|(_, value)| value.clone())
        .expect("the password in .env");
    assert_eq!(from_env, password.expose());

    assert_eq!(code(&quantum(data_dir, folder, &["down"])), 0);
    let project = format!("qacli{}", std::process::id());
    compose_cli(
        folder,
        &["-p", &project, "-f", "compose.yaml", "config", "-q"],
    );
    compose_cli(folder, &["-p", &project, "-f", "compose.yaml", "up", "-d"]);
    let url = format!(
        "postgres://{}:{from_env}@127.0.0.1:{}/{}",
        datasource.username, datasource.host_port, datasource.database_name
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let kept: String = loop {
        match PgConnection::connect(&url).await {
            Ok(mut conn) => {
                break sqlx::query_scalar("SELECT v FROM kept")
                    .fetch_one(&mut conn)
                    .await
                    .expect("the row")
            }
            Err(error) => {
                assert!(
                    Instant::now() < deadline,
                    "Compose's server never answered: {error}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    compose_cli(folder, &["-p", &project, "-f", "compose.yaml", "down"]);
    assert_eq!(
        kept, "from the app",
        "Compose ran on the datasource's data volume"
    );
    let up = quantum(data_dir, folder, &["--json", "up"]);
    assert_eq!(
        json(&up)["datasources"][0]["status"],
        "ready",
        "the volume is the app's again"
    );
}

/// Whether `child` reaches the lock file and stays there (true), or ends without waiting (false).
fn waits_on_lock(child: &mut std::process::Child, lock: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    let fds = format!("/proc/{}/fd", child.id());
    loop {
        if child.try_wait().expect("the child").is_some() {
            return false;
        }
        let open = std::fs::read_dir(&fds)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| std::fs::read_link(e.path()).is_ok_and(|target| target == lock))
            })
            .unwrap_or(false);
        if open {
            return child.try_wait().expect("the child").is_none();
        }
        assert!(
            Instant::now() < deadline,
            "quantum up neither ended nor reached the datasource's lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_quantum()"),
        ("zsh", "#compdef quantum"),
        ("fish", "complete -c quantum"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_quantum"))
            .args(["completions", shell])
            .output()
            .expect("quantum runs");
        assert!(output.status.success());
        assert!(
            String::from_utf8_lossy(&output.stdout).contains(marker),
            "{shell}"
        );
    }
}

/// `quantum --json logs NAME -f`: a JSON line per log line, and a line the server writes later
/// (a refused password) arrives while it follows.
fn logs_follow_new_lines_as_json(
    data_dir: &Path,
    folder: &Path,
    datasource: &quantum_datasources::Datasource,
) {
    use std::io::BufRead;
    let mut follower = Command::new(env!("CARGO_BIN_EXE_quantum"))
        .args(["--json", "logs", &datasource.name, "--tail", "1", "-f"])
        .env("QUANTUM_DATA_DIR", data_dir)
        .current_dir(folder)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("quantum logs -f runs");
    let stdout = follower.stdout.take().expect("stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let first = received
        .recv_timeout(Duration::from_secs(10))
        .expect("the last line comes first");
    let first: Value = serde_json::from_str(&first).expect("a JSON line");
    assert!(first["text"].is_string(), "{first}");
    let refused = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &datasource.host_port.to_string(),
            "-U",
            &datasource.username,
            "-d",
            &datasource.database_name,
            "-c",
            "SELECT 1",
        ])
        .env("PGPASSWORD", "not-the-password")
        .output()
        .expect("psql runs");
    assert!(!refused.status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut heard = false;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match received.recv_timeout(left) {
            Ok(line) if line.contains("password authentication failed") => {
                heard = true;
                break;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let _ = follower.kill();
    let _ = follower.wait();
    assert!(heard, "the refused login's log line was followed");
}
