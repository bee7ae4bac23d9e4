//! Releases on Kubernetes: the image the app's engine built is applied to the environment's
//! cluster (server-side apply), and the release is live once every Deployment among its objects
//! has rolled out — every new pod ready, no old one left. The rolling update keeps each old pod
//! until a new one is ready, so a release that never becomes ready takes no traffic; it is then
//! undone by applying the live release's objects again. A rollback applies a kept release's
//! objects as they were, its variables included: they are in an immutable Secret of its own,
//! kept in the cluster (never in SQLite) for as long as the release is.

use std::path::Path;
use std::time::Duration;

use quantum_kubernetes::manifests::{self, Probe, Workload};
use quantum_kubernetes::{Cluster, DynamicObject};

use crate::{
    DeployStage, Deploys, EnvironmentSpec, Error, HealthCheck, KubernetesTarget, Log, Release,
    Result,
};

/// What a release applied, as kept for a rollback.
struct Applied {
    manifests: String,
    secret: Option<String>,
}

impl Deploys {
    pub(crate) async fn cluster(&self, target: &KubernetesTarget) -> Result<Cluster> {
        Ok(Cluster::connect(
            &self.kubeconfigs,
            Some(&target.context),
            target.namespace.as_deref(),
        )
        .await?)
    }

    /// Applies the release `id` of `tag` and waits for its rollout.
    pub(crate) async fn release_on_cluster(
        &self,
        (project_id, project_name, project_dir): (i64, &str, &Path),
        spec: &EnvironmentSpec,
        (cluster, target): (&Cluster, &KubernetesTarget),
        (id, tag): (i64, &str),
        log: &mut Log<'_>,
    ) -> Result<()> {
        log.stage(DeployStage::Starting);
        log.line(&format!(
            "Applying to {} (namespace {})",
            cluster.context(),
            cluster.namespace()
        ));
        self.settle_on_cluster(cluster, project_id, &spec.name)
            .await?;
        let workload = manifests::dns_label(&format!("{project_name}-{}", spec.name));
        let repository = manifests::repository_of(tag);
        let mut objects = match &target.manifests {
            Some(folder) => manifests::load(&project_dir.join(folder)).await?,
            None => manifests::generate(&workload_of(&workload, spec, target), repository),
        };
        let secret = (!spec.variables.is_empty()).then(|| format!("{workload}-env-{id}"));
        let set = manifests::for_release(&mut objects, repository, tag, secret.as_deref(), id);
        if set == 0 {
            return Err(Error::Build {
                reason: format!(
                    "no container of the manifests in {} runs {repository}: give one `image: {repository}`",
                    target.manifests.as_deref().unwrap_or_default()
                ),
            });
        }
        let applied = Applied {
            manifests: manifests::to_yaml(&objects),
            secret: secret.clone(),
        };
        self.record_manifests(id, &applied).await?;
        make_namespaces(cluster, &objects, log).await?;
        if let Some(secret) = &secret {
            // Applied first, so that the new pods find it.
            cluster
                .apply(&[manifests::env_secret(secret, &spec.variables)])
                .await?;
            log.line(&format!(
                "Applied Secret {secret} (the release's variables)"
            ));
        }
        let outcome = self
            .roll_out(cluster, (project_id, spec), id, &objects, log)
            .await;
        if outcome.is_err() {
            self.undo_on_cluster(cluster, (project_id, spec), (id, &objects), log)
                .await;
            if let Some(secret) = &secret {
                if let Err(error) = cluster.delete_secret(secret).await {
                    log.line(&format!("Secret {secret} stays: {error}"));
                }
            }
        }
        outcome
    }

    /// Applies the objects, waits for every workload among them to roll out, and makes `id` live.
    async fn roll_out(
        &self,
        cluster: &Cluster,
        (project_id, spec): (i64, &EnvironmentSpec),
        id: i64,
        objects: &[DynamicObject],
        log: &mut Log<'_>,
    ) -> Result<()> {
        sqlx::query("UPDATE deploy_releases SET status = 'starting' WHERE id = ?")
            .bind(id)
            .execute(self.store.pool())
            .await?;
        for applied in cluster.apply(objects).await? {
            log.line(&format!("Applied {} {}", applied.kind, applied.name));
        }
        log.stage(DeployStage::HealthCheck);
        let timeout = Duration::from_secs(u64::from(spec.health_timeout_secs));
        for workload in manifests::workloads(objects) {
            log.line(&format!("Waiting for the rollout of {workload}"));
            let name = &workload.name;
            let rolled = cluster
                .rollout(&workload, timeout, &mut |state| {
                    log.line(&format!("  {name}: {state}"));
                })
                .await;
            if let Err(quantum_kubernetes::Error::RolloutStalled {
                reason, details, ..
            }) = rolled
            {
                return Err(Error::Unhealthy {
                    reason: format!(
                        "the rollout of {workload} did not finish within {} s: {reason}",
                        spec.health_timeout_secs
                    ),
                    last_log: details,
                });
            }
            rolled?;
            log.line(&format!("{workload} rolled out"));
        }
        self.mark_live(id, project_id, &spec.name).await?;
        log.stage(DeployStage::Done);
        Ok(())
    }

    /// After a failed rollout: the live release's objects applied again, so that the cluster
    /// wants what serves rather than the release that failed.
    async fn undo_on_cluster(
        &self,
        cluster: &Cluster,
        (project_id, spec): (i64, &EnvironmentSpec),
        (failed, failed_objects): (i64, &[DynamicObject]),
        log: &mut Log<'_>,
    ) {
        let Ok(Some(live)) = self.live(project_id, &spec.name).await else {
            return;
        };
        let Ok(Some(applied)) = self.manifests_of(live.id).await else {
            return;
        };
        log.line(&format!(
            "Applying {}'s objects again: it keeps serving",
            live.version
        ));
        match manifests::parse(&applied.manifests, "the live release") {
            Ok(objects) => {
                if let Err(error) = cluster.apply(&objects).await {
                    log.line(&format!("They could not be applied: {error}"));
                    return;
                }
            }
            Err(reason) => {
                log.line(&format!("They could not be read: {reason}"));
                return;
            }
        }
        for workload in manifests::workloads(failed_objects) {
            match cluster.delete_failed_pods(&workload, failed).await {
                Ok(0) => {}
                Ok(deleted) => log.line(&format!(
                    "Deleted {deleted} {} of the failed release from {workload}: a StatefulSet waits for them otherwise",
                    if deleted == 1 { "pod" } else { "pods" }
                )),
                Err(error) => log.line(&format!(
                    "The failed release's pods of {workload} stay: {error}. Delete them with `kubectl delete pod` for it to go on"
                )),
            }
        }
    }

    /// Applies a kept release's objects again as release `id`.
    pub(crate) async fn rollback_on_cluster(
        &self,
        spec: &EnvironmentSpec,
        target: &KubernetesTarget,
        (to, id): (&Release, i64),
        log: &mut Log<'_>,
    ) -> Result<()> {
        log.stage(DeployStage::Starting);
        let applied = self.manifests_of(to.id).await?.ok_or(Error::NotKept {
            id: to.id,
            version: to.version.clone(),
        })?;
        let cluster = self.cluster(target).await?;
        self.settle_on_cluster(&cluster, to.project_id, &spec.name)
            .await?;
        let objects = manifests::parse(&applied.manifests, "the kept release")
            .map_err(|reason| Error::Build { reason })?;
        self.record_manifests(id, &applied).await?;
        make_namespaces(&cluster, &objects, log).await?;
        self.roll_out(&cluster, (to.project_id, spec), id, &objects, log)
            .await?;
        self.prune_on_cluster(&cluster, to.project_id, spec, log)
            .await
    }

    /// Releases of the environment left under way by a crash: live when the cluster's
    /// Deployments carry them, interrupted otherwise.
    async fn settle_on_cluster(
        &self,
        cluster: &Cluster,
        project_id: i64,
        environment: &str,
    ) -> Result<()> {
        for release in self.stale(Some((project_id, environment))).await? {
            let mut serving = false;
            if let Some(applied) = self.manifests_of(release.id).await? {
                let objects =
                    manifests::parse(&applied.manifests, "a stale release").unwrap_or_default();
                for workload in manifests::workloads(&objects) {
                    serving |=
                        cluster.serving_release(&workload).await? == Some(release.id.to_string());
                }
            }
            if serving {
                self.mark_live(release.id, project_id, environment).await?;
            } else {
                self.interrupt(release.id).await?;
            }
        }
        Ok(())
    }

    /// The Secrets of releases beyond the ones kept are deleted with them.
    pub(crate) async fn prune_on_cluster(
        &self,
        cluster: &Cluster,
        project_id: i64,
        spec: &EnvironmentSpec,
        log: &mut Log<'_>,
    ) -> Result<()> {
        for release in self.beyond_kept(project_id, spec).await? {
            let secret = self
                .manifests_of(release.id)
                .await?
                .and_then(|applied| applied.secret);
            // Another kept release may have been a rollback to this one: it shares the Secret.
            let shared: Option<i64> = match &secret {
                Some(secret) => {
                    sqlx::query_scalar(
                        "SELECT m.release_id FROM deploy_release_manifests m
                     JOIN deploy_releases r ON r.id = m.release_id
                     WHERE m.secret = ? AND r.status IN ('live', 'replaced') AND r.id != ? LIMIT 1",
                    )
                    .bind(secret)
                    .bind(release.id)
                    .fetch_optional(self.store.pool())
                    .await?
                }
                None => None,
            };
            if let (Some(secret), None) = (&secret, shared) {
                cluster.delete_secret(secret).await?;
            }
            self.mark_removed(&release, log).await?;
        }
        Ok(())
    }

    /// A release's pods on its cluster, as (namespace, pod), with the connection to read them
    /// through; none for a release that is not a cluster's.
    pub async fn release_pods(
        &self,
        release: &Release,
    ) -> Result<Option<(Cluster, Vec<(Option<String>, String)>)>> {
        let (Some(target), Some(applied)) =
            (release.kubernetes(), self.manifests_of(release.id).await?)
        else {
            return Ok(None);
        };
        let cluster = self.cluster(&target).await?;
        let objects = manifests::parse(&applied.manifests, "the release").unwrap_or_default();
        let mut pods = Vec::new();
        for workload in manifests::workloads(&objects) {
            for pod in cluster.pods_of(&workload).await? {
                pods.push((workload.namespace.clone(), pod));
            }
        }
        Ok(Some((cluster, pods)))
    }

    /// The first Service among a release's objects, as (namespace, name, port): what its
    /// environment's health check asks, through the API server.
    pub async fn release_service(
        &self,
        release: &Release,
    ) -> Result<Option<(Option<String>, String, u16)>> {
        let Some(applied) = self.manifests_of(release.id).await? else {
            return Ok(None);
        };
        let objects = manifests::parse(&applied.manifests, "the release").unwrap_or_default();
        Ok(manifests::services(&objects).into_iter().next())
    }

    async fn record_manifests(&self, id: i64, applied: &Applied) -> Result<()> {
        sqlx::query(
            "INSERT OR REPLACE INTO deploy_release_manifests (release_id, manifests, secret) VALUES (?, ?, ?)",
        )
        .bind(id)
        .bind(&applied.manifests)
        .bind(&applied.secret)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    async fn manifests_of(&self, id: i64) -> Result<Option<Applied>> {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT manifests, secret FROM deploy_release_manifests WHERE release_id = ?",
        )
        .bind(id)
        .fetch_optional(self.store.pool())
        .await?;
        Ok(row.map(|(manifests, secret)| Applied { manifests, secret }))
    }
}

/// The generated objects' settings: the environment's port, check and timeouts.
fn workload_of(name: &str, spec: &EnvironmentSpec, target: &KubernetesTarget) -> Workload {
    Workload {
        name: name.to_owned(),
        port: spec.port,
        service_port: spec.publish,
        replicas: target.replicas,
        probe: match &spec.health {
            HealthCheck::Http { path, .. } => Probe::Http { path: path.clone() },
            HealthCheck::Tcp => Probe::Tcp,
            HealthCheck::Image => Probe::None,
        },
        service_type: target.service_type.clone(),
        progress_deadline_secs: spec.health_timeout_secs,
        grace_secs: spec.drain_secs,
    }
}

impl Release {
    /// The Kubernetes environment it was applied to, from the settings it was recorded with.
    pub fn kubernetes(&self) -> Option<KubernetesTarget> {
        self.settings
            .get("kubernetes")
            .and_then(|target| serde_json::from_value(target.clone()).ok())
    }
}

/// The namespaces the objects go to, made when the cluster has not got them (the environment's,
/// and any an object names).
async fn make_namespaces(
    cluster: &Cluster,
    objects: &[DynamicObject],
    log: &mut Log<'_>,
) -> Result<()> {
    let mut namespaces = vec![cluster.namespace().to_owned()];
    for object in objects {
        if let Some(namespace) = &object.metadata.namespace {
            if !namespaces.contains(namespace) {
                namespaces.push(namespace.clone());
            }
        }
    }
    for namespace in namespaces {
        if cluster.ensure_namespace(&namespace).await? {
            log.line(&format!("Created namespace {namespace}"));
        }
    }
    Ok(())
}
