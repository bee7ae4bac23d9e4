//! "Start at login" through IPC: the setting writes and removes the OS's autostart entry. In a test
//! binary of its own: it points HOME, where the entry goes, at a temporary folder.
#![cfg(target_os = "linux")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde_json::{json, Value};

/// The `.desktop` files in the user's autostart folder.
fn autostart_entries(home: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(home.join(".config/autostart")) else {
        return Vec::new();
    };
    entries
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "desktop"))
        .collect()
}

/// HOME is the process's: tests that set it take turns.
static HOME: Mutex<()> = Mutex::new(());

/// Points HOME, where auto-launch puts the autostart folder, at `home` until the guard drops.
fn home_at(home: &Path) -> MutexGuard<'static, ()> {
    let turn = HOME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    std::env::set_var("HOME", home);
    turn
}

fn with_start_at_login(settings: &Value, on: bool) -> Value {
    let mut settings = settings.clone();
    settings["startAtLogin"] = json!(on);
    json!({ "settings": settings })
}

#[test]
fn start_at_login_writes_and_removes_the_autostart_entry() {
    let home = tempfile::tempdir().expect("temp home");
    let _home = home_at(home.path());
    let data = tempfile::tempdir().expect("temp data dir");
    let app = common::start(data.path());

    let settings = app.ok("settings_get", json!({}));
    assert_eq!(settings["startAtLogin"], false, "off by default");
    assert_eq!(autostart_entries(home.path()), Vec::<PathBuf>::new());

    let saved = app.ok("settings_update", with_start_at_login(&settings, true));
    assert_eq!(saved["startAtLogin"], true);
    let entries = autostart_entries(home.path());
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = std::fs::read_to_string(&entries[0]).expect("entry");
    let exe = std::env::current_exe().expect("exe");
    assert!(
        entry.contains(&format!("Exec={} --hidden", exe.display())),
        "the entry starts this binary hidden in the tray:\n{entry}"
    );

    let saved = app.ok("settings_update", with_start_at_login(&saved, false));
    assert_eq!(saved["startAtLogin"], false);
    assert_eq!(autostart_entries(home.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_login_entry_that_cannot_be_written_is_refused_and_not_saved() {
    let home = tempfile::tempdir().expect("temp home");
    std::fs::create_dir_all(home.path().join(".config")).expect("config dir");
    // A file where the autostart folder should be: nothing can be written into it.
    std::fs::write(home.path().join(".config/autostart"), "").expect("blocker");
    let _home = home_at(home.path());
    let data = tempfile::tempdir().expect("temp data dir");
    let app = common::start(data.path());

    let settings = app.ok("settings_get", json!({}));
    let error = app
        .invoke("settings_update", with_start_at_login(&settings, true))
        .expect_err("refused");
    assert_eq!(error["code"], "io.failed", "{error}");
    assert_eq!(error["field"], "startAtLogin", "{error}");
    assert_eq!(
        app.ok("settings_get", json!({}))["startAtLogin"],
        false,
        "a setting that did not take effect is not saved"
    );
}
