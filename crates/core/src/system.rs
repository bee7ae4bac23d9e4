//! What the dashboard's cards read beyond the store's summary: the machine's state (Docker, the
//! secret store, free disk) and the last test run of each project.

use std::path::Path;
use std::sync::Arc;

use quantum_docker::Docker;
use quantum_kernel::{projects, ErrorInfo};
use quantum_secrets::SecretStoreStatus;
use quantum_testruns::TestRun;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Core;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DockerHealth {
    pub available: bool,
    /// Which engine the app talks to, and what chose it.
    pub endpoint: Option<String>,
    /// The engine's version and API version, when it answers.
    pub version: Option<String>,
    pub api_version: Option<String>,
    /// Why it does not answer.
    pub message: Option<String>,
    /// Where the engine keeps images and volumes, and the space left there when that folder is
    /// on this machine (not inside Docker Desktop's VM).
    pub root_dir: Option<String>,
    pub root_free_bytes: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SystemHealth {
    pub docker: DockerHealth,
    pub secrets: SecretStoreStatus,
    pub data_dir: String,
    /// Space left on the disk that holds the app's data folder.
    pub data_dir_free_bytes: Option<u64>,
}

/// Docker, the secret store and the disks, each read without failing the others.
pub async fn health(core: &Core, data_dir: &Path) -> SystemHealth {
    let secrets = Arc::clone(&core.secrets);
    let folder = data_dir.to_path_buf();
    let (secrets, data_dir_free_bytes) =
        tokio::task::spawn_blocking(move || (secrets.status(), fs4::available_space(&folder).ok()))
            .await
            .unwrap_or_else(|_| {
                (
                    SecretStoreStatus {
                        kind: quantum_secrets::SecretStoreKind::Keychain,
                        vault_exists: false,
                        vault_unlocked: false,
                        message: "The secret store could not be asked.".to_owned(),
                    },
                    None,
                )
            });
    SystemHealth {
        docker: docker_health().await,
        secrets,
        data_dir: data_dir.display().to_string(),
        data_dir_free_bytes,
    }
}

async fn docker_health() -> DockerHealth {
    let docker = match Docker::connect().await {
        Ok(docker) => docker,
        Err(error) => {
            return DockerHealth {
                available: false,
                endpoint: None,
                version: None,
                api_version: None,
                message: Some(error.to_string()),
                root_dir: None,
                root_free_bytes: None,
            }
        }
    };
    let endpoint = Some(docker.endpoint().to_string());
    let (version, info) = tokio::join!(docker.api().version(), docker.api().info());
    match version {
        Ok(version) => {
            let root_dir = info.ok().and_then(|info| info.docker_root_dir);
            let root_free_bytes = match &root_dir {
                Some(dir) if Path::new(dir).is_dir() => {
                    let dir = dir.clone();
                    tokio::task::spawn_blocking(move || fs4::available_space(dir).ok())
                        .await
                        .ok()
                        .flatten()
                }
                _ => None,
            };
            DockerHealth {
                available: true,
                endpoint,
                version: version.version,
                api_version: version.api_version,
                message: None,
                root_dir,
                root_free_bytes,
            }
        }
        Err(error) => DockerHealth {
            available: false,
            endpoint,
            version: None,
            api_version: None,
            message: Some(error.to_string()),
            root_dir: None,
            root_free_bytes: None,
        },
    }
}

/// A project's most recent test run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectTestRun {
    pub project_id: i64,
    pub project_name: String,
    pub run: TestRun,
}

/// The last test run of every project that has one, newest first.
pub async fn last_test_runs(core: &Core) -> Result<Vec<ProjectTestRun>, ErrorInfo> {
    let mut runs = Vec::new();
    for project in projects::list(&core.store).await? {
        if let Some(run) = quantum_testruns::history::list(&core.store, project.id, 1)
            .await?
            .into_iter()
            .next()
        {
            runs.push(ProjectTestRun {
                project_id: project.id,
                project_name: project.name,
                run,
            });
        }
    }
    runs.sort_by(|a, b| b.run.started_at.cmp(&a.run.started_at));
    Ok(runs)
}

/// What a project's "Start stack" did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StackStart {
    pub started: Vec<String>,
    /// Already running.
    pub running: Vec<String>,
    /// Names and why, in the user's words.
    pub failed: Vec<(String, String)>,
}

/// Starts every datasource of the project that is not running, side by side, and waits until
/// each is ready or has failed.
pub async fn start_stack(core: &Core, project_id: i64) -> Result<StackStart, ErrorInfo> {
    use quantum_datasources::DatasourceStatus;
    let mut outcome = StackStart::default();
    let mut starting = tokio::task::JoinSet::new();
    for datasource in core.datasources.list(Some(project_id)).await? {
        if matches!(
            datasource.status,
            DatasourceStatus::Ready | DatasourceStatus::Starting
        ) {
            outcome.running.push(datasource.name);
            continue;
        }
        let datasources = Arc::clone(&core.datasources);
        starting.spawn(async move {
            let result = datasources.start(datasource.id).await;
            (datasource.name, result)
        });
    }
    while let Some(joined) = starting.join_next().await {
        match joined {
            Ok((name, Ok(_))) => outcome.started.push(name),
            Ok((name, Err(error))) => outcome.failed.push((name, error.to_string())),
            Err(error) => outcome.failed.push((String::new(), error.to_string())),
        }
    }
    outcome.started.sort();
    outcome.failed.sort();
    Ok(outcome)
}
