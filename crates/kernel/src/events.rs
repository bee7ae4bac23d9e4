//! Domain events: what changed, never how a view should refresh. The UI decides what to refetch.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{AuditAction, ResourceType};

/// One committed mutation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub action: AuditAction,
    pub resource_type: ResourceType,
    pub resource_id: i64,
}
