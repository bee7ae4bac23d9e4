//! What the page shows, as a filter the core applies too, and the export: the lines that pass,
//! one per line (`time  source  level  text`, colours stripped), into a file written beside the
//! target under a random name and renamed over it when complete.

use std::io::{BufWriter, Write};
use std::path::Path;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use specta::Type;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::{strip_ansi, Error, LogEntry, LogLineLevel, LogSource, Result};

/// Which lines: of these sources (all when empty), at least this level (every line, those
/// without a level too, when `None`), matching this regular expression (case-insensitive), in
/// this time range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LogFilter {
    pub sources: Vec<u16>,
    pub min_level: Option<LogLineLevel>,
    pub pattern: Option<String>,
    pub since_ms: Option<f64>,
    pub until_ms: Option<f64>,
}

/// A [`LogFilter`] ready to test lines.
pub struct Matcher {
    filter: LogFilter,
    pattern: Option<Regex>,
}

impl LogFilter {
    pub fn matcher(&self) -> Result<Matcher> {
        let pattern = match self.pattern.as_deref().filter(|p| !p.is_empty()) {
            Some(pattern) => Some(
                RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .map_err(|error| Error::InvalidPattern {
                        pattern: pattern.to_owned(),
                        reason: error.to_string(),
                    })?,
            ),
            None => None,
        };
        Ok(Matcher {
            filter: self.clone(),
            pattern,
        })
    }
}

impl Matcher {
    pub fn matches(&self, entry: &LogEntry) -> bool {
        let filter = &self.filter;
        (filter.sources.is_empty() || filter.sources.contains(&entry.source))
            && filter
                .min_level
                .is_none_or(|min| entry.level.is_some_and(|level| level >= min))
            && filter.since_ms.is_none_or(|since| entry.at_ms >= since)
            && filter.until_ms.is_none_or(|until| entry.at_ms <= until)
            && self
                .pattern
                .as_ref()
                .is_none_or(|pattern| pattern.is_match(&strip_ansi(&entry.text)))
    }
}

/// Writes the entries that pass `matcher` to `path`; how many. Blocking: use it off the async
/// threads.
pub fn write(
    path: &Path,
    sources: &[LogSource],
    entries: &[LogEntry],
    matcher: &Matcher,
) -> Result<usize> {
    let failed = |source: std::io::Error| Error::Write {
        path: path.display().to_string(),
        source,
    };
    let temporary = quantum_kernel::files::temporary_beside(path).map_err(failed)?;
    let mut out = BufWriter::with_capacity(256 * 1024, temporary.as_file());
    let name = |id: u16| {
        sources
            .iter()
            .find(|s| s.id == id)
            .map_or("?", |s| s.name.as_str())
    };
    let mut written = 0;
    for entry in entries.iter().filter(|e| matcher.matches(e)) {
        let level = match entry.level {
            Some(LogLineLevel::Debug) => "DEBUG",
            Some(LogLineLevel::Info) => "INFO",
            Some(LogLineLevel::Warning) => "WARN",
            Some(LogLineLevel::Error) => "ERROR",
            None => "-",
        };
        writeln!(
            out,
            "{}  {}  {level}  {}",
            format_time(entry.at_ms),
            name(entry.source),
            strip_ansi(&entry.text)
        )
        .map_err(failed)?;
        written += 1;
    }
    out.flush().map_err(failed)?;
    drop(out);
    temporary.as_file().sync_all().map_err(failed)?;
    temporary.persist(path).map_err(|e| failed(e.error))?;
    Ok(written)
}

/// RFC 3339 in UTC, to the millisecond.
fn format_time(at_ms: f64) -> String {
    let nanos = (at_ms * 1_000_000.0) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos - nanos % 1_000_000)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_else(|| at_ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LogSourceKind;

    fn sources() -> Vec<LogSource> {
        vec![
            LogSource {
                id: 0,
                kind: LogSourceKind::Datasource,
                name: "db".into(),
            },
            LogSource {
                id: 1,
                kind: LogSourceKind::App,
                name: "Quantum Admin".into(),
            },
        ]
    }

    fn entries() -> Vec<LogEntry> {
        vec![
            LogEntry::new(1_000.0, 0, "LOG:  ready".into()),
            LogEntry::new(
                2_000.0,
                0,
                "ERROR:  relation \"users\" does not exist".into(),
            ),
            LogEntry::new(3_000.0, 1, "\x1b[33mWARN\x1b[0m slow check on users".into()),
            LogEntry::new(4_000.0, 0, "DETAIL:  no level here".into()),
        ]
    }

    #[test]
    fn the_export_holds_the_filtered_lines_with_time_source_and_level() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("project.log");
        let filter = LogFilter {
            min_level: Some(LogLineLevel::Warning),
            pattern: Some("USERS".into()),
            ..LogFilter::default()
        };
        let written = write(
            &path,
            &sources(),
            &entries(),
            &filter.matcher().expect("valid"),
        )
        .expect("written");
        assert_eq!(written, 2);
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "1970-01-01T00:00:02Z  db  ERROR  ERROR:  relation \"users\" does not exist\n\
             1970-01-01T00:00:03Z  Quantum Admin  WARN  WARN slow check on users\n"
        );
        // Nothing but the file is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn sources_and_time_narrow_and_a_bad_pattern_says_why() {
        let filter = LogFilter {
            sources: vec![0],
            since_ms: Some(1_500.0),
            ..LogFilter::default()
        };
        let matcher = filter.matcher().expect("valid");
        let kept: Vec<f64> = entries()
            .iter()
            .filter(|e| matcher.matches(e))
            .map(|e| e.at_ms)
            .collect();
        assert_eq!(kept, [2_000.0, 4_000.0]);

        let error = LogFilter {
            pattern: Some("(unclosed".into()),
            ..LogFilter::default()
        }
        .matcher()
        .err()
        .expect("refused");
        assert_eq!(quantum_kernel::Coded::field(&error), Some("pattern"));
    }
}
