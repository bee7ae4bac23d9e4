//! "Start at login": the OS's own autostart entry, through tauri-plugin-autostart (on Linux
//! `~/.config/autostart/<product name>.desktop`, on macOS a LaunchAgent, on Windows the Run key).
//! The entry starts the app hidden in the tray. The setting is the truth: toggling it writes or
//! removes the entry, and each start with the setting on writes it again, so that it follows the
//! app when it moves (an AppImage, an update).

use quantum_kernel::ErrorInfo;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::AutoLaunchManager;

use crate::instance::HIDDEN_ARG;

/// The plugin, set to start the app hidden.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new()
        .arg(HIDDEN_ARG)
        .build()
}

/// The OS's autostart entry, behind a trait so that the app state need not be generic.
pub trait LoginItem: Send + Sync {
    fn set(&self, enabled: bool) -> Result<(), ErrorInfo>;
}

impl<R: Runtime> LoginItem for AppHandle<R> {
    fn set(&self, enabled: bool) -> Result<(), ErrorInfo> {
        let failed = |error: String| ErrorInfo {
            code: "io.failed".to_owned(),
            message: format!(
                "Start at login could not be turned {}: {error}",
                if enabled { "on" } else { "off" }
            ),
            field: Some("startAtLogin".to_owned()),
        };
        let manager = self
            .try_state::<AutoLaunchManager>()
            .ok_or_else(|| failed("this build has no autostart support".to_owned()))?;
        let result = if enabled {
            manager.enable()
        } else {
            manager.disable()
        };
        result.map_err(|error| failed(error.to_string()))?;
        tracing::info!(enabled, "start at login changed");
        Ok(())
    }
}
