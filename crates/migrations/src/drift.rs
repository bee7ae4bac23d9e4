//! Drift: the live schema against the schema the migration files make. The files applied on the
//! live database are replayed into a shadow database (an empty server of the same engine and
//! version, which the caller starts and removes), both are read by the schema inspector and
//! compared; the difference becomes a migration's up and down SQL. Nothing is reset.

use std::path::Path;
use std::time::Instant;

use quantum_schema::diff::{diff, migration_sql, MigrationSql, SchemaDiff};
use quantum_schema::Target;
use serde::Serialize;
use specta::Type;
use sqlx::migrate::MigrationType;

use crate::conn::Conn;
use crate::{layout, status, MigrationFormat, MigrationState, Result};

#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    /// From the files' schema to the live one, table by table.
    pub diff: SchemaDiff,
    /// A migration that turns the files' schema into the live one (up) and back (down).
    pub sql: MigrationSql,
    /// The migrations replayed: those applied on the live database.
    pub replayed: Vec<i64>,
    /// Milliseconds spent replaying, and reading and comparing both schemas.
    pub replay_ms: u64,
    pub compare_ms: u64,
}

/// Replays into `shadow` the migrations applied on `live` and compares the two schemas.
pub async fn drift(
    live: &Target,
    shadow: &Target,
    folder: &Path,
    format: MigrationFormat,
) -> Result<Drift> {
    let applied: Vec<i64> = status(live, folder, format)
        .await?
        .migrations
        .iter()
        .filter(|m| {
            matches!(
                m.state,
                MigrationState::Applied | MigrationState::Changed | MigrationState::Failed
            )
        })
        .map(|m| m.version)
        .collect();
    let started = Instant::now();
    let replayed = match applied.last() {
        Some(last) => crate::apply(shadow, folder, format, Some(*last)).await?,
        None => Vec::new(),
    };
    let replay_ms = started.elapsed().as_millis() as u64;
    let started = Instant::now();
    let (expected, actual) = tokio::try_join!(
        quantum_schema::inspect(shadow),
        quantum_schema::inspect(live)
    )?;
    let drift = Drift {
        diff: diff(&expected, &actual),
        sql: migration_sql(&expected, &actual),
        replayed,
        replay_ms,
        compare_ms: started.elapsed().as_millis() as u64,
    };
    tracing::info!(
        tables = drift.diff.tables.len(),
        replay_ms,
        compare_ms = drift.compare_ms,
        "drift checked"
    );
    Ok(drift)
}

/// Records migration `version` as applied without running it: a migration written from drift
/// describes what the live database already has. The history row is the layout's own (sqlx's
/// with the file's checksum, so `sqlx migrate info` agrees).
pub async fn record_applied(
    target: &Target,
    folder: &Path,
    format: MigrationFormat,
    version: i64,
) -> Result<()> {
    let mut opened = Conn::open(target).await?;
    let conn = &mut opened;
    let result = async {
        match layout(conn, format).await {
            MigrationFormat::Dbmate => crate::dbmate::record_applied(conn, folder, version).await,
            MigrationFormat::GolangMigrate => {
                crate::golang_migrate::record_applied(conn, version).await
            }
            MigrationFormat::Flyway => crate::flyway::record_applied(conn, folder, version).await,
            _ => {
                let migration = crate::sqlx_format::resolve(folder)
                    .await?
                    .into_iter()
                    .find(|m| {
                        m.version == version && m.migration_type != MigrationType::ReversibleDown
                    })
                    .ok_or(crate::Error::NoSuchVersion(version))?;
                crate::sqlx_format::record_applied(conn, &migration).await
            }
        }
    }
    .await;
    opened.close().await;
    result
}
