//! Running a project's tests: its suites (found in its folder, declared in quantum.toml), a run
//! streamed over a Channel with the datasources' and the chosen environment's variables in its
//! environment, the history, a run's results, two runs compared, flaky tests, the trend, and a
//! failure's file opened in the user's editor.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quantum_config::TestSuiteDecl;
use quantum_core::testruns;
use quantum_datasources::{Datasource, DatasourceStatus};
use quantum_kernel::{projects, ErrorInfo};
use quantum_testruns::history::{self, Comparison, FlakyTest, Outcome, TrendPoint};
use quantum_testruns::{RunEvent, RunOrigin, RunRequest, Suite, TestRef, TestRun, TestRunDetail};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::ipc::Channel;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// A project's suites, and what a run would need first.
#[derive(Clone, Debug, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestSuites {
    pub suites: Vec<Suite>,
    /// The project's folder, where suites are looked for; none when the project has none.
    pub folder: Option<String>,
    /// The run under way, if any.
    pub running: Option<i64>,
    /// Datasources that are stopped: their variables would be missing from the run unless they
    /// are started first.
    pub stopped_datasources: Vec<Datasource>,
}

#[tauri::command]
#[specta::specta]
pub async fn tests_suites(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<TestSuites> {
    let project = projects::get(&state.store, project_id).await?;
    let suites = match &project.folder {
        Some(folder) => testruns::suites(&state, project_id, Path::new(folder)).await?,
        None => Vec::new(),
    };
    let stopped_datasources = state
        .datasources
        .list(Some(project_id))
        .await?
        .into_iter()
        .filter(|d| d.status == DatasourceStatus::Stopped)
        .collect();
    Ok(TestSuites {
        suites,
        folder: project.folder,
        running: state.testruns.running_run(project_id),
        stopped_datasources,
    })
}

/// Adds or changes a suite in the project's quantum.toml (comments and the rest kept); a suite
/// of the name found in the folder is replaced by it.
#[tauri::command]
#[specta::specta]
pub async fn tests_suite_save(
    state: State<'_, AppState>,
    project_id: i64,
    suite: TestSuiteInput,
) -> CommandResult<()> {
    let command = shell_words::split(&suite.command).map_err(|error| {
        ErrorInfo::new(
            "config.invalid_command",
            format!("The command cannot be split into words ({error}). Check its quotes."),
        )
        .with_field("command")
    })?;
    let declared = TestSuiteDecl {
        name: suite.name.trim().to_owned(),
        command,
        dir: suite.dir.filter(|d| !d.trim().is_empty()),
        env: suite.env,
        format: suite.format,
        report: suite.report.filter(|r| !r.trim().is_empty()),
        timeout: suite.timeout,
    };
    Ok(state.configs.set_test_suite(project_id, &declared).await?)
}

/// A suite as the form sends it: the command line as typed.
#[derive(Clone, Debug, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestSuiteInput {
    pub name: String,
    pub command: String,
    pub dir: Option<String>,
    pub env: std::collections::BTreeMap<String, String>,
    pub format: Option<String>,
    pub report: Option<String>,
    pub timeout: Option<u32>,
}

/// Removes a suite from the project's quantum.toml.
#[tauri::command]
#[specta::specta]
pub async fn tests_suite_remove(
    state: State<'_, AppState>,
    project_id: i64,
    name: String,
) -> CommandResult<()> {
    Ok(state.configs.remove_test_suite(project_id, &name).await?)
}

/// What the UI asks for: the tests, the environment whose variables to add, and whether to start
/// the project's stopped datasources first.
#[derive(Clone, Debug, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestRunInput {
    pub request: RunRequest,
    pub environment: Option<String>,
    pub start_datasources: bool,
}

/// The lines the Tests page's terminal keeps (its scrollback, `TERMINAL_LINES` in
/// `pacedWriter.ts`): a run's output reaches the window cut to as many per batch.
const TERMINAL_LINES: usize = 5_000;

/// Runs the chosen tests, pushing output and results as they come; ends with the finished run
/// (kept in the history and the activity log).
#[tauri::command]
#[specta::specta]
pub async fn tests_run(
    state: State<'_, AppState>,
    input: TestRunInput,
    on_event: Channel<RunEvent>,
) -> CommandResult<TestRun> {
    let mut context = testruns::run_context(
        &state,
        input.request.project_id,
        input.environment.as_deref(),
        input.start_datasources,
        state.settings().test_runs_kept,
        RunOrigin::App,
    )
    .await?;
    context.output_lines = Some(TERMINAL_LINES);
    let emit = Arc::new(move |event: RunEvent| {
        // A closed window stops listening; the run goes on and is kept.
        let _ = on_event.send(event);
    });
    Ok(state.testruns.run(&input.request, context, emit).await?)
}

/// Stops the project's run under way; `false` when none runs.
#[tauri::command]
#[specta::specta]
pub fn tests_cancel(state: State<'_, AppState>, project_id: i64) -> bool {
    state.testruns.cancel(project_id)
}

#[tauri::command]
#[specta::specta]
pub async fn tests_runs(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<TestRun>> {
    Ok(history::list(&state.store, project_id, 1000).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn tests_run_detail(
    state: State<'_, AppState>,
    run_id: i64,
) -> CommandResult<TestRunDetail> {
    Ok(history::get(&state.store, run_id).await?)
}

/// `newer` against `older`: new failures, fixed, still failing, slower by half again or more.
#[tauri::command]
#[specta::specta]
pub async fn tests_compare(
    state: State<'_, AppState>,
    older: i64,
    newer: i64,
) -> CommandResult<Comparison> {
    Ok(history::compare(&state.store, older, newer, 1.5).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn tests_flaky(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<FlakyTest>> {
    Ok(history::flaky(&state.store, project_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn tests_trend(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<Vec<TrendPoint>> {
    Ok(history::trend(&state.store, project_id).await?)
}

/// A test's outcomes in the last 30 runs that ran it, newest first.
#[tauri::command]
#[specta::specta]
pub async fn tests_test_history(
    state: State<'_, AppState>,
    project_id: i64,
    test: TestRef,
) -> CommandResult<Vec<Outcome>> {
    Ok(history::test_history(&state.store, project_id, &test, 30).await?)
}

/// Opens `file` (relative to the project's folder, or absolute inside it) at `line` with the
/// editor command of the settings.
#[tauri::command]
#[specta::specta]
pub async fn tests_open_in_editor(
    state: State<'_, AppState>,
    project_id: i64,
    file: String,
    line: u32,
) -> CommandResult<()> {
    let project = projects::get(&state.store, project_id).await?;
    let folder = PathBuf::from(
        project
            .folder
            .ok_or_else(|| ErrorInfo::from(quantum_testruns::Error::NoFolder))?,
    );
    let path = folder.join(&file);
    let inside = path
        .canonicalize()
        .ok()
        .zip(folder.canonicalize().ok())
        .is_some_and(|(path, folder)| path.starts_with(folder));
    if !inside {
        return Err(ErrorInfo::new(
            "testrun.file_outside",
            format!("{file} is not a file in the project's folder, so it was not opened."),
        ));
    }
    let template = state
        .settings()
        .editor_command
        .unwrap_or_else(|| "code --goto {file}:{line}".to_owned());
    let words = shell_words::split(&template).map_err(|error| {
        ErrorInfo::new(
            "validation.invalid_editor_command",
            format!("The editor command cannot be split into words: {error}. Fix it in Settings."),
        )
    })?;
    let words: Vec<String> = words
        .iter()
        .map(|word| {
            word.replace("{file}", &path.display().to_string())
                .replace("{line}", &line.to_string())
        })
        .collect();
    let Some((program, args)) = words.split_first() else {
        return Err(ErrorInfo::new(
            "validation.invalid_editor_command",
            "The editor command is empty. Set one in Settings.",
        ));
    };
    tokio::process::Command::new(program)
        .args(args)
        .current_dir(&folder)
        .spawn()
        .map(drop)
        .map_err(|error| {
            ErrorInfo::new(
                "testrun.editor_failed",
                format!("“{program}” could not be started ({error}). Set the editor command in Settings."),
            )
        })
}
