//! Which project or datasource the user means: a name (any case) or an id; for a project left
//! out, the one whose folder holds the current directory.

use std::path::{Path, PathBuf};

use quantum_datasources::{Datasource, Datasources};
use quantum_kernel::projects::{self, Project};
use quantum_kernel::{ErrorInfo, Store};

pub async fn project(store: &Store, given: Option<&str>) -> Result<Project, ErrorInfo> {
    project_in(&projects::list(store).await?, given)
}

/// [`project`] among projects already read.
pub fn project_in(all: &[Project], given: Option<&str>) -> Result<Project, ErrorInfo> {
    match given {
        Some(given) => by_name_or_id(all, given, |p| (p.id, &p.name))
            .cloned()
            .ok_or_else(|| {
                ErrorInfo::new(
                    "project.not_found",
                    format!("No project is named “{given}”. `quantum projects` lists them."),
                )
            }),
        None => {
            let here = std::env::current_dir().unwrap_or_default();
            of_folder(all, &here).cloned().ok_or_else(|| {
                ErrorInfo::new(
                    "cli.no_project",
                    format!(
                        "No project has its folder at {}: name one (`quantum projects` lists them).",
                        here.display()
                    ),
                )
            })
        }
    }
}

/// The project whose folder holds `dir`, the innermost when folders nest.
pub fn of_folder<'a>(projects: &'a [Project], dir: &Path) -> Option<&'a Project> {
    let dir = canonical(dir);
    projects
        .iter()
        .filter_map(|p| Some((p, canonical(Path::new(p.folder.as_deref()?)))))
        .filter(|(_, folder)| dir.starts_with(folder))
        .max_by_key(|(_, folder)| folder.components().count())
        .map(|(p, _)| p)
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

pub async fn datasource(datasources: &Datasources, given: &str) -> Result<Datasource, ErrorInfo> {
    let all = datasources.list(None).await?;
    by_name_or_id(&all, given, |d| (d.id, &d.name))
        .cloned()
        .ok_or_else(|| {
            ErrorInfo::new(
                "datasource.not_found",
                format!("No datasource is named “{given}”. `quantum status --all` lists them."),
            )
        })
}

fn by_name_or_id<'a, T>(
    items: &'a [T],
    given: &str,
    key: impl Fn(&T) -> (i64, &String),
) -> Option<&'a T> {
    let given = given.trim();
    items
        .iter()
        .find(|item| key(item).1 == given)
        .or_else(|| {
            items
                .iter()
                .find(|item| key(item).1.eq_ignore_ascii_case(given))
        })
        .or_else(|| {
            let id: i64 = given.parse().ok()?;
            items.iter().find(|item| key(item).0 == id)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(id: i64, name: &str, folder: Option<&Path>) -> Project {
        Project {
            id,
            name: name.to_owned(),
            description: String::new(),
            folder: folder.map(|f| f.display().to_string()),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn the_innermost_project_folder_holding_the_directory_is_chosen() {
        let dir = tempfile::tempdir().expect("test set-up");
        let inner = dir.path().join("apps/web");
        std::fs::create_dir_all(inner.join("src")).expect("test set-up");
        let projects = [
            project(1, "mono", Some(dir.path())),
            project(2, "web", Some(&inner)),
            project(3, "none", None),
        ];
        assert_eq!(
            of_folder(&projects, &inner.join("src")).map(|p| p.id),
            Some(2)
        );
        assert_eq!(
            of_folder(&projects, &dir.path().join("apps")).map(|p| p.id),
            Some(1)
        );
        assert_eq!(of_folder(&projects, Path::new("/")).map(|p| p.id), None);
    }

    #[test]
    fn a_name_matches_exactly_first_then_in_any_case_then_as_an_id() {
        let projects = [
            project(1, "Shop", None),
            project(2, "shop", None),
            project(12, "12", None),
            project(3, "blog", None),
        ];
        let find = |given| by_name_or_id(&projects, given, |p| (p.id, &p.name)).map(|p| p.id);
        assert_eq!(find("shop"), Some(2));
        assert_eq!(find("BLOG"), Some(3));
        assert_eq!(
            find("12"),
            Some(12),
            "a name that looks like an id is a name first"
        );
        assert_eq!(find("3"), Some(3));
        assert_eq!(find("nope"), None);
    }
}
