//! The one logs page's parts that need neither Docker nor the app's other domains: a line's
//! level ([`level`]), the sources' histories merged by time ([`merge`]), the app's own log files
//! read and followed ([`app_log`]), and the filtered export ([`export`]). The core composes them
//! with the project's containers and test runs.

pub mod app_log;
mod error;
pub mod export;
pub mod level;

use serde::{Deserialize, Serialize};
use specta::Type;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use error::{Error, Result};
pub use export::LogFilter;
pub use level::{level_of, strip_ansi, LogLineLevel};

/// Where a project's lines come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LogSourceKind {
    /// A datasource's container.
    Datasource,
    /// The project's test runs: their output while they run, their outcome after.
    TestRuns,
    /// The app's own log, the lines about this project and the app's warnings.
    App,
    /// The release serving one of the project's deploy environments.
    Release,
}

/// A source of a project's log, numbered for the lines that name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LogSource {
    pub id: u16,
    pub kind: LogSourceKind,
    pub name: String,
}

/// One line of a project's log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// When it was written, in milliseconds since the Unix epoch.
    pub at_ms: f64,
    /// The [`LogSource`]'s id.
    pub source: u16,
    pub level: Option<LogLineLevel>,
    /// As written, ANSI colours included.
    pub text: String,
}

impl LogEntry {
    pub fn new(at_ms: f64, source: u16, text: String) -> Self {
        Self {
            at_ms,
            source,
            level: level_of(&text),
            text,
        }
    }
}

/// The sources' histories as one, oldest first (lines of one instant keep their source's
/// order), cut to the newest `cap` lines.
pub fn merge(histories: Vec<Vec<LogEntry>>, cap: usize) -> Vec<LogEntry> {
    let mut all: Vec<LogEntry> = histories.into_iter().flatten().collect();
    all.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    let extra = all.len().saturating_sub(cap);
    all.drain(..extra);
    all
}

/// Milliseconds since the Unix epoch of an RFC 3339 time (`2026-11-30T03:53:23.107778Z`).
pub fn parse_time_ms(text: &str) -> Option<f64> {
    let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    Some(at.unix_timestamp_nanos() as f64 / 1_000_000.0)
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    OffsetDateTime::now_utc().unix_timestamp_nanos() as f64 / 1_000_000.0
}

/// Splits Docker's `timestamps` prefix (`2026-11-30T03:53:23.107778123Z text`) off a line.
pub fn split_timestamp(line: &str) -> Option<(f64, &str)> {
    let (stamp, text) = line.split_once(' ').unwrap_or((line, ""));
    Some((parse_time_ms(stamp)?, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_merge_by_time_and_keep_the_newest() {
        let a = vec![
            LogEntry::new(1.0, 0, "a1".into()),
            LogEntry::new(4.0, 0, "a4".into()),
        ];
        let b = vec![
            LogEntry::new(2.0, 1, "b2".into()),
            LogEntry::new(4.0, 1, "b4".into()),
            LogEntry::new(5.0, 1, "b5".into()),
        ];
        let merged = merge(vec![a, b], 4);
        let texts: Vec<&str> = merged.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["b2", "a4", "b4", "b5"]);
    }

    #[test]
    fn docker_timestamps_are_read_to_the_millisecond() {
        let (at, text) =
            split_timestamp("2026-11-30T03:53:23.107778123Z LOG:  ready").expect("stamp");
        assert_eq!(text, "LOG:  ready");
        assert_eq!(at.floor(), 1_796_010_803_107.0);
        assert!(split_timestamp("no stamp here").is_none());
    }
}
