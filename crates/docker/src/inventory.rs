//! Everything the daemon holds, not only the app's: containers, images, volumes and networks,
//! each with what uses it, for the resource manager.

use std::collections::{BTreeMap, HashMap};

use bollard::models::ContainerSummary;
use bollard::query_parameters::{
    DataUsageOptionsBuilder, ListContainersOptionsBuilder, ListImagesOptionsBuilder,
    ListNetworksOptions, ListVolumesOptions, RemoveImageOptionsBuilder,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{api_error, container_name, state_word, status, Docker, Result};

/// A host port a container publishes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    /// The host address Docker binds (`0.0.0.0`, `::`, `127.0.0.1`, …).
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ContainerEntry {
    pub id: String,
    pub name: String,
    pub image: String,
    pub image_id: String,
    /// Docker's state word: `running`, `exited`, `created`, `paused`, …
    pub state: String,
    /// Docker's own sentence: "Up 3 hours", "Exited (0) 2 days ago".
    pub status: String,
    /// Seconds since the Unix epoch.
    pub created: i64,
    pub ports: Vec<PortMapping>,
    /// The volumes it mounts, by name.
    pub volumes: Vec<String>,
    pub networks: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

impl ContainerEntry {
    pub fn running(&self) -> bool {
        self.state == "running"
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImageEntry {
    pub id: String,
    /// `name:tag` references; none for a dangling image.
    pub tags: Vec<String>,
    pub size_bytes: u64,
    /// Seconds since the Unix epoch.
    pub created: i64,
    /// Names of the containers, running or not, made from it.
    pub used_by: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VolumeEntry {
    pub name: String,
    pub driver: String,
    /// What Docker reports; engines before API 1.52 report sizes in a shape this client does
    /// not read, and then it is unknown.
    pub size_bytes: Option<u64>,
    /// Names of the containers, running or not, that mount it.
    pub used_by: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NetworkEntry {
    pub id: String,
    pub name: String,
    pub driver: String,
    /// Docker's own `bridge`, `host` and `none`, which cannot be removed.
    pub builtin: bool,
    /// Names of the containers, running or not, attached to it.
    pub used_by: Vec<String>,
}

/// Docker's networks that exist on every engine and cannot be removed.
const BUILTIN_NETWORKS: [&str; 3] = ["bridge", "host", "none"];

impl Docker {
    /// Every container, running or not.
    pub async fn containers(&self) -> Result<Vec<ContainerEntry>> {
        let options = ListContainersOptionsBuilder::new().all(true).build();
        let containers = self
            .api
            .list_containers(Some(options))
            .await
            .map_err(api_error)?;
        Ok(containers.into_iter().map(container_entry).collect())
    }

    /// Every image with a tag or used by a container (intermediate layers are left out, as
    /// `docker images` does).
    pub async fn images(&self, containers: &[ContainerEntry]) -> Result<Vec<ImageEntry>> {
        let options = ListImagesOptionsBuilder::new().all(false).build();
        let images = self
            .api
            .list_images(Some(options))
            .await
            .map_err(api_error)?;
        Ok(images
            .into_iter()
            .map(|image| ImageEntry {
                used_by: containers
                    .iter()
                    .filter(|c| c.image_id == image.id)
                    .map(|c| c.name.clone())
                    .collect(),
                tags: image
                    .repo_tags
                    .into_iter()
                    .filter(|tag| tag != "<none>:<none>")
                    .collect(),
                size_bytes: u64::try_from(image.size).unwrap_or_default(),
                created: image.created,
                id: image.id,
            })
            .collect())
    }

    /// Every volume, with its size where the engine reports it.
    pub async fn volumes(&self, containers: &[ContainerEntry]) -> Result<Vec<VolumeEntry>> {
        let listed = self
            .api
            .list_volumes(None::<ListVolumesOptions>)
            .await
            .map_err(api_error)?;
        let sizes = self.volume_sizes().await;
        Ok(listed
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|volume| VolumeEntry {
                used_by: containers
                    .iter()
                    .filter(|c| c.volumes.contains(&volume.name))
                    .map(|c| c.name.clone())
                    .collect(),
                size_bytes: sizes.get(&volume.name).copied(),
                driver: volume.driver,
                labels: volume.labels.into_iter().collect(),
                name: volume.name,
            })
            .collect())
    }

    /// Sizes by volume name from `GET /system/df` (computed by the engine; may take a moment on
    /// large volumes). Empty when the engine does not report them in the current shape.
    async fn volume_sizes(&self) -> HashMap<String, u64> {
        let options = DataUsageOptionsBuilder::new()
            ._type(vec!["volume".to_owned()])
            .verbose(true)
            .build();
        let Ok(usage) = self.api.df(Some(options)).await else {
            return HashMap::new();
        };
        usage
            .volume_usage
            .and_then(|usage| usage.items)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|item| {
                let volume: bollard::models::Volume = serde_json::from_value(item).ok()?;
                let size = u64::try_from(volume.usage_data?.size).ok()?;
                Some((volume.name, size))
            })
            .collect()
    }

    /// Every network.
    pub async fn networks(&self, containers: &[ContainerEntry]) -> Result<Vec<NetworkEntry>> {
        let networks = self
            .api
            .list_networks(None::<ListNetworksOptions>)
            .await
            .map_err(api_error)?;
        Ok(networks
            .into_iter()
            .map(|network| {
                let name = network.name.unwrap_or_default();
                NetworkEntry {
                    id: network.id.unwrap_or_default(),
                    driver: network.driver.unwrap_or_default(),
                    builtin: BUILTIN_NETWORKS.contains(&name.as_str()),
                    used_by: containers
                        .iter()
                        .filter(|c| c.networks.contains(&name))
                        .map(|c| c.name.clone())
                        .collect(),
                    name,
                }
            })
            .collect())
    }

    /// Removes an image that no container uses (Docker refuses otherwise, and that refusal is
    /// the error). An image already gone counts as removed.
    pub async fn remove_image(&self, id: &str) -> Result<()> {
        let options = RemoveImageOptionsBuilder::new().force(false).build();
        match self.api.remove_image(id, Some(options), None).await {
            Ok(_) => Ok(()),
            Err(error) if status(&error) == Some(404) => Ok(()),
            Err(error) => Err(api_error(error)),
        }
    }

    /// Removes a network no container is attached to. One already gone counts as removed.
    pub async fn remove_network(&self, id: &str) -> Result<()> {
        match self.api.remove_network(id).await {
            Ok(()) => Ok(()),
            Err(error) if status(&error) == Some(404) => Ok(()),
            Err(error) => Err(api_error(error)),
        }
    }
}

fn container_entry(container: ContainerSummary) -> ContainerEntry {
    let name = container_name(&container).unwrap_or_default();
    let state = state_word(&container);
    let ports = container
        .ports
        .iter()
        .flatten()
        .filter_map(|port| {
            Some(PortMapping {
                host_ip: port.ip.clone().unwrap_or_default(),
                host_port: port.public_port?,
                container_port: port.private_port,
                protocol: port
                    .typ
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_else(|| "tcp".to_owned()),
            })
        })
        .collect();
    let volumes = container
        .mounts
        .iter()
        .flatten()
        .filter_map(|mount| mount.name.clone())
        .collect();
    let networks = container
        .network_settings
        .and_then(|settings| settings.networks)
        .map(|networks| networks.into_keys().collect())
        .unwrap_or_default();
    ContainerEntry {
        id: container.id.unwrap_or_default(),
        image: container.image.unwrap_or_default(),
        image_id: container.image_id.unwrap_or_default(),
        status: container.status.unwrap_or_default(),
        created: container.created.unwrap_or_default(),
        labels: container.labels.unwrap_or_default().into_iter().collect(),
        name,
        state,
        ports,
        volumes,
        networks,
    }
}
