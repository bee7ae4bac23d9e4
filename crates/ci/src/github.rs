//! GitHub Actions through octocrab: its client carries the token (only to the API's host: a log
//! blob it is redirected to gets none), the base URI (GitHub Enterprise's `/api/v3`), redirects
//! and timeouts. Reads go through its raw GET, which takes `If-None-Match`; the payloads are read
//! into lenient structs of our own, because octocrab's models refuse runs whose fields GitHub
//! leaves null (a job's `started_at` while queued, a run's `head_branch` from some events).

use std::time::Duration;

use async_trait::async_trait;
use http::header::{HeaderMap, HeaderValue, ACCEPT, IF_NONE_MATCH};
use http_body_util::combinators::BoxBody;
use http_body_util::BodyExt;
use octocrab::Octocrab;
use quantum_secrets::Secret;
use serde::Deserialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::http::{Conditional, Exchange, Fresh, RequestCounts};
use crate::model::{
    CiArtifact, CiJob, CiRun, CiStatus, CiStep, CiWorkflow, DispatchRequest, ProviderKind,
    RateBudget, RunFilter, RunPage,
};
use crate::provider::{Provider, Read, RepositoryFacts};

pub struct GitHub {
    client: Octocrab,
    host: String,
    /// `/repos/owner/repo`
    root: String,
    cache: Conditional,
}

impl GitHub {
    pub fn new(api_url: &str, path: &str, token: &Secret) -> Result<Self> {
        crate::install_crypto();
        let host = host_of(api_url);
        let client = Octocrab::builder()
            .base_uri(api_url)
            .and_then(|builder| {
                builder
                    .personal_token(token.expose().to_owned())
                    .set_connect_timeout(Some(Duration::from_secs(10)))
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .build()
            })
            .map_err(|error| Error::Protocol {
                host: host.clone(),
                detail: format!("the API address {api_url} is not usable: {error}"),
            })?;
        Ok(Self {
            client,
            host,
            root: format!("/repos/{path}"),
            cache: Conditional::default(),
        })
    }

    async fn exchange(
        &self,
        response: octocrab::Result<http::Response<BoxBody<bytes::Bytes, octocrab::Error>>>,
    ) -> Result<Exchange> {
        let response = response.map_err(|error| self.offline(error))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|error| self.offline(error))?
            .to_bytes();
        Ok(Exchange {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    fn offline(&self, error: octocrab::Error) -> Error {
        Error::Offline {
            host: self.host.clone(),
            detail: first_line(&error.to_string()),
        }
    }

    /// A conditional GET of a path under the repository.
    async fn get(&self, path: &str) -> Result<Fresh> {
        let url = format!("{}{path}", self.root);
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        if let Some(etag) = self.cache.etag_for(&url) {
            if let Ok(value) = HeaderValue::from_str(&etag) {
                headers.insert(IF_NONE_MATCH, value);
            }
        }
        let exchange = self
            .exchange(
                self.client
                    ._get_with_headers(url.as_str(), Some(headers))
                    .await,
            )
            .await?;
        self.cache.settle(&self.host, &url, exchange)
    }

    /// A GET of a file behind a redirect (a log, a zip): the client follows it.
    async fn download(&self, path: &str) -> Result<bytes::Bytes> {
        let url = format!("{}{path}", self.root);
        let exchange = self.exchange(self.client._get(url.as_str()).await).await?;
        self.cache.count(&exchange);
        Ok(self.cache.check(&self.host, exchange)?.body)
    }

    async fn post(&self, path: &str, body: Option<&serde_json::Value>) -> Result<Exchange> {
        let url = format!("{}{path}", self.root);
        let exchange = self
            .exchange(self.client._post(url.as_str(), body).await)
            .await?;
        self.cache.count(&exchange);
        self.cache.check(&self.host, exchange)
    }
}

#[async_trait]
impl Provider for GitHub {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Github
    }

    fn host(&self) -> &str {
        &self.host
    }

    async fn repository(&self) -> Result<RepositoryFacts> {
        #[derive(Deserialize)]
        struct Repo {
            default_branch: String,
            html_url: String,
        }
        let repo: Repo = self.get("").await?.json(&self.host)?;
        Ok(RepositoryFacts {
            default_branch: repo.default_branch,
            web_url: repo.html_url,
        })
    }

    async fn workflows(&self) -> Result<Read<Vec<CiWorkflow>>> {
        #[derive(Deserialize)]
        struct Workflows {
            workflows: Vec<CiWorkflow>,
        }
        let fresh = self.get("/actions/workflows?per_page=100").await?;
        let list: Workflows = fresh.json(&self.host)?;
        Ok(Read {
            value: list.workflows,
            changed: fresh.changed,
        })
    }

    async fn runs(&self, filter: &RunFilter, page: u32, per_page: u32) -> Result<Read<RunPage>> {
        #[derive(Deserialize)]
        struct Runs {
            total_count: u64,
            workflow_runs: Vec<RunPayload>,
        }
        let base = match filter.workflow_id {
            Some(id) => format!("/actions/workflows/{id}/runs"),
            None => "/actions/runs".to_owned(),
        };
        let mut query = vec![format!("per_page={per_page}"), format!("page={page}")];
        for (key, value) in [
            ("branch", &filter.branch),
            ("event", &filter.event),
            ("status", &filter.status),
            ("actor", &filter.actor),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                query.push(format!("{key}={}", crate::encode(value)));
            }
        }
        let fresh = self.get(&format!("{base}?{}", query.join("&"))).await?;
        let runs: Runs = fresh.json(&self.host)?;
        let more = u64::from(page) * u64::from(per_page) < runs.total_count;
        Ok(Read {
            value: RunPage {
                runs: runs
                    .workflow_runs
                    .into_iter()
                    .map(RunPayload::into_run)
                    .collect(),
                more,
            },
            changed: fresh.changed,
        })
    }

    async fn run(&self, run_id: i64) -> Result<Read<CiRun>> {
        let fresh = self.get(&format!("/actions/runs/{run_id}")).await?;
        let run: RunPayload = fresh.json(&self.host)?;
        Ok(Read {
            value: run.into_run(),
            changed: fresh.changed,
        })
    }

    async fn jobs(&self, run_id: i64) -> Result<Read<Vec<CiJob>>> {
        #[derive(Deserialize)]
        struct Jobs {
            jobs: Vec<JobPayload>,
        }
        let fresh = self
            .get(&format!(
                "/actions/runs/{run_id}/jobs?filter=latest&per_page=100"
            ))
            .await?;
        let jobs: Jobs = fresh.json(&self.host)?;
        Ok(Read {
            value: jobs.jobs.into_iter().map(JobPayload::into_job).collect(),
            changed: fresh.changed,
        })
    }

    async fn job_log(&self, job_id: i64) -> Result<String> {
        let body = self
            .download(&format!("/actions/jobs/{job_id}/logs"))
            .await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    async fn run_logs_archive(&self, run_id: i64) -> Result<Vec<u8>> {
        Ok(self
            .download(&format!("/actions/runs/{run_id}/logs"))
            .await?
            .to_vec())
    }

    async fn rerun(&self, run_id: i64, failed_only: bool) -> Result<()> {
        let action = if failed_only {
            "rerun-failed-jobs"
        } else {
            "rerun"
        };
        self.post(&format!("/actions/runs/{run_id}/{action}"), None)
            .await?;
        Ok(())
    }

    async fn cancel(&self, run_id: i64) -> Result<()> {
        self.post(&format!("/actions/runs/{run_id}/cancel"), None)
            .await?;
        Ok(())
    }

    async fn dispatch(&self, request: &DispatchRequest) -> Result<Option<i64>> {
        let Some(workflow) = request.workflow_id else {
            return Err(Error::validation(
                "ci.no_workflow",
                "workflow",
                "Choose the workflow to run.",
            ));
        };
        let inputs: serde_json::Map<String, serde_json::Value> = request
            .inputs
            .iter()
            .map(|(key, value)| (key.clone(), json!(value)))
            .collect();
        // GitHub answers with the new run's id when asked (since 2026); older servers say 204.
        let body = json!({ "ref": request.git_ref, "inputs": inputs, "return_run_details": true });
        let exchange = self
            .post(
                &format!("/actions/workflows/{workflow}/dispatches"),
                Some(&body),
            )
            .await?;
        let details: serde_json::Value = serde_json::from_slice(&exchange.body).unwrap_or_default();
        Ok(details["workflow_run_id"].as_i64())
    }

    async fn artifacts(&self, run_id: i64) -> Result<Vec<CiArtifact>> {
        #[derive(Deserialize)]
        struct Artifacts {
            artifacts: Vec<ArtifactPayload>,
        }
        #[derive(Deserialize)]
        struct ArtifactPayload {
            id: i64,
            name: String,
            size_in_bytes: f64,
            #[serde(default)]
            expired: bool,
        }
        let list: Artifacts = self
            .get(&format!("/actions/runs/{run_id}/artifacts?per_page=100"))
            .await?
            .json(&self.host)?;
        Ok(list
            .artifacts
            .into_iter()
            .map(|a| CiArtifact {
                id: a.id,
                name: a.name,
                size: a.size_in_bytes,
                expired: a.expired,
            })
            .collect())
    }

    async fn artifact(&self, artifact_id: i64) -> Result<Vec<u8>> {
        Ok(self
            .download(&format!("/actions/artifacts/{artifact_id}/zip"))
            .await?
            .to_vec())
    }

    fn budget(&self) -> Option<RateBudget> {
        self.cache.budget()
    }

    fn counts(&self) -> RequestCounts {
        self.cache.counts()
    }
}

#[derive(Deserialize)]
struct Login {
    login: String,
}

#[derive(Deserialize)]
struct RunPayload {
    id: i64,
    workflow_id: Option<i64>,
    name: Option<String>,
    display_title: Option<String>,
    path: Option<String>,
    run_number: i64,
    run_attempt: Option<u32>,
    head_branch: Option<String>,
    head_sha: String,
    event: String,
    status: Option<String>,
    conclusion: Option<String>,
    created_at: String,
    updated_at: String,
    run_started_at: Option<String>,
    html_url: String,
    actor: Option<Login>,
}

impl RunPayload {
    fn into_run(self) -> CiRun {
        CiRun {
            id: self.id,
            workflow_id: self.workflow_id,
            workflow_name: self.name.clone().unwrap_or_default(),
            workflow_path: self.path,
            number: self.run_number,
            attempt: self.run_attempt.unwrap_or(1),
            title: self.display_title.or(self.name).unwrap_or_default(),
            branch: self.head_branch.unwrap_or_default(),
            sha: self.head_sha,
            event: self.event,
            actor: self.actor.map(|a| a.login).unwrap_or_default(),
            status: CiStatus::of_github(
                self.status.as_deref().unwrap_or("queued"),
                self.conclusion.as_deref(),
            ),
            created_at: self.created_at,
            updated_at: self.updated_at,
            started_at: self.run_started_at,
            url: self.html_url,
        }
    }
}

#[derive(Deserialize)]
struct JobPayload {
    id: i64,
    name: String,
    status: String,
    conclusion: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
    html_url: Option<String>,
    #[serde(default)]
    steps: Vec<StepPayload>,
}

#[derive(Deserialize)]
struct StepPayload {
    number: i64,
    name: String,
    status: String,
    conclusion: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
}

impl JobPayload {
    fn into_job(self) -> CiJob {
        CiJob {
            id: self.id,
            name: self.name,
            stage: None,
            needs: Vec::new(),
            status: CiStatus::of_github(&self.status, self.conclusion.as_deref()),
            started_at: self.started_at,
            completed_at: self.completed_at,
            url: self.html_url.unwrap_or_default(),
            steps: self
                .steps
                .into_iter()
                .map(|s| CiStep {
                    number: s.number,
                    name: s.name,
                    status: CiStatus::of_github(&s.status, s.conclusion.as_deref()),
                    started_at: s.started_at,
                    completed_at: s.completed_at,
                })
                .collect(),
            allow_failure: false,
        }
    }
}

pub(crate) fn host_of(api_url: &str) -> String {
    let rest = api_url.split_once("://").map_or(api_url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).to_owned()
}
