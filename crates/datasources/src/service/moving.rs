//! Moving a datasource to another host port, as a port conflict at start offers.

use super::*;
use crate::validate;
use quantum_kernel::input::NumberInput;

impl Datasources {
    /// Moves the datasource to host port `port` and starts it there: its container is made again
    /// on the same data volume (a container's published ports are fixed when it is made), and
    /// the project's quantum.toml follows. Without a port, the next free one above its own.
    pub async fn move_port(&self, id: i64, port: Option<NumberInput>) -> Result<Datasource> {
        let chosen = validate::host_port(port)?;
        let _guard = self.lock(id).await;
        let datasource = self.get(id).await?;
        let docker = Docker::connect().await?;
        let claims = Claims::gather(&docker, self.reserved_ports(Some(id)).await?).await?;
        let port = match chosen {
            Some(port) => port,
            // The one a conflict's message named.
            None => claims.next_free(datasource.host_port.saturating_add(1))?,
        };
        if let Some(holder) = claims.start_conflict(port, &datasource.name) {
            return Err(Error::PortHeld {
                next_free: claims.next_free(port.saturating_add(1)).ok(),
                name: datasource.name,
                port,
                holder,
            });
        }
        self.audit(
            &datasource,
            AuditAction::DatasourceRecreate,
            json!({ "hostPort": { "old": datasource.host_port, "new": port } }),
        )
        .await?;
        if let Some(container) = &datasource.container_id {
            docker.remove_container(container).await?;
        }
        self.set_container(id, None).await?;
        sqlx::query("UPDATE datasources SET host_port = ? WHERE id = ?")
            .bind(i64::from(port))
            .bind(id)
            .execute(self.store.pool())
            .await?;
        self.configs
            .declare_datasource(
                datasource.project_id,
                &DatasourceDecl {
                    name: datasource.name.clone(),
                    engine: datasource.engine,
                    port: Some(port),
                    // The other keys stay as the file has them.
                    version: None,
                    image: None,
                    database: None,
                    volume: None,
                    migrations: None,
                    migrations_format: None,
                },
            )
            .await;
        if let Err(error) = self.provision(&docker, id).await {
            self.fail(id, &error).await;
            return Err(error);
        }
        self.get(id).await
    }
}
