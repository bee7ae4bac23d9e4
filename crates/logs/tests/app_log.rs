//! The app's own log on the page: lines from a point in time (continuations with their line),
//! only those the page keeps, then what the app appends, also in the next day's file.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use quantum_logs::app_log::{self, Keep};
use quantum_logs::LogLineLevel;

fn append(path: &std::path::Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open");
    file.write_all(text.as_bytes()).expect("write");
}

async fn next(
    received: &mut tokio::sync::mpsc::UnboundedReceiver<quantum_logs::LogEntry>,
) -> String {
    tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("a line within 10 s")
        .expect("open")
        .text
}

#[tokio::test]
async fn the_app_log_is_read_from_a_time_then_followed_into_the_next_file() {
    let dir = tempfile::tempdir().expect("dir");
    let old = dir.path().join("quantum-admin.2026-11-28.log");
    let today = dir.path().join("quantum-admin.2026-11-29.log");
    append(
        &old,
        "2026-11-28T10:00:00Z  INFO quantum: project_id=1 too old\n",
    );
    append(
        &today,
        "2026-11-29T09:00:00Z  INFO quantum: project_id=1 before the range\n\
         2026-11-29T10:00:00Z  WARN quantum: project_id=1 slow start\n\
         second line of that warning\n\
         2026-11-29T10:00:01Z  INFO quantum: project_id=2 another project's\n\
         continued, not kept either\n\
         2026-11-29T10:00:02Z ERROR quantum: project_id=1 failed\n",
    );
    let keep: Keep = Arc::new(|line: &str| line.contains("project_id=1 "));
    let since = quantum_logs::parse_time_ms("2026-11-29T09:30:00Z");
    let (entries, position) = app_log::read_since(dir.path(), since, 7, &keep).expect("read");
    let texts: Vec<&str> = entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "2026-11-29T10:00:00Z  WARN quantum: project_id=1 slow start",
            "second line of that warning",
            "2026-11-29T10:00:02Z ERROR quantum: project_id=1 failed",
        ]
    );
    assert_eq!(
        entries[1].at_ms, entries[0].at_ms,
        "a continuation takes its line's time"
    );
    assert_eq!(entries[0].level, Some(LogLineLevel::Warning));
    assert_eq!(entries[2].level, Some(LogLineLevel::Error));
    assert!(entries.iter().all(|e| e.source == 7));

    // Written after the reading, before the following: caught up when the following starts.
    append(
        &today,
        "2026-11-29T10:00:02Z  INFO quantum: project_id=1 in between\n",
    );
    let (send, mut received) = tokio::sync::mpsc::unbounded_channel();
    let _follower = app_log::follow(dir.path(), position, 7, keep, send).expect("following");
    assert_eq!(
        next(&mut received).await,
        "2026-11-29T10:00:02Z  INFO quantum: project_id=1 in between"
    );
    append(
        &today,
        "2026-11-29T10:00:03Z  INFO quantum: project_id=2 not ours\n",
    );
    append(
        &today,
        "2026-11-29T10:00:04Z  INFO quantum: project_id=1 appended\n",
    );
    assert_eq!(
        next(&mut received).await,
        "2026-11-29T10:00:04Z  INFO quantum: project_id=1 appended"
    );
    // As the app's appender writes: through a file it keeps open.
    let mut open = std::fs::OpenOptions::new()
        .append(true)
        .open(&today)
        .expect("open");
    open.write_all(b"2026-11-29T10:00:05Z  INFO quantum: project_id=1 kept open\n")
        .expect("write");
    assert_eq!(
        next(&mut received).await,
        "2026-11-29T10:00:05Z  INFO quantum: project_id=1 kept open"
    );
    append(
        &dir.path().join("quantum-admin.2026-11-30.log"),
        "2026-11-30T00:00:01Z  INFO quantum: project_id=1 a new day\n",
    );
    assert_eq!(
        next(&mut received).await,
        "2026-11-30T00:00:01Z  INFO quantum: project_id=1 a new day"
    );
}
