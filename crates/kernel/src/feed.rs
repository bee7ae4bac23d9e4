//! What another process on the same data dir did (the `quantum` command line), told to the app.
//! Each change is one JSON line appended to `changes.jsonl`; the app follows the file from where
//! it was when it started and skips its own lines. Appends are one `write` each, so lines from two
//! processes never interleave; a line cut short by a crash is skipped.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The file's name in the data dir.
pub const FILE: &str = "changes.jsonl";

/// Beyond this size the app starts the file afresh when it opens (nothing reads old lines).
const FRESH_ABOVE: u64 = 1 << 20;

#[derive(Serialize, Deserialize)]
struct Line<T> {
    pid: u32,
    item: T,
}

/// Appends this process's changes.
pub struct FeedWriter {
    path: PathBuf,
}

impl FeedWriter {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(FILE),
        }
    }

    pub fn append<T: Serialize>(&self, item: &T) -> Result<()> {
        let mut line = serde_json::to_vec(&Line {
            pid: std::process::id(),
            item,
        })
        .map_err(|error| Error::io("a change for the app", std::io::Error::other(error)))?;
        line.push(b'\n');
        let context = || format!("{} (changes for the app)", self.path.display());
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|error| Error::io(context(), error))?;
        file.write_all(&line)
            .map_err(|error| Error::io(context(), error))
    }
}

/// Reads the lines other processes appended since the last read.
pub struct FeedReader {
    path: PathBuf,
    offset: u64,
    /// A line whose end has not been written yet.
    partial: Vec<u8>,
}

impl FeedReader {
    /// Follows the file from its end; a file grown large is started afresh first.
    pub fn from_end(data_dir: &Path) -> Self {
        let path = data_dir.join(FILE);
        let mut offset = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if offset > FRESH_ABOVE && std::fs::remove_file(&path).is_ok() {
            offset = 0;
        }
        Self {
            path,
            offset,
            partial: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The items of the complete lines written since the last call by other processes. Lines
    /// that do not parse as `T` (another version's, a torn one) are skipped.
    pub fn read_new<T: DeserializeOwned>(&mut self) -> Vec<T> {
        let Ok(mut file) = File::open(&self.path) else {
            // Not written yet, or removed: whatever comes next starts at its beginning.
            self.offset = 0;
            self.partial.clear();
            return Vec::new();
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len < self.offset {
            // Started afresh by another app: read it from the start.
            self.offset = 0;
            self.partial.clear();
        }
        let mut bytes = std::mem::take(&mut self.partial);
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let read = file.read_to_end(&mut bytes).unwrap_or(0);
        self.offset += read as u64;
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        self.partial = bytes.split_off(complete);
        let own = std::process::id();
        bytes
            .split(|b| *b == b'\n')
            .filter(|line| !line.is_empty())
            .filter_map(|line| serde_json::from_slice::<Line<T>>(line).ok())
            .filter(|line| line.pid != own)
            .map(|line| line.item)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        n: u32,
    }

    fn foreign_line(n: u32) -> String {
        format!(
            "{{\"pid\":{},\"item\":{{\"n\":{n}}}}}\n",
            std::process::id() + 1
        )
    }

    #[test]
    fn reads_what_others_appended_since_the_last_read_and_skips_its_own() {
        let dir = tempfile::tempdir().expect("test set-up");
        std::fs::write(dir.path().join(FILE), foreign_line(1)).expect("test set-up");
        let mut reader = FeedReader::from_end(dir.path());
        assert!(
            reader.read_new::<Item>().is_empty(),
            "lines from before the start are old news"
        );

        FeedWriter::new(dir.path())
            .append(&Item { n: 2 })
            .expect("test set-up");
        let mut file = OpenOptions::new()
            .append(true)
            .open(dir.path().join(FILE))
            .expect("test set-up");
        file.write_all(foreign_line(3).as_bytes())
            .expect("test set-up");
        assert_eq!(reader.read_new::<Item>(), vec![Item { n: 3 }]);
        assert!(reader.read_new::<Item>().is_empty());
    }

    #[test]
    fn a_line_is_read_once_its_end_is_written_and_a_torn_one_is_skipped() {
        let dir = tempfile::tempdir().expect("test set-up");
        let mut reader = FeedReader::from_end(dir.path());
        let line = foreign_line(4);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.path().join(FILE))
            .expect("test set-up");
        file.write_all(b"{\"pid\":1,\"it\n").expect("test set-up");
        file.write_all(&line.as_bytes()[..10]).expect("test set-up");
        assert!(reader.read_new::<Item>().is_empty());
        file.write_all(&line.as_bytes()[10..]).expect("test set-up");
        assert_eq!(reader.read_new::<Item>(), vec![Item { n: 4 }]);
    }

    #[test]
    fn a_file_started_afresh_is_read_from_its_beginning() {
        let dir = tempfile::tempdir().expect("test set-up");
        std::fs::write(dir.path().join(FILE), foreign_line(1).repeat(3)).expect("test set-up");
        let mut reader = FeedReader::from_end(dir.path());
        std::fs::write(dir.path().join(FILE), foreign_line(5)).expect("test set-up");
        assert_eq!(reader.read_new::<Item>(), vec![Item { n: 5 }]);
    }
}
