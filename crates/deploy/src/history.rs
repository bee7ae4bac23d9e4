//! Releases as kept in SQLite and shown in the history.

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::{Error, Result};

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
}

pub(crate) const COLUMNS: &str = "id, project_id, environment, kind, rollback_of, version, \
    git_commit, image, image_id, container_name, status, error, actor, settings, started_at, \
    finished_at";

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
