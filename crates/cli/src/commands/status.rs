//! `quantum projects` and `quantum status`: read from the store, with Docker's word on each
//! container when Docker answers. Nothing is changed, so they are quick (`scripts/bench`).

use std::collections::HashMap;
use std::path::Path;

use quantum_core::{read_settings, Core};
use quantum_datasources::Datasource;
use quantum_docker::Docker;
use quantum_kernel::projects::{self, Project};
use quantum_kernel::{ErrorInfo, Store};
use serde::Serialize;

use crate::exit;
use crate::output::Output;
use crate::resolve;

pub async fn projects(store: &Store, output: &Output) -> Result<u8, ErrorInfo> {
    let projects = projects::list(store).await?;
    if output.json() {
        output.document(&serde_json::json!({ "projects": projects }));
    } else if projects.is_empty() {
        println!("No projects yet: create one in the app.");
    } else {
        let mut rows = vec![vec!["ID".into(), "NAME".into(), "FOLDER".into()]];
        rows.extend(projects.iter().map(|p| {
            vec![
                p.id.to_string(),
                p.name.clone(),
                p.folder.clone().unwrap_or_else(|| "—".into()),
            ]
        }));
        output.table("", &rows);
    }
    Ok(exit::OK)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProjectStatus {
    #[serde(flatten)]
    project: Project,
    datasources: Vec<DatasourceStatus>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasourceStatus {
    #[serde(flatten)]
    datasource: Datasource,
    /// Docker's state word for its container (`running`, `exited`, …); `missing` when Docker has
    /// none; null when Docker could not be asked.
    container: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DockerState {
    available: bool,
    message: Option<String>,
}

pub async fn status(
    data_dir: &Path,
    project: Option<&str>,
    all: bool,
    output: &Output,
) -> Result<u8, ErrorInfo> {
    let core = Core::open_for_reading(data_dir, &read_settings(data_dir)).await?;
    let store = &core.store;
    let all_projects = projects::list(store).await?;
    let chosen: Vec<Project> = match project {
        Some(_) => vec![resolve::project_in(&all_projects, project)?],
        None if all => all_projects,
        None => {
            let here = std::env::current_dir().unwrap_or_default();
            match resolve::of_folder(&all_projects, &here) {
                Some(project) => vec![project.clone()],
                None => all_projects,
            }
        }
    };
    let datasources = &core.datasources;
    let (containers, docker) = match Docker::connect().await {
        Ok(docker) => match datasources.container_states(&docker).await {
            Ok(states) => (
                Some(states),
                DockerState {
                    available: true,
                    message: None,
                },
            ),
            Err(error) => (None, unavailable(ErrorInfo::from(error))),
        },
        Err(error) => (None, unavailable(ErrorInfo::from(error))),
    };
    let mut statuses = Vec::new();
    for project in chosen {
        let datasources = datasources
            .list(Some(project.id))
            .await?
            .into_iter()
            .map(|datasource| DatasourceStatus {
                container: container_word(containers.as_ref(), datasource.id),
                datasource,
            })
            .collect();
        statuses.push(ProjectStatus {
            project,
            datasources,
        });
    }
    store.close().await;
    if output.json() {
        output.document(&serde_json::json!({ "projects": statuses, "docker": docker }));
    } else {
        print_status(&statuses, &docker, output);
    }
    Ok(exit::OK)
}

fn unavailable(error: ErrorInfo) -> DockerState {
    DockerState {
        available: false,
        message: Some(error.message),
    }
}

fn container_word(containers: Option<&HashMap<i64, String>>, id: i64) -> Option<String> {
    containers.map(|states| {
        states
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "missing".to_owned())
    })
}

fn print_status(statuses: &[ProjectStatus], docker: &DockerState, output: &Output) {
    if statuses.is_empty() {
        println!("No projects yet: create one in the app.");
    }
    for (index, status) in statuses.iter().enumerate() {
        if index > 0 {
            println!();
        }
        let folder = status.project.folder.as_deref().unwrap_or("no folder");
        println!("{}  ({folder})", status.project.name);
        if status.datasources.is_empty() {
            println!("  no datasources");
            continue;
        }
        let mut rows = vec![vec![
            "NAME".into(),
            "ENGINE".into(),
            "PORT".into(),
            "STATUS".into(),
            "CONTAINER".into(),
        ]];
        rows.extend(status.datasources.iter().map(|d| {
            let mut state = serde_json::to_value(d.datasource.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            if let Some(reason) = &d.datasource.status_reason {
                state.push_str(&format!(" ({reason})"));
            }
            vec![
                d.datasource.name.clone(),
                d.datasource.engine.as_str().to_owned(),
                d.datasource.host_port.to_string(),
                state,
                d.container.clone().unwrap_or_else(|| "?".into()),
            ]
        }));
        output.table("  ", &rows);
    }
    if let Some(message) = docker.message.as_deref().filter(|_| !docker.available) {
        eprintln!("Docker: {message}");
    }
}
