//! SQLite → PostgreSQL copy of a 1,000,000-row database, rows per second side by side with
//! `pgloader` (the Debian package) on the same file into the same server in the same run
//! (target: at least 1.0x its rate, with the app's verification included: every table read back
//! and checksummed). Prints; asserts nothing but the row counts. Needs Docker, the test images, a
//! keychain and pgloader: run through `scripts/bench`.

use std::process::Command;
use std::time::Instant;

use quantum_datasources::Engine;
use quantum_integration_tests::{sqlite_file, TestApp};
use quantum_schema::Target;
use sqlx::{Connection, PgConnection};

const ROWS: i64 = 1_000_000;

#[tokio::main]
async fn main() {
    let app = TestApp::start("copy bench").await;
    let datasource = app.ready(Engine::Postgres).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("events.db");
    sqlite_file(
        &file,
        &format!(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, active BOOLEAN NOT NULL DEFAULT 1);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
         INSERT INTO users SELECT i, 'user' || i || '@example.com', i % 2 FROM n;
         CREATE TABLE events (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
             kind TEXT NOT NULL, amount REAL, created_at DATETIME NOT NULL, payload TEXT);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS})
         INSERT INTO events SELECT i, 1 + i % 1000, 'kind' || (i % 7), i * 0.25,
             datetime(1700000000 + i, 'unixepoch'), 'payload of event ' || i FROM n;
         CREATE INDEX events_user ON events (user_id);"
    ),
    )
    .await;

    let target = Target::Postgres(app.server(&datasource));
    let started = Instant::now();
    let mut phases: Vec<(quantum_copy::CopyPhase, f64)> = Vec::new();
    let report = quantum_copy::copy(&Target::Sqlite(file.clone()), &target, |p| {
        if phases.last().map(|(phase, _)| *phase) != Some(p.phase) {
            phases.push((p.phase, started.elapsed().as_secs_f64()));
        }
    })
    .await
    .expect("copy");
    let ours = started.elapsed().as_secs_f64();
    let spans: Vec<String> = phases
        .iter()
        .zip(phases.iter().skip(1).map(|(_, at)| *at).chain([ours]))
        .map(|((phase, from), to)| format!("{phase:?} {:.1} s", to - from))
        .collect();
    let copied: i64 = report.tables.iter().map(|t| t.rows_copied).sum();
    assert_eq!(copied, ROWS + 1000);
    assert!(report.tables.iter().all(|t| t.verified));

    let url = app.url(&datasource);
    let mut pg = PgConnection::connect(&url).await.expect("pg");
    sqlx::raw_sql("CREATE DATABASE pgloaded")
        .execute(&mut pg)
        .await
        .expect("database");
    let pgloaded_url = url.replace(&format!("/{}", datasource.database_name), "/pgloaded");
    let started = Instant::now();
    let output = Command::new("pgloader")
        .args([
            "--quiet",
            &format!("sqlite://{}", file.display()),
            &pgloaded_url,
        ])
        .output()
        .expect("pgloader runs (scripts/bench installs it)");
    let theirs = started.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "pgloader: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut loaded = PgConnection::connect(&pgloaded_url)
        .await
        .expect("pgloaded");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&mut loaded)
        .await
        .expect("count");
    assert_eq!(count, ROWS);
    loaded.close().await.expect("close");
    pg.close().await.expect("close");

    let rows = (ROWS + 1000) as f64;
    println!(
        "app (tables, COPY, keys and indexes, read back and checksummed): {ours:.1} s, {:.0} rows/s",
        rows / ours
    );
    println!("pgloader 3.6 (tables, COPY, keys and indexes):                   {theirs:.1} s, {:.0} rows/s", rows / theirs);
    println!(
        "ratio {:.2}x of pgloader's rate (target >= 1.0x)",
        theirs / ours
    );
    println!("the app's phases: {}", spans.join(", "));
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
