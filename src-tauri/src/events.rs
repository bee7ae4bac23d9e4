//! Typed events pushed to the UI.

use std::sync::Arc;

use quantum_ci::{CiEvent, CiRun, Emit, Interest};
use quantum_datasources::{DatasourceEvent, DatasourceStatus};
use quantum_health::HealthEvent;
use quantum_kernel::audit::AuditAction;
use quantum_kernel::events::Change;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::{error::RecvError, Receiver};

use crate::state::{AppState, DockerStatus};
use crate::{notify, tray, window};

/// Something the user can see changed in the store; views refetch what they show.
#[derive(Clone, Debug, Serialize, Deserialize, Type, Event)]
pub struct DataChanged(pub Change);

/// A datasource's status, pull progress or port changed, or Docker came or went.
#[derive(Clone, Debug, Serialize, Deserialize, Type, Event)]
pub struct DatasourceChanged(pub DatasourceEvent);

/// What the CI watcher found: the overview, the run the window shows, a run's end, its state.
#[derive(Clone, Debug, Serialize, Type, Event)]
pub struct CiChanged(pub CiEvent);

/// The shell asks the window to show a page (the tray's incident items): a path of the UI's router.
#[derive(Clone, Debug, Serialize, Deserialize, Type, Event)]
pub struct NavigateRequested(pub String);

/// A project's scan changed by itself (a file it looks for came, changed or went): the page
/// showing it refetches.
#[derive(Clone, Debug, Serialize, Deserialize, Type, Event)]
pub struct ProjectScanChanged(pub i64);

/// A health check ran, or an incident opened or closed: the Health page refetches.
#[derive(Clone, Debug, Serialize, Type, Event)]
pub struct HealthChanged(pub HealthEvent);

/// Where the CI watchers send their news: to the window, and a run of the folder's branch that
/// finishes while the window is not in front to the desktop and the tray.
pub fn ci_emitter<R: Runtime>(app: AppHandle<R>) -> Emit {
    Arc::new(move |event| {
        if let CiEvent::Finished { project_id, run } = &event {
            let (app, project_id, run) = (app.clone(), *project_id, run.clone());
            tauri::async_runtime::spawn(async move { ci_finished(&app, project_id, &run).await });
        }
        if let Err(error) = CiChanged(event).emit(&app) {
            tracing::warn!(%error, "a CI event could not be sent to the window");
        }
    })
}

/// Starts watching a project's CI (or tells its watcher what the window looks at).
pub fn watch_ci(state: &AppState, project_id: i64, interest: Interest) {
    if let Some(emit) = state.ci_emit.get() {
        state.ci.watch(project_id, interest, Arc::clone(emit));
    }
}

/// Watches every project that has a CI repository, slowly until a page asks for more.
pub fn watch_all_ci<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        match state.ci.watched_projects().await {
            Ok(projects) => {
                for project_id in projects {
                    watch_ci(&state, project_id, Interest::default());
                }
            }
            Err(error) => tracing::warn!(%error, "the CI repositories could not be read"),
        }
    });
}

async fn ci_finished<R: Runtime>(app: &AppHandle<R>, project_id: i64, run: &CiRun) {
    let state = app.state::<AppState>();
    let Ok(project) = quantum_kernel::projects::get(&state.store, project_id).await else {
        return;
    };
    // Its JUnit artifacts join the test history, so that CI's failures sit beside local runs.
    match crate::commands::ci::import_tests(&state, project_id, run.id).await {
        Ok(_) => {}
        Err(error) if error.code == "ci.no_reports" => {}
        Err(error) => {
            tracing::warn!(message = %error.message, "a CI run's test results could not be read")
        }
    }
    let notice = notify::ci_run_notice(&project.name, run);
    *state
        .ci_last
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) =
        Some(format!("{}: {}", notice.title, notice.body));
    refresh_tray(app).await;
    if !window::in_front(app) {
        notify::send(app, notice);
    }
}

/// Relays the core's committed changes and datasource events to the UI and the tray.
pub fn forward<R: Runtime>(
    app: AppHandle<R>,
    changes: Receiver<Change>,
    datasource_events: Receiver<DatasourceEvent>,
) {
    let relay_app = app.clone();
    relay(changes, move |change| {
        let app = relay_app.clone();
        async move {
            if change.action == AuditAction::TestRun {
                notify_test_run(&app, change.resource_id).await;
            }
            if matches!(
                change.action,
                AuditAction::DeployRelease | AuditAction::DeployRollback
            ) {
                notify_release(&app, change.resource_id).await;
            }
            if let Err(error) = DataChanged(change).emit(&app) {
                tracing::warn!(%error, "a change could not be sent to the window");
            }
            refresh_tray(&app).await;
        }
    });
    relay(datasource_events, move |event| {
        let app = app.clone();
        async move {
            if let DatasourceEvent::Docker {
                available,
                message,
                endpoint,
            } = &event
            {
                *app.state::<AppState>()
                    .docker
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = DockerStatus {
                    available: Some(*available),
                    message: message.clone(),
                    endpoint: endpoint.clone(),
                };
            }
            let refreshes_tray = matches!(event, DatasourceEvent::Status { .. });
            if let DatasourceEvent::Status { id, status, reason } = &event {
                notify_status(&app, *id, *status, reason.as_deref()).await;
            }
            if let Err(error) = DatasourceChanged(event).emit(&app) {
                tracing::warn!(%error, "a datasource event could not be sent to the window");
            }
            if refreshes_tray {
                refresh_tray(&app).await;
            }
        }
    });
}

/// A failure the user is not looking at reaches them as a desktop notification.
async fn notify_status<R: Runtime>(
    app: &AppHandle<R>,
    id: i64,
    status: DatasourceStatus,
    reason: Option<&str>,
) {
    if status != DatasourceStatus::Error || window::in_front(app) {
        return;
    }
    let Ok(datasource) = app.state::<AppState>().datasources.get(id).await else {
        return;
    };
    if let Some(notice) = notify::datasource_notice(&datasource.name, status, reason) {
        notify::send(app, notice);
    }
}

/// A finished test run, told through the desktop when the window is not in front.
async fn notify_test_run<R: Runtime>(app: &AppHandle<R>, run_id: i64) {
    if window::in_front(app) {
        return;
    }
    let state = app.state::<AppState>();
    let Ok(detail) = quantum_testruns::history::get(&state.store, run_id).await else {
        return;
    };
    let Ok(project) = quantum_kernel::projects::get(&state.store, detail.run.project_id).await
    else {
        return;
    };
    notify::send(app, notify::test_run_notice(&project.name, &detail.run));
}

/// A finished deploy or rollback, told through the desktop when the window is not in front.
async fn notify_release<R: Runtime>(app: &AppHandle<R>, release_id: i64) {
    if window::in_front(app) {
        return;
    }
    let state = app.state::<AppState>();
    let Ok(release) = state.core.deploys.release(release_id).await else {
        return;
    };
    let Ok(project) = quantum_kernel::projects::get(&state.store, release.project_id).await else {
        return;
    };
    notify::send(app, notify::release_notice(&project.name, &release));
}

async fn refresh_tray<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    tray::refresh(app, &state.store, &state.datasources).await;
}

fn relay<T, F, Fut>(mut receiver: Receiver<T>, mut handle: F)
where
    T: Clone + Send + 'static,
    F: FnMut(T) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tauri::async_runtime::spawn(async move {
        loop {
            match receiver.recv().await {
                Ok(item) => handle(item).await,
                // Fell behind a burst: the views refetch anyway on the next event.
                Err(RecvError::Lagged(skipped)) => tracing::debug!(skipped, "event relay lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// What the `quantum` command line does on this data dir reaches the window and tray as the
/// app's own changes do (the core's change feed, followed while the app runs).
pub fn follow_command_line<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let data_dir = app.state::<AppState>().data_dir.clone();
    match quantum_core::feed::follow(&data_dir, move |item| {
        quantum_core::feed::relay(&handle.state::<AppState>(), item);
    }) {
        Ok(follower) => {
            app.manage(std::sync::Mutex::new(follower));
        }
        Err(error) => {
            tracing::warn!(%error, "what the command line does will show after a refresh only");
        }
    }
}

/// Relays the rescans the project folders' watchers made.
pub fn forward_scans<R: Runtime>(app: &AppHandle<R>) {
    let changed = app.state::<AppState>().scans.subscribe();
    let app = app.clone();
    relay(changed, move |project_id| {
        let app = app.clone();
        async move {
            if let Err(error) = ProjectScanChanged(project_id).emit(&app) {
                tracing::warn!(%error, "a scan's change could not be sent to the window");
            }
        }
    });
}

/// Starts the project's health checks and relays what they find: every result to the window; an
/// incident to the desktop (a notification) and the tray (its error state) as well.
pub fn forward_health<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    tauri::async_runtime::spawn(quantum_core::health::watch(&state.core));
    tauri::async_runtime::spawn(quantum_core::health::post_incidents(&state.core));
    tauri::async_runtime::spawn(quantum_core::metrics::watch(
        &state.core,
        quantum_core::metrics::interval(),
    ));
    let events = state.health.subscribe();
    let app = app.clone();
    relay(events, move |event| {
        let app = app.clone();
        async move {
            if let HealthEvent::IncidentOpened { incident }
            | HealthEvent::IncidentClosed { incident } = &event
            {
                let state = app.state::<AppState>();
                if matches!(event, HealthEvent::IncidentOpened { .. }) {
                    let project = quantum_kernel::projects::get(&state.store, incident.project_id)
                        .await
                        .map(|p| p.name)
                        .unwrap_or_default();
                    notify::send(&app, notify::incident_notice(&project, incident));
                }
                tray::refresh(&app, &state.store, &state.datasources).await;
            }
            // Each check's result only refreshes a page: a hidden window is not sent them (every
            // event evaluated in the web process grows it a little), and reads afresh when shown.
            if matches!(event, HealthEvent::Checked { .. }) && !window::is_shown(&app) {
                return;
            }
            if let Err(error) = HealthChanged(event).emit(&app) {
                tracing::warn!(%error, "a health event could not be sent to the window");
            }
        }
    });
}
