//! The tray menu through its handler, on the mock runtime: a datasource started and stopped, an
//! incident's item opening its project's Health page.

use std::sync::mpsc;
use std::time::Duration;

use quantum_admin_lib::events::{DatasourceChanged, NavigateRequested};
use quantum_admin_lib::tray;
use quantum_datasources::{DatasourceEvent, DatasourceStatus};
use serde_json::json;
use tauri_specta::Event;

use super::common::start;

/// The tray menu is native, out of WebDriver's reach: its handler is driven here with the ids the
/// menu uses, against the real Docker Engine and the local test images.
#[test]
fn the_tray_menu_starts_and_stops_a_datasource() {
    let dir = tempfile::tempdir().expect("temp dir");
    let image =
        std::env::var("QUANTUM_TEST_IMAGE_REDIS").unwrap_or_else(|_| "testdb/redis:7".to_owned());
    std::fs::write(
        dir.path().join("settings.json"),
        json!({ "settings": { "theme": "system", "closeToTray": false, "logLevel": "info",
                              "engineImages": { "redis": image } } })
        .to_string(),
    )
    .expect("settings");
    let app = start(dir.path());
    let (sender, statuses) = mpsc::channel();
    DatasourceChanged::listen(app.app.handle(), move |event| {
        if let DatasourceEvent::Status { id, status, .. } = event.payload.0 {
            let _ = sender.send((id, status));
        }
    });
    let wait_for = |id: i64, wanted: DatasourceStatus| {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match statuses.recv_timeout(left) {
                Ok((event_id, status)) if event_id == id && status == wanted => return,
                Ok((event_id, DatasourceStatus::Error)) if event_id == id => {
                    panic!("the datasource failed")
                }
                Ok(_) => {}
                Err(_) => panic!("{wanted:?} not reached within 60 s"),
            }
        }
    };

    let project = app.ok(
        "project_create",
        json!({ "input": { "name": format!("tray {}", std::process::id()), "description": "", "folder": null } }),
    );
    let datasource = app.ok(
        "datasource_create",
        json!({ "input": { "projectId": project["id"], "engine": "redis", "name": null, "image": null,
                           "hostPort": null, "databaseName": null, "username": null, "autoStart": null,
                           "readyTimeoutSecs": null, "volumeName": null } }),
    );
    let id = datasource["id"].as_i64().expect("id");
    wait_for(id, DatasourceStatus::Ready);

    tray::handle_menu(app.app.handle(), &format!("datasource-stop:{id}"));
    wait_for(id, DatasourceStatus::Stopped);
    tray::handle_menu(app.app.handle(), &format!("datasource-start:{id}"));
    wait_for(id, DatasourceStatus::Ready);

    app.ok("datasource_remove", json!({ "id": id, "deleteData": true }));
}

/// The tray lists open incidents; choosing one shows the window at its project's Health page.
#[test]
fn a_tray_incident_opens_its_project_s_health_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());
    let (sender, received) = mpsc::channel();
    NavigateRequested::listen(app.app.handle(), move |event| {
        let _ = sender.send(event.payload.0);
    });
    tray::handle_menu(app.app.handle(), &format!("{}7", tray::INCIDENT_PREFIX));
    let path = received
        .recv_timeout(Duration::from_secs(5))
        .expect("a navigation within 5 s");
    assert_eq!(path, "/projects/7/health");
}
