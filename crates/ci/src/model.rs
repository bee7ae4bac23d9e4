//! One vocabulary for both providers: a GitHub workflow run and a GitLab pipeline are both a
//! [`CiRun`]; their jobs are [`CiJob`]s. Times are the providers' RFC 3339 strings.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ProviderKind {
    Github,
    Gitlab,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Github => "github",
            Self::Gitlab => "gitlab",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "github" => Some(Self::Github),
            "gitlab" => Some(Self::Gitlab),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Github => "GitHub",
            Self::Gitlab => "GitLab",
        }
    }
}

/// Where a project's CI lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiRepository {
    pub provider: ProviderKind,
    /// The API's root: `https://api.github.com`, `https://ghe.example.com/api/v3`,
    /// `https://gitlab.com/api/v4`.
    pub api_url: String,
    /// `owner/repo` on GitHub; `group/subgroup/project` on GitLab.
    pub path: String,
    /// Where the token comes from.
    pub token_source: TokenSource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TokenSource {
    /// A token the user gave, kept in the keychain.
    Keychain,
    /// The token of the provider's own command line (`gh auth token`, `glab`'s config), read
    /// each time it is needed and never stored by the app.
    Cli,
}

/// A run's or a job's state, the same for both providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CiStatus {
    Queued,
    Running,
    /// Waits for a person: an approval, a manual job.
    Waiting,
    Success,
    Failure,
    Cancelled,
    Skipped,
}

impl CiStatus {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Success | Self::Failure | Self::Cancelled | Self::Skipped
        )
    }

    /// GitHub's `status` and `conclusion` pair.
    pub fn of_github(status: &str, conclusion: Option<&str>) -> Self {
        match status {
            "completed" => match conclusion.unwrap_or_default() {
                "success" | "neutral" => Self::Success,
                "cancelled" => Self::Cancelled,
                "skipped" | "stale" => Self::Skipped,
                "action_required" => Self::Waiting,
                _ => Self::Failure,
            },
            "in_progress" => Self::Running,
            "waiting" | "action_required" => Self::Waiting,
            _ => Self::Queued,
        }
    }

    /// GitLab's pipeline and job `status`.
    pub fn of_gitlab(status: &str) -> Self {
        match status {
            "running" => Self::Running,
            "success" => Self::Success,
            "failed" => Self::Failure,
            "canceled" | "canceling" => Self::Cancelled,
            "skipped" => Self::Skipped,
            "manual" => Self::Waiting,
            _ => Self::Queued,
        }
    }
}

/// A GitHub workflow; GitLab has one pipeline definition per project, shown as one workflow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiWorkflow {
    pub id: i64,
    pub name: String,
    pub path: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiRun {
    pub id: i64,
    pub workflow_id: Option<i64>,
    pub workflow_name: String,
    /// The workflow file in the repository (`.github/workflows/ci.yml`); GitHub only.
    pub workflow_path: Option<String>,
    pub number: i64,
    pub attempt: u32,
    pub title: String,
    pub branch: String,
    pub sha: String,
    pub event: String,
    pub actor: String,
    pub status: CiStatus,
    pub created_at: String,
    pub updated_at: String,
    pub started_at: Option<String>,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiJob {
    pub id: i64,
    pub name: String,
    /// GitLab's stage; none on GitHub.
    pub stage: Option<String>,
    /// The jobs this one waits for, where the provider or the workflow file says.
    pub needs: Vec<String>,
    pub status: CiStatus,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub url: String,
    pub steps: Vec<CiStep>,
    pub allow_failure: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiStep {
    pub number: i64,
    pub name: String,
    pub status: CiStatus,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiArtifact {
    pub id: i64,
    pub name: String,
    /// Bytes; JSON numbers are doubles, which is plenty for an artifact.
    pub size: f64,
    pub expired: bool,
}

/// Which runs to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunFilter {
    pub branch: Option<String>,
    pub event: Option<String>,
    /// A provider's status or conclusion word (`in_progress`, `failure`, `success`, …).
    pub status: Option<String>,
    pub actor: Option<String>,
    pub workflow_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunPage {
    pub runs: Vec<CiRun>,
    /// Whether a next page exists.
    pub more: bool,
}

/// What the provider said of its rate limit in its last answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RateBudget {
    pub limit: u32,
    pub remaining: u32,
    /// When the window starts again, in seconds since the Unix epoch.
    pub reset_at: i64,
}

impl RateBudget {
    /// Below a tenth of the limit: time to slow down.
    pub fn is_low(&self) -> bool {
        self.limit > 0 && u64::from(self.remaining) * 10 < u64::from(self.limit)
    }
}

/// A run and its jobs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CiRunDetail {
    pub run: CiRun,
    pub jobs: Vec<CiJob>,
}

/// What the user asks to start.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DispatchRequest {
    /// GitHub's workflow id; GitLab runs the project's pipeline and ignores it.
    pub workflow_id: Option<i64>,
    pub git_ref: String,
    /// Workflow inputs on GitHub; pipeline variables on GitLab.
    pub inputs: Vec<(String, String)>,
}
