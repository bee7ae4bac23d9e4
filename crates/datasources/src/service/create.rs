//! Creating a datasource: the record and its password first, then the image, volume and
//! container in the background, with live status.

use std::path::{Path, PathBuf};

use super::*;

/// Where a new datasource's password and data come from.
pub enum Origin {
    /// A new password, and a new volume or a removed datasource's (`volume_name`).
    New,
    /// A compose project's service: its password (a new one if it had none) and its data.
    Imported {
        password: Option<Secret>,
        data: ImportedData,
        /// The compose file, for the activity log.
        from: String,
    },
}

/// The data an imported datasource starts on.
pub enum ImportedData {
    /// A named volume, taken over as it is (created if it does not exist yet).
    Volume(String),
    /// A host folder (a bind mount): its files are copied into the new volume; it stays as it is.
    Folder(PathBuf),
    /// A new, empty volume.
    Empty,
}

impl Datasources {
    /// Records the datasource and its password, then sets it up in the background; status events
    /// tell how that goes. Returns as soon as the record exists.
    pub async fn create(self: &Arc<Self>, input: DatasourceInput) -> Result<Datasource> {
        self.create_from(input, Origin::New).await
    }

    /// [`Self::create`] with the password and data of `origin`.
    pub async fn create_from(
        self: &Arc<Self>,
        input: DatasourceInput,
        origin: Origin,
    ) -> Result<Datasource> {
        let requested_port = crate::validate::host_port(input.host_port)?;
        let _operation = Operation::begin(&self.operations);
        let docker = Docker::connect().await?;
        let creating = self.creating.lock().await;
        let project = quantum_kernel::projects::get(&self.store, input.project_id).await?;
        let engine = input.engine;

        let adopted = match (&origin, &input.volume_name) {
            (Origin::New, Some(volume)) => Some(self.orphan_volume(volume).await?),
            _ => None,
        };
        if let Origin::Imported { data, .. } = &origin {
            self.check_imported_data(&docker, data).await?;
        }

        let name = match non_empty(&input.name) {
            Some(name) => {
                validate_container_name(&name)?;
                name
            }
            None => self.next_name(&slug(&project.name, '-'), engine).await?,
        };
        let (database_name, username) = match &adopted {
            Some(volume) => (volume.database_name.clone(), volume.username.clone()),
            None if engine.has_database_and_user() => {
                let database =
                    non_empty(&input.database_name).unwrap_or_else(|| slug(&project.name, '_'));
                let username = match non_empty(&input.username) {
                    Some(username) => username,
                    None => format!("quantum_{}", random_suffix()?),
                };
                validate_identifier("databaseName", "database", &database)?;
                validate_identifier("username", "user", &username)?;
                (database, username)
            }
            None => (String::new(), String::new()),
        };
        let image = non_empty(&input.image).unwrap_or_else(|| self.default_image(engine));
        let timeout = input
            .ready_timeout_secs
            .unwrap_or(DEFAULT_READY_TIMEOUT_SECS);
        if !(5..=3600).contains(&timeout) {
            return Err(invalid(
                "readyTimeoutSecs",
                "Give the start-up timeout in seconds, from 5 to 3600.",
            ));
        }

        let claims = Claims::gather(&docker, self.reserved_ports(None).await?).await?;
        let host_port = match requested_port {
            Some(port) => {
                claims.check(port)?;
                port
            }
            None => claims.next_free(engine.default_port())?,
        };

        let volume_name = match (&adopted, &origin) {
            (Some(adopted), _) => adopted.volume_name.clone(),
            (
                None,
                Origin::Imported {
                    data: ImportedData::Volume(volume),
                    ..
                },
            ) => volume.clone(),
            _ => format!("{name}-data"),
        };
        if matches!(
            origin,
            Origin::Imported {
                data: ImportedData::Folder(_),
                ..
            }
        ) && docker.volume_exists(&volume_name).await?
        {
            return Err(invalid(
                "volumeName",
                format!(
                    "A volume named {volume_name} exists already (a removed datasource's data?): the folder's copy would mix with it. Remove it, or import under another name."
                ),
            ));
        }
        // The password is stored and an adopted volume's account read before the transaction:
        // a keychain unlock prompt or a slow Docker must not hold the database's write lock. A
        // password stored for a row that then fails to commit is taken back.
        let account = match (&adopted, &origin) {
            (Some(_), _) => self.adopted_account(&docker, &volume_name).await?,
            (None, origin) => {
                let account = format!("datasource-{name}-{}", random_suffix()?);
                let password = match origin {
                    Origin::Imported {
                        password: Some(password),
                        ..
                    } => password.clone(),
                    _ => Secret::generate_password(PASSWORD_LENGTH)?,
                };
                self.secrets.set(&account, &password)?;
                account
            }
        };
        let imported_from = match &origin {
            Origin::Imported { from, .. } => Some(from.clone()),
            Origin::New => None,
        };
        let seed = match origin {
            Origin::Imported {
                data: ImportedData::Folder(folder),
                ..
            } => Some(folder),
            _ => None,
        };
        let committed = async {
            let mut tx = self.store.begin_write().await?;
            let row = sqlx::query(&format!(
                "INSERT INTO datasources (project_id, name, engine, image, host_port, database_name, username,
                     keychain_account, volume_name, auto_start, ready_timeout_secs)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
            ))
            .bind(project.id)
            .bind(&name)
            .bind(engine.as_str())
            .bind(&image)
            .bind(i64::from(host_port))
            .bind(&database_name)
            .bind(&username)
            .bind(&account)
            .bind(&volume_name)
            .bind(input.auto_start.unwrap_or(true))
            .bind(i64::from(timeout))
            .fetch_one(&mut *tx)
            .await
            .map_err(|error| insert_error(error, host_port, &name))?;
            let datasource = model::from_row(&row);
            audit::record(
                &mut tx,
                NewAuditEntry {
                    action: AuditAction::DatasourceCreate,
                    resource_type: ResourceType::Datasource,
                    resource_id: datasource.id,
                    resource_name: &datasource.name,
                    project_id: Some(project.id),
                    details: json!({
                        "engine": engine.as_str(),
                        "image": image,
                        "hostPort": host_port,
                        "databaseName": database_name,
                        "username": username,
                        "volumeName": volume_name,
                        "reusedVolume": adopted.is_some(),
                        "importedFrom": imported_from,
                    }),
                },
            )
            .await?;
            tx.commit().await?;
            Ok::<_, Error>(datasource)
        }
        .await;
        let datasource = match committed {
            Ok(datasource) => datasource,
            Err(error) => {
                if adopted.is_none() {
                    let _ = self.secrets.delete(&account);
                }
                return Err(error);
            }
        };
        drop(creating);
        self.announce_change(AuditAction::DatasourceCreate, datasource.id);
        self.configs
            .declare_datasource(
                project.id,
                &DatasourceDecl {
                    name: datasource.name.clone(),
                    engine,
                    version: None,
                    image: Some(datasource.image.clone()),
                    port: Some(datasource.host_port),
                    database: engine
                        .has_database_and_user()
                        .then(|| datasource.database_name.clone()),
                    volume: Some(datasource.volume_name.clone()),
                    // Not the app's to say: `set_datasource` leaves these keys as the user wrote them.
                    migrations: None,
                    migrations_format: None,
                },
            )
            .await;
        tracing::info!(
            datasource_id = datasource.id,
            engine = engine.as_str(),
            "datasource created"
        );

        let guard = self.lock(datasource.id).await;
        let this = Arc::clone(self);
        let id = datasource.id;
        tokio::spawn(async move {
            let _guard = guard;
            let provisioned = match seed {
                Some(folder) => this.provision_seeded(&docker, id, &folder).await,
                None => this.provision(&docker, id).await,
            };
            if let Err(error) = provisioned {
                this.fail(id, &error).await;
            }
        });
        Ok(datasource)
    }

    /// [`Self::check_imported_data`] on its own, so that an import checks every service before
    /// it makes any.
    pub async fn check_import(&self, data: &ImportedData) -> Result<()> {
        let docker = Docker::connect().await?;
        self.check_imported_data(&docker, data).await
    }

    /// Imported data is refused while a container runs on it (Compose's own server: two servers
    /// on one data directory corrupt it), and a volume another datasource or a snapshot holds.
    async fn check_imported_data(&self, docker: &Docker, data: &ImportedData) -> Result<()> {
        let source = match data {
            ImportedData::Volume(volume) => volume.clone(),
            ImportedData::Folder(folder) => folder.display().to_string(),
            ImportedData::Empty => return Ok(()),
        };
        let active: Vec<String> = docker
            .containers_on(&source)
            .await?
            .into_iter()
            .filter(|(_, state)| matches!(state.as_str(), "running" | "paused" | "restarting"))
            .map(|(name, state)| format!("{name} ({state})"))
            .collect();
        if !active.is_empty() {
            return Err(invalid(
                "volumeName",
                format!(
                    "{source} is in use by {}: stop it first (docker compose stop), so that one server at a time runs on its data.",
                    active.join(", ")
                ),
            ));
        }
        if let ImportedData::Volume(volume) = data {
            let held: Option<String> = sqlx::query_scalar(
                "SELECT name FROM datasources WHERE volume_name = ?
                 UNION ALL SELECT 'a snapshot' FROM snapshots WHERE volume_name = ? LIMIT 1",
            )
            .bind(volume)
            .bind(volume)
            .fetch_optional(self.store.pool())
            .await?;
            if let Some(holder) = held {
                return Err(invalid(
                    "volumeName",
                    format!("The volume {volume} is {holder}'s already: one datasource per data volume."),
                ));
            }
        }
        Ok(())
    }

    pub(super) async fn provision(&self, docker: &Docker, id: i64) -> Result<()> {
        self.provision_with(docker, id, None).await
    }

    /// [`Self::provision`], the new volume first filled with a copy of `folder`'s files.
    async fn provision_seeded(&self, docker: &Docker, id: i64, folder: &Path) -> Result<()> {
        self.provision_with(docker, id, Some(folder)).await
    }

    async fn provision_with(&self, docker: &Docker, id: i64, seed: Option<&Path>) -> Result<()> {
        let datasource = self.get(id).await?;
        if !docker.image_present(&datasource.image).await? {
            self.set_status(id, DatasourceStatus::Pulling, None).await?;
            docker
                .pull(&datasource.image, |progress| {
                    self.emit(DatasourceEvent::PullProgress { id, progress });
                })
                .await?;
        }
        self.set_status(id, DatasourceStatus::Starting, None)
            .await?;
        let password = self.secrets.get(&datasource.keychain_account)?;
        docker
            .ensure_volume(&datasource.volume_name, data_volume_labels(&datasource))
            .await?;
        if let Some(folder) = seed {
            // Through a helper of the server's own image, so that the files' owners mean the same.
            docker
                .copy_volume(
                    &datasource.image,
                    &folder.display().to_string(),
                    &datasource.volume_name,
                    data_volume_labels(&datasource),
                )
                .await?;
        }
        self.create_and_start(docker, &datasource, &password)
            .await?;
        self.become_ready(docker, id).await
    }

    /// Creates the container and starts it, moving to the next free port when the chosen one is
    /// taken between the check and the start.
    pub(super) async fn create_and_start(
        &self,
        docker: &Docker,
        datasource: &Datasource,
        password: &Secret,
    ) -> Result<()> {
        let credentials = Credentials {
            database: &datasource.database_name,
            username: &datasource.username,
            password,
        };
        let mut host_port = datasource.host_port;
        for _ in 0..PORT_ATTEMPTS {
            let spec = ContainerSpec {
                name: datasource.name.clone(),
                image: datasource.image.clone(),
                env: connection::container_env(datasource.engine, &credentials),
                cmd: connection::container_cmd(datasource.engine),
                files: connection::container_files(datasource.engine, &credentials),
                container_port: datasource.engine.default_port(),
                host_port,
                volume_name: datasource.volume_name.clone(),
                data_path: datasource.engine.data_path().to_owned(),
                labels: HashMap::from([
                    (LABEL_STORE.to_owned(), self.store.identity().to_owned()),
                    (LABEL_PROJECT.to_owned(), datasource.project_id.to_string()),
                    (LABEL_DATASOURCE.to_owned(), datasource.id.to_string()),
                    (
                        LABEL_ENGINE.to_owned(),
                        datasource.engine.as_str().to_owned(),
                    ),
                ]),
            };
            let container = docker.create_container(&spec).await?;
            self.set_container(datasource.id, Some(&container)).await?;
            match docker.start(&container, host_port).await {
                Ok(()) => return Ok(()),
                Err(DockerError::PortTaken { .. }) => {
                    docker.remove_container(&container).await?;
                    self.set_container(datasource.id, None).await?;
                    let claims =
                        Claims::gather(docker, self.reserved_ports(Some(datasource.id)).await?)
                            .await?;
                    let next = claims.next_free(host_port.saturating_add(1))?;
                    sqlx::query("UPDATE datasources SET host_port = ? WHERE id = ?")
                        .bind(i64::from(next))
                        .bind(datasource.id)
                        .execute(self.store.pool())
                        .await?;
                    tracing::info!(
                        datasource_id = datasource.id,
                        from = host_port,
                        to = next,
                        "port taken, moved"
                    );
                    self.emit(DatasourceEvent::PortMoved {
                        id: datasource.id,
                        from: host_port,
                        to: next,
                    });
                    host_port = next;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(DockerError::PortTaken {
            port: host_port,
            holder: Some("programs that keep taking the next ports".to_owned()),
        }
        .into())
    }
}
