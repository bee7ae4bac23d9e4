//! The SQL console's core on a real PostgreSQL server: a 1,000,000-row result read by page while
//! it lands on disk, a long `pg_sleep` cancelled on the server, a destructive statement held for
//! confirmation, a read-only connection refusing writes, and every run in the activity log.

use std::time::{Duration, Instant};

use std::path::Path;

use quantum_console::{AuditSubject, Console, ResultFormat, RunOptions, RunStatus};
use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_kernel::audit::{self, AuditAction, AuditPageRequest, ResourceType};
use quantum_kernel::Coded;
use quantum_schema::Target;

async fn database(app: &TestApp, engine: Engine) -> (Target, AuditSubject) {
    let datasource = app.ready(engine).await;
    let target = Target::for_engine(engine, app.server(&datasource)).expect("a SQL engine");
    let subject = AuditSubject {
        resource_type: ResourceType::Datasource,
        resource_id: datasource.id,
        name: datasource.name.clone(),
        project_id: Some(app.project_id),
    };
    (target, subject)
}

fn options() -> RunOptions {
    RunOptions {
        read_only: false,
        confirmed: false,
        timeout: Duration::from_secs(120),
        first_page: 500,
        first_wait: Duration::from_secs(30),
    }
}

/// Waits on the run's own progress signal (it ticks when the run ends) until it is done.
async fn finished(console: &Console, id: i64) -> RunStatus {
    let mut progress = console.subscribe(id).expect("run");
    let done = async {
        loop {
            let status = console.status(id).expect("status");
            if status.done {
                return status;
            }
            progress
                .changed()
                .await
                .expect("the run ticks until it ends");
        }
    };
    tokio::time::timeout(Duration::from_secs(120), done)
        .await
        .unwrap_or_else(|_| panic!("the run did not finish: {:?}", console.status(id)))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_pages_a_million_rows_cancels_confirms_and_audits() {
    let app = TestApp::start("console").await;
    let (target, subject) = database(&app, Engine::Postgres).await;
    let console = Console::new(app.store.clone());

    // The first page is back before the whole result is in; every row is there in the end.
    let started = Instant::now();
    let first = console
        .start(
            target.clone(),
            "SELECT g, 'row ' || g AS label, NULL::text AS nothing FROM generate_series(1, 1000000) g".into(),
            options(),
            subject.clone(),
        )
        .await
        .expect("started");
    let to_first_page = started.elapsed();
    assert!(first.rows >= 500, "{first:?}");
    let names: Vec<_> = first.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["g", "label", "nothing"]);
    let page = console.page(first.id, 0, 3).expect("page");
    assert_eq!(page[0], vec![Some("1".into()), Some("row 1".into()), None]);
    let done = finished(&console, first.id).await;
    assert_eq!((done.rows, done.error), (1_000_000, None));
    let last = console.page(first.id, 999_998, 10).expect("last page");
    assert_eq!(last.len(), 2);
    assert_eq!(last[1][0].as_deref(), Some("1000000"));
    println!(
        "first page after {} ms; 1,000,000 rows in {} ms",
        to_first_page.as_millis(),
        done.elapsed_ms
    );

    // The whole result goes to a file, streamed, with progress on the way.
    let dir = tempfile::tempdir().expect("dir");
    let csv = dir.path().join("million.csv");
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&reports);
    let exported = console
        .export(first.id, csv.clone(), ResultFormat::Csv, move |p| {
            seen.lock().expect("lock").push(p.rows)
        })
        .await
        .expect("export");
    assert_eq!((exported.rows, exported.done), (1_000_000, true));
    let reports = reports.lock().expect("lock").clone();
    assert!(
        reports.len() > 10 && reports.windows(2).all(|w| w[0] <= w[1]),
        "progress rises as rows go out: {} reports",
        reports.len()
    );
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("g,label,nothing"));
    assert_eq!(lines.next(), Some("1,row 1,"));
    assert_eq!(lines.count(), 999_999);
    console.close(first.id);

    same_csv_as_psql(&console, &target, &subject, dir.path()).await;
    export_follows_a_run_still_going(&console, &target, &subject, dir.path()).await;

    // A long statement is cancelled on the server, not only forgotten by the app.
    let sleeping = console
        .start(
            target.clone(),
            "SELECT pg_sleep(60)".into(),
            RunOptions {
                first_page: 0,
                ..options()
            },
            subject.clone(),
        )
        .await
        .expect("started");
    let asked = Instant::now();
    let cancelled = console.cancel(sleeping.id).await.expect("cancel");
    assert!(cancelled.done && cancelled.cancelled, "{cancelled:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "cancelled in {:?}",
        asked.elapsed()
    );

    // A destructive statement waits for confirmation; nothing runs until then.
    let create = console
        .start(
            target.clone(),
            "CREATE TABLE doomed (id int)".into(),
            options(),
            subject.clone(),
        )
        .await
        .expect("create");
    finished(&console, create.id).await;
    let refused = console
        .start(
            target.clone(),
            "DROP TABLE doomed".into(),
            options(),
            subject.clone(),
        )
        .await
        .expect_err("needs confirmation");
    assert_eq!(refused.code(), "console.confirm_destructive");
    assert!(refused.to_string().contains("TABLE doomed"), "{refused}");
    let still_there = console
        .start(
            target.clone(),
            "SELECT count(*) FROM doomed".into(),
            options(),
            subject.clone(),
        )
        .await
        .expect("table still there");
    assert_eq!(finished(&console, still_there.id).await.error, None);
    let dropped = console
        .start(
            target.clone(),
            "DROP TABLE doomed".into(),
            RunOptions {
                confirmed: true,
                ..options()
            },
            subject.clone(),
        )
        .await
        .expect("confirmed");
    assert_eq!(finished(&console, dropped.id).await.error, None);

    // Read-only refuses writes before anything runs.
    let read_only = console
        .start(
            target.clone(),
            "INSERT INTO nowhere VALUES (1)".into(),
            RunOptions {
                read_only: true,
                ..options()
            },
            subject.clone(),
        )
        .await
        .expect_err("read-only");
    assert_eq!(read_only.code(), "console.read_only");

    // A failing statement says the server's message (run twice: the history shows it once).
    for _ in 0..2 {
        let failing = console
            .start(
                target.clone(),
                "SELECT * FROM no_such_table".into(),
                options(),
                subject.clone(),
            )
            .await
            .expect("started");
        let failed = finished(&console, failing.id).await;
        assert!(
            failed
                .error
                .as_deref()
                .is_some_and(|e| e.contains("no_such_table")),
            "{failed:?}"
        );
    }

    let entries = audit::page(
        &app.store,
        &AuditPageRequest {
            filter: Default::default(),
            before_id: None,
            limit: 50,
        },
    )
    .await
    .expect("audit");
    let runs: Vec<_> = entries
        .entries
        .iter()
        .filter(|e| e.action == AuditAction::QueryRun)
        .collect();
    assert_eq!(
        runs.len(),
        10,
        "every run that started is in the log, refused ones are not"
    );
    assert!(runs.iter().any(|e| e.details["sql"] == "DROP TABLE doomed"));

    // The history is those scripts, newest first, a repeated one once.
    let history = quantum_console::history(&app.store, &subject, 100)
        .await
        .expect("history");
    assert_eq!(history[0].sql, "SELECT * FROM no_such_table");
    let drops = history
        .iter()
        .filter(|h| h.sql == "DROP TABLE doomed")
        .count();
    assert_eq!(drops, 1, "{history:?}");
    assert_eq!(history.len(), runs.len() - 1);
}

/// Values that trip CSV writers (NULL beside the empty string, quotes, commas, line breaks, JSON,
/// bytes, time zones) come out exactly as psql's `\copy … csv header` writes them; the JSON export
/// keeps their types.
/// Export clicked while rows still come: the file is written as they are spooled and complete
/// once the run ends; a run cancelled meanwhile leaves no file.
async fn export_follows_a_run_still_going(
    console: &std::sync::Arc<Console>,
    target: &Target,
    subject: &AuditSubject,
    dir: &Path,
) {
    // One row half-way sleeps a second: the run is still going while the export starts.
    let slow = console
        .start(
            target.clone(),
            "SELECT g, CASE WHEN g = 100000 THEN pg_sleep(1)::text END AS pause \
             FROM generate_series(1, 200000) g"
                .into(),
            options(),
            subject.clone(),
        )
        .await
        .expect("started");
    assert!(!slow.done, "{slow:?}");
    let followed = dir.join("followed.csv");
    let totals = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&totals);
    let report = console
        .export(slow.id, followed.clone(), ResultFormat::Csv, move |p| {
            seen.lock().expect("lock").push(p.total)
        })
        .await
        .expect("followed export");
    assert_eq!((report.rows, report.total), (200_000, 200_000));
    let totals = totals.lock().expect("lock").clone();
    assert!(
        totals.first().is_some_and(|total| *total < 200_000),
        "rows went out before the run ended: {totals:?}"
    );
    let text = std::fs::read_to_string(&followed).expect("csv");
    assert_eq!(text.lines().count(), 200_001);
    assert!(text.ends_with("200000,\n"), "the last row is in");
    console.close(slow.id);

    let stuck = console
        .start(
            target.clone(),
            "SELECT g, CASE WHEN g = 50000 THEN pg_sleep(60)::text END AS pause \
             FROM generate_series(1, 100000) g"
                .into(),
            options(),
            subject.clone(),
        )
        .await
        .expect("started");
    // Stuck at its sleeping row: tens of thousands of rows in, the rest to come.
    let mut ticks = console.subscribe(stuck.id).expect("run");
    tokio::time::timeout(Duration::from_secs(30), async {
        while console.status(stuck.id).expect("status").rows < 40_000 {
            ticks.changed().await.expect("tick");
        }
    })
    .await
    .expect("the first rows arrive");
    let never = dir.join("never.csv");
    let (started, mut following) = tokio::sync::watch::channel(0);
    let exporting = tokio::spawn({
        let (console, never) = (std::sync::Arc::clone(console), never.clone());
        async move {
            console
                .export(stuck.id, never, ResultFormat::Csv, move |p| {
                    started.send_replace(p.rows);
                })
                .await
        }
    });
    tokio::time::timeout(
        Duration::from_secs(30),
        following.wait_for(|rows| *rows > 0),
    )
    .await
    .expect("the export writes the rows already in")
    .expect("progress");
    console.cancel(stuck.id).await.expect("cancel");
    let error = tokio::time::timeout(Duration::from_secs(30), exporting)
        .await
        .expect("the export ends with the run")
        .expect("task")
        .expect_err("a cancelled run exports nothing");
    assert!(error.to_string().contains("nothing was written"), "{error}");
    assert!(!never.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
    console.close(stuck.id);
}

async fn same_csv_as_psql(
    console: &std::sync::Arc<Console>,
    target: &Target,
    subject: &AuditSubject,
    dir: &Path,
) {
    let query = "SELECT n, txt, flag, doc, at, bytes, amount FROM (VALUES \
        (1, NULL::text, true, '{\"a\": [1, null]}'::jsonb, timestamptz '2026-11-28 10:00:00+02', '\\x00ff'::bytea, 12345678901234567890.50::numeric), \
        (2, '', false, NULL, NULL, NULL, NULL), \
        (3, 'comma, \"quote\" and\nnew line', NULL, '[]', timestamptz '1999-12-31 23:59:59.5+00', '\\x', 0.1), \
        (4, '\\.', true, 'null', NULL, NULL, -1)) AS t(n, txt, flag, doc, at, bytes, amount) ORDER BY n";
    let run = console
        .start(target.clone(), query.into(), options(), subject.clone())
        .await
        .expect("started");
    assert_eq!(finished(console, run.id).await.error, None);
    let ours = dir.join("ours.csv");
    console
        .export(run.id, ours.clone(), ResultFormat::Csv, |_| {})
        .await
        .expect("csv");
    let Target::Postgres(server) = target else {
        panic!("a PostgreSQL target")
    };
    let theirs = dir.join("theirs.csv");
    let copy = format!(
        "\\copy ({query}) to '{}' with (format csv, header)",
        theirs.display()
    );
    let output = std::process::Command::new("psql")
        .args(["-X", "-v", "ON_ERROR_STOP=1", "-h", &server.host, "-p"])
        .arg(server.port.to_string())
        .args(["-U", &server.username, "-d", &server.database, "-c", &copy])
        .env("PGPASSWORD", server.password.expose())
        .env("PGTZ", "UTC")
        .output()
        .expect("psql (postgresql-client) runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&ours).expect("ours"),
        std::fs::read_to_string(&theirs).expect("theirs")
    );

    let json = dir.join("ours.json");
    console
        .export(run.id, json.clone(), ResultFormat::Json, |_| {})
        .await
        .expect("json");
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("valid JSON");
    assert_eq!(rows[0]["n"], 1);
    assert_eq!(rows[0]["txt"], serde_json::Value::Null);
    assert_eq!(rows[1]["txt"], "");
    assert_eq!(rows[0]["flag"], true);
    assert_eq!(rows[0]["doc"], serde_json::json!({"a": [1, null]}));
    assert_eq!(rows[0]["bytes"], "\\x00ff");
    assert_eq!(rows[0]["amount"], "12345678901234567890.50");
    console.close(run.id);
}

/// MariaDB: a long `SLEEP` is stopped on the server with `KILL QUERY`, and rows come back typed by
/// the server's own names.
#[tokio::test(flavor = "multi_thread")]
async fn the_console_cancels_on_mariadb_with_kill_query() {
    let app = TestApp::start("console maria").await;
    let (target, subject) = database(&app, Engine::Mariadb).await;
    let console = Console::new(app.store.clone());
    let rows = console
        .start(
            target.clone(),
            "SELECT 1 AS one, NULL AS nothing, 'x' AS letter, X'00FF' AS bytes".into(),
            options(),
            subject.clone(),
        )
        .await
        .expect("started");
    let done = finished(&console, rows.id).await;
    assert_eq!(done.error, None);
    assert_eq!(
        console.page(rows.id, 0, 1).expect("page"),
        vec![vec![
            Some("1".into()),
            None,
            Some("x".into()),
            // Bytes that are not UTF-8 come back as hex.
            Some("\\x00ff".into())
        ]]
    );
    let sleeping = console
        .start(
            target,
            "SELECT SLEEP(60)".into(),
            RunOptions {
                first_page: 1,
                first_wait: Duration::from_millis(500),
                ..options()
            },
            subject,
        )
        .await
        .expect("started");
    let asked = Instant::now();
    let cancelled = console.cancel(sleeping.id).await.expect("cancel");
    assert!(cancelled.done && cancelled.cancelled, "{cancelled:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "cancelled in {:?}",
        asked.elapsed()
    );
}
