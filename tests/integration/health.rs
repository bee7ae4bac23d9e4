//! Health checks of a project's own stack on the real Docker Engine: a `datasource:` target is
//! the datasource's readiness probe (its password from the keychain), a `container:` target is
//! Docker's word on the container; stopped and unknown ones fail with a reason.

use std::sync::Arc;
use std::time::Duration;

use quantum_core::health::StackProber;
use quantum_datasources::ConnectionFormat;
use quantum_health::{Prober, Target};
use quantum_integration_tests::TestApp;
use quantum_kernel::Engine;
use quantum_secrets::Secret;
use sqlx::{Connection, PgConnection};

#[tokio::test]
async fn a_datasource_and_its_container_are_checked_up_then_down_with_the_reason() {
    let app = TestApp::start("health").await;
    let datasource = app.ready(Engine::Postgres).await;
    let prober = StackProber::new(Arc::clone(&app.datasources));
    let timeout = Duration::from_secs(10);
    let by_name = Target::Datasource {
        name: datasource.name.clone(),
    };
    let container = Target::Container {
        name: datasource.name.clone(),
    };

    let up = prober.probe(app.project_id, &by_name, timeout).await;
    assert!(up.connected, "{up:?}");
    let running = prober.probe(app.project_id, &container, timeout).await;
    assert!(running.connected, "{running:?}");

    // The prober keeps the password it read; a password changed since is read again, and a
    // wrong one fails (the server does ask for it).
    let url = app
        .datasources
        .reveal_connection(datasource.id, ConnectionFormat::Url)
        .await
        .expect("url");
    let mut server = PgConnection::connect(&url).await.expect("connected");
    sqlx::query(&format!(
        "ALTER USER \"{}\" PASSWORD 'changed-behind-its-back'",
        datasource.username
    ))
    .execute(&mut server)
    .await
    .expect("password changed");
    server.close().await.expect("closed");
    let refused = prober.probe(app.project_id, &by_name, timeout).await;
    assert!(!refused.connected, "{refused:?}");
    app.secrets
        .set(
            &datasource.keychain_account,
            &Secret::new("changed-behind-its-back"),
        )
        .expect("keychain updated");
    let again = prober.probe(app.project_id, &by_name, timeout).await;
    assert!(again.connected, "{again:?}");

    app.datasources.stop(datasource.id).await.expect("stopped");
    let down = prober.probe(app.project_id, &by_name, timeout).await;
    assert!(!down.connected);
    assert_eq!(
        down.error.as_deref(),
        Some(format!("{} is stopped", datasource.name).as_str())
    );
    let stopped = prober.probe(app.project_id, &container, timeout).await;
    assert!(
        stopped
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with(&format!("{} is not running", datasource.name))),
        "{stopped:?}"
    );

    let unknown = prober
        .probe(
            app.project_id,
            &Target::Datasource {
                name: "nope".into(),
            },
            timeout,
        )
        .await;
    assert_eq!(
        unknown.error.as_deref(),
        Some("the project has no datasource named “nope”")
    );
    let gone = prober
        .probe(
            app.project_id,
            &Target::Container {
                name: "quantum-no-such-container".into(),
            },
            timeout,
        )
        .await;
    assert_eq!(
        gone.error.as_deref(),
        Some("there is no container named quantum-no-such-container")
    );

    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("removed");
}

/// The project's webhook URL lives in the keychain; an incident opened by a failing check is
/// posted to it.
#[tokio::test]
async fn an_incident_reaches_the_project_s_webhook_kept_in_the_keychain() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let dir = tempfile::tempdir().expect("data dir");
    let core = quantum_core::Core::open(dir.path(), &quantum_kernel::settings::Settings::default())
        .await
        .expect("core");
    let project = quantum_kernel::projects::create(
        &core.store,
        quantum_kernel::projects::ProjectInput {
            name: format!("hooked {}", std::process::id()),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bound");
    let url = format!(
        "http://127.0.0.1:{}/hook",
        listener.local_addr().expect("address").port()
    );
    let received = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a post");
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.ends_with(b"}") {
            let read = socket.read(&mut buffer).await.expect("read");
            if read == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..read]);
        }
        let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await;
        String::from_utf8_lossy(&request).into_owned()
    });

    let refused = quantum_core::health::set_webhook(&core, project.id, Some("ftp://x".into()))
        .await
        .expect_err("not http");
    assert_eq!(refused.code, "health.invalid_webhook");
    quantum_core::health::set_webhook(&core, project.id, Some(url.clone()))
        .await
        .expect("set");
    assert_eq!(
        quantum_core::health::webhook(&core, project.id)
            .await
            .expect("read"),
        Some(url)
    );

    tokio::spawn(quantum_core::health::post_incidents(&core));
    let nothing_there = quantum_health::CheckSpec {
        name: "api".into(),
        target: Target::Tcp {
            host: "127.0.0.1".into(),
            port: 1,
        },
        interval_secs: 60,
        timeout_secs: 2,
        failures: 1,
        conditions: quantum_health::CheckSpec::default_conditions(&Target::Tcp {
            host: "127.0.0.1".into(),
            port: 1,
        }),
        insecure: false,
    };
    core.health
        .check(project.id, &nothing_there, &mut 0)
        .await
        .expect("ran");
    let request = tokio::time::timeout(Duration::from_secs(10), received)
        .await
        .expect("posted within 10 s")
        .expect("received");
    assert!(request.contains("\"state\":\"opened\""), "{request}");
    assert!(request.contains("\"check\":\"api\""), "{request}");

    quantum_core::health::set_webhook(&core, project.id, None)
        .await
        .expect("removed");
    assert_eq!(
        quantum_core::health::webhook(&core, project.id)
            .await
            .expect("read"),
        None
    );
}
