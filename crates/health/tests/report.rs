//! Health reports as CSV from a real store: uptime per check per day, and incidents with their
//! length, quoted so that a spreadsheet reads commas and quotes in a failing condition as text.

use quantum_health::history::{self, CheckResult};
use quantum_health::report::{csv, ReportKind};
use quantum_kernel::Store;

async fn project_store() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in(dir.path()).await.expect("store");
    let project = quantum_kernel::projects::create(
        &store,
        quantum_kernel::projects::ProjectInput {
            name: "shop".into(),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    (dir, store, project.id)
}

fn result(ok: bool) -> CheckResult {
    CheckResult {
        at: String::new(),
        ok,
        response_ms: Some(12),
        message: None,
    }
}

#[tokio::test]
async fn uptime_is_counted_per_check_and_day() {
    let (_dir, store, project) = project_store().await;
    for ok in [true, true, true, false] {
        history::record(&store, project, "api", &result(ok))
            .await
            .expect("recorded");
    }
    history::record(&store, project, "db", &result(true))
        .await
        .expect("recorded");
    let text = csv(&store, project, ReportKind::Uptime, 30)
        .await
        .expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "day,check,runs,up,uptime_percent");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].ends_with(",api,4,3,75.00"), "{text}");
    assert!(lines[2].ends_with(",db,1,1,100.00"), "{text}");
}

#[tokio::test]
async fn incidents_are_listed_newest_first_with_their_minutes_and_quoted_text() {
    let (_dir, store, project) = project_store().await;
    let first = history::open(
        &store,
        project,
        "api",
        "[STATUS] == 200 (was 503)",
        Some("down"),
    )
    .await
    .expect("opened");
    history::close(&store, first.id).await.expect("closed");
    history::open(
        &store,
        project,
        "search",
        "[BODY] == pat(*ok, \"fine\"*)",
        None,
    )
    .await
    .expect("opened");
    let text = csv(&store, project, ReportKind::Incidents, 30)
        .await
        .expect("csv");
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    // The open one first: no end yet, the condition read back whole.
    assert_eq!(rows[0][0], "search");
    assert_eq!(rows[0][2], "");
    assert_eq!(rows[0][4], "[BODY] == pat(*ok, \"fine\"*)");
    assert_eq!(rows[1][0], "api");
    assert!(!rows[1][2].is_empty(), "closed: {text}");
    assert_eq!(rows[1][3], "0", "closed at once: {text}");
    assert_eq!(rows[1][5], "down");
}
