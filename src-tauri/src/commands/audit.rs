use quantum_kernel::audit::{self, AuditPage, AuditPageRequest};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn audit_page(
    state: State<'_, AppState>,
    request: AuditPageRequest,
) -> CommandResult<AuditPage> {
    Ok(audit::page(&state.store, &request).await?)
}
