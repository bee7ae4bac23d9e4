//! What a project folder holds, found in one walk of it: languages (by files), package managers
//! and frameworks (from their manifests), the test commands the test runs would use, Dockerfiles,
//! compose files, migration folders and their layout, `.env` files, and the git branch and
//! remotes. The walk honours `.gitignore` and skips dependency and build folders, so a 50,000-file
//! monorepo scans in well under a second (`scripts/bench`).

mod git;
mod manifests;
mod service;
mod walk;

use std::path::Path;
use std::time::Instant;

use quantum_migrations::MigrationFormat;
use quantum_testruns::Suite;
use serde::{Deserialize, Serialize};
use specta::Type;

pub use git::{GitInfo, Remote};
pub use service::Scans;

/// Lists longer than this are cut to it (a monorepo's hundreds of Dockerfiles add nothing).
const LISTED: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectScan {
    /// The folder scanned.
    pub folder: String,
    /// Files looked at (ignored folders not entered).
    pub files: u32,
    pub elapsed_ms: u32,
    /// Most files first.
    pub languages: Vec<Language>,
    pub package_managers: Vec<Found>,
    pub frameworks: Vec<Found>,
    /// The suites a test run would use, as the Tests section finds them.
    pub test_suites: Vec<Suite>,
    pub dockerfiles: Vec<String>,
    pub compose_files: Vec<String>,
    pub migration_folders: Vec<MigrationFolder>,
    pub env_files: Vec<String>,
    pub git: Option<GitInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Language {
    pub name: String,
    pub files: u32,
}

/// Something found, and the file that says so (relative to the folder).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    pub name: String,
    pub path: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationFolder {
    /// Relative to the project's folder.
    pub path: String,
    pub files: u32,
    /// The layout the migrations section would read it in; none when it is not one of SQL files
    /// it knows (Alembic's Python, Rails' Ruby).
    pub format: Option<MigrationFormat>,
}

/// Scans `folder`. `nextest_installed` chooses the Rust suite's runner, as the Tests section does.
pub fn scan(folder: &Path, nextest_installed: bool) -> ProjectScan {
    let started = Instant::now();
    let walked = walk::walk(folder);
    let mut package_managers = Vec::new();
    let mut frameworks = Vec::new();
    for manifest in &walked.manifests {
        manifests::read(folder, manifest, &mut package_managers, &mut frameworks);
    }
    package_managers.sort_by(|a: &Found, b| {
        (a.path.matches('/').count(), &a.path).cmp(&(b.path.matches('/').count(), &b.path))
    });
    frameworks.sort_by(|a: &Found, b| a.name.cmp(&b.name).then(a.path.cmp(&b.path)));
    frameworks.dedup_by(|a, b| a.name == b.name && a.path == b.path);
    let migration_folders = walked
        .migration_folders
        .iter()
        .map(|(path, sql_files, files)| MigrationFolder {
            path: path.clone(),
            files: *files,
            format: (*sql_files > 0)
                .then(|| quantum_migrations::files::detect(&folder.join(path)).ok())
                .flatten(),
        })
        .collect();
    let mut languages: Vec<Language> = walked
        .languages
        .into_iter()
        .map(|(name, files)| Language {
            name: name.to_owned(),
            files,
        })
        .collect();
    languages.sort_by(|a, b| b.files.cmp(&a.files).then(a.name.cmp(&b.name)));
    ProjectScan {
        folder: folder.display().to_string(),
        files: walked.files,
        languages,
        package_managers: cut(package_managers),
        frameworks: cut(frameworks),
        test_suites: quantum_testruns::detect(folder, nextest_installed),
        dockerfiles: cut(walked.dockerfiles),
        compose_files: cut(walked.compose_files),
        migration_folders: cut(migration_folders),
        env_files: cut(walked.env_files),
        git: git::read(folder),
        elapsed_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
    }
}

fn cut<T>(mut items: Vec<T>) -> Vec<T> {
    items.truncate(LISTED);
    items
}
