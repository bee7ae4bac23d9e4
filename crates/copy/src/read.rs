//! Reading a source table's rows as cells, whatever the engine: SQLite's own storage classes,
//! or PostgreSQL's and MySQL's text output (binary as hex).

use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use quantum_schema::models::types::Kind;
use sqlx::Row;

use crate::plan::PlannedTable;
use crate::value::Value;
use crate::write::Dialect;
use crate::{Error, Result};

/// An open source database.
pub enum Source {
    /// Read with rusqlite on a blocking thread, in batches.
    Sqlite(std::path::PathBuf),
    Postgres(sqlx::PgConnection),
    Mysql(sqlx::MySqlConnection),
}

impl Source {
    /// The statement that reads `table`'s columns in order, binary as hex where the engine
    /// writes text.
    pub fn select(&self, table: &PlannedTable) -> String {
        let dialect = match self {
            Self::Mysql(_) => Dialect::Mysql,
            _ => Dialect::Postgres,
        };
        let columns = table
            .columns
            .iter()
            .map(|c| {
                let name = dialect.quote(&c.name);
                match (self, c.kind) {
                    (Self::Sqlite(_), _) => name,
                    (Self::Postgres(_), Kind::Bytes) => format!("encode({name}, 'hex')"),
                    (Self::Postgres(_), _) => format!("{name}::text"),
                    (Self::Mysql(_), Kind::Bytes) => format!("HEX({name})"),
                    (Self::Mysql(_), _) => format!("CAST({name} AS CHAR)"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let from = match (self, &table.source.schema) {
            (Self::Postgres(_), Some(schema)) => {
                format!("{}.{}", dialect.quote(schema), dialect.quote(&table.name))
            }
            _ => dialect.quote(&table.name),
        };
        format!("SELECT {columns} FROM {from}")
    }

    /// The rows `sql` (from [`Source::select`]) reads, one vector of cells each, as they come.
    pub fn rows<'a>(
        &'a mut self,
        sql: &'a str,
        kinds: &'a [Kind],
    ) -> BoxStream<'a, Result<Vec<Value>>> {
        match self {
            Self::Sqlite(path) => sqlite_rows(path.clone(), sql.to_owned(), kinds.len()),
            Self::Postgres(conn) => sqlx::raw_sql(sql)
                .fetch(conn)
                .map(move |row| {
                    row.map_err(Error::source)
                        .and_then(|row| text_row(&row, kinds))
                })
                .boxed(),
            Self::Mysql(conn) => sqlx::raw_sql(sql)
                .fetch(conn)
                .map(move |row| {
                    row.map_err(Error::source)
                        .and_then(|row| text_row(&row, kinds))
                })
                .boxed(),
        }
    }
}

/// Rows read per batch sent from SQLite's thread.
const SQLITE_BATCH: usize = 4_096;

/// SQLite keeps each cell in the storage class it was written with, whatever the column says:
/// read as such, on a blocking thread, a few batches ahead of the writer.
fn sqlite_rows(
    path: std::path::PathBuf,
    sql: String,
    width: usize,
) -> BoxStream<'static, Result<Vec<Value>>> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<Vec<Vec<Value>>>>(4);
    tokio::task::spawn_blocking(move || {
        let read = || -> rusqlite::Result<()> {
            let conn = rusqlite::Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            let mut statement = conn.prepare(&sql)?;
            let mut rows = statement.query([])?;
            let mut batch = Vec::with_capacity(SQLITE_BATCH);
            while let Some(row) = rows.next()? {
                let mut cells = Vec::with_capacity(width);
                for i in 0..width {
                    cells.push(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(i) => Value::Int(i),
                        rusqlite::types::ValueRef::Real(r) => Value::Real(r),
                        rusqlite::types::ValueRef::Text(t) => {
                            Value::Text(String::from_utf8_lossy(t).into_owned())
                        }
                        rusqlite::types::ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                    });
                }
                batch.push(cells);
                if batch.len() == SQLITE_BATCH
                    && sender
                        .blocking_send(Ok(std::mem::replace(
                            &mut batch,
                            Vec::with_capacity(SQLITE_BATCH),
                        )))
                        .is_err()
                {
                    return Ok(());
                }
            }
            if !batch.is_empty() {
                let _ = sender.blocking_send(Ok(batch));
            }
            Ok(())
        };
        if let Err(error) = read() {
            let _ = sender.blocking_send(Err(Error::source(error)));
        }
    });
    futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
        .flat_map(|batch| {
            futures_util::stream::iter(match batch {
                Ok(rows) => rows.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(error) => vec![Err(error)],
            })
        })
        .boxed()
}

fn text_row<R: Row>(row: &R, kinds: &[Kind]) -> Result<Vec<Value>>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let text: Option<String> = row.try_get_unchecked(i).map_err(Error::source)?;
            Ok(match (text, kind) {
                (None, _) => Value::Null,
                (Some(hex), Kind::Bytes) => Value::Bytes(unhex(&hex).ok_or_else(|| {
                    Error::Source(format!("the server sent “{hex}” as hexadecimal"))
                })?),
                (Some(text), _) => Value::Text(text),
            })
        })
        .collect()
}

pub fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}
