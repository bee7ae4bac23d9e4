//! A project's health as CSV for a spreadsheet or a report: uptime per check per day, and its
//! incidents.

use quantum_kernel::Store;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::Row;

use crate::history::{incident_of, INCIDENT_COLUMNS};
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

/// The report as CSV text (RFC 4180, a header line first).
pub async fn csv(store: &Store, project_id: i64, kind: ReportKind, days: i64) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let since = format!("-{} days", days.max(1) - 1);
    match kind {
        ReportKind::Uptime => {
            out.write_record(["day", "check", "runs", "up", "uptime_percent"])
                .map_err(written)?;
            let rows = sqlx::query(
                "SELECT substr(at, 1, 10) AS day, check_name, COUNT(*) AS runs, SUM(ok) AS up
                 FROM health_results
                 WHERE project_id = ? AND at >= strftime('%Y-%m-%d', 'now', ?)
                 GROUP BY day, check_name ORDER BY day, check_name",
            )
            .bind(project_id)
            .bind(&since)
            .fetch_all(store.pool())
            .await?;
            for row in rows {
                let (runs, up): (i64, i64) = (row.get("runs"), row.get("up"));
                let percent = if runs > 0 {
                    format!("{:.2}", up as f64 * 100.0 / runs as f64)
                } else {
                    String::new()
                };
                out.write_record([
                    row.get::<String, _>("day"),
                    row.get("check_name"),
                    runs.to_string(),
                    up.to_string(),
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
            let rows = sqlx::query(&format!(
                "SELECT {INCIDENT_COLUMNS},
                        CAST(ROUND((julianday(COALESCE(ended_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
                                    - julianday(started_at)) * 1440) AS INTEGER) AS minutes
                 FROM health_incidents
                 WHERE project_id = ? AND started_at >= strftime('%Y-%m-%d', 'now', ?)
                 ORDER BY started_at DESC"
            ))
            .bind(project_id)
            .bind(&since)
            .fetch_all(store.pool())
            .await?;
            for row in rows {
                let incident = incident_of(&row);
                out.write_record([
                    incident.check,
                    incident.started_at,
                    incident.ended_at.unwrap_or_default(),
                    row.get::<i64, _>("minutes").to_string(),
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
