//! The Tauri shell: typed commands over the domain crates in `crates/`, events, tray, window and
//! plugins.
//! Domain logic lives in the core; this crate only adapts it.

mod commands;
pub mod dialogs;
pub mod events;
mod instance;
mod logging;
mod login;
pub mod notify;
mod paths;
pub mod quit;
mod rendering;
mod settings;
mod state;
pub mod tray;
pub mod updater;
mod window;

use std::path::Path;

use tauri::{App, Manager, Runtime};
use tauri_specta::{collect_commands, collect_events};

pub use state::AppState;

/// Every command the UI can use, listed once for both their users: `tauri::generate_handler`
/// for the window, `tauri_specta::collect_commands` for `ui/src/bindings.ts`, so the two cannot
/// drift apart. The window's handler is Tauri's own: tauri-specta's builds the TypeScript types
/// of every command at start, which is memory and code the running app never needs.
macro_rules! all_commands {
    ($($list:tt)+) => {
        $($list)+![
            commands::app::app_info,
            commands::app::app_open_docs,
            commands::audit::audit_page,
            commands::config::config_get,
            commands::config::config_validate,
            commands::config::config_complete,
            commands::config::config_format,
            commands::config::config_save,
            commands::config::config_history,
            commands::config::config_version_text,
            commands::config::config_restore,
            commands::dashboard::dashboard_summary,
            commands::dashboard::dashboard_system,
            commands::dashboard::dashboard_test_runs,
            commands::dashboard::dashboard_ci,
            commands::dashboard::project_start_stack,
            commands::dialogs::dialog_pick,
            commands::dialogs::dialog_confirm_save,
            commands::datasources::engine_list,
            commands::datasources::datasource_list,
            commands::datasources::datasource_create,
            commands::datasources::datasource_start,
            commands::datasources::datasource_stop,
            commands::datasources::datasource_restart,
            commands::datasources::datasource_recreate,
            commands::datasources::datasource_move_port,
            commands::datasources::datasource_remove,
            commands::datasources::datasource_copy_connection,
            commands::datasources::datasource_orphan_volumes,
            commands::datasources::datasource_env_preview,
            commands::datasources::datasource_env_write,
            commands::streams::datasource_logs,
            commands::streams::datasource_stats,
            commands::streams::stream_stop,
            commands::app::docker_status,
            commands::app::app_quit,
            commands::projects::project_list,
            commands::projects::project_get,
            commands::projects::project_create,
            commands::projects::project_update,
            commands::projects::project_delete,
            commands::connections::connection_list,
            commands::connections::connection_test,
            commands::connections::connection_create,
            commands::connections::connection_remove,
            commands::console::console_run,
            commands::console::console_page,
            commands::console::console_cancel,
            commands::console::console_close,
            commands::console::console_export,
            commands::console::console_history,
            commands::console::console_saved_list,
            commands::console::console_saved_write,
            commands::console::console_saved_remove,
            commands::keyspace::keyspace_level,
            commands::keyspace::keyspace_value,
            commands::collections::collections_database,
            commands::collections::collections_sample,
            commands::migrations::migrations_status,
            commands::migrations::migrations_adopt,
            commands::migrations::migrations_dry_run,
            commands::migrations::migrations_apply,
            commands::migrations::migrations_rollback,
            commands::migrations::migrations_create,
            commands::migrations::migrations_file_read,
            commands::migrations::migrations_file_write,
            commands::migrations::migrations_drift,
            commands::migrations::migrations_from_drift,
            commands::copy::copy_preview,
            commands::copy::copy_run,
            commands::dashboard::dashboard_deploys,
            commands::deploy::deploy_environments,
            commands::deploy::deploy_history,
            commands::deploy::deploy_log,
            commands::deploy::deploy_connect,
            commands::deploy::deploy_set_ssh_passphrase,
            commands::deploy::docker_contexts,
            commands::deploy::kube_contexts,
            commands::deploy::deploy_set_kubernetes,
            commands::deploy::deploy_set_target,
            commands::deploy::deploy_datasource_choices,
            commands::deploy::deploy_set_datasources,
            commands::deploy::deploy_datasource_states,
            commands::deploy::deploy_datasources_start,
            commands::deploy::deploy_datasource_remove,
            commands::deploy::deploy_start,
            commands::deploy::deploy_rollback,
            commands::deploy::deploy_rollback_data,
            commands::deploy::deploy_registry_login,
            commands::deploy::deploy_set_registry_login,
            commands::snapshots::snapshots_list,
            commands::snapshots::snapshots_take,
            commands::snapshots::snapshots_restore,
            commands::snapshots::snapshots_delete,
            commands::schema::schema_inspect,
            commands::schema::schema_diagram_layout,
            commands::schema::schema_export,
            commands::schema::schema_export_copy,
            commands::schema::schema_export_write,
            commands::schema::schema_image_write,
            commands::settings::settings_get,
            commands::settings::settings_update,
            commands::variables::variables_list,
            commands::variables::environment_add,
            commands::variables::variable_set,
            commands::variables::variable_remove,
            commands::variables::secret_reveal,
            commands::variables::secret_copy,
            commands::variables::dotenv_import_preview,
            commands::variables::dotenv_import,
            commands::variables::dotenv_export_preview,
            commands::variables::dotenv_export_write,
            commands::variables::bundle_export,
            commands::variables::bundle_import,
            commands::variables::secret_store_status,
            commands::variables::vault_create,
            commands::variables::vault_unlock,
            commands::updates::updates_check,
            commands::updates::updates_pending,
            commands::updates::updates_install,
            commands::testruns::tests_suites,
            commands::testruns::tests_suite_save,
            commands::testruns::tests_suite_remove,
            commands::testruns::tests_run,
            commands::testruns::tests_cancel,
            commands::testruns::tests_runs,
            commands::testruns::tests_run_detail,
            commands::testruns::tests_compare,
            commands::testruns::tests_flaky,
            commands::testruns::tests_trend,
            commands::testruns::tests_test_history,
            commands::testruns::tests_open_in_editor,
            commands::updates::updates_skip,
            commands::ci::ci_setup,
            commands::ci::ci_token_status,
            commands::ci::ci_repository_set,
            commands::ci::ci_repository_remove,
            commands::ci::ci_overview,
            commands::ci::ci_runs,
            commands::ci::ci_run,
            commands::ci::ci_job_log,
            commands::ci::ci_watch,
            commands::ci::ci_rerun,
            commands::ci::ci_cancel,
            commands::ci::ci_dispatch,
            commands::ci::ci_artifacts,
            commands::ci::ci_download,
            commands::ci::ci_import_tests,
            commands::scan::project_scan,
            commands::compose::compose_export_preview,
            commands::compose::compose_export_write,
            commands::compose::compose_import_preview,
            commands::compose::compose_import_apply,
            commands::templates::templates_list,
            commands::templates::templates_add_folder,
            commands::templates::templates_remove_folder,
            commands::templates::templates_preview,
            commands::templates::templates_create,
            commands::health::health_overview,
            commands::health::health_check_now,
            commands::health::health_pause,
            commands::health::health_resume,
            commands::health::health_check_save,
            commands::health::health_check_remove,
            commands::health::health_webhook,
            commands::health::health_webhook_set,
            commands::health::health_webhook_test,
            commands::health::health_open_incidents,
            commands::health::health_report_write,
            commands::health::health_report_pdf_write,
            commands::metrics::metrics_history,
            commands::logs::project_logs,
            commands::logs::project_logs_export,
            commands::resources::resources_ports,
            commands::resources::resources_processes,
            commands::resources::resources_process_end,
            commands::resources::resources_docker,
            commands::resources::resources_image_pull,
            commands::resources::resources_image_remove,
            commands::resources::resources_volume_remove,
            commands::resources::resources_network_remove,
            commands::resources::resources_container_remove,
            commands::resources::resources_prune_plan,
            commands::resources::resources_prune,
        ]
    };
}

/// The events the core pushes to the window.
fn with_events<R: Runtime>(builder: tauri_specta::Builder<R>) -> tauri_specta::Builder<R> {
    builder.events(collect_events![
        events::DataChanged,
        events::DatasourceChanged,
        events::CiChanged,
        events::ProjectScanChanged,
        events::HealthChanged,
        events::NavigateRequested,
        updater::UpdateAvailable
    ])
}

/// Every command and event with their types, for the bindings.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    with_events(tauri_specta::Builder::<R>::new().commands(all_commands!(collect_commands)))
        // Ids are SQLite rowids: far below 2^53, so a JS number holds them exactly.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type: our types serialize and deserialize alike.
        .disable_serde_phases()
}

/// Writes the TypeScript bindings the UI imports.
pub fn export_bindings(path: &Path) -> Result<(), String> {
    let header = "// Generated by tauri-specta from src-tauri; do not edit. Regenerate with `npm run bindings`.\n";
    specta_builder::<tauri::Wry>()
        .export(
            specta_typescript::Typescript::default().header(header),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Plugins, commands and window handling, on top of a runtime's builder (the mock one in tests).
pub fn configure<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        // Used from Rust only (commands/dialogs.rs): the window has no dialog permission.
        .plugin(tauri_plugin_dialog::init())
        .plugin(login::plugin())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(all_commands!(tauri::generate_handler))
        .on_window_event(window::on_window_event)
}

/// Opens the store, starts logging and relays changes. The tray needs a desktop session, so the
/// IPC tests leave it out.
pub fn setup<R: Runtime>(
    app: &mut App<R>,
    with_tray: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    // Events only: what typed emits need, without the commands' types.
    with_events(tauri_specta::Builder::<R>::new()).mount_events(app);
    let state = state::AppState::initialise(app.handle())?;
    let changes = state.store.subscribe();
    let datasource_events = state.datasources.subscribe();
    let datasources = std::sync::Arc::clone(&state.datasources);
    let configs = std::sync::Arc::clone(&state.configs);
    let snapshots = std::sync::Arc::clone(&state.snapshots);
    let testruns = std::sync::Arc::clone(&state.testruns);
    let deploys = std::sync::Arc::clone(&state.deploys);
    state.refresh_login_item();
    let _ = state.ci_emit.set(events::ci_emitter(app.handle().clone()));
    app.manage(state);
    app.manage(quit::Quitter::new(app.handle()));
    updater::init(app.handle())?;
    if with_tray {
        tray::create(app.handle())?;
    }
    events::forward(app.handle().clone(), changes, datasource_events);
    events::follow_command_line(app.handle());
    events::forward_scans(app.handle());
    events::forward_health(app.handle());
    tauri::async_runtime::spawn(datasources.watch_docker());
    // Copies and restores a crash cut short leave volumes their rows name: removed once.
    tauri::async_runtime::spawn(async move {
        if let Err(error) = snapshots.reconcile().await {
            tracing::warn!(%error, "unfinished snapshots could not be cleaned up");
        }
    });
    // Runs a crash cut short end as errors, not as runs that never end.
    tauri::async_runtime::spawn(async move {
        if let Err(error) = testruns.settle_interrupted().await {
            tracing::warn!(%error, "interrupted test runs could not be settled");
        }
    });
    // Deploys a crash cut short end as interrupted, or as live if the proxy was switched.
    tauri::async_runtime::spawn(async move {
        if let Err(error) = deploys.reconcile().await {
            tracing::warn!(%error, "interrupted deploys could not be settled");
        }
    });
    tauri::async_runtime::spawn(configs.watch());
    events::watch_all_ci(app.handle());
    Ok(())
}

/// The desktop app: one instance per data dir, its window where the user left it.
pub fn run() {
    // Before GTK or any thread starts: it sets an environment variable WebKitGTK reads.
    let compositing = rendering::configure();
    let context = tauri::generate_context!();
    let hidden = instance::wants_hidden(&std::env::args().collect::<Vec<_>>());
    // The single-instance plugin goes first: a second launch hands over and exits before the
    // other plugins and the setup run.
    let builder = tauri::Builder::default().plugin(instance::plugin(&context.config().identifier));
    let app = configure(builder).setup(move |app| {
        let paths = paths::Paths::resolve(app.handle())?;
        app.handle().plugin(window::state_plugin(&paths.data_dir))?;
        if let Err(error) = setup(app, true) {
            startup_failed(app.handle(), error.as_ref());
            return Ok(());
        }
        tracing::info!(?compositing, "WebKitGTK's accelerated compositing");
        Ok(window::create_main(app, hidden)?)
    });
    if let Err(error) = app.run(context) {
        if instance::start_again_after(&error) {
            instance::start_again();
        }
        eprintln!("Quantum Admin could not start: {error}");
        std::process::exit(1);
    }
}

/// Says in a window why the app cannot start (a database from a newer version, an unusable data
/// folder) and what to do, then quits once it is read: a desktop app has no terminal to print to.
fn startup_failed<R: Runtime>(app: &tauri::AppHandle<R>, error: &dyn std::error::Error) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
    eprintln!("Quantum Admin could not start: {error}");
    tracing::error!(%error, "could not start");
    let handle = app.clone();
    app.dialog()
        .message(error.to_string())
        .title("Quantum Admin could not start")
        .kind(MessageDialogKind::Error)
        .show(move |_| handle.exit(1));
}
