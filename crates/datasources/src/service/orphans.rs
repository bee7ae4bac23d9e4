//! Volumes left by removed datasources: listed for a new datasource to take their data over,
//! with the password they were made with.

use super::*;

impl Datasources {
    /// Volumes of removed datasources whose data a new datasource can take over.
    pub async fn orphan_volumes(&self) -> Result<Vec<OrphanVolume>> {
        let docker = Docker::connect().await?;
        let filters = HashMap::from([("label", vec![LABEL_KEYCHAIN])]);
        let options = ListVolumesOptionsBuilder::new().filters(&filters).build();
        let listed = docker
            .api()
            .list_volumes(Some(options))
            .await
            .map_err(|e| Error::docker(e.to_string()))?;
        // A snapshot's volume (a datasource's data replaced by a restore, kept) is not an orphan.
        let in_use: Vec<String> = sqlx::query_scalar(
            "SELECT volume_name FROM datasources UNION SELECT volume_name FROM snapshots",
        )
        .fetch_all(self.store.pool())
        .await?;
        Ok(listed
            .volumes
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !in_use.contains(&v.name))
            .filter_map(|v| {
                Some(OrphanVolume {
                    engine: Engine::parse(v.labels.get(LABEL_ENGINE)?)?,
                    database_name: v.labels.get(LABEL_DATABASE).cloned().unwrap_or_default(),
                    username: v.labels.get(LABEL_USERNAME).cloned().unwrap_or_default(),
                    volume_name: v.name,
                })
            })
            .collect())
    }

    pub(super) async fn orphan_volume(&self, volume_name: &str) -> Result<OrphanVolume> {
        self.orphan_volumes()
            .await?
            .into_iter()
            .find(|v| v.volume_name == volume_name)
            .ok_or_else(|| {
                invalid(
                    "volumeName",
                    format!("No removed datasource left a volume named {volume_name}; pick one from the list."),
                )
            })
    }

    pub(super) async fn adopted_account(
        &self,
        docker: &Docker,
        volume_name: &str,
    ) -> Result<String> {
        let volume = docker
            .api()
            .inspect_volume(volume_name)
            .await
            .map_err(|e| Error::docker(e.to_string()))?;
        volume.labels.get(LABEL_KEYCHAIN).cloned().ok_or_else(|| {
            invalid(
                "volumeName",
                format!("The volume {volume_name} has no password on record."),
            )
        })
    }
}
