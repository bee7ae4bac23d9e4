//! Datasource figures on the real Docker Engine. Prints; asserts nothing. Needs Docker, the test
//! images and a keychain: run through `scripts/bench`.
//! - create → ready: our ready moment minus the engine's own "ready" log line, per engine;
//! - `docker stop` from outside → our status event (from the container's `die` event);
//! - log throughput: 1,000,000 lines through our log pipeline versus `docker logs`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bollard::query_parameters::{EventsOptionsBuilder, LogsOptionsBuilder, StopContainerOptions};
use futures_util::StreamExt;
use quantum_datasources::streams::follow_container_log;
use quantum_datasources::{
    DatasourceEvent, DatasourceInput, DatasourceStatus, Datasources, Engine,
};
use quantum_docker::Docker;
use quantum_integration_tests::{docker, test_image, wait_for_status, TestApp, TestContainer};

const RUNS: usize = 5;
const LOG_LINES: u64 = 1_000_000;

/// `cargo bench --bench datasources -- logs` runs only the named sections (ready, stop, logs).
fn wanted(section: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    named.is_empty() || named.iter().any(|n| n == section)
}

#[tokio::main]
async fn main() {
    let app = TestApp::start("bench").await;
    let (datasources, project_id) = (&app.datasources, app.project_id);

    if wanted("ready") {
        ready_times(datasources, project_id).await;
    }
    if wanted("stop") {
        stop_report(datasources, project_id).await;
    }
    if wanted("logs") {
        println!("\n== log throughput: {LOG_LINES} lines");
        log_throughput().await;
    }
}

async fn ready_times(datasources: &Arc<Datasources>, project_id: i64) {
    println!("== create → ready, beyond the engine's own ready line (median of {RUNS})");
    for engine in [Engine::Postgres, Engine::Mariadb, Engine::Redis] {
        let mut beyond = Vec::new();
        let mut total = Vec::new();
        for _ in 0..RUNS {
            let (ours, engine_ready, started) =
                create_until_ready(datasources, project_id, engine).await;
            beyond.push(ours - engine_ready);
            total.push(ours - started);
        }
        println!(
            "{:<10} ours − engine: median {:>6.1} ms  (max {:>6.1} ms);  create → ready: median {:>6.0} ms",
            engine.label(),
            median(&mut beyond),
            beyond.iter().copied().fold(f64::MIN, f64::max),
            median(&mut total),
        );
    }
}

async fn stop_report(datasources: &Arc<Datasources>, project_id: i64) {
    println!("\n== docker stop from outside → status event (20 runs)");
    let mut latencies = stop_latencies(datasources, project_id, 20).await;
    latencies.sort_by(f64::total_cmp);
    println!(
        "die event → our Stopped event: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latencies[latencies.len() / 2],
        latencies[(latencies.len() * 95).div_ceil(100) - 1],
        latencies[latencies.len() - 1]
    );
}

/// Our ready moment, the engine's last ready line and the moment `create` was called, in ms
/// since the epoch.
async fn create_until_ready(
    datasources: &Arc<Datasources>,
    project_id: i64,
    engine: Engine,
) -> (f64, f64, f64) {
    let mut events = datasources.subscribe();
    let started = now_ms();
    let created = datasources
        .create(DatasourceInput {
            project_id,
            engine,
            ..Default::default()
        })
        .await
        .expect("create");
    let ours = loop {
        match events.recv().await.expect("events") {
            DatasourceEvent::Status { id, status, reason } if id == created.id => match status {
                DatasourceStatus::Ready => break now_ms(),
                DatasourceStatus::Error => panic!("{reason:?}"),
                _ => {}
            },
            _ => {}
        }
    };
    let ready_line = match engine {
        Engine::Postgres => "database system is ready to accept connections",
        Engine::Mysql | Engine::Mariadb => "ready for connections",
        Engine::Redis => "Ready to accept connections",
        Engine::Mongodb => "Waiting for connections",
    };
    let engine_ready = last_log_time(&created.name, ready_line).await;
    datasources.remove(created.id, true).await.expect("remove");
    (ours, engine_ready, started)
}

/// The Docker timestamp of the last log line containing `needle`, in ms since the epoch.
async fn last_log_time(container: &str, needle: &str) -> f64 {
    let api = docker().await;
    let options = LogsOptionsBuilder::new()
        .stdout(true)
        .stderr(true)
        .timestamps(true)
        .build();
    let mut logs = api.logs(container, Some(options));
    let mut found = None;
    while let Some(Ok(output)) = logs.next().await {
        for line in output.to_string().lines() {
            if line.contains(needle) {
                found = line.split_whitespace().next().map(parse_rfc3339_ms);
            }
        }
    }
    found.expect("the engine printed its ready line")
}

/// `2026-11-22T00:31:02.123456789Z` → ms since the epoch (UTC, as Docker writes it).
fn parse_rfc3339_ms(text: &str) -> f64 {
    let (date, time) = text
        .trim_end_matches('Z')
        .split_once('T')
        .expect("RFC 3339");
    let mut d = date.split('-').map(|p| p.parse::<i64>().expect("date"));
    let (y, m, day) = (
        d.next().expect("y"),
        d.next().expect("m"),
        d.next().expect("d"),
    );
    let (hms, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.split(':').map(|p| p.parse::<i64>().expect("time"));
    let (h, min, s) = (
        t.next().expect("h"),
        t.next().expect("min"),
        t.next().expect("s"),
    );
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let seconds = days * 86_400 + h * 3600 + min * 60 + s;
    seconds as f64 * 1000.0 + format!("0.{fraction}").parse::<f64>().expect("fraction") * 1000.0
}

async fn stop_latencies(datasources: &Arc<Datasources>, project_id: i64, runs: usize) -> Vec<f64> {
    let created = datasources
        .create(DatasourceInput {
            project_id,
            engine: Engine::Redis,
            ..Default::default()
        })
        .await
        .expect("create");
    let api = docker().await;
    let mut events = datasources.subscribe();
    let mut latencies = Vec::new();
    for _ in 0..runs {
        wait_for_status(
            &mut events,
            datasources,
            created.id,
            DatasourceStatus::Ready,
            Duration::from_secs(60),
        )
        .await;
        let before_stop = (now_ms() / 1000.0).floor();
        // Timed when our event arrives: `docker stop` itself returns only after the daemon has
        // torn the container down, well after its death (and our event).
        let mut arrivals = datasources.subscribe();
        let id = created.id;
        let arrival = tokio::spawn(async move {
            loop {
                match arrivals.recv().await {
                    Ok(DatasourceEvent::Status {
                        id: seen,
                        status: DatasourceStatus::Stopped,
                        ..
                    }) if seen == id => return now_ms(),
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(error) => panic!("the event feed ended: {error}"),
                }
            }
        });
        api.stop_container(&created.name, None::<StopContainerOptions>)
            .await
            .expect("docker stop");
        wait_for_status(
            &mut events,
            datasources,
            created.id,
            DatasourceStatus::Stopped,
            Duration::from_secs(60),
        )
        .await;
        let seen = arrival.await.expect("the Stopped event");
        // Docker's own time of the container's death, read back once it is history.
        let filters = HashMap::from([
            ("container", vec![created.name.as_str()]),
            ("event", vec!["die"]),
        ]);
        let options = EventsOptionsBuilder::new()
            .since(&before_stop.to_string())
            .until(&(seen / 1000.0).ceil().to_string())
            .filters(&filters)
            .build();
        let deaths: Vec<_> = api.events(Some(options)).collect().await;
        let die_ms = deaths
            .iter()
            .flatten()
            .filter_map(|event| event.time_nano)
            .max()
            .map(|nanos| nanos as f64 / 1e6)
            .expect("a die event");
        latencies.push(seen - die_ms);
        datasources.start(created.id).await.expect("start");
    }
    datasources.remove(created.id, true).await.expect("remove");
    latencies
}

async fn log_throughput() {
    let container = TestContainer::start(
        &test_image(Engine::Redis),
        6379,
        &[],
        &["sh", "-c", &format!("seq 1 {LOG_LINES}; exec sleep 3600")],
    )
    .await;
    let id = container.id().to_owned();
    let api = docker().await;
    // Wait until every line is in the log, so both readers read the same amount.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let options = LogsOptionsBuilder::new().stdout(true).tail("1").build();
        let last: Vec<_> = api.logs(&id, Some(options)).collect().await;
        if last
            .iter()
            .flatten()
            .any(|o| o.to_string().trim() == LOG_LINES.to_string())
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the container did not print its lines in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let started = Instant::now();
    let output = std::process::Command::new("docker")
        .args(["logs", &id])
        .output()
        .expect("docker logs");
    let cli_secs = started.elapsed().as_secs_f64();
    let cli_lines = output.stdout.iter().filter(|b| **b == b'\n').count();

    let docker = Docker::connect().await.expect("docker");
    // The client library alone on the multi-thread runtime, frames counted and dropped: why the
    // follower runs on a thread of its own.
    let started = Instant::now();
    let options = LogsOptionsBuilder::new()
        .stdout(true)
        .stderr(true)
        .tail("all")
        .build();
    let frames = docker.api().logs(&id, Some(options)).count().await;
    let raw_secs = started.elapsed().as_secs_f64();
    println!(
        "bollard raw: {frames} frames in {raw_secs:.2} s = {:>10.0} frames/s",
        frames as f64 / raw_secs
    );

    // Our pipeline as the UI gets it: a follower thread, lines batched per frame, each batch
    // serialized as a Channel does.
    let (done, finished) = std::sync::mpsc::channel();
    let started = Instant::now();
    let mut delivered = 0u64;
    let mut batches = 0u64;
    let follower = follow_container_log(id.clone(), None, move |batch| {
        delivered += batch.lines.len() as u64;
        batches += 1;
        std::hint::black_box(serde_json::to_vec(&batch).expect("serializable"));
        if delivered >= LOG_LINES {
            let _ = done.send((delivered, batches));
            return false;
        }
        true
    })
    .expect("follow");
    let (delivered, batches) = finished
        .recv_timeout(Duration::from_secs(120))
        .expect("every line within 120 s");
    drop(follower);
    let ours_secs = started.elapsed().as_secs_f64();
    let cli_rate = cli_lines as f64 / cli_secs;
    let ours_rate = delivered as f64 / ours_secs;
    println!("docker logs: {cli_lines} lines in {cli_secs:.2} s = {cli_rate:>10.0} lines/s");
    println!("ours:        {delivered} lines in {ours_secs:.2} s = {ours_rate:>10.0} lines/s in {batches} batches");
    println!("ratio ours / docker logs: {:.2}×", ours_rate / cli_rate);
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or_default()
}
