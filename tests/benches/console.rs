//! SQL console figures on a real PostgreSQL server. Prints; asserts nothing. Needs Docker, the
//! test images and a keychain: run through `scripts/bench`.
//! - first page of a 1,000,000-row `SELECT`, and the whole result spooled;
//! - the whole result exported to CSV, side by side with `psql -c "\copy (…) to … csv header"` on
//!   the same table in the same run (throughput ratio; target >= 0.8x): twice, with Export
//!   clicked once the query has ended, and with Export clicked at the first page (the export
//!   follows the run, writing rows as they are spooled).

use std::process::Command;
use std::time::{Duration, Instant};

use quantum_console::{AuditSubject, Console, ResultFormat, RunOptions};
use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_kernel::audit::ResourceType;
use quantum_schema::Target;
use sqlx::Connection;

const ROWS: i64 = 1_000_000;
const RUNS: usize = 5;
const QUERY: &str = "SELECT * FROM big";

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() {
    let app = TestApp::start("console bench").await;
    let datasource = app.ready(Engine::Postgres).await;
    let server = app.server(&datasource);
    let url = app.url(&datasource);
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    sqlx::raw_sql(&format!(
        "CREATE TABLE big AS SELECT g AS id, 'row ' || g AS label, g * 0.5 AS amount, \
         timestamptz '2026-01-01' + g * interval '1 second' AS at, (g % 7 = 0) AS flag \
         FROM generate_series(1, {ROWS}) g"
    ))
    .execute(&mut conn)
    .await
    .expect("table");
    conn.close().await.expect("close");

    let console = Console::new(app.store.clone());
    let subject = AuditSubject {
        resource_type: ResourceType::Datasource,
        resource_id: datasource.id,
        name: datasource.name.clone(),
        project_id: Some(app.project_id),
    };
    let options = RunOptions {
        read_only: true,
        confirmed: false,
        timeout: Duration::from_secs(600),
        first_page: 500,
        first_wait: Duration::from_secs(60),
    };
    let dir = tempfile::tempdir().expect("dir");
    let (mut first_pages, mut spooled, mut exports, mut after_end, mut following, mut theirs) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let mut bytes = 0;
    let start = || {
        console.start(
            Target::Postgres(server.clone()),
            QUERY.into(),
            options,
            subject.clone(),
        )
    };
    for run in 0..RUNS {
        // Export clicked once the query has ended.
        let started = Instant::now();
        let status = start().await.expect("run");
        first_pages.push(started.elapsed());
        let mut progress = console.subscribe(status.id).expect("run");
        while !console.status(status.id).expect("status").done {
            progress.changed().await.expect("tick");
        }
        spooled.push(started.elapsed());
        let path = dir.path().join(format!("ours-{run}.csv"));
        let exporting = Instant::now();
        let report = console
            .export(status.id, path, ResultFormat::Csv, |_| {})
            .await
            .expect("export");
        exports.push(exporting.elapsed());
        after_end.push(started.elapsed());
        assert_eq!(report.rows, ROWS);
        bytes = report.bytes;
        console.close(status.id);

        // Export clicked at the first page: it follows the run.
        let started = Instant::now();
        let status = start().await.expect("run");
        let path = dir.path().join(format!("followed-{run}.csv"));
        let report = console
            .export(status.id, path, ResultFormat::Csv, |_| {})
            .await
            .expect("export");
        following.push(started.elapsed());
        assert_eq!((report.rows, report.bytes), (ROWS, bytes));
        console.close(status.id);

        let file = dir.path().join(format!("theirs-{run}.csv"));
        let copy = format!(
            "\\copy ({QUERY}) to '{}' with (format csv, header)",
            file.display()
        );
        let started = Instant::now();
        let output = Command::new("psql")
            .args(["-X", "-v", "ON_ERROR_STOP=1", &url, "-c", &copy])
            .output()
            .expect("psql (postgresql-client) runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        theirs.push(started.elapsed());
    }
    let (first_page, spooled, export, after_end, following, theirs) = (
        median(first_pages),
        median(spooled),
        median(exports),
        median(after_end),
        median(following),
        median(theirs),
    );
    let mib = bytes as f64 / 1_048_576.0;
    println!("== SQL console on {ROWS} rows, 5 columns (median of {RUNS})");
    println!(
        "   first page shown (500 rows)         {:>8.1} ms   (target <= 200 ms)",
        ms(first_page)
    );
    println!(
        "   whole result in                     {:>8.1} ms",
        ms(spooled)
    );
    println!(
        "   CSV export of it                    {:>8.1} ms   {:>6.1} MiB",
        ms(export),
        mib
    );
    println!(
        "   psql \\copy (query) to file csv     {:>8.1} ms   {:>6.1} MiB/s",
        ms(theirs),
        mib / theirs.as_secs_f64()
    );
    for (label, total) in [
        ("query, then export at its end", after_end),
        ("query + export from the first page", following),
    ] {
        println!(
            "   {label:<35} {:>8.1} ms   {:>6.1} MiB/s   {:.2}x psql's (target >= 0.8x)",
            ms(total),
            mib / total.as_secs_f64(),
            theirs.as_secs_f64() / total.as_secs_f64()
        );
    }
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
