//! Snapshot and restore of a ~1 GB PostgreSQL database, side by side with `pg_dump -Fc` and
//! `pg_restore` on the same database in the same run (target: each at most 0.5x their time).
//! Prints; asserts nothing but that the restored rows are all there. Needs Docker, the test
//! images and a keychain: run through `scripts/bench`.
//!
//! The app's times are what the user waits for: the server stopped, the volume copied, the
//! server started and answering again. pg_dump and pg_restore run inside the database's own
//! container (the same disk, no network between), pg_restore into a new empty database.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_snapshots::{SnapshotTrigger, Snapshots};
use sqlx::{Connection, PgConnection};

const ROWS: i64 = 7_000_000;

fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

/// Runs a command in the container with the datasource's password; panics with its stderr.
fn exec(container: &str, password: &str, args: &[&str]) -> Duration {
    let started = Instant::now();
    let output = Command::new("docker")
        .args(["exec", "-e", &format!("PGPASSWORD={password}"), container])
        .args(args)
        .output()
        .expect("docker exec");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed()
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    let value = sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect(sql);
    conn.close().await.expect("close");
    value
}

#[tokio::main]
async fn main() {
    let app = TestApp::start("snapshot bench").await;
    let datasource = app.ready(Engine::Postgres).await;
    let url = app.url(&datasource);
    let mut conn = PgConnection::connect(&url).await.expect("connect");
    let filled = Instant::now();
    sqlx::raw_sql(&format!(
        "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS a, md5((g + 1)::text) AS b, \
         timestamptz '2026-01-01' + g * interval '1 second' AS at FROM generate_series(1, {ROWS}) g; \
         ALTER TABLE big ADD PRIMARY KEY (id); CHECKPOINT;"
    ))
    .execute(&mut conn)
    .await
    .expect("fill");
    conn.close().await.expect("close");
    let size = scalar(&url, "SELECT pg_database_size(current_database())").await;
    println!(
        "database: {ROWS} rows, {:.2} GB on disk (filled in {:.0} s)",
        size as f64 / 1e9,
        secs(filled.elapsed())
    );

    let snapshots = Snapshots::new(app.store.clone(), Arc::clone(&app.datasources));
    let started = Instant::now();
    let taken = snapshots
        .take(datasource.id, SnapshotTrigger::Manual, "bench", 10)
        .await
        .expect("snapshot");
    let snapshot_time = started.elapsed();
    let started = Instant::now();
    snapshots
        .restore(taken.snapshot.id, 10)
        .await
        .expect("restore");
    let restore_time = started.elapsed();
    let after = app.datasources.get(datasource.id).await.expect("record");
    assert_eq!(
        scalar(&app.url(&after), "SELECT count(*) FROM big").await,
        ROWS
    );

    let container = after.container_id.clone().expect("container");
    let password = app.secrets.get(&after.keychain_account).expect("password");
    let password = password.expose();
    let user = after.username.as_str();
    let dump = exec(
        &container,
        password,
        &[
            "pg_dump",
            "-Fc",
            "-h",
            "127.0.0.1",
            "-U",
            user,
            "-d",
            &after.database_name,
            "-f",
            "/tmp/bench.dump",
        ],
    );
    exec(
        &container,
        password,
        &["createdb", "-h", "127.0.0.1", "-U", user, "restored"],
    );
    let restore = exec(
        &container,
        password,
        &[
            "pg_restore",
            "-h",
            "127.0.0.1",
            "-U",
            user,
            "-d",
            "restored",
            "/tmp/bench.dump",
        ],
    );
    let restored_url = app
        .url(&after)
        .replace(&format!("/{}", after.database_name), "/restored");
    assert_eq!(
        scalar(&restored_url, "SELECT count(*) FROM big").await,
        ROWS
    );

    println!(
        "snapshot (stop, copy {:.2} GB, start, ready): {:>6.1} s   pg_dump -Fc: {:>6.1} s   ratio {:.2}x",
        taken.snapshot.size_bytes.unwrap_or_default() as f64 / 1e9,
        secs(snapshot_time),
        secs(dump),
        secs(snapshot_time) / secs(dump)
    );
    println!(
        "restore (stop, copy, switch, new container, ready):  {:>6.1} s   pg_restore:  {:>6.1} s   ratio {:.2}x",
        secs(restore_time),
        secs(restore),
        secs(restore_time) / secs(restore)
    );
    println!(
        "both: {:.1} s vs {:.1} s, ratio {:.2}x (target <= 0.5x)",
        secs(snapshot_time + restore_time),
        secs(dump + restore),
        secs(snapshot_time + restore_time) / secs(dump + restore)
    );

    snapshots.delete_all(datasource.id).await.expect("delete");
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
