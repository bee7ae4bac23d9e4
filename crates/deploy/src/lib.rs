//! Deploys of a project to its environments: the image built from the project's Dockerfile
//! (tagged with `git describe`), released next to the live one behind the environment's proxy,
//! switched to once its health check passes, the replaced release drained, stopped and kept for a
//! one-step rollback. Every deploy and rollback is a row of the history, and audited.
//!
//! A crash at any moment leaves a true state: the proxy keeps sending traffic to the release it
//! was last switched to, and on the next start [`Deploys::reconcile`] marks releases that were
//! under way as interrupted (removing their containers) and the one the proxy serves as live.

mod build;
mod cluster;
pub mod context;
mod data;
mod datasources;
mod error;
mod history;
mod hooks;
mod login;
mod names;
mod proxy;
mod registry;
mod release;
mod settle;
mod spec;
mod target;
mod version;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex as SyncMutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use quantum_docker::Docker;
use quantum_kernel::Store;
use quantum_kubernetes::Cluster;
use serde::{Deserialize, Serialize};
use specta::Type;

pub use data::{
    DataFuture, DataOutcome, DataRecord, DataStep, MigrationsRun, ReleaseData, SnapshotRestored,
};
pub use datasources::DatasourceState;
pub use error::{Error, Result};
pub use history::{Release, ReleaseKind, ReleaseStatus};
pub use login::{check_login, RegistryLogin};
pub use names::{Names, LABEL_ENVIRONMENT, LABEL_RELEASE, LABEL_ROLE};
pub use proxy::config as proxy_config;
pub use quantum_kubernetes as kubernetes;
pub use registry::registry_of;
pub use spec::{
    EnvironmentDatasource, EnvironmentSpec, HealthCheck, KubernetesTarget, DEFAULT_DRAIN_SECS,
    DEFAULT_HEALTH_TIMEOUT_SECS, DEFAULT_KEEP, DEFAULT_PROXY_IMAGE,
};
pub use target::{host_problem, DockerTarget};
pub use version::{describe, Version};

use history::COLUMNS;

/// Where a deploy or rollback is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DeployStage {
    Building,
    /// Pushed to the registry and pulled by the environment's engine (`push = true`).
    Pushing,
    /// The environment's own datasources started (created the first time) and awaited.
    Datasources,
    /// The data step: migrations applied after a snapshot, or a rollback's snapshot restored.
    Data,
    Starting,
    HealthCheck,
    Switching,
    Draining,
    Done,
}

/// What a deploy or rollback reports while it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DeployEvent {
    /// The history's new row.
    Started {
        release: Release,
    },
    Stage {
        stage: DeployStage,
    },
    /// A line of the build's or the release's log.
    Log {
        line: String,
    },
    /// The row as it ended, live or failed.
    Finished {
        release: Release,
    },
}

/// What a deploy needs besides the environment's settings.
pub struct DeployRequest<'a> {
    pub project_id: i64,
    pub project_name: &'a str,
    pub project_dir: &'a Path,
    pub spec: &'a EnvironmentSpec,
    /// Who asked (the OS user).
    pub actor: &'a str,
    /// Run after the build, before the release starts: the project's pending migrations.
    pub data: Option<&'a dyn DataStep>,
}

pub struct Deploys {
    store: Store,
    engines: target::Engines,
    kubeconfigs: quantum_kubernetes::Kubeconfigs,
    /// Environments with a deploy or rollback under way in this process, as (project, name).
    busy: SyncMutex<HashSet<(i64, String)>>,
}

/// Marks an environment busy until dropped.
struct Busy<'a> {
    set: &'a SyncMutex<HashSet<(i64, String)>>,
    key: (i64, String),
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        lock(self.set).remove(&self.key);
    }
}

fn lock<T>(mutex: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

/// A release's log as it is written: passed on to the caller and kept for the history.
struct Log<'a> {
    text: String,
    on_event: &'a (dyn Fn(DeployEvent) + Send + Sync),
}

impl Log<'_> {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        (self.on_event)(DeployEvent::Log {
            line: line.to_owned(),
        });
    }

    fn stage(&self, stage: DeployStage) {
        (self.on_event)(DeployEvent::Stage { stage });
    }
}

impl Deploys {
    pub fn new(store: Store) -> Self {
        Self::with_docker_environment(store, quantum_docker::host::Environment::from_process())
    }

    /// Resolves Docker contexts, `~/.docker` and `~/.ssh` from `environment` rather than the
    /// process's (tests give a home folder of their own).
    pub fn with_docker_environment(
        store: Store,
        environment: quantum_docker::host::Environment,
    ) -> Self {
        Self {
            store,
            engines: target::Engines::new(environment),
            kubeconfigs: quantum_kubernetes::Kubeconfigs::from_process(),
            busy: SyncMutex::new(HashSet::new()),
        }
    }

    /// Reads kubeconfigs from `kubeconfigs` rather than `KUBECONFIG` or `~/.kube/config`.
    #[must_use]
    pub fn with_kubeconfigs(mut self, kubeconfigs: quantum_kubernetes::Kubeconfigs) -> Self {
        self.kubeconfigs = kubeconfigs;
        self
    }

    /// Connects to the environment's Docker Engine and says which it is. `trust` is the host key
    /// fingerprint of an SSH server the user confirmed, recorded in `known_hosts`.
    pub async fn connect(&self, spec: &EnvironmentSpec, trust: Option<&str>) -> Result<String> {
        if let Some(target) = &spec.kubernetes {
            let cluster = self.cluster(target).await?;
            return Ok(format!(
                "{} (namespace {})",
                cluster.context(),
                cluster.namespace()
            ));
        }
        let docker = self.engines.get(spec, trust).await?;
        docker.ping().await?;
        Ok(docker.endpoint().to_string())
    }

    /// The environment's Docker Engine, connected (kept open for the next call).
    pub async fn engine(&self, spec: &EnvironmentSpec) -> Result<Docker> {
        self.engines.get(spec, None).await
    }

    /// This machine's Docker Engine, as the deploys reach it.
    pub async fn local_engine(&self) -> Result<Docker> {
        self.engines.local().await
    }

    fn begin(&self, project_id: i64, environment: &str) -> Result<Busy<'_>> {
        let key = (project_id, environment.to_owned());
        if !lock(&self.busy).insert(key.clone()) {
            return Err(Error::Busy {
                environment: environment.to_owned(),
            });
        }
        Ok(Busy {
            set: &self.busy,
            key,
        })
    }

    fn names(&self, project_id: i64, environment: &str) -> Names {
        Names::new(self.store.identity(), project_id, environment)
    }

    /// Builds the project's image and releases it.
    pub async fn deploy(
        &self,
        request: DeployRequest<'_>,
        on_event: &(dyn Fn(DeployEvent) + Send + Sync),
    ) -> Result<Release> {
        let spec = request.spec;
        let _busy = self.begin(request.project_id, &spec.name)?;
        let docker = self.engines.get(spec, None).await?;
        self.reconcile_environment(&docker, request.project_id, &spec.name)
            .await?;
        // A cluster that cannot be reached is said before the build.
        let cluster = match &spec.kubernetes {
            Some(target) => Some(self.cluster(target).await?),
            None => None,
        };
        let id = self
            .insert(request.project_id, spec, "deploy", None, request.actor)
            .await?;
        let mut log = Log {
            text: String::new(),
            on_event,
        };
        on_event(DeployEvent::Started {
            release: self.fetch(id).await?,
        });
        let outcome = self
            .build_and_release((&docker, cluster.as_ref()), id, &request, &mut log)
            .await;
        self.finish(id, request.project_name, outcome, &log).await
    }

    async fn build_and_release(
        &self,
        (docker, cluster): (&Docker, Option<&Cluster>),
        id: i64,
        request: &DeployRequest<'_>,
        log: &mut Log<'_>,
    ) -> Result<()> {
        let spec = request.spec;
        log.stage(DeployStage::Building);
        let folder = request.project_dir.to_owned();
        let described = tokio::task::spawn_blocking(move || describe(&folder, now_ms()))
            .await
            .map_err(|error| Error::Build {
                reason: error.to_string(),
            })?;
        let tag = format!("{}:{}", spec.image, described.version);
        sqlx::query(
            "UPDATE deploy_releases SET version = ?, git_commit = ?, image = ? WHERE id = ?",
        )
        .bind(&described.version)
        .bind(&described.commit)
        .bind(&tag)
        .bind(id)
        .execute(self.store.pool())
        .await?;
        // With `push`, this machine builds and the environment's engine pulls.
        let builder = if spec.push {
            self.engines.local().await?
        } else {
            docker.clone()
        };
        let facts = [
            ("QUANTUM_ENVIRONMENT", spec.name.clone()),
            ("QUANTUM_VERSION", described.version.clone()),
            ("QUANTUM_IMAGE", tag.clone()),
            ("QUANTUM_RELEASE_ID", id.to_string()),
        ];
        if let Some(command) = &spec.pre_deploy {
            log.line(&format!("Running the pre_deploy hook: {command}"));
            hooks::run("pre_deploy", command, request.project_dir, &facts, |line| {
                log.line(line)
            })
            .await?;
        }
        log.line(&format!("Building {tag} on {}", builder.endpoint()));
        let context = request.project_dir.join(&spec.context);
        let mut built = build::build(&builder, &context, &spec.dockerfile, &tag, |line| {
            log.line(line)
        })
        .await?;
        log.line(&format!("Built {}", built.image_id));
        if spec.push {
            log.stage(DeployStage::Pushing);
            let login = spec.registry_login.as_ref();
            built.image_id = self
                .push_and_pull(&builder, docker, (&tag, login), log)
                .await?;
        }
        sqlx::query("UPDATE deploy_releases SET image_id = ? WHERE id = ?")
            .bind(&built.image_id)
            .bind(id)
            .execute(self.store.pool())
            .await?;
        match spec.kubernetes.as_ref().zip(cluster) {
            Some((target, cluster)) => {
                let project = (
                    request.project_id,
                    request.project_name,
                    request.project_dir,
                );
                self.release_on_cluster(project, spec, (cluster, target), (id, &tag), log)
                    .await?;
                self.prune_on_cluster(cluster, request.project_id, spec, log)
                    .await?;
            }
            None => {
                self.release_image(
                    docker,
                    (request.project_id, spec),
                    id,
                    &built.image_id,
                    request.data,
                    log,
                )
                .await?;
            }
        }
        if let Some(command) = &spec.post_deploy {
            log.line(&format!("Running the post_deploy hook: {command}"));
            let ran = hooks::run(
                "post_deploy",
                command,
                request.project_dir,
                &facts,
                |line| log.line(line),
            )
            .await;
            if let Err(Error::Hook { reason, .. }) = ran {
                // The release is live already: said, not undone.
                log.line(&format!(
                    "The post_deploy hook failed: {reason}. The release stays live."
                ));
            }
        }
        Ok(())
    }

    /// Pushes `tag` from `builder` to its registry, and pulls it on `docker` when that is another
    /// engine; the image's ID there.
    async fn push_and_pull(
        &self,
        builder: &Docker,
        docker: &Docker,
        (tag, login): (&str, Option<&RegistryLogin>),
        log: &mut Log<'_>,
    ) -> Result<String> {
        let host = registry::registry_of(tag);
        let credentials = match login {
            Some(login) => Some(bollard::auth::DockerCredentials {
                username: Some(login.username.clone()),
                password: Some(login.password.clone()),
                serveraddress: Some(host.clone()),
                ..bollard::auth::DockerCredentials::default()
            }),
            None => {
                let config_dir = self.engines.config_dir();
                let lookup = host.clone();
                tokio::task::spawn_blocking(move || {
                    registry::credentials(config_dir.as_deref(), &lookup, None)
                })
                .await
                .map_err(|error| Error::Registry {
                    registry: host.clone(),
                    reason: error.to_string(),
                })??
            }
        };
        log.line(&format!("Pushing {tag} to {host}"));
        registry::push(builder, tag, credentials.clone(), |line| log.line(line)).await?;
        if builder.endpoint() == docker.endpoint() {
            let image = builder.api().inspect_image(tag).await;
            return image
                .ok()
                .and_then(|image| image.id)
                .ok_or_else(|| Error::Build {
                    reason: format!("{tag} is gone after its push"),
                });
        }
        log.line(&format!("Pulling {tag} on {}", docker.endpoint()));
        registry::pull(docker, tag, credentials, |line| log.line(line)).await
    }

    /// Releases a kept release's image again: the same steps as a deploy, without the build;
    /// `data` restores what the releases gone back past migrated.
    pub async fn rollback(
        &self,
        project_name: &str,
        release_id: i64,
        spec: &EnvironmentSpec,
        (actor, data): (&str, Option<&dyn DataStep>),
        on_event: &(dyn Fn(DeployEvent) + Send + Sync),
    ) -> Result<Release> {
        let target = self.fetch(release_id).await?;
        let _busy = self.begin(target.project_id, &target.environment)?;
        if target.status == ReleaseStatus::Live {
            return Err(Error::AlreadyLive {
                id: target.id,
                version: target.version,
            });
        }
        if let Some((was, now)) = target.moved(spec) {
            return Err(Error::TargetChanged {
                version: target.version,
                was,
                now,
            });
        }
        let image_id = match (&target.image_id, target.status.kept()) {
            (Some(image_id), true) => image_id.clone(),
            _ => {
                return Err(Error::NotKept {
                    id: target.id,
                    version: target.version,
                })
            }
        };
        let docker = self.engines.get(spec, None).await?;
        self.reconcile_environment(&docker, target.project_id, &target.environment)
            .await?;
        let id = self
            .insert(target.project_id, spec, "rollback", Some(&target), actor)
            .await?;
        let mut log = Log {
            text: String::new(),
            on_event,
        };
        on_event(DeployEvent::Started {
            release: self.fetch(id).await?,
        });
        log.line(&format!(
            "Rolling back to {} (release {})",
            target.version, target.id
        ));
        let outcome = match &spec.kubernetes {
            Some(cluster) => {
                self.rollback_on_cluster(spec, cluster, (&target, id), &mut log)
                    .await
            }
            None => {
                self.release_image(
                    &docker,
                    (target.project_id, spec),
                    id,
                    &image_id,
                    data,
                    &mut log,
                )
                .await
            }
        };
        self.finish(id, project_name, outcome, &log).await
    }

    async fn release_image(
        &self,
        docker: &Docker,
        (project_id, spec): (i64, &EnvironmentSpec),
        id: i64,
        image_id: &str,
        data: Option<&dyn DataStep>,
        log: &mut Log<'_>,
    ) -> Result<()> {
        let names = self.names(project_id, &spec.name);
        // A live release on another engine (the environment moved) stays there, untouched.
        let previous = self
            .live(project_id, &spec.name)
            .await?
            .filter(|release| release.target() == spec.target);
        let previous_upstream = previous
            .as_ref()
            .and_then(|release| release.container_name.as_deref())
            .map(|name| format!("{name}:{}", spec.port));
        docker
            .ensure_network(&names.network(), names.labels("network", None))
            .await?;
        proxy::ensure(docker, &names, spec, previous_upstream.as_deref()).await?;
        if !spec.datasources.is_empty() {
            log.stage(DeployStage::Datasources);
            datasources::ensure(docker, &names, &spec.datasources, |line| log.line(line)).await?;
        }
        if let Some(step) = data {
            self.run_data(id, step, log).await?;
        }
        log.stage(DeployStage::Starting);
        let container = names.release(id);
        sqlx::query(
            "UPDATE deploy_releases SET status = 'starting', container_name = ? WHERE id = ?",
        )
        .bind(&container)
        .bind(id)
        .execute(self.store.pool())
        .await?;
        release::start(docker, &names, spec, id, image_id).await?;
        let started = std::time::Instant::now();
        log.line(&format!(
            "Started {container}; waiting for its health check"
        ));
        log.stage(DeployStage::HealthCheck);
        if let Err(error) = release::wait_until_healthy(docker, &names, spec, &container).await {
            release::discard(docker, &container).await;
            return Err(error);
        }
        log.line(&format!(
            "Healthy after {:.1} s; switching traffic to it",
            started.elapsed().as_secs_f64()
        ));
        log.stage(DeployStage::Switching);
        let upstream = format!("{container}:{}", spec.port);
        if let Err(error) = proxy::switch(docker, &names, &upstream).await {
            release::discard(docker, &container).await;
            return Err(error);
        }
        self.mark_live(id, project_id, &spec.name).await?;
        if let (Some(previous), Some(previous_upstream)) = (&previous, &previous_upstream) {
            log.stage(DeployStage::Draining);
            let limit = Duration::from_secs(u64::from(spec.drain_secs));
            let drained = proxy::drain(docker, &names, previous_upstream, limit).await?;
            if !drained {
                log.line(&format!(
                    "Requests to {} still open after {} s; stopping it anyway",
                    previous.version, spec.drain_secs
                ));
            }
            if let Some(name) = &previous.container_name {
                docker.stop(name).await?;
                log.line(&format!("Stopped {name} (kept for a rollback)"));
            }
        }
        self.prune(docker, project_id, spec, log).await?;
        log.stage(DeployStage::Done);
        Ok(())
    }
}
