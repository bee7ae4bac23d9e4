//! Releases as kept in SQLite and shown in the history.

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use serde_json::json;

use quantum_docker::Docker;

use crate::{now_ms, release, DeployEvent, Deploys, EnvironmentSpec, Error, Log, Result};

/// The most log kept per release; its end is kept, where failures are told.
const MAX_LOG_BYTES: usize = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseKind {
    Deploy,
    Rollback,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseStatus {
    /// Its image is being built.
    Building,
    /// Its container started; waiting for its health check.
    Starting,
    /// Serving the environment's traffic.
    Live,
    /// Replaced by a later release; its image and stopped container are kept for a rollback.
    Replaced,
    /// Replaced and pruned beyond the releases kept: no rollback to it.
    Removed,
    Failed,
    /// The app stopped while it was under way.
    Interrupted,
}

impl ReleaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Building => "building",
            Self::Starting => "starting",
            Self::Live => "live",
            Self::Replaced => "replaced",
            Self::Removed => "removed",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    fn parse(text: &str) -> Self {
        [
            Self::Building,
            Self::Starting,
            Self::Live,
            Self::Replaced,
            Self::Removed,
            Self::Failed,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
        .unwrap_or(Self::Interrupted)
    }

    /// Whether a rollback can pick it: its image is kept.
    pub fn kept(self) -> bool {
        matches!(self, Self::Live | Self::Replaced)
    }
}

/// One deploy or rollback of an environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub id: i64,
    pub project_id: i64,
    pub environment: String,
    pub kind: ReleaseKind,
    pub rollback_of: Option<i64>,
    pub version: String,
    pub git_commit: Option<String>,
    pub image: String,
    pub image_id: Option<String>,
    pub container_name: Option<String>,
    pub status: ReleaseStatus,
    pub error: Option<String>,
    pub actor: String,
    /// The settings and variable names it ran with, for the diff between two releases.
    pub settings: serde_json::Value,
    /// Unix milliseconds.
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// What it did to the project's data: migrations run, snapshots restored.
    pub data: crate::ReleaseData,
}

pub(crate) const COLUMNS: &str = "id, project_id, environment, kind, rollback_of, version, \
    git_commit, image, image_id, container_name, status, error, actor, settings, started_at, \
    finished_at, (SELECT data FROM deploy_release_data WHERE release_id = deploy_releases.id) AS data";

impl Release {
    /// The Docker Engine it ran on, from the settings it was recorded with.
    pub fn target(&self) -> crate::DockerTarget {
        self.settings
            .get("target")
            .and_then(|target| serde_json::from_value(target.clone()).ok())
            .unwrap_or_default()
    }

    /// Where it runs and where the environment deploys now, when the environment's target was
    /// changed since: another Docker Engine, cluster or namespace.
    pub fn moved(&self, spec: &EnvironmentSpec) -> Option<(String, String)> {
        let cluster = self.kubernetes();
        let docker = self.target();
        let same = cluster.as_ref().map(crate::KubernetesTarget::place)
            == spec.kubernetes.as_ref().map(crate::KubernetesTarget::place)
            && docker == spec.target;
        let label = |cluster: Option<&crate::KubernetesTarget>, docker: &crate::DockerTarget| {
            cluster.map_or_else(|| docker.label(), crate::KubernetesTarget::label)
        };
        (!same).then(|| {
            (
                label(cluster.as_ref(), &docker),
                label(spec.kubernetes.as_ref(), &spec.target),
            )
        })
    }
}

pub(crate) fn from_row(row: &SqliteRow) -> Release {
    Release {
        id: row.get("id"),
        project_id: row.get("project_id"),
        environment: row.get("environment"),
        kind: if row.get::<String, _>("kind") == "rollback" {
            ReleaseKind::Rollback
        } else {
            ReleaseKind::Deploy
        },
        rollback_of: row.get("rollback_of"),
        version: row.get("version"),
        git_commit: row.get("git_commit"),
        image: row.get("image"),
        image_id: row.get("image_id"),
        container_name: row.get("container_name"),
        status: ReleaseStatus::parse(&row.get::<String, _>("status")),
        error: row.get("error"),
        actor: row.get("actor"),
        settings: serde_json::from_str(&row.get::<String, _>("settings")).unwrap_or_default(),
        started_at: row.get("started_at"),
        finished_at: row.get("finished_at"),
        data: row
            .get::<Option<String>, _>("data")
            .and_then(|data| serde_json::from_str(&data).ok())
            .unwrap_or_default(),
    }
}

pub(crate) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Release> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM deploy_releases WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(|row| from_row(&row))
    .ok_or(Error::NotFound(id))
}

/// Keeps the end of a log that grew past the limit, cut at a line.
pub(crate) fn bounded(log: &str) -> &str {
    if log.len() <= MAX_LOG_BYTES {
        return log;
    }
    let mut start = log.len() - MAX_LOG_BYTES;
    while !log.is_char_boundary(start) {
        start += 1;
    }
    match log[start..].find('\n') {
        Some(newline) => &log[start + newline + 1..],
        None => &log[start..],
    }
}

/// The rows: read, written as a release goes, and its end recorded with its audit entry.
impl Deploys {
    /// An environment's releases (or all the project's), newest first.
    pub async fn history(
        &self,
        project_id: i64,
        environment: Option<&str>,
    ) -> Result<Vec<Release>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM deploy_releases
             WHERE project_id = ? AND (? IS NULL OR environment = ?) ORDER BY id DESC"
        ))
        .bind(project_id)
        .bind(environment)
        .bind(environment)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(from_row).collect())
    }

    /// Every project's live releases, one per environment.
    pub async fn live_releases(&self) -> Result<Vec<Release>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM deploy_releases WHERE status = 'live' ORDER BY project_id, environment"
        ))
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(from_row).collect())
    }

    /// A release's build and release log.
    pub async fn log(&self, release_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT log FROM deploy_releases WHERE id = ?")
            .bind(release_id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(Error::NotFound(release_id))
    }

    pub(crate) async fn live(&self, project_id: i64, environment: &str) -> Result<Option<Release>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM deploy_releases
             WHERE project_id = ? AND environment = ? AND status = 'live' ORDER BY id DESC LIMIT 1"
        ))
        .bind(project_id)
        .bind(environment)
        .fetch_optional(self.store.pool())
        .await?;
        Ok(row.as_ref().map(from_row))
    }

    /// This release live and the one it replaced `replaced`, together.
    pub(crate) async fn mark_live(
        &self,
        id: i64,
        project_id: i64,
        environment: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "UPDATE deploy_releases SET status = 'replaced'
             WHERE project_id = ? AND environment = ? AND status = 'live' AND id <> ?",
        )
        .bind(project_id)
        .bind(environment)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE deploy_releases SET status = 'live' WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn insert(
        &self,
        project_id: i64,
        spec: &EnvironmentSpec,
        kind: &str,
        of: Option<&Release>,
        actor: &str,
    ) -> Result<i64> {
        // The settings, and each variable by name with its value's fingerprint (none when the
        // keychain could not give one): what the diff of two releases compares.
        let mut settings = serde_json::to_value(spec).unwrap_or_default();
        let variables: serde_json::Map<String, serde_json::Value> = spec
            .variables
            .iter()
            .map(|(name, _)| (name.clone(), json!(spec.fingerprints.get(name))))
            .collect();
        settings["variables"] = serde_json::Value::Object(variables);
        let id = sqlx::query_scalar(
            "INSERT INTO deploy_releases
                 (project_id, environment, kind, rollback_of, version, git_commit, image, image_id,
                  status, actor, settings, started_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(project_id)
        .bind(&spec.name)
        .bind(kind)
        .bind(of.map(|release| release.id))
        .bind(
            of.map(|release| release.version.clone())
                .unwrap_or_default(),
        )
        .bind(of.and_then(|release| release.git_commit.clone()))
        .bind(of.map(|release| release.image.clone()).unwrap_or_default())
        .bind(of.and_then(|release| release.image_id.clone()))
        .bind(if of.is_some() { "starting" } else { "building" })
        .bind(actor)
        .bind(settings.to_string())
        .bind(now_ms())
        .fetch_one(self.store.pool())
        .await?;
        Ok(id)
    }

    /// One release.
    pub async fn release(&self, id: i64) -> Result<Release> {
        self.fetch(id).await
    }

    pub(crate) async fn fetch(&self, id: i64) -> Result<Release> {
        let mut conn = self.store.pool().acquire().await?;
        fetch(&mut conn, id).await
    }

    /// Records how a deploy or rollback ended, with its log, and audits it.
    pub(crate) async fn finish(
        &self,
        id: i64,
        project_name: &str,
        outcome: Result<()>,
        log: &Log<'_>,
    ) -> Result<Release> {
        let error = outcome.as_ref().err().map(ToString::to_string);
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "UPDATE deploy_releases SET finished_at = ?, log = ?, error = ?,
                 status = CASE WHEN ? IS NULL THEN status ELSE 'failed' END
             WHERE id = ?",
        )
        .bind(now_ms())
        .bind(bounded(&log.text))
        .bind(&error)
        .bind(&error)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let release = fetch(&mut tx, id).await?;
        let action = match release.kind {
            ReleaseKind::Deploy => AuditAction::DeployRelease,
            ReleaseKind::Rollback => AuditAction::DeployRollback,
        };
        audit::record(
            &mut tx,
            NewAuditEntry {
                action,
                resource_type: ResourceType::Release,
                resource_id: id,
                resource_name: &format!(
                    "{project_name} {} {}",
                    release.environment, release.version
                ),
                project_id: Some(release.project_id),
                details: json!({
                    "environment": release.environment,
                    "version": release.version,
                    "commit": release.git_commit,
                    "rollbackOf": release.rollback_of,
                    "outcome": if error.is_some() { "failed" } else { "live" },
                    "error": error,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.store.announce(Change {
            action,
            resource_type: ResourceType::Release,
            resource_id: id,
        });
        (log.on_event)(DeployEvent::Finished {
            release: release.clone(),
        });
        match outcome {
            Ok(()) => Ok(release),
            Err(error) => Err(error),
        }
    }
}

/// Releases beyond the ones kept go, with their images.
impl Deploys {
    /// Replaced releases beyond the ones kept, oldest last.
    pub(crate) async fn beyond_kept(
        &self,
        project_id: i64,
        spec: &EnvironmentSpec,
    ) -> Result<Vec<Release>> {
        let kept: Vec<Release> = self
            .history(project_id, Some(&spec.name))
            .await?
            .into_iter()
            .filter(|release| release.status.kept())
            .collect();
        let keep = usize::try_from(spec.keep.max(1)).unwrap_or(usize::MAX);
        Ok(kept.into_iter().skip(keep).collect())
    }

    pub(crate) async fn mark_removed(&self, release: &Release, log: &mut Log<'_>) -> Result<()> {
        sqlx::query("UPDATE deploy_releases SET status = 'removed' WHERE id = ?")
            .bind(release.id)
            .execute(self.store.pool())
            .await?;
        log.line(&format!(
            "Removed release {} ({}): beyond the releases kept",
            release.id, release.version
        ));
        Ok(())
    }

    /// Removes the containers and images of replaced releases beyond the ones kept.
    pub(crate) async fn prune(
        &self,
        docker: &Docker,
        project_id: i64,
        spec: &EnvironmentSpec,
        log: &mut Log<'_>,
    ) -> Result<()> {
        let going = self.beyond_kept(project_id, spec).await?;
        let staying: Vec<Release> = self
            .history(project_id, Some(&spec.name))
            .await?
            .into_iter()
            .filter(|release| {
                release.status.kept() && !going.iter().any(|gone| gone.id == release.id)
            })
            .collect();
        for release in &going {
            if let Some(container) = &release.container_name {
                release::discard(docker, container).await;
            }
            let shared = staying.iter().any(|kept| kept.image_id == release.image_id);
            if let (Some(image_id), false) = (&release.image_id, shared) {
                release::remove_image(docker, image_id).await;
            }
            self.mark_removed(release, log).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_log_keeps_its_end_from_a_line_start() {
        let log = format!("{}\nlast line\n", "x".repeat(MAX_LOG_BYTES + 10));
        assert_eq!(bounded(&log), "last line\n");
        assert_eq!(bounded("short\n"), "short\n");
    }
}
