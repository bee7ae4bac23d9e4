//! Typed events pushed to the UI.

use quantum_core::events::Change;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::{error::RecvError, Receiver};

use crate::state::AppState;
use crate::tray;

/// Something the user can see changed in the store; views refetch what they show.
#[derive(Clone, Debug, Serialize, Deserialize, Type, Event)]
pub struct DataChanged(pub Change);

/// Relays the core's committed changes to the UI and keeps the tray's summary current.
pub fn forward_changes<R: Runtime>(app: AppHandle<R>, mut changes: Receiver<Change>) {
    tauri::async_runtime::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) => {
                    if let Err(error) = DataChanged(change).emit(&app) {
                        tracing::warn!(%error, "a change could not be sent to the window");
                    }
                    tray::refresh(&app, &app.state::<AppState>().store).await;
                }
                // Fell behind a burst: the views refetch anyway on the next change.
                Err(RecvError::Lagged(skipped)) => tracing::debug!(skipped, "change feed lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}
