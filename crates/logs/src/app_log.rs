//! The app's own log: daily files `quantum-admin.YYYY-MM-DD.log` in the log folder, each line
//! starting with its RFC 3339 time (tracing's format). Read from a point in time, then followed
//! as the app writes: the folder is watched, and only new bytes are read.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc::UnboundedSender;

use crate::{now_ms, parse_time_ms, Error, LogEntry, Result};

const PREFIX: &str = "quantum-admin.";
const SUFFIX: &str = ".log";

/// Which lines of the app's log belong on a page: it decides from a line's text.
pub type Keep = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Where reading stopped: the newest file and how far into it, and the line begun there.
#[derive(Debug, Default)]
pub struct Position {
    file: Option<PathBuf>,
    offset: u64,
    partial: String,
    /// The time and fate of the last whole line: continuation lines (a multi-line message) take
    /// both.
    last: Option<(f64, bool)>,
}

/// The log files, oldest first (their names sort by date).
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: dir.display().to_string(),
                source,
            })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The day a file holds (`2026-11-30`), to skip whole files older than the range.
fn day_of(path: &Path) -> Option<&str> {
    path.file_name()?
        .to_str()?
        .strip_prefix(PREFIX)?
        .strip_suffix(SUFFIX)
}

/// The lines written at or after `since_ms` (all when `None`) that `keep` accepts, and where
/// the newest file ends, to follow from.
pub fn read_since(
    dir: &Path,
    since_ms: Option<f64>,
    source: u16,
    keep: &Keep,
) -> Result<(Vec<LogEntry>, Position)> {
    let since_day = since_ms.and_then(|ms| {
        let at = time::OffsetDateTime::from_unix_timestamp_nanos((ms * 1e6) as i128).ok()?;
        Some(format!(
            "{:04}-{:02}-{:02}",
            at.year(),
            u8::from(at.month()),
            at.day()
        ))
    });
    let mut entries = Vec::new();
    let mut position = Position::default();
    for file in files(dir)? {
        if let (Some(since), Some(day)) = (since_day.as_deref(), day_of(&file)) {
            if day < since {
                continue;
            }
        }
        position = Position {
            file: Some(file),
            ..Position::default()
        };
        read_new(&mut position, source, keep, &mut |entry| {
            if since_ms.is_none_or(|since| entry.at_ms >= since) {
                entries.push(entry);
            }
        });
    }
    Ok((entries, position))
}

/// Reads what was appended to the position's file since, whole lines only.
fn read_new(position: &mut Position, source: u16, keep: &Keep, out: &mut dyn FnMut(LogEntry)) {
    let Some(path) = position.file.clone() else {
        return;
    };
    let Ok(mut file) = File::open(&path) else {
        return;
    };
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(position.offset)).is_err() || file.read_to_end(&mut bytes).is_err()
    {
        return;
    }
    position.offset += bytes.len() as u64;
    position.partial.push_str(&String::from_utf8_lossy(&bytes));
    let Some(end) = position.partial.rfind('\n') else {
        return;
    };
    let complete: String = position.partial.drain(..=end).collect();
    for line in complete.lines() {
        let (at_ms, kept) = match line.split_once(' ').and_then(|(t, _)| parse_time_ms(t)) {
            Some(at_ms) => (at_ms, keep(line)),
            // A continuation of the line before.
            None => position.last.unwrap_or((now_ms(), false)),
        };
        position.last = Some((at_ms, kept));
        if kept {
            out(LogEntry::new(at_ms, source, line.to_owned()));
        }
    }
}

/// Follows the app's log while it lives; dropping it stops.
pub struct AppLogFollower {
    _watcher: notify::RecommendedWatcher,
}

/// Sends what the app writes to its log from `position` on, and moves to the next day's file
/// when the app starts one.
pub fn follow(
    dir: &Path,
    position: Position,
    source: u16,
    keep: Keep,
    send: UnboundedSender<LogEntry>,
) -> Result<AppLogFollower> {
    let state = Arc::new(Mutex::new(position));
    let failed = |error: notify::Error| Error::Read {
        path: dir.display().to_string(),
        source: std::io::Error::other(error.to_string()),
    };
    let mut watcher = {
        let (state, dir, keep, send) = (
            Arc::clone(&state),
            dir.to_path_buf(),
            Arc::clone(&keep),
            send.clone(),
        );
        notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Reads (ours included) are no news.
            if event.is_ok_and(|event| !event.kind.is_access()) {
                catch_up(&state, &dir, source, &keep, &send);
            }
        })
        .map_err(failed)?
    };
    std::fs::create_dir_all(dir).map_err(|source| Error::Read {
        path: dir.display().to_string(),
        source,
    })?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(failed)?;
    // What was written between the reading and the watching.
    catch_up(&state, dir, source, &keep, &send);
    Ok(AppLogFollower { _watcher: watcher })
}

/// Reads what was appended since the position, and moves on to the next day's file when the
/// app has started one (the rest of the current file read first).
fn catch_up(
    state: &Mutex<Position>,
    dir: &Path,
    source: u16,
    keep: &Keep,
    send: &UnboundedSender<LogEntry>,
) {
    let mut position = state.lock().unwrap_or_else(PoisonError::into_inner);
    let mut send_entry = |entry: LogEntry| {
        let _ = send.send(entry);
    };
    read_new(&mut position, source, keep, &mut send_entry);
    let newest = files(dir).ok().and_then(|files| files.last().cloned());
    if newest.is_some() && newest != position.file {
        *position = Position {
            file: newest,
            last: position.last,
            ..Position::default()
        };
        read_new(&mut position, source, keep, &mut send_entry);
    }
}
