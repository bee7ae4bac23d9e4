//! Health checks against a real HTTP server in the test that starts failing, slows down and
//! answers the wrong JSON: incidents open after N failures in a row and close on recovery, the
//! events are sent, results and uptime are kept, and a paused check does not run.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quantum_health::{
    failed, CheckSpec, CheckState, Condition, Health, HealthEvent, Observation, Prober, Target,
};
use quantum_kernel::projects::{self, ProjectInput};
use quantum_kernel::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::broadcast;

/// What the server answers now.
#[derive(Clone)]
struct Answer {
    status: u16,
    body: String,
    delay: Duration,
}

async fn server(answer: Arc<Mutex<Answer>>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bound");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let answer = answer.lock().expect("answer").clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                tokio::time::sleep(answer.delay).await;
                let reply = format!(
                    "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    answer.status,
                    answer.body.len(),
                    answer.body
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    port
}

struct NoOthers;

#[async_trait::async_trait]
impl Prober for NoOthers {
    async fn probe(&self, _: i64, target: &Target, _: Duration) -> Observation {
        failed(format!("{target} is not reachable in this test"))
    }
}

async fn setup() -> (Arc<Health>, i64, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open_in(dir.path()).await.expect("store");
    let project = projects::create(
        &store,
        ProjectInput {
            name: "shop".into(),
            ..ProjectInput::default()
        },
    )
    .await
    .expect("project");
    (Health::new(store, Box::new(NoOthers)), project.id, dir)
}

fn spec(port: u16, conditions: &[&str], interval_secs: u32) -> CheckSpec {
    CheckSpec {
        name: "api".into(),
        target: Target::parse(&format!("http://127.0.0.1:{port}/health")).expect("target"),
        interval_secs,
        timeout_secs: 1,
        failures: 2,
        conditions: conditions
            .iter()
            .map(|c| Condition::parse(c).expect("condition"))
            .collect(),
        insecure: false,
    }
}

/// The next event that `wanted` accepts, within `within`.
async fn next(
    events: &mut broadcast::Receiver<HealthEvent>,
    within: Duration,
    wanted: impl Fn(&HealthEvent) -> bool,
) -> Option<HealthEvent> {
    let deadline = Instant::now() + within;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Ok(event)) if wanted(&event) => return Some(event),
            Ok(Ok(_)) => {}
            _ => return None,
        }
    }
    None
}

#[tokio::test]
async fn failures_in_a_row_open_an_incident_and_a_success_closes_it() {
    let (health, project, _dir) = setup().await;
    let answer = Arc::new(Mutex::new(Answer {
        status: 200,
        body: r#"{"status":"UP"}"#.into(),
        delay: Duration::ZERO,
    }));
    let port = server(Arc::clone(&answer)).await;
    let check = spec(
        port,
        &[
            "[STATUS] == 200",
            "[BODY].status == UP",
            "[RESPONSE_TIME] < 500",
        ],
        60,
    );
    let mut events = health.subscribe();
    let mut in_a_row = 0;
    assert!(
        health
            .check(project, &check, &mut in_a_row)
            .await
            .expect("run")
            .ok
    );

    // Failing: the first failure opens nothing; the second (failures = 2) opens the incident.
    answer.lock().expect("answer").status = 503;
    let first = health
        .check(project, &check, &mut in_a_row)
        .await
        .expect("run");
    assert_eq!(first.message.as_deref(), Some("[STATUS] == 200 (was 503)"));
    assert!(health
        .overview(project)
        .await
        .expect("overview")
        .incidents
        .is_empty());
    health
        .check(project, &check, &mut in_a_row)
        .await
        .expect("run");
    let opened = next(&mut events, Duration::from_secs(1), |e| {
        matches!(e, HealthEvent::IncidentOpened { .. })
    })
    .await
    .expect("opened");
    let HealthEvent::IncidentOpened { incident } = opened else {
        unreachable!()
    };
    assert_eq!(incident.failing, "[STATUS] == 200 (was 503)");
    assert!(incident
        .last_response
        .as_deref()
        .is_some_and(|r| r.starts_with("HTTP 503")));

    // Recovery closes it.
    answer.lock().expect("answer").status = 200;
    health
        .check(project, &check, &mut in_a_row)
        .await
        .expect("run");
    let closed = next(&mut events, Duration::from_secs(1), |e| {
        matches!(e, HealthEvent::IncidentClosed { .. })
    })
    .await
    .expect("closed");
    let HealthEvent::IncidentClosed { incident: ended } = closed else {
        unreachable!()
    };
    assert_eq!(ended.id, incident.id);
    assert!(ended.ended_at.is_some());

    // The wrong JSON, then a slow answer: each named by the condition it broke.
    answer.lock().expect("answer").body = r#"{"status":"DOWN"}"#.into();
    let wrong = health
        .check(project, &check, &mut in_a_row)
        .await
        .expect("run");
    assert_eq!(
        wrong.message.as_deref(),
        Some("[BODY].status == UP (was DOWN)")
    );
    *answer.lock().expect("answer") = Answer {
        status: 200,
        body: r#"{"status":"UP"}"#.into(),
        delay: Duration::from_millis(700),
    };
    let slow = health
        .check(project, &check, &mut in_a_row)
        .await
        .expect("run");
    assert!(
        slow.message
            .as_deref()
            .is_some_and(|m| m.starts_with("[RESPONSE_TIME] < 500 (was ")),
        "{slow:?}"
    );
    // Nothing listening: the connection's error.
    let gone = spec(1, &[], 60);
    let refused = health.check(project, &gone, &mut 0).await.expect("run");
    assert!(!refused.ok && refused.message.is_some());
}

#[tokio::test]
async fn checks_run_by_themselves_their_history_is_kept_and_a_paused_check_does_not_run() {
    let (health, project, _dir) = setup().await;
    let answer = Arc::new(Mutex::new(Answer {
        status: 200,
        body: "ok".into(),
        delay: Duration::ZERO,
    }));
    let port = server(Arc::clone(&answer)).await;
    let mut events = health.subscribe();
    health.set_checks(project, vec![spec(port, &["[BODY] == pat(o*)"], 1)]);
    for _ in 0..2 {
        next(&mut events, Duration::from_secs(5), |e| {
            matches!(e, HealthEvent::Checked { ok: true, .. })
        })
        .await
        .expect("checked on its own");
    }
    let overview = health.overview(project).await.expect("overview");
    let api = &overview.checks[0];
    assert_eq!(api.state, CheckState::Up);
    assert!(api.recent.len() >= 2 && api.recent.iter().all(|r| r.ok));
    assert_eq!(api.uptime.len(), 1);
    assert_eq!(api.uptime[0].up, api.uptime[0].total);

    // Paused: no run for three intervals, and the overview says so; resumed: it runs again.
    health.pause(project, None, 5).await.expect("paused");
    // A run already under way may still report.
    let _ = next(&mut events, Duration::from_millis(200), |_| true).await;
    assert_eq!(
        next(&mut events, Duration::from_secs(3), |e| matches!(
            e,
            HealthEvent::Checked { .. }
        ))
        .await,
        None,
        "a paused check does not run"
    );
    let paused = health.overview(project).await.expect("overview");
    assert_eq!(paused.checks[0].state, CheckState::Paused);
    assert!(paused.paused_until.is_some());
    health.resume(project, None).await.expect("resumed");
    next(&mut events, Duration::from_secs(5), |e| {
        matches!(e, HealthEvent::Checked { .. })
    })
    .await
    .expect("runs again once resumed");

    assert_eq!(
        health
            .pause(project, None, 0)
            .await
            .expect_err("refused")
            .to_string(),
        "A pause lasts 1 minute to 30 days; 0 minutes is not that."
    );
    health.set_checks(project, Vec::new());
    assert!(health
        .overview(project)
        .await
        .expect("overview")
        .checks
        .is_empty());
}

#[test]
fn targets_are_read_or_refused_with_the_forms_they_take() {
    assert_eq!(
        Target::parse("tcp://localhost:5432"),
        Ok(Target::Tcp {
            host: "localhost".into(),
            port: 5432
        })
    );
    assert_eq!(
        Target::parse("datasource:shop-db"),
        Ok(Target::Datasource {
            name: "shop-db".into()
        })
    );
    assert!(Target::parse("tcp://localhost")
        .expect_err("refused")
        .contains("needs a port"));
    assert!(Target::parse("ftp://x")
        .expect_err("refused")
        .contains("http(s)://"));
    // A cluster's Service, through its API server; an EKS context holds `/` and `:`.
    let eks = "arn:aws:eks:eu-west-1:123456789012:cluster/shop";
    let service = Target::parse(&format!("kubernetes://web.shop:80/health@{eks}"));
    assert_eq!(
        service,
        Ok(Target::Service {
            context: eks.into(),
            namespace: Some("shop".into()),
            service: "web".into(),
            port: 80,
            path: "/health".into(),
        })
    );
    assert_eq!(
        service.expect("parsed").to_string(),
        format!("kubernetes://web.shop:80/health@{eks}")
    );
    assert!(Target::parse("kubernetes://web.shop:80/health")
        .expect_err("refused")
        .contains("names no context"));
    assert_eq!(
        Target::parse("kubernetes://web:80@kind"),
        Ok(Target::Service {
            context: "kind".into(),
            namespace: None,
            service: "web".into(),
            port: 80,
            path: "/".into(),
        }),
        "the context's namespace"
    );
}

#[tokio::test]
async fn an_incident_is_posted_to_the_webhook_in_a_body_slack_and_discord_read() {
    let (health, _project, _dir) = setup().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bound");
    let port = listener.local_addr().expect("address").port();
    let received = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a post");
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        // Until the body's closing brace: the request is small.
        while !request.ends_with(b"}") {
            let read = socket.read(&mut buffer).await.expect("read");
            if read == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..read]);
        }
        let _ = socket
            .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
            .await;
        String::from_utf8_lossy(&request).into_owned()
    });
    let incident = quantum_health::Incident {
        id: 1,
        project_id: 1,
        check: "api".into(),
        started_at: "2026-11-29T10:00:00Z".into(),
        ended_at: None,
        failing: "[STATUS] == 200 (was 503)".into(),
        last_response: Some("HTTP 503".into()),
    };
    health
        .post_webhook(&format!("http://127.0.0.1:{port}/hook"), "shop", &incident)
        .await
        .expect("posted");
    let request = received.await.expect("received");
    assert!(request.starts_with("POST /hook "), "{request}");
    let body: serde_json::Value =
        serde_json::from_str(&request[request.find("\r\n\r\n").expect("body") + 4..])
            .expect("JSON");
    assert_eq!(
        body["text"],
        "🔴 shop: check “api” is failing — [STATUS] == 200 (was 503)"
    );
    assert_eq!(body["content"], body["text"]);
    assert_eq!(body["state"], "opened");
    assert_eq!(body["check"], "api");

    let refused = health
        .post_webhook("http://127.0.0.1:1/hook", "shop", &incident)
        .await
        .expect_err("nobody listens");
    assert!(
        refused.starts_with("The webhook could not be reached"),
        "{refused}"
    );
}

/// An HTTPS server (OpenSSL's `s_server`) with a self-signed certificate valid 10 days: its
/// expiry is read and compared; the check passes the certificate only when declared insecure.
#[tokio::test]
async fn a_certificate_s_expiry_is_read_and_only_an_insecure_check_accepts_a_self_signed_one() {
    let (health, project, dir) = setup().await;
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "10",
            "-subj",
            "/CN=localhost",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let server = std::process::Command::new("openssl")
        .args([
            "s_server",
            "-quiet",
            "-www",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
        ])
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("s_server runs");
    let _server = Ends(server);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "s_server listens");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let https = |conditions: &[&str], insecure: bool| CheckSpec {
        name: "tls".into(),
        target: Target::parse(&format!("https://127.0.0.1:{port}/")).expect("target"),
        interval_secs: 60,
        timeout_secs: 5,
        failures: 3,
        conditions: conditions
            .iter()
            .map(|c| Condition::parse(c).expect("condition"))
            .collect(),
        insecure,
    };
    let soon = health
        .check(
            project,
            &https(&["[STATUS] == 200", "[CERTIFICATE_EXPIRATION] > 14d"], true),
            &mut 0,
        )
        .await
        .expect("ran");
    // Ten days less the moments since it was made: 9d 23h, or 10d 0h within the same second.
    assert!(
        matches!(
            soon.message.as_deref(),
            Some(
                "[CERTIFICATE_EXPIRATION] > 14d (was 9d 23h)"
                    | "[CERTIFICATE_EXPIRATION] > 14d (was 10d 0h)"
            )
        ),
        "{soon:?}"
    );
    let fine = health
        .check(
            project,
            &https(&["[CERTIFICATE_EXPIRATION] > 7d"], true),
            &mut 0,
        )
        .await
        .expect("ran");
    assert!(fine.ok, "{fine:?}");
    let checked = health
        .check(project, &https(&["[STATUS] == 200"], false), &mut 0)
        .await
        .expect("ran");
    assert!(
        checked
            .message
            .as_deref()
            .is_some_and(|m| m.contains("certificate")),
        "a self-signed certificate is refused unless insecure: {checked:?}"
    );
}

/// Ends the child process when dropped, a failed assertion included.
struct Ends(std::process::Child);

impl Drop for Ends {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
