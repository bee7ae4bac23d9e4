//! The health checks composed: the checks each project's `quantum.toml` declares are run by the
//! health crate, reloaded when a file changes; `datasource:` targets use the datasource's own
//! readiness probe (its password from the keychain), `container:` targets Docker's word.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use quantum_datasources::connection;
use quantum_datasources::probe::{self, Endpoint};
use quantum_datasources::{Datasource, DatasourceStatus, Datasources};
use quantum_deploy::kubernetes::{Cluster, Kubeconfigs};
use quantum_docker::Docker;
use quantum_health::{failed, Health, HealthEvent, Observation, Prober, Target};
use quantum_kernel::audit::ResourceType;
use quantum_kernel::{projects, ErrorInfo};
use quantum_secrets::Secret;

use crate::Core;

/// `datasource:`, `container:` and `kubernetes://` targets.
pub struct StackProber {
    datasources: Arc<Datasources>,
    /// Each datasource's password as last read: a keychain read costs a D-Bus session (and its
    /// key exchange) on Linux, too much to pay every 30 s per check. Read afresh when a probe
    /// with it fails, so a changed password is picked up.
    passwords: Mutex<HashMap<i64, Secret>>,
    kubeconfigs: Kubeconfigs,
    /// A connection per context, kept: connecting runs the kubeconfig's credential plugin
    /// (`aws eks get-token`, `gke-gcloud-auth-plugin`), too slow to pay every 30 s.
    clusters: Mutex<HashMap<String, Cluster>>,
}

#[async_trait::async_trait]
impl Prober for StackProber {
    async fn probe(&self, project_id: i64, target: &Target, timeout: Duration) -> Observation {
        let attempt = async {
            match target {
                Target::Datasource { name } => self.datasource(project_id, name).await,
                Target::Container { name } => container(name).await,
                Target::Service {
                    context,
                    namespace,
                    service,
                    port,
                    path,
                } => {
                    let place = (namespace.as_deref(), service.as_str(), *port);
                    self.service(context, place, path).await
                }
                other => failed(format!("{other} is not a datasource or a container")),
            }
        };
        tokio::time::timeout(timeout, attempt)
            .await
            .unwrap_or_else(|_| failed(format!("no answer within {} s", timeout.as_secs())))
    }
}

impl StackProber {
    pub fn new(datasources: Arc<Datasources>) -> Self {
        Self {
            datasources,
            passwords: Mutex::default(),
            kubeconfigs: Kubeconfigs::from_process(),
            clusters: Mutex::default(),
        }
    }

    /// Reads the kubeconfig from these files (tests give their own).
    #[must_use]
    pub fn with_kubeconfigs(mut self, kubeconfigs: Kubeconfigs) -> Self {
        self.kubeconfigs = kubeconfigs;
        self
    }

    async fn service(
        &self,
        context: &str,
        place: (Option<&str>, &str, u16),
        path: &str,
    ) -> Observation {
        let kept = self
            .clusters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(context)
            .cloned();
        let cluster = match kept {
            Some(cluster) => cluster,
            None => match Cluster::connect(&self.kubeconfigs, Some(context), None).await {
                Ok(cluster) => {
                    self.clusters
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(context.to_owned(), cluster.clone());
                    cluster
                }
                Err(error) => return failed(error.to_string()),
            },
        };
        match cluster.service_get(place, path).await {
            Ok((status, body)) => Observation {
                connected: true,
                status: Some(status),
                body: Some(String::from_utf8_lossy(&body).into_owned()),
                ..Observation::default()
            },
            Err(error) => {
                // Connected afresh next time: the credentials may have expired.
                self.clusters
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(context);
                failed(error.to_string())
            }
        }
    }

    async fn datasource(&self, project_id: i64, name: &str) -> Observation {
        let listed = match self.datasources.list(Some(project_id)).await {
            Ok(listed) => listed,
            Err(error) => return failed(error.to_string()),
        };
        let Some(datasource) = listed
            .into_iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
        else {
            return failed(format!("the project has no datasource named “{name}”"));
        };
        if datasource.status != DatasourceStatus::Ready {
            let status = serde_json::to_value(datasource.status).unwrap_or_default();
            return failed(format!(
                "{name} is {}",
                status.as_str().unwrap_or("not ready")
            ));
        }
        if let Some(password) = self.password(datasource.id) {
            if probe_with(&datasource, &password).await.is_ok() {
                return connected();
            }
        }
        let password = match self.datasources.connection_details(datasource.id).await {
            Ok((_, password)) => password,
            Err(error) => return failed(error.to_string()),
        };
        let outcome = probe_with(&datasource, &password).await;
        self.passwords
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(datasource.id, password);
        match outcome {
            Ok(()) => connected(),
            Err(error) => failed(error),
        }
    }

    fn password(&self, datasource_id: i64) -> Option<Secret> {
        self.passwords
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&datasource_id)
            .cloned()
    }
}

fn connected() -> Observation {
    Observation {
        connected: true,
        ..Observation::default()
    }
}

async fn probe_with(datasource: &Datasource, password: &Secret) -> Result<(), String> {
    let endpoint = Endpoint {
        engine: datasource.engine,
        host: connection::HOST,
        port: datasource.host_port,
        user: &datasource.username,
        password,
        database: &datasource.database_name,
    };
    probe::probe(&endpoint)
        .await
        .map_err(|error| error.to_string())
}

async fn container(name: &str) -> Observation {
    let docker = match Docker::connect().await {
        Ok(docker) => docker,
        Err(error) => return failed(error.to_string()),
    };
    match docker.inspect(name).await {
        Ok(Some(state)) if !state.running => failed(format!(
            "{name} is not running{}",
            state
                .exit_reason()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )),
        Ok(Some(state)) => match state.health.as_deref() {
            Some("unhealthy") => failed(format!("Docker reports {name} unhealthy")),
            Some("starting") => failed(format!(
                "{name} is starting (its health check has not passed yet)"
            )),
            _ => connected(),
        },
        Ok(None) => failed(format!("there is no container named {name}")),
        Err(error) => failed(error.to_string()),
    }
}

/// Runs every project's declared checks, and follows changes to the files, the projects and the
/// deploys until the app ends (the shell spawns it on its runtime).
pub fn watch(core: &Core) -> impl std::future::Future<Output = ()> + Send + 'static {
    let parts = Parts {
        configs: Arc::clone(&core.configs),
        health: Arc::clone(&core.health),
        deploys: Arc::clone(&core.deploys),
    };
    let store = core.store.clone();
    let mut changes = store.subscribe();
    async move {
        for project in projects::list(&store).await.unwrap_or_default() {
            parts.load(project.id).await;
        }
        loop {
            match changes.recv().await {
                Ok(change)
                    if matches!(
                        change.resource_type,
                        ResourceType::Config | ResourceType::Project
                    ) =>
                {
                    parts.load(change.resource_id).await;
                }
                // A release went live or failed: its environment's check comes or stays.
                Ok(change) if change.resource_type == ResourceType::Release => {
                    if let Ok(release) = parts.deploys.release(change.resource_id).await {
                        parts.load(release.project_id).await;
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    for project in projects::list(&store).await.unwrap_or_default() {
                        parts.load(project.id).await;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

/// What loading a project's checks reads.
struct Parts {
    configs: Arc<quantum_config::ProjectConfigs>,
    health: Arc<Health>,
    deploys: Arc<quantum_deploy::Deploys>,
}

/// The project's checks as its file declares them now (none once it is deleted), and one for
/// each deploy environment with a live release (`deploy-<name>`, its health path on its published
/// port) unless the file declares a check of that name.
pub async fn load(core: &Core, project_id: i64) {
    Parts {
        configs: Arc::clone(&core.configs),
        health: Arc::clone(&core.health),
        deploys: Arc::clone(&core.deploys),
    }
    .load(project_id)
    .await;
}

impl Parts {
    async fn load(&self, project_id: i64) {
        let declared = self
            .configs
            .health_checks(project_id)
            .await
            .unwrap_or_default();
        let mut checks: Vec<quantum_health::CheckSpec> = declared
            .iter()
            .filter_map(quantum_config::HealthCheckDecl::to_spec)
            .collect();
        let live: Vec<quantum_deploy::Release> = self
            .deploys
            .history(project_id, None)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|release| release.status == quantum_deploy::ReleaseStatus::Live)
            .collect();
        for environment in self
            .configs
            .deploy_environments(project_id)
            .await
            .unwrap_or_default()
        {
            let name = format!("deploy-{}", environment.name);
            let Some(release) = live.iter().find(|r| r.environment == environment.name) else {
                continue;
            };
            if checks.iter().any(|check| check.name == name) {
                continue;
            }
            let service = match environment.kube_context {
                Some(_) => self.deploys.release_service(release).await.ok().flatten(),
                None => None,
            };
            if let Some(check) = deploy_check(name, &environment, service) {
                checks.push(check);
            }
        }
        self.health.set_checks(project_id, checks);
    }
}

/// A deploy environment's check: its release's own check, asked through the proxy's port — or,
/// on a cluster, through the API server's proxy to the release's Service (`service`: namespace,
/// name, port), for an HTTP check (a TCP one is the pods' readiness probe alone).
fn deploy_check(
    name: String,
    environment: &quantum_config::DeployDecl,
    service: Option<(Option<String>, String, u16)>,
) -> Option<quantum_health::CheckSpec> {
    let url = crate::deploy::url_of(environment);
    let path = environment.health_path.as_deref().unwrap_or("/");
    let target = match (&environment.kube_context, environment.health.as_deref()) {
        (Some(_), Some("tcp" | "image")) => return None,
        (Some(context), _) => {
            let (namespace, service, port) = service?;
            Target::Service {
                context: context.clone(),
                namespace: namespace.or_else(|| environment.kube_namespace.clone()),
                service,
                port,
                path: path.to_owned(),
            }
        }
        (None, Some("tcp")) => {
            Target::parse(&format!("tcp://{}", url.trim_start_matches("http://"))).ok()?
        }
        (None, Some("image")) => Target::parse(&url).ok()?,
        (None, _) => Target::parse(&format!("{url}{path}")).ok()?,
    };
    let conditions = match environment.health_status {
        Some(status) => {
            vec![quantum_health::Condition::parse(&format!("[STATUS] == {status}")).ok()?]
        }
        None => quantum_health::CheckSpec::default_conditions(&target),
    };
    Some(quantum_health::CheckSpec {
        name,
        target,
        interval_secs: quantum_health::DEFAULT_INTERVAL_SECS,
        timeout_secs: quantum_health::DEFAULT_TIMEOUT_SECS,
        failures: quantum_health::DEFAULT_FAILURES,
        conditions,
        insecure: false,
    })
}

/// Where a project's webhook URL is kept: the keychain, since a Slack or Discord URL is a secret
/// that lets anyone post.
fn webhook_account(project_id: i64) -> String {
    format!("health-webhook:{project_id}")
}

/// The project's webhook URL, if it has one.
pub async fn webhook(core: &Core, project_id: i64) -> Result<Option<String>, ErrorInfo> {
    let secrets = Arc::clone(&core.secrets);
    tokio::task::spawn_blocking(move || secrets.find(&webhook_account(project_id)))
        .await
        .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))?
        .map(|found| found.map(|secret| secret.expose().to_owned()))
        .map_err(Into::into)
}

/// Sets (or, with `None`, removes) the project's webhook: an http(s) URL.
pub async fn set_webhook(
    core: &Core,
    project_id: i64,
    url: Option<String>,
) -> Result<(), ErrorInfo> {
    projects::get(&core.store, project_id).await?;
    let url = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    if let Some(url) = &url {
        if !matches!(Target::parse(url), Ok(Target::Http { .. })) {
            return Err(ErrorInfo {
                code: "health.invalid_webhook".into(),
                message: "Give the webhook as an http:// or https:// URL, e.g. https://hooks.slack.com/services/…".into(),
                field: Some("url".into()),
            });
        }
    }
    let secrets = Arc::clone(&core.secrets);
    tokio::task::spawn_blocking(move || match url {
        Some(url) => secrets.set(&webhook_account(project_id), &Secret::new(url)),
        None => secrets.delete(&webhook_account(project_id)),
    })
    .await
    .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))?
    .map_err(Into::into)
}

/// Posts each incident, opened and closed, to its project's webhook until the app ends.
pub fn post_incidents(core: &Core) -> impl std::future::Future<Output = ()> + Send + 'static {
    let (store, secrets, health) = (
        core.store.clone(),
        Arc::clone(&core.secrets),
        Arc::clone(&core.health),
    );
    let mut events = health.subscribe();
    async move {
        loop {
            let incident = match events.recv().await {
                Ok(
                    HealthEvent::IncidentOpened { incident }
                    | HealthEvent::IncidentClosed { incident },
                ) => incident,
                Ok(HealthEvent::Checked { .. })
                | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            };
            let account = webhook_account(incident.project_id);
            let secrets = Arc::clone(&secrets);
            let url = tokio::task::spawn_blocking(move || secrets.find(&account)).await;
            let Ok(Ok(Some(url))) = url else { continue };
            let project = projects::get(&store, incident.project_id)
                .await
                .map(|p| p.name)
                .unwrap_or_default();
            if let Err(error) = health.post_webhook(url.expose(), &project, &incident).await {
                tracing::warn!(%error, project_id = incident.project_id, "the incident's webhook failed");
            }
        }
    }
}
