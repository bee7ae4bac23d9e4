//! The main window: created at start where the user left it (size, position, maximized; saved in
//! the data dir), shown from the tray, hidden to it on close when the user wants that.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::plugin::TauriPlugin;
use tauri::{App, AppHandle, Manager, Runtime, WebviewWindowBuilder, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags, WindowExt};

use crate::state::AppState;

pub const MAIN: &str = "main";

/// The window's geometry file, in the data dir so that every data dir (tests, dev) has its own.
pub const STATE_FILE: &str = "window-state.json";

/// How long the geometry must rest before it is written: a drag is saved once, at its end.
const SAVE_DELAY: Duration = Duration::from_millis(400);

/// What is remembered: not visibility (the tray and `--hidden` decide that) nor decorations.
fn remembered() -> StateFlags {
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// tauri-plugin-window-state, keeping its file in `data_dir`. It restores nothing by itself:
/// [`create_main`] restores before showing, so the window never jumps.
pub fn state_plugin<R: Runtime>(data_dir: &Path) -> TauriPlugin<R> {
    let builder = tauri_plugin_window_state::Builder::new()
        .with_state_flags(remembered())
        .skip_initial_state(MAIN);
    // The plugin joins the name to the config dir: an absolute path replaces that dir.
    match data_dir.join(STATE_FILE).into_os_string().into_string() {
        Ok(path) => builder.with_filename(path),
        Err(path) => {
            tracing::warn!(
                ?path,
                "the window state is kept in the config dir: the data dir is not UTF-8"
            );
            builder
        }
    }
    .build()
}

/// Geometry changes not yet written; only the last one of a burst writes.
#[derive(Default)]
struct PendingSave(AtomicU64);

/// Creates the main window from the config where it was left, shown unless `hidden`.
pub fn create_main<R: Runtime>(app: &App<R>, hidden: bool) -> tauri::Result<()> {
    app.manage(PendingSave::default());
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == MAIN)
        .cloned()
        .ok_or(tauri::Error::WindowNotFound)?;
    let window = WebviewWindowBuilder::from_config(app.handle(), &config)?
        .visible(false)
        .build()?;
    if let Err(error) = window.restore_state(remembered()) {
        tracing::warn!(%error, "the window's last size and position could not be restored");
    }
    if !hidden {
        window.show()?;
    }
    Ok(())
}

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    match event {
        WindowEvent::CloseRequested { api, .. } => {
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
        WindowEvent::Resized(_) | WindowEvent::Moved(_) if window.label() == MAIN => {
            save_state_soon(window.app_handle());
        }
        _ => {}
    }
}

/// Writes the window's geometry once it has rested, so that it survives a crash or a logout that
/// ends the app without an exit event (the plugin writes only at exit).
fn save_state_soon<R: Runtime>(app: &AppHandle<R>) {
    // Without `create_main` (the IPC tests' windows) there is no plugin to save through.
    let Some(pending) = app.try_state::<PendingSave>() else {
        return;
    };
    let ticket = pending.0.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SAVE_DELAY).await;
        if app.state::<PendingSave>().0.load(Ordering::SeqCst) != ticket {
            return;
        }
        if let Err(error) = app.save_window_state(remembered()) {
            tracing::warn!(%error, "the window's size and position could not be saved");
        }
    });
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

/// Whether the main window is on screen (not hidden to the tray).
pub fn is_shown<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN)
        .is_some_and(|window| window.is_visible().unwrap_or(true))
}

/// Whether the user is looking at the main window (shown and focused).
pub fn in_front<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN).is_some_and(|window| {
        window.is_visible().unwrap_or(false) && window.is_focused().unwrap_or(false)
    })
}
