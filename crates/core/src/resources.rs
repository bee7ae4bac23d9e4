//! The resource manager with what the store knows: which volumes and containers are the
//! datasources' (and the snapshots'), so that the listing names them and a prune leaves them.

use std::sync::Arc;

use quantum_docker::Docker;
use quantum_kernel::ErrorInfo;
use quantum_resources::{
    DockerInventory, ListeningPort, Owners, PruneItem, PruneOptions, PruneOutcome, PrunePlan,
};

use crate::Core;

/// The datasources' data volumes and containers, the snapshots' volumes, and what names this data
/// folder's deploy containers, in the user's words.
pub async fn owners(core: &Core) -> Result<Owners, ErrorInfo> {
    let mut owners = Owners {
        store: core.store.identity().to_owned(),
        projects: quantum_kernel::projects::list(&core.store)
            .await?
            .into_iter()
            .map(|project| (project.id.to_string(), project.name))
            .collect(),
        ..Owners::default()
    };
    for datasource in core.datasources.list(None).await? {
        owners.volumes.insert(
            datasource.volume_name.clone(),
            format!("the data of the datasource “{}”", datasource.name),
        );
        if let Some(container) = &datasource.container_id {
            owners.containers.insert(
                container.clone(),
                format!("the datasource “{}”", datasource.name),
            );
        }
        for snapshot in core.snapshots.list(datasource.id).await? {
            owners.volumes.insert(
                snapshot.volume_name,
                format!("a snapshot of the datasource “{}”", datasource.name),
            );
        }
    }
    Ok(owners)
}

/// Every listening port and its holder. The sockets and processes are read on a blocking thread.
pub async fn ports(core: &Core) -> Result<Vec<ListeningPort>, ErrorInfo> {
    // Without Docker, ports are still named by their processes.
    let containers = match Docker::connect().await {
        Ok(docker) => docker.containers().await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let processes = Arc::clone(&core.processes);
    let scanned = tokio::task::spawn_blocking(move || {
        quantum_resources::ports::sockets()
            .map(|sockets| quantum_resources::ports::attribute(sockets, &containers, &processes))
    })
    .await
    .map_err(|error| ErrorInfo::new("resources.sockets_unreadable", error.to_string()))?;
    Ok(scanned?)
}

pub async fn inventory(core: &Core) -> Result<DockerInventory, ErrorInfo> {
    let owners = owners(core).await?;
    let docker = Docker::connect().await?;
    Ok(DockerInventory::read(&docker, &owners).await?)
}

pub async fn prune_plan(core: &Core, options: PruneOptions) -> Result<PrunePlan, ErrorInfo> {
    Ok(PrunePlan::of(&inventory(core).await?, options))
}

pub async fn prune(
    core: &Core,
    options: PruneOptions,
    chosen: &[PruneItem],
) -> Result<PruneOutcome, ErrorInfo> {
    let owners = owners(core).await?;
    let docker = Docker::connect().await?;
    Ok(quantum_resources::prune(&docker, &owners, options, chosen).await?)
}

pub async fn remove_volume(core: &Core, name: &str) -> Result<(), ErrorInfo> {
    let owners = owners(core).await?;
    let docker = Docker::connect().await?;
    Ok(quantum_resources::remove_volume(&docker, &owners, name).await?)
}

pub async fn remove_container(core: &Core, id: &str) -> Result<(), ErrorInfo> {
    let owners = owners(core).await?;
    let docker = Docker::connect().await?;
    Ok(quantum_resources::remove_container(&docker, &owners, id).await?)
}
