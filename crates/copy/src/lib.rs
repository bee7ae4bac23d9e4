//! Copying a database's tables and rows into a PostgreSQL or MySQL/MariaDB database of another
//! engine (the original plan's "SQLite → PostgreSQL"): the source's tables planned with mapped
//! types (`plan.rs`), created on the target, loaded by its fast path (`write.rs`), rows that cannot
//! be converted set aside with the reason instead of stopping the copy (`value.rs`), unique keys,
//! indexes and foreign keys after the data, identity counters moved past the copied rows, and
//! every table read back at the end: its row count and an order-independent checksum of its
//! rows must equal what was sent. On PostgreSQL the whole copy is one transaction.

mod error;
pub mod plan;
mod read;
pub mod value;
mod write;

use std::time::Instant;

use futures_util::StreamExt;
use quantum_schema::models::types::Kind;
use quantum_schema::{SchemaEngine, Target};
use serde::Serialize;
use specta::Type;
use sqlx::Connection;

pub use error::{Error, Result};
pub use plan::{PlannedColumn, PlannedTable};
use read::Source;
use value::{convert, Value};
use write::Sink;

/// Rows converted and sent at a time.
const BATCH_ROWS: usize = 50_000;
/// Rejected rows listed (all are counted).
const REJECTED_LISTED: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CopyPhase {
    Creating,
    Loading,
    Constraints,
    Verifying,
    Done,
}

/// Where a copy is, pushed as it goes.
#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CopyProgress {
    pub phase: CopyPhase,
    pub table: String,
    /// 1-based, of `tables`.
    pub table_index: u32,
    pub tables: u32,
    pub rows_done: i64,
    /// The source's estimate, when it has one.
    pub rows_total: Option<i64>,
}

/// A source row that could not be converted to the target's types, set aside.
#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    pub table: String,
    /// Its position in the source table (1 is the first row read).
    pub row: i64,
    pub column: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TableReport {
    pub name: String,
    pub rows_read: i64,
    pub rows_copied: i64,
    pub rows_rejected: i64,
    /// The target holds exactly the rows sent: the same count and checksum, read back.
    pub verified: bool,
    /// The checksum of the rows sent (hex): the sum of their SHA-256 prefixes, so order-free.
    pub checksum: String,
    /// What was not carried over as it was: defaults, indexes, keys the rows break.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CopyReport {
    pub tables: Vec<TableReport>,
    /// The first rejected rows (all are counted per table).
    pub rejected: Vec<RejectedRow>,
    pub elapsed_ms: u64,
    pub rows_per_second: f64,
}

/// The tables a copy would create on a target of `target`'s engine, with their types.
pub async fn preview(source: &Target, target: &Target) -> Result<Vec<PlannedTable>> {
    let engine = target_engine(target)?;
    let mut source_db = open_source(source).await?;
    let planned = planned(source, &mut source_db, engine).await;
    close_source(source_db).await;
    planned
}

/// Copies every table of `source` into `target` (which must not hold tables of the same names).
pub async fn copy(
    source: &Target,
    target: &Target,
    mut on_progress: impl FnMut(CopyProgress) + Send,
) -> Result<CopyReport> {
    let started = Instant::now();
    let engine = target_engine(target)?;
    let existing = quantum_schema::inspect(target).await?;
    let mut source_db = open_source(source).await?;
    let tables = planned(source, &mut source_db, engine).await?;
    let clashing: Vec<String> = tables
        .iter()
        .filter(|t| {
            existing
                .tables
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(&t.name))
        })
        .map(|t| t.name.clone())
        .collect();
    if !clashing.is_empty() {
        close_source(source_db).await;
        return Err(Error::TablesExist { tables: clashing });
    }
    let mut sink = match target {
        Target::Postgres(server) => Sink::Postgres(quantum_schema::connect_postgres(server).await?),
        _ => match target {
            Target::Mysql(server) => Sink::Mysql(quantum_schema::connect_mysql(server).await?),
            _ => return Err(Error::UnsupportedTarget),
        },
    };
    let postgres = engine == SchemaEngine::Postgres;
    if postgres {
        sink.execute("BEGIN").await?;
    }
    let loaded = load_all(&mut source_db, &mut sink, &tables, &mut on_progress).await;
    close_source(source_db).await;
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            if postgres {
                let _ = sink.execute("ROLLBACK").await;
            }
            return Err(error);
        }
    };
    if postgres {
        sink.execute("COMMIT").await?;
    }
    let count = tables.len() as u32;
    let (mut reports, rejected): (Vec<_>, Vec<_>) = loaded.into_iter().unzip();
    for (index, (table, report)) in tables.iter().zip(reports.iter_mut()).enumerate() {
        on_progress(CopyProgress {
            phase: CopyPhase::Verifying,
            table: table.name.clone(),
            table_index: index as u32 + 1,
            tables: count,
            rows_done: report.rows_copied,
            rows_total: Some(report.rows_copied),
        });
        let (rows, sum) = sink.read_back(table).await?;
        report.verified = rows == report.rows_copied && format!("{sum:032x}") == report.checksum;
        if !report.verified {
            report.notes.push(format!(
                "read back {rows} rows that do not match what was sent: check the column types"
            ));
        }
    }
    close_sink(sink).await;
    let copied: i64 = reports.iter().map(|r| r.rows_copied).sum();
    let elapsed = started.elapsed();
    on_progress(CopyProgress {
        phase: CopyPhase::Done,
        table: String::new(),
        table_index: count,
        tables: count,
        rows_done: copied,
        rows_total: Some(copied),
    });
    let report = CopyReport {
        tables: reports,
        rejected: rejected
            .into_iter()
            .flatten()
            .take(REJECTED_LISTED)
            .collect(),
        elapsed_ms: elapsed.as_millis() as u64,
        rows_per_second: copied as f64 / elapsed.as_secs_f64().max(1e-9),
    };
    tracing::info!(rows = copied, elapsed_ms = report.elapsed_ms, "copy done");
    Ok(report)
}

type Loaded = Vec<(TableReport, Vec<RejectedRow>)>;

async fn load_all(
    source: &mut Source,
    sink: &mut Sink,
    tables: &[PlannedTable],
    on_progress: &mut (impl FnMut(CopyProgress) + Send),
) -> Result<Loaded> {
    let count = tables.len() as u32;
    for (index, table) in tables.iter().enumerate() {
        on_progress(progress(CopyPhase::Creating, table, index, count, 0));
        sink.execute(&sink.create_table(table)).await?;
    }
    let mut out = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        out.push(load_table(source, sink, table, index, count, on_progress).await?);
    }
    // Unique keys and indexes of every table first: foreign keys point at them.
    let mut constraints: Vec<(usize, String, String)> = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        on_progress(progress(
            CopyPhase::Constraints,
            table,
            index,
            count,
            out[index].0.rows_copied,
        ));
        for (what, sql) in sink.constraints(&table.source) {
            constraints.push((index, what, sql));
        }
        sink.advance_identity(table).await?;
    }
    constraints.sort_by_key(|(_, what, _)| what.starts_with("foreign key"));
    for (index, what, sql) in constraints {
        if let Err(reason) = sink.attempt(&sql).await {
            out[index]
                .0
                .notes
                .push(format!("the {what} was not added: {reason}"));
        }
    }
    Ok(out)
}

async fn load_table(
    source: &mut Source,
    sink: &mut Sink,
    table: &PlannedTable,
    index: usize,
    count: u32,
    on_progress: &mut (impl FnMut(CopyProgress) + Send),
) -> Result<(TableReport, Vec<RejectedRow>)> {
    let sql = source.select(table);
    let kinds: Vec<Kind> = table.columns.iter().map(|c| c.kind).collect();
    let mut rows = source.rows(&sql, &kinds);
    on_progress(progress(CopyPhase::Loading, table, index, count, 0));
    // Converting the next batch while the target takes the last one: two sides of a channel,
    // driven together.
    let (batches, mut to_load) = tokio::sync::mpsc::channel::<(Vec<Vec<Option<String>>>, i64)>(2);
    let convert = async move {
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        let mut rejected = Vec::new();
        let (mut read, mut copied, mut rejected_count, mut sum) = (0i64, 0i64, 0i64, 0u128);
        while let Some(row) = rows.next().await {
            let row = row?;
            read += 1;
            match convert_row(table, row) {
                Ok(cells) => {
                    sum = sum.wrapping_add(row_hash(&cells));
                    copied += 1;
                    batch.push(cells);
                }
                Err((column, reason)) => {
                    rejected_count += 1;
                    if rejected.len() < REJECTED_LISTED {
                        rejected.push(RejectedRow {
                            table: table.name.clone(),
                            row: read,
                            column,
                            reason,
                        });
                    }
                }
            }
            if batch.len() == BATCH_ROWS {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                if batches.send((full, copied)).await.is_err() {
                    break;
                }
            }
        }
        let _ = batches.send((batch, copied)).await;
        Ok::<_, Error>((read, copied, rejected_count, sum, rejected))
    };
    let load = async move {
        while let Some((batch, copied)) = to_load.recv().await {
            sink.load(table, &batch).await?;
            on_progress(progress(CopyPhase::Loading, table, index, count, copied));
        }
        Ok::<_, Error>(())
    };
    let (converted, loaded) = tokio::join!(convert, load);
    loaded?;
    let (read, copied, rejected_count, sum, rejected) = converted?;
    Ok((
        TableReport {
            name: table.name.clone(),
            rows_read: read,
            rows_copied: copied,
            rows_rejected: rejected_count,
            verified: false,
            checksum: format!("{sum:032x}"),
            notes: table.notes.clone(),
        },
        rejected,
    ))
}

fn convert_row(
    table: &PlannedTable,
    row: Vec<Value>,
) -> std::result::Result<Vec<Option<String>>, (String, String)> {
    row.into_iter()
        .zip(&table.columns)
        .map(|(value, column)| {
            let cell =
                convert(column.kind, value).map_err(|reason| (column.name.clone(), reason))?;
            if cell.is_none() && !column.nullable && !column.identity {
                return Err((column.name.clone(), "NULL in a NOT NULL column".to_owned()));
            }
            Ok(cell)
        })
        .collect()
}

fn progress(
    phase: CopyPhase,
    table: &PlannedTable,
    index: usize,
    tables: u32,
    rows_done: i64,
) -> CopyProgress {
    CopyProgress {
        phase,
        table: table.name.clone(),
        table_index: index as u32 + 1,
        tables,
        rows_done,
        rows_total: table.row_estimate,
    }
}

/// A row's hash: SHA-256 over its cells (length-prefixed, NULL marked), its first 16 bytes.
pub(crate) fn row_hash(cells: &[Option<String>]) -> u128 {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    for cell in cells {
        match cell {
            None => context.update(b"N"),
            Some(text) => {
                context.update(b"S");
                context.update(&(text.len() as u64).to_le_bytes());
                context.update(text.as_bytes());
            }
        }
    }
    let digest = context.finish();
    let mut prefix = [0u8; 16];
    prefix.copy_from_slice(&digest.as_ref()[..16]);
    u128::from_le_bytes(prefix)
}

fn target_engine(target: &Target) -> Result<SchemaEngine> {
    match target {
        Target::Postgres(_) => Ok(SchemaEngine::Postgres),
        Target::Mysql(_) => Ok(SchemaEngine::Mysql),
        Target::Sqlite(_) => Err(Error::UnsupportedTarget),
    }
}

async fn open_source(source: &Target) -> Result<Source> {
    Ok(match source {
        Target::Sqlite(path) => Source::Sqlite(path.clone()),
        Target::Postgres(server) => {
            Source::Postgres(quantum_schema::connect_postgres(server).await?)
        }
        Target::Mysql(server) => Source::Mysql(quantum_schema::connect_mysql(server).await?),
    })
}

async fn close_source(source: Source) {
    let _ = match source {
        Source::Sqlite(_) => Ok(()),
        Source::Postgres(conn) => conn.close().await,
        Source::Mysql(conn) => conn.close().await,
    };
}

async fn close_sink(sink: Sink) {
    let _ = match sink {
        Sink::Postgres(conn) => conn.close().await,
        Sink::Mysql(conn) => conn.close().await,
    };
}

/// The plan, with SQLite's untyped columns given the kind of their values.
async fn planned(
    source: &Target,
    db: &mut Source,
    engine: SchemaEngine,
) -> Result<Vec<PlannedTable>> {
    let schema = quantum_schema::inspect(source).await?;
    let mut inferred = plan::Inferred::new();
    if let Source::Sqlite(path) = db {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&*path)
            .read_only(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .map_err(Error::source)?;
        for table in schema
            .tables
            .iter()
            .filter(|t| t.kind == quantum_schema::TableKind::Table)
        {
            for column in table
                .columns
                .iter()
                .filter(|c| c.data_type.trim().is_empty())
            {
                let name = write::Dialect::Postgres.quote(&column.name);
                let sql = format!(
                    "SELECT max(typeof({name}) = 'text'), max(typeof({name}) = 'real'), \
                     max(typeof({name}) = 'integer'), max(typeof({name}) = 'blob') FROM {}",
                    write::Dialect::Postgres.quote(&table.name)
                );
                let (text, real, int, blob): (
                    Option<bool>,
                    Option<bool>,
                    Option<bool>,
                    Option<bool>,
                ) = sqlx::query_as(&sql)
                    .fetch_one(&mut conn)
                    .await
                    .map_err(Error::source)?;
                inferred.insert(
                    (table.name.clone(), column.name.clone()),
                    plan::infer(
                        text.unwrap_or(false),
                        real.unwrap_or(false),
                        int.unwrap_or(false),
                        blob.unwrap_or(false),
                    ),
                );
            }
        }
    }
    Ok(plan::plan(&schema, engine, &inferred))
}
