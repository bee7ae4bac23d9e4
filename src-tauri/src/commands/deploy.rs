//! Deploys: the project's environments, their history and logs; a deploy or a rollback streamed
//! over a channel stage by stage and line by line (its end is told through the desktop by
//! events.rs, from the audited change).

use quantum_core::deploy::{DataChoice, DeployEnvironment, RegistryLoginInfo};
use quantum_core::deploy_data::DataRestoreOffer;
use quantum_core::deploy_datasources::DatasourceChoice;
use quantum_deploy::DatasourceState;
use quantum_deploy::{DeployEvent, Release};
use tauri::ipc::Channel;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn deploy_environments(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<DeployEnvironment>> {
    quantum_core::deploy::environments(&state.core, project_id).await
}

/// The project's releases (one environment's when given), newest first.
#[tauri::command]
#[specta::specta]
pub async fn deploy_history(
    state: State<'_, AppState>,
    project_id: i64,
    environment: Option<String>,
) -> CommandResult<Vec<Release>> {
    Ok(state
        .core
        .deploys
        .history(project_id, environment.as_deref())
        .await?)
}

/// A release's build and release log.
#[tauri::command]
#[specta::specta]
pub async fn deploy_log(state: State<'_, AppState>, release_id: i64) -> CommandResult<String> {
    Ok(state.core.deploys.log(release_id).await?)
}

/// Builds the project and releases it to `environment`; ends with the release, live or failed.
#[tauri::command]
#[specta::specta]
pub async fn deploy_start(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    on_event: Channel<DeployEvent>,
) -> CommandResult<Release> {
    let send = move |event: DeployEvent| {
        let _ = on_event.send(event);
    };
    let keep = state.settings().snapshots_kept;
    quantum_core::deploy::deploy(&state.core, project_id, &environment, keep, &send).await
}

/// What a rollback to the release can restore with the code: the snapshots taken before the
/// migrations of the releases it goes back past.
#[tauri::command]
#[specta::specta]
pub async fn deploy_rollback_data(
    state: State<'_, AppState>,
    project_id: i64,
    release_id: i64,
) -> CommandResult<Vec<DataRestoreOffer>> {
    quantum_core::deploy_data::rollback_data(&state.core, project_id, release_id).await
}

/// Releases a kept release again; with `restore_data`, the data goes back with it (what was
/// written since those snapshots is lost: the confirmation said so).
#[tauri::command]
#[specta::specta]
pub async fn deploy_rollback(
    state: State<'_, AppState>,
    project_id: i64,
    release_id: i64,
    restore_data: bool,
    on_event: Channel<DeployEvent>,
) -> CommandResult<Release> {
    let send = move |event: DeployEvent| {
        let _ = on_event.send(event);
    };
    let data = if restore_data {
        DataChoice::Restore {
            keep: state.settings().snapshots_kept,
        }
    } else {
        DataChoice::Keep
    };
    quantum_core::deploy::rollback(&state.core, project_id, release_id, data, &send).await
}

/// Connects to the environment's Docker Engine and says which it is. With `trust_fingerprint`,
/// the SSH host key the user confirmed is recorded in `known_hosts` first.
#[tauri::command]
#[specta::specta]
pub async fn deploy_connect(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    trust_fingerprint: Option<String>,
) -> CommandResult<String> {
    quantum_core::deploy::connect(&state.core, project_id, &environment, trust_fingerprint).await
}

/// Keeps the passphrase of the environment's SSH key in the keychain once it logs in.
#[tauri::command]
#[specta::specta]
pub async fn deploy_set_ssh_passphrase(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    passphrase: String,
) -> CommandResult<String> {
    quantum_core::deploy::set_ssh_passphrase(&state.core, project_id, &environment, passphrase)
        .await
}

/// The user's Docker contexts (`docker context ls`), for an environment's target.
#[tauri::command]
#[specta::specta]
pub async fn docker_contexts() -> CommandResult<Vec<quantum_docker::host::DockerContext>> {
    tokio::task::spawn_blocking(quantum_core::deploy::docker_contexts)
        .await
        .map_err(|error| quantum_kernel::ErrorInfo::new("docker.failed", error.to_string()))?
}

/// The contexts of the user's kubeconfig, for an environment to deploy to one.
#[tauri::command]
#[specta::specta]
pub async fn kube_contexts() -> CommandResult<Vec<quantum_deploy::kubernetes::KubeContext>> {
    tokio::task::spawn_blocking(quantum_core::deploy::kube_contexts)
        .await
        .map_err(|error| quantum_kernel::ErrorInfo::new("kubernetes.failed", error.to_string()))?
}

/// Points an environment at a Kubernetes cluster: a kubeconfig context and a namespace (written
/// into quantum.toml, comments kept).
#[tauri::command]
#[specta::specta]
pub async fn deploy_set_kubernetes(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    context: String,
    namespace: Option<String>,
) -> CommandResult<()> {
    Ok(state
        .configs
        .set_kubernetes_target(project_id, &environment, &context, namespace.as_deref())
        .await?)
}

/// The project's datasources an environment can run on its engine, and which it runs.
#[tauri::command]
#[specta::specta]
pub async fn deploy_datasource_choices(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
) -> CommandResult<Vec<DatasourceChoice>> {
    quantum_core::deploy_datasources::choices(&state.core, project_id, &environment).await
}

/// Sets the datasources an environment runs (written into quantum.toml, comments kept).
#[tauri::command]
#[specta::specta]
pub async fn deploy_set_datasources(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    names: Vec<String>,
) -> CommandResult<()> {
    Ok(state
        .configs
        .set_deploy_datasources(project_id, &environment, &names)
        .await?)
}

/// The environment's datasources as its engine has them.
#[tauri::command]
#[specta::specta]
pub async fn deploy_datasource_states(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
) -> CommandResult<Vec<DatasourceState>> {
    quantum_core::deploy_datasources::states(&state.core, project_id, &environment).await
}

/// Makes the environment's datasources run now, as its next deploy would, each line of what it
/// does (pulls, creation, readiness) sent as it happens.
#[tauri::command]
#[specta::specta]
pub async fn deploy_datasources_start(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    on_line: Channel<String>,
) -> CommandResult<Vec<DatasourceState>> {
    let send = move |line: &str| {
        let _ = on_line.send(line.to_owned());
    };
    quantum_core::deploy_datasources::start(&state.core, project_id, &environment, &send).await
}

/// Removes an environment's datasource from its engine (its data too with `withData`).
#[tauri::command]
#[specta::specta]
pub async fn deploy_datasource_remove(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    name: String,
    with_data: bool,
) -> CommandResult<Vec<DatasourceState>> {
    quantum_core::deploy_datasources::remove(
        &state.core,
        project_id,
        &environment,
        &name,
        with_data,
    )
    .await
}

/// Points an environment at another Docker Engine (written into quantum.toml, comments kept).
#[tauri::command]
#[specta::specta]
pub async fn deploy_set_target(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    target: quantum_deploy::DockerTarget,
    ssh_identity: Option<String>,
) -> CommandResult<()> {
    Ok(state
        .configs
        .set_deploy_target(project_id, &environment, &target, ssh_identity.as_deref())
        .await?)
}

/// The registry the environment pushes to, and who the app logs in to it as.
#[tauri::command]
#[specta::specta]
pub async fn deploy_registry_login(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
) -> CommandResult<RegistryLoginInfo> {
    quantum_core::deploy::registry_login(&state.core, project_id, &environment).await
}

/// Logs in to the environment's registry and keeps the login in the keychain once it works;
/// `null` forgets it (the Docker CLI's login is used again).
#[tauri::command]
#[specta::specta]
pub async fn deploy_set_registry_login(
    state: State<'_, AppState>,
    project_id: i64,
    environment: String,
    login: Option<quantum_deploy::RegistryLogin>,
) -> CommandResult<RegistryLoginInfo> {
    quantum_core::deploy::set_registry_login(&state.core, project_id, &environment, login).await
}
