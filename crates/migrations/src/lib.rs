//! A datasource's migrations: the project's own files, in the layout of the tool the project
//! already uses, their state against that tool's history table in the database, applied and
//! rolled back. sqlx's layout (also the app's default) runs through sqlx's own migration code.
//! No Tauri, no store: the shell says which database and which folder.

mod conn;
mod dbmate;
mod drift;
mod error;
pub mod files;
mod flyway;
mod golang_migrate;
mod lint;
mod sqlx_format;

use std::path::{Path, PathBuf};

use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::Store;
use quantum_schema::Target;
use serde::{Deserialize, Serialize};
use specta::Type;

pub use drift::{drift, record_applied, Drift};
pub use error::{Error, Result};
pub use files::MigrationFormat;
pub use lint::FindingKind;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Migrations {
    /// The folder read, and whether it exists yet (a new migration is created there).
    pub folder: String,
    pub exists: bool,
    pub format: MigrationFormat,
    /// Files and history rows, by version.
    pub migrations: Vec<MigrationStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationStatus {
    pub version: i64,
    pub name: String,
    pub state: MigrationState,
    /// When it was applied, as the database wrote it.
    pub applied_at: Option<String>,
    pub execution_ms: Option<i64>,
    /// It has a down file: it can be rolled back by SQL.
    pub reversible: bool,
    /// Its (up) file's name; none for a migration applied whose file is gone.
    pub file: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum MigrationState {
    Applied,
    Pending,
    /// Applied, but its file changed since (the checksum differs).
    Changed,
    /// Applied, but its file is gone.
    Missing,
    /// Failed half-way (MySQL/MariaDB, where DDL cannot be rolled back): the history marks it.
    Failed,
}

/// Where `datasource`'s migrations are in the project folder and their layout.
pub fn locate(project: &Path, datasource: &str) -> Result<(PathBuf, bool, MigrationFormat)> {
    let (folder, exists) = files::find(project, datasource);
    let format = if exists {
        files::detect(&folder)?
    } else {
        MigrationFormat::Sqlx
    };
    Ok((folder, exists, format))
}

/// As [`locate`], with what the project's `quantum.toml` says for the datasource: its folder
/// (relative to the project) and its layout, each used instead of the guess when set.
pub fn locate_declared(
    project: &Path,
    datasource: &str,
    folder: Option<&str>,
    format: Option<&str>,
) -> Result<(PathBuf, bool, MigrationFormat)> {
    let (folder, exists, guessed) = match folder {
        Some(folder) => {
            let folder = project.join(folder);
            let exists = folder.is_dir();
            let guessed = if exists {
                files::detect(&folder)?
            } else {
                MigrationFormat::Sqlx
            };
            (folder, exists, guessed)
        }
        None => locate(project, datasource)?,
    };
    Ok((
        folder,
        exists,
        format
            .and_then(MigrationFormat::from_name)
            .unwrap_or(guessed),
    ))
}

/// The layout in use: the folder's, except that files named as sqlx's in a database that holds
/// golang-migrate's table are golang-migrate's.
async fn layout(conn: &mut conn::Conn, format: MigrationFormat) -> MigrationFormat {
    if format == MigrationFormat::Sqlx && golang_migrate::present(conn).await {
        MigrationFormat::GolangMigrate
    } else {
        format
    }
}

/// The statuses of the folder's migrations in `layout`.
async fn statuses(
    conn: &mut conn::Conn,
    layout: MigrationFormat,
    folder: &Path,
) -> Result<Vec<MigrationStatus>> {
    match layout {
        MigrationFormat::Dbmate => dbmate::status(conn, folder).await,
        MigrationFormat::GolangMigrate => golang_migrate::status(conn, folder).await,
        MigrationFormat::Flyway => flyway::status(conn, folder).await,
        _ => Ok(sqlx_format::status(conn, folder).await?.0),
    }
}

/// Every migration's state: the folder's files against the database's history.
pub async fn status(target: &Target, folder: &Path, format: MigrationFormat) -> Result<Migrations> {
    let exists = folder.is_dir();
    let (format, migrations) = if exists {
        let mut conn = conn::Conn::open(target).await?;
        let layout = layout(&mut conn, format).await;
        let result = statuses(&mut conn, layout, folder).await;
        conn.close().await;
        (layout, result?)
    } else {
        (format, Vec::new())
    };
    Ok(Migrations {
        folder: folder.display().to_string(),
        exists,
        format,
        migrations,
    })
}

/// Applies the pending migrations up to `to` (all when `None`); returns the versions applied.
/// The first failure stops the run: the ones before stay applied, the failed one is not
/// recorded (or, where DDL is not transactional, recorded as failed by sqlx).
pub async fn apply(
    target: &Target,
    folder: &Path,
    format: MigrationFormat,
    to: Option<i64>,
) -> Result<Vec<i64>> {
    run(target, folder, format, Direction::Apply, to).await
}

/// Rolls back the newest applied migration, or every one above `to`, with their down files.
pub async fn rollback(
    target: &Target,
    folder: &Path,
    format: MigrationFormat,
    to: Option<i64>,
) -> Result<Vec<i64>> {
    run(target, folder, format, Direction::Rollback, to).await
}

async fn run(
    target: &Target,
    folder: &Path,
    format: MigrationFormat,
    direction: Direction,
    to: Option<i64>,
) -> Result<Vec<i64>> {
    let mut opened = conn::Conn::open(target).await?;
    let conn = &mut opened;
    let result = match (layout(conn, format).await, direction) {
        (MigrationFormat::Dbmate, Direction::Apply) => dbmate::apply(conn, folder, to).await,
        (MigrationFormat::Dbmate, Direction::Rollback) => dbmate::rollback(conn, folder, to).await,
        (MigrationFormat::Flyway, Direction::Apply) => flyway::apply(conn, folder, to).await,
        (MigrationFormat::Flyway, Direction::Rollback) => flyway::rollback(conn, folder, to).await,
        (MigrationFormat::GolangMigrate, Direction::Apply) => {
            golang_migrate::apply(conn, folder, to).await
        }
        (MigrationFormat::GolangMigrate, Direction::Rollback) => {
            golang_migrate::rollback(conn, folder, to).await
        }
        (_, Direction::Apply) => sqlx_format::apply(conn, folder, to).await,
        (_, Direction::Rollback) => sqlx_format::rollback(conn, folder, to).await,
    };
    opened.close().await;
    result
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Apply,
    Rollback,
}

/// What an apply or a rollback would run, nothing run: each migration's SQL and what it would do
/// to data, the rows it touches counted on the live database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DryRun {
    pub steps: Vec<DryRunStep>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DryRunStep {
    pub version: i64,
    pub name: String,
    pub sql: String,
    /// Run in a transaction (all or nothing) or statement by statement.
    pub transactional: bool,
    pub findings: Vec<DryRunFinding>,
    /// The SQL parser could not read it (the server may): no findings could be made.
    pub unreadable: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DryRunFinding {
    pub kind: FindingKind,
    pub message: String,
    /// Rows touched now; none when the table is not there yet (an earlier step makes it).
    pub rows: Option<i64>,
}

/// The SQL an apply up to `to` (or a rollback down to it) would run, with the lint's findings.
pub async fn dry_run(
    target: &Target,
    folder: &Path,
    format: MigrationFormat,
    direction: Direction,
    to: Option<i64>,
) -> Result<DryRun> {
    let engine = match target {
        Target::Postgres(_) => quantum_schema::SchemaEngine::Postgres,
        Target::Mysql(_) => quantum_schema::SchemaEngine::Mysql,
        Target::Sqlite(_) => quantum_schema::SchemaEngine::Sqlite,
    };
    let mut conn = conn::Conn::open(target).await?;
    let result = async {
        let format = layout(&mut conn, format).await;
        let statuses = statuses(&mut conn, format, folder).await?;
        let versions = plan(&statuses, direction, to);
        let sources = match format {
            MigrationFormat::Dbmate => dbmate::sources(folder, direction)?,
            MigrationFormat::GolangMigrate => golang_migrate::sources(folder, direction)?,
            MigrationFormat::Flyway => flyway::sources(folder, direction)?,
            _ => sqlx_format::sources(folder, direction).await?,
        };
        let mut steps = Vec::new();
        for version in versions {
            let name = statuses
                .iter()
                .find(|s| s.version == version)
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let Some((sql, in_transaction)) = sources
                .iter()
                .find(|(v, _, _)| *v == version)
                .map(|(_, sql, tx)| (sql.clone(), *tx))
            else {
                return Err(Error::NotReversible { version, name });
            };
            let (findings, unreadable) = match lint::lint(&sql, engine) {
                Ok(findings) => (findings, None),
                Err(error) => (Vec::new(), Some(error)),
            };
            let mut counted = Vec::new();
            for finding in findings {
                let rows = match &finding.count {
                    Some(count) => conn.count(count).await.ok(),
                    None => None,
                };
                counted.push(DryRunFinding {
                    kind: finding.kind,
                    message: finding.message,
                    rows,
                });
            }
            steps.push(DryRunStep {
                version,
                name,
                sql,
                transactional: in_transaction && conn.transactional_ddl(),
                findings: counted,
                unreadable,
            });
        }
        Ok(DryRun { steps })
    }
    .await;
    conn.close().await;
    result
}

/// The versions an apply up to `to` or a rollback down to `to` runs, in the order it runs them.
pub fn plan(statuses: &[MigrationStatus], direction: Direction, to: Option<i64>) -> Vec<i64> {
    match direction {
        Direction::Apply => statuses
            .iter()
            .filter(|s| s.state == MigrationState::Pending && to.is_none_or(|to| s.version <= to))
            .map(|s| s.version)
            .collect(),
        Direction::Rollback => {
            let applied: Vec<i64> = statuses
                .iter()
                .filter(|s| {
                    matches!(
                        s.state,
                        MigrationState::Applied | MigrationState::Changed | MigrationState::Missing
                    )
                })
                .map(|s| s.version)
                .collect();
            match to {
                None => applied.last().copied().into_iter().collect(),
                Some(to) => applied.into_iter().rev().filter(|v| *v > to).collect(),
            }
        }
    }
}

/// Creates `<next version>_<name>.up.sql` and `.down.sql` in `folder` (made if missing), each
/// with a comment saying what goes in it; never overwrites a file. A folder of simple
/// migrations (`<version>_<name>.sql`, no down files) gets one more of those: sqlx refuses a mix.
/// A dbmate folder gets one file, `<timestamp>_<name>.sql`, with its two markers.
pub fn create(
    folder: &Path,
    format: MigrationFormat,
    name: &str,
    now_utc: (i32, u32, u32, u32, u32, u32),
) -> Result<(PathBuf, Option<PathBuf>)> {
    let (_, up, down) = create_files(folder, format, name, now_utc, None)?;
    Ok((up, down))
}

/// Creates the next migration holding `up` and `down` (a folder of up-only migrations keeps
/// only `up`); returns its version and files.
pub fn create_with(
    folder: &Path,
    format: MigrationFormat,
    name: &str,
    now_utc: (i32, u32, u32, u32, u32, u32),
    up: &str,
    down: &str,
) -> Result<(i64, PathBuf, Option<PathBuf>)> {
    create_files(folder, format, name, now_utc, Some((up, down)))
}

fn create_files(
    folder: &Path,
    format: MigrationFormat,
    name: &str,
    now_utc: (i32, u32, u32, u32, u32, u32),
    bodies: Option<(&str, &str)>,
) -> Result<(i64, PathBuf, Option<PathBuf>)> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 80
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
    {
        return Err(Error::BadName(name.to_owned()));
    }
    let files_error = |error: std::io::Error| Error::Files {
        folder: folder.display().to_string(),
        message: error.to_string(),
    };
    std::fs::create_dir_all(folder).map_err(files_error)?;
    let mut versions = Vec::new();
    let mut width = 4;
    let mut simple = false;
    for entry in std::fs::read_dir(folder).map_err(files_error)? {
        let file = entry.map_err(files_error)?.file_name();
        let file = file.to_string_lossy();
        // Flyway's `V3__name.sql`: the version between the V and the two underscores.
        if let Some(version) = file
            .strip_prefix('V')
            .and_then(|rest| rest.split_once("__"))
            .and_then(|(digits, _)| digits.parse::<i64>().ok())
        {
            versions.push(version);
            continue;
        }
        if let Some((digits, _)) = file.split_once('_') {
            if let Ok(version) = digits.parse::<i64>() {
                versions.push(version);
                width = digits.len();
                simple |= file.ends_with(".sql")
                    && !file.ends_with(".up.sql")
                    && !file.ends_with(".down.sql");
            }
        }
    }
    if format == MigrationFormat::Dbmate {
        // dbmate numbers by time: a timestamp after the newest version.
        versions.push(10_000_000_000_000);
    }
    let version = files::next_version(&versions, now_utc);
    let stem = format!("{version:0width$}_{}", name.replace(' ', "_"));
    let up = folder.join(format!("{stem}{}", if simple { ".sql" } else { ".up.sql" }));
    let down = folder.join(format!("{stem}.down.sql"));
    let write_new = |path: &Path, text: &str| {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut file| file.write_all(text.as_bytes()))
            .map_err(files_error)
    };
    let (up_text, down_text) = match bodies {
        Some((up, down)) => (format!("-- {name}\n{up}\n"), format!("-- {name}\n{down}\n")),
        None => (
            format!("-- {name}: the change.\n"),
            format!("-- {name}: what undoes it.\n"),
        ),
    };
    if format == MigrationFormat::Flyway {
        // Up only: undo files are a Flyway Teams feature (a U file written by hand is run).
        let file = folder.join(format!("V{version}__{}.sql", name.replace(' ', "_")));
        write_new(&file, &up_text)?;
        return Ok((version, file, None));
    }
    if format == MigrationFormat::Dbmate {
        let file = folder.join(format!("{version}_{}.sql", name.replace(' ', "_")));
        write_new(
            &file,
            &format!("-- migrate:up\n{up_text}\n-- migrate:down\n{down_text}"),
        )?;
        return Ok((version, file, None));
    }
    write_new(&up, &up_text)?;
    if simple {
        return Ok((version, up, None));
    }
    write_new(&down, &down_text)?;
    Ok((version, up, Some(down)))
}

/// The datasource a change was made to, for the activity log.
pub struct Subject<'a> {
    pub datasource_id: i64,
    pub name: &'a str,
    pub project_id: i64,
}

/// Records migrations applied or rolled back (their versions and folder) in the activity log.
pub async fn record(
    store: &Store,
    subject: &Subject<'_>,
    action: AuditAction,
    versions: &[i64],
    folder: &Path,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    audit::record(
        &mut tx,
        NewAuditEntry {
            action,
            resource_type: ResourceType::Datasource,
            resource_id: subject.datasource_id,
            resource_name: subject.name,
            project_id: Some(subject.project_id),
            details: serde_json::json!({ "versions": versions, "folder": folder.display().to_string() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A migration file's path in `folder`, from its bare name: a `.sql` file directly in the folder
/// (no separator, no `..`), so a page can name only the folder's own migrations.
fn file_in(folder: &Path, name: &str) -> Result<PathBuf> {
    let plain = !name.is_empty()
        && name.ends_with(".sql")
        && !name.contains(['/', '\\'])
        && name != ".."
        && !name.starts_with('.');
    if !plain {
        return Err(Error::Files {
            folder: folder.display().to_string(),
            message: format!("“{name}” is not a migration file of this folder"),
        });
    }
    Ok(folder.join(name))
}

/// A migration file's text.
pub fn read_file(folder: &Path, name: &str) -> Result<String> {
    let path = file_in(folder, name)?;
    quantum_kernel::files::read_optional(&path)?.ok_or_else(|| Error::Files {
        folder: folder.display().to_string(),
        message: format!("{name} is not there any more"),
    })
}

/// Replaces a migration file's text (the project's folder is where a link may lead, unless the
/// user confirmed).
pub fn write_file(
    project: &Path,
    folder: &Path,
    name: &str,
    text: &str,
    allow_outside: bool,
) -> Result<()> {
    let path = file_in(folder, name)?;
    quantum_kernel::files::replace(
        &path,
        text.as_bytes(),
        quantum_kernel::files::NewFile::Shared,
        quantum_kernel::files::Within::project(project, allow_outside),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quantum_kernel::Coded;

    #[test]
    fn only_the_folders_own_sql_files_are_read_or_written() {
        let project = tempfile::tempdir().expect("dir");
        let folder = project.path().join("migrations/db");
        std::fs::create_dir_all(&folder).expect("mkdir");
        write_file(
            project.path(),
            &folder,
            "0001_a.up.sql",
            "SELECT 1;\n",
            false,
        )
        .expect("write");
        assert_eq!(
            read_file(&folder, "0001_a.up.sql").expect("read"),
            "SELECT 1;\n"
        );
        for name in [
            "../quantum.toml",
            "/etc/passwd",
            "0001_a.up.txt",
            "..",
            ".hidden.sql",
            "",
        ] {
            assert_eq!(
                read_file(&folder, name).expect_err(name).code(),
                "migrations.files"
            );
            assert!(
                write_file(project.path(), &folder, name, "x", false).is_err(),
                "{name}"
            );
        }
    }
}
