//! Where the app keeps its files.

use std::path::PathBuf;

pub use quantum_core::DATA_DIR_ENV;
use tauri::{AppHandle, Manager, Runtime};

pub struct Paths {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl Paths {
    pub fn resolve<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Self> {
        match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            Some(dir) => {
                let data_dir = PathBuf::from(dir);
                Ok(Self {
                    log_dir: data_dir.join("logs"),
                    data_dir,
                })
            }
            None => Ok(Self {
                data_dir: app.path().app_data_dir()?,
                log_dir: app.path().app_log_dir()?,
            }),
        }
    }
}
