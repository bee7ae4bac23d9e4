//! Shadow servers: a throwaway server of a datasource's engine and image, started empty for the
//! app's own use (replaying the migration files to see the schema they make) and removed with
//! its volume afterwards. Never recorded: a shadow left by a crash is removed on the next start.

use super::readiness::{wait_until_ready, Waited};
use super::*;

/// On a shadow server's container and volume; its value is their (one) name.
pub const LABEL_SHADOW: &str = "app.quantumadmin.shadow";
/// How long a shadow may take to answer.
const SHADOW_READY_SECS: u32 = 120;

/// A running shadow server. [`Shadow::remove`] takes it away; dropping it without does too, in
/// the background.
pub struct Shadow {
    pub engine: Engine,
    pub port: u16,
    pub database: String,
    pub username: String,
    pub password: Secret,
    container: String,
    volume: String,
    docker: Option<Docker>,
}

impl Shadow {
    pub async fn remove(mut self) {
        if let Some(docker) = self.docker.take() {
            remove(&docker, &self.container, &self.volume).await;
        }
    }
}

impl Drop for Shadow {
    fn drop(&mut self) {
        if let Some(docker) = self.docker.take() {
            let (container, volume) = (self.container.clone(), self.volume.clone());
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { remove(&docker, &container, &volume).await });
            }
        }
    }
}

async fn remove(docker: &Docker, container: &str, volume: &str) {
    if let Err(error) = docker.remove_container(container).await {
        tracing::warn!(%error, container, "a shadow server's container could not be removed");
    }
    if let Err(error) = docker.remove_volume(volume).await {
        tracing::warn!(%error, volume, "a shadow server's volume could not be removed");
    }
}

impl Datasources {
    /// Starts an empty server of the datasource's engine and image, with the same database and
    /// user names and a password of its own, on a free port of 127.0.0.1, and waits until it
    /// answers.
    pub async fn shadow(&self, id: i64) -> Result<Shadow> {
        let datasource = self.get(id).await?;
        let docker = Docker::connect().await?;
        let suffix = random_suffix()?;
        let name = format!("{}-shadow-{suffix}", datasource.name);
        let password = Secret::generate_password(PASSWORD_LENGTH)?;
        let credentials = Credentials {
            database: &datasource.database_name,
            username: &datasource.username,
            password: &password,
        };
        let claims = Claims::gather(&docker, self.reserved_ports(None).await?).await?;
        let port = claims.next_free(datasource.host_port.saturating_add(100))?;
        let labels = HashMap::from([
            (LABEL_STORE.to_owned(), self.store.identity().to_owned()),
            (LABEL_SHADOW.to_owned(), name.clone()),
        ]);
        docker.ensure_volume(&name, labels.clone()).await?;
        let spec = ContainerSpec {
            name: name.clone(),
            image: datasource.image.clone(),
            env: connection::container_env(datasource.engine, &credentials),
            cmd: connection::container_cmd(datasource.engine),
            files: connection::container_files(datasource.engine, &credentials),
            container_port: datasource.engine.default_port(),
            host_port: port,
            volume_name: name.clone(),
            data_path: datasource.engine.data_path().to_owned(),
            labels,
        };
        let mut shadow = Shadow {
            engine: datasource.engine,
            port,
            database: datasource.database_name.clone(),
            username: datasource.username.clone(),
            password,
            container: String::new(),
            volume: name.clone(),
            docker: Some(docker.clone()),
        };
        shadow.container = docker.create_container(&spec).await?;
        docker.start(&shadow.container, port).await?;
        let endpoint = Endpoint {
            engine: shadow.engine,
            host: connection::HOST,
            port,
            user: &shadow.username,
            password: &shadow.password,
            database: &shadow.database,
        };
        let waited = Waited {
            name: &name,
            timeout_secs: SHADOW_READY_SECS,
        };
        wait_until_ready(&docker, &waited, &shadow.container, &endpoint).await?;
        probe::configure(&endpoint)
            .await
            .map_err(|error| Error::DatasourceFailed {
                name: name.clone(),
                reason: format!("its set-up failed: {error}"),
                last_log: Vec::new(),
            })?;
        tracing::info!(datasource_id = id, container = %name, port, "shadow server ready");
        Ok(shadow)
    }

    /// Removes the shadow servers a crash left (they hold nothing worth keeping).
    pub(super) async fn remove_stale_shadows(&self, docker: &Docker) {
        let ours = [(LABEL_STORE, self.store.identity())];
        let Ok(shadows) = docker.labelled_containers(LABEL_SHADOW, &ours).await else {
            return;
        };
        for shadow in shadows {
            remove(docker, &shadow.id, &shadow.value).await;
        }
    }
}
