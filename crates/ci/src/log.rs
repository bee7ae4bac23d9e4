//! A job's log made readable: GitHub's timestamp on every line dropped, its `##[group]` …
//! `##[endgroup]` sections and GitLab's `section_start:` … `section_end:` markers turned into
//! foldable groups, `##[error]`/`##[warning]` lines marked. ANSI colours are kept for the viewer.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum LogMark {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiLogLine {
    pub text: String,
    /// The group the line is in (a group's title line carries its own), folded by default.
    pub group: Option<u32>,
    /// The line that opens `group`: its title.
    pub title: bool,
    pub mark: Option<LogMark>,
}

/// Lines of a job's log, with their groups.
pub fn parse(raw: &str) -> Vec<CiLogLine> {
    let mut lines = Vec::new();
    let mut group: Option<u32> = None;
    let mut groups = 0u32;
    // GitHub's logs start with a byte-order mark.
    for line in raw.trim_start_matches('\u{feff}').lines() {
        let line = without_timestamp(line.trim_end_matches('\r'));
        // GitLab: `section_start:1732790000:step_script\r\e[0KTitle`
        let (marker, rest) = gitlab_marker(line);
        match marker {
            Some(Marker::Start) => {
                group = Some(groups);
                groups += 1;
                lines.push(CiLogLine {
                    text: rest.to_owned(),
                    group,
                    title: true,
                    mark: None,
                });
                continue;
            }
            Some(Marker::End) => {
                group = None;
                if rest.is_empty() {
                    continue;
                }
            }
            None => {}
        }
        if let Some(title) = rest.strip_prefix("##[group]") {
            group = Some(groups);
            groups += 1;
            lines.push(CiLogLine {
                text: title.to_owned(),
                group,
                title: true,
                mark: None,
            });
            continue;
        }
        if rest.starts_with("##[endgroup]") {
            group = None;
            continue;
        }
        let (text, mark) = if let Some(text) = rest.strip_prefix("##[error]") {
            (text, Some(LogMark::Error))
        } else if let Some(text) = rest.strip_prefix("##[warning]") {
            (text, Some(LogMark::Warning))
        } else {
            (rest, None)
        };
        lines.push(CiLogLine {
            text: text.to_owned(),
            // An error shows even inside a folded group: it is what the user came for.
            group: if mark.is_some() { None } else { group },
            title: false,
            mark,
        });
    }
    lines
}

enum Marker {
    Start,
    End,
}

/// GitLab's section marker at the start of a line, and what follows it (`\r\e[0K` dropped).
fn gitlab_marker(line: &str) -> (Option<Marker>, &str) {
    let (marker, rest) = if let Some(rest) = line.strip_prefix("section_start:") {
        (Marker::Start, rest)
    } else if let Some(rest) = line.strip_prefix("section_end:") {
        (Marker::End, rest)
    } else {
        return (None, line);
    };
    // `<unix time>:<name>[options]` then the erase sequence.
    let after = rest
        .find("\u{1b}[0K")
        .map_or("", |at| &rest[at + "\u{1b}[0K".len()..]);
    (Some(marker), after)
}

/// GitHub's `2026-11-28T10:00:00.1234567Z ` prefix dropped.
fn without_timestamp(line: &str) -> &str {
    let Some((stamp, rest)) = line.split_once(' ') else {
        return line;
    };
    let looks_like_time = stamp.len() >= 20
        && stamp.ends_with('Z')
        && stamp.as_bytes().get(10) == Some(&b'T')
        && stamp[..4].bytes().all(|b| b.is_ascii_digit());
    if looks_like_time {
        rest
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_groups_fold_and_errors_stay_out() {
        let raw = "2026-11-28T10:00:00.1000000Z ##[group]Run cargo test\n\
                   2026-11-28T10:00:00.2000000Z \u{1b}[36;1mcargo test\u{1b}[0m\n\
                   2026-11-28T10:00:00.3000000Z ##[endgroup]\n\
                   2026-11-28T10:00:01.0000000Z test alpha ... FAILED\n\
                   2026-11-28T10:00:02.0000000Z ##[error]Process completed with exit code 101.\n";
        let lines = parse(raw);
        let texts: Vec<(&str, Option<u32>, bool)> = lines
            .iter()
            .map(|l| (l.text.as_str(), l.group, l.title))
            .collect();
        assert_eq!(
            texts,
            [
                ("Run cargo test", Some(0), true),
                ("\u{1b}[36;1mcargo test\u{1b}[0m", Some(0), false),
                ("test alpha ... FAILED", None, false),
                ("Process completed with exit code 101.", None, false),
            ]
        );
        assert_eq!(lines[3].mark, Some(LogMark::Error));
    }

    #[test]
    fn gitlab_sections_fold() {
        let raw = "Running with gitlab-runner 17.5.0\r\n\
                   section_start:1732790000:step_script\r\u{1b}[0K\u{1b}[0;33mExecuting \"step_script\" stage\u{1b}[0;m\n\
                   $ cargo test\n\
                   section_end:1732790010:step_script\r\u{1b}[0K\n\
                   Job succeeded\n";
        let lines = parse(raw);
        let groups: Vec<Option<u32>> = lines.iter().map(|l| l.group).collect();
        assert_eq!(groups, [None, Some(0), Some(0), None]);
        assert!(lines[1].title);
        assert!(lines[1].text.contains("Executing"));
        assert_eq!(lines[3].text, "Job succeeded");
    }

    #[test]
    fn a_line_that_only_looks_dated_keeps_its_text() {
        assert_eq!(parse("2026 was a year\n")[0].text, "2026 was a year");
    }
}
