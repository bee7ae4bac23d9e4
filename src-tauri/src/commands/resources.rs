//! The Resources page: listening ports and their holders, processes, and everything Docker
//! holds (containers, images, volumes, networks) with a prune that previews what it deletes.

use std::sync::Arc;

use quantum_docker::{Docker, PullProgress};
use quantum_kernel::ErrorInfo;
use quantum_resources::{
    DockerInventory, EndOutcome, ListeningPort, ProcessEntry, PruneItem, PruneOptions,
    PruneOutcome, PrunePlan,
};
use tauri::ipc::Channel;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn resources_ports(state: State<'_, AppState>) -> CommandResult<Vec<ListeningPort>> {
    quantum_core::resources::ports(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn resources_processes(state: State<'_, AppState>) -> CommandResult<Vec<ProcessEntry>> {
    let processes = Arc::clone(&state.processes);
    tokio::task::spawn_blocking(move || processes.list())
        .await
        .map_err(|error| ErrorInfo::new("resources.processes_unreadable", error.to_string()))
}

/// Ends the process `pid` that started at `started_at` (a pid alone may have been reused):
/// asks it to stop, or kills it when `force`.
#[tauri::command]
#[specta::specta]
pub async fn resources_process_end(
    state: State<'_, AppState>,
    pid: u32,
    started_at: u64,
    force: bool,
) -> CommandResult<EndOutcome> {
    let processes = Arc::clone(&state.processes);
    Ok(
        tokio::task::spawn_blocking(move || processes.end(pid, started_at, force))
            .await
            .map_err(|error| ErrorInfo::new("resources.end_failed", error.to_string()))??,
    )
}

#[tauri::command]
#[specta::specta]
pub async fn resources_docker(state: State<'_, AppState>) -> CommandResult<DockerInventory> {
    quantum_core::resources::inventory(&state).await
}

/// Pulls an image, pushing the progress summed over its layers.
#[tauri::command]
#[specta::specta]
pub async fn resources_image_pull(
    image: String,
    progress: Channel<PullProgress>,
) -> CommandResult<()> {
    let reference = image.trim();
    if reference.is_empty() {
        return Err(ErrorInfo::new(
            "resources.image_required",
            "Give an image, such as redis:7.",
        )
        .with_field("image"));
    }
    let docker = Docker::connect().await?;
    Ok(docker
        .pull(reference, |step| {
            let _ = progress.send(step);
        })
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn resources_image_remove(id: String) -> CommandResult<()> {
    let docker = Docker::connect().await?;
    Ok(quantum_resources::remove_image(&docker, &id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn resources_volume_remove(
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<()> {
    quantum_core::resources::remove_volume(&state, &name).await
}

#[tauri::command]
#[specta::specta]
pub async fn resources_network_remove(id: String) -> CommandResult<()> {
    let docker = Docker::connect().await?;
    Ok(quantum_resources::remove_network(&docker, &id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn resources_container_remove(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<()> {
    quantum_core::resources::remove_container(&state, &id).await
}

/// What a prune of the chosen kinds would delete, and what it leaves on purpose.
#[tauri::command]
#[specta::specta]
pub async fn resources_prune_plan(
    state: State<'_, AppState>,
    options: PruneOptions,
) -> CommandResult<PrunePlan> {
    quantum_core::resources::prune_plan(&state, options).await
}

/// Deletes the previewed items that are still unused.
#[tauri::command]
#[specta::specta]
pub async fn resources_prune(
    state: State<'_, AppState>,
    options: PruneOptions,
    items: Vec<PruneItem>,
) -> CommandResult<PruneOutcome> {
    quantum_core::resources::prune(&state, options, &items).await
}
