//! Starting a container and waiting until its server answers, following its log meanwhile.

use super::*;

impl Datasources {
    pub(super) async fn start_locked(&self, docker: &Docker, id: i64) -> Result<Datasource> {
        let datasource = self.get(id).await?;
        let Some(container) = datasource.container_id.clone() else {
            // Its creation was cut short before a container existed (the app was killed or quit
            // mid-create): starting finishes it, on the same volume and settings.
            if let Err(error) = self.provision(docker, id).await {
                self.fail(id, &error).await;
                return Err(error);
            }
            return self.get(id).await;
        };
        if docker.inspect(&container).await?.is_none() {
            self.set_status(
                id,
                DatasourceStatus::Missing,
                Some("Its container was removed outside the app.".into()),
            )
            .await?;
            return Err(Error::docker(format!(
                "The container of “{}” was removed outside the app; recreate it with its data.",
                datasource.name
            )));
        }
        // The claims (every container, the stopped ones inspected) are gathered only to name a
        // holder: a free port, the usual case, costs one bind attempt.
        if crate::ports::bound_on_host(datasource.host_port) {
            let claims = Claims::gather(docker, self.reserved_ports(Some(id)).await?).await?;
            if let Some(holder) = claims.start_conflict(datasource.host_port, &datasource.name) {
                return Err(Error::PortHeld {
                    next_free: claims
                        .next_free(datasource.host_port.saturating_add(1))
                        .ok(),
                    name: datasource.name,
                    port: datasource.host_port,
                    holder,
                });
            }
        }
        self.set_status(id, DatasourceStatus::Starting, None)
            .await?;
        let result = async {
            docker.start(&container, datasource.host_port).await?;
            self.become_ready(docker, id).await
        }
        .await;
        if let Err(error) = &result {
            self.fail(id, error).await;
        }
        result?;
        self.get(id).await
    }

    /// Waits for the server to answer, runs its set-up, and marks it ready.
    pub(super) async fn become_ready(&self, docker: &Docker, id: i64) -> Result<()> {
        let datasource = self.get(id).await?;
        let container = datasource
            .container_id
            .clone()
            .ok_or_else(|| Error::docker("the datasource has no container"))?;
        if datasource.status != DatasourceStatus::Starting {
            self.set_status(id, DatasourceStatus::Starting, None)
                .await?;
        }
        let password = self.secrets.get(&datasource.keychain_account)?;
        let endpoint = Endpoint {
            engine: datasource.engine,
            host: connection::HOST,
            port: datasource.host_port,
            user: &datasource.username,
            password: &password,
            database: &datasource.database_name,
        };
        let waited = Waited {
            name: &datasource.name,
            timeout_secs: datasource.ready_timeout_secs,
        };
        wait_until_ready(docker, &waited, &container, &endpoint).await?;
        self.set_status(id, DatasourceStatus::Configuring, None)
            .await?;
        probe::configure(&endpoint)
            .await
            .map_err(|error| Error::DatasourceFailed {
                name: datasource.name.to_owned(),
                reason: format!("its set-up failed: {error}"),
                last_log: Vec::new(),
            })?;
        self.set_status(id, DatasourceStatus::Ready, None).await?;
        tracing::info!(datasource_id = id, "datasource ready");
        Ok(())
    }
}

/// Probes with back-off until the server answers, while following its log: a container that
/// exits is reported with its last lines instead of waiting for the timeout.
/// What a wait is for: the server's name in messages, and how long it may take.
pub(super) struct Waited<'a> {
    pub name: &'a str,
    pub timeout_secs: u32,
}

pub(super) async fn wait_until_ready(
    docker: &Docker,
    datasource: &Waited<'_>,
    container: &str,
    endpoint: &Endpoint<'_>,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(u64::from(datasource.timeout_secs));
    let options = LogsOptionsBuilder::new()
        .follow(true)
        .stdout(true)
        .stderr(true)
        .tail("50")
        .build();
    let mut logs = docker.api().logs(container, Some(options));
    let mut last_lines: VecDeque<String> = VecDeque::with_capacity(CRASH_LOG_LINES);
    let mut logs_open = true;
    let mut delays = probe::backoff();
    loop {
        match probe::probe(endpoint).await {
            Ok(()) => return Ok(()),
            Err(ProbeError::Refused(reason)) => {
                return Err(Error::DatasourceFailed {
                    name: datasource.name.to_owned(),
                    reason,
                    last_log: last_lines.into(),
                })
            }
            Err(ProbeError::NotReady(_)) => {}
        }
        if Instant::now() >= deadline {
            return Err(Error::DatasourceFailed {
                name: datasource.name.to_owned(),
                reason: format!(
                    "it did not accept connections within {} s (the timeout can be raised in its settings)",
                    datasource.timeout_secs
                ),
                last_log: last_lines.into(),
            });
        }
        let pause = tokio::time::sleep(delays.next().unwrap_or(Duration::from_millis(250)));
        tokio::pin!(pause);
        loop {
            tokio::select! {
                () = &mut pause => break,
                line = logs.next(), if logs_open => match line {
                    Some(Ok(output)) => {
                        let mut ready_line = false;
                        for text in output.to_string().lines() {
                            ready_line |= text.contains(endpoint.engine.ready_log_marker());
                            if last_lines.len() == CRASH_LOG_LINES {
                                last_lines.pop_front();
                            }
                            last_lines.push_back(text.to_owned());
                        }
                        // The server says it is ready: probe now rather than after the pause.
                        if ready_line {
                            break;
                        }
                    }
                    _ => {
                        logs_open = false;
                        if let Some(state) = docker.inspect(container).await? {
                            if !state.running {
                                return Err(Error::DatasourceFailed {
                                    name: datasource.name.to_owned(),
                                    reason: format!(
                                        "its container stopped during start-up (exit code {})",
                                        state.exit_code.unwrap_or_default()
                                    ),
                                    last_log: last_lines.into(),
                                });
                            }
                        }
                    }
                },
            }
        }
    }
}
