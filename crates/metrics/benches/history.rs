//! Reading 30 days of metric history of 10 containers, as the charts ask for it, from a store
//! full for each: a day of 10-second samples, 30 days of 5-minute and hourly roll-ups (target:
//! ≤ 50 ms for all ten). Run by `scripts/bench`.

use std::time::{Duration, Instant};

use quantum_kernel::Store;
use quantum_metrics::{history, HOUR_SECS, RAW_KEEP_SECS, RAW_SECS, ROLLUP_KEEP_SECS, ROLLUP_SECS};

const CONTAINERS: i64 = 10;
const RUNS: usize = 10;
const NOW: i64 = 1_800_000_000;

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in(dir.path()).await.expect("store");
    let project = quantum_kernel::projects::create(
        &store,
        quantum_kernel::projects::ProjectInput {
            name: "bench".into(),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    let mut tx = store.begin_write().await.expect("transaction");
    for n in 0..CONTAINERS {
        sqlx::query(
            "INSERT INTO datasources (id, project_id, name, engine, image, host_port, database_name,
                 username, keychain_account, volume_name)
             VALUES (?, ?, ?, 'postgres', 'postgres:16', ?, 'db', 'db', 'acct', 'vol')",
        )
        .bind(n + 1)
        .bind(project.id)
        .bind(format!("db-{n}"))
        .bind(20_000 + n)
        .execute(&mut *tx)
        .await
        .expect("datasource");
        let rows = [
            (HOUR_SECS, ROLLUP_KEEP_SECS),
            (ROLLUP_SECS, ROLLUP_KEEP_SECS),
            (RAW_SECS, RAW_KEEP_SECS),
        ];
        for (resolution, keep) in rows {
            for at in ((NOW - keep)..NOW).step_by(resolution as usize) {
                sqlx::query(
                    "INSERT INTO metric_samples VALUES (?, ?, ?, ?, 1e8, 1e9, 1e3, 2e3, 0, 4e3)",
                )
                .bind(n + 1)
                .bind(resolution)
                .bind(at)
                .bind((at % 97) as f64)
                .execute(&mut *tx)
                .await
                .expect("sample");
            }
        }
    }
    tx.commit().await.expect("committed");

    let mut points = 0;
    let mut months = Vec::new();
    let mut days = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        for n in 0..CONTAINERS {
            let read = history(&store, n + 1, NOW - ROLLUP_KEEP_SECS, NOW, NOW, 600)
                .await
                .expect("history");
            points = read.points.len();
        }
        months.push(started.elapsed());
        let started = Instant::now();
        for n in 0..CONTAINERS {
            history(&store, n + 1, NOW - RAW_KEEP_SECS, NOW, NOW, 600)
                .await
                .expect("history");
        }
        days.push(started.elapsed());
    }
    println!(
        "{CONTAINERS} containers, {points} points each, median of {RUNS} runs (target: 30 days ≤ 50 ms)"
    );
    println!("30 days of history, all ten   {:>8.1} ms", median(months));
    println!("the last day, all ten         {:>8.1} ms", median(days));
}
