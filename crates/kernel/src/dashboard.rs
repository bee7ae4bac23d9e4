//! The figures the dashboard opens with.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{self, AuditEntry, AuditPageRequest};
use crate::error::Result;
use crate::projects;
use crate::store::Store;

const RECENT_ACTIVITY: u32 = 8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DashboardSummary {
    pub project_count: i64,
    pub changes_last_day: i64,
    pub recent_activity: Vec<AuditEntry>,
}

pub async fn summary(store: &Store) -> Result<DashboardSummary> {
    let recent = audit::page(
        store,
        &AuditPageRequest {
            limit: RECENT_ACTIVITY,
            ..Default::default()
        },
    )
    .await?;
    Ok(DashboardSummary {
        project_count: projects::count(store).await?,
        changes_last_day: audit::count_last_day(store).await?,
        recent_activity: recent.entries,
    })
}
