//! `quantum status --json` wall time (target ≤ 50 ms: the command line must feel instant), beside
//! `docker ps` asked for the same containers, on a data dir of 20 projects and a real PostgreSQL
//! datasource; and how soon a core following the change feed (as the app does) hears of a
//! `quantum down`. Run by `scripts/bench` (Docker, the test images and a keychain up).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use quantum_core::feed::{self, Outside};
use quantum_datasources::{DatasourceEvent, DatasourceStatus, Engine};
use quantum_integration_tests::TestApp;
use quantum_kernel::projects::{self, ProjectInput};

const RUNS: usize = 30;

fn timed(mut command: Command) -> Duration {
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .status()
        .expect("the command runs");
    let elapsed = started.elapsed();
    assert!(status.success(), "{command:?} failed");
    elapsed
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<52} median {:>6.1} ms   p95 {:>6.1} ms   min {:>6.1} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(times[0])
    );
}

fn quantum(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_quantum"));
    command.args(args).env("QUANTUM_DATA_DIR", data_dir);
    command
}

#[tokio::main]
async fn main() {
    let app = TestApp::start("clibench").await;
    for n in 0..20 {
        let input = ProjectInput {
            name: format!("bench project {n}"),
            ..Default::default()
        };
        projects::create(&app.store, input).await.expect("project");
    }
    let datasource = app.ready(Engine::Postgres).await;
    let data_dir = app.dir.path().to_path_buf();

    // The first run opens a fresh file; the figures are for a data dir in use.
    timed(quantum(&data_dir, &["status", "--json", "--all"]));
    let status: Vec<Duration> = (0..RUNS)
        .map(|_| timed(quantum(&data_dir, &["status", "--json", "--all"])))
        .collect();
    let docker: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let mut command = Command::new("docker");
            command.args([
                "ps",
                "-a",
                "--filter",
                "label=app.quantumadmin.datasource",
                "--format",
                "json",
            ]);
            timed(command)
        })
        .collect();
    println!(
        "{RUNS} runs each, 21 projects, 1 PostgreSQL datasource (target: quantum status ≤ 50 ms)"
    );
    summary("quantum status --json --all", status);
    summary("docker ps -a --filter label=… --format json", docker);

    let (sender, received) = mpsc::channel();
    let _follower = feed::follow(&data_dir, move |item| {
        if let Outside::Datasource(DatasourceEvent::Status {
            status: DatasourceStatus::Stopped,
            ..
        }) = item
        {
            let _ = sender.send(Instant::now());
        }
    })
    .expect("the feed is followed");
    let project = projects::get(&app.store, app.project_id)
        .await
        .expect("project");
    let started = Instant::now();
    let took = timed(quantum(
        &data_dir,
        &["down", &project.name, "--only", &datasource.name],
    ));
    let ended = started + took;
    let heard = received
        .recv_timeout(Duration::from_secs(10))
        .expect("the follower hears of the stop");
    let after_exit = heard.saturating_duration_since(ended);
    println!(
        "quantum down took {:.0} ms; the following core heard of the stop {:.1} ms after it exited (target: within 1 s)",
        took.as_secs_f64() * 1000.0,
        after_exit.as_secs_f64() * 1000.0
    );
}
