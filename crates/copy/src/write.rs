//! Writing into the target: tables created from the plan, rows loaded by the engine's fast path
//! (PostgreSQL's `COPY … FROM STDIN`, MySQL's multi-row INSERT), then keys and indexes, counters
//! set past the copied rows, and the rows read back for the verification.

use futures_util::StreamExt;
use quantum_schema::models::types::Kind;
use quantum_schema::Table;
use sqlx::{Executor, Row};

use crate::plan::PlannedTable;
use crate::value::normalize;
use crate::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Mysql,
}

impl Dialect {
    /// Every name quoted: a copied table keeps its names exactly, whatever they are.
    pub fn quote(self, name: &str) -> String {
        match self {
            Self::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Self::Mysql => format!("`{}`", name.replace('`', "``")),
        }
    }

    fn columns(self, columns: &[String]) -> String {
        columns
            .iter()
            .map(|c| self.quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An open target database.
pub enum Sink {
    Postgres(sqlx::PgConnection),
    Mysql(sqlx::MySqlConnection),
}

/// Rows sent per MySQL INSERT: within its 65,535 placeholders and a comfortable packet.
const MYSQL_BATCH_CELLS: usize = 20_000;

impl Sink {
    pub fn dialect(&self) -> Dialect {
        match self {
            Self::Postgres(_) => Dialect::Postgres,
            Self::Mysql(_) => Dialect::Mysql,
        }
    }

    pub async fn execute(&mut self, sql: &str) -> Result<()> {
        let done = match self {
            Self::Postgres(conn) => conn.execute(sql).await.map(drop),
            Self::Mysql(conn) => conn.execute(sql).await.map(drop),
        };
        done.map_err(|error| Error::Target(format!("{error} (running: {sql})")))
    }

    pub fn create_table(&self, table: &PlannedTable) -> String {
        let d = self.dialect();
        let mut parts: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let mut text = format!("{} {}", d.quote(&c.name), c.target_type);
                if !c.nullable && !c.identity {
                    text.push_str(" NOT NULL");
                }
                if let Some(default) = &c.default {
                    text.push_str(&format!(" DEFAULT {default}"));
                }
                text
            })
            .collect();
        if let Some(pk) = &table.source.primary_key {
            parts.push(format!("PRIMARY KEY ({})", d.columns(&pk.columns)));
        }
        format!(
            "CREATE TABLE {} ({})",
            d.quote(&table.name),
            parts.join(", ")
        )
    }

    /// Sends the rows of one table (canonical text cells, None for NULL) in one COPY on
    /// PostgreSQL, in multi-row INSERTs on MySQL.
    pub async fn load(&mut self, table: &PlannedTable, rows: &[Vec<Option<String>>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let d = self.dialect();
        let names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        match self {
            Self::Postgres(conn) => {
                let statement = format!(
                    "COPY {} ({}) FROM STDIN",
                    d.quote(&table.name),
                    d.columns(&names)
                );
                let mut copy = conn.copy_in_raw(&statement).await.map_err(Error::target)?;
                let mut buffer = String::with_capacity(1 << 20);
                for row in rows {
                    copy_line(&mut buffer, table, row);
                    if buffer.len() >= 1 << 20 {
                        copy.send(buffer.as_bytes()).await.map_err(Error::target)?;
                        buffer.clear();
                    }
                }
                copy.send(buffer.as_bytes()).await.map_err(Error::target)?;
                copy.finish().await.map_err(Error::target)?;
            }
            Self::Mysql(conn) => {
                let per_insert = (MYSQL_BATCH_CELLS / names.len().max(1)).max(1);
                for chunk in rows.chunks(per_insert) {
                    let mut builder = sqlx::QueryBuilder::<sqlx::MySql>::new(format!(
                        "INSERT INTO {} ({}) ",
                        d.quote(&table.name),
                        d.columns(&names)
                    ));
                    builder.push_values(chunk, |mut values, row| {
                        for (cell, column) in row.iter().zip(&table.columns) {
                            match (cell, column.kind) {
                                (Some(hex), Kind::Bytes) => {
                                    values.push_bind(crate::read::unhex(hex));
                                }
                                (Some(text), Kind::Bool) => {
                                    values
                                        .push_bind(if text == "t" { "1" } else { "0" }.to_owned());
                                }
                                (cell, _) => {
                                    values.push_bind(cell.clone());
                                }
                            }
                        }
                    });
                    builder
                        .build()
                        .execute(&mut *conn)
                        .await
                        .map_err(Error::target)?;
                }
            }
        }
        Ok(())
    }

    /// Unique keys, plain indexes and foreign keys, after the data; each may fail on its own
    /// (rows that break it), which is reported, not fatal.
    pub fn constraints(&self, table: &Table) -> Vec<(String, String)> {
        let d = self.dialect();
        let name = d.quote(&table.name);
        let mut out = Vec::new();
        for unique in &table.uniques {
            out.push((
                format!("unique key ({})", unique.columns.join(", ")),
                format!(
                    "ALTER TABLE {name} ADD UNIQUE ({})",
                    d.columns(&unique.columns)
                ),
            ));
        }
        for index in table
            .indexes
            .iter()
            .filter(|i| !i.expression && i.predicate.is_none())
        {
            let unique = if index.unique { "UNIQUE " } else { "" };
            out.push((
                format!("index {}", index.name),
                format!(
                    "CREATE {unique}INDEX {} ON {name} ({})",
                    d.quote(&index.name),
                    d.columns(&index.columns)
                ),
            ));
        }
        for key in &table.foreign_keys {
            out.push((
                format!("foreign key ({}) → {}", key.columns.join(", "), key.ref_table),
                format!(
                    "ALTER TABLE {name} ADD FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
                    d.columns(&key.columns),
                    d.quote(&key.ref_table),
                    d.columns(&key.ref_columns),
                    key.on_delete.sql(),
                    key.on_update.sql()
                ),
            ));
        }
        out
    }

    /// Runs a statement that may fail on the data without spoiling the rest: in a savepoint on
    /// PostgreSQL (the copy runs in one transaction there).
    pub async fn attempt(&mut self, sql: &str) -> Result<(), String> {
        match self {
            Self::Postgres(conn) => {
                conn.execute("SAVEPOINT copy_step")
                    .await
                    .map_err(|e| e.to_string())?;
                match conn.execute(sql).await {
                    Ok(_) => conn
                        .execute("RELEASE SAVEPOINT copy_step")
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string()),
                    Err(error) => {
                        let _ = conn.execute("ROLLBACK TO SAVEPOINT copy_step").await;
                        Err(error.to_string())
                    }
                }
            }
            Self::Mysql(conn) => conn.execute(sql).await.map(drop).map_err(|e| e.to_string()),
        }
    }

    /// Moves an identity column's counter past the copied rows (PostgreSQL; MySQL's
    /// AUTO_INCREMENT follows the highest value by itself).
    pub async fn advance_identity(&mut self, table: &PlannedTable) -> Result<()> {
        let Self::Postgres(conn) = self else {
            return Ok(());
        };
        let d = Dialect::Postgres;
        for column in table.columns.iter().filter(|c| c.identity) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(max({col}), 1), max({col}) IS NOT NULL) FROM {table}",
                col = d.quote(&column.name),
                table = d.quote(&table.name),
            );
            sqlx::query(&sql)
                .bind(d.quote(&table.name))
                .bind(&column.name)
                .execute(&mut *conn)
                .await
                .map_err(Error::target)?;
        }
        Ok(())
    }

    /// The table as the target now holds it: its row count and the sum of its rows' hashes,
    /// each cell brought to the canonical text `convert` writes.
    pub async fn read_back(&mut self, table: &PlannedTable) -> Result<(i64, u128)> {
        let d = self.dialect();
        let columns = table
            .columns
            .iter()
            .map(|c| {
                let name = d.quote(&c.name);
                match (d, c.kind) {
                    (Dialect::Postgres, Kind::Bytes) => format!("encode({name}, 'hex')"),
                    (Dialect::Postgres, Kind::TimestampTz) => {
                        format!("({name} AT TIME ZONE 'UTC')::text")
                    }
                    (Dialect::Postgres, _) => format!("{name}::text"),
                    (Dialect::Mysql, Kind::Bytes) => format!("HEX({name})"),
                    (Dialect::Mysql, _) => format!("CAST({name} AS CHAR)"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {columns} FROM {}", d.quote(&table.name));
        let kinds: Vec<Kind> = table.columns.iter().map(|c| c.kind).collect();
        let mut count = 0i64;
        let mut sum = 0u128;
        let mut add = |cells: Vec<Option<String>>| {
            let normalized: Vec<Option<String>> = cells
                .into_iter()
                .zip(&kinds)
                .map(|(cell, kind)| match (d, kind) {
                    // PostgreSQL writes these exactly as `convert` does: spared the parse.
                    (
                        Dialect::Postgres,
                        Kind::Int16
                        | Kind::Int32
                        | Kind::Int64
                        | Kind::Text
                        | Kind::Unknown
                        | Kind::Date
                        | Kind::Timestamp
                        | Kind::TimestampTz
                        | Kind::Uuid
                        | Kind::Bytes,
                    ) => cell,
                    _ => cell.map(|text| normalize(*kind, &text)),
                })
                .collect();
            count += 1;
            sum = sum.wrapping_add(crate::row_hash(&normalized));
        };
        match self {
            Self::Postgres(conn) => {
                let mut rows = sqlx::raw_sql(&sql).fetch(conn);
                while let Some(row) = rows.next().await {
                    let row = row.map_err(Error::target)?;
                    add((0..kinds.len())
                        .map(|i| row.try_get_unchecked(i))
                        .collect::<Result<_, _>>()
                        .map_err(Error::target)?);
                }
            }
            Self::Mysql(conn) => {
                let mut rows = sqlx::raw_sql(&sql).fetch(conn);
                while let Some(row) = rows.next().await {
                    let row = row.map_err(Error::target)?;
                    add((0..kinds.len())
                        .map(|i| row.try_get_unchecked(i))
                        .collect::<Result<_, _>>()
                        .map_err(Error::target)?);
                }
            }
        }
        Ok((count, sum))
    }
}

/// One row in COPY's text format: tab-separated, `\N` for NULL, backslash escapes; binary as
/// bytea's hex input (`\x…`, its backslash escaped).
fn copy_line(buffer: &mut String, table: &PlannedTable, row: &[Option<String>]) {
    for (i, (cell, column)) in row.iter().zip(&table.columns).enumerate() {
        if i > 0 {
            buffer.push('\t');
        }
        match (cell, column.kind) {
            (None, _) => buffer.push_str("\\N"),
            (Some(hex), Kind::Bytes) => {
                buffer.push_str("\\\\x");
                buffer.push_str(hex);
            }
            // The canonical time is UTC; said so, whatever the session's time zone.
            (Some(stamp), Kind::TimestampTz) => {
                buffer.push_str(stamp);
                buffer.push_str("+00");
            }
            (Some(text), _) if !text.contains(['\\', '\t', '\n', '\r']) => buffer.push_str(text),
            (Some(text), _) => {
                for c in text.chars() {
                    match c {
                        '\\' => buffer.push_str("\\\\"),
                        '\t' => buffer.push_str("\\t"),
                        '\n' => buffer.push_str("\\n"),
                        '\r' => buffer.push_str("\\r"),
                        c => buffer.push(c),
                    }
                }
            }
        }
    }
    buffer.push('\n');
}
