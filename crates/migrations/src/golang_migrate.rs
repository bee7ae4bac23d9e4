//! golang-migrate's layout: `<version>_<title>.up.sql` and `.down.sql` (named as sqlx's
//! reversible files, told apart by the history table), the history one row in
//! `schema_migrations (version bigint, dirty boolean)`: the current version, and whether a
//! migration to it failed half-way. golang-migrate is a Go binary no registry here distributes:
//! this follows its documented table layout (its PostgreSQL, MySQL and SQLite drivers).

use std::path::Path;

use crate::conn::{failure, is_missing_table, Conn};
use crate::{Error, MigrationState, MigrationStatus, Result};

pub(crate) struct Migration {
    pub version: i64,
    pub name: String,
    pub file: String,
    pub up: String,
    pub down: Option<String>,
}

/// The folder's migrations, by version.
pub(crate) fn read(folder: &Path) -> Result<Vec<Migration>> {
    let files_error = |message: String| Error::Files {
        folder: folder.display().to_string(),
        message,
    };
    let mut migrations: Vec<Migration> = Vec::new();
    let mut downs = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|e| files_error(e.to_string()))? {
        let entry = entry.map_err(|e| files_error(e.to_string()))?;
        let Ok(file) = entry.file_name().into_string() else {
            continue;
        };
        let (stem, up) = match (file.strip_suffix(".up.sql"), file.strip_suffix(".down.sql")) {
            (Some(stem), _) => (stem.to_owned(), true),
            (_, Some(stem)) => (stem.to_owned(), false),
            _ => continue,
        };
        let Some((version, name)) = stem.split_once('_') else {
            continue;
        };
        let Ok(version) = version.parse::<i64>() else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| files_error(format!("{file}: {e}")))?;
        if up {
            migrations.push(Migration {
                version,
                name: name.replace('_', " "),
                file,
                up: text,
                down: None,
            });
        } else {
            downs.push((version, text));
        }
    }
    for (version, text) in downs {
        if let Some(migration) = migrations.iter_mut().find(|m| m.version == version) {
            migration.down = Some(text);
        }
    }
    migrations.sort_by_key(|m| m.version);
    Ok(migrations)
}

/// Whether this database holds golang-migrate's table (and not sqlx's): a folder of
/// `.up.sql`/`.down.sql` files is then golang-migrate's.
pub(crate) async fn present(conn: &mut Conn) -> bool {
    conn.count("SELECT COUNT(*) FROM schema_migrations WHERE dirty IS NOT NULL")
        .await
        .is_ok()
        && conn
            .count("SELECT COUNT(*) FROM _sqlx_migrations")
            .await
            .is_err()
}

/// The current version and whether it is dirty; none when golang-migrate never ran here.
async fn current(conn: &mut Conn) -> Result<Option<(i64, bool)>> {
    let read = async {
        let versions = conn
            .strings("SELECT CAST(version AS CHAR(20)) FROM schema_migrations")
            .await?;
        let dirty = conn
            .strings("SELECT CASE WHEN dirty THEN '1' ELSE '0' END FROM schema_migrations")
            .await?;
        Ok::<_, sqlx::Error>((versions, dirty))
    };
    let (versions, dirty) = match read.await {
        Ok(rows) => rows,
        Err(error) if is_missing_table(&error) => return Ok(None),
        Err(error) => return Err(Error::History(error.to_string())),
    };
    let version = versions.first().and_then(|v| v.trim().parse().ok());
    Ok(version.map(|version| (version, dirty.first().is_some_and(|d| d == "1"))))
}

pub(crate) async fn status(conn: &mut Conn, folder: &Path) -> Result<Vec<MigrationStatus>> {
    let migrations = read(folder)?;
    let current = current(conn).await?;
    let mut statuses: Vec<MigrationStatus> = migrations
        .iter()
        .map(|m| MigrationStatus {
            version: m.version,
            name: m.name.clone(),
            state: match current {
                Some((version, true)) if version == m.version => MigrationState::Failed,
                Some((version, _)) if m.version <= version => MigrationState::Applied,
                _ => MigrationState::Pending,
            },
            // golang-migrate keeps no dates.
            applied_at: None,
            execution_ms: None,
            reversible: m.down.is_some(),
            file: Some(m.file.clone()),
        })
        .collect();
    if let Some((version, _)) = current {
        if !migrations.iter().any(|m| m.version == version) {
            statuses.push(MigrationStatus {
                version,
                name: String::new(),
                state: MigrationState::Missing,
                applied_at: None,
                execution_ms: None,
                reversible: false,
                file: None,
            });
            statuses.sort_by_key(|s| s.version);
        }
    }
    Ok(statuses)
}

fn create_table(conn: &Conn) -> &'static str {
    match conn {
        Conn::Sqlite(_) => "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64, dirty bool); \
             CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version)",
        _ => "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)",
    }
}

/// The statement that makes `version` the current one (none: no version at all).
fn set_version(version: Option<i64>, dirty: bool) -> String {
    match version {
        Some(version) => format!(
            "DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES ({version}, {dirty})"
        ),
        None => "DELETE FROM schema_migrations".to_owned(),
    }
}

/// Runs one step. Where DDL is transactional the SQL and the new version commit together;
/// elsewhere golang-migrate's own order: marked dirty, run, marked clean.
async fn step(conn: &mut Conn, sql: &str, after: Option<i64>, marking: i64) -> sqlx::Result<()> {
    if conn.transactional_ddl() {
        conn.script(sql, &set_version(after, false), true).await
    } else {
        conn.execute(&set_version(Some(marking), true)).await?;
        conn.script(sql, &set_version(after, false), false).await
    }
}

pub(crate) async fn apply(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let migrations = read(folder)?;
    if let Some(to) = to {
        if !migrations.iter().any(|m| m.version == to) {
            return Err(Error::NoSuchVersion(to));
        }
    }
    let current = current(conn).await?;
    if let Some((version, true)) = current {
        return Err(Error::Dirty(version));
    }
    conn.execute(create_table(conn))
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    let from = current.map(|(version, _)| version);
    let mut done = Vec::new();
    for migration in migrations
        .iter()
        .filter(|m| from.is_none_or(|from| m.version > from))
        .filter(|m| to.is_none_or(|to| m.version <= to))
    {
        step(
            conn,
            &migration.up,
            Some(migration.version),
            migration.version,
        )
        .await
        .map_err(|error| failure(migration.version, &migration.name, &migration.up, 0, &error))?;
        done.push(migration.version);
    }
    Ok(done)
}

pub(crate) async fn rollback(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let migrations = read(folder)?;
    let Some((current, dirty)) = current(conn).await? else {
        return Ok(Vec::new());
    };
    if dirty {
        return Err(Error::Dirty(current));
    }
    let applied: Vec<&Migration> = migrations.iter().filter(|m| m.version <= current).collect();
    let undo: Vec<&Migration> = match to {
        None => applied.last().copied().into_iter().collect(),
        Some(to) => applied
            .iter()
            .rev()
            .filter(|m| m.version > to)
            .copied()
            .collect(),
    };
    let mut done = Vec::new();
    for migration in undo {
        let Some(down) = &migration.down else {
            return Err(Error::NotReversible {
                version: migration.version,
                name: migration.name.clone(),
            });
        };
        let previous = applied
            .iter()
            .map(|m| m.version)
            .filter(|v| *v < migration.version)
            .max();
        step(conn, down, previous, migration.version)
            .await
            .map_err(|error| failure(migration.version, &migration.name, down, 0, &error))?;
        done.push(migration.version);
    }
    Ok(done)
}

/// Each migration's SQL in one direction (golang-migrate runs each in a transaction where the
/// engine allows DDL in one, as the app does).
pub(crate) fn sources(
    folder: &Path,
    direction: crate::Direction,
) -> Result<Vec<(i64, String, bool)>> {
    Ok(read(folder)?
        .into_iter()
        .filter_map(|m| match direction {
            crate::Direction::Apply => Some((m.version, m.up, true)),
            crate::Direction::Rollback => m.down.map(|down| (m.version, down, true)),
        })
        .collect())
}

/// Makes `version` golang-migrate's current version, without running it.
pub(crate) async fn record_applied(conn: &mut Conn, version: i64) -> Result<()> {
    conn.execute(create_table(conn))
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    conn.execute(&set_version(Some(version), false))
        .await
        .map_err(|error| Error::History(error.to_string()))
}
