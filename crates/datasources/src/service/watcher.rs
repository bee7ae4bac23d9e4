//! Keeping the app's record true to Docker: the event stream, reconnection, and reconciling every
//! datasource with its container on start and after every reconnection.

use std::collections::HashSet;

use quantum_docker::ContainerState;

use super::*;

/// The first wait before reconnecting, doubled on every failure up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(5);
/// An event stream that broke sooner than this after opening counts as a failure to back off from.
const STREAM_LIVED: Duration = Duration::from_secs(10);

/// The endpoint the Docker CLI would use now, when it could not be reached (none when even the
/// choice failed, e.g. a broken context: the message says why).
fn resolved_endpoint() -> Option<String> {
    quantum_docker::host::resolve(&quantum_docker::host::Environment::from_process())
        .ok()
        .map(|endpoint| endpoint.to_string())
}

impl Datasources {
    /// Follows Docker for as long as the app runs: reconciles on every (re)connection, then turns
    /// container events into status changes. Reconnects with back-off when the daemon goes away.
    pub async fn watch_docker(self: Arc<Self>) {
        let mut delay = FIRST_RETRY;
        // A daemon that answers but whose event stream keeps breaking must not be hammered.
        let mut stream_delay = FIRST_RETRY;
        let mut available = None;
        let mut auto_started = false;
        loop {
            match Docker::connect().await {
                Ok(docker) => {
                    delay = FIRST_RETRY;
                    if available != Some(true) {
                        available = Some(true);
                        self.emit(DatasourceEvent::Docker {
                            available: true,
                            message: None,
                            endpoint: Some(docker.endpoint().to_string()),
                        });
                    }
                    // Events from here on are not missed while reconciling.
                    let since = (unix_now_secs() - 1).to_string();
                    let filters = HashMap::from([
                        ("type", vec!["container"]),
                        ("label", vec![LABEL_DATASOURCE]),
                    ]);
                    let options = EventsOptionsBuilder::new()
                        .since(&since)
                        .filters(&filters)
                        .build();
                    let mut events = docker.api().events(Some(options));
                    let opened = Instant::now();
                    self.reconcile(&docker).await;
                    if !auto_started {
                        auto_started = true;
                        self.auto_start().await;
                    }
                    let mut out_of_memory = HashSet::new();
                    while let Some(event) = events.next().await {
                        match event {
                            Ok(event) => {
                                self.on_docker_event(&docker, event, &mut out_of_memory)
                                    .await
                            }
                            Err(error) => {
                                tracing::warn!(%error, "Docker event stream broke");
                                break;
                            }
                        }
                    }
                    if opened.elapsed() < STREAM_LIVED {
                        tokio::time::sleep(stream_delay).await;
                        stream_delay = (stream_delay * 2).min(MAX_RETRY);
                    } else {
                        stream_delay = FIRST_RETRY;
                    }
                }
                Err(error) => {
                    if available != Some(false) {
                        available = Some(false);
                        tracing::warn!(%error, "Docker is not reachable");
                        self.emit(DatasourceEvent::Docker {
                            available: false,
                            message: Some(error.to_string()),
                            endpoint: resolved_endpoint(),
                        });
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(MAX_RETRY);
                    continue;
                }
            }
            // The stream ended: the daemon went away (or restarts); say so and reconnect.
            if available != Some(false) && Docker::connect().await.is_err() {
                available = Some(false);
                self.emit(DatasourceEvent::Docker {
                    available: false,
                    message: Some("The Docker daemon stopped answering.".to_owned()),
                    endpoint: resolved_endpoint(),
                });
            }
        }
    }

    /// Starts the stopped datasources that are set to start with the app, all at once.
    pub(super) async fn auto_start(self: &Arc<Self>) {
        let Ok(datasources) = self.list(None).await else {
            return;
        };
        for datasource in datasources {
            if datasource.auto_start && datasource.status == DatasourceStatus::Stopped {
                let this = Arc::clone(self);
                tokio::spawn(async move {
                    if let Err(error) = this.start(datasource.id).await {
                        tracing::warn!(datasource_id = datasource.id, %error, "auto-start failed");
                    }
                });
            }
        }
    }

    /// What Docker says of the containers of this data dir's datasources, by datasource id: the
    /// state word (`running`, `exited`, …). One call and nothing changed: for a quick look.
    pub async fn container_states(&self, docker: &Docker) -> Result<HashMap<i64, String>> {
        let ours = [(LABEL_STORE, self.store.identity())];
        let containers = docker.labelled_containers(LABEL_DATASOURCE, &ours).await?;
        Ok(containers
            .into_iter()
            .filter_map(|container| Some((container.value.parse().ok()?, container.state)))
            .collect())
    }

    /// Brings every record in line with Docker, on start and after every reconnection, so that a
    /// crash or a quit at any moment of an operation ends in a true state:
    /// - a datasource whose container was made but not yet recorded adopts it (found by its labels:
    ///   this data dir's id and the datasource's);
    /// - one left mid-operation with no container becomes "stopped", and Start finishes it;
    /// - a running container is probed until ready; a stopped one says why it stopped;
    /// - a container of this data dir whose datasource has no record is removed. It holds no data:
    ///   data lives in the volume, which is kept and offered as an orphan volume to take over.
    pub async fn reconcile(self: &Arc<Self>, docker: &Docker) {
        let Ok(datasources) = self.list(None).await else {
            return;
        };
        for datasource in &datasources {
            self.reconcile_one(docker, datasource.id).await;
        }
        self.remove_stale_shadows(docker).await;
        let ours = [(LABEL_STORE, self.store.identity())];
        let Ok(containers) = docker.labelled_containers(LABEL_DATASOURCE, &ours).await else {
            return;
        };
        for container in containers {
            let known = datasources
                .iter()
                .any(|d| d.id.to_string() == container.value);
            // A datasource created since the list was read is not an orphan.
            let recorded_since = match container.value.parse() {
                Ok(id) => self.get(id).await.is_ok(),
                Err(_) => false,
            };
            if !known && !recorded_since {
                match docker.remove_container(&container.id).await {
                    Ok(()) => tracing::info!(
                        container = %container.id,
                        datasource_id = %container.value,
                        "removed a container whose datasource was never recorded"
                    ),
                    Err(error) => {
                        tracing::warn!(%error, "could not remove an unrecorded container")
                    }
                }
            }
        }
    }

    pub(super) async fn reconcile_one(self: &Arc<Self>, docker: &Docker, id: i64) {
        // An operation under way owns the status.
        let Some(guard) = self.try_lock(id) else {
            return;
        };
        let Ok(datasource) = self.get(id).await else {
            return;
        };
        let container = match datasource.container_id.clone() {
            Some(container) => Some(container),
            None => self.adopt_container(docker, id).await,
        };
        let Some(container) = container else {
            if !datasource.status.is_settled() {
                let reason = "Creating it was interrupted before its container existed. Start \
                              finishes it with the same settings.";
                let _ = self
                    .set_status(id, DatasourceStatus::Stopped, Some(reason.into()))
                    .await;
            }
            return;
        };
        if let Ok(Some(mounted)) = docker
            .mounted_volume(&container, datasource.engine.data_path())
            .await
        {
            if mounted != datasource.volume_name {
                self.move_container(docker, guard, id, container);
                return;
            }
        }
        match docker.inspect(&container).await {
            Ok(None) => {
                let _ = self
                    .set_status(
                        id,
                        DatasourceStatus::Missing,
                        Some("Its container was removed outside the app.".into()),
                    )
                    .await;
            }
            Ok(Some(state)) if state.running => {
                if datasource.status != DatasourceStatus::Ready {
                    let this = Arc::clone(self);
                    let docker = docker.clone();
                    tokio::spawn(async move {
                        let _guard = guard;
                        if let Err(error) = this.become_ready(&docker, id).await {
                            this.fail(id, &error).await;
                        }
                    });
                }
            }
            Ok(Some(_))
                if matches!(
                    datasource.status,
                    DatasourceStatus::Snapshotting | DatasourceStatus::Restoring
                ) =>
            {
                let reason = "Taking or restoring a snapshot was interrupted; its data is as it \
                              was before.";
                let _ = self
                    .set_status(id, DatasourceStatus::Stopped, Some(reason.into()))
                    .await;
            }
            Ok(Some(state)) => self.stopped_on_its_own(&datasource, &state).await,
            Err(error) => tracing::debug!(%error, "reconcile could not inspect a container"),
        }
    }

    /// A restore switched the record to a new volume, and the app stopped before the container
    /// on the old one was replaced: the record is the truth, so the container follows it.
    fn move_container(
        self: &Arc<Self>,
        docker: &Docker,
        guard: OperationGuard,
        id: i64,
        container: String,
    ) {
        let this = Arc::clone(self);
        let docker = docker.clone();
        tokio::spawn(async move {
            let _guard = guard;
            let moved = async {
                docker.remove_container(&container).await?;
                this.set_container(id, None).await?;
                this.provision(&docker, id).await
            }
            .await;
            match moved {
                Ok(()) => tracing::info!(datasource_id = id, "moved onto its recorded volume"),
                Err(error) => this.fail(id, &error).await,
            }
        });
    }

    /// The container this data dir made for datasource `id` but did not record (the app stopped
    /// between creating and recording it), now recorded.
    async fn adopt_container(&self, docker: &Docker, id: i64) -> Option<String> {
        let id_text = id.to_string();
        let filters = [
            (LABEL_STORE, self.store.identity()),
            (LABEL_DATASOURCE, id_text.as_str()),
        ];
        let found = docker
            .labelled_containers(LABEL_DATASOURCE, &filters)
            .await
            .ok()?
            .into_iter()
            .next()?;
        self.set_container(id, Some(&found.id)).await.ok()?;
        tracing::info!(datasource_id = id, container = %found.id, "adopted an unrecorded container");
        Some(found.id)
    }

    pub(super) async fn on_docker_event(
        self: &Arc<Self>,
        docker: &Docker,
        event: EventMessage,
        out_of_memory: &mut HashSet<String>,
    ) {
        let Some(actor) = event.actor.as_ref() else {
            return;
        };
        let attributes = actor.attributes.clone().unwrap_or_default();
        let Some(id) = attributes
            .get(LABEL_DATASOURCE)
            .and_then(|id| id.parse::<i64>().ok())
        else {
            return;
        };
        let container = actor.id.clone().unwrap_or_default();
        match event.action.as_deref() {
            // The OOM killer's event comes just before the container's death.
            Some("oom") => {
                out_of_memory.insert(container);
            }
            // The event says all there is to know: settling from it spares a `docker inspect`,
            // which waits while the daemon tears the container down.
            Some("die") => {
                let state = ContainerState {
                    running: false,
                    exit_code: attributes.get("exitCode").and_then(|c| c.parse().ok()),
                    oom_killed: out_of_memory.remove(&container),
                    health: None,
                    image: attributes.get("image").cloned(),
                };
                self.container_died(id, &container, &state).await;
            }
            // Not "kill": a signal is not a death (its "die" follows if it is), and inspecting a
            // container being stopped waits until it is gone, holding up the "die" behind it.
            Some("start" | "stop" | "destroy") => self.reconcile_one(docker, id).await,
            _ => {}
        }
    }

    /// A container of datasource `id` died on its own (the app's own stop says so itself): the
    /// datasource is stopped, with how it ended.
    async fn container_died(&self, id: i64, container: &str, state: &ContainerState) {
        // An operation under way owns the status.
        let Some(_guard) = self.try_lock(id) else {
            return;
        };
        let Ok(datasource) = self.get(id).await else {
            return;
        };
        // Another data dir's datasource may carry the same id: only its own container counts.
        if datasource.container_id.as_deref() == Some(container) {
            self.stopped_on_its_own(&datasource, state).await;
        }
    }

    /// Stopped by the app, it said so already. Otherwise it stopped on its own (a crash, the OOM
    /// killer, `docker stop`): say how.
    async fn stopped_on_its_own(&self, datasource: &Datasource, state: &ContainerState) {
        if !matches!(
            datasource.status,
            DatasourceStatus::Stopped | DatasourceStatus::Error
        ) {
            let _ = self
                .set_status(
                    datasource.id,
                    DatasourceStatus::Stopped,
                    state.exit_reason(),
                )
                .await;
        }
    }
}
