//! The project's saved queries: `queries/<name>.sql` in its folder, files the team can commit and
//! review like any other, written in one step (see `quantum_kernel::files`).

use std::path::{Path, PathBuf};

use quantum_kernel::files::{self, NewFile, Within};
use serde::Serialize;
use specta::Type;

use crate::{Error, Result};

/// The folder, under the project's, that holds its saved queries.
pub const FOLDER: &str = "queries";
const NAME_MAX_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedQuery {
    /// The file's name without `.sql`.
    pub name: String,
    pub sql: String,
}

/// Every `queries/*.sql` of the project, by name; none when the folder does not exist.
pub fn list(project_folder: &Path) -> Result<Vec<SavedQuery>> {
    let folder = project_folder.join(FOLDER);
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(Error::Saved(format!("{}: {error}", folder.display()))),
    };
    let mut queries = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".sql"))
        else {
            continue;
        };
        if !path.is_file() {
            continue;
        }
        let sql = files::read_optional(&path)?.unwrap_or_default();
        queries.push(SavedQuery {
            name: name.to_owned(),
            sql,
        });
    }
    queries.sort_by_cached_key(|q| q.name.to_lowercase());
    Ok(queries)
}

/// Writes `queries/<name>.sql`, replacing a query of that name.
pub fn write(project_folder: &Path, name: &str, sql: &str, allow_outside: bool) -> Result<()> {
    let path = path_of(project_folder, name)?;
    files::replace(
        &path,
        sql.as_bytes(),
        NewFile::Shared,
        Within::project(project_folder, allow_outside),
    )?;
    Ok(())
}

/// Removes `queries/<name>.sql`; a query already gone is not an error.
pub fn remove(project_folder: &Path, name: &str) -> Result<()> {
    let path = path_of(project_folder, name)?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(Error::Saved(format!("{}: {error}", path.display()))),
    }
}

fn path_of(project_folder: &Path, name: &str) -> Result<PathBuf> {
    let name = name.trim();
    let problem = if name.is_empty() {
        Some("Enter a name for the query, e.g. “orders by customer”.".to_owned())
    } else if name.chars().count() > NAME_MAX_CHARS {
        Some(format!(
            "The name is {} characters long; shorten it to {NAME_MAX_CHARS} or fewer.",
            name.chars().count()
        ))
    } else if name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'))
    {
        Some("Use letters, digits, spaces, “_”, “-” or “.”, not starting with “.”: the name becomes a file name.".to_owned())
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::InvalidName(problem)),
        None => Ok(project_folder.join(FOLDER).join(format!("{name}.sql"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_files_in_the_project_folder() {
        let project = tempfile::tempdir().expect("dir");
        assert!(list(project.path()).expect("none yet").is_empty());
        write(project.path(), "orders by customer", "SELECT 1;\n", false).expect("write");
        write(project.path(), "Active users", "SELECT 2;\n", false).expect("write");
        std::fs::write(project.path().join("queries/notes.txt"), "not a query").expect("write");
        assert_eq!(
            std::fs::read_to_string(project.path().join("queries/orders by customer.sql"))
                .expect("file"),
            "SELECT 1;\n"
        );
        let names: Vec<_> = list(project.path())
            .expect("list")
            .into_iter()
            .map(|q| q.name)
            .collect();
        assert_eq!(names, ["Active users", "orders by customer"]);

        write(project.path(), "Active users", "SELECT 3;\n", false).expect("overwrite");
        assert_eq!(list(project.path()).expect("list")[0].sql, "SELECT 3;\n");
        remove(project.path(), "Active users").expect("remove");
        remove(project.path(), "Active users").expect("already gone");
        assert_eq!(list(project.path()).expect("list").len(), 1);
    }

    #[test]
    fn a_name_cannot_leave_the_queries_folder() {
        let project = tempfile::tempdir().expect("dir");
        for name in ["", "../escape", "a/b", ".hidden", "x\\y"] {
            let error = write(project.path(), name, "SELECT 1;", false).expect_err(name);
            assert!(matches!(error, Error::InvalidName(_)), "{name}: {error}");
        }
        assert!(!project.path().join("queries").exists());
    }
}
