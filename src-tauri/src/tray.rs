//! The tray icon: a summary in its tooltip and a menu to open or quit the app.

use quantum_core::{projects, Store};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;
use crate::window;

const TRAY_ID: &str = "main";

/// The tray menu's items. The menu is native, so tests drive [`handle_menu`] with these ids.
pub const MENU_OPEN: &str = "open";
pub const MENU_QUIT: &str = "quit";

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let menu = Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, MENU_OPEN, "Open Quantum Admin", true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, MENU_QUIT, "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| handle_menu(app, event.id().as_ref()))
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                window::show_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        refresh(&app, &app.state::<AppState>().store).await;
    });
    Ok(())
}

/// What a tray menu item does, by its id.
pub fn handle_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        MENU_OPEN => window::show_main(app),
        MENU_QUIT => app.exit(0),
        other => tracing::warn!(id = other, "unknown tray menu item"),
    }
}

/// The tooltip for a number of projects.
pub fn tooltip(project_count: i64) -> String {
    match project_count {
        0 => "Quantum Admin — no projects yet".to_owned(),
        1 => "Quantum Admin — 1 project".to_owned(),
        n => format!("Quantum Admin — {n} projects"),
    }
}

/// Brings the tray's tooltip up to date with the store.
pub async fn refresh<R: Runtime>(app: &AppHandle<R>, store: &Store) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    match projects::count(store).await {
        Ok(count) => {
            if let Err(error) = tray.set_tooltip(Some(tooltip(count))) {
                tracing::warn!(%error, "the tray tooltip could not be set");
            }
        }
        Err(error) => tracing::warn!(%error, "projects could not be counted for the tray"),
    }
}

#[cfg(test)]
mod tests {
    use super::tooltip;

    #[test]
    fn the_tooltip_counts_projects_in_words() {
        assert_eq!(tooltip(0), "Quantum Admin — no projects yet");
        assert_eq!(tooltip(1), "Quantum Admin — 1 project");
        assert_eq!(tooltip(12), "Quantum Admin — 12 projects");
    }
}
