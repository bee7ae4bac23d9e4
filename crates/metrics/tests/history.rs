//! Metric history in a real store: samples are written, rolled up into 5-minute rows, forgotten
//! after their keeping time, and read back over ranges at the resolution that covers them.

use quantum_docker::Counters;
use quantum_kernel::Store;
use quantum_metrics::{
    history, rates, record, roll_up, Sample, HOUR_SECS, RAW_KEEP_SECS, RAW_SECS, ROLLUP_KEEP_SECS,
    ROLLUP_SECS,
};

const NOW: i64 = 1_800_000_000;

async fn store_with_datasource() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in(dir.path()).await.expect("store");
    let project = quantum_kernel::projects::create(
        &store,
        quantum_kernel::projects::ProjectInput {
            name: "metrics".into(),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO datasources (project_id, name, engine, image, host_port, database_name,
             username, keychain_account, volume_name)
         VALUES (?, 'shop-db', 'postgres', 'postgres:16', 5432, 'shop', 'shop', 'acct', 'vol')
         RETURNING id",
    )
    .bind(project.id)
    .fetch_one(store.pool())
    .await
    .expect("datasource row");
    (dir, store, id)
}

fn sample(at: i64, cpu: f64) -> Sample {
    Sample {
        at,
        cpu_percent: cpu,
        memory_bytes: 100.0 + cpu,
        memory_limit_bytes: 1000.0,
        net_rx_rate: 10.0,
        net_tx_rate: 20.0,
        block_read_rate: 0.0,
        block_write_rate: 5.0,
    }
}

#[tokio::test]
async fn samples_are_rolled_up_into_five_minute_rows_and_read_back_over_ranges() {
    let (_dir, store, id) = store_with_datasource().await;
    // The last hour, every 10 s: CPU 10 % in even 5-minute spans, 30 % in odd ones.
    let start = NOW - 3600 - NOW.rem_euclid(ROLLUP_SECS);
    for at in (start..NOW).step_by(RAW_SECS as usize) {
        let odd = (at - start) / ROLLUP_SECS % 2 == 1;
        record(&store, id, &sample(at, if odd { 30.0 } else { 10.0 }))
            .await
            .expect("recorded");
    }
    roll_up(&store, NOW).await.expect("rolled up");

    // The last 5 minutes: the samples themselves.
    let recent = history(&store, id, NOW - 300, NOW, NOW, 600)
        .await
        .expect("read");
    assert_eq!(recent.step_secs, RAW_SECS);
    assert_eq!(recent.points.len(), 30);

    // The last hour in 12 points: one per 5 minutes, alternating.
    let hour = history(&store, id, NOW - 3600, NOW, NOW, 12)
        .await
        .expect("read");
    assert_eq!(hour.step_secs, ROLLUP_SECS);
    let cpus: Vec<f64> = hour.points.iter().map(|p| p.cpu_percent).collect();
    assert!(cpus.len() >= 12, "{cpus:?}");
    assert!(cpus.iter().all(|c| *c == 10.0 || *c == 30.0), "{cpus:?}");
    assert_eq!(hour.points[0].net_tx_rate, 20.0);

    // Two days back is older than the samples: the roll-ups answer, one row per 5 minutes.
    let rolled = history(&store, id, NOW - 2 * 24 * 3600, NOW, NOW, 1000)
        .await
        .expect("read");
    assert_eq!(rolled.step_secs, ROLLUP_SECS);
    assert_eq!(rolled.points.len(), 12);
    assert!(rolled.points.iter().all(|p| p.at % ROLLUP_SECS == 0));

    // Thirty days read the hourly rows: the last hour is one of them, the average of its spans.
    let month = history(&store, id, NOW - 30 * 24 * 3600, NOW, NOW, 600)
        .await
        .expect("read");
    assert_eq!(month.step_secs, 2 * HOUR_SECS);
    assert_eq!(month.points.len(), 1);
    assert!(
        (month.points[0].cpu_percent - 20.0).abs() < 1e-9,
        "{:?}",
        month.points[0]
    );
}

#[tokio::test]
async fn rows_past_their_keeping_time_are_forgotten() {
    let (_dir, store, id) = store_with_datasource().await;
    record(&store, id, &sample(NOW - RAW_KEEP_SECS - 600, 50.0))
        .await
        .expect("old sample");
    record(&store, id, &sample(NOW - 20, 50.0))
        .await
        .expect("new sample");
    sqlx::query(
        "INSERT INTO metric_samples VALUES (?, 300, ?, 1, 1, 1, 1, 1, 1, 1), (?, 300, ?, 1, 1, 1, 1, 1, 1, 1)",
    )
    .bind(id)
    .bind(NOW - ROLLUP_KEEP_SECS - 600)
    .bind(id)
    .bind(NOW - 2 * 24 * 3600)
    .execute(store.pool())
    .await
    .expect("roll-ups");
    roll_up(&store, NOW).await.expect("pruned");
    let left: Vec<(i64, i64)> =
        sqlx::query_as("SELECT resolution, at FROM metric_samples ORDER BY resolution, at")
            .fetch_all(store.pool())
            .await
            .expect("rows");
    // NOW is on an hour's boundary: the recent sample also makes the last span's and the last
    // hour's roll-ups.
    assert_eq!(NOW % HOUR_SECS, 0);
    assert_eq!(
        left,
        vec![
            (RAW_SECS, NOW - 20),
            (ROLLUP_SECS, NOW - 2 * 24 * 3600),
            (ROLLUP_SECS, NOW - ROLLUP_SECS),
            (HOUR_SECS, NOW - HOUR_SECS),
        ]
    );
}

#[test]
fn rates_are_per_second_between_two_readings_and_a_restart_counts_as_quiet() {
    let before = Counters {
        cpu_total_ns: 1_000_000_000,
        system_ns: 10_000_000_000,
        online_cpus: 2,
        memory_bytes: 500,
        memory_limit_bytes: 1000,
        net_rx_bytes: 1000,
        net_tx_bytes: 2000,
        block_read_bytes: 0,
        block_write_bytes: 10_000,
    };
    let after = Counters {
        cpu_total_ns: 2_000_000_000,
        system_ns: 20_000_000_000,
        memory_bytes: 600,
        net_rx_bytes: 11_000,
        net_tx_bytes: 2000,
        block_write_bytes: 30_000,
        ..before
    };
    let sample = rates(NOW, 10.0, &before, &after);
    // 1 s of CPU over 10 s of the host's time, on 2 CPUs: 20 % of one CPU.
    assert!((sample.cpu_percent - 20.0).abs() < 1e-9, "{sample:?}");
    assert_eq!(sample.memory_bytes, 600.0);
    assert_eq!(sample.net_rx_rate, 1000.0);
    assert_eq!(sample.net_tx_rate, 0.0);
    assert_eq!(sample.block_write_rate, 2000.0);
    let restarted = rates(NOW, 10.0, &after, &before);
    assert_eq!(restarted.net_rx_rate, 0.0);
    assert_eq!(restarted.cpu_percent, 0.0);
}
