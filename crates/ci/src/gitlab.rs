//! GitLab CI through its REST API v4 (gitlab.com or a self-hosted URL) with reqwest: pipelines
//! are runs, their jobs carry stages, a job's trace is its log. The token goes in `PRIVATE-TOKEN`.

use std::time::Duration;

use async_trait::async_trait;
use quantum_secrets::Secret;
use reqwest::header::{HeaderMap, HeaderValue, IF_NONE_MATCH};
use serde::Deserialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::github::host_of;
use crate::http::{Conditional, Exchange, Fresh, RequestCounts};
use crate::model::{
    CiArtifact, CiJob, CiRun, CiStatus, CiWorkflow, DispatchRequest, ProviderKind, RateBudget,
    RunFilter, RunPage,
};
use crate::provider::{Provider, Read, RepositoryFacts};

pub struct GitLab {
    client: reqwest::Client,
    host: String,
    /// `https://gitlab.example.com/api/v4/projects/group%2Fshop`
    root: String,
    cache: Conditional,
}

impl GitLab {
    pub fn new(api_url: &str, path: &str, token: &Secret) -> Result<Self> {
        crate::install_crypto();
        let host = host_of(api_url);
        let mut headers = HeaderMap::new();
        let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
            Error::validation(
                "ci.token_invalid",
                "token",
                "A token is letters, digits and punctuation on one line.",
            )
        })?;
        value.set_sensitive(true);
        headers.insert("private-token", value);
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("quantum-admin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Error::Protocol {
                host: host.clone(),
                detail: error.to_string(),
            })?;
        Ok(Self {
            client,
            host,
            root: format!(
                "{}/projects/{}",
                api_url.trim_end_matches('/'),
                crate::encode(path)
            ),
            cache: Conditional::default(),
        })
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Exchange> {
        let offline = |error: reqwest::Error| Error::Offline {
            host: self.host.clone(),
            detail: without_url(&error),
        };
        let response = request.send().await.map_err(offline)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(offline)?;
        Ok(Exchange {
            status,
            headers,
            body,
        })
    }

    async fn get(&self, path: &str) -> Result<Fresh> {
        let url = format!("{}{path}", self.root);
        let mut request = self.client.get(&url);
        if let Some(etag) = self.cache.etag_for(&url) {
            if let Ok(value) = HeaderValue::from_str(&etag) {
                request = request.header(IF_NONE_MATCH, value);
            }
        }
        let exchange = self.send(request).await?;
        self.cache.settle(&self.host, &url, exchange)
    }

    async fn post(&self, path: &str, body: Option<serde_json::Value>) -> Result<Exchange> {
        let mut request = self.client.post(format!("{}{path}", self.root));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let exchange = self.send(request).await?;
        self.cache.count(&exchange);
        self.cache.check(&self.host, exchange)
    }
}

#[async_trait]
impl Provider for GitLab {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gitlab
    }

    fn host(&self) -> &str {
        &self.host
    }

    async fn repository(&self) -> Result<RepositoryFacts> {
        #[derive(Deserialize)]
        struct Project {
            default_branch: Option<String>,
            web_url: String,
        }
        let project: Project = self.get("").await?.json(&self.host)?;
        Ok(RepositoryFacts {
            default_branch: project.default_branch.unwrap_or_else(|| "main".to_owned()),
            web_url: project.web_url,
        })
    }

    /// GitLab has one pipeline definition per project: one workflow.
    async fn workflows(&self) -> Result<Read<Vec<CiWorkflow>>> {
        Ok(Read {
            value: vec![CiWorkflow {
                id: 0,
                name: "Pipeline".to_owned(),
                path: ".gitlab-ci.yml".to_owned(),
            }],
            changed: false,
        })
    }

    async fn runs(&self, filter: &RunFilter, page: u32, per_page: u32) -> Result<Read<RunPage>> {
        let mut query = vec![format!("per_page={per_page}"), format!("page={page}")];
        for (key, value) in [
            ("ref", &filter.branch),
            ("source", &filter.event),
            ("status", &filter.status),
            ("username", &filter.actor),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                query.push(format!("{key}={}", crate::encode(value)));
            }
        }
        let fresh = self.get(&format!("/pipelines?{}", query.join("&"))).await?;
        let pipelines: Vec<PipelinePayload> = fresh.json(&self.host)?;
        let more = fresh
            .header("x-next-page")
            .is_some_and(|next| !next.trim().is_empty());
        Ok(Read {
            value: RunPage {
                runs: pipelines
                    .into_iter()
                    .map(PipelinePayload::into_run)
                    .collect(),
                more,
            },
            changed: fresh.changed,
        })
    }

    async fn run(&self, run_id: i64) -> Result<Read<CiRun>> {
        let fresh = self.get(&format!("/pipelines/{run_id}")).await?;
        let pipeline: PipelinePayload = fresh.json(&self.host)?;
        Ok(Read {
            value: pipeline.into_run(),
            changed: fresh.changed,
        })
    }

    async fn jobs(&self, run_id: i64) -> Result<Read<Vec<CiJob>>> {
        let fresh = self
            .get(&format!(
                "/pipelines/{run_id}/jobs?per_page=100&include_retried=false"
            ))
            .await?;
        let jobs: Vec<JobPayload> = fresh.json(&self.host)?;
        // GitLab lists the newest job first; the stages' order is the order jobs were created.
        let mut jobs: Vec<CiJob> = jobs.into_iter().map(JobPayload::into_job).collect();
        jobs.sort_by_key(|job| job.id);
        Ok(Read {
            value: jobs,
            changed: fresh.changed,
        })
    }

    async fn job_log(&self, job_id: i64) -> Result<String> {
        let exchange = self
            .send(
                self.client
                    .get(format!("{}/jobs/{job_id}/trace", self.root)),
            )
            .await?;
        self.cache.count(&exchange);
        let exchange = self.cache.check(&self.host, exchange)?;
        Ok(String::from_utf8_lossy(&exchange.body).into_owned())
    }

    async fn run_logs_archive(&self, _run_id: i64) -> Result<Vec<u8>> {
        Err(Error::Unsupported {
            provider: "GitLab",
            what: "archive of a pipeline's logs: save each job's log from its page",
        })
    }

    async fn rerun(&self, run_id: i64, _failed_only: bool) -> Result<()> {
        // GitLab's retry runs a pipeline's failed and cancelled jobs again: "rerun failed".
        self.post(&format!("/pipelines/{run_id}/retry"), None)
            .await?;
        Ok(())
    }

    async fn cancel(&self, run_id: i64) -> Result<()> {
        self.post(&format!("/pipelines/{run_id}/cancel"), None)
            .await?;
        Ok(())
    }

    async fn dispatch(&self, request: &DispatchRequest) -> Result<Option<i64>> {
        let variables: Vec<serde_json::Value> = request
            .inputs
            .iter()
            .map(|(key, value)| json!({ "key": key, "value": value, "variable_type": "env_var" }))
            .collect();
        let body = json!({ "ref": request.git_ref, "variables": variables });
        let exchange = self.post("/pipeline", Some(body)).await?;
        let pipeline: serde_json::Value =
            serde_json::from_slice(&exchange.body).unwrap_or_default();
        Ok(pipeline["id"].as_i64())
    }

    async fn artifacts(&self, _run_id: i64) -> Result<Vec<CiArtifact>> {
        Ok(Vec::new())
    }

    async fn artifact(&self, _artifact_id: i64) -> Result<Vec<u8>> {
        Err(Error::Unsupported {
            provider: "GitLab",
            what: "artifact download in the app yet: download it from the job's page",
        })
    }

    fn budget(&self) -> Option<RateBudget> {
        self.cache.budget()
    }

    fn counts(&self) -> RequestCounts {
        self.cache.counts()
    }
}

#[derive(Deserialize)]
struct User {
    username: String,
}

#[derive(Deserialize)]
struct PipelinePayload {
    id: i64,
    iid: Option<i64>,
    status: String,
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    sha: String,
    source: Option<String>,
    created_at: String,
    updated_at: String,
    started_at: Option<String>,
    web_url: String,
    name: Option<String>,
    user: Option<User>,
}

impl PipelinePayload {
    fn into_run(self) -> CiRun {
        CiRun {
            id: self.id,
            workflow_id: Some(0),
            workflow_name: "Pipeline".to_owned(),
            workflow_path: None,
            number: self.iid.unwrap_or(self.id),
            attempt: 1,
            title: self.name.unwrap_or_default(),
            branch: self.git_ref.unwrap_or_default(),
            sha: self.sha,
            event: self.source.unwrap_or_default(),
            actor: self.user.map(|u| u.username).unwrap_or_default(),
            status: CiStatus::of_gitlab(&self.status),
            created_at: self.created_at,
            updated_at: self.updated_at,
            started_at: self.started_at,
            url: self.web_url,
        }
    }
}

#[derive(Deserialize)]
struct JobPayload {
    id: i64,
    name: String,
    stage: Option<String>,
    status: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    web_url: Option<String>,
    #[serde(default)]
    allow_failure: bool,
}

impl JobPayload {
    fn into_job(self) -> CiJob {
        CiJob {
            id: self.id,
            name: self.name,
            stage: self.stage,
            needs: Vec::new(),
            status: CiStatus::of_gitlab(&self.status),
            started_at: self.started_at,
            completed_at: self.finished_at,
            url: self.web_url.unwrap_or_default(),
            steps: Vec::new(),
            allow_failure: self.allow_failure,
        }
    }
}

/// reqwest's message without the URL it names (a URL could carry a token in its query).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "the API");
    }
    text
}
