//! A project's health for a spreadsheet or a report: uptime per check per day, and its
//! incidents, as CSV here and as a PDF document in [`crate::report_pdf`].

use quantum_kernel::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::Row;

use crate::history::{incident_of, Incident, INCIDENT_COLUMNS};
use crate::{Error, Result};

/// Which table a report holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ReportKind {
    /// `day,check,runs,up,uptime_percent` for the last `days` days.
    Uptime,
    /// `check,started_at,ended_at,minutes,failing,last_response`, newest first.
    Incidents,
}

/// One check's runs on one day (UTC).
pub struct UptimeRow {
    pub day: String,
    pub check: String,
    pub runs: i64,
    pub up: i64,
}

impl UptimeRow {
    /// The share of passing runs, in percent; `None` without runs.
    pub fn percent(&self) -> Option<f64> {
        (self.runs > 0).then(|| self.up as f64 * 100.0 / self.runs as f64)
    }
}

/// An incident of the report's period with its length.
pub struct IncidentRow {
    pub incident: Incident,
    pub minutes: i64,
}

fn since(days: i64) -> String {
    format!("-{} days", days.max(1) - 1)
}

/// Runs and passes per check per day over the last `days` days, by day then check.
pub async fn uptime_rows(store: &Store, project_id: i64, days: i64) -> Result<Vec<UptimeRow>> {
    let rows = sqlx::query(
        "SELECT substr(at, 1, 10) AS day, check_name, COUNT(*) AS runs, SUM(ok) AS up
         FROM health_results
         WHERE project_id = ? AND at >= strftime('%Y-%m-%d', 'now', ?)
         GROUP BY day, check_name ORDER BY day, check_name",
    )
    .bind(project_id)
    .bind(since(days))
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| UptimeRow {
            day: row.get("day"),
            check: row.get("check_name"),
            runs: row.get("runs"),
            up: row.get("up"),
        })
        .collect())
}

/// The incidents that started in the last `days` days, newest first, with their minutes (to now
/// for one still open).
pub async fn incident_rows(store: &Store, project_id: i64, days: i64) -> Result<Vec<IncidentRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {INCIDENT_COLUMNS},
                CAST(ROUND((julianday(COALESCE(ended_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
                            - julianday(started_at)) * 1440) AS INTEGER) AS minutes
         FROM health_incidents
         WHERE project_id = ? AND started_at >= strftime('%Y-%m-%d', 'now', ?)
         ORDER BY started_at DESC"
    ))
    .bind(project_id)
    .bind(since(days))
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| IncidentRow {
            incident: incident_of(row),
            minutes: row.get("minutes"),
        })
        .collect())
}

/// The report as CSV text (RFC 4180, a header line first).
pub async fn csv(store: &Store, project_id: i64, kind: ReportKind, days: i64) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    match kind {
        ReportKind::Uptime => {
            out.write_record(["day", "check", "runs", "up", "uptime_percent"])
                .map_err(written)?;
            for row in uptime_rows(store, project_id, days).await? {
                let percent = row.percent().map(|p| format!("{p:.2}")).unwrap_or_default();
                out.write_record([
                    row.day,
                    row.check,
                    row.runs.to_string(),
                    row.up.to_string(),
                    percent,
                ])
                .map_err(written)?;
            }
        }
        ReportKind::Incidents => {
            out.write_record([
                "check",
                "started_at",
                "ended_at",
                "minutes",
                "failing",
                "last_response",
            ])
            .map_err(written)?;
            for IncidentRow { incident, minutes } in incident_rows(store, project_id, days).await? {
                out.write_record([
                    incident.check,
                    incident.started_at,
                    incident.ended_at.unwrap_or_default(),
                    minutes.to_string(),
                    incident.failing,
                    incident.last_response.unwrap_or_default(),
                ])
                .map_err(written)?;
            }
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|error| written(error.into_error()))?;
    String::from_utf8(bytes).map_err(|error| Error::Report(error.to_string()))
}

fn written(error: impl std::fmt::Display) -> Error {
    Error::Report(error.to_string())
}
