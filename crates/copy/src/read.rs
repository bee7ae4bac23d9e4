//! Reading a source table's rows as cells, whatever the engine: SQLite's own storage classes,
//! or PostgreSQL's and MySQL's text output (binary as hex).

use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use quantum_schema::models::types::Kind;
use sqlx::{Row, TypeInfo, ValueRef};

use crate::plan::PlannedTable;
use crate::value::Value;
use crate::write::Dialect;
use crate::{Error, Result};

/// An open source database.
pub enum Source {
    Sqlite(sqlx::SqliteConnection),
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
            Self::Sqlite(conn) => sqlx::raw_sql(sql)
                .fetch(conn)
                .map(|row| row.map_err(Error::source).and_then(|row| sqlite_row(&row)))
                .boxed(),
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

/// SQLite keeps each cell in the storage class it was written with, whatever the column says.
fn sqlite_row(row: &sqlx::sqlite::SqliteRow) -> Result<Vec<Value>> {
    (0..row.columns().len())
        .map(|i| {
            let raw = row.try_get_raw(i).map_err(Error::source)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let class = raw.type_info().name().to_owned();
            Ok(match class.as_str() {
                "INTEGER" => Value::Int(row.try_get_unchecked(i).map_err(Error::source)?),
                "REAL" => Value::Real(row.try_get_unchecked(i).map_err(Error::source)?),
                "BLOB" => Value::Bytes(row.try_get_unchecked(i).map_err(Error::source)?),
                _ => Value::Text(row.try_get_unchecked(i).map_err(Error::source)?),
            })
        })
        .collect()
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
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}
