//! Docker's containers, images, volumes and networks with who owns each, and a prune that
//! deletes exactly what its preview listed: a datasource's data is never in it by default.

use std::collections::{HashMap, HashSet};

use quantum_docker::{
    ContainerEntry, Docker, ImageEntry, NetworkEntry, VolumeEntry, LABEL_ENGINE, LABEL_ENVIRONMENT,
    LABEL_ENVIRONMENT_DATASOURCE, LABEL_PROJECT, LABEL_RELEASE, LABEL_ROLE, LABEL_STORE,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Error, Result};

/// Marks a snapshot's volume (the snapshots crate sets it).
const LABEL_SNAPSHOT: &str = "app.quantumadmin.snapshot";

/// What the app's store knows owns a Docker object, in the user's words.
#[derive(Clone, Debug, Default)]
pub struct Owners {
    /// Data volumes of the datasources and the snapshots' volumes, by volume name.
    pub volumes: HashMap<String, String>,
    /// The datasources' containers, by container id.
    pub containers: HashMap<String, String>,
    /// This data folder's identity, the store label on what its app made.
    pub store: String,
    /// The projects' names by id (the project label's text), for the deploy containers.
    pub projects: HashMap<String, String>,
}

/// Why a volume may or may not be deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Protection {
    /// Nobody in the app claims it.
    None,
    /// A datasource's data or a snapshot: never pruned; removed with its datasource or snapshot.
    Owned,
    /// Data a removed datasource left behind (a new datasource can take it over): pruned only
    /// when asked for.
    LeftData,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ContainerRow {
    pub container: ContainerEntry,
    /// The datasource it serves, when it is one of the app's.
    pub owner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VolumeRow {
    pub volume: VolumeEntry,
    pub owner: Option<String>,
    pub protection: Protection,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DockerInventory {
    pub containers: Vec<ContainerRow>,
    pub images: Vec<ImageEntry>,
    pub volumes: Vec<VolumeRow>,
    pub networks: Vec<NetworkEntry>,
}

impl DockerInventory {
    pub async fn read(docker: &Docker, owners: &Owners) -> Result<Self> {
        let containers = docker.containers().await?;
        let images = docker.images(&containers).await?;
        let volumes = docker.volumes(&containers).await?;
        let networks = docker.networks(&containers).await?;
        Ok(Self {
            volumes: volumes
                .into_iter()
                .map(|volume| {
                    let (owner, protection) = volume_owner(&volume, owners);
                    VolumeRow {
                        volume,
                        owner,
                        protection,
                    }
                })
                .collect(),
            containers: containers
                .into_iter()
                .map(|container| ContainerRow {
                    owner: container_owner(&container, owners),
                    container,
                })
                .collect(),
            images,
            networks,
        })
    }
}

fn volume_owner(volume: &VolumeEntry, owners: &Owners) -> (Option<String>, Protection) {
    if let Some(owner) = owners.volumes.get(&volume.name) {
        return (Some(owner.clone()), Protection::Owned);
    }
    if volume.labels.contains_key(LABEL_SNAPSHOT) {
        return (
            Some("a snapshot of a removed datasource".to_owned()),
            Protection::Owned,
        );
    }
    if let Some(name) = volume.labels.get(LABEL_ENVIRONMENT_DATASOURCE) {
        return (
            Some(format!("datasource {name} of a deploy environment")),
            Protection::Owned,
        );
    }
    match volume.labels.get(LABEL_ENGINE) {
        Some(engine) => (
            Some(format!("{engine} data left by a removed datasource")),
            Protection::LeftData,
        ),
        None => (None, Protection::None),
    }
}

fn container_owner(container: &ContainerEntry, owners: &Owners) -> Option<String> {
    owners
        .containers
        .get(&container.id)
        .cloned()
        .or_else(|| {
            let name = container.labels.get(LABEL_ENVIRONMENT_DATASOURCE)?;
            Some(format!("datasource {name} of a deploy environment"))
        })
        .or_else(|| {
            let store = container.labels.get(LABEL_STORE)?;
            Some(if *store == owners.store {
                deploy_owner(container, owners)
                    .unwrap_or_else(|| "Quantum Admin (this data folder's)".to_owned())
            } else {
                "Quantum Admin (another data folder's)".to_owned()
            })
        })
}

/// "release 12 of shop's staging environment", "the proxy of shop's staging environment".
fn deploy_owner(container: &ContainerEntry, owners: &Owners) -> Option<String> {
    let labels = &container.labels;
    let environment = labels.get(LABEL_ENVIRONMENT)?;
    let project = labels
        .get(LABEL_PROJECT)
        .and_then(|id| owners.projects.get(id))
        .map_or_else(
            || "a removed project".to_owned(),
            |name| format!("“{name}”"),
        );
    let place = format!("{project}'s {environment} environment");
    match labels.get(LABEL_ROLE).map(String::as_str) {
        Some("proxy") => Some(format!("the proxy of {place}")),
        Some("release") => Some(match labels.get(LABEL_RELEASE) {
            Some(id) => format!("release {id} of {place}"),
            None => format!("a release of {place}"),
        }),
        _ => Some(place),
    }
}

/// Which kinds a prune covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PruneOptions {
    pub containers: bool,
    pub images: bool,
    pub volumes: bool,
    pub networks: bool,
    /// Also the data removed datasources left behind (off unless the user asks).
    pub left_data: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum PruneKind {
    Container,
    Image,
    Volume,
    Network,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PruneItem {
    pub kind: PruneKind,
    /// What Docker removes it by: a container's, image's or network's id, a volume's name.
    pub id: String,
    pub name: String,
    pub size_bytes: Option<u64>,
    /// Why it is in the prune: "exited", "dangling", "unused".
    pub why: String,
}

/// Something a prune leaves, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeptItem {
    pub kind: PruneKind,
    pub name: String,
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrunePlan {
    pub items: Vec<PruneItem>,
    /// Unused objects the prune leaves on purpose (the app's data, its stopped datasources).
    pub kept: Vec<KeptItem>,
    /// The sizes Docker reports, summed (a volume whose size is unknown adds nothing).
    pub reclaim_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PruneOutcome {
    pub removed: Vec<PruneItem>,
    /// Listed in the preview but no longer unused (or claimed since): left.
    pub skipped: Vec<KeptItem>,
    pub reclaimed_bytes: u64,
}

impl PrunePlan {
    pub fn of(inventory: &DockerInventory, options: PruneOptions) -> Self {
        let mut items = Vec::new();
        let mut kept = Vec::new();
        if options.containers {
            for row in &inventory.containers {
                let container = &row.container;
                if !matches!(container.state.as_str(), "exited" | "created" | "dead") {
                    continue;
                }
                match &row.owner {
                    Some(owner) => kept.push(KeptItem {
                        kind: PruneKind::Container,
                        name: container.name.clone(),
                        why: format!("belongs to {owner}"),
                    }),
                    None => items.push(PruneItem {
                        kind: PruneKind::Container,
                        id: container.id.clone(),
                        name: container.name.clone(),
                        size_bytes: None,
                        why: container.state.clone(),
                    }),
                }
            }
        }
        if options.images {
            items.extend(
                inventory
                    .images
                    .iter()
                    .filter(|image| image.tags.is_empty() && image.used_by.is_empty())
                    .map(|image| PruneItem {
                        kind: PruneKind::Image,
                        id: image.id.clone(),
                        name: short_id(&image.id),
                        size_bytes: Some(image.size_bytes),
                        why: "dangling".to_owned(),
                    }),
            );
        }
        if options.volumes {
            for row in inventory
                .volumes
                .iter()
                .filter(|r| r.volume.used_by.is_empty())
            {
                let owner = row.owner.clone().unwrap_or_default();
                match row.protection {
                    Protection::Owned => kept.push(KeptItem {
                        kind: PruneKind::Volume,
                        name: row.volume.name.clone(),
                        why: owner,
                    }),
                    Protection::LeftData if !options.left_data => kept.push(KeptItem {
                        kind: PruneKind::Volume,
                        name: row.volume.name.clone(),
                        why: format!("{owner}: included only when asked for"),
                    }),
                    Protection::LeftData | Protection::None => items.push(PruneItem {
                        kind: PruneKind::Volume,
                        id: row.volume.name.clone(),
                        name: row.volume.name.clone(),
                        size_bytes: row.volume.size_bytes,
                        why: if row.protection == Protection::LeftData {
                            owner
                        } else {
                            "unused".to_owned()
                        },
                    }),
                }
            }
        }
        if options.networks {
            items.extend(
                inventory
                    .networks
                    .iter()
                    .filter(|network| !network.builtin && network.used_by.is_empty())
                    .map(|network| PruneItem {
                        kind: PruneKind::Network,
                        id: network.id.clone(),
                        name: network.name.clone(),
                        size_bytes: None,
                        why: "unused".to_owned(),
                    }),
            );
        }
        let reclaim_bytes = items.iter().filter_map(|item| item.size_bytes).sum();
        Self {
            items,
            kept,
            reclaim_bytes,
        }
    }
}

/// Deletes the `chosen` items of a preview, each only if a fresh look still puts it in the same
/// prune: what became used or claimed since the preview is left and said so. Containers go
/// first, images last (a removed container can only free, never claim).
pub async fn prune(
    docker: &Docker,
    owners: &Owners,
    options: PruneOptions,
    chosen: &[PruneItem],
) -> Result<PruneOutcome> {
    let fresh = PrunePlan::of(&DockerInventory::read(docker, owners).await?, options);
    let still: HashSet<(PruneKind, &str)> = fresh
        .items
        .iter()
        .map(|item| (item.kind, item.id.as_str()))
        .collect();
    let mut ordered: Vec<&PruneItem> = chosen.iter().collect();
    ordered.sort_by_key(|item| match item.kind {
        PruneKind::Container => 0,
        PruneKind::Network => 1,
        PruneKind::Volume => 2,
        PruneKind::Image => 3,
    });
    let mut outcome = PruneOutcome {
        removed: Vec::new(),
        skipped: Vec::new(),
        reclaimed_bytes: 0,
    };
    for item in ordered {
        if !still.contains(&(item.kind, item.id.as_str())) {
            outcome.skipped.push(KeptItem {
                kind: item.kind,
                name: item.name.clone(),
                why: "in use or claimed since the preview".to_owned(),
            });
            continue;
        }
        let removed = match item.kind {
            PruneKind::Container => docker.remove_container(&item.id).await,
            PruneKind::Network => docker.remove_network(&item.id).await,
            PruneKind::Volume => docker.remove_volume(&item.id).await,
            PruneKind::Image => docker.remove_image(&item.id).await,
        };
        match removed {
            Ok(()) => {
                outcome.reclaimed_bytes += item.size_bytes.unwrap_or_default();
                outcome.removed.push(item.clone());
            }
            Err(error) => outcome.skipped.push(KeptItem {
                kind: item.kind,
                name: item.name.clone(),
                why: error.to_string(),
            }),
        }
    }
    Ok(outcome)
}

/// Removes one volume the user picked; the app's own data is refused with who owns it (its
/// datasource or snapshot is how it goes).
pub async fn remove_volume(docker: &Docker, owners: &Owners, name: &str) -> Result<()> {
    let inventory = DockerInventory::read(docker, owners).await?;
    if let Some(row) = inventory.volumes.iter().find(|r| r.volume.name == name) {
        if row.protection == Protection::Owned {
            return Err(Error::VolumeOwned {
                name: name.to_owned(),
                owner: row.owner.clone().unwrap_or_default(),
            });
        }
        if !row.volume.used_by.is_empty() {
            return Err(Error::InUse {
                name: name.to_owned(),
                users: row.volume.used_by.join(", "),
            });
        }
    }
    Ok(docker.remove_volume(name).await?)
}

/// Removes one container the user picked; the app's datasource containers are refused.
pub async fn remove_container(docker: &Docker, owners: &Owners, id: &str) -> Result<()> {
    let containers = docker.containers().await?;
    if let Some(container) = containers.iter().find(|c| c.id == id) {
        if let Some(owner) = container_owner(container, owners) {
            return Err(Error::ContainerOwned {
                name: container.name.clone(),
                owner,
            });
        }
    }
    Ok(docker.remove_container(id).await?)
}

/// Removes one image no container uses.
pub async fn remove_image(docker: &Docker, id: &str) -> Result<()> {
    let containers = docker.containers().await?;
    let users: Vec<&str> = containers
        .iter()
        .filter(|c| c.image_id == id)
        .map(|c| c.name.as_str())
        .collect();
    if !users.is_empty() {
        return Err(Error::InUse {
            name: short_id(id),
            users: users.join(", "),
        });
    }
    Ok(docker.remove_image(id).await?)
}

/// Removes one network no container is attached to.
pub async fn remove_network(docker: &Docker, id: &str) -> Result<()> {
    let containers = docker.containers().await?;
    let networks = docker.networks(&containers).await?;
    if let Some(network) = networks.iter().find(|n| n.id == id) {
        if network.builtin {
            return Err(Error::Builtin {
                name: network.name.clone(),
            });
        }
        if !network.used_by.is_empty() {
            return Err(Error::InUse {
                name: network.name.clone(),
                users: network.used_by.join(", "),
            });
        }
    }
    Ok(docker.remove_network(id).await?)
}

/// `sha256:0123456789ab…` as Docker prints it: 12 hex digits.
fn short_id(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn container(id: &str, name: &str, labels: BTreeMap<String, String>) -> ContainerEntry {
        ContainerEntry {
            id: id.to_owned(),
            name: name.to_owned(),
            image: "postgres:16-alpine".to_owned(),
            image_id: "sha256:1".to_owned(),
            state: "exited".to_owned(),
            status: "Exited (0) 1 minute ago".to_owned(),
            created: 0,
            ports: Vec::new(),
            volumes: Vec::new(),
            networks: Vec::new(),
            labels,
        }
    }

    #[test]
    fn this_data_folders_deploy_containers_are_named_as_its_own() {
        let owners = Owners {
            store: "mine".to_owned(),
            projects: HashMap::from([("1".to_owned(), "shop".to_owned())]),
            ..Owners::default()
        };
        let deploy = |store: &str, project: &str, role: &str, release: Option<&str>| {
            let mut pairs = vec![
                (LABEL_STORE, store),
                (LABEL_PROJECT, project),
                (LABEL_ENVIRONMENT, "staging"),
                (LABEL_ROLE, role),
            ];
            pairs.extend(release.map(|id| (LABEL_RELEASE, id)));
            container("c", "qa-mine-p1-staging", labels(&pairs))
        };
        let owner = |entry: ContainerEntry| container_owner(&entry, &owners);
        assert_eq!(
            owner(deploy("mine", "1", "release", Some("12"))).as_deref(),
            Some("release 12 of “shop”'s staging environment")
        );
        assert_eq!(
            owner(deploy("mine", "1", "proxy", None)).as_deref(),
            Some("the proxy of “shop”'s staging environment")
        );
        assert_eq!(
            owner(deploy("mine", "7", "proxy", None)).as_deref(),
            Some("the proxy of a removed project's staging environment")
        );
        assert_eq!(
            owner(container("h", "helper", labels(&[(LABEL_STORE, "mine")]))).as_deref(),
            Some("Quantum Admin (this data folder's)")
        );
        assert_eq!(
            owner(deploy("theirs", "1", "release", Some("3"))).as_deref(),
            Some("Quantum Admin (another data folder's)")
        );
        assert_eq!(owner(container("x", "other", labels(&[]))), None);
    }

    #[test]
    fn an_environments_datasource_and_its_data_are_kept_by_a_prune() {
        let own = labels(&[
            (LABEL_STORE, "store"),
            (LABEL_ENVIRONMENT_DATASOURCE, "main"),
        ]);
        let container = container("c1", "qa-store-p1-staging-ds-main", own.clone());
        let volume = VolumeEntry {
            name: "qa-store-p1-staging-ds-main-data".to_owned(),
            driver: "local".to_owned(),
            size_bytes: Some(1),
            used_by: Vec::new(),
            labels: own,
        };
        let owners = Owners::default();
        let (owner, protection) = volume_owner(&volume, &owners);
        let inventory = DockerInventory {
            containers: vec![ContainerRow {
                owner: container_owner(&container, &owners),
                container,
            }],
            images: Vec::new(),
            volumes: vec![VolumeRow {
                volume,
                owner,
                protection,
            }],
            networks: Vec::new(),
        };
        let everything = PruneOptions {
            containers: true,
            images: true,
            volumes: true,
            networks: true,
            left_data: true,
        };
        let plan = PrunePlan::of(&inventory, everything);
        assert!(plan.items.is_empty(), "{:?}", plan.items);
        let kept: Vec<(PruneKind, &str)> = plan
            .kept
            .iter()
            .map(|item| (item.kind, item.why.as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                (
                    PruneKind::Container,
                    "belongs to datasource main of a deploy environment"
                ),
                (PruneKind::Volume, "datasource main of a deploy environment"),
            ]
        );
    }
}
