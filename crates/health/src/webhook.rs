//! An incident posted to a project's webhook: one JSON body that Slack (`text`), Discord
//! (`content`) and a receiver of one's own (the fields) all read.

use std::time::Duration;

use serde_json::json;

use crate::history::Incident;

/// A receiver gets this long to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The body for an incident of `project`'s (opened while `ended_at` is none, else closed).
pub fn payload(project: &str, incident: &Incident) -> serde_json::Value {
    let (state, text) = match &incident.ended_at {
        None => (
            "opened",
            format!(
                "🔴 {project}: check “{}” is failing — {}",
                incident.check, incident.failing
            ),
        ),
        Some(_) => (
            "closed",
            format!("🟢 {project}: check “{}” passes again", incident.check),
        ),
    };
    json!({
        "text": text,
        "content": text,
        "project": project,
        "check": incident.check,
        "state": state,
        "failing": incident.failing,
        "startedAt": incident.started_at,
        "endedAt": incident.ended_at,
        "lastResponse": incident.last_response,
    })
}

/// Posts `body` to `url`; the receiver's refusal or silence as an error to log or show.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> Result<(), String> {
    let response = client
        .post(url)
        .timeout(TIMEOUT)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|error| format!("The webhook could not be reached: {error}"))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "The webhook answered HTTP {}",
            response.status().as_u16()
        ))
    }
}
