//! The main window: shown from the tray, hidden to it on close when the user wants that.

use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

use crate::state::AppState;

pub const MAIN: &str = "main";

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        let close_to_tray = window
            .try_state::<AppState>()
            .is_some_and(|state| state.settings().close_to_tray);
        if close_to_tray && window.label() == MAIN {
            api.prevent_close();
            if let Err(error) = window.hide() {
                tracing::warn!(%error, "the window could not be hidden");
            }
        }
    }
}

/// Brings the main window back and to the front.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let shown = window
            .show()
            .and_then(|()| window.unminimize())
            .and_then(|()| window.set_focus());
        if let Err(error) = shown {
            tracing::warn!(%error, "the window could not be shown");
        }
    }
}
