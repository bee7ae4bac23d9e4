//! How serious a line says it is, read from the formats a developer's stack writes: JSON logs
//! (`level`, `severity`, pino's numbers, MongoDB's `s`), logfmt (`level=warn`), PostgreSQL
//! (`LOG:`, `ERROR:`), MySQL/MariaDB (`[Warning]`), Redis (`* Ready`), tracing and most other
//! libraries (`INFO`, `[error]`), with ANSI colours stripped first.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use specta::Type;

/// How serious a log line says it is, when it says so.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum LogLineLevel {
    Debug,
    Info,
    Warning,
    Error,
}

/// The level a line shows; `None` when it shows none (a continuation, a bare message).
pub fn level_of(line: &str) -> Option<LogLineLevel> {
    let plain = strip_ansi(line);
    let text = plain.trim_start();
    if text.starts_with('{') {
        if let Some(level) = json_level(text) {
            return Some(level);
        }
    }
    logfmt_level(text)
        .or_else(|| postgres_level(text))
        .or_else(|| redis_level(text))
        .or_else(|| word_level(text))
}

/// The line without its ANSI escapes (colours, cursor moves), for reading and searching.
pub fn strip_ansi(line: &str) -> std::borrow::Cow<'_, str> {
    static ESCAPES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
            .expect("escape pattern")
    });
    if line.contains('\x1b') {
        ESCAPES.replace_all(line, "")
    } else {
        std::borrow::Cow::Borrowed(line)
    }
}

/// A level word as libraries spell it: `warn`, `WARNING`, `Err`, `notice`, `fatal`, …
fn word(word: &str) -> Option<LogLineLevel> {
    let lower = word.to_ascii_lowercase();
    Some(match lower.as_str() {
        "trace" | "debug" | "verbose" | "dbug" | "trce" | "d" | "t" => LogLineLevel::Debug,
        "info" | "information" | "informational" | "notice" | "note" | "log" | "system" | "i"
        | "n" => LogLineLevel::Info,
        "warn" | "warning" | "wrn" | "w" => LogLineLevel::Warning,
        "error" | "err" | "fatal" | "panic" | "critical" | "crit" | "alert" | "emerg"
        | "emergency" | "severe" | "e" | "f" | "c" => LogLineLevel::Error,
        _ if lower.starts_with("debug") => LogLineLevel::Debug,
        _ => return None,
    })
}

/// `{"level":"warn"}`, `{"severity":"ERROR"}`, pino/bunyan's `{"level":50}`, MongoDB's `{"s":"W"}`.
fn json_level(text: &str) -> Option<LogLineLevel> {
    let value: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
    for key in ["level", "lvl", "severity", "levelname", "log.level", "s"] {
        match value.get(key) {
            Some(serde_json::Value::String(name)) => {
                // MongoDB's debug levels are D1…D5.
                let name = name.trim_end_matches(|c: char| c.is_ascii_digit());
                if let Some(level) = word(name) {
                    return Some(level);
                }
            }
            Some(serde_json::Value::Number(number)) => {
                return number.as_u64().map(|n| match n {
                    0..=29 => LogLineLevel::Debug,
                    30..=39 => LogLineLevel::Info,
                    40..=49 => LogLineLevel::Warning,
                    _ => LogLineLevel::Error,
                });
            }
            _ => {}
        }
    }
    None
}

/// `time=… level=warn msg="…"`.
fn logfmt_level(text: &str) -> Option<LogLineLevel> {
    static LOGFMT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:^|\s)(?:level|lvl|severity)="?([A-Za-z]+)"?(?:\s|$)"#)
            .expect("logfmt pattern")
    });
    word(LOGFMT.captures(text)?.get(1)?.as_str())
}

/// `2026-11-21 10:00:00.000 UTC [1] LOG:  database system is ready to accept connections`.
fn postgres_level(text: &str) -> Option<LogLineLevel> {
    static POSTGRES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|\s)(PANIC|FATAL|ERROR|WARNING|NOTICE|INFO|LOG|DEBUG[1-5]?):\s")
            .expect("postgres pattern")
    });
    word(POSTGRES.captures(text)?.get(1)?.as_str())
}

/// `1:M 21 Nov 2026 10:00:00.000 * Ready to accept connections tcp`: `.` debug, `-` verbose,
/// `*` notice, `#` warning.
fn redis_level(text: &str) -> Option<LogLineLevel> {
    static REDIS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\d+:[XCSM] .+? \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) ").expect("redis pattern")
    });
    Some(match REDIS.captures(text)?.get(1)?.as_str() {
        "." | "-" => LogLineLevel::Debug,
        "*" => LogLineLevel::Info,
        _ => LogLineLevel::Warning,
    })
}

/// A level word near the start: `INFO`, `[Warning]`, `<error>`, `E1130 …` is not one; tracing's
/// `2026-11-30T03:53:23Z  INFO target: …`, MySQL's `[Note] [MY-010931]`, Python's `WARNING:root:`.
fn word_level(text: &str) -> Option<LogLineLevel> {
    static UPPER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[\s\[(<|:])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|PANIC)(?:$|[\s\]):>|])")
            .expect("level word pattern")
    });
    static BRACKETED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)[\[(<](trace|debug|info|note|notice|system|warn|warning|error|err|fatal|critical)[\])>]")
            .expect("bracketed level pattern")
    });
    // Only the head of the line: a message that mentions "error" later says nothing of its level.
    let head = match text.char_indices().nth(120) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let upper = UPPER.captures(head).and_then(|c| c.get(1));
    let bracketed = BRACKETED.captures(head).and_then(|c| c.get(1));
    // Whichever comes first names the level.
    let found = match (upper, bracketed) {
        (Some(a), Some(b)) => Some(if a.start() <= b.start() { a } else { b }),
        (a, b) => a.or(b),
    };
    word(found?.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogLineLevel::*;

    #[test]
    fn the_common_formats_say_their_level() {
        let cases = [
            (r#"{"level":"warn","msg":"slow query"}"#, Some(Warning)),
            (r#"{"severity":"ERROR","message":"boom"}"#, Some(Error)),
            (r#"{"level":30,"msg":"listening"}"#, Some(Info)),
            (r#"{"level":50,"msg":"crash"}"#, Some(Error)),
            (
                r#"{"t":{"$date":"2026-11-30"},"s":"W","c":"NETWORK","msg":"x"}"#,
                Some(Warning),
            ),
            (
                r#"{"t":{"$date":"2026-11-30"},"s":"D2","c":"NETWORK","msg":"x"}"#,
                Some(Debug),
            ),
            (
                "time=2026-11-30T10:00:00Z level=error msg=\"db down\"",
                Some(Error),
            ),
            ("ts=1 lvl=debug caller=main.go:12", Some(Debug)),
            (
                "2026-11-21 10:00:00.000 UTC [1] LOG:  database system is ready",
                Some(Info),
            ),
            (
                "2026-11-21 10:00:00.000 UTC [7] FATAL:  password authentication failed",
                Some(Error),
            ),
            (
                "2026-11-21 10:00:00.000 UTC [7] WARNING:  there is no transaction",
                Some(Warning),
            ),
            (
                "2026-11-21 10:00:00.000 UTC [7] DEBUG3:  snapshot",
                Some(Debug),
            ),
            (
                "2026-11-21T10:00:00.000000Z 0 [Note] [MY-010931] [Server] ready for connections.",
                Some(Info),
            ),
            (
                "2026-11-21 10:00:00 0 [Warning] Aborted connection 4",
                Some(Warning),
            ),
            (
                "2026-11-21 10:00:00 0 [ERROR] Can't open the mysql.plugin table",
                Some(Error),
            ),
            (
                "1:M 21 Nov 2026 10:00:00.000 * Ready to accept connections tcp",
                Some(Info),
            ),
            (
                "1:M 21 Nov 2026 10:00:00.000 # WARNING Memory overcommit must be enabled!",
                Some(Warning),
            ),
            (
                "1:C 21 Nov 2026 10:00:00.000 . Client closed connection",
                Some(Debug),
            ),
            (
                "2026-11-30T03:53:23.107778Z  INFO quantum_kernel::store: store opened",
                Some(Info),
            ),
            (
                "2026-11-30T03:53:23.107778Z  WARN quantum_ci: offline",
                Some(Warning),
            ),
            ("WARNING:root:disk almost full", Some(Warning)),
            ("[error] worker 3 exited", Some(Error)),
            (
                "\x1b[2m2026-11-30T03:53:21Z\x1b[0m \x1b[31mERROR\x1b[0m boom",
                Some(Error),
            ),
            ("test result: ok. 2 passed; 0 failed", None),
            ("  at Object.<anonymous> (index.js:3:9)", None),
            ("the word error later in a message", None),
        ];
        for (line, expected) in cases {
            assert_eq!(level_of(line), expected, "{line}");
        }
    }

    #[test]
    fn colours_are_stripped_and_plain_text_is_kept() {
        assert_eq!(strip_ansi("\x1b[1;32mok\x1b[0m done"), "ok done");
        assert_eq!(strip_ansi("plain"), "plain");
    }
}
