//! A project's CI: its repository (found from the folder's remotes, confirmed by the user, its
//! token in the keychain or the provider's command line), the latest runs, a run's jobs and a
//! job's log, re-run, cancel, dispatch, artifacts. The watcher's news reaches the window as
//! `CiChanged` events (see `ci_watch`).

use quantum_ci::log::{self, CiLogLine};
use quantum_ci::{
    CiArtifact, CiOverview, CiRepository, CiRunDetail, CiSetup, DispatchRequest, Interest,
    ProviderKind, RepositoryInput, RunFilter, RunPage, TokenStatus,
};
use quantum_kernel::ErrorInfo;
use quantum_testruns::history::{self, CiResults};
use quantum_testruns::report::parse_junit;
use tauri::State;

use super::CommandResult;
use crate::events;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn ci_setup(state: State<'_, AppState>, project_id: i64) -> CommandResult<CiSetup> {
    Ok(state.ci.setup(project_id).await?)
}

/// Whether the keychain or the provider's command line holds a token for the host.
#[tauri::command]
#[specta::specta]
pub async fn ci_token_status(
    state: State<'_, AppState>,
    provider: ProviderKind,
    api_url: String,
) -> CommandResult<TokenStatus> {
    Ok(state.ci.token_status(provider, &api_url).await?)
}

/// Checks the repository with the token, keeps both, and starts watching it.
#[tauri::command]
#[specta::specta]
pub async fn ci_repository_set(
    state: State<'_, AppState>,
    input: RepositoryInput,
) -> CommandResult<CiRepository> {
    let project_id = input.project_id;
    let repository = state.ci.set_repository(input).await?;
    state.ci.unwatch(project_id);
    events::watch_ci(&state, project_id, Interest::default());
    Ok(repository)
}

#[tauri::command]
#[specta::specta]
pub async fn ci_repository_remove(
    state: State<'_, AppState>,
    project_id: i64,
) -> CommandResult<bool> {
    Ok(state.ci.remove_repository(project_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ci_overview(state: State<'_, AppState>, project_id: i64) -> CommandResult<CiOverview> {
    Ok(state.ci.overview(project_id).await?.value)
}

#[tauri::command]
#[specta::specta]
pub async fn ci_runs(
    state: State<'_, AppState>,
    project_id: i64,
    filter: RunFilter,
    page: u32,
) -> CommandResult<RunPage> {
    Ok(state.ci.runs(project_id, &filter, page).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ci_run(
    state: State<'_, AppState>,
    project_id: i64,
    run_id: i64,
) -> CommandResult<CiRunDetail> {
    Ok(state.ci.run_detail(project_id, run_id).await?.value)
}

/// A job's log, its groups marked for folding.
#[tauri::command]
#[specta::specta]
pub async fn ci_job_log(
    state: State<'_, AppState>,
    project_id: i64,
    job_id: i64,
) -> CommandResult<Vec<CiLogLine>> {
    let raw = state.ci.job_log(project_id, job_id).await?;
    Ok(log::parse(&raw))
}

/// What the window looks at: the watcher polls every few seconds while the CI page is open,
/// and reads the run it shows.
#[tauri::command]
#[specta::specta]
pub fn ci_watch(state: State<'_, AppState>, project_id: i64, interest: Interest) {
    events::watch_ci(&state, project_id, interest);
}

#[tauri::command]
#[specta::specta]
pub async fn ci_rerun(
    state: State<'_, AppState>,
    project_id: i64,
    run_id: i64,
    failed_only: bool,
) -> CommandResult<()> {
    Ok(state.ci.rerun(project_id, run_id, failed_only).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ci_cancel(
    state: State<'_, AppState>,
    project_id: i64,
    run_id: i64,
) -> CommandResult<()> {
    Ok(state.ci.cancel(project_id, run_id).await?)
}

/// Starts a workflow (GitHub) or the pipeline (GitLab); the new run's id when the provider says.
#[tauri::command]
#[specta::specta]
pub async fn ci_dispatch(
    state: State<'_, AppState>,
    project_id: i64,
    request: DispatchRequest,
) -> CommandResult<Option<i64>> {
    Ok(state.ci.dispatch(project_id, &request).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ci_artifacts(
    state: State<'_, AppState>,
    project_id: i64,
    run_id: i64,
) -> CommandResult<Vec<CiArtifact>> {
    Ok(state.ci.artifacts(project_id, run_id).await?)
}

/// Reads the JUnit reports among a finished run's artifacts into the project's test history,
/// beside its local runs (once per CI run); the history run's id, none when it was read before.
#[tauri::command]
#[specta::specta]
pub async fn ci_import_tests(
    state: State<'_, AppState>,
    project_id: i64,
    run_id: i64,
) -> CommandResult<Option<i64>> {
    import_tests(&state, project_id, run_id).await
}

pub async fn import_tests(
    state: &AppState,
    project_id: i64,
    run_id: i64,
) -> CommandResult<Option<i64>> {
    let run = state.ci.run_detail(project_id, run_id).await?.value.run;
    let reports = state.ci.junit_reports(project_id, run_id).await?;
    if reports.is_empty() {
        return Err(ErrorInfo::new(
            "ci.no_reports",
            "This run has no JUnit report among its artifacts. Upload the test report as an artifact (a junit.xml) to see its tests here.",
        ));
    }
    let mut results = Vec::new();
    for (artifact, report) in reports {
        results.extend(parse_junit(&report, &artifact).map_err(|error| {
            ErrorInfo::new(
                "ci.report_invalid",
                format!("The report in the artifact “{artifact}” is not JUnit XML the app can read: {error}"),
            )
        })?);
    }
    let results = CiResults {
        ci_run_id: run.id,
        label: format!("{} #{}", run.workflow_name, run.number),
        results,
        commit: run.sha,
        branch: run.branch,
        keep: state.settings().test_runs_kept,
    };
    Ok(history::import_ci(&state.store, project_id, results).await?)
}

/// Saves an artifact's zip, or the run's logs (`artifact_id` none), where the user chose.
#[tauri::command]
#[specta::specta]
pub async fn ci_download(
    state: State<'_, AppState>,
    project_id: i64,
    run_id: i64,
    artifact_id: Option<i64>,
    path: String,
) -> CommandResult<f64> {
    let path = state.dialogs.writable(&state.store, &path, "path").await?;
    let bytes = state
        .ci
        .download(project_id, run_id, artifact_id, path)
        .await?;
    Ok(bytes as f64)
}
