//! Releases a crash left under way, settled by what serves: on start for the local engine, before
//! the next deploy or rollback of their environment for the others (a cluster's in cluster.rs).

use quantum_docker::Docker;

use crate::{history, now_ms, proxy, release, Deploys, Release, Result, COLUMNS};

impl Deploys {
    /// After a restart: releases on the local engine left under way are interrupted (their
    /// containers removed), and the release each environment's proxy serves is the live one.
    /// Those on other engines are settled before their environment's next deploy or rollback.
    pub async fn reconcile(&self) -> Result<()> {
        let stale = self.stale(None).await?;
        let local: Vec<&Release> = stale
            .iter()
            .filter(|release| release.target().is_local() && release.kubernetes().is_none())
            .collect();
        if local.is_empty() {
            return Ok(());
        }
        let docker = self.engines.local().await?;
        for release in local {
            self.settle(&docker, release).await?;
        }
        Ok(())
    }

    pub(crate) async fn reconcile_environment(
        &self,
        docker: &Docker,
        project_id: i64,
        environment: &str,
    ) -> Result<()> {
        // Releases on a cluster are settled by the cluster (`settle_on_cluster`).
        for release in self.stale(Some((project_id, environment))).await? {
            if release.kubernetes().is_none() {
                self.settle(docker, &release).await?;
            }
        }
        Ok(())
    }

    /// Releases left under way, of one environment or all.
    pub(crate) async fn stale(&self, of: Option<(i64, &str)>) -> Result<Vec<Release>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM deploy_releases WHERE status IN ('building', 'starting')
                 AND (? IS NULL OR (project_id = ? AND environment = ?))"
        ))
        .bind(of.map(|_| 1))
        .bind(of.map(|(project, _)| project))
        .bind(of.map(|(_, environment)| environment))
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(history::from_row).collect())
    }

    pub(crate) async fn settle(&self, docker: &Docker, release: &Release) -> Result<()> {
        let names = self.names(release.project_id, &release.environment);
        let serving = proxy::live_upstream(docker, &names).await?;
        let is_served = match (&serving, &release.container_name) {
            (Some(upstream), Some(name)) => upstream.split(':').next() == Some(name.as_str()),
            _ => false,
        };
        if is_served {
            // Switched to before the crash: it is what users get, so it is live.
            return self
                .mark_live(release.id, release.project_id, &release.environment)
                .await;
        }
        if let Some(name) = &release.container_name {
            release::discard(docker, name).await;
        }
        self.interrupt(release.id).await
    }

    pub(crate) async fn interrupt(&self, id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE deploy_releases SET status = 'interrupted', finished_at = ?,
                 error = 'The app stopped while this release was under way.' WHERE id = ?",
        )
        .bind(now_ms())
        .bind(id)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }
}
