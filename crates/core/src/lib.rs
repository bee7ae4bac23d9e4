//! Quantum Admin's domain crates composed, for both shells: the desktop app (`src-tauri`) and the
//! `quantum` command line (`crates/cli`). What needs more than one domain lives here once: a
//! migration run with its snapshot, a test run with the stack's variables, what a datasource's
//! tools connect to, the compose export with its `.env` passwords, and the change feed by which the
//! app learns what the command line did.

pub mod compose;
pub mod deploy;
pub mod deploy_data;
pub mod deploy_datasources;
pub mod feed;
pub mod health;
pub mod logs;
pub mod metrics;
pub mod migrate;
pub mod resources;
pub mod system;
pub mod target;
pub mod templates;
pub mod testruns;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quantum_config::ProjectConfigs;
use quantum_datasources::Datasources;
use quantum_deploy::Deploys;
use quantum_health::Health;
use quantum_kernel::settings::Settings;
use quantum_kernel::Store;
use quantum_scan::Scans;
use quantum_secrets::SecretStore;
use quantum_snapshots::Snapshots;
use quantum_templates::Templates;
use quantum_testruns::TestRuns;
use quantum_variables::Variables;

/// The app's bundle identifier: its data dir is named after it.
pub const IDENTIFIER: &str = "app.quantumadmin.desktop";

/// Overrides where the SQLite file, settings and logs live (tests use a temporary folder).
pub const DATA_DIR_ENV: &str = "QUANTUM_DATA_DIR";

/// The settings file the app writes (tauri-plugin-store's format: the settings under one key).
const SETTINGS_FILE: &str = "settings.json";
const SETTINGS_KEY: &str = "settings";

/// The data dir both shells use: `QUANTUM_DATA_DIR`, else the platform's data dir for the app
/// (`~/.local/share/app.quantumadmin.desktop`, `~/Library/Application Support/…`, `%APPDATA%\…`),
/// as Tauri resolves it.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV).filter(|dir| !dir.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => dirs::data_dir().map(|dir| dir.join(IDENTIFIER)),
    }
}

/// The settings the app saved, or the defaults. Only read: the app owns the file.
pub fn read_settings(data_dir: &Path) -> Settings {
    std::fs::read(data_dir.join(SETTINGS_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|mut saved| saved.get_mut(SETTINGS_KEY).map(serde_json::Value::take))
        .and_then(|saved| Settings::from_saved(saved).ok())
        .unwrap_or_default()
}

/// The domain services over one data dir.
pub struct Core {
    pub store: Store,
    pub secrets: Arc<SecretStore>,
    pub configs: Arc<ProjectConfigs>,
    pub datasources: Arc<Datasources>,
    pub variables: Arc<Variables>,
    pub snapshots: Arc<Snapshots>,
    pub testruns: Arc<TestRuns>,
    pub scans: Arc<Scans>,
    pub templates: Arc<Templates>,
    pub health: Arc<Health>,
    pub deploys: Arc<Deploys>,
    /// The process table of the resource manager: CPU use is measured between two listings.
    pub processes: Arc<quantum_resources::Processes>,
}

impl Core {
    /// Opens the store (migrating it) and composes the services; `settings` gives the images.
    pub async fn open(data_dir: &Path, settings: &Settings) -> quantum_kernel::Result<Self> {
        let store = Store::open_in(data_dir).await?;
        let secrets = Arc::new(SecretStore::open(data_dir));
        Ok(Self::compose(store, secrets, data_dir, settings))
    }

    /// For reads that need no secret (`quantum status`): the keychain is not asked whether it is
    /// there, which costs a round trip to it.
    pub async fn open_for_reading(
        data_dir: &Path,
        settings: &Settings,
    ) -> quantum_kernel::Result<Self> {
        let store = Store::open_in(data_dir).await?;
        let secrets = Arc::new(SecretStore::keychain(data_dir));
        Ok(Self::compose(store, secrets, data_dir, settings))
    }

    fn compose(
        store: Store,
        secrets: Arc<SecretStore>,
        data_dir: &Path,
        settings: &Settings,
    ) -> Self {
        let configs = ProjectConfigs::new(store.clone(), data_dir);
        let datasources =
            Datasources::new(store.clone(), Arc::clone(&secrets), Arc::clone(&configs));
        datasources.set_default_images(settings.engine_images.clone().into_iter().collect());
        let variables = Variables::new(store.clone(), Arc::clone(&configs), Arc::clone(&secrets));
        let testruns = Arc::new(TestRuns::new(store.clone()));
        let snapshots = Arc::new(Snapshots::new(store.clone(), Arc::clone(&datasources)));
        let templates = Arc::new(Templates::new(store.clone()));
        let deploys = Arc::new(Deploys::new(store.clone()));
        let health = Health::new(
            store.clone(),
            Box::new(health::StackProber::new(Arc::clone(&datasources))),
        );
        Self {
            store,
            secrets,
            configs,
            datasources,
            variables,
            snapshots,
            testruns,
            scans: Scans::new(),
            templates,
            health,
            deploys,
            processes: Arc::new(quantum_resources::Processes::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_the_app_saved_are_read_and_missing_ones_take_their_defaults() {
        let dir = tempfile::tempdir().expect("test set-up");
        assert_eq!(
            read_settings(dir.path()).snapshots_kept,
            Settings::default().snapshots_kept
        );
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            r#"{"settings":{"snapshotsKept":3,"engineImages":{"postgres":"local/pg:16"}}}"#,
        )
        .expect("test set-up");
        let settings = read_settings(dir.path());
        assert_eq!(settings.snapshots_kept, 3);
        assert_eq!(
            settings.engine_images.values().next().map(String::as_str),
            Some("local/pg:16")
        );
    }
}
