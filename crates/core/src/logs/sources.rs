//! Which sources a project's log has: its datasources' containers, its environments' live
//! releases (containers on their engines, or pods on a cluster) with the environments' own
//! datasources, its test runs and the app's own lines about it.

use std::sync::Arc;

use quantum_deploy::kubernetes::Cluster;
use quantum_docker::Docker;
use quantum_kernel::ErrorInfo;
use quantum_logs::app_log::Keep;
use quantum_logs::{now_ms, LogEntry, LogLineLevel, LogSource, LogSourceKind};

use crate::Core;

/// The project's sources, and which container each datasource and live release has (and on
/// which engine: this machine's when `None`).
pub(super) struct Plan {
    pub(super) sources: Vec<LogSource>,
    pub(super) containers: Vec<(u16, String, Option<Docker>)>,
    /// A cluster release's pods: (source, connection, namespace, pod).
    pub(super) pods: Vec<(u16, Cluster, Option<String>, String)>,
    /// Why a source says nothing (its engine cannot be reached), as lines of that source.
    pub(super) notes: Vec<LogEntry>,
    pub(super) test_runs: u16,
    pub(super) app: u16,
    pub(super) keep: Keep,
}

/// Containers as datasource sources of the log, on `docker` (this machine's when `None`).
fn add_containers(
    sources: &mut Vec<LogSource>,
    containers: &mut Vec<(u16, String, Option<Docker>)>,
    found: Vec<(String, String)>,
    docker: Option<&Docker>,
) {
    for (name, container) in found {
        let id = sources.len() as u16;
        sources.push(LogSource {
            id,
            kind: LogSourceKind::Datasource,
            name,
        });
        containers.push((id, container, docker.cloned()));
    }
}

pub(super) async fn plan(core: &Core, project_id: i64) -> Result<Plan, ErrorInfo> {
    let datasources = core.datasources.list(Some(project_id)).await?;
    let mut sources = Vec::new();
    let mut containers = Vec::new();
    let mut notes = Vec::new();
    let mut pods = Vec::new();
    for datasource in &datasources {
        let Some(container) = &datasource.container_id else {
            continue;
        };
        let id = sources.len() as u16;
        sources.push(LogSource {
            id,
            kind: LogSourceKind::Datasource,
            name: datasource.name.clone(),
        });
        containers.push((id, container.clone(), None));
    }
    let live = core
        .deploys
        .history(project_id, None)
        .await?
        .into_iter()
        .filter(|release| release.status == quantum_deploy::ReleaseStatus::Live);
    for release in live {
        if let Some(cluster) = release.kubernetes() {
            let id = sources.len() as u16;
            sources.push(LogSource {
                id,
                kind: LogSourceKind::Release,
                name: format!(
                    "{} ({}) on {}",
                    release.environment,
                    release.version,
                    cluster.label()
                ),
            });
            match core.deploys.release_pods(&release).await {
                Ok(Some((cluster, of_release))) => pods.extend(
                    of_release
                        .into_iter()
                        .map(|(namespace, pod)| (id, cluster.clone(), namespace, pod)),
                ),
                Ok(None) => {}
                Err(error) => notes.push(LogEntry::new(
                    now_ms(),
                    id,
                    format!("ERROR {} cannot be read: {error}", cluster.label()),
                )),
            }
            continue;
        }
        let Some(container) = release.container_name.clone() else {
            continue;
        };
        let id = sources.len() as u16;
        let target = release.target();
        let on = if target.is_local() {
            String::new()
        } else {
            format!(" on {}", target.label())
        };
        sources.push(LogSource {
            id,
            kind: LogSourceKind::Release,
            name: format!("{} ({}){on}", release.environment, release.version),
        });
        // A release on another Docker host logs there: read over that engine's connection.
        // The environment's own datasources log beside it, on the same engine.
        if target.is_local() {
            if let Ok(docker) = core.deploys.local_engine().await {
                let found = crate::deploy_datasources::log_sources(core, &release, &docker).await;
                add_containers(&mut sources, &mut containers, found, None);
            }
            containers.push((id, container, None));
            continue;
        }
        match crate::deploy::release_engine(core, &release).await {
            Ok(docker) => {
                let found = crate::deploy_datasources::log_sources(core, &release, &docker).await;
                add_containers(&mut sources, &mut containers, found, Some(&docker));
                containers.push((id, container, Some(docker)));
            }
            Err(error) => notes.push(LogEntry::new(
                now_ms(),
                id,
                format!(
                    "ERROR {} cannot be reached: {}",
                    target.label(),
                    error.message
                ),
            )),
        }
    }
    let test_runs = sources.len() as u16;
    sources.push(LogSource {
        id: test_runs,
        kind: LogSourceKind::TestRuns,
        name: "Test runs".into(),
    });
    let app = sources.len() as u16;
    sources.push(LogSource {
        id: app,
        kind: LogSourceKind::App,
        name: "Quantum Admin".into(),
    });
    let ours: Vec<String> = std::iter::once(format!("project_id={project_id}"))
        .chain(
            datasources
                .iter()
                .map(|d| format!("datasource_id={}", d.id)),
        )
        .collect();
    // The app's lines that name this project or one of its datasources, and its warnings and
    // errors that name none (a Docker or keychain problem concerns every project).
    let keep: Keep = Arc::new(move |line: &str| {
        let named = |token: &str| line.split_whitespace().any(|word| word == token);
        if ours.iter().any(|token| named(token)) {
            return true;
        }
        let names_another = line
            .split_whitespace()
            .any(|word| word.starts_with("project_id=") || word.starts_with("datasource_id="));
        !names_another
            && quantum_logs::level_of(line).is_some_and(|level| level >= LogLineLevel::Warning)
    });
    Ok(Plan {
        sources,
        containers,
        pods,
        notes,
        test_runs,
        app,
        keep,
    })
}
