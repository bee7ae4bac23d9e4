//! Keeping the app's record true to Docker: the event stream, reconnection, and reconciling every
//! datasource with its container on start and after every reconnection.

use super::*;

impl Datasources {
    /// Follows Docker for as long as the app runs: reconciles on every (re)connection, then turns
    /// container events into status changes. Reconnects with back-off when the daemon goes away.
    pub async fn watch_docker(self: Arc<Self>) {
        let mut delay = Duration::from_millis(100);
        let mut available = None;
        let mut auto_started = false;
        loop {
            match Docker::connect().await {
                Ok(docker) => {
                    delay = Duration::from_millis(100);
                    if available != Some(true) {
                        available = Some(true);
                        self.emit(DatasourceEvent::Docker {
                            available: true,
                            message: None,
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
                    self.reconcile(&docker).await;
                    if !auto_started {
                        auto_started = true;
                        self.auto_start().await;
                    }
                    while let Some(event) = events.next().await {
                        match event {
                            Ok(event) => self.on_docker_event(&docker, event).await,
                            Err(error) => {
                                tracing::warn!(%error, "Docker event stream broke");
                                break;
                            }
                        }
                    }
                }
                Err(error) => {
                    if available != Some(false) {
                        available = Some(false);
                        tracing::warn!(%error, "Docker is not reachable");
                        self.emit(DatasourceEvent::Docker {
                            available: false,
                            message: Some(error.to_string()),
                        });
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                    continue;
                }
            }
            // The stream ended: the daemon went away (or restarts); say so and reconnect.
            if available != Some(false) && Docker::connect().await.is_err() {
                available = Some(false);
                self.emit(DatasourceEvent::Docker {
                    available: false,
                    message: Some("The Docker daemon stopped answering.".to_owned()),
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

    /// Brings every status in line with Docker: containers removed outside the app become
    /// "missing", stopped ones "stopped", running ones are probed until ready.
    pub async fn reconcile(self: &Arc<Self>, docker: &Docker) {
        let Ok(datasources) = self.list(None).await else {
            return;
        };
        for datasource in datasources {
            self.reconcile_one(docker, datasource.id).await;
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
        let Some(container) = datasource.container_id.clone() else {
            return;
        };
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
            Ok(Some(_)) => {
                if datasource.status != DatasourceStatus::Error {
                    let _ = self.set_status(id, DatasourceStatus::Stopped, None).await;
                }
            }
            Err(error) => tracing::debug!(%error, "reconcile could not inspect a container"),
        }
    }

    pub(super) async fn on_docker_event(self: &Arc<Self>, docker: &Docker, event: EventMessage) {
        let Some(id) = event
            .actor
            .as_ref()
            .and_then(|actor| actor.attributes.as_ref())
            .and_then(|attributes| attributes.get(LABEL_DATASOURCE))
            .and_then(|id| id.parse::<i64>().ok())
        else {
            return;
        };
        if let Some("start" | "die" | "stop" | "destroy" | "kill" | "oom") = event.action.as_deref()
        {
            self.reconcile_one(docker, id).await;
        }
    }
}
