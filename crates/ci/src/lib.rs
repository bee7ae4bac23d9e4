//! A project's CI/CD status: its GitHub Actions or GitLab CI repository, found from the folder's
//! git remotes and confirmed by the user; runs, jobs, logs, re-run, cancel, dispatch and
//! artifacts through one [`Provider`] interface with two implementations; and a watcher that
//! polls with conditional requests — often while the user looks or a run is under way, rarely
//! otherwise, not at all while the network is gone — and pushes what changed.

mod artifacts;
mod error;
mod github;
mod gitlab;
mod http;
pub mod log;
mod model;
mod provider;
mod remote;
mod repository;
pub mod tokens;
mod watch;
mod workflow_file;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};

use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::{projects, Store};
use quantum_secrets::{Secret, SecretStore};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;

pub use error::{Error, Result};
pub use github::GitHub;
pub use gitlab::GitLab;
pub use http::RequestCounts;
pub use model::{
    CiArtifact, CiJob, CiRepository, CiRun, CiRunDetail, CiStatus, CiStep, CiWorkflow,
    DispatchRequest, ProviderKind, RateBudget, RunFilter, RunPage, TokenSource,
};
pub use provider::{Provider, Read, RepositoryFacts};
pub use remote::{repository_of, RemoteCandidate};
pub use watch::{CiEvent, Emit, Interest, Intervals, WatchState, WatchStatus};

/// Runs listed per page, and read per branch for the overview.
pub const PAGE_SIZE: u32 = 30;

/// What the CI page's set-up shows: the repository chosen, and those the remotes name.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiSetup {
    pub folder: Option<String>,
    pub repository: Option<CiRepository>,
    pub candidates: Vec<RemoteCandidate>,
}

/// Where a provider's token could come from, for a form.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenStatus {
    /// The keychain holds one for this host.
    pub stored: bool,
    /// `gh` or `glab` has one for this host.
    pub cli: bool,
}

/// What the set-up form sends. A token typed in goes to the keychain once the provider took it.
#[derive(Clone, Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryInput {
    pub project_id: i64,
    pub provider: ProviderKind,
    pub api_url: String,
    pub path: String,
    pub token_source: TokenSource,
    pub token: Option<String>,
}

/// The latest run of a workflow on the folder's branch and on the default branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowLatest {
    pub workflow: CiWorkflow,
    pub current: Option<CiRun>,
    pub default: Option<CiRun>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiOverview {
    pub repository: CiRepository,
    pub web_url: String,
    pub default_branch: String,
    /// The branch checked out in the project's folder.
    pub current_branch: Option<String>,
    pub workflows: Vec<WorkflowLatest>,
}

/// A provider for a repository, and what it said of the repository once.
struct Handle {
    repository: CiRepository,
    provider: Arc<dyn Provider>,
    facts: tokio::sync::OnceCell<RepositoryFacts>,
    workflows: tokio::sync::Mutex<Vec<CiWorkflow>>,
}

pub struct Ci {
    store: Store,
    secrets: Arc<SecretStore>,
    handles: Mutex<HashMap<i64, Arc<Handle>>>,
    watches: Mutex<HashMap<i64, watch::Watch>>,
    /// The last overview each project's reads gave: what the dashboard shows without a request.
    seen: Mutex<HashMap<i64, CiOverview>>,
    intervals: Intervals,
}

/// A project's last overview, as the watcher last read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeenOverview {
    pub project_id: i64,
    pub overview: CiOverview,
}

impl Ci {
    pub fn new(store: Store, secrets: Arc<SecretStore>, intervals: Intervals) -> Arc<Self> {
        Arc::new(Self {
            store,
            secrets,
            handles: Mutex::new(HashMap::new()),
            watches: Mutex::new(HashMap::new()),
            seen: Mutex::new(HashMap::new()),
            intervals,
        })
    }

    pub async fn setup(&self, project_id: i64) -> Result<CiSetup> {
        let folder = projects::get(&self.store, project_id).await?.folder;
        let candidates = match &folder {
            Some(folder) => remote::candidates(Path::new(folder)).await,
            None => Vec::new(),
        };
        Ok(CiSetup {
            folder,
            repository: repository::get(&self.store, project_id).await?,
            candidates,
        })
    }

    pub async fn token_status(&self, provider: ProviderKind, api_url: &str) -> Result<TokenStatus> {
        let secrets = Arc::clone(&self.secrets);
        let account = tokens::account(provider, api_url);
        let stored = tokio::task::spawn_blocking(move || secrets.find(&account))
            .await
            .map_err(|error| Error::io("the keychain", std::io::Error::other(error)))??
            .is_some();
        let cli = tokens::cli_token(provider, &tokens::web_host(provider, api_url))
            .await
            .is_some();
        Ok(TokenStatus { stored, cli })
    }

    /// Checks the repository with the token (it must see the repository), then keeps the token
    /// and the setting.
    pub async fn set_repository(&self, input: RepositoryInput) -> Result<CiRepository> {
        let project = projects::get(&self.store, input.project_id).await?;
        let repository = validate(&input)?;
        let typed = input
            .token
            .as_deref()
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .map(Secret::new);
        let token = match (&typed, repository.token_source) {
            (Some(token), TokenSource::Keychain) => token.clone(),
            _ => tokens::token(&self.secrets, &repository).await?,
        };
        let provider = connect(&repository, &token)?;
        provider.repository().await?;
        if let Some(token) = typed.filter(|_| repository.token_source == TokenSource::Keychain) {
            let secrets = Arc::clone(&self.secrets);
            let account = tokens::account(repository.provider, &repository.api_url);
            tokio::task::spawn_blocking(move || secrets.set(&account, &token))
                .await
                .map_err(|error| Error::io("the keychain", std::io::Error::other(error)))??;
        }
        let mut tx = self.store.begin_write().await?;
        repository::put(&mut tx, input.project_id, &repository).await?;
        audit::record(
            &mut tx,
            NewAuditEntry {
                action: AuditAction::CiRepositorySet,
                resource_type: ResourceType::Project,
                resource_id: input.project_id,
                resource_name: &project.name,
                project_id: Some(input.project_id),
                details: json!({
                    "provider": repository.provider.as_str(),
                    "apiUrl": repository.api_url,
                    "path": repository.path,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.forget(input.project_id);
        self.store.announce(Change {
            action: AuditAction::CiRepositorySet,
            resource_type: ResourceType::Project,
            resource_id: input.project_id,
        });
        Ok(repository)
    }

    /// The projects with a CI repository, to watch from the start.
    pub async fn watched_projects(&self) -> Result<Vec<i64>> {
        repository::projects(&self.store).await
    }

    /// Forgets the project's CI repository (its token stays in the keychain for other projects
    /// of the same host). Whether there was one.
    pub async fn remove_repository(&self, project_id: i64) -> Result<bool> {
        let project = projects::get(&self.store, project_id).await?;
        let mut tx = self.store.begin_write().await?;
        if !repository::delete(&mut tx, project_id).await? {
            return Ok(false);
        }
        audit::record(
            &mut tx,
            NewAuditEntry {
                action: AuditAction::CiRepositorySet,
                resource_type: ResourceType::Project,
                resource_id: project_id,
                resource_name: &project.name,
                project_id: Some(project_id),
                details: json!({ "removed": true }),
            },
        )
        .await?;
        tx.commit().await?;
        self.unwatch(project_id);
        self.store.announce(Change {
            action: AuditAction::CiRepositorySet,
            resource_type: ResourceType::Project,
            resource_id: project_id,
        });
        Ok(true)
    }

    /// The provider of the project's repository, made once and kept (with its ETags).
    async fn handle(&self, project_id: i64) -> Result<Arc<Handle>> {
        if let Some(handle) = lock(&self.handles).get(&project_id) {
            return Ok(Arc::clone(handle));
        }
        let repository = repository::get(&self.store, project_id)
            .await?
            .ok_or(Error::NoRepository)?;
        let token = tokens::token(&self.secrets, &repository).await?;
        let handle = Arc::new(Handle {
            provider: connect(&repository, &token)?,
            repository,
            facts: tokio::sync::OnceCell::new(),
            workflows: tokio::sync::Mutex::new(Vec::new()),
        });
        lock(&self.handles).insert(project_id, Arc::clone(&handle));
        Ok(handle)
    }

    /// Drops the kept provider: the next call reads the setting and the token again.
    pub fn forget(&self, project_id: i64) {
        lock(&self.handles).remove(&project_id);
    }

    /// The provider kept for the project, without making one (no setting or keychain read).
    fn kept(&self, project_id: i64) -> Option<Arc<dyn Provider>> {
        lock(&self.handles)
            .get(&project_id)
            .map(|handle| Arc::clone(&handle.provider))
    }

    pub async fn provider(&self, project_id: i64) -> Result<Arc<dyn Provider>> {
        Ok(Arc::clone(&self.handle(project_id).await?.provider))
    }

    /// The latest run of each workflow on the folder's branch and the default branch.
    pub async fn overview(&self, project_id: i64) -> Result<Read<CiOverview>> {
        let handle = self.handle(project_id).await?;
        let provider = &handle.provider;
        let facts = handle
            .facts
            .get_or_try_init(|| provider.repository())
            .await?;
        let folder = projects::get(&self.store, project_id).await?.folder;
        let current_branch = match &folder {
            Some(folder) => remote::current_branch(Path::new(folder)).await,
            None => None,
        };
        let mut changed = false;
        let mut branch_runs = |read: Read<RunPage>| {
            changed |= read.changed;
            read.value.runs
        };
        let default_runs = branch_runs(
            provider
                .runs(&branch(&facts.default_branch), 1, PAGE_SIZE)
                .await?,
        );
        let current_runs = match &current_branch {
            Some(current) if *current != facts.default_branch => {
                branch_runs(provider.runs(&branch(current), 1, PAGE_SIZE).await?)
            }
            _ => default_runs.clone(),
        };
        let workflows = {
            let mut known = handle.workflows.lock().await;
            let unknown = |run: &CiRun| {
                run.workflow_id
                    .is_some_and(|id| !known.iter().any(|w| w.id == id))
            };
            if known.is_empty() || default_runs.iter().chain(&current_runs).any(unknown) {
                *known = provider.workflows().await?.value;
            }
            known.clone()
        };
        let latest = |runs: &[CiRun], workflow: &CiWorkflow| {
            runs.iter()
                .find(|run| run.workflow_id == Some(workflow.id))
                .cloned()
        };
        let workflows = workflows
            .into_iter()
            .map(|workflow| WorkflowLatest {
                current: latest(&current_runs, &workflow),
                default: latest(&default_runs, &workflow),
                workflow,
            })
            .collect();
        let overview = CiOverview {
            repository: handle.repository.clone(),
            web_url: facts.web_url.clone(),
            default_branch: facts.default_branch.clone(),
            current_branch,
            workflows,
        };
        lock(&self.seen).insert(project_id, overview.clone());
        Ok(Read {
            value: overview,
            changed,
        })
    }

    /// Each project's last overview read (by the watcher or a page), without asking the
    /// provider: none for a project not read since the app started.
    pub fn seen_overviews(&self) -> Vec<SeenOverview> {
        let mut seen: Vec<SeenOverview> = lock(&self.seen)
            .iter()
            .map(|(&project_id, overview)| SeenOverview {
                project_id,
                overview: overview.clone(),
            })
            .collect();
        seen.sort_by_key(|s| s.project_id);
        seen
    }

    pub async fn runs(&self, project_id: i64, filter: &RunFilter, page: u32) -> Result<RunPage> {
        let provider = self.provider(project_id).await?;
        Ok(provider.runs(filter, page.max(1), PAGE_SIZE).await?.value)
    }

    /// A run and its jobs; on GitHub their `needs` from the workflow file in the project's
    /// folder (the folder's version of it, which may differ from the run's commit).
    pub async fn run_detail(&self, project_id: i64, run_id: i64) -> Result<Read<CiRunDetail>> {
        let provider = self.provider(project_id).await?;
        let (run, mut jobs) = tokio::try_join!(provider.run(run_id), provider.jobs(run_id))?;
        let folder = projects::get(&self.store, project_id).await?.folder;
        if let (Some(folder), Some(path)) = (folder, run.value.workflow_path.as_deref()) {
            let file = Path::new(&folder).join(path);
            if let Ok(text) = tokio::fs::read_to_string(&file).await {
                workflow_file::fill_needs(&mut jobs.value, &text);
            }
        }
        Ok(Read {
            changed: run.changed || jobs.changed,
            value: CiRunDetail {
                run: run.value,
                jobs: jobs.value,
            },
        })
    }

    pub async fn job_log(&self, project_id: i64, job_id: i64) -> Result<String> {
        self.provider(project_id).await?.job_log(job_id).await
    }

    pub async fn artifacts(&self, project_id: i64, run_id: i64) -> Result<Vec<CiArtifact>> {
        self.provider(project_id).await?.artifacts(run_id).await
    }

    /// Writes an artifact's zip, or a run's logs archive (`artifact_id` none), to `path`.
    pub async fn download(
        &self,
        project_id: i64,
        run_id: i64,
        artifact_id: Option<i64>,
        path: PathBuf,
    ) -> Result<u64> {
        let provider = self.provider(project_id).await?;
        let bytes = match artifact_id {
            Some(id) => provider.artifact(id).await?,
            None => provider.run_logs_archive(run_id).await?,
        };
        let size = bytes.len() as u64;
        // A path the user chose in the save dialog: a link there is theirs.
        tokio::task::spawn_blocking(move || {
            use quantum_kernel::files::{replace, NewFile, Within};
            replace(&path, &bytes, NewFile::Shared, Within::TRUSTED)
        })
        .await
        .map_err(|error| Error::io("the download", std::io::Error::other(error)))??;
        Ok(size)
    }

    pub async fn rerun(&self, project_id: i64, run_id: i64, failed_only: bool) -> Result<()> {
        let provider = self.provider(project_id).await?;
        provider.rerun(run_id, failed_only).await?;
        self.audit(
            project_id,
            AuditAction::CiRerun,
            run_id,
            json!({ "failedOnly": failed_only }),
        )
        .await
    }

    pub async fn cancel(&self, project_id: i64, run_id: i64) -> Result<()> {
        self.provider(project_id).await?.cancel(run_id).await?;
        self.audit(project_id, AuditAction::CiCancel, run_id, json!({}))
            .await
    }

    pub async fn dispatch(
        &self,
        project_id: i64,
        request: &DispatchRequest,
    ) -> Result<Option<i64>> {
        if request.git_ref.trim().is_empty() {
            return Err(Error::validation(
                "ci.no_ref",
                "gitRef",
                "Choose the branch or tag to run on.",
            ));
        }
        let started = self.provider(project_id).await?.dispatch(request).await?;
        let names: Vec<&str> = request
            .inputs
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        self.audit(
            project_id,
            AuditAction::CiDispatch,
            started.unwrap_or_default(),
            json!({ "ref": request.git_ref, "workflowId": request.workflow_id, "inputs": names }),
        )
        .await?;
        Ok(started)
    }

    /// Records what was done on the provider (already done: the entry says so, in its own
    /// transaction).
    async fn audit(
        &self,
        project_id: i64,
        action: AuditAction,
        run_id: i64,
        details: serde_json::Value,
    ) -> Result<()> {
        let handle = self.handle(project_id).await?;
        let name = if run_id == 0 {
            handle.repository.path.clone()
        } else {
            format!("{} {run_id}", handle.repository.path)
        };
        let mut tx = self.store.begin_write().await?;
        audit::record(
            &mut tx,
            NewAuditEntry {
                action,
                resource_type: ResourceType::CiRun,
                resource_id: run_id,
                resource_name: &name,
                project_id: Some(project_id),
                details,
            },
        )
        .await?;
        tx.commit().await?;
        self.store.announce(Change {
            action,
            resource_type: ResourceType::CiRun,
            resource_id: run_id,
        });
        Ok(())
    }

    /// Request counts and the budget of the project's provider, for the benchmark and the page.
    pub async fn counts(&self, project_id: i64) -> Result<(RequestCounts, Option<RateBudget>)> {
        let provider = self.provider(project_id).await?;
        Ok((provider.counts(), provider.budget()))
    }
}

fn branch(name: &str) -> RunFilter {
    RunFilter {
        branch: Some(name.to_owned()),
        ..RunFilter::default()
    }
}

/// The provider for a repository with its token.
pub fn connect(repository: &CiRepository, token: &Secret) -> Result<Arc<dyn Provider>> {
    Ok(match repository.provider {
        ProviderKind::Github => {
            Arc::new(GitHub::new(&repository.api_url, &repository.path, token)?)
        }
        ProviderKind::Gitlab => {
            Arc::new(GitLab::new(&repository.api_url, &repository.path, token)?)
        }
    })
}

fn validate(input: &RepositoryInput) -> Result<CiRepository> {
    let api_url = input.api_url.trim().trim_end_matches('/').to_owned();
    let host = api_url
        .strip_prefix("https://")
        .or_else(|| api_url.strip_prefix("http://"))
        .unwrap_or_default();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(Error::validation(
            "ci.api_url_invalid",
            "apiUrl",
            "The API address starts with https:// — for example https://api.github.com or https://gitlab.com/api/v4.",
        ));
    }
    let path = input
        .path
        .trim()
        .trim_matches('/')
        .trim_end_matches(".git")
        .to_owned();
    let parts = path.split('/').filter(|part| !part.is_empty()).count();
    let fits = match input.provider {
        ProviderKind::Github => parts == 2,
        ProviderKind::Gitlab => parts >= 2,
    };
    if !fits || parts != path.split('/').count() || path.contains(char::is_whitespace) {
        return Err(Error::validation(
            "ci.path_invalid",
            "path",
            match input.provider {
                ProviderKind::Github => "A GitHub repository is owner/name, for example acme/shop.",
                ProviderKind::Gitlab => {
                    "A GitLab project is group/name, for example acme/platform/shop."
                }
            },
        ));
    }
    Ok(CiRepository {
        provider: input.provider,
        api_url,
        path,
        token_source: input.token_source,
    })
}

/// URL-encodes a query value or a GitLab project path.
pub(crate) fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// rustls needs one process-wide crypto provider; ring is the one in the tree (sqlx's).
pub(crate) fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another part of the process may have installed one first: that one serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
