//! The tray icon: the datasources' aggregate state in its icon and tooltip, and a menu to open the
//! app, start or stop each datasource, or quit.

use std::sync::Arc;

use quantum_datasources::{Datasource, DatasourceStatus, Datasources};
use quantum_kernel::{projects, Store};
use tauri::image::Image;
use tauri::menu::{IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::NavigateRequested;
use crate::state::AppState;
use crate::window;
use tauri_specta::Event;

const TRAY_ID: &str = "main";

/// The tray menu's fixed items. The menu is native, so tests drive [`handle_menu`] with these ids.
pub const MENU_OPEN: &str = "open";
pub const MENU_QUIT: &str = "quit";
const START_PREFIX: &str = "datasource-start:";
const STOP_PREFIX: &str = "datasource-stop:";
/// An open incident's item; the id is its project's.
pub const INCIDENT_PREFIX: &str = "incident:";
/// Incidents listed in the menu at most (the tooltip counts them all).
const MENU_INCIDENTS: usize = 5;
/// A rollback to a kept release, by the release's id.
const ROLLBACK_PREFIX: &str = "rollback:";

/// What the tray icon shows, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    /// No datasource runs.
    Idle,
    AllReady,
    Starting,
    Error,
}

impl Aggregate {
    pub fn of(datasources: &[Datasource]) -> Self {
        let any = |f: fn(DatasourceStatus) -> bool| datasources.iter().any(|d| f(d.status));
        if any(|s| matches!(s, DatasourceStatus::Error | DatasourceStatus::Missing)) {
            Self::Error
        } else if any(DatasourceStatus::is_busy) {
            Self::Starting
        } else if any(|s| s == DatasourceStatus::Ready) {
            Self::AllReady
        } else {
            Self::Idle
        }
    }

    fn icon(self) -> &'static [u8] {
        match self {
            Self::Idle => include_bytes!("../../icons/tray/idle.png"),
            Self::AllReady => include_bytes!("../../icons/tray/ready.png"),
            Self::Starting => include_bytes!("../../icons/tray/busy.png"),
            Self::Error => include_bytes!("../../icons/tray/error.png"),
        }
    }
}

pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(Aggregate::Idle.icon())?)
        .menu(&menu(app, &[], &[], &[], None, None)?)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| handle_menu(app, event.id().as_ref()))
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                window::show_main(tray.app_handle());
            }
        })
        .build(app)?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        refresh(&app, &state.store, &state.datasources).await;
    });
    Ok(())
}

fn menu<R: Runtime>(
    app: &AppHandle<R>,
    datasources: &[Datasource],
    incidents: &[(i64, String)],
    rollbacks: &[(i64, String)],
    last_tests: Option<&str>,
    last_ci: Option<&str>,
) -> tauri::Result<Menu<R>> {
    let open = MenuItem::with_id(app, MENU_OPEN, "Open Quantum Admin", true, None::<&str>)?;
    // Each open incident, opening its project's Health page.
    let incident_items = incidents
        .iter()
        .take(MENU_INCIDENTS)
        .map(|(project_id, text)| {
            MenuItem::with_id(
                app,
                format!("{INCIDENT_PREFIX}{project_id}"),
                text,
                true,
                None::<&str>,
            )
        })
        .collect::<tauri::Result<Vec<_>>>()?;
    // One-click rollbacks, confirmed in a native dialog naming both versions.
    let rollback_items = rollbacks
        .iter()
        .map(|(release_id, text)| {
            MenuItem::with_id(
                app,
                format!("{ROLLBACK_PREFIX}{release_id}"),
                text,
                true,
                None::<&str>,
            )
        })
        .collect::<tauri::Result<Vec<_>>>()?;
    // The last test run's outcome, for reading only (it opens the window like Open).
    let tests = last_tests
        .map(|text| MenuItem::with_id(app, MENU_OPEN, text, true, None::<&str>))
        .transpose()?;
    let ci = last_ci
        .map(|text| MenuItem::with_id(app, MENU_OPEN, text, true, None::<&str>))
        .transpose()?;
    let quit = MenuItem::with_id(app, MENU_QUIT, "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let mut submenus = Vec::new();
    for datasource in datasources {
        let running = !matches!(
            datasource.status,
            DatasourceStatus::Stopped | DatasourceStatus::Error | DatasourceStatus::Missing
        );
        let start = MenuItem::with_id(
            app,
            format!("{START_PREFIX}{}", datasource.id),
            "Start",
            !running && datasource.status != DatasourceStatus::Missing,
            None::<&str>,
        )?;
        let stop = MenuItem::with_id(
            app,
            format!("{STOP_PREFIX}{}", datasource.id),
            "Stop",
            running,
            None::<&str>,
        )?;
        let title = format!("{} — {}", datasource.name, status_label(datasource.status));
        submenus.push(Submenu::with_items(app, title, true, &[&start, &stop])?);
    }
    let mut items: Vec<&dyn IsMenuItem<R>> = vec![&open];
    items.extend(incident_items.iter().map(|i| i as &dyn IsMenuItem<R>));
    if let Some(tests) = &tests {
        items.push(tests);
    }
    if let Some(ci) = &ci {
        items.push(ci);
    }
    items.extend(rollback_items.iter().map(|i| i as &dyn IsMenuItem<R>));
    items.push(&separator);
    items.extend(submenus.iter().map(|s| s as &dyn IsMenuItem<R>));
    let second_separator = PredefinedMenuItem::separator(app)?;
    if !submenus.is_empty() {
        items.push(&second_separator);
    }
    items.push(&quit);
    Menu::with_items(app, &items)
}

/// What a tray menu item does, by its id.
pub fn handle_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let datasource_action =
        |prefix: &str| id.strip_prefix(prefix).and_then(|n| n.parse::<i64>().ok());
    if let Some(datasource_id) = datasource_action(START_PREFIX) {
        let datasources = Arc::clone(&app.state::<AppState>().datasources);
        tauri::async_runtime::spawn(async move {
            if let Err(error) = datasources.start(datasource_id).await {
                tracing::warn!(%error, "start from the tray failed");
            }
        });
    } else if let Some(datasource_id) = datasource_action(STOP_PREFIX) {
        let datasources = Arc::clone(&app.state::<AppState>().datasources);
        tauri::async_runtime::spawn(async move {
            if let Err(error) = datasources.stop(datasource_id).await {
                tracing::warn!(%error, "stop from the tray failed");
            }
        });
    } else if let Some(release_id) = datasource_action(ROLLBACK_PREFIX) {
        confirm_rollback(app, release_id);
    } else if let Some(project_id) = datasource_action(INCIDENT_PREFIX) {
        window::show_main(app);
        let page = NavigateRequested(format!("/projects/{project_id}/health"));
        if let Err(error) = page.emit(app) {
            tracing::warn!(%error, "the window could not be sent to the Health page");
        }
    } else {
        match id {
            MENU_OPEN => window::show_main(app),
            MENU_QUIT => {
                crate::quit::quit(app);
            }
            other => tracing::warn!(id = other, "unknown tray menu item"),
        }
    }
}

/// Asks in a native dialog, naming both versions, then rolls back in the background; the end is
/// told by the desktop notification every rollback sends, a refusal by one of its own.
fn confirm_rollback<R: Runtime>(app: &AppHandle<R>, release_id: i64) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let offers = quantum_core::deploy::rollback_offers(&state.core)
            .await
            .unwrap_or_default();
        let Some(offer) = offers.into_iter().find(|o| o.target.id == release_id) else {
            return;
        };
        let (live, target) = (&offer.live, &offer.target);
        let mut question = format!(
            "{} serves {} of {} now. Release {} ({}) starts from its kept image and takes the \
             traffic once its health check passes; {} is stopped and kept.",
            live.version,
            live.environment,
            offer.project_name,
            target.id,
            target.version,
            live.version
        );
        // The tray rolls back code only: restoring data loses writes, which needs the page's
        // fuller confirmation.
        let data =
            quantum_core::deploy_data::rollback_data(&state.core, target.project_id, target.id)
                .await
                .unwrap_or_default();
        for restorable in data {
            question.push_str(&format!(
                " {}'s data stays as it is: the migrations of {} are not undone (restore its snapshot with the rollback from the Deploy page).",
                restorable.datasource,
                restorable.releases.join(", ")
            ));
        }
        let on_answer = {
            let app = app.clone();
            let (project_id, project_name) = (target.project_id, offer.project_name.clone());
            move |confirmed: bool| {
                if !confirmed {
                    return;
                }
                tauri::async_runtime::spawn(async move {
                    let state = app.state::<AppState>();
                    let done = quantum_core::deploy::rollback(
                        &state.core,
                        project_id,
                        release_id,
                        quantum_core::deploy::DataChoice::Keep,
                        &|_| {},
                    )
                    .await;
                    if let Err(error) = done {
                        tracing::warn!(%error.message, "rollback from the tray refused");
                        crate::notify::send(
                            &app,
                            crate::notify::Notice {
                                title: format!("{project_name}: no rollback"),
                                body: error.message,
                            },
                        );
                    }
                });
            }
        };
        app.dialog()
            .message(question)
            .title(format!(
                "Roll back {} to {}?",
                live.environment, target.version
            ))
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                format!("Roll back to {}", target.version),
                "Cancel".to_owned(),
            ))
            .show(on_answer);
    });
}

fn status_label(status: DatasourceStatus) -> &'static str {
    match status {
        DatasourceStatus::Creating => "creating",
        DatasourceStatus::Pulling => "pulling image",
        DatasourceStatus::Starting => "starting",
        DatasourceStatus::Configuring => "configuring",
        DatasourceStatus::Ready => "ready",
        DatasourceStatus::Stopped => "stopped",
        DatasourceStatus::Error => "error",
        DatasourceStatus::Missing => "missing",
        DatasourceStatus::Snapshotting => "taking a snapshot",
        DatasourceStatus::Restoring => "restoring a snapshot",
    }
}

/// The tooltip: projects, and datasources by status.
pub fn tooltip(project_count: i64, datasources: &[Datasource]) -> String {
    let projects = match project_count {
        0 => "no projects yet".to_owned(),
        1 => "1 project".to_owned(),
        n => format!("{n} projects"),
    };
    if datasources.is_empty() {
        return format!("Quantum Admin — {projects}");
    }
    let mut counts: Vec<(DatasourceStatus, usize)> = Vec::new();
    for datasource in datasources {
        match counts.iter_mut().find(|(s, _)| *s == datasource.status) {
            Some((_, n)) => *n += 1,
            None => counts.push((datasource.status, 1)),
        }
    }
    let statuses = counts
        .iter()
        .map(|(status, n)| format!("{n} {}", status_label(*status)))
        .collect::<Vec<_>>()
        .join(", ");
    let databases = if datasources.len() == 1 {
        "database"
    } else {
        "databases"
    };
    format!(
        "Quantum Admin — {projects}, {} {databases}: {statuses}",
        datasources.len()
    )
}

/// Says in the tooltip that the app quits once the running operations end.
pub fn show_quitting<R: Runtime>(app: &AppHandle<R>) {
    let shown = app.tray_by_id(TRAY_ID).map(|tray| {
        tray.set_tooltip(Some(
            "Quantum Admin — quitting once the running operations end (Quit again to quit now)",
        ))
    });
    if let Some(Err(error)) = shown {
        tracing::warn!(%error, "the tray could not say the app is quitting");
    }
}

/// Brings the tray's icon, tooltip and menu up to date with the store.
pub async fn refresh<R: Runtime>(app: &AppHandle<R>, store: &Store, datasources: &Datasources) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let (Ok(count), Ok(list)) = (projects::count(store).await, datasources.list(None).await) else {
        tracing::warn!("the tray could not read the store");
        return;
    };
    let incidents = quantum_health::history::open_count(store)
        .await
        .unwrap_or(0);
    // An open incident is an error the user should see as one.
    let aggregate = if incidents > 0 {
        Aggregate::Error
    } else {
        Aggregate::of(&list)
    };
    let mut tip = tooltip(count, &list);
    if incidents > 0 {
        tip.push_str(&format!(
            "; {incidents} open incident{}",
            if incidents == 1 { "" } else { "s" }
        ));
    }
    let incident_items = incident_items(store).await;
    let rollbacks = rollback_items(app).await;
    let last_tests = last_test_run(store).await;
    let last_ci = app
        .state::<AppState>()
        .ci_last
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let updated = Image::from_bytes(aggregate.icon())
        .and_then(|icon| tray.set_icon(Some(icon)))
        .and_then(|()| tray.set_tooltip(Some(tip)))
        .and_then(|()| {
            menu(
                app,
                &list,
                &incident_items,
                &rollbacks,
                last_tests.as_deref(),
                last_ci.as_deref(),
            )
        })
        .and_then(|menu| tray.set_menu(Some(menu)));
    if let Err(error) = updated {
        tracing::warn!(%error, "the tray could not be updated");
    }
}

/// "api is down in shop" for each open incident, with its project.
async fn incident_items(store: &Store) -> Vec<(i64, String)> {
    let mut items = Vec::new();
    for incident in quantum_health::history::open_incidents(store)
        .await
        .unwrap_or_default()
    {
        let project = projects::get(store, incident.project_id)
            .await
            .map(|p| p.name)
            .unwrap_or_default();
        items.push((
            incident.project_id,
            format!("⚠ {} is down in {project}", incident.check),
        ));
    }
    items
}

/// "Roll back shop · staging to v2 (v3 serves)" for each environment with a kept release before
/// its live one.
async fn rollback_items<R: Runtime>(app: &AppHandle<R>) -> Vec<(i64, String)> {
    let Some(state) = app.try_state::<AppState>() else {
        return Vec::new();
    };
    quantum_core::deploy::rollback_offers(&state.core)
        .await
        .unwrap_or_default()
        .into_iter()
        .take(MENU_INCIDENTS)
        .map(|offer| {
            (
                offer.target.id,
                format!(
                    "↶ Roll back {} · {} to {} ({} serves)",
                    offer.project_name,
                    offer.live.environment,
                    offer.target.version,
                    offer.live.version
                ),
            )
        })
        .collect()
}

/// "Tests in shop: 2 failed, 40 passed", from the latest run of any project.
async fn last_test_run(store: &Store) -> Option<String> {
    let run = quantum_testruns::history::latest(store).await.ok()??;
    let project = projects::get(store, run.project_id).await.ok()?;
    let notice = crate::notify::test_run_notice(&project.name, &run);
    Some(format!("{}: {}", notice.title, notice.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tooltip_counts_projects_in_words() {
        assert_eq!(tooltip(0, &[]), "Quantum Admin — no projects yet");
        assert_eq!(tooltip(1, &[]), "Quantum Admin — 1 project");
        assert_eq!(tooltip(12, &[]), "Quantum Admin — 12 projects");
    }
}
