//! Deploys of the fixture web app on the local Docker Engine, with a load loop on the published
//! port throughout: rollback to a kept release, from the call to the first answer of the old
//! version (target ≤ 5 s), and the failed requests; a deploy of unchanged sources (every build
//! step cached), from the call to serving; and the build beside `docker build` of the same folder
//! (target ≤ 1.05×), each build after a change so that neither reuses the other's layers. Prints;
//! asserts only that no request failed. Run through `scripts/bench`.

use std::process::Command;
use std::time::{Duration, Instant};

use quantum_deploy::{
    DeployEvent, DeployRequest, DeployStage, Deploys, EnvironmentSpec, HealthCheck,
};
use quantum_integration_tests::deploy::{
    free_port, git, project_folder, release_version, LoadLoop,
};
use quantum_integration_tests::TestApp;

const ROUNDS: usize = 5;

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// The app's build, from its Building stage to its "Built" line (the version read, the context
/// archived and sent, the image built), after a change committed.
async fn app_build<'a>(
    deploys: &Deploys,
    request: &dyn Fn() -> DeployRequest<'a>,
    folder: &std::path::Path,
    round: usize,
) -> Duration {
    std::fs::write(
        folder.join("site/round.txt"),
        format!("app {round} {}", nonce()),
    )
    .expect("write");
    git(folder, &["add", "-A"]);
    git(folder, &["commit", "-qm", "round"]);
    let building = std::sync::Mutex::new((None, None));
    let timed = |event: DeployEvent| {
        let mut building = building.lock().expect("lock");
        match event {
            DeployEvent::Stage {
                stage: DeployStage::Building,
            } => building.0 = Some(Instant::now()),
            DeployEvent::Log { line } if line.starts_with("Built ") => {
                building.1 = Some(Instant::now())
            }
            _ => {}
        }
    };
    deploys.deploy(request(), &timed).await.expect("deploy");
    let (Some(from), Some(to)) = *building.lock().expect("lock") else {
        panic!("the build's start and end were reported");
    };
    to.duration_since(from)
}

/// `docker build` of the same folder (the classic builder, as the app's), after a change.
fn cli_build(folder: &std::path::Path, image: &str, round: usize) -> Duration {
    std::fs::write(
        folder.join("site/round.txt"),
        format!("cli {round} {}", nonce()),
    )
    .expect("write");
    let started = Instant::now();
    let status = Command::new("docker")
        .args(["build", "-q", "-t", &format!("{image}:cli"), "."])
        .current_dir(folder)
        .env("DOCKER_BUILDKIT", "0")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("docker build runs");
    assert!(status.success(), "docker build");
    started.elapsed()
}

/// Content no earlier run wrote: a layer cached by another bench run would make a build free.
fn nonce() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos())
}

fn seconds(value: Duration) -> String {
    format!("{:.2} s", value.as_secs_f64())
}

#[tokio::main]
async fn main() {
    let app = TestApp::start("deploy bench").await;
    let deploys = Deploys::new(app.store.clone());
    let folder = project_folder();
    let port = free_port();
    let image = format!("qa-deploy-bench-{}", std::process::id());
    let mut spec = EnvironmentSpec::new("bench", &image, 8080, port);
    spec.proxy_image = "testdb/haproxy:2.6".to_owned();
    spec.health = HealthCheck::Http {
        path: "/health".to_owned(),
        status: Some(200),
    };
    spec.keep = 10;
    let ignore = |_: DeployEvent| {};
    let request = || DeployRequest {
        project_id: app.project_id,
        project_name: "bench",
        project_dir: folder.path(),
        spec: &spec,
        actor: "bench",
        data: None,
    };

    let v1 = deploys.deploy(request(), &ignore).await.expect("v1");
    let load = LoadLoop::start(port);
    load.wait_for_answers(50).await;
    release_version(folder.path(), "v2", true);
    let v2 = deploys.deploy(request(), &ignore).await.expect("v2");

    // Rollbacks back and forth: each to the release the one serving replaced.
    let mut to_old = Vec::new();
    let mut calls = Vec::new();
    let (mut previous, mut live) = (v1, v2);
    for _ in 0..ROUNDS {
        load.wait_for_answers(50).await;
        let clicked = Instant::now();
        let back = deploys
            .rollback("bench", previous.id, &spec, ("bench", None), &ignore)
            .await
            .expect("rolled back");
        calls.push(clicked.elapsed());
        to_old.push(load.first_answer_after(clicked, &previous.version).await);
        (previous, live) = (live, back);
    }

    // Unchanged sources: every build step cached, then the same release steps.
    let mut unchanged = Vec::new();
    for _ in 0..ROUNDS {
        let clicked = Instant::now();
        let release = deploys.deploy(request(), &ignore).await.expect("redeploy");
        let serving = load.first_answer_after(clicked, &release.version).await;
        unchanged.push(clicked.elapsed().max(serving));
    }

    // Builds beside `docker build`, each after a new file so that both rebuild the COPY step.
    let mut ours = Vec::new();
    let mut cli = Vec::new();
    for round in 0..ROUNDS * 2 {
        // Turns alternate, so that neither always builds on the other's warm caches.
        if (round % 2 == 0) == (round / 2 % 2 == 0) {
            ours.push(app_build(&deploys, &request, folder.path(), round).await);
        } else {
            cli.push(cli_build(folder.path(), &image, round));
        }
    }

    let (answers, failures) = load.stop().await;
    println!("  rollback, call → first answer of the old version: median {}, max {} ({ROUNDS} rollbacks)", seconds(median(to_old.clone())), seconds(to_old.iter().copied().max().unwrap_or_default()));
    println!(
        "  rollback, whole call (switch, drain, old release stopped): median {}",
        seconds(median(calls))
    );
    println!(
        "  deploy of unchanged sources, call → serving: median {}",
        seconds(median(unchanged))
    );
    let (ours, cli) = (median(ours), median(cli));
    println!(
        "  build after a change: app {} beside docker build {} ({:.2}×)",
        seconds(ours),
        seconds(cli),
        ours.as_secs_f64() / cli.as_secs_f64()
    );
    println!(
        "  load loop: {} requests, {} failed",
        answers.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "failed requests: {failures:?}");

    quantum_integration_tests::deploy::remove_environment(
        app.store.identity(),
        app.project_id,
        "bench",
        &image,
    )
    .await;
}
