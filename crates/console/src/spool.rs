//! A result's rows on disk, one JSON array per line, in a temporary file removed with the run: however many
//! rows a query returns, the app holds a page at a time and the window only the rows on screen.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};

/// A row's cells as the server wrote them; `None` is SQL NULL.
pub type Row = Vec<Option<String>>;

/// Every this many rows, where the next one starts: a page is found with one seek.
const STRIDE: u64 = 256;

pub(crate) struct Spool {
    writer: BufWriter<File>,
    /// A handle of its own (its own position): the writer's position must not move when a page
    /// is read while rows keep coming.
    reader: File,
    /// Deletes the file when the run is closed.
    file: tempfile::TempPath,
    written: u64,
    position: u64,
    offsets: Vec<u64>,
    /// One line's bytes, reused from row to row.
    line: Vec<u8>,
}

impl Spool {
    pub fn new() -> std::io::Result<Self> {
        let file = tempfile::NamedTempFile::new()?;
        let reader = file.reopen()?;
        let (file, path) = file.into_parts();
        Ok(Self {
            reader,
            file: path,
            writer: BufWriter::new(file),
            written: 0,
            position: 0,
            offsets: Vec::new(),
            line: Vec::with_capacity(256),
        })
    }

    pub fn rows(&self) -> u64 {
        self.written
    }

    /// Appends a row: its cells as text, `None` for NULL (borrowed from the server's reply).
    pub fn push(&mut self, row: &[Option<&str>]) -> std::io::Result<()> {
        if self.written % STRIDE == 0 {
            self.offsets.push(self.position);
        }
        self.line.clear();
        serde_json::to_writer(&mut self.line, row).map_err(std::io::Error::other)?;
        self.line.push(b'\n');
        self.writer.write_all(&self.line)?;
        self.position += self.line.len() as u64;
        self.written += 1;
        Ok(())
    }

    /// The file, with every row written so far in it: for reading it whole from another handle.
    pub fn path_flushed(&mut self) -> std::io::Result<std::path::PathBuf> {
        self.writer.flush()?;
        Ok(self.file.to_path_buf())
    }

    /// Rows `offset..offset + limit` of those written so far.
    pub fn page(&mut self, offset: u64, limit: u64) -> std::io::Result<Vec<Row>> {
        if offset >= self.written || limit == 0 {
            return Ok(Vec::new());
        }
        self.writer.flush()?;
        let block = offset / STRIDE;
        self.reader
            .seek(SeekFrom::Start(self.offsets[block as usize]))?;
        let mut lines = BufReader::new(&self.reader).lines();
        let mut rows = Vec::new();
        let end = (offset + limit).min(self.written);
        for index in block * STRIDE..end {
            let line = lines.next().transpose()?.unwrap_or_default();
            if index >= offset {
                rows.push(serde_json::from_str(&line).map_err(std::io::Error::other)?);
            }
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_come_back_from_any_offset_across_blocks() {
        let mut spool = Spool::new().expect("spool");
        for i in 0..1_000 {
            spool
                .push(&[Some(i.to_string().as_str()), None])
                .expect("push");
        }
        let page = spool.page(250, 10).expect("page");
        assert_eq!(page.len(), 10);
        assert_eq!(page[0][0].as_deref(), Some("250"));
        assert_eq!(page[9][0].as_deref(), Some("259"));
        assert_eq!(page[0][1], None);
        assert_eq!(spool.page(995, 10).expect("tail").len(), 5);
        assert!(spool.page(1_000, 10).expect("past").is_empty());
    }
}
