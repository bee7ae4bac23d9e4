//! Updates through tauri-plugin-updater, which downloads and verifies them against the public key
//! in the build's config. The user decides: automatic checks follow the settings (release builds
//! only), a skipped version is not announced again, and an update is installed only on request
//! (or by the "install automatically" setting), never while a container operation is under way.

use std::sync::Mutex;
use std::time::Duration;

use quantum_kernel::settings::parse_update_endpoint;
use quantum_kernel::ErrorInfo;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterBuilder, UpdaterExt};
use tauri_specta::Event;

use crate::state::AppState;

/// How often a running app checks again, when automatic checks are on.
const CHECK_INTERVAL: Duration = Duration::from_secs(6 * 60 * 60);

/// A newer version the update server offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInfo {
    pub version: String,
    pub current_version: String,
    /// The release notes, plain text.
    pub notes: Option<String>,
    /// When it was published (RFC 3339), if the server says.
    pub date: Option<String>,
}

impl From<&Update> for UpdateInfo {
    fn from(update: &Update) -> Self {
        Self {
            version: update.version.clone(),
            current_version: update.current_version.clone(),
            notes: update.body.clone().filter(|notes| !notes.trim().is_empty()),
            date: update.raw_json["pub_date"].as_str().map(str::to_owned),
        }
    }
}

/// How an install goes, sent over the caller's channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UpdateProgress {
    Started,
    Progress {
        downloaded: u64,
        total: Option<u64>,
    },
    /// Downloaded and verified; waiting for container operations to end before installing.
    Waiting,
    /// Verified and, when nothing was running, about to be installed; the app restarts next.
    Finished,
}

/// An automatic check found an update that the user has not skipped.
#[derive(Clone, Debug, Serialize, Deserialize, Type, Event)]
pub struct UpdateAvailable(pub UpdateInfo);

/// Why a check was made: an automatic one does not announce a skipped version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Manual,
    Automatic,
}

/// What the updater needs from the app, so that commands need not be generic over the runtime.
pub trait UpdateHost: Send + Sync {
    /// `None` when this build has no update key: the plugin is not registered then.
    fn updater_builder(&self) -> Option<UpdaterBuilder>;
    fn current_version(&self) -> String;
    fn announce(&self, info: &UpdateInfo);
    fn restart(&self);
}

struct AppHost<R: Runtime> {
    app: AppHandle<R>,
    enabled: bool,
}

impl<R: Runtime> UpdateHost for AppHost<R> {
    fn updater_builder(&self) -> Option<UpdaterBuilder> {
        self.enabled.then(|| self.app.updater_builder())
    }

    fn current_version(&self) -> String {
        self.app.package_info().version.to_string()
    }

    fn announce(&self, info: &UpdateInfo) {
        if let Err(error) = UpdateAvailable(info.clone()).emit(&self.app) {
            tracing::warn!(%error, "the update notice could not be sent to the window");
        }
    }

    fn restart(&self) {
        self.app.request_restart();
    }
}

/// The updater's state: the last update found, the notice waiting to be seen, an install under way.
pub struct Updates {
    host: Box<dyn UpdateHost>,
    found: Mutex<Option<Update>>,
    notice: Mutex<Option<UpdateInfo>>,
    installing: tokio::sync::Mutex<()>,
}

/// Whether the build's config carries the updater's public key (release builds made by the
/// release workflow do; development builds do not).
fn configured(config: &tauri::Config) -> bool {
    config
        .plugins
        .0
        .get("updater")
        .and_then(|updater| updater.get("pubkey"))
        .and_then(serde_json::Value::as_str)
        .is_some_and(|key| !key.trim().is_empty())
}

/// Registers the plugin when the build has an update key and manages [`Updates`]. Automatic
/// checks start only in release builds (`cfg(debug_assertions)` off): development builds never
/// check by themselves.
pub fn init<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let enabled = configured(app.config());
    if enabled {
        app.plugin(tauri_plugin_updater::Builder::new().build())?;
    } else {
        tracing::info!("this build has no update key: updates are off");
    }
    app.manage(Updates {
        host: Box::new(AppHost {
            app: app.clone(),
            enabled,
        }),
        found: Mutex::new(None),
        notice: Mutex::new(None),
        installing: tokio::sync::Mutex::new(()),
    });
    if enabled && cfg!(not(debug_assertions)) {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let mut ticks = tokio::time::interval(CHECK_INTERVAL);
            // After a sleep of the computer, one check, not one per missed interval.
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if app.state::<AppState>().settings().auto_check_updates {
                    check_automatically(&app.state::<Updates>(), &app.state::<AppState>()).await;
                }
            }
        });
    }
    Ok(())
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Updates {
    /// What the last automatic check announced, for a window that opens after it.
    pub fn notice(&self) -> Option<UpdateInfo> {
        locked(&self.notice).clone()
    }

    /// Asks the update server (the one in Settings, else the build's default). A version that is
    /// not newer is never offered; a skipped one only to a manual check.
    pub async fn check(
        &self,
        state: &AppState,
        trigger: Trigger,
    ) -> Result<Option<UpdateInfo>, ErrorInfo> {
        let settings = state.settings();
        let current = self.host.current_version();
        let mut builder = self.host.updater_builder().ok_or_else(|| {
            ErrorInfo::new(
                "update.disabled",
                "This build of Quantum Admin has no update key, so it does not look for updates. \
                 Installed releases do.",
            )
        })?;
        if let Some(endpoint) = &settings.update_endpoint {
            let endpoint = parse_update_endpoint(endpoint).map_err(ErrorInfo::from)?;
            builder = builder
                .endpoints(vec![endpoint])
                .map_err(|error| failure(&error, &current))?;
        }
        let updater = builder.build().map_err(|error| failure(&error, &current))?;
        let found = updater
            .check()
            .await
            .map_err(|error| failure(&error, &current))?;
        let info = found.as_ref().map(UpdateInfo::from);
        *locked(&self.found) = found;
        let Some(info) = info else {
            tracing::info!(current, "no newer version");
            return Ok(None);
        };
        let skipped = settings.skipped_version.as_deref() == Some(info.version.as_str());
        tracing::info!(
            version = info.version,
            current,
            skipped,
            ?trigger,
            "update found"
        );
        if skipped && trigger == Trigger::Automatic {
            return Ok(None);
        }
        Ok(Some(info))
    }

    /// Skips `version`: automatic checks stop announcing it. Returns the saved settings.
    pub fn skip(
        &self,
        state: &AppState,
        version: String,
    ) -> Result<quantum_kernel::settings::Settings, ErrorInfo> {
        let mut settings = state.settings();
        settings.skipped_version = Some(version.clone());
        let saved = state.update_settings(settings)?;
        let mut notice = locked(&self.notice);
        if notice.as_ref().is_some_and(|info| info.version == version) {
            *notice = None;
        }
        tracing::info!(version, "update skipped");
        Ok(saved)
    }

    /// Downloads the update found by the last check and verifies its signature (the plugin's
    /// minisign check against the build's public key), reporting progress.
    pub async fn download(
        &self,
        progress: &(dyn Fn(UpdateProgress) + Sync),
    ) -> Result<(Update, Vec<u8>), ErrorInfo> {
        let current = self.host.current_version();
        let update = locked(&self.found).clone().ok_or_else(|| {
            ErrorInfo::new(
                "update.unavailable",
                format!("No update is waiting to be installed: check for updates again. Quantum Admin {current} keeps running."),
            )
        })?;
        progress(UpdateProgress::Started);
        let mut downloaded = 0u64;
        let mut reported = 0u64;
        let bytes = update
            .download(
                |chunk, total| {
                    downloaded += chunk as u64;
                    // About a hundred messages per download, whatever its size.
                    let step = total.map_or(256 * 1024, |total| (total / 100).max(1));
                    if downloaded - reported >= step || Some(downloaded) == total {
                        reported = downloaded;
                        progress(UpdateProgress::Progress { downloaded, total });
                    }
                },
                || {},
            )
            .await
            .map_err(|error| failure(&error, &current))?;
        tracing::info!(
            version = update.version,
            bytes = bytes.len(),
            "update downloaded and verified"
        );
        Ok((update, bytes))
    }

    /// Downloads, verifies, waits until no container operation is under way, installs, then
    /// restarts the app. One install at a time. Migrations cannot be running: they run when the
    /// store opens, before the app state (and so this) exists.
    pub async fn install(
        &self,
        state: &AppState,
        progress: &(dyn Fn(UpdateProgress) + Sync),
    ) -> Result<(), ErrorInfo> {
        let current = self.host.current_version();
        let _installing = self.installing.try_lock().map_err(|_| {
            ErrorInfo::new("update.failed", "The update is already being installed.")
        })?;
        let (update, bytes) = self.download(progress).await?;
        if state.datasources.busy() {
            tracing::info!(
                version = update.version,
                "the update waits for container operations to end"
            );
            progress(UpdateProgress::Waiting);
            state.datasources.idle().await;
        }
        progress(UpdateProgress::Finished);
        update
            .install(bytes)
            .map_err(|error| failure(&error, &current))?;
        tracing::info!(version = update.version, "update installed; restarting");
        self.host.restart();
        Ok(())
    }
}

/// An automatic check: announces what it finds, or installs it when the user asked for that and
/// no container operation is under way; otherwise the notice waits for the user.
pub async fn check_automatically(updates: &Updates, state: &AppState) {
    let Ok(Some(info)) = updates.check(state, Trigger::Automatic).await else {
        return;
    };
    if state.settings().auto_install_updates && !state.datasources.busy() {
        match updates.install(state, &|_| {}).await {
            Ok(()) => return,
            Err(error) => tracing::warn!(message = error.message, "automatic install failed"),
        }
    }
    *locked(&updates.notice) = Some(info.clone());
    updates.host.announce(&info);
}

/// The plugin's error, as a calm message for the user; logged with its causes.
fn failure(error: &tauri_plugin_updater::Error, current: &str) -> ErrorInfo {
    use tauri_plugin_updater::Error as E;
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail = format!("{detail}: {cause}");
        source = cause.source();
    }
    let keeps = format!("Quantum Admin {current} keeps running.");
    let (code, message) = match error {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => (
            "update.signature_invalid",
            format!("The downloaded update does not carry Quantum Admin's signature, so it was discarded. {keeps}"),
        ),
        E::Reqwest(_) | E::Network(_) => (
            "update.unavailable",
            format!("The update server could not be reached ({detail}). Check the connection, or the update server in Settings. {keeps}"),
        ),
        E::ReleaseNotFound
        | E::Serialization(_)
        | E::Semver(_)
        | E::TargetNotFound(_)
        | E::TargetsNotFound(_) => (
            "update.unavailable",
            format!("The update server did not answer with a release for this system ({detail}). {keeps}"),
        ),
        E::InsecureTransportProtocol => (
            "update.unavailable",
            format!("Release builds reach update servers over https only. Change the update server in Settings. {keeps}"),
        ),
        _ => (
            "update.failed",
            format!("The update could not be installed ({detail}). {keeps}"),
        ),
    };
    tracing::warn!(?code, error = detail, "update failed");
    ErrorInfo::new(code, message)
}
