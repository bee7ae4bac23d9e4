//! What the checks left in SQLite: results (for the response-time history and uptime per day),
//! incidents and pauses.

use quantum_kernel::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::Row;

use crate::error::Result;

/// Results older than this are deleted as new ones come.
const KEPT_DAYS: i64 = 30;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub at: String,
    pub ok: bool,
    pub response_ms: Option<i64>,
    /// The error or the first condition that failed.
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    pub id: i64,
    pub project_id: i64,
    pub check: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// The condition (or error) that failed.
    pub failing: String,
    pub last_response: Option<String>,
}

/// One day's share of passing results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DayUptime {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub up: u32,
    pub total: u32,
}

pub async fn record(
    store: &Store,
    project_id: i64,
    check: &str,
    result: &CheckResult,
) -> Result<()> {
    sqlx::query("INSERT INTO health_results (project_id, check_name, ok, response_ms, message) VALUES (?, ?, ?, ?, ?)")
        .bind(project_id)
        .bind(check)
        .bind(result.ok)
        .bind(result.response_ms)
        .bind(&result.message)
        .execute(store.pool())
        .await?;
    sqlx::query("DELETE FROM health_results WHERE project_id = ? AND check_name = ? AND at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)")
        .bind(project_id)
        .bind(check)
        .bind(format!("-{KEPT_DAYS} days"))
        .execute(store.pool())
        .await?;
    Ok(())
}

/// The newest results of a check, newest last.
pub async fn recent(
    store: &Store,
    project_id: i64,
    check: &str,
    limit: i64,
) -> Result<Vec<CheckResult>> {
    let rows = sqlx::query(
        "SELECT at, ok, response_ms, message FROM (
             SELECT id, at, ok, response_ms, message FROM health_results
             WHERE project_id = ? AND check_name = ? ORDER BY id DESC LIMIT ?
         ) ORDER BY id",
    )
    .bind(project_id)
    .bind(check)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| CheckResult {
            at: row.get("at"),
            ok: row.get("ok"),
            response_ms: row.get("response_ms"),
            message: row.get("message"),
        })
        .collect())
}

/// Passing results per day over the last `days` days, oldest first (days without results left out).
pub async fn uptime(
    store: &Store,
    project_id: i64,
    check: &str,
    days: i64,
) -> Result<Vec<DayUptime>> {
    let rows = sqlx::query(
        "SELECT substr(at, 1, 10) AS day, SUM(ok) AS up, COUNT(*) AS total FROM health_results
         WHERE project_id = ? AND check_name = ? AND at >= strftime('%Y-%m-%d', 'now', ?)
         GROUP BY day ORDER BY day",
    )
    .bind(project_id)
    .bind(check)
    .bind(format!("-{} days", days - 1))
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| DayUptime {
            day: row.get("day"),
            up: u32::try_from(row.get::<i64, _>("up")).unwrap_or(0),
            total: u32::try_from(row.get::<i64, _>("total")).unwrap_or(0),
        })
        .collect())
}

pub(crate) fn incident_of(row: &sqlx::sqlite::SqliteRow) -> Incident {
    Incident {
        id: row.get("id"),
        project_id: row.get("project_id"),
        check: row.get("check_name"),
        started_at: row.get("started_at"),
        ended_at: row.get("ended_at"),
        failing: row.get("failing"),
        last_response: row.get("last_response"),
    }
}

pub(crate) const INCIDENT_COLUMNS: &str =
    "id, project_id, check_name, started_at, ended_at, failing, last_response";

pub async fn open_incident(
    store: &Store,
    project_id: i64,
    check: &str,
) -> Result<Option<Incident>> {
    let row = sqlx::query(&format!(
        "SELECT {INCIDENT_COLUMNS} FROM health_incidents WHERE project_id = ? AND check_name = ? AND ended_at IS NULL"
    ))
    .bind(project_id)
    .bind(check)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.as_ref().map(incident_of))
}

pub async fn open(
    store: &Store,
    project_id: i64,
    check: &str,
    failing: &str,
    last_response: Option<&str>,
) -> Result<Incident> {
    let row = sqlx::query(&format!(
        "INSERT INTO health_incidents (project_id, check_name, failing, last_response) VALUES (?, ?, ?, ?) RETURNING {INCIDENT_COLUMNS}"
    ))
    .bind(project_id)
    .bind(check)
    .bind(failing)
    .bind(last_response)
    .fetch_one(store.pool())
    .await?;
    Ok(incident_of(&row))
}

pub async fn close(store: &Store, id: i64) -> Result<Incident> {
    let row = sqlx::query(&format!(
        "UPDATE health_incidents SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? RETURNING {INCIDENT_COLUMNS}"
    ))
    .bind(id)
    .fetch_one(store.pool())
    .await?;
    Ok(incident_of(&row))
}

/// Incidents open now, across projects (the tray's error state).
pub async fn open_count(store: &Store) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM health_incidents WHERE ended_at IS NULL")
            .fetch_one(store.pool())
            .await?,
    )
}

/// Incidents open now in every project, the newest first (the dashboard's card).
pub async fn open_incidents(store: &Store) -> Result<Vec<Incident>> {
    let rows = sqlx::query(&format!(
        "SELECT {INCIDENT_COLUMNS} FROM health_incidents WHERE ended_at IS NULL ORDER BY id DESC"
    ))
    .fetch_all(store.pool())
    .await?;
    Ok(rows.iter().map(incident_of).collect())
}

/// A project's incidents, open ones first, then the newest.
pub async fn incidents(store: &Store, project_id: i64, limit: i64) -> Result<Vec<Incident>> {
    let rows = sqlx::query(&format!(
        "SELECT {INCIDENT_COLUMNS} FROM health_incidents WHERE project_id = ?
         ORDER BY ended_at IS NOT NULL, id DESC LIMIT ?"
    ))
    .bind(project_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.iter().map(incident_of).collect())
}

/// Until when the check (or all of the project's, `""`) is paused, if it is now.
pub async fn paused_until(store: &Store, project_id: i64, check: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(until) FROM health_pauses WHERE project_id = ? AND check_name IN (?, '')
         AND until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(project_id)
    .bind(check)
    .fetch_one(store.pool())
    .await?)
}

pub async fn pause(store: &Store, project_id: i64, check: &str, minutes: u32) -> Result<()> {
    sqlx::query(
        "INSERT INTO health_pauses (project_id, check_name, until)
         VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))
         ON CONFLICT (project_id, check_name) DO UPDATE SET until = excluded.until",
    )
    .bind(project_id)
    .bind(check)
    .bind(format!("+{minutes} minutes"))
    .execute(store.pool())
    .await?;
    Ok(())
}

pub async fn resume(store: &Store, project_id: i64, check: &str) -> Result<()> {
    sqlx::query("DELETE FROM health_pauses WHERE project_id = ? AND check_name = ?")
        .bind(project_id)
        .bind(check)
        .execute(store.pool())
        .await?;
    Ok(())
}
