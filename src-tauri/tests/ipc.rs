//! The commands through real IPC on tauri's mock runtime: what the UI sends, what it gets back.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use quantum_admin_lib::dialogs::{PickDone, PickKind, PickRequest, Picker};
use quantum_admin_lib::events::DataChanged;
use quantum_admin_lib::AppState;
use serde_json::{json, Value};
use tauri::Manager;
use tauri_specta::Event;

use common::{start, TestApp};

// The tray's menu, driven through its handler (the menu is native).
#[path = "ipc/tray.rs"]
mod tray_menu;

fn project(name: &str) -> Value {
    json!({ "input": { "name": name, "description": "", "folder": null } })
}

fn activity(app: &TestApp) -> Vec<Value> {
    let page = app.ok(
        "audit_page",
        json!({ "request": { "filter": { "projectId": null, "action": null, "resourceType": null },
                             "beforeId": null, "limit": 100 } }),
    );
    page["entries"].as_array().expect("entries").clone()
}

#[test]
fn a_project_goes_through_its_whole_life_over_ipc() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());

    let created = app.ok("project_create", project("shop"));
    assert_eq!(created["name"], "shop");
    let id = created["id"].as_i64().expect("numeric id");

    let listed = app.ok("project_list", json!({}));
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    let renamed = app.ok(
        "project_update",
        json!({ "id": id, "input": { "name": "storefront", "description": "Shop front", "folder": null } }),
    );
    assert_eq!(renamed["name"], "storefront");
    assert_eq!(
        app.ok("project_get", json!({ "id": id }))["description"],
        "Shop front"
    );

    let summary = app.ok("dashboard_summary", json!({}));
    assert_eq!(summary["projectCount"], 1);

    app.ok(
        "project_delete",
        json!({ "id": id, "removeDatasources": false }),
    );
    assert_eq!(app.ok("project_list", json!({})), json!([]));

    let actions: Vec<_> = activity(&app).iter().map(|e| e["action"].clone()).collect();
    assert_eq!(
        actions,
        [
            json!("project.delete"),
            json!("project.update"),
            json!("project.create")
        ]
    );
    assert!(
        dir.path().join("quantum-admin.sqlite3").exists(),
        "the store lives in QUANTUM_DATA_DIR"
    );
}

#[test]
fn errors_reach_the_ui_as_code_message_and_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());
    app.ok("project_create", project("shop"));

    let error = app
        .invoke("project_create", project("Shop"))
        .expect_err("taken");
    assert_eq!(error["code"], "project.name_taken");
    assert_eq!(error["field"], "name");
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.contains("already exists")));

    let error = app
        .invoke("project_create", project("a/b"))
        .expect_err("invalid");
    assert_eq!(error["code"], "validation.invalid_name");

    let error = app
        .invoke("project_get", json!({ "id": 999 }))
        .expect_err("missing");
    assert_eq!(error["code"], "project.not_found");
    assert_eq!(error["field"], Value::Null);
}

#[test]
fn the_core_places_the_diagrams_boxes_and_says_what_is_wrong_with_a_graph() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());
    let boxes = json!([{ "width": 240, "height": 80 }, { "width": 240, "height": 120 }]);
    let points = app.ok(
        "schema_diagram_layout",
        json!({ "graph": { "boxes": boxes, "links": [{ "source": 0, "target": 1 }] } }),
    );
    // The table holding the key left of the one it references.
    assert!(
        points[0]["x"].as_i64() < points[1]["x"].as_i64(),
        "{points}"
    );
    let error = app
        .invoke(
            "schema_diagram_layout",
            json!({ "graph": { "boxes": boxes, "links": [{ "source": 0, "target": 5 }] } }),
        )
        .expect_err("refused");
    assert_eq!(error["code"], "schema.unsupported");
    assert_eq!(
        error["message"],
        "A diagram link joins box 0 to box 5, but there are 2 boxes."
    );
}

#[test]
fn a_port_that_is_none_comes_back_as_a_field_error_not_a_bare_string() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());
    let project = app.ok("project_create", project("ports"));
    // 0 fits the type but no port is 0; the others do not even fit a u16.
    for port in [
        json!(0),
        json!(70000),
        json!(-1),
        json!(5432.5),
        json!("5432"),
        json!(true),
    ] {
        let error = app
            .invoke(
                "datasource_create",
                json!({ "input": { "projectId": project["id"], "engine": "postgres", "name": null,
                                   "image": null, "hostPort": port, "databaseName": null,
                                   "username": null, "autoStart": null, "readyTimeoutSecs": null,
                                   "volumeName": null } }),
            )
            .expect_err("refused");
        assert_eq!(
            error["code"], "validation.invalid_datasource",
            "{port}: {error}"
        );
        assert_eq!(error["field"], "hostPort", "{port}: {error}");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("65535")),
            "{port}: {error}"
        );
    }
}

#[test]
fn every_committed_change_is_pushed_as_an_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());
    let (sender, received) = mpsc::channel();
    DataChanged::listen(app.app.handle(), move |event| {
        let _ = sender.send(event.payload.0);
    });

    let created = app.ok("project_create", project("shop"));
    let change = received
        .recv_timeout(Duration::from_secs(5))
        .expect("a change event within 5 s");
    assert_eq!(change.resource_id, created["id"].as_i64().expect("id"));
    assert_eq!(
        serde_json::to_value(change.action).expect("json"),
        "project.create"
    );
}

#[test]
fn settings_are_saved_in_the_data_dir_and_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let app = start(dir.path());
        let defaults = app.ok("settings_get", json!({}));
        assert_eq!(
            defaults,
            json!({ "theme": "system", "closeToTray": true, "logLevel": "info", "engineImages": {},
                    "autoCheckUpdates": true, "autoInstallUpdates": false, "skippedVersion": null, "updateEndpoint": null,
                    "startAtLogin": false, "desktopNotifications": true, "snapshotsKept": 10, "testRunsKept": 100, "editorCommand": null, "docsUrl": null })
        );
        let saved = app.ok(
            "settings_update",
            json!({ "settings": { "theme": "dark", "closeToTray": false, "logLevel": "debug",
                                "engineImages": { "postgres": "testdb/postgres:15" },
                                "autoCheckUpdates": false, "autoInstallUpdates": true,
                                "skippedVersion": "0.2.0",
                                "updateEndpoint": "https://updates.example.com/latest.json",
                                "startAtLogin": false, "desktopNotifications": false, "snapshotsKept": 10, "testRunsKept": 100, "editorCommand": null, "docsUrl": "https://wiki.example.com/handbook" } }),
        );
        assert_eq!(saved["theme"], "dark");
    }
    let file = std::fs::read_to_string(dir.path().join("settings.json")).expect("settings file");
    assert!(file.contains("dark"), "{file}");

    let restarted = start(dir.path());
    let loaded = restarted.ok("settings_get", json!({}));
    assert_eq!(
        loaded,
        json!({ "theme": "dark", "closeToTray": false, "logLevel": "debug",
                "engineImages": { "postgres": "testdb/postgres:15" },
                "autoCheckUpdates": false, "autoInstallUpdates": true, "skippedVersion": "0.2.0",
                "updateEndpoint": "https://updates.example.com/latest.json",
                "startAtLogin": false, "desktopNotifications": false, "snapshotsKept": 10, "testRunsKept": 100, "editorCommand": null, "docsUrl": "https://wiki.example.com/handbook" })
    );
}

#[test]
fn an_unreadable_settings_file_falls_back_to_the_defaults() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("settings.json"), "{ not json").expect("write");
    let app = start(dir.path());
    assert_eq!(app.ok("settings_get", json!({}))["theme"], "system");
    let kept =
        std::fs::read_to_string(dir.path().join("settings.json.unreadable")).expect("kept aside");
    assert_eq!(kept, "{ not json");
    app.ok(
        "settings_update",
        json!({ "settings": { "theme": "light", "closeToTray": true, "logLevel": "info", "engineImages": {},
                              "autoCheckUpdates": true, "autoInstallUpdates": false, "skippedVersion": null, "updateEndpoint": null,
                              "startAtLogin": false, "desktopNotifications": true, "snapshotsKept": 10, "testRunsKept": 100, "editorCommand": null, "docsUrl": null } }),
    );
}

#[test]
fn app_info_points_at_the_files_of_this_installation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());
    let info = app.ok("app_info", json!({}));
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["dataDir"], dir.path().display().to_string());
    assert!(info["databaseFile"]
        .as_str()
        .is_some_and(|f| f.ends_with("quantum-admin.sqlite3")));
}

#[test]
fn config_variables_and_secrets_over_ipc() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = tempfile::tempdir().expect("folder");
    let app = start(dir.path());
    let created = app.ok(
        "project_create",
        json!({ "input": { "name": "config ipc", "description": "", "folder": folder.path() } }),
    );
    let project_id = created["id"].as_i64().expect("id");
    let document = app.ok("config_get", json!({ "projectId": project_id }));
    assert_eq!(document["exists"], false);
    assert_eq!(document["location"], "projectFolder");

    let diagnostics = app.ok(
        "config_validate",
        json!({ "projectId": project_id, "text": "[datasources.main]\nengnie = \"postgres\"\n" }),
    );
    let unknown = diagnostics
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "config.unknown_key")
        .expect("the typo is reported");
    assert_eq!(
        (unknown["line"].as_i64(), unknown["column"].as_i64()),
        (Some(2), Some(1))
    );
    assert!(unknown["message"]
        .as_str()
        .is_some_and(|m| m.contains("engine")));

    let error = app
        .invoke(
            "config_save",
            json!({ "projectId": project_id, "text": "[datasources.main]\nengnie = 1\n", "expectedHash": null, "allowOutside": false }),
        )
        .expect_err("invalid");
    assert_eq!(error["code"], "config.invalid");

    let saved = app.ok(
        "config_save",
        json!({ "projectId": project_id, "text": "[project]\nname = \"config ipc\"\n",
                "expectedHash": document["contentHash"], "allowOutside": false }),
    );
    assert_eq!(saved["exists"], true);
    let history = app.ok("config_history", json!({ "projectId": project_id }));
    assert_eq!(history.as_array().map(Vec::len), Some(1));

    assert_eq!(app.ok("secret_store_status", json!({}))["kind"], "keychain");
    let variable = app.ok(
        "variable_set",
        json!({ "projectId": project_id, "input": { "environment": "dev", "name": "API_TOKEN",
                "kind": "secret", "value": "ipc-secret-value-271828" } }),
    );
    assert_eq!(variable["value"], Value::Null);
    let listed = app.ok("variables_list", json!({ "projectId": project_id }));
    assert!(!listed.to_string().contains("ipc-secret-value-271828"));
    let revealed = app.ok(
        "secret_reveal",
        json!({ "projectId": project_id, "environment": "dev", "name": "API_TOKEN" }),
    );
    assert_eq!(revealed, "ipc-secret-value-271828");
    let reveal = activity(&app)
        .into_iter()
        .find(|e| e["action"] == "secret.reveal")
        .expect("the reveal is in the activity");
    assert_eq!(reveal["resourceName"], "API_TOKEN (dev)");
    assert!(!reveal.to_string().contains("ipc-secret-value-271828"));

    let error = app
        .invoke(
            "variable_set",
            json!({ "projectId": project_id, "input": { "environment": "dev", "name": "9LIVES",
                    "kind": "plain", "value": "x" } }),
        )
        .expect_err("invalid name");
    assert_eq!(error["code"], "validation.invalid_variable");
    assert_eq!(error["field"], "name");

    let error = app
        .invoke(
            "bundle_import",
            json!({ "path": folder.path().join("quantum.toml"), "passphrase": "x", "projectName": null }),
        )
        .expect_err("not a bundle");
    assert_eq!(error["code"], "bundle.not_a_bundle");
}

#[test]
fn a_config_file_changed_on_disk_is_pushed_to_the_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = tempfile::tempdir().expect("folder");
    let app = start(dir.path());
    let created = app.ok(
        "project_create",
        json!({ "input": { "name": "watched", "description": "", "folder": folder.path() } }),
    );
    let project_id = created["id"].as_i64().expect("id");
    let (sender, received) = mpsc::channel();
    DataChanged::listen(app.app.handle(), move |event| {
        let _ = sender.send(event.payload.0);
    });
    std::fs::write(
        folder.path().join("quantum.toml"),
        "[variables]\nA = \"1\"\n",
    )
    .expect("write");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let remaining = deadline.saturating_duration_since(std::time::Instant::now());
        let change = received
            .recv_timeout(remaining)
            .expect("a config change event within 10 s");
        if serde_json::to_value(change.resource_type).expect("json") == "config"
            && change.resource_id == project_id
        {
            break;
        }
    }
    let history = app.ok("config_history", json!({ "projectId": project_id }));
    assert_eq!(history[0]["source"], "disk");
}

/// Stands in for the user at the native dialogs: answers every dialog with `answer` and keeps
/// what was asked.
struct User {
    answer: Mutex<Option<PathBuf>>,
    asked: Mutex<Vec<PickRequest>>,
}

impl User {
    fn at(app: &TestApp) -> Arc<Self> {
        let user = Arc::new(Self {
            answer: Mutex::new(None),
            asked: Mutex::new(Vec::new()),
        });
        app.app
            .state::<AppState>()
            .dialogs
            .set_picker(Arc::clone(&user) as Arc<dyn Picker>);
        user
    }

    fn will_choose(&self, path: Option<&Path>) {
        *self.answer.lock().expect("answer") = path.map(Path::to_path_buf);
    }

    fn asked(&self) -> Vec<PickRequest> {
        self.asked.lock().expect("asked").clone()
    }
}

impl Picker for User {
    fn pick(&self, request: &PickRequest, done: PickDone) {
        self.asked.lock().expect("asked").push(request.clone());
        done(self.answer.lock().expect("answer").clone());
    }
}

fn pick(app: &TestApp, kind: &str, default_path: Option<&Path>) -> Value {
    app.ok(
        "dialog_pick",
        json!({ "request": { "kind": kind, "title": "Choose", "filters": [], "defaultPath": default_path } }),
    )
}

fn export_bundle(app: &TestApp, project_id: i64, path: &Path) -> Result<Value, Value> {
    app.invoke(
        "bundle_export",
        json!({ "projectId": project_id, "path": path, "passphrase": "a passphrase" }),
    )
}

fn assert_not_chosen(result: Result<Value, Value>, field: &str) {
    let error = result.expect_err("refused");
    assert_eq!(error["code"], "path.not_chosen", "{error}");
    assert_eq!(error["field"], field);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("Browse")),
        "the message says how to fix it: {error}"
    );
}

#[test]
fn files_are_written_only_where_the_user_chose_or_in_a_project_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = tempfile::tempdir().expect("project folder");
    let elsewhere = tempfile::tempdir().expect("outside every project");
    let app = start(dir.path());
    let user = User::at(&app);
    let project_id = app.ok(
        "project_create",
        json!({ "input": { "name": "chosen paths", "description": "", "folder": folder.path() } }),
    )["id"]
        .as_i64()
        .expect("id");

    // A path the page sends, outside the project folder and never chosen: refused, nothing written.
    let unchosen = elsewhere.path().join("shop.qabundle");
    assert_not_chosen(export_bundle(&app, project_id, &unchosen), "path");
    assert!(!unchosen.exists(), "nothing was written");
    let env_file = elsewhere.path().join(".env.dev");
    assert_not_chosen(
        app.invoke(
            "dotenv_export_write",
            json!({ "projectId": project_id, "environment": "dev", "path": env_file, "expected": null, "allowOutside": false }),
        ),
        "path",
    );
    assert!(!env_file.exists(), "nothing was written");
    let key_file = elsewhere.path().join("vault.key");
    assert_not_chosen(
        app.invoke("vault_create", json!({ "key": { "keyFile": key_file } })),
        "keyFile",
    );
    assert!(!key_file.exists(), "no key file was created");

    // Out of the folder through `..` or a symbolic link inside it: still outside.
    let climbed = folder.path().join("..").join("climbed.qabundle");
    assert_not_chosen(export_bundle(&app, project_id, &climbed), "path");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(elsewhere.path(), folder.path().join("link")).expect("link");
        assert_not_chosen(
            export_bundle(
                &app,
                project_id,
                &folder.path().join("link").join("x.qabundle"),
            ),
            "path",
        );
        assert!(!elsewhere.path().join("x.qabundle").exists());
    }

    // A file picked to be read does not become writable.
    user.will_choose(Some(&unchosen));
    assert_eq!(pick(&app, "openFile", None), json!(unchosen));
    assert_not_chosen(export_bundle(&app, project_id, &unchosen), "path");
    assert!(!unchosen.exists());

    // Cancelled: nothing recorded.
    user.will_choose(None);
    assert_eq!(pick(&app, "saveFile", Some(&unchosen)), Value::Null);
    assert_not_chosen(export_bundle(&app, project_id, &unchosen), "path");

    // Chosen in the save dialog: written.
    user.will_choose(Some(&unchosen));
    assert_eq!(pick(&app, "saveFile", Some(&unchosen)), json!(unchosen));
    export_bundle(&app, project_id, &unchosen).expect("a chosen file is written");
    assert!(unchosen.exists(), "the bundle is at the chosen path");
    let asked = user.asked();
    assert_eq!(
        asked.last().map(|r| (r.kind, r.default_path.clone())),
        Some((PickKind::SaveFile, Some(unchosen.display().to_string())))
    );

    // Inside the project folder: written without a dialog, `.env` export included.
    let inside = folder.path().join("shop.qabundle");
    export_bundle(&app, project_id, &inside).expect("inside the project folder");
    assert!(inside.exists());
    app.ok(
        "environment_add",
        json!({ "projectId": project_id, "name": "dev" }),
    );
    app.ok(
        "variable_set",
        json!({ "projectId": project_id, "input": { "environment": "dev", "name": "LOG_LEVEL",
                "kind": "plain", "value": "debug" } }),
    );
    let env_inside = folder.path().join(".env.dev");
    app.ok(
        "dotenv_export_write",
        json!({ "projectId": project_id, "environment": "dev", "path": env_inside, "expected": null, "allowOutside": false }),
    );
    let written = std::fs::read_to_string(&env_inside).expect("written");
    assert!(
        written.contains("LOG_LEVEL") && written.contains("debug"),
        "{written}"
    );
    assert_eq!(user.asked().len(), asked.len(), "no dialog for those");
}

#[test]
fn a_typed_path_outside_the_projects_is_confirmed_in_the_save_dialog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = tempfile::tempdir().expect("project folder");
    let elsewhere = tempfile::tempdir().expect("outside every project");
    let app = start(dir.path());
    let user = User::at(&app);
    let project_id = app.ok(
        "project_create",
        json!({ "input": { "name": "confirmed", "description": "", "folder": folder.path() } }),
    )["id"]
        .as_i64()
        .expect("id");
    let confirm = |path: &Path| {
        app.invoke(
            "dialog_confirm_save",
            json!({ "path": path, "title": "Export bundle",
                    "filters": [{ "name": "Quantum Admin bundle", "extensions": ["qabundle"] }] }),
        )
    };

    // Inside the project folder: taken as typed, no dialog.
    let inside = folder.path().join("a.qabundle");
    assert_eq!(confirm(&inside), Ok(json!(inside)));
    assert!(user.asked().is_empty());

    // Outside: the save dialog opens on it; cancelling keeps it refused.
    let typed = elsewhere.path().join("typed.qabundle");
    user.will_choose(None);
    assert_eq!(confirm(&typed), Ok(Value::Null));
    let asked = user.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].kind, PickKind::SaveFile);
    assert_eq!(asked[0].default_path, Some(typed.display().to_string()));
    assert_eq!(asked[0].filters[0].extensions, ["qabundle"]);
    assert_not_chosen(export_bundle(&app, project_id, &typed), "path");

    // Confirmed (the user may also change the name there): that file is written.
    let confirmed = elsewhere.path().join("renamed.qabundle");
    user.will_choose(Some(&confirmed));
    assert_eq!(confirm(&typed), Ok(json!(confirmed)));
    export_bundle(&app, project_id, &confirmed).expect("confirmed");
    assert!(confirmed.exists());
    assert_not_chosen(export_bundle(&app, project_id, &typed), "path");

    // A typed path that cannot be a file to write is an error about the field, without a dialog.
    let error = confirm(Path::new("relative.qabundle")).expect_err("relative");
    assert_eq!(error["code"], "validation.invalid_folder");
    assert_eq!(error["field"], "path");
    let error =
        confirm(&elsewhere.path().join("missing").join("x.qabundle")).expect_err("no folder");
    assert_eq!(error["code"], "validation.invalid_folder");
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.contains("existing folder")));
    assert_eq!(user.asked().len(), 2, "no dialog for invalid paths");
}
