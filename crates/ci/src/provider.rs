//! The one interface both providers implement. Reads come back with whether they changed since
//! the last time the same thing was asked (a 304 from a conditional request), so that the watcher
//! knows what to tell the window.

use async_trait::async_trait;

use crate::error::Result;
use crate::http::RequestCounts;
use crate::model::{
    CiArtifact, CiJob, CiRun, CiWorkflow, DispatchRequest, ProviderKind, RateBudget, RunFilter,
    RunPage,
};

/// A read, and whether the provider's answer differed from the one before.
#[derive(Clone, Debug)]
pub struct Read<T> {
    pub value: T,
    pub changed: bool,
}

/// The repository's own facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryFacts {
    pub default_branch: String,
    pub web_url: String,
}

#[async_trait]
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;
    /// The API's host, for messages.
    fn host(&self) -> &str;
    async fn repository(&self) -> Result<RepositoryFacts>;
    async fn workflows(&self) -> Result<Read<Vec<CiWorkflow>>>;
    /// A page of runs, newest first; pages count from 1.
    async fn runs(&self, filter: &RunFilter, page: u32, per_page: u32) -> Result<Read<RunPage>>;
    async fn run(&self, run_id: i64) -> Result<Read<CiRun>>;
    async fn jobs(&self, run_id: i64) -> Result<Read<Vec<CiJob>>>;
    /// A job's log as the runner wrote it (ANSI colours, section markers and all).
    async fn job_log(&self, job_id: i64) -> Result<String>;
    /// Every job's log of a run in one zip.
    async fn run_logs_archive(&self, run_id: i64) -> Result<Vec<u8>>;
    async fn rerun(&self, run_id: i64, failed_only: bool) -> Result<()>;
    async fn cancel(&self, run_id: i64) -> Result<()>;
    /// Starts a workflow (GitHub) or the pipeline (GitLab); the new run's id when the provider
    /// says it.
    async fn dispatch(&self, request: &DispatchRequest) -> Result<Option<i64>>;
    async fn artifacts(&self, run_id: i64) -> Result<Vec<CiArtifact>>;
    async fn artifact(&self, artifact_id: i64) -> Result<Vec<u8>>;
    /// The rate limit as last stated.
    fn budget(&self) -> Option<RateBudget>;
    fn counts(&self) -> RequestCounts;
}
