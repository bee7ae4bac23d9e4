//! A run's whole result written to a file the user chose, as CSV or JSON, streamed from the
//! spool (never held in memory) through a temporary file renamed into place at the end, so that
//! a failed or interrupted export never leaves half a file under the chosen name.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

use crate::run::ResultColumn;
use crate::spool::RowReader;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum ResultFormat {
    /// A header line of column names, then one line per row; NULL is an empty field and the
    /// empty string `""`, as PostgreSQL's `COPY … CSV` writes them.
    Csv,
    /// An array of objects keyed by column name: numbers, booleans and JSON columns as JSON
    /// values, NULL as `null`, anything else a string.
    Json,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    pub rows: i64,
    pub total: i64,
    pub bytes: i64,
    pub done: bool,
}

/// How often progress is reported, in rows.
const PROGRESS_EVERY: i64 = 20_000;

/// Writes the first `total` rows of the spool file at `spool` to `path`, calling `progress` as it
/// goes. Blocking: run it off the async threads.
#[cfg(test)]
pub(crate) fn write(
    spool: &Path,
    total: i64,
    columns: &[ResultColumn],
    path: &Path,
    format: ResultFormat,
    progress: &(dyn Fn(ExportProgress) + Send + Sync),
) -> std::io::Result<ExportProgress> {
    let mut writer = Writer::create(spool, columns.to_vec(), path, format)?;
    writer.copy(total, total, progress)?;
    writer.finish(path, progress)
}

/// An export under way: the rows of the spool copied as far as they are written (a run still
/// spooling is followed), into a temporary file that becomes the chosen file only at the end.
/// Blocking: use it off the async threads.
pub(crate) struct Writer {
    temporary: tempfile::NamedTempFile,
    out: BufWriter<File>,
    /// One record's bytes, reused from row to row: one write per row, counted for the progress.
    line: Vec<u8>,
    bytes: i64,
    rows: RowReader<BufReader<File>>,
    columns: Vec<ResultColumn>,
    kinds: Vec<CellKind>,
    format: ResultFormat,
    report: ExportProgress,
}

impl Writer {
    /// Creates the temporary file beside `path` and writes the CSV header or JSON's `[`.
    pub fn create(
        spool: &Path,
        columns: Vec<ResultColumn>,
        path: &Path,
        format: ResultFormat,
    ) -> std::io::Result<Self> {
        let temporary = quantum_kernel::files::temporary_beside(path)?;
        let mut out = BufWriter::with_capacity(256 * 1024, temporary.as_file().try_clone()?);
        let mut line = Vec::with_capacity(1024);
        match format {
            ResultFormat::Csv => {
                csv_line(&mut line, columns.iter().map(|c| Some(c.name.as_bytes())));
            }
            ResultFormat::Json => line.push(b'['),
        }
        out.write_all(&line)?;
        Ok(Self {
            bytes: line.len() as i64,
            line,
            rows: RowReader::new(BufReader::with_capacity(256 * 1024, File::open(spool)?)),
            kinds: columns.iter().map(|c| CellKind::of(&c.type_name)).collect(),
            columns,
            temporary,
            out,
            format,
            report: ExportProgress {
                rows: 0,
                total: 0,
                bytes: 0,
                done: false,
            },
        })
    }

    /// Copies rows until `upto` are written; `total` is what progress reports as the whole (the
    /// rows spooled so far, while the run goes on).
    pub fn copy(
        &mut self,
        upto: i64,
        total: i64,
        progress: &(dyn Fn(ExportProgress) + Send + Sync),
    ) -> std::io::Result<()> {
        self.report.total = total;
        while self.report.rows < upto {
            let row = self
                .rows
                .next_row_bytes()
                .map_err(|error| match error.kind() {
                    std::io::ErrorKind::UnexpectedEof => std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the result's rows on disk end early",
                    ),
                    _ => error,
                })?;
            self.line.clear();
            match self.format {
                ResultFormat::Csv => csv_line(&mut self.line, row.cells()),
                ResultFormat::Json => {
                    if self.report.rows > 0 {
                        self.line.push(b',');
                    }
                    self.line.push(b'\n');
                    let mut object = serde_json::Map::with_capacity(self.columns.len());
                    for ((column, kind), cell) in
                        self.columns.iter().zip(&self.kinds).zip(row.cells())
                    {
                        let text = cell.map(std::str::from_utf8).transpose().map_err(|_| {
                            std::io::Error::new(std::io::ErrorKind::InvalidData, "a damaged row")
                        })?;
                        object.insert(column.name.clone(), kind.value(text));
                    }
                    serde_json::to_writer(&mut self.line, &object)
                        .map_err(std::io::Error::other)?;
                }
            }
            self.out.write_all(&self.line)?;
            self.bytes += self.line.len() as i64;
            self.report.rows += 1;
            if self.report.rows % PROGRESS_EVERY == 0 {
                self.report.bytes = self.bytes;
                progress(self.report.clone());
            }
        }
        Ok(())
    }

    /// Ends the file, syncs it and gives it the chosen name.
    pub fn finish(
        mut self,
        path: &Path,
        progress: &(dyn Fn(ExportProgress) + Send + Sync),
    ) -> std::io::Result<ExportProgress> {
        if self.format == ResultFormat::Json {
            self.out.write_all(b"\n]\n")?;
            self.bytes += 3;
        }
        self.out.flush()?;
        self.report.bytes = self.bytes;
        self.report.total = self.report.rows;
        drop(self.out);
        self.temporary.as_file().sync_all()?;
        self.temporary.persist(path).map_err(|e| e.error)?;
        self.report.done = true;
        progress(self.report.clone());
        Ok(self.report)
    }
}

/// One CSV record, as PostgreSQL's `COPY … CSV` writes it (and psql's `\copy`, byte for byte):
/// RFC 4180 quoting, lines ending in LF, NULL the only unquoted empty field. Not the `csv` crate,
/// which cannot quote an empty string on its own.
fn csv_line<'a>(line: &mut Vec<u8>, cells: impl Iterator<Item = Option<&'a [u8]>>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            line.push(b',');
        }
        let Some(text) = cell else { continue };
        if text.is_empty()
            || text
                .iter()
                .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        {
            line.push(b'"');
            for &byte in text {
                if byte == b'"' {
                    line.push(b'"');
                }
                line.push(byte);
            }
            line.push(b'"');
        } else {
            line.extend_from_slice(text);
        }
    }
    line.push(b'\n');
}

/// What a column's cells are, from the server's name for its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CellKind {
    Integer,
    Float,
    Boolean,
    Json,
    Text,
}

impl CellKind {
    fn of(type_name: &str) -> Self {
        let name = type_name.to_ascii_lowercase();
        match name.as_str() {
            "int2" | "int4" | "int8" | "smallint" | "integer" | "int" | "bigint" | "tinyint"
            | "mediumint" | "oid" | "smallint unsigned" | "int unsigned" | "bigint unsigned"
            | "tinyint unsigned" | "mediumint unsigned" => Self::Integer,
            "float4" | "float8" | "real" | "double" | "double precision" | "float" => Self::Float,
            "bool" | "boolean" => Self::Boolean,
            "json" | "jsonb" => Self::Json,
            // NUMERIC/DECIMAL stay strings: a JSON number would lose their precision.
            _ => Self::Text,
        }
    }

    fn value(self, cell: Option<&str>) -> Value {
        let Some(text) = cell else {
            return Value::Null;
        };
        let parsed = match self {
            Self::Integer | Self::Float => serde_json::from_str::<serde_json::Number>(text)
                .ok()
                .map(Value::Number),
            // PostgreSQL's text form is `t`/`f`; SQLite and others write 1/0 or true/false.
            Self::Boolean => match text {
                "t" | "true" | "1" => Some(Value::Bool(true)),
                "f" | "false" | "0" => Some(Value::Bool(false)),
                _ => None,
            },
            Self::Json => serde_json::from_str(text).ok(),
            Self::Text => None,
        };
        parsed.unwrap_or_else(|| Value::String(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spool::{Row, Spool};

    fn columns() -> Vec<ResultColumn> {
        [
            ("id", "int4"),
            ("name", "text"),
            ("ok", "bool"),
            ("doc", "jsonb"),
            ("price", "numeric"),
        ]
        .into_iter()
        .map(|(name, type_name)| ResultColumn {
            name: name.into(),
            type_name: type_name.into(),
        })
        .collect()
    }

    fn export(format: ResultFormat) -> (String, Vec<ExportProgress>) {
        let mut spool = Spool::new().expect("spool");
        let rows: [Row; 2] = [
            vec![
                Some("1".into()),
                Some("a, \"quoted\"\nline".into()),
                Some("t".into()),
                Some(r#"{"k": [1, 2]}"#.into()),
                Some("12345678901234567890.5".into()),
            ],
            vec![Some("2".into()), Some(String::new()), None, None, None],
        ];
        for row in &rows {
            spool.push(row.iter().map(Option::as_deref)).expect("push");
        }
        let spooled = spool.path_flushed().expect("flushed");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("out");
        let seen = std::sync::Mutex::new(Vec::new());
        write(&spooled, 2, &columns(), &path, format, &|p| {
            seen.lock().expect("lock").push(p)
        })
        .expect("export");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["out"], "no temporary file is left beside it");
        (
            std::fs::read_to_string(path).expect("read"),
            seen.into_inner().expect("seen"),
        )
    }

    #[test]
    fn csv_keeps_null_apart_from_the_empty_string_and_quotes_what_needs_it() {
        let (text, progress) = export(ResultFormat::Csv);
        assert_eq!(
            text,
            "id,name,ok,doc,price\n\
             1,\"a, \"\"quoted\"\"\nline\",t,\"{\"\"k\"\": [1, 2]}\",12345678901234567890.5\n\
             2,\"\",,,\n"
        );
        let last = progress.last().expect("a final report");
        assert!(last.done);
        assert_eq!(
            (last.rows, last.total, last.bytes),
            (2, 2, text.len() as i64)
        );
    }

    #[test]
    fn json_gives_numbers_booleans_and_documents_their_types() {
        let (text, _) = export(ResultFormat::Json);
        let value: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(
            value,
            serde_json::json!([
                {"id": 1, "name": "a, \"quoted\"\nline", "ok": true, "doc": {"k": [1, 2]}, "price": "12345678901234567890.5"},
                {"id": 2, "name": "", "ok": null, "doc": null, "price": null}
            ])
        );
    }
}
