//! The Docker daemon stopping and coming back while the app follows it: the app says Docker is
//! gone, reconnects, and finds its datasource stopped (containers die with the daemon).
//! It restarts the daemon, so it runs alone: `scripts/test` runs it after the other tests.

use std::process::Command;
use std::time::Duration;

use quantum_datasources::{DatasourceEvent, DatasourceInput, DatasourceStatus, Engine};
use quantum_integration_tests::{wait_for_status, TestApp};
use quantum_kernel::projects;
use tokio::sync::broadcast::Receiver;

/// Runs a command, through sudo when the tests do not run as root (as on CI runners).
fn run(program: &str, args: &[&str]) -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    let mut command = if root || matches!(program, "pgrep" | "id") {
        Command::new(program)
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg(program);
        sudo
    };
    command.args(args).status().is_ok_and(|s| s.success())
}

/// How the daemon was stopped, so that it is started the same way.
enum Manager {
    Systemd,
    /// Started by hand, as scripts/setup does where no service manager runs.
    Plain,
}

fn stop_daemon() -> Manager {
    if run("systemctl", &["is-active", "--quiet", "docker"]) {
        assert!(
            run("systemctl", &["stop", "docker.socket", "docker"]),
            "systemctl stop docker"
        );
        Manager::Systemd
    } else {
        assert!(
            run("pkill", &["-TERM", "-x", "dockerd"]),
            "no dockerd to stop"
        );
        Manager::Plain
    }
}

fn start_daemon(manager: Manager) {
    match manager {
        Manager::Systemd => assert!(
            run("systemctl", &["start", "docker"]),
            "systemctl start docker"
        ),
        Manager::Plain => assert!(
            run(
                "bash",
                &[
                    "-c",
                    "setsid nohup dockerd >>/tmp/quantum-dockerd.log 2>&1 </dev/null &"
                ]
            ),
            "start dockerd"
        ),
    }
}

async fn next_docker_event(events: &mut Receiver<DatasourceEvent>, available: bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Ok(DatasourceEvent::Docker { available: now, .. })) if now == available => return,
            Ok(Ok(_)) => {}
            Ok(Err(error)) => panic!("event feed: {error}"),
            Err(_) => panic!("no Docker available={available} event within 60 s"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "stops and starts the Docker daemon: run alone, as scripts/test does"]
async fn the_daemon_going_away_and_coming_back_is_survived() {
    let app = TestApp::start("restart").await;
    let (store, datasources) = (&app.store, &app.datasources);
    let mut events = datasources.subscribe();
    next_docker_event(&mut events, true).await;

    let created = datasources
        .create(DatasourceInput {
            project_id: app.project_id,
            engine: Engine::Redis,
            ..Default::default()
        })
        .await
        .expect("create");
    wait_for_status(
        &mut events,
        datasources,
        created.id,
        DatasourceStatus::Ready,
        Duration::from_secs(60),
    )
    .await;

    let manager = stop_daemon();
    next_docker_event(&mut events, false).await;
    // The rest of the app keeps working while Docker is away.
    assert_eq!(projects::count(store).await.expect("count"), 1);

    start_daemon(manager);
    next_docker_event(&mut events, true).await;
    wait_for_status(
        &mut events,
        datasources,
        created.id,
        DatasourceStatus::Stopped,
        Duration::from_secs(60),
    )
    .await;

    datasources.start(created.id).await.expect("starts again");
    assert_eq!(
        datasources.get(created.id).await.expect("get").status,
        DatasourceStatus::Ready
    );
    datasources.remove(created.id, true).await.expect("cleanup");
}
