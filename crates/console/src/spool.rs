//! A result's rows on disk, in a temporary file removed with the run: however many rows a query
//! returns, the app holds a page at a time and the window only the rows on screen.
//!
//! A row is its byte length (u32, little-endian), then per cell a tag (0 NULL, 1 text) and, for
//! text, its length (u32) and UTF-8 bytes. No escaping either way: writing a row is a copy, and
//! reading one back lends its cells out of one buffer (an export allocates nothing per cell).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// A row's cells as the server wrote them; `None` is SQL NULL.
pub type Row = Vec<Option<String>>;

/// Every this many rows, where the next one starts: a page is found with one seek.
const STRIDE: u64 = 256;
const NULL: u8 = 0;
const TEXT: u8 = 1;

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
    /// One row's bytes, reused from row to row.
    encoded: Vec<u8>,
}

impl Spool {
    pub fn new() -> std::io::Result<Self> {
        let file = tempfile::NamedTempFile::new()?;
        let reader = file.reopen()?;
        let (file, path) = file.into_parts();
        Ok(Self {
            reader,
            file: path,
            writer: BufWriter::with_capacity(256 * 1024, file),
            written: 0,
            position: 0,
            offsets: Vec::new(),
            encoded: Vec::with_capacity(256),
        })
    }

    pub fn rows(&self) -> u64 {
        self.written
    }

    /// Appends a row: its cells as text, `None` for NULL (borrowed from the server's reply).
    pub fn push<S: AsRef<str>>(
        &mut self,
        row: impl IntoIterator<Item = Option<S>>,
    ) -> std::io::Result<()> {
        if self.written.is_multiple_of(STRIDE) {
            self.offsets.push(self.position);
        }
        self.encoded.clear();
        self.encoded.extend_from_slice(&[0; 4]);
        for cell in row {
            match cell {
                None => self.encoded.push(NULL),
                Some(text) => {
                    let text = text.as_ref();
                    self.encoded.push(TEXT);
                    self.encoded
                        .extend_from_slice(&length(text.len())?.to_le_bytes());
                    self.encoded.extend_from_slice(text.as_bytes());
                }
            }
        }
        let body = length(self.encoded.len() - 4)?;
        self.encoded[..4].copy_from_slice(&body.to_le_bytes());
        self.writer.write_all(&self.encoded)?;
        self.position += self.encoded.len() as u64;
        self.written += 1;
        Ok(())
    }

    /// The file, with every row written so far in it: for reading it whole from another handle.
    pub fn path_flushed(&mut self) -> std::io::Result<PathBuf> {
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
        let mut rows = RowReader::new(BufReader::new(&self.reader));
        let mut page = Vec::new();
        let end = (offset + limit).min(self.written);
        for index in block * STRIDE..end {
            let cells = rows.next_row()?;
            if index >= offset {
                page.push(cells.iter().map(|c| c.map(str::to_owned)).collect());
            }
        }
        Ok(page)
    }
}

fn length(n: usize) -> std::io::Result<u32> {
    u32::try_from(n).map_err(|_| std::io::Error::other("a value of 4 GiB or more"))
}

/// Reads rows back one at a time, their cells borrowed from one reused buffer.
pub(crate) struct RowReader<R> {
    inner: R,
    buffer: Vec<u8>,
    spans: Vec<Option<(usize, usize)>>,
}

impl<R: Read> RowReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buffer: Vec::with_capacity(256),
            spans: Vec::new(),
        }
    }

    /// The next row's cells; an error at the end of the file (the caller knows how many rows
    /// there are).
    pub fn next_row(&mut self) -> std::io::Result<Vec<Option<&str>>> {
        self.next_row_bytes()?
            .cells()
            .map(|cell| {
                cell.map(std::str::from_utf8)
                    .transpose()
                    .map_err(|_| damaged())
            })
            .collect()
    }

    /// The next row's cells as bytes, lent without allocating or checking them: what an export
    /// writes a million times.
    pub fn next_row_bytes(&mut self) -> std::io::Result<RowBytes<'_>> {
        let mut head = [0; 4];
        self.inner.read_exact(&mut head)?;
        let size = u32::from_le_bytes(head) as usize;
        self.buffer.resize(size, 0);
        self.inner.read_exact(&mut self.buffer)?;
        self.spans.clear();
        let mut at = 0;
        while at < size {
            let tag = self.buffer[at];
            at += 1;
            if tag == NULL {
                self.spans.push(None);
                continue;
            }
            let bytes = self.buffer.get(at..at + 4).ok_or_else(damaged)?;
            let len = u32::from_le_bytes(bytes.try_into().map_err(|_| damaged())?) as usize;
            at += 4;
            if at + len > size {
                return Err(damaged());
            }
            self.spans.push(Some((at, at + len)));
            at += len;
        }
        Ok(RowBytes {
            buffer: &self.buffer,
            spans: &self.spans,
        })
    }
}

/// One row's cells, borrowed from the reader's buffer.
pub(crate) struct RowBytes<'a> {
    buffer: &'a [u8],
    spans: &'a [Option<(usize, usize)>],
}

impl<'a> RowBytes<'a> {
    /// The cells in order, `None` for NULL.
    pub fn cells(&self) -> impl Iterator<Item = Option<&'a [u8]>> + 'a {
        let buffer = self.buffer;
        self.spans
            .iter()
            .map(move |span| span.map(|(start, end)| &buffer[start..end]))
    }
}

fn damaged() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "a damaged row")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_come_back_from_any_offset_across_blocks() {
        let mut spool = Spool::new().expect("spool");
        for i in 0..1_000 {
            spool
                .push([Some(i.to_string().as_str()), None, Some("")])
                .expect("push");
        }
        let page = spool.page(250, 10).expect("page");
        assert_eq!(page.len(), 10);
        assert_eq!(page[0][0].as_deref(), Some("250"));
        assert_eq!(page[9][0].as_deref(), Some("259"));
        assert_eq!(page[0][1], None);
        assert_eq!(page[0][2].as_deref(), Some(""));
        assert_eq!(spool.page(995, 10).expect("tail").len(), 5);
        assert!(spool.page(1_000, 10).expect("past").is_empty());
    }

    #[test]
    fn rows_of_different_widths_and_any_text_read_back_whole() {
        let mut spool = Spool::new().expect("spool");
        spool.push([Some("é\n\"x\"\0")]).expect("push");
        spool.push::<&str>([]).expect("empty row");
        spool.push([None, Some("b")]).expect("push");
        let path = spool.path_flushed().expect("flush");
        let mut rows = RowReader::new(BufReader::new(File::open(path).expect("open")));
        assert_eq!(rows.next_row().expect("1"), [Some("é\n\"x\"\0")]);
        assert!(rows.next_row().expect("2").is_empty());
        assert_eq!(rows.next_row().expect("3"), [None, Some("b")]);
        assert!(rows.next_row().is_err(), "the end");
    }
}
