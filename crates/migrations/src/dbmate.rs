//! dbmate's layout: one file per migration, `<version>_<name>.sql`, its up and down parts after
//! `-- migrate:up` and `-- migrate:down` (each may say `transaction:false`), the history in
//! `schema_migrations (version varchar(128) primary key)`, one row per applied version — the
//! table dbmate itself creates, so `dbmate status` and the app agree (checked against the real
//! dbmate in the tests).

use std::path::Path;

use crate::conn::{failure, is_missing_table, Conn};
use crate::{Direction, Error, MigrationState, MigrationStatus, Result};

/// One part of a migration file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub sql: String,
    /// The file's line the part's SQL starts on (0-based), for errors.
    pub first_line: u32,
    pub transaction: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Migration {
    /// dbmate's version: the file name's digits before the first `_`, kept as written.
    pub version: String,
    pub name: String,
    pub file: String,
    pub up: Part,
    pub down: Option<Part>,
}

impl Migration {
    fn number(&self) -> i64 {
        self.version.parse().unwrap_or_default()
    }
}

/// The folder's migrations, by version.
pub(crate) fn read(folder: &Path) -> Result<Vec<Migration>> {
    let files_error = |message: String| Error::Files {
        folder: folder.display().to_string(),
        message,
    };
    let mut migrations = Vec::new();
    let entries = std::fs::read_dir(folder).map_err(|e| files_error(e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| files_error(e.to_string()))?;
        let Ok(file) = entry.file_name().into_string() else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let Some((version, name)) = stem.split_once('_') else {
            continue;
        };
        if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) || version.len() > 18
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| files_error(format!("{file}: {e}")))?;
        let (up, down) =
            parse(&text).map_err(|message| files_error(format!("{file}: {message}")))?;
        migrations.push(Migration {
            version: version.to_owned(),
            name: name.replace('_', " "),
            file,
            up,
            down,
        });
    }
    migrations.sort_by(|a, b| a.number().cmp(&b.number()).then(a.version.cmp(&b.version)));
    Ok(migrations)
}

/// The up and down parts of a file, as dbmate splits it.
pub(crate) fn parse(text: &str) -> std::result::Result<(Part, Option<Part>), String> {
    let mut up: Option<Part> = None;
    let mut down: Option<Part> = None;
    let mut current: Option<&mut Part> = None;
    for (index, line) in text.lines().enumerate() {
        let marker = line.trim_start();
        if let Some(options) = marker.strip_prefix("-- migrate:up") {
            up = Some(Part {
                sql: String::new(),
                first_line: index as u32 + 1,
                transaction: !options.contains("transaction:false"),
            });
            current = up.as_mut();
            continue;
        }
        if let Some(options) = marker.strip_prefix("-- migrate:down") {
            down = Some(Part {
                sql: String::new(),
                first_line: index as u32 + 1,
                transaction: !options.contains("transaction:false"),
            });
            current = down.as_mut();
            continue;
        }
        if let Some(part) = current.as_deref_mut() {
            part.sql.push_str(line);
            part.sql.push('\n');
        }
    }
    let up = up.ok_or("no `-- migrate:up` line")?;
    let down = down.filter(|part| !part.sql.trim().is_empty());
    Ok((up, down))
}

/// Each migration's SQL in one direction, with whether it runs in a transaction.
pub(crate) fn sources(folder: &Path, direction: Direction) -> Result<Vec<(i64, String, bool)>> {
    Ok(read(folder)?
        .into_iter()
        .filter_map(|m| {
            let number = m.number();
            let part = match direction {
                Direction::Apply => Some(m.up),
                Direction::Rollback => m.down,
            }?;
            Some((number, part.sql, part.transaction))
        })
        .collect())
}

const TABLE: &str = "schema_migrations";

/// The versions dbmate recorded, or none when it never ran here.
async fn applied(conn: &mut Conn) -> Result<Vec<String>> {
    match conn
        .strings(&format!("SELECT version FROM {TABLE} ORDER BY version"))
        .await
    {
        Ok(versions) => Ok(versions),
        Err(error) if is_missing_table(&error) => Ok(Vec::new()),
        // golang-migrate's table of the same name holds a bigint and a `dirty` flag.
        Err(error) => Err(Error::History(format!(
            "{error} (is `{TABLE}` another tool's, such as golang-migrate's?)"
        ))),
    }
}

pub(crate) async fn status(conn: &mut Conn, folder: &Path) -> Result<Vec<MigrationStatus>> {
    Ok(statuses(&read(folder)?, &applied(conn).await?))
}

/// The files' states against the versions dbmate recorded.
fn statuses(migrations: &[Migration], applied: &[String]) -> Vec<MigrationStatus> {
    let mut statuses: Vec<MigrationStatus> = migrations
        .iter()
        .map(|m| MigrationStatus {
            version: m.number(),
            name: m.name.clone(),
            state: if applied.contains(&m.version) {
                MigrationState::Applied
            } else {
                MigrationState::Pending
            },
            // dbmate keeps only the version.
            applied_at: None,
            execution_ms: None,
            reversible: m.down.is_some(),
            file: Some(m.file.clone()),
        })
        .collect();
    for version in applied {
        if !migrations.iter().any(|m| &m.version == version) {
            statuses.push(MigrationStatus {
                version: version.parse().unwrap_or_default(),
                name: String::new(),
                state: MigrationState::Missing,
                applied_at: None,
                execution_ms: None,
                reversible: false,
                file: None,
            });
        }
    }
    statuses.sort_by_key(|s| s.version);
    statuses
}

fn create_table(conn: &Conn) -> &'static str {
    match conn {
        Conn::Postgres(_) => "CREATE TABLE IF NOT EXISTS schema_migrations (version character varying(128) NOT NULL PRIMARY KEY)",
        Conn::Mysql(_) => "CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) NOT NULL PRIMARY KEY)",
        Conn::Sqlite(_) => "CREATE TABLE IF NOT EXISTS \"schema_migrations\" (version varchar(128) primary key)",
    }
}

pub(crate) async fn apply(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let migrations = read(folder)?;
    if let Some(to) = to {
        if !migrations.iter().any(|m| m.number() == to) {
            return Err(Error::NoSuchVersion(to));
        }
    }
    let plan = crate::plan(
        &statuses(&migrations, &applied(conn).await?),
        Direction::Apply,
        to,
    );
    conn.execute(create_table(conn))
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    let transactional = conn.transactional_ddl();
    let mut done = Vec::new();
    for migration in plan
        .iter()
        .filter_map(|number| migrations.iter().find(|m| m.number() == *number))
    {
        // The version is digits only (see `read`): safe to write into the statement.
        let record = format!(
            "INSERT INTO {TABLE} (version) VALUES ('{}')",
            migration.version
        );
        let up = &migration.up;
        conn.script(&up.sql, &record, transactional && up.transaction)
            .await
            .map_err(|error| {
                failure(
                    migration.number(),
                    &migration.name,
                    &up.sql,
                    up.first_line,
                    &error,
                )
            })?;
        done.push(migration.number());
    }
    Ok(done)
}

pub(crate) async fn rollback(conn: &mut Conn, folder: &Path, to: Option<i64>) -> Result<Vec<i64>> {
    let migrations = read(folder)?;
    let applied = applied(conn).await?;
    let plan = crate::plan(&statuses(&migrations, &applied), Direction::Rollback, to);
    let transactional = conn.transactional_ddl();
    let mut done = Vec::new();
    for number in plan {
        let migration = migrations.iter().find(|m| m.number() == number);
        let Some((migration, down)) = migration.and_then(|m| m.down.as_ref().map(|d| (m, d)))
        else {
            return Err(Error::NotReversible {
                version: number,
                name: migration.map(|m| m.name.clone()).unwrap_or_default(),
            });
        };
        let record = format!(
            "DELETE FROM {TABLE} WHERE version = '{}'",
            migration.version
        );
        conn.script(&down.sql, &record, transactional && down.transaction)
            .await
            .map_err(|error| {
                failure(number, &migration.name, &down.sql, down.first_line, &error)
            })?;
        done.push(number);
    }
    Ok(done)
}

/// Writes `version` into dbmate's history as applied, without running it.
pub(crate) async fn record_applied(conn: &mut Conn, folder: &Path, version: i64) -> Result<()> {
    let migration = read(folder)?
        .into_iter()
        .find(|m| m.number() == version)
        .ok_or(Error::NoSuchVersion(version))?;
    conn.execute(create_table(conn))
        .await
        .map_err(|error| Error::History(error.to_string()))?;
    // The version is digits only (see `read`): safe to write into the statement.
    conn.execute(&format!(
        "INSERT INTO {TABLE} (version) VALUES ('{}')",
        migration.version
    ))
    .await
    .map_err(|error| Error::History(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_splits_into_its_up_and_down_parts_with_their_options_and_lines() {
        let (up, down) = parse(
            "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down transaction:false\nDROP TABLE a;\n",
        )
        .expect("parts");
        assert_eq!(up.sql, "CREATE TABLE a (id int);\n\n");
        assert_eq!((up.first_line, up.transaction), (1, true));
        let down = down.expect("down");
        assert_eq!(down.sql, "DROP TABLE a;\n");
        assert_eq!((down.first_line, down.transaction), (4, false));

        let (_, none) = parse("-- migrate:up\nSELECT 1;\n-- migrate:down\n\n").expect("parts");
        assert_eq!(none, None, "an empty down part cannot roll back");
        assert!(parse("SELECT 1;").is_err());
    }
}
