//! One running app per data dir: a second launch hands over to the first, which shows its window.
//!
//! Two instances on one data dir would run two Docker watchers, two auto-starts and two writers of
//! the vault. Instances on different data dirs (`QUANTUM_DATA_DIR`: the E2E suite, a developer's
//! second copy) share nothing and must not block each other, so the lock's name carries a hash of
//! the data dir. On Linux the lock is a D-Bus name (tauri-plugin-single-instance's `dbus_id`); on
//! macOS and Windows the plugin derives it from the bundle identifier alone, so there one app runs
//! per identifier (development builds have their own).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime};

use crate::paths::DATA_DIR_ENV;
use crate::window;

/// Set on the one launch made again by [`start_again`], so that it is not made twice.
const STARTED_AGAIN_ENV: &str = "QUANTUM_STARTED_AGAIN";

/// Whether the start failed because the instance it handed over to vanished meanwhile (it had
/// crashed or was killed a moment before: its lock was not released yet), on a first launch.
/// Then the lock is free, and starting again takes it.
pub fn start_again_after(error: &tauri::Error) -> bool {
    matches!(error, tauri::Error::PluginInitialization(plugin, _) if plugin == "single-instance")
        && std::env::var_os(STARTED_AGAIN_ENV).is_none()
}

/// Replaces this process with a new launch of the same binary and arguments (on Windows, starts
/// it and exits), after a moment for the bus to let the vanished instance's name go.
pub fn start_again() -> ! {
    tracing::warn!("the running instance vanished during the hand-over: starting again");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut command = match std::env::current_exe() {
        Ok(exe) => std::process::Command::new(exe),
        Err(error) => {
            eprintln!("Quantum Admin could not start again: {error}");
            std::process::exit(1);
        }
    };
    command
        .args(std::env::args_os().skip(1))
        .env(STARTED_AGAIN_ENV, "1");
    #[cfg(unix)]
    let error = {
        use std::os::unix::process::CommandExt;
        command.exec()
    };
    #[cfg(not(unix))]
    let error = match command.spawn() {
        Ok(_) => std::process::exit(0),
        Err(error) => error,
    };
    eprintln!("Quantum Admin could not start again: {error}");
    std::process::exit(1);
}

/// Asks the app to start with its window hidden in the tray; the login entry passes it.
pub const HIDDEN_ARG: &str = "--hidden";

/// Whether these command-line arguments ask for the window to stay hidden.
pub fn wants_hidden<S: AsRef<str>>(args: &[S]) -> bool {
    args.iter().any(|arg| arg.as_ref() == HIDDEN_ARG)
}

/// The D-Bus name (before the plugin's `.SingleInstance`) of the instance that owns `data_dir`.
/// `None`: the default data dir, which the identifier alone already names.
pub fn lock_name(identifier: &str, data_dir: Option<&Path>) -> Option<String> {
    let dir = data_dir?;
    // `/tmp/x/` and `/tmp/x/../x` are one data dir; a dir not created yet is taken as written.
    let dir = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let digest = ring::digest::digest(&ring::digest::SHA256, dir.as_os_str().as_encoded_bytes());
    let hex = digest.as_ref()[..8]
        .iter()
        .fold(String::with_capacity(16), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    // A D-Bus name element may not start with a digit.
    Some(format!("{identifier}.d{hex}"))
}

/// The data dir `QUANTUM_DATA_DIR` names, if any.
pub fn data_dir_override() -> Option<PathBuf> {
    std::env::var_os(DATA_DIR_ENV)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
}

/// The plugin: register it before any other, so that a second instance exits before it opens the
/// store or starts anything.
pub fn plugin<R: Runtime>(identifier: &str) -> tauri::plugin::TauriPlugin<R> {
    let mut builder =
        tauri_plugin_single_instance::Builder::new().callback(|app: &AppHandle<R>, args, _cwd| {
            tracing::info!("another launch handed over to this instance");
            // The login entry of a second session (or a script) may start it hidden: stay so.
            if !wants_hidden(&args) {
                window::show_main(app);
            }
        });
    if let Some(name) = lock_name(identifier, data_dir_override().as_deref()) {
        builder = builder.dbus_id(name);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_data_dir_is_named_by_the_identifier_alone() {
        assert_eq!(lock_name("app.quantumadmin.desktop", None), None);
    }

    #[test]
    fn each_data_dir_has_its_own_valid_lock_name() {
        let one = tempfile::tempdir().expect("temp dir");
        let other = tempfile::tempdir().expect("temp dir");
        let name = |dir: &Path| lock_name("app.quantumadmin.desktop", Some(dir)).expect("name");
        std::fs::create_dir(one.path().join("sub")).expect("sub dir");

        assert_eq!(name(one.path()), name(one.path()), "stable");
        assert_eq!(
            name(one.path()),
            name(&one.path().join("sub").join("..")),
            "the same dir however it is written"
        );
        assert_ne!(name(one.path()), name(other.path()));

        let lock = format!("{}.SingleInstance", name(one.path()));
        assert!(lock.len() <= 255, "{lock}");
        for element in lock.split('.') {
            assert!(!element.is_empty(), "{lock}");
            assert!(
                !element.starts_with(|c: char| c.is_ascii_digit()),
                "{lock}: an element starts with a digit"
            );
            assert!(
                element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "{lock}"
            );
        }
    }

    #[test]
    fn only_a_failed_hand_over_starts_again() {
        let hand_over = tauri::Error::PluginInitialization(
            "single-instance".to_owned(),
            "failed to forward arguments to the running instance".to_owned(),
        );
        let other = tauri::Error::PluginInitialization("store".to_owned(), "x".to_owned());
        assert!(start_again_after(&hand_over));
        assert!(!start_again_after(&other));
    }

    #[test]
    fn only_the_hidden_flag_keeps_the_window_hidden() {
        assert!(wants_hidden(&["/usr/bin/quantum-admin", "--hidden"]));
        assert!(!wants_hidden(&["/usr/bin/quantum-admin"]));
        assert!(!wants_hidden(&["/usr/bin/quantum-admin", "--hidden=no"]));
    }
}
