//! Reading per-test results from what runners write: lines of their structured output while they
//! run (libtest, nextest's libtest JSON, `go test -json`), or a report file once they end (JUnit
//! XML, Jest/Vitest JSON).

mod gotest;
mod jest;
mod junit;
mod libtest;

use std::path::Path;

use crate::model::{ReportFormat, TestCaseResult};

pub use gotest::GoJson;
pub use jest::parse_jest;
pub use junit::parse_junit;
pub use libtest::{Libtest, LibtestJson};

/// What one line of a runner's output gave.
#[derive(Debug, Default, PartialEq)]
pub struct LineRead {
    /// Results finished or completed by this line (a later line may complete one again, e.g. a
    /// failure's output printed after its verdict: the last one wins).
    pub results: Vec<TestCaseResult>,
    /// The text to show for this line: itself, or for a JSON line the output inside it, or
    /// nothing for a JSON line that only carries a verdict.
    pub show: Option<String>,
}

impl LineRead {
    pub(crate) fn shown(line: &str) -> Self {
        Self {
            results: Vec::new(),
            show: Some(line.to_owned()),
        }
    }
}

/// Reads a runner's stdout line by line.
pub trait LiveReader: Send {
    /// `line` without its line ending; ANSI colours may be in it.
    fn line(&mut self, line: &str) -> LineRead;

    /// Results held back until the output ends (a failure whose output section never closed).
    fn finish(&mut self) -> Vec<TestCaseResult> {
        Vec::new()
    }
}

/// The live reader for `format`, if it streams.
pub fn live_reader(format: ReportFormat, suite: &str) -> Option<Box<dyn LiveReader>> {
    match format {
        ReportFormat::Libtest => Some(Box::new(Libtest::new(suite))),
        ReportFormat::LibtestJson => Some(Box::new(LibtestJson::new(suite))),
        ReportFormat::GoJson => Some(Box::new(GoJson::new(suite))),
        ReportFormat::Junit | ReportFormat::JestJson | ReportFormat::None => None,
    }
}

/// Why a report file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the runner wrote no report at {0}")]
    Missing(String),
    #[error("the report at {path} is not valid {format}: {reason}")]
    Broken {
        path: String,
        format: &'static str,
        reason: String,
    },
}

/// Reads the report file a run ended with. `base` makes Jest's absolute file names relative.
pub fn read_report_file(
    format: ReportFormat,
    path: &Path,
    suite: &str,
    base: &Path,
) -> Result<Vec<TestCaseResult>, ReportError> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReportError::Missing(shown))
        }
        Err(error) => {
            return Err(ReportError::Broken {
                path: shown,
                format: "a readable file",
                reason: error.to_string(),
            })
        }
    };
    match format {
        ReportFormat::Junit => parse_junit(&bytes, suite).map_err(|reason| ReportError::Broken {
            path: shown,
            format: "JUnit XML",
            reason,
        }),
        ReportFormat::JestJson => {
            parse_jest(&bytes, suite, base).map_err(|reason| ReportError::Broken {
                path: shown,
                format: "Jest JSON",
                reason,
            })
        }
        _ => Ok(Vec::new()),
    }
}

/// A failure's message: its first lines, long enough to say what went wrong, short enough for
/// a list.
pub(crate) fn first_lines(text: &str) -> Option<String> {
    const LINES: usize = 12;
    let trimmed = text.trim_matches('\n');
    if trimmed.trim().is_empty() {
        return None;
    }
    Some(trimmed.lines().take(LINES).collect::<Vec<_>>().join("\n"))
}

/// The line without ANSI escape sequences, for matching.
pub(crate) fn plain(line: &str) -> String {
    if line.contains('\u{1b}') {
        strip_ansi_escapes::strip_str(line)
    } else {
        line.to_owned()
    }
}
