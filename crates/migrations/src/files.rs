//! Where a datasource's migrations are and which tool's layout they follow, read from the folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Error, Result};

/// The layouts the app recognises. sqlx's is also the app's own default
/// (`migrations/<datasource>/NNNN_name.up.sql` + `.down.sql`), so a project can switch to
/// `sqlx migrate` (or from it) with nothing to convert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum MigrationFormat {
    /// `<version>_<name>.sql`, or `.up.sql` + `.down.sql`; history in `_sqlx_migrations`.
    Sqlx,
    /// `-- migrate:up` / `-- migrate:down` in one file; history in `schema_migrations`.
    Dbmate,
    /// `<version>_<name>.up.sql` + `.down.sql` as sqlx's; history one row in
    /// `schema_migrations (version, dirty)`. Told from sqlx's by that table.
    GolangMigrate,
    /// `V<version>__<name>.sql`; history in `flyway_schema_history`.
    Flyway,
}

impl MigrationFormat {
    /// The name `quantum.toml`'s `migrations_format` uses.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sqlx" => Some(Self::Sqlx),
            "dbmate" => Some(Self::Dbmate),
            "golang-migrate" => Some(Self::GolangMigrate),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Sqlx => "sqlx",
            Self::Dbmate => "dbmate",
            Self::GolangMigrate => "golang-migrate",
            Self::Flyway => "Flyway",
        }
    }
}

/// The folders looked in, in order: the app's own layout, then where sqlx, golang-migrate and
/// dbmate keep theirs by default.
pub fn candidates(project: &Path, datasource: &str) -> Vec<PathBuf> {
    vec![
        project.join("migrations").join(datasource),
        project.join("migrations"),
        project.join("db").join("migrations"),
    ]
}

/// The first candidate folder that holds `.sql` files; the app's own one when none does yet
/// (where a new migration is created).
pub fn find(project: &Path, datasource: &str) -> (PathBuf, bool) {
    let folders = candidates(project, datasource);
    for folder in &folders {
        if sql_files(folder).is_ok_and(|files| !files.is_empty()) {
            return (folder.clone(), true);
        }
    }
    (folders[0].clone(), false)
}

fn sql_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "sql") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The folder's layout: Flyway's `V1__name.sql`, dbmate's `-- migrate:up` marker, else sqlx's
/// (golang-migrate names its files as sqlx's reversible ones: it is told apart by its history
/// table, see `sqlx::status`).
pub fn detect(folder: &Path) -> Result<MigrationFormat> {
    let files = sql_files(folder).map_err(|error| Error::Files {
        folder: folder.display().to_string(),
        message: error.to_string(),
    })?;
    let flyway = files.iter().any(|path| {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_flyway_name)
    });
    if flyway {
        return Ok(MigrationFormat::Flyway);
    }
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|error| Error::Files {
            folder: folder.display().to_string(),
            message: format!("{}: {error}", path.display()),
        })?;
        if text
            .lines()
            .any(|line| line.trim_start().starts_with("-- migrate:up"))
        {
            return Ok(MigrationFormat::Dbmate);
        }
    }
    Ok(MigrationFormat::Sqlx)
}

/// `V<version>__<description>.sql`, the version digits and dots or underscores.
fn is_flyway_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('V') else {
        return false;
    };
    let Some((version, _)) = rest.split_once("__") else {
        return false;
    };
    !version.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && name.ends_with(".sql")
}

/// The next version for a new migration: one more than the highest, its width kept
/// (`0007` → `0008`); a folder of timestamps gets the current UTC time as `YYYYMMDDHHMMSS`.
pub fn next_version(versions: &[i64], now_utc: (i32, u32, u32, u32, u32, u32)) -> i64 {
    let highest = versions.iter().copied().max().unwrap_or(0);
    // Timestamp versions (sqlx's default) are 14 digits.
    if highest >= 10_000_000_000_000 {
        let (y, mo, d, h, mi, s) = now_utc;
        let stamp = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}");
        let stamp: i64 = stamp.parse().unwrap_or(highest + 1);
        return stamp.max(highest + 1);
    }
    highest + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    #[test]
    fn the_layout_is_read_from_the_files() {
        let sqlx = folder(&[
            ("0001_users.up.sql", "CREATE TABLE users (id int);"),
            ("0001_users.down.sql", "DROP TABLE users;"),
        ]);
        assert_eq!(detect(sqlx.path()).expect("sqlx"), MigrationFormat::Sqlx);
        let dbmate = folder(&[(
            "20240101120000_users.sql",
            "-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n",
        )]);
        assert_eq!(
            detect(dbmate.path()).expect("dbmate"),
            MigrationFormat::Dbmate
        );
        let flyway = folder(&[("V1_1__users.sql", "CREATE TABLE users (id int);")]);
        assert_eq!(
            detect(flyway.path()).expect("flyway"),
            MigrationFormat::Flyway
        );
        assert!(!is_flyway_name("V__x.sql") && !is_flyway_name("Vx__y.sql"));
    }

    #[test]
    fn the_folder_is_found_in_the_usual_places_and_the_apps_own_is_the_default() {
        let project = tempfile::tempdir().expect("dir");
        let (own, exists) = find(project.path(), "shop-db");
        assert_eq!(own, project.path().join("migrations/shop-db"));
        assert!(!exists);
        std::fs::create_dir_all(project.path().join("db/migrations")).expect("mkdir");
        std::fs::write(project.path().join("db/migrations/1_a.sql"), "SELECT 1;").expect("write");
        assert_eq!(
            find(project.path(), "shop-db"),
            (project.path().join("db/migrations"), true)
        );
    }

    #[test]
    fn quantum_toml_names_the_folder_and_layout_over_the_guess() {
        let project = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(project.path().join("sql/changes")).expect("mkdir");
        std::fs::write(project.path().join("sql/changes/1_a.up.sql"), "SELECT 1;").expect("write");
        let (folder, exists, format) = crate::locate_declared(
            project.path(),
            "db",
            Some("sql/changes"),
            Some("golang-migrate"),
        )
        .expect("declared");
        assert_eq!(folder, project.path().join("sql/changes"));
        assert!(exists);
        assert_eq!(format, MigrationFormat::GolangMigrate);
        let (_, _, guessed) =
            crate::locate_declared(project.path(), "db", Some("sql/changes"), None)
                .expect("guessed");
        assert_eq!(guessed, MigrationFormat::Sqlx);
    }

    #[test]
    fn the_next_version_follows_the_folders_numbering() {
        let now = (2026, 11, 29, 3, 4, 5);
        assert_eq!(next_version(&[], now), 1);
        assert_eq!(next_version(&[1, 7, 3], now), 8);
        assert_eq!(next_version(&[20240101120000], now), 20261129030405);
        // A clock behind the newest version still moves forward.
        assert_eq!(next_version(&[20991231235959], now), 20991231235960);
    }
}
