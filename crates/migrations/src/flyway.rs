//! Flyway's versioned migrations: `V<version>__<description>.sql`, and for rollback the undo files
//! `U<version>__<description>.sql` (a Flyway Teams feature; without one a migration is not
//! reversible). The history is Flyway's own `flyway_schema_history` table, laid out as Flyway
//! creates it on PostgreSQL and MySQL, one row per run (`SQL`, or `UNDO_SQL` for an undo), with
//! Flyway's checksum: the CRC-32 of the file's lines without their line ends. Flyway is a Java
//! tool no registry reachable here distributes: this follows its documented table and checksum.
//! Versions are whole numbers (`V1`, `V20240101`); dotted ones (`V1.1`, `V1_1`) are refused.

use std::path::Path;

use crate::conn::{failure, is_missing_table, Conn};
use crate::{Error, MigrationState, MigrationStatus, Result};

const TABLE: &str = "flyway_schema_history";

pub(crate) struct Migration {
    pub version: i64,
    pub name: String,
    pub file: String,
    pub sql: String,
    pub undo: Option<String>,
}

impl Migration {
    fn checksum(&self) -> i32 {
        checksum(&self.sql)
    }
}

/// Flyway's checksum: CRC-32 over each line's UTF-8 bytes, line ends left out, a leading BOM
/// dropped; Java's signed int.
pub(crate) fn checksum(text: &str) -> i32 {
    let mut crc = crc32fast::Hasher::new();
    // `lines` splits as Java's `readLine` does: no line end kept, none after the last line.
    for line in text.strip_prefix('\u{feff}').unwrap_or(text).lines() {
        crc.update(line.as_bytes());
    }
    crc.finalize() as i32
}

/// The folder's versioned migrations with their undo files, by version.
pub(crate) fn read(folder: &Path) -> Result<Vec<Migration>> {
    let files_error = |message: String| Error::Files {
        folder: folder.display().to_string(),
        message,
    };
    let mut migrations: Vec<Migration> = Vec::new();
    let mut undos = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|e| files_error(e.to_string()))? {
        let entry = entry.map_err(|e| files_error(e.to_string()))?;
        let Ok(file) = entry.file_name().into_string() else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        if stem.starts_with("R__") {
            return Err(files_error(format!(
                "{file} is a repeatable migration, which the app does not run: run it with Flyway"
            )));
        }
        let (kind, rest) = stem.split_at(stem.len().min(1));
        if !matches!(kind, "V" | "U") {
            continue;
        }
        let Some((version, name)) = rest.split_once("__") else {
            continue;
        };
        let Ok(version) = version.parse::<i64>() else {
            return Err(files_error(format!(
                "{file}: the app runs whole-number versions only (V1__, V2__, V20240101__)"
            )));
        };
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| files_error(format!("{file}: {e}")))?;
        if kind == "U" {
            undos.push((version, text));
        } else {
            migrations.push(Migration {
                version,
                name: name.replace('_', " "),
                file,
                sql: text,
                undo: None,
            });
        }
    }
    for (version, text) in undos {
        if let Some(migration) = migrations.iter_mut().find(|m| m.version == version) {
            migration.undo = Some(text);
        }
    }
    migrations.sort_by_key(|m| m.version);
    Ok(migrations)
}

/// One row of Flyway's history.
struct Run {
    version: Option<i64>,
    kind: String,
    checksum: Option<i32>,
    installed_on: String,
    execution_ms: i64,
    success: bool,
}

async fn history(conn: &mut Conn) -> Result<Vec<Run>> {
    let sql = format!(
        "SELECT installed_rank, version, type, checksum, CAST(installed_on AS CHAR(40)), \
         execution_time, success FROM {TABLE} ORDER BY installed_rank"
    );
    type Row = (i32, Option<String>, String, Option<i32>, String, i32, bool);
    let rows: std::result::Result<Vec<Row>, sqlx::Error> = match conn {
        Conn::Postgres(c) => {
            sqlx::query_as(&sql.replace("CHAR(40)", "text"))
                .fetch_all(c)
                .await
        }
        Conn::Mysql(c) => sqlx::query_as(&sql).fetch_all(c).await,
        Conn::Sqlite(c) => {
            sqlx::query_as(&sql.replace("CHAR(40)", "TEXT"))
                .fetch_all(c)
                .await
        }
    };
    match rows {
        Ok(rows) => Ok(rows
            .into_iter()
            .map(
                |(_, version, kind, checksum, installed_on, ms, success)| Run {
                    version: version.and_then(|v| v.parse().ok()),
                    kind,
                    checksum,
                    installed_on,
                    execution_ms: i64::from(ms),
                    success,
                },
            )
            .collect()),
        Err(error) if is_missing_table(&error) => Ok(Vec::new()),
        Err(error) => Err(Error::History(error.to_string())),
    }
}

pub(crate) async fn status(conn: &mut Conn, folder: &Path) -> Result<Vec<MigrationStatus>> {
    Ok(statuses(&read(folder)?, &history(conn).await?))
}

/// Each version's state: its latest run decides (an `UNDO_SQL` run undoes it; a failed run on a
/// database without transactional DDL leaves it failed).
fn statuses(migrations: &[Migration], runs: &[Run]) -> Vec<MigrationStatus> {
    let latest = |version: i64| runs.iter().rev().find(|r| r.version == Some(version));
    let mut out: Vec<MigrationStatus> = migrations
        .iter()
        .map(|m| {
            let run = latest(m.version);
            let state = match run {
                None => MigrationState::Pending,
                Some(run) if run.kind == "UNDO_SQL" && run.success => MigrationState::Pending,
                Some(run) if !run.success => MigrationState::Failed,
                Some(run) if run.checksum != Some(m.checksum()) => MigrationState::Changed,
                Some(_) => MigrationState::Applied,
            };
            let applied = run.filter(|_| state != MigrationState::Pending);
            MigrationStatus {
                version: m.version,
                name: m.name.clone(),
                state,
                applied_at: applied.map(|r| r.installed_on.clone()),
                execution_ms: applied.map(|r| r.execution_ms),
                reversible: m.undo.is_some(),
                file: Some(m.file.clone()),
            }
        })
        .collect();
    let mut gone: Vec<i64> = runs
        .iter()
        .filter(|r| r.kind == "SQL" && r.success)
        .filter_map(|r| r.version)
        .filter(|v| !migrations.iter().any(|m| m.version == *v))
        .filter(|v| latest(*v).is_some_and(|r| r.kind == "SQL"))
        .collect();
    gone.dedup();
    for version in gone {
        let run = latest(version);
        out.push(MigrationStatus {
            version,
            name: String::new(),
            state: MigrationState::Missing,
            applied_at: run.map(|r| r.installed_on.clone()),
            execution_ms: run.map(|r| r.execution_ms),
            reversible: false,
            file: None,
        });
    }
    out.sort_by_key(|s| s.version);
    out
}

fn create_table(conn: &Conn) -> &'static str {
    match conn {
        Conn::Postgres(_) => "CREATE TABLE IF NOT EXISTS flyway_schema_history (
            installed_rank INT NOT NULL, version VARCHAR(50), description VARCHAR(200) NOT NULL,
            type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER,
            installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),
            execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL,
            CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank));
            CREATE INDEX IF NOT EXISTS flyway_schema_history_s_idx ON flyway_schema_history (success)",
        Conn::Mysql(_) => "CREATE TABLE IF NOT EXISTS flyway_schema_history (
            installed_rank INT NOT NULL, version VARCHAR(50), description VARCHAR(200) NOT NULL,
            type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT,
            installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            execution_time INT NOT NULL, success BOOL NOT NULL,
            CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank),
            INDEX flyway_schema_history_s_idx (success)) ENGINE=InnoDB",
        Conn::Sqlite(_) => "CREATE TABLE IF NOT EXISTS flyway_schema_history (
            installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL,
            type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT,
            installed_by VARCHAR(100) NOT NULL, installed_on TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
            execution_time INT NOT NULL, success BOOLEAN NOT NULL)",
    }
}

/// The history row of a run, ranked after every other; the user as the connection has it.
fn record(conn: &Conn, m: &Migration, kind: &str, checksum: Option<i32>, success: bool) -> String {
    let user = match conn {
        Conn::Postgres(_) => "current_user",
        Conn::Mysql(_) => "SUBSTRING_INDEX(USER(), '@', 1)",
        Conn::Sqlite(_) => "''",
    };
    let quote = |s: &str| s.replace('\'', "''");
    format!(
        "INSERT INTO {TABLE} (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) \
         SELECT COALESCE(MAX(installed_rank), 0) + 1, '{}', '{}', '{kind}', '{}', {}, {user}, 0, {} FROM {TABLE}",
        m.version,
        quote(&m.name),
        quote(&m.file),
        checksum.map_or("NULL".to_owned(), |c| c.to_string()),
        if success { "TRUE" } else { "FALSE" },
    )
}

pub(crate) async fn apply(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let migrations = read(folder)?;
    if let Some(to) = to {
        if !migrations.iter().any(|m| m.version == to) {
            return Err(Error::NoSuchVersion(to));
        }
    }
    let statuses = statuses(&migrations, &history(conn).await?);
    if let Some(failed) = statuses.iter().find(|s| s.state == MigrationState::Failed) {
        return Err(Error::Dirty(failed.version));
    }
    if let Some(changed) = statuses.iter().find(|s| s.state == MigrationState::Changed) {
        return Err(Error::Changed(changed.version));
    }
    conn.execute(create_table(conn))
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    let transactional = conn.transactional_ddl();
    let mut done = Vec::new();
    for version in crate::plan(&statuses, crate::Direction::Apply, to) {
        let Some(m) = migrations.iter().find(|m| m.version == version) else {
            continue;
        };
        let ran = conn
            .script(
                &m.sql,
                &record(conn, m, "SQL", Some(m.checksum()), true),
                transactional,
            )
            .await;
        if let Err(error) = ran {
            if !transactional {
                // As Flyway does where DDL commits at once: the failed run is recorded.
                let _ = conn
                    .execute(&record(conn, m, "SQL", Some(m.checksum()), false))
                    .await;
            }
            return Err(failure(m.version, &m.name, &m.sql, 0, &error));
        }
        done.push(m.version);
    }
    Ok(done)
}

/// Runs the undo files of the applied migrations above `to` (the newest only without `to`),
/// newest first, each recorded as an `UNDO_SQL` run.
pub(crate) async fn rollback(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let migrations = read(folder)?;
    let statuses = statuses(&migrations, &history(conn).await?);
    if let Some(failed) = statuses.iter().find(|s| s.state == MigrationState::Failed) {
        return Err(Error::Dirty(failed.version));
    }
    let plan = crate::plan(&statuses, crate::Direction::Rollback, to);
    let transactional = conn.transactional_ddl();
    let mut done = Vec::new();
    for version in plan {
        let m = migrations
            .iter()
            .find(|m| m.version == version && m.undo.is_some())
            .ok_or_else(|| Error::NotReversible {
                version,
                name: statuses
                    .iter()
                    .find(|s| s.version == version)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            })?;
        let undo = m.undo.as_deref().unwrap_or_default();
        conn.script(
            undo,
            &record(conn, m, "UNDO_SQL", Some(checksum(undo)), true),
            transactional,
        )
        .await
        .map_err(|error| failure(m.version, &m.name, undo, 0, &error))?;
        done.push(m.version);
    }
    Ok(done)
}

/// Each migration's SQL in one direction, with whether it runs in a transaction.
pub(crate) fn sources(
    folder: &Path,
    direction: crate::Direction,
) -> Result<Vec<(i64, String, bool)>> {
    Ok(read(folder)?
        .into_iter()
        .filter_map(|m| match direction {
            crate::Direction::Apply => Some((m.version, m.sql, true)),
            crate::Direction::Rollback => m.undo.map(|undo| (m.version, undo, true)),
        })
        .collect())
}

/// Records migration `version` as applied without running it.
pub(crate) async fn record_applied(conn: &mut Conn, folder: &Path, version: i64) -> Result<()> {
    let m = read(folder)?
        .into_iter()
        .find(|m| m.version == version)
        .ok_or(Error::NoSuchVersion(version))?;
    conn.execute(create_table(conn))
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    conn.execute(&record(conn, &m, "SQL", Some(m.checksum()), true))
        .await
        .map_err(|error| Error::History(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_flyways_crc_of_the_lines() {
        // CRC-32 of "SELECT 1;" (as its only line): a trailing line end, CRLF or a BOM change
        // nothing, a changed line does.
        let one = checksum("SELECT 1;");
        assert_eq!(one, crc32fast::hash(b"SELECT 1;") as i32);
        assert_eq!(checksum("SELECT 1;\n"), one);
        assert_eq!(checksum("\u{feff}SELECT 1;\r\n"), one);
        assert_ne!(checksum("SELECT 2;"), one);
        // Two lines: their bytes one after the other, no line end between.
        assert_eq!(checksum("A\nB"), crc32fast::hash(b"AB") as i32);
    }

    #[test]
    fn an_undo_run_makes_a_version_pending_again_and_a_gone_file_is_missing() {
        let m = |version: i64, sql: &str| Migration {
            version,
            name: "x".into(),
            file: format!("V{version}__x.sql"),
            sql: sql.into(),
            undo: None,
        };
        let run = |version: i64, kind: &str, checksum: i32| Run {
            version: Some(version),
            kind: kind.into(),
            checksum: Some(checksum),
            installed_on: String::new(),
            execution_ms: 0,
            success: true,
        };
        let files = [m(1, "A"), m(2, "B")];
        let runs = [
            run(1, "SQL", checksum("A")),
            run(2, "SQL", checksum("B")),
            run(2, "UNDO_SQL", 0),
            run(3, "SQL", 7),
        ];
        let states: Vec<(i64, MigrationState)> = statuses(&files, &runs)
            .iter()
            .map(|s| (s.version, s.state))
            .collect();
        assert_eq!(
            states,
            [
                (1, MigrationState::Applied),
                (2, MigrationState::Pending),
                (3, MigrationState::Missing)
            ]
        );
    }
}
