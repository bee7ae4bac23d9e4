//! sqlx's layout and history table (`_sqlx_migrations`), through sqlx's own migration code: the
//! same files are read the same way, the same checksums (SHA-384 of the file) are written, so
//! `sqlx migrate info` and the app always agree.

use std::path::Path;

use sqlx::migrate::{AppliedMigration, MigrateError, Migration, MigrationSource, MigrationType};
use sqlx::Row;

use crate::conn::{failure, is_missing_table, Conn};
use crate::{Direction, Error, MigrationState, MigrationStatus, Result};

impl Conn {
    /// The history table's rows (when, how long), or none when the table does not exist yet.
    async fn history(&mut self) -> Result<Vec<HistoryRow>> {
        let sql = match self {
            Self::Postgres(_) => "SELECT version, installed_on::text AS installed_on, success, execution_time FROM _sqlx_migrations ORDER BY version",
            Self::Mysql(_) => "SELECT version, CAST(installed_on AS CHAR) AS installed_on, success, execution_time FROM _sqlx_migrations ORDER BY version",
            Self::Sqlite(_) => "SELECT version, CAST(installed_on AS TEXT) AS installed_on, success, execution_time FROM _sqlx_migrations ORDER BY version",
        };
        let rows = match self {
            Self::Postgres(conn) => sqlx::query(sql)
                .fetch_all(conn)
                .await
                .map(|rows| rows.iter().map(HistoryRow::of).collect::<Vec<_>>()),
            Self::Mysql(conn) => sqlx::query(sql)
                .fetch_all(conn)
                .await
                .map(|rows| rows.iter().map(HistoryRow::of).collect()),
            Self::Sqlite(conn) => sqlx::query(sql)
                .fetch_all(conn)
                .await
                .map(|rows| rows.iter().map(HistoryRow::of).collect()),
        };
        match rows {
            Ok(rows) => Ok(rows),
            Err(error) if is_missing_table(&error) => Ok(Vec::new()),
            Err(error) => Err(Error::History(error.to_string())),
        }
    }

    /// Whether another tool's history table is there while sqlx's is not.
    async fn foreign_history(&mut self) -> Result<Option<&'static str>> {
        let (sqlx_table, other): (i64, i64) = match self {
            Self::Postgres(conn) => sqlx::query_as(
                "SELECT (to_regclass('_sqlx_migrations') IS NOT NULL)::int::int8, \
                 (to_regclass('schema_migrations') IS NOT NULL OR to_regclass('flyway_schema_history') IS NOT NULL)::int::int8",
            )
            .fetch_one(conn)
            .await,
            Self::Mysql(conn) => sqlx::query_as(
                "SELECT CAST(SUM(table_name = '_sqlx_migrations') AS SIGNED), \
                 CAST(SUM(table_name IN ('schema_migrations', 'flyway_schema_history')) AS SIGNED) \
                 FROM information_schema.tables WHERE table_schema = DATABASE()",
            )
            .fetch_one(conn)
            .await
            .map(|(a, b): (Option<i64>, Option<i64>)| (a.unwrap_or(0), b.unwrap_or(0))),
            Self::Sqlite(conn) => sqlx::query_as(
                "SELECT COUNT(*) FILTER (WHERE name = '_sqlx_migrations'), \
                 COUNT(*) FILTER (WHERE name IN ('schema_migrations', 'flyway_schema_history')) \
                 FROM sqlite_master WHERE type = 'table'",
            )
            .fetch_one(conn)
            .await,
        }
        .map_err(|error| Error::History(error.to_string()))?;
        Ok((sqlx_table == 0 && other > 0).then_some("golang-migrate, dbmate or Flyway"))
    }
}

struct HistoryRow {
    version: i64,
    installed_on: Option<String>,
    success: bool,
    execution_ns: i64,
}

impl HistoryRow {
    fn of<R: Row>(row: &R) -> Self
    where
        for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> &'r str: sqlx::ColumnIndex<R>,
    {
        Self {
            version: row.try_get("version").unwrap_or_default(),
            installed_on: row.try_get("installed_on").unwrap_or_default(),
            success: row.try_get("success").unwrap_or(false),
            execution_ns: row.try_get("execution_time").unwrap_or_default(),
        }
    }
}

/// The folder's migrations as sqlx reads them.
pub(crate) async fn resolve(folder: &Path) -> Result<Vec<Migration>> {
    folder
        .to_path_buf()
        .resolve()
        .await
        .map_err(|error| Error::Files {
            folder: folder.display().to_string(),
            message: error.to_string(),
        })
}

/// Each migration's SQL in one direction, with whether it runs in a transaction.
pub(crate) async fn sources(
    folder: &Path,
    direction: Direction,
) -> Result<Vec<(i64, String, bool)>> {
    Ok(resolve(folder)
        .await?
        .into_iter()
        .filter(|m| match direction {
            Direction::Apply => m.migration_type.is_up_migration(),
            Direction::Rollback => m.migration_type.is_down_migration(),
        })
        .map(|m| (m.version, m.sql.to_string(), !m.no_tx))
        .collect())
}

/// Every migration of the folder and of the history, in version order, with its state.
pub(crate) async fn status(
    conn: &mut Conn,
    folder: &Path,
) -> Result<(Vec<MigrationStatus>, Option<i64>)> {
    if let Some(other) = conn.foreign_history().await? {
        return Err(Error::Unsupported {
            folder: folder.display().to_string(),
            format: other.to_owned(),
        });
    }
    let migrations = resolve(folder).await?;
    let history = conn.history().await?;
    let applied: Vec<AppliedMigration> = if history.is_empty() {
        Vec::new()
    } else {
        conn.migrate()
            .list_applied_migrations()
            .await
            .map_err(|error| Error::History(error.to_string()))?
    };
    let dirty = history
        .iter()
        .find(|row| !row.success)
        .map(|row| row.version);
    let names = up_files(folder);
    let mut statuses: Vec<MigrationStatus> = migrations
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|migration| {
            let done = applied.iter().find(|a| a.version == migration.version);
            let row = history.iter().find(|r| r.version == migration.version);
            MigrationStatus {
                version: migration.version,
                name: migration.description.to_string(),
                state: match (done, row) {
                    (_, Some(row)) if !row.success => MigrationState::Failed,
                    (Some(done), _) if done.checksum != migration.checksum => {
                        MigrationState::Changed
                    }
                    (Some(_), _) => MigrationState::Applied,
                    (None, _) => MigrationState::Pending,
                },
                applied_at: row.and_then(|r| r.installed_on.clone()),
                execution_ms: row.map(|r| r.execution_ns / 1_000_000),
                reversible: migration.migration_type == MigrationType::ReversibleUp
                    && migrations.iter().any(|m| {
                        m.version == migration.version
                            && m.migration_type == MigrationType::ReversibleDown
                    }),
                file: names
                    .iter()
                    .find(|(version, _)| *version == migration.version)
                    .map(|(_, name)| name.clone()),
            }
        })
        .collect();
    for row in &history {
        if !statuses.iter().any(|s| s.version == row.version) {
            statuses.push(MigrationStatus {
                version: row.version,
                name: String::new(),
                state: MigrationState::Missing,
                applied_at: row.installed_on.clone(),
                execution_ms: Some(row.execution_ns / 1_000_000),
                reversible: false,
                file: None,
            });
        }
    }
    statuses.sort_by_key(|s| s.version);
    Ok((statuses, dirty))
}

/// The up (or simple) files' names by version, as on disk (sqlx keeps only the description,
/// and the version as a number: `0001` would read back as `1`).
fn up_files(folder: &Path) -> Vec<(i64, String)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(".sql") && !name.ends_with(".down.sql"))
        .filter_map(|name| {
            let version = name.split_once('_')?.0.parse().ok()?;
            Some((version, name))
        })
        .collect()
}

/// Applies the pending migrations in version order, up to `to` (all when `None`); each in a
/// transaction where the engine allows it (sqlx's own rule; `-- no-transaction` opts out).
pub(crate) async fn apply(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let (statuses, dirty) = status(conn, folder).await?;
    if let Some(version) = dirty {
        return Err(Error::Dirty(version));
    }
    if let Some(changed) = statuses.iter().find(|s| s.state == MigrationState::Changed) {
        return Err(Error::Changed(changed.version));
    }
    if let Some(to) = to {
        if !statuses.iter().any(|s| s.version == to && s.file.is_some()) {
            return Err(Error::NoSuchVersion(to));
        }
    }
    let versions = crate::plan(&statuses, Direction::Apply, to);
    let migrations = resolve(folder).await?;
    let pending: Vec<&Migration> = versions
        .iter()
        .filter_map(|v| {
            migrations
                .iter()
                .find(|m| m.version == *v && m.migration_type.is_up_migration())
        })
        .collect();
    conn.migrate()
        .ensure_migrations_table()
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    run_locked(conn, &pending, Direction::Apply).await
}

/// Rolls back the applied migrations above `to` with their down files, newest first; only the
/// newest one when `to` is `None`.
pub(crate) async fn rollback(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let (statuses, dirty) = status(conn, folder).await?;
    if let Some(version) = dirty {
        return Err(Error::Dirty(version));
    }
    let migrations = resolve(folder).await?;
    let downs: Vec<&Migration> = crate::plan(&statuses, Direction::Rollback, to)
        .into_iter()
        .map(|version| {
            migrations
                .iter()
                .find(|m| m.version == version && m.migration_type == MigrationType::ReversibleDown)
                .ok_or_else(|| Error::NotReversible {
                    version,
                    name: statuses
                        .iter()
                        .find(|s| s.version == version)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                })
        })
        .collect::<Result<_>>()?;
    run_locked(conn, &downs, Direction::Rollback).await
}

/// Applies (or reverts) `migrations` in order under sqlx's lock, stopping at the first failure.
async fn run_locked(
    conn: &mut Conn,
    migrations: &[&Migration],
    direction: Direction,
) -> Result<Vec<i64>> {
    let migrate = conn.migrate();
    migrate
        .lock()
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    let mut done = Vec::new();
    let mut failure = None;
    for migration in migrations {
        let ran = match direction {
            Direction::Apply => migrate.apply(migration).await,
            Direction::Rollback => migrate.revert(migration).await,
        };
        match ran {
            Ok(elapsed) => {
                tracing::info!(
                    version = migration.version,
                    elapsed_ms = elapsed.as_millis() as u64,
                    ?direction,
                    "migration run"
                );
                done.push(migration.version);
            }
            Err(error) => {
                failure = Some(failed(migration, error));
                break;
            }
        }
    }
    let _ = migrate.unlock().await;
    match failure {
        Some(error) => Err(error),
        None => Ok(done),
    }
}

/// The server's error for a migration sqlx ran.
fn failed(migration: &Migration, error: MigrateError) -> Error {
    match &error {
        MigrateError::Execute(error) | MigrateError::ExecuteMigration(error, _) => failure(
            migration.version,
            &migration.description,
            &migration.sql,
            0,
            error,
        ),
        other => Error::Failed {
            version: migration.version,
            name: migration.description.to_string(),
            message: other.to_string(),
            line: None,
        },
    }
}

/// Writes `migration` into sqlx's history as applied, with its checksum, without running it.
pub(crate) async fn record_applied(conn: &mut Conn, migration: &Migration) -> Result<()> {
    conn.migrate()
        .ensure_migrations_table()
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    let checksum = migration.checksum.to_vec();
    let description = migration.description.to_string();
    macro_rules! insert {
        ($conn:expr, $sql:expr) => {
            sqlx::query($sql)
                .bind(migration.version)
                .bind(description)
                .bind(checksum)
                .execute($conn)
                .await
                .map(drop)
        };
    }
    const COLUMNS: &str =
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)";
    let written = match conn {
        Conn::Postgres(conn) => insert!(conn, &format!("{COLUMNS} VALUES ($1, $2, TRUE, $3, 0)")),
        Conn::Mysql(conn) => insert!(conn, &format!("{COLUMNS} VALUES (?, ?, TRUE, ?, 0)")),
        Conn::Sqlite(conn) => insert!(conn, &format!("{COLUMNS} VALUES (?, ?, TRUE, ?, 0)")),
    };
    written.map_err(|error| Error::History(error.to_string()))
}
