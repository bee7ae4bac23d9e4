//! Persists the user's settings with tauri-plugin-store, in the data dir.

use std::path::{Path, PathBuf};

use quantum_kernel::settings::Settings;
use quantum_kernel::ErrorInfo;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const FILE: &str = "settings.json";
const KEY: &str = "settings";

/// The settings file, behind a trait so that commands need not be generic over the runtime.
pub trait SettingsFile: Send + Sync {
    /// The saved settings, or the defaults when there are none or they cannot be read.
    fn load(&self) -> Settings;
    fn save(&self, settings: &Settings) -> Result<(), ErrorInfo>;
}

pub struct PluginStoreFile<R: Runtime> {
    app: AppHandle<R>,
    path: PathBuf,
}

impl<R: Runtime> PluginStoreFile<R> {
    pub fn new(app: &AppHandle<R>, data_dir: &Path) -> Self {
        Self {
            app: app.clone(),
            path: data_dir.join(FILE),
        }
    }
}

impl<R: Runtime> SettingsFile for PluginStoreFile<R> {
    /// An unreadable file is moved aside (not deleted) so that saving works again.
    fn load(&self) -> Settings {
        let saved = self
            .app
            .store(&self.path)
            .map_err(|e| e.to_string())
            .and_then(|store| {
                // The plugin ignores a file it cannot parse; reloading surfaces that error.
                if self.path.exists() {
                    store.reload().map_err(|e| e.to_string())?;
                }
                match store.get(KEY) {
                    Some(value) => Settings::from_saved(value).map_err(|e| e.to_string()),
                    None => Ok(Settings::default()),
                }
            });
        saved.unwrap_or_else(|error| {
            // Logging is not set up yet: it depends on these settings.
            eprintln!("settings could not be read, using the defaults: {error}");
            let aside = self.path.with_extension("json.unreadable");
            if self.path.exists() && std::fs::rename(&self.path, &aside).is_ok() {
                eprintln!("the unreadable settings were kept in {}", aside.display());
            }
            Settings::default()
        })
    }

    fn save(&self, settings: &Settings) -> Result<(), ErrorInfo> {
        let unavailable = |error: String| {
            ErrorInfo::new(
                "settings.unavailable",
                format!(
                    "The settings could not be saved to {}: {error}",
                    self.path.display()
                ),
            )
        };
        let store = self
            .app
            .store(&self.path)
            .map_err(|e| unavailable(e.to_string()))?;
        let value = serde_json::to_value(settings).map_err(|e| unavailable(e.to_string()))?;
        store.set(KEY, value);
        store.save().map_err(|e| unavailable(e.to_string()))
    }
}
