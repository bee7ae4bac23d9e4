//! The Docker watcher backs off when the daemon answers but its event stream keeps breaking,
//! instead of reconnecting in a tight loop. The daemon is a fake on a Unix socket that answers
//! the calls the watcher makes and fails every `/events`. Its own test binary: it sets DOCKER_HOST.
#![cfg(unix)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quantum_config::ProjectConfigs;
use quantum_datasources::Datasources;
use quantum_kernel::Store;
use quantum_secrets::SecretStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

/// Answers one connection's requests (hyper keeps connections alive) and notes when each
/// `/events` request came.
async fn serve(mut stream: UnixStream, events: Arc<Mutex<Vec<Instant>>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end + 4);
        let path = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let (status, body) = if path.contains("/events") {
            events.lock().expect("events").push(Instant::now());
            (
                "500 Internal Server Error",
                r#"{"message":"the event stream broke"}"#,
            )
        } else if path.contains("/version") {
            ("200 OK", r#"{"ApiVersion":"1.41","Version":"20.10.0"}"#)
        } else if path.contains("/_ping") {
            ("200 OK", "OK")
        } else {
            ("200 OK", "[]")
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_breaking_event_stream_is_retried_with_back_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("docker.sock");
    let listener = UnixListener::bind(&socket).expect("fake daemon");
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, Arc::clone(&seen)));
        }
    });
    // Only this test binary's process: no other test runs in it.
    std::env::set_var("DOCKER_HOST", format!("unix://{}", socket.display()));
    std::env::remove_var("DOCKER_CONTEXT");

    let store = Store::open_in(dir.path()).await.expect("store");
    let datasources = Datasources::new(
        store.clone(),
        Arc::new(SecretStore::keychain(dir.path())),
        ProjectConfigs::new(store, dir.path()),
    );
    tokio::spawn(Arc::clone(&datasources).watch_docker());

    // Four attempts in a row: with back-off they are at least 100 + 200 + 400 ms apart in all.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = events.lock().expect("events").clone();
        if seen.len() >= 4 {
            let spread = seen[3] - seen[0];
            assert!(
                spread >= Duration::from_millis(600),
                "four event-stream attempts within {spread:?}: no back-off"
            );
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the watcher stopped retrying: {} attempts",
            seen.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
