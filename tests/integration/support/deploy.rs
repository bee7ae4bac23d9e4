//! The deploy fixture (tests/fixtures/deploy/web) in a git repository of its own, and a load loop
//! on an environment's published port: shared by the deploy tests and the deploy bench.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/deploy/web");

pub fn git(folder: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// The fixture in a git repository of its own, tagged `v1`.
pub fn project_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let copied = Command::new("cp")
        .args([
            "-a",
            &format!("{FIXTURE}/."),
            &dir.path().display().to_string(),
        ])
        .status()
        .expect("cp runs");
    assert!(copied.success());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "v1"]);
    git(dir.path(), &["tag", "v1"]);
    dir
}

/// A new version of the site, committed and tagged.
pub fn release_version(folder: &Path, version: &str, with_health: bool) {
    std::fs::write(folder.join("site/index.html"), format!("{version}\n")).expect("write");
    if !with_health {
        std::fs::remove_file(folder.join("site/health")).expect("remove health");
    }
    git(folder, &["commit", "-qam", version]);
    git(folder, &["tag", version]);
}

/// A deploy of the project "shop" from `folder` by "tester", with no data step.
pub fn request<'a>(
    project_id: i64,
    folder: &'a Path,
    spec: &'a quantum_deploy::EnvironmentSpec,
) -> quantum_deploy::DeployRequest<'a> {
    quantum_deploy::DeployRequest {
        project_id,
        project_name: "shop",
        project_dir: folder,
        spec,
        actor: "tester",
        data: None,
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// One GET on a connection of its own: the body, or why it failed.
pub async fn get(port: u16, path: &str) -> Result<(u16, String), String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|error| format!("connect: {error}"))?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|error| format!("write: {error}"))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .await
        .map_err(|error| format!("read: {error}"))?;
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("no status in {answer:?}"))?;
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_owned();
    Ok((status, body))
}

/// Requests sent one after another until stopped: every answer's body, and every failure.
pub struct LoadLoop {
    /// When the first request went: failures say how long after it they came.
    pub started: Instant,
    stop: Arc<AtomicBool>,
    /// Each answer's body and when it came.
    answers: Arc<Mutex<Vec<(Instant, String)>>>,
    failures: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl LoadLoop {
    pub fn start(port: u16) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let answers = Arc::new(Mutex::new(Vec::new()));
        let failures = Arc::new(Mutex::new(Vec::new()));
        let started = Instant::now();
        let task = tokio::spawn({
            let (stop, answers, failures) = (stop.clone(), answers.clone(), failures.clone());
            async move {
                while !stop.load(Ordering::Relaxed) {
                    match get(port, "/").await {
                        Ok((200, body)) => {
                            answers.lock().expect("lock").push((Instant::now(), body))
                        }
                        Ok((status, body)) => failures
                            .lock()
                            .expect("lock")
                            .push(format!("{status}: {body}")),
                        Err(error) => {
                            let answered = answers.lock().expect("lock").len();
                            let after = started.elapsed();
                            failures
                                .lock()
                                .expect("lock")
                                .push(format!("{error} (after {answered} answers, {after:?})"));
                        }
                    }
                }
            }
        });
        Self {
            started,
            stop,
            answers,
            failures,
            task,
        }
    }

    pub fn answers(&self) -> usize {
        self.answers.lock().expect("lock").len()
    }

    /// Waits until `more` answers came after now, so that the loop has seen the current release.
    pub async fn wait_for_answers(&self, more: usize) {
        let target = self.answers() + more;
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.answers() < target {
            assert!(
                Instant::now() < deadline,
                "the load loop got no answers; failures: {:?}",
                self.failures.lock().expect("lock")
            );
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The body of the last answer.
    pub fn last(&self) -> Option<String> {
        self.answers
            .lock()
            .expect("lock")
            .last()
            .map(|(_, body)| body.clone())
    }

    /// How long after `since` the first answer with `body` came (waiting for it, with a deadline).
    pub async fn first_answer_after(&self, since: Instant, body: &str) -> Duration {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let seen = self
                .answers
                .lock()
                .expect("lock")
                .iter()
                .find(|(at, answer)| *at >= since && answer == body)
                .map(|(at, _)| at.duration_since(since));
            if let Some(after) = seen {
                return after;
            }
            assert!(Instant::now() < deadline, "no answer {body:?} within 30 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// When the answers changed, in the loop's time: for a failing test's message.
    pub fn changes(&self) -> Vec<String> {
        let mut changes: Vec<String> = Vec::new();
        let mut last: Option<&str> = None;
        let answers = self.answers.lock().expect("lock");
        for (at, body) in answers.iter() {
            if last != Some(body.as_str()) {
                changes.push(format!("{:?} {body}", at.duration_since(self.started)));
                last = Some(body.as_str());
            }
        }
        changes
    }

    /// Stops the loop: every answer's body, and every failure.
    pub async fn stop(self) -> (Vec<String>, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.expect("load loop");
        let answers = self
            .answers
            .lock()
            .expect("lock")
            .iter()
            .map(|(_, body)| body.clone())
            .collect();
        let failures = self.failures.lock().expect("lock").clone();
        (answers, failures)
    }
}

/// `v1 v1 v2 v2 v1` → `v1 v2 v1`.
pub fn runs(answers: &[String]) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    for answer in answers {
        if runs.last() != Some(answer) {
            runs.push(answer.clone());
        }
    }
    runs
}

/// A core on a data dir of its own (default settings but `settings`), and a project named after
/// `label` and this process on `folder`, whose quantum.toml is `toml`.
pub async fn core_with_project(
    folder: &Path,
    toml: &str,
    label: &str,
    settings: &quantum_kernel::settings::Settings,
) -> (tempfile::TempDir, quantum_core::Core, i64) {
    let data_dir = tempfile::tempdir().expect("data dir");
    let core = quantum_core::Core::open(data_dir.path(), settings)
        .await
        .expect("core");
    std::fs::write(folder.join("quantum.toml"), toml).expect("quantum.toml");
    let project = quantum_kernel::projects::create(
        &core.store,
        quantum_kernel::projects::ProjectInput {
            name: format!("{label} {}", std::process::id()),
            description: String::new(),
            folder: Some(folder.display().to_string()),
        },
    )
    .await
    .expect("project");
    (data_dir, core, project.id)
}

/// What a test's deploys left on the local engine: the releases and proxies of the store's
/// environments, the environment's network, and the tags of `image` (by tag: the same image
/// may carry tags of other runs, a cached build, which stay).
pub async fn remove_environment(store: &str, project_id: i64, environment: &str, image: &str) {
    let docker = quantum_docker::Docker::connect().await.expect("docker");
    for container in docker
        .labelled_containers(
            quantum_deploy::LABEL_ENVIRONMENT,
            &[(quantum_docker::LABEL_STORE, store)],
        )
        .await
        .expect("containers")
    {
        docker.remove_container(&container.id).await.ok();
    }
    let names = quantum_deploy::Names::new(store, project_id, environment);
    docker.api().remove_network(&names.network()).await.ok();
    let tags = Command::new("docker")
        .args(["images", "--format", "{{.Repository}}:{{.Tag}}", image])
        .output()
        .expect("docker images");
    for tag in String::from_utf8_lossy(&tags.stdout).split_whitespace() {
        Command::new("docker").args(["rmi", tag]).output().ok();
    }
}

/// The project's log as its Logs page follows it: the id of the source named `source`, and what
/// comes (until the follower is dropped).
pub struct FollowedLog {
    pub source: u16,
    receiver: tokio::sync::mpsc::UnboundedReceiver<quantum_core::logs::ProjectLogEvent>,
    _follower: quantum_core::logs::ProjectLogFollower,
}

impl FollowedLog {
    /// Follows the project's log; the source named `source` must be among its sources.
    pub async fn start(
        core: &quantum_core::Core,
        project_id: i64,
        data_dir: &Path,
        source: &str,
    ) -> Self {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let (sources, follower) = quantum_core::logs::follow(
            core,
            project_id,
            data_dir.join("logs"),
            None,
            move |event| sender.send(event).is_ok(),
        )
        .await
        .expect("followed");
        let found = sources
            .iter()
            .find(|candidate| candidate.name == source)
            .unwrap_or_else(|| panic!("{source} is a source: {sources:?}"));
        Self {
            source: found.id,
            receiver,
            _follower: follower,
        }
    }

    /// Waits until `count` lines of the source hold `text`, for `within` at most.
    pub async fn lines_holding(&mut self, text: &str, count: usize, within: Duration) {
        let deadline = Instant::now() + within;
        let mut heard = 0;
        while heard < count {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = tokio::time::timeout(left, self.receiver.recv())
                .await
                .unwrap_or_else(|_| panic!("{count} lines holding {text:?} within {within:?}"))
                .expect("the stream goes on");
            if let quantum_core::logs::ProjectLogEvent::Entries { entries } = event {
                heard += entries
                    .iter()
                    .filter(|entry| entry.source == self.source && entry.text.contains(text))
                    .count();
            }
        }
    }
}
