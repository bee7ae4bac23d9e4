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

/// The text a PDF shows, as poppler's `pdftotext -layout` reads it.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).expect("written");
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[tokio::test]
async fn the_pdf_report_holds_uptime_per_check_the_incidents_and_every_day_over_its_pages() {
    let (_dir, store, project) = project_store().await;
    for ok in [true, true, true, false] {
        history::record(&store, project, "api", &result(ok))
            .await
            .expect("recorded");
    }
    history::open(
        &store,
        project,
        "api",
        "[STATUS] == 200 — “503”",
        Some("503 Service Unavailable"),
    )
    .await
    .expect("opened");
    let bytes = quantum_health::report_pdf::pdf_report(&store, project, 30)
        .await
        .expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    assert!(text.contains("Health report: shop"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["api", "4", "3", "75.00", "%"]),
        "{text}"
    );
    assert!(text.contains("still open"), "{text}");
    assert!(text.contains("[STATUS] == 200 — “503”"), "{text}");
    assert!(text.contains("Page 1 of 1"), "{text}");

    // A long period runs over several pages, each table's header again on each.
    let days: Vec<quantum_health::report::UptimeRow> = (0..120)
        .map(|i| quantum_health::report::UptimeRow {
            day: format!("2026-{:02}-{:02}", 1 + i / 28, 1 + i % 28),
            check: "api".into(),
            runs: 10,
            up: 9,
        })
        .collect();
    let long = pdf_text(&quantum_health::report_pdf::render(
        "shop",
        120,
        "now",
        &days,
        &[],
    ));
    assert!(long.contains("Page 3 of 3"), "{long}");
    assert_eq!(long.matches("Day ").count(), 3, "{long}");
}
