//! `quantum scan`: what the project's folder holds, as its Overview lists it.

use std::path::Path;

use quantum_kernel::{ErrorInfo, Store};
use quantum_scan::ProjectScan;

use crate::exit;
use crate::output::Output;
use crate::resolve;

pub async fn scan(store: &Store, project: Option<&str>, output: &Output) -> Result<u8, ErrorInfo> {
    let project = resolve::project(store, project).await?;
    let Some(folder) = project.folder else {
        return Err(ErrorInfo::new(
            "project.no_folder",
            format!(
                "“{}” has no folder to scan: set one on its overview.",
                project.name
            ),
        ));
    };
    let nextest = quantum_testruns::TestRuns::nextest_installed().await;
    let folder = Path::new(&folder).to_path_buf();
    let found = tokio::task::spawn_blocking(move || quantum_scan::scan(&folder, nextest))
        .await
        .map_err(|error| ErrorInfo::new("io.failed", format!("The scan stopped: {error}")))?;
    if output.json() {
        output.document(&found);
    } else {
        print(&found, output);
    }
    Ok(exit::OK)
}

fn print(found: &ProjectScan, output: &Output) {
    println!(
        "{}: {} files in {} ms",
        found.folder, found.files, found.elapsed_ms
    );
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            items.join(", ")
        }
    };
    let rows = vec![
        (
            "Languages",
            list(
                found
                    .languages
                    .iter()
                    .map(|l| format!("{} ({})", l.name, l.files))
                    .collect(),
            ),
        ),
        (
            "Packages",
            list(
                found
                    .package_managers
                    .iter()
                    .map(|f| format!("{} {}", f.name, f.path))
                    .collect(),
            ),
        ),
        (
            "Frameworks",
            list(found.frameworks.iter().map(|f| f.name.clone()).collect()),
        ),
        (
            "Tests",
            list(
                found
                    .test_suites
                    .iter()
                    .map(|s| s.command.join(" "))
                    .collect(),
            ),
        ),
        (
            "Migrations",
            list(
                found
                    .migration_folders
                    .iter()
                    .map(|m| m.path.clone())
                    .collect(),
            ),
        ),
        ("Dockerfiles", list(found.dockerfiles.clone())),
        ("Compose", list(found.compose_files.clone())),
        (".env", list(found.env_files.clone())),
        (
            "Git",
            found.git.as_ref().map_or("—".to_owned(), |git| {
                let remotes: Vec<String> = git
                    .remotes
                    .iter()
                    .map(|r| format!("{} {}", r.name, r.url))
                    .collect();
                format!(
                    "{} {}",
                    git.branch.as_deref().unwrap_or("(detached)"),
                    remotes.join(", ")
                )
            }),
        ),
    ];
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(label, value)| vec![label.to_owned(), value])
        .collect();
    output.table("  ", &rows);
}
