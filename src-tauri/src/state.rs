//! What every command can reach: the core's store, the settings and where files live.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use quantum_ci::{Ci, Emit, Intervals};
use quantum_connections::Connections;
use quantum_console::Console;
use quantum_core::Core;
use quantum_kernel::settings::Settings;
use quantum_kernel::ErrorInfo;
use tauri::{AppHandle, Runtime};

use crate::commands::streams::Streams;
use crate::dialogs::Dialogs;
use crate::logging::Logging;
use crate::login::LoginItem;
use crate::paths::Paths;
use crate::settings::{PluginStoreFile, SettingsFile};

/// Whether the Docker daemon answers, as last seen by the event watcher.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DockerStatus {
    /// `None` until the first connection attempt ends.
    pub available: Option<bool>,
    pub message: Option<String>,
    /// Which Docker Engine, and what chose it (`DOCKER_HOST`, a context, the default).
    pub endpoint: Option<String>,
}

/// The system clipboard, behind a trait so that commands need not be generic over the runtime.
pub trait Clipboard: Send + Sync {
    fn write(&self, text: String) -> Result<(), ErrorInfo>;
}

impl<R: Runtime> Clipboard for AppHandle<R> {
    fn write(&self, text: String) -> Result<(), ErrorInfo> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.clipboard().write_text(text).map_err(|error| {
            ErrorInfo::new(
                "io.failed",
                format!("The clipboard could not be written: {error}"),
            )
        })
    }
}

/// The core's services (reached through `Deref`: `state.datasources`), and what only the app has.
pub struct AppState {
    pub core: Core,
    pub connections: Arc<Connections>,
    pub console: Arc<Console>,
    pub ci: Arc<Ci>,
    /// Where CI watchers send their news (set once the app handle exists).
    pub ci_emit: OnceLock<Emit>,
    /// The last CI run of a watched branch that finished, as the tray lists it.
    pub ci_last: Mutex<Option<String>>,
    pub docker: Mutex<DockerStatus>,
    pub streams: Streams,
    pub clipboard: Box<dyn Clipboard>,
    /// The native file dialogs and the files chosen in them for writing.
    pub dialogs: Dialogs,
    login_item: Box<dyn LoginItem>,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    logging: Logging,
    settings_file: Box<dyn SettingsFile>,
    settings: Mutex<Settings>,
}

impl Deref for AppState {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl AppState {
    pub fn initialise<R: Runtime>(app: &AppHandle<R>) -> Result<Self, Box<dyn std::error::Error>> {
        let paths = Paths::resolve(app)?;
        let settings_file = PluginStoreFile::new(app, &paths.data_dir);
        let settings = settings_file.load();
        let logging = Logging::init(&paths.log_dir, settings.log_level)?;
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            data_dir = %paths.data_dir.display(),
            "starting"
        );
        let core = tauri::async_runtime::block_on(Core::open(&paths.data_dir, &settings))?;
        let connections = Connections::new(core.store.clone(), Arc::clone(&core.secrets));
        let ci = Ci::new(
            core.store.clone(),
            Arc::clone(&core.secrets),
            Intervals::default(),
        );
        let console = Console::new(core.store.clone());
        Ok(Self {
            core,
            connections,
            console,
            ci,
            ci_emit: OnceLock::new(),
            ci_last: Mutex::new(None),
            docker: Mutex::new(DockerStatus::default()),
            streams: Streams::default(),
            clipboard: Box::new(app.clone()),
            dialogs: Dialogs::new(Arc::new(app.clone())),
            login_item: Box::new(app.clone()),
            data_dir: paths.data_dir,
            log_dir: paths.log_dir,
            logging,
            settings_file: Box::new(settings_file),
            settings: Mutex::new(settings),
        })
    }

    /// At start: rewrites the login entry when the setting is on, so that it names this binary.
    pub fn refresh_login_item(&self) {
        if self.settings().start_at_login {
            if let Err(error) = self.login_item.set(true) {
                tracing::warn!(message = %error.message, "the login entry could not be refreshed");
            }
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Saves the settings, then applies what the shell owns (the log level, the login entry; the
    /// theme is the UI's). The login entry changes first: a setting that could not take effect is
    /// not saved.
    pub fn update_settings(&self, settings: Settings) -> Result<Settings, ErrorInfo> {
        let settings = settings.validated()?;
        let login_changed = settings.start_at_login != self.settings().start_at_login;
        if login_changed {
            self.login_item.set(settings.start_at_login)?;
        }
        if let Err(error) = self.settings_file.save(&settings) {
            if login_changed {
                // Put the entry back as the saved settings say.
                let _ = self.login_item.set(!settings.start_at_login);
            }
            return Err(error);
        }
        self.logging.set_level(settings.log_level);
        self.datasources
            .set_default_images(settings.engine_images.clone().into_iter().collect());
        tracing::info!(?settings, "settings updated");
        *self
            .settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = settings.clone();
        Ok(settings)
    }
}
