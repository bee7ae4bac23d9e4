//! The CI providers against the local fake of GitHub's and GitLab's APIs (tests/fakes): runs
//! listed and followed through their states with conditional requests that cost no rate limit,
//! pages, logs with their groups, re-run of the failed jobs, cancel, dispatch, a token with a
//! scope missing, the rate limit used up, the network gone and back — and the watcher that
//! pushes a run's change and its end, audited re-runs and cancels through the service.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quantum_ci::{
    Ci, CiEvent, CiStatus, DispatchRequest, Error, GitHub, GitLab, Interest, Intervals, Provider,
    ProviderKind, RepositoryInput, RunFilter, TokenSource, WatchState,
};
use quantum_integration_tests::fakes::Fake;
use quantum_secrets::{Secret, SecretStore};
use serde_json::json;

const RUN_41: i64 = 12003456701;
const RUN_42: i64 = 12003987215;
const TEST_JOB_42: i64 = 33170000066;
const DEPLOY_WORKFLOW: i64 = 161336;
const CI_WORKFLOW: i64 = 161335;
const PIPELINE_FAILED: i64 = 1874688;

fn github(fake: &Fake, repo: &str, token: &str) -> GitHub {
    GitHub::new(&fake.url, repo, &Secret::new(token)).expect("client")
}

fn gitlab(fake: &Fake, token: &str) -> GitLab {
    GitLab::new(
        &fake.gitlab_api(),
        "acme/platform/shop",
        &Secret::new(token),
    )
    .expect("client")
}

#[tokio::test]
async fn github_runs_are_listed_and_a_run_followed_through_its_states_for_free() {
    let fake = Fake::start().await;
    let shop = github(&fake, "acme/shop", "gh-good");

    let runs = shop
        .runs(&RunFilter::default(), 1, 30)
        .await
        .expect("runs")
        .value;
    let numbers: Vec<i64> = runs.runs.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [43, 7, 42, 41], "newest first");
    assert!(!runs.more);
    let main = RunFilter {
        branch: Some("main".into()),
        ..RunFilter::default()
    };
    let on_main = shop.runs(&main, 1, 30).await.expect("main").value.runs;
    assert!(on_main.iter().all(|r| r.branch == "main"));
    assert_eq!(
        on_main.iter().find(|r| r.id == RUN_42).map(|r| r.status),
        Some(CiStatus::Failure)
    );

    let created = fake
        .post(
            "/_fake/github/runs",
            json!({ "workflow": "ci.yml", "branch": "main" }),
        )
        .await;
    let id = created["id"].as_i64().expect("run id");
    assert_eq!(
        shop.run(id).await.expect("run").value.status,
        CiStatus::Queued
    );
    fake.post(
        &format!("/_fake/github/runs/{id}/state"),
        json!({ "status": "in_progress" }),
    )
    .await;
    let running = shop.run(id).await.expect("running");
    assert!(running.changed);
    assert_eq!(running.value.status, CiStatus::Running);

    // Asked again unchanged: a 304, the body kept, the budget untouched.
    let before = shop.budget().expect("budget").remaining;
    let counts = shop.counts();
    let again = shop.run(id).await.expect("again");
    assert!(!again.changed);
    assert_eq!(again.value, running.value);
    assert_eq!(shop.counts().not_modified, counts.not_modified + 1);
    assert_eq!(
        shop.budget().expect("budget").remaining,
        before,
        "a 304 is free"
    );

    fake.post(
        &format!("/_fake/github/runs/{id}/state"),
        json!({ "status": "completed", "conclusion": "failure", "failJobs": ["test"] }),
    )
    .await;
    let done = shop.run(id).await.expect("done");
    assert!(done.changed);
    assert_eq!(done.value.status, CiStatus::Failure);
    let jobs = shop.jobs(id).await.expect("jobs").value;
    let status_of = |name: &str| jobs.iter().find(|j| j.name == name).map(|j| j.status);
    assert_eq!(status_of("lint"), Some(CiStatus::Success));
    assert_eq!(status_of("test"), Some(CiStatus::Failure));
    assert_eq!(status_of("build"), Some(CiStatus::Skipped));
    let test = jobs.iter().find(|j| j.name == "test").expect("test job");
    assert!(
        test.steps
            .iter()
            .any(|s| s.name == "Run cargo test" && s.status == CiStatus::Failure),
        "{:?}",
        test.steps
    );
}

#[tokio::test]
async fn pages_of_runs_follow_the_total() {
    let fake = Fake::start().await;
    let many = github(&fake, "acme/many", "gh-good");
    let first = many
        .runs(&RunFilter::default(), 1, 30)
        .await
        .expect("page 1")
        .value;
    assert_eq!(first.runs.len(), 30);
    assert!(first.more);
    assert_eq!(first.runs[0].number, 250);
    let last = many
        .runs(&RunFilter::default(), 9, 30)
        .await
        .expect("page 9")
        .value;
    assert_eq!(last.runs.len(), 10);
    assert!(!last.more);
    assert_eq!(last.runs.last().map(|r| r.number), Some(1));
}

#[tokio::test]
async fn a_failed_jobs_log_has_its_groups_and_error_and_the_artifacts_download() {
    let fake = Fake::start().await;
    let shop = github(&fake, "acme/shop", "gh-good");
    let raw = shop.job_log(TEST_JOB_42).await.expect("log");
    let lines = quantum_ci::log::parse(&raw);
    assert!(
        lines.iter().any(|l| l.title && l.text.starts_with("Run ")),
        "a group title"
    );
    let error = lines
        .iter()
        .find(|l| l.mark == Some(quantum_ci::log::LogMark::Error))
        .expect("an error line");
    assert!(error.text.contains("exit code"), "{}", error.text);
    assert!(error.group.is_none(), "errors stay out of folded groups");
    assert!(
        lines.iter().all(|l| !l.text.starts_with("2026-")),
        "timestamps dropped"
    );

    let artifacts = shop.artifacts(RUN_42).await.expect("artifacts");
    assert_eq!(
        artifacts
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["junit-report"]
    );
    let zip = shop.artifact(artifacts[0].id).await.expect("zip");
    let fixture = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ci/github/artifacts/junit-report.zip"),
    )
    .expect("fixture");
    assert_eq!(zip, fixture);
    let archive = shop.run_logs_archive(RUN_42).await.expect("run logs");
    assert!(archive.starts_with(b"PK"), "a zip");
}

#[tokio::test]
async fn rerun_failed_cancel_and_dispatch_do_what_they_say() {
    let fake = Fake::start().await;
    let shop = github(&fake, "acme/shop", "gh-good");

    shop.rerun(RUN_42, true).await.expect("rerun failed");
    let rerun = shop.run(RUN_42).await.expect("run").value;
    assert_eq!((rerun.status, rerun.attempt), (CiStatus::Queued, 2));
    let jobs = shop.jobs(RUN_42).await.expect("jobs").value;
    let lint = jobs.iter().find(|j| j.name == "lint").expect("lint");
    assert_eq!(lint.status, CiStatus::Success, "a job that passed is kept");
    assert!(jobs
        .iter()
        .filter(|j| j.name != "lint")
        .all(|j| j.status == CiStatus::Queued));

    shop.cancel(RUN_42).await.expect("cancel");
    assert_eq!(
        shop.run(RUN_42).await.expect("run").value.status,
        CiStatus::Cancelled
    );
    match shop.cancel(RUN_42).await {
        Err(Error::Rejected {
            status: 409,
            message,
            ..
        }) => assert!(message.contains("completed"), "{message}"),
        other => panic!("cancelling a finished run: {other:?}"),
    }

    let request = DispatchRequest {
        workflow_id: Some(DEPLOY_WORKFLOW),
        git_ref: "main".into(),
        inputs: vec![("environment".into(), "staging".into())],
    };
    let started = shop
        .dispatch(&request)
        .await
        .expect("dispatch")
        .expect("the new run's id");
    let run = shop.run(started).await.expect("dispatched run").value;
    assert_eq!(
        (run.event.as_str(), run.branch.as_str()),
        ("workflow_dispatch", "main")
    );
    let dispatches = fake.get("/_fake/dispatches").await;
    assert_eq!(dispatches[0]["inputs"]["environment"], "staging");
    let not_dispatchable = DispatchRequest {
        workflow_id: Some(CI_WORKFLOW),
        ..request
    };
    match shop.dispatch(&not_dispatchable).await {
        Err(Error::Rejected {
            status: 422,
            message,
            ..
        }) => assert!(message.contains("workflow_dispatch"), "{message}"),
        other => panic!("dispatching CI: {other:?}"),
    }
}

#[tokio::test]
async fn tokens_that_cannot_say_what_is_missing() {
    let fake = Fake::start().await;
    let read_only = github(&fake, "acme/shop", "gh-read");
    for result in [
        read_only.rerun(RUN_41, false).await.map(drop),
        read_only.run(RUN_41).await.map(drop),
    ] {
        match result {
            Err(error @ Error::MissingScopes { .. }) => {
                let Error::MissingScopes { missing, have } = &error else {
                    unreachable!()
                };
                assert_eq!(
                    (missing.as_slice(), have.as_slice()),
                    (
                        ["repo".to_owned()].as_slice(),
                        ["read:org".to_owned()].as_slice()
                    )
                );
                assert!(
                    error.to_string().contains("lacks the repo scope"),
                    "{error}"
                );
            }
            other => panic!("a token without repo: {other:?}"),
        }
    }
    assert!(matches!(
        github(&fake, "acme/shop", "nope").run(RUN_41).await,
        Err(Error::BadCredentials { .. })
    ));
    match gitlab(&fake, "gl-read").cancel(PIPELINE_FAILED).await {
        Err(Error::MissingScopes { missing, .. }) => assert_eq!(missing, ["api"]),
        other => panic!("a read_api token cancelling: {other:?}"),
    }
}

#[tokio::test]
async fn the_rate_limit_used_up_and_the_network_gone_are_told_apart() {
    let fake = Fake::start().await;
    let shop = github(&fake, "acme/shop", "gh-good");
    shop.run(RUN_41).await.expect("a first read");
    fake.post(
        "/_fake/rate-limit",
        json!({ "provider": "github", "remaining": 3 }),
    )
    .await;
    shop.run(RUN_42).await.expect("read");
    assert!(shop.budget().expect("budget").is_low());
    fake.post(
        "/_fake/rate-limit",
        json!({ "provider": "github", "remaining": 0, "resetIn": 600 }),
    )
    .await;
    match shop.run(RUN_42).await {
        Err(error @ Error::RateLimited { .. }) => {
            assert!(error.to_string().contains("UTC"), "{error}")
        }
        other => panic!("limit used up: {other:?}"),
    }

    fake.post("/_fake/network", json!({ "up": false })).await;
    assert!(matches!(shop.run(RUN_41).await, Err(Error::Offline { .. })));
    fake.post("/_fake/network", json!({ "up": true })).await;
    fake.post(
        "/_fake/rate-limit",
        json!({ "provider": "github", "remaining": 5000 }),
    )
    .await;
    assert_eq!(shop.run(RUN_41).await.expect("back").value.number, 41);
}

#[tokio::test]
async fn gitlab_pipelines_jobs_trace_retry_cancel_and_run() {
    let fake = Fake::start().await;
    let shop = gitlab(&fake, "gl-good");
    assert_eq!(
        shop.repository().await.expect("project").default_branch,
        "main"
    );
    let page = shop
        .runs(
            &RunFilter {
                branch: Some("main".into()),
                ..RunFilter::default()
            },
            1,
            20,
        )
        .await
        .expect("pipelines")
        .value;
    assert_eq!(
        page.runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        [PIPELINE_FAILED, 1874501]
    );
    assert_eq!(page.runs[0].status, CiStatus::Failure);
    let jobs = shop.jobs(PIPELINE_FAILED).await.expect("jobs").value;
    let stages: Vec<(&str, &str, CiStatus)> = jobs
        .iter()
        .map(|j| (j.stage.as_deref().unwrap_or(""), j.name.as_str(), j.status))
        .collect();
    assert!(
        stages.contains(&("test", "unit", CiStatus::Failure)),
        "{stages:?}"
    );
    assert!(
        stages.contains(&("build", "compile", CiStatus::Success)),
        "{stages:?}"
    );
    let unit = jobs.iter().find(|j| j.name == "unit").expect("unit");
    let lines = quantum_ci::log::parse(&shop.job_log(unit.id).await.expect("trace"));
    assert!(
        lines.iter().any(|l| l.title),
        "GitLab sections become groups"
    );

    shop.run(PIPELINE_FAILED).await.expect("pipeline");
    assert!(
        !shop.run(PIPELINE_FAILED).await.expect("again").changed,
        "a 304 on GitLab too"
    );
    shop.rerun(PIPELINE_FAILED, true).await.expect("retry");
    assert_eq!(
        shop.run(PIPELINE_FAILED)
            .await
            .expect("retried")
            .value
            .status,
        CiStatus::Running
    );
    shop.cancel(PIPELINE_FAILED).await.expect("cancel");
    assert_eq!(
        shop.run(PIPELINE_FAILED)
            .await
            .expect("cancelled")
            .value
            .status,
        CiStatus::Cancelled
    );
    let request = DispatchRequest {
        workflow_id: None,
        git_ref: "main".into(),
        inputs: vec![("DEPLOY".into(), "no".into())],
    };
    let id = shop
        .dispatch(&request)
        .await
        .expect("run pipeline")
        .expect("its id");
    assert_eq!(shop.run(id).await.expect("new pipeline").value.event, "api");
}

/// A project whose folder is a git repository on `branch` with `origin` on GitHub.
async fn project_on(store: &quantum_kernel::Store, folder: &Path, branch: &str) -> i64 {
    for args in [
        vec!["init", "-q", "-b", branch],
        vec!["remote", "add", "origin", "git@github.com:acme/shop.git"],
    ] {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(&args)
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    }
    let input = quantum_kernel::projects::ProjectInput {
        name: "shop".into(),
        folder: Some(folder.display().to_string()),
        ..Default::default()
    };
    quantum_kernel::projects::create(store, input)
        .await
        .expect("project")
        .id
}

/// A project on a git folder, its CI service on the fake with `intervals`, and the events its
/// watcher sends.
struct Watched {
    fake: Fake,
    store: quantum_kernel::Store,
    secrets: Arc<SecretStore>,
    ci: Arc<Ci>,
    project_id: i64,
    events: Arc<Mutex<Vec<CiEvent>>>,
    _dir: tempfile::TempDir,
}

impl Watched {
    async fn new(branch: &str, intervals: Intervals) -> Self {
        let fake = Fake::start().await;
        let dir = tempfile::tempdir().expect("dir");
        let store = quantum_kernel::Store::open_in(dir.path())
            .await
            .expect("store");
        let folder = dir.path().join("shop");
        std::fs::create_dir(&folder).expect("folder");
        let project_id = project_on(&store, &folder, branch).await;
        let secrets = Arc::new(SecretStore::open(dir.path()));
        let ci = Ci::new(store.clone(), Arc::clone(&secrets), intervals);
        Self {
            fake,
            store,
            secrets,
            ci,
            project_id,
            events: Arc::new(Mutex::new(Vec::new())),
            _dir: dir,
        }
    }

    /// acme/shop on the fake with `token`, kept in the keychain.
    fn repository(&self, token: &str) -> RepositoryInput {
        RepositoryInput {
            project_id: self.project_id,
            provider: ProviderKind::Github,
            api_url: self.fake.url.clone(),
            path: "acme/shop".into(),
            token_source: TokenSource::Keychain,
            token: Some(token.into()),
        }
    }

    fn watch(&self, interest: Interest) {
        let sink = Arc::clone(&self.events);
        self.ci.watch(
            self.project_id,
            interest,
            Arc::new(move |event| sink.lock().expect("events").push(event)),
        );
    }

    /// Stops the watcher and takes the test's token out of the keychain.
    fn finish(self) {
        self.ci.unwatch(self.project_id);
        self.secrets
            .delete(&quantum_ci::tokens::account(
                ProviderKind::Github,
                &self.fake.url,
            ))
            .expect("token removed");
    }
}

#[tokio::test]
async fn the_watcher_pushes_a_new_run_and_its_end_and_the_service_audits() {
    let intervals = Intervals {
        open: Duration::from_millis(200),
        active: Duration::from_millis(200),
        idle: Duration::from_secs(60),
        offline_max: Duration::from_millis(400),
    };
    let w = Watched::new("feature/login", intervals).await;
    let (ci, fake, project_id) = (&w.ci, &w.fake, w.project_id);

    let setup = ci.setup(project_id).await.expect("setup");
    let found = &setup.candidates[0].repository;
    assert_eq!(
        (found.provider, found.path.as_str()),
        (ProviderKind::Github, "acme/shop")
    );
    assert!(
        matches!(
            ci.set_repository(w.repository("gh-read")).await,
            Err(Error::MissingScopes { .. })
        ),
        "a token that cannot see the repository is refused"
    );
    ci.set_repository(w.repository("gh-good"))
        .await
        .expect("repository set");

    w.watch(Interest {
        page_open: true,
        run_id: None,
    });
    let events = &w.events;
    let created = fake
        .post(
            "/_fake/github/runs",
            json!({ "workflow": "ci.yml", "branch": "feature/login" }),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    wait_for(events, "the new run on the folder's branch", |event| {
        matches!(event, CiEvent::Overview { overview, .. } if overview.workflows.iter().any(|w| w.current.as_ref().is_some_and(|r| r.id == id && r.status == CiStatus::Queued)))
    })
    .await;
    fake.post(
        &format!("/_fake/github/runs/{id}/state"),
        json!({ "status": "completed", "conclusion": "success" }),
    )
    .await;
    wait_for(events, "the run's end", |event| matches!(event, CiEvent::Finished { run, .. } if run.id == id && run.status == CiStatus::Success)).await;

    fake.post("/_fake/network", json!({ "up": false })).await;
    wait_for(events, "offline", |event| matches!(event, CiEvent::Status { status, .. } if status.state == WatchState::Offline)).await;
    events.lock().expect("events").clear();
    fake.post("/_fake/network", json!({ "up": true })).await;
    wait_for(
        events,
        "live again",
        |event| matches!(event, CiEvent::Status { status, .. } if status.state == WatchState::Live),
    )
    .await;
    let (counts, _) = ci.counts(project_id).await.expect("counts");
    assert!(
        counts.not_modified > 0,
        "the watcher's repeated reads are 304s: {counts:?}"
    );

    ci.rerun(project_id, RUN_42, true).await.expect("rerun");
    ci.cancel(project_id, RUN_42).await.expect("cancel");
    let request = quantum_kernel::audit::AuditPageRequest {
        filter: Default::default(),
        before_id: None,
        limit: 10,
    };
    let page = quantum_kernel::audit::page(&w.store, &request)
        .await
        .expect("audit");
    let actions: Vec<&str> = page.entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.starts_with(&["ci.cancel", "ci.rerun"]),
        "{actions:?}"
    );
    w.finish();
}

#[tokio::test]
async fn a_run_that_starts_and_ends_between_two_checks_is_still_told() {
    // Checks far apart, as when the page is closed: the run comes and goes between two.
    let every = Duration::from_secs(2);
    let intervals = Intervals {
        open: every,
        active: every,
        idle: every,
        offline_max: every,
    };
    let w = Watched::new("main", intervals).await;
    let fake = &w.fake;
    w.ci.set_repository(w.repository("gh-good"))
        .await
        .expect("repository set");
    w.watch(Interest::default());
    wait_for(&w.events, "the first check", |event| {
        matches!(event, CiEvent::Status { .. })
    })
    .await;

    let created = fake
        .post(
            "/_fake/github/runs",
            json!({ "workflow": "ci.yml", "branch": "main" }),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    fake.post(
        &format!("/_fake/github/runs/{id}/state"),
        json!({ "status": "completed", "conclusion": "failure" }),
    )
    .await;
    wait_for(&w.events, "the unseen run's end", |event| matches!(event, CiEvent::Finished { run, .. } if run.id == id && run.status == CiStatus::Failure)).await;
    let told = w
        .events
        .lock()
        .expect("events")
        .iter()
        .filter(|event| matches!(event, CiEvent::Finished { .. }))
        .count();
    assert_eq!(
        told, 1,
        "only the new run is told, not the ones seen at the first check"
    );
    w.finish();
}

async fn wait_for(events: &Mutex<Vec<CiEvent>>, what: &str, test: impl Fn(&CiEvent) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !events.lock().expect("events").iter().any(&test) {
        assert!(Instant::now() < deadline, "no event: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
