//! The Redis password stays out of everything another local user or `docker inspect` can read:
//! it lives in a file in the container, readable by the redis user only.

use std::time::Duration;

use bollard::query_parameters::{DownloadFromContainerOptionsBuilder, TopOptionsBuilder};
use futures_util::TryStreamExt;
use quantum_datasources::{ConnectionFormat, DatasourceInput, DatasourceStatus, Engine};
use quantum_integration_tests::{docker, wait_for_status, TestApp};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where the app puts the settings (see `connection::REDIS_CONFIG`); spelled out to test it.
const CONFIG: &str = "/etc/quantum-admin/redis.conf";

/// Sends `frames` (RESP) and returns the reply lines, one per frame.
async fn redis_replies(port: u16, frames: &[&[&str]]) -> Vec<String> {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let (reader, mut writer) = stream.into_split();
    let mut request = String::new();
    for args in frames {
        request.push_str(&format!("*{}\r\n", args.len()));
        for arg in *args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
    }
    writer.write_all(request.as_bytes()).await.expect("send");
    let mut reader = BufReader::new(reader);
    let mut replies = Vec::new();
    for _ in frames {
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("reply");
        replies.push(line.trim().to_owned());
    }
    replies
}

#[tokio::test(flavor = "multi_thread")]
async fn the_redis_password_is_in_no_command_line_environment_or_inspect_output() {
    let app = TestApp::start("redis secret").await;
    let mut events = app.datasources.subscribe();
    let created = app
        .datasources
        .create(DatasourceInput {
            project_id: app.project_id,
            engine: Engine::Redis,
            ..Default::default()
        })
        .await
        .expect("created");
    wait_for_status(
        &mut events,
        &app.datasources,
        created.id,
        DatasourceStatus::Ready,
        Duration::from_secs(120),
    )
    .await;
    let datasource = app.datasources.get(created.id).await.expect("get");
    let container = datasource.container_id.clone().expect("container");
    let url = app
        .datasources
        .reveal_connection(created.id, ConnectionFormat::Url)
        .await
        .expect("url");
    let password = url
        .strip_prefix("redis://:")
        .and_then(|rest| rest.split_once('@'))
        .map(|(pw, _)| pw.to_owned())
        .expect("password in the URL");
    assert!(password.len() >= 16, "a generated password");

    let api = docker().await;
    let inspected = api
        .inspect_container(&container, None)
        .await
        .expect("inspect");
    let inspect_json = serde_json::to_string(&inspected).expect("json");
    assert!(
        !inspect_json.contains(&password),
        "docker inspect shows the password"
    );
    let config = inspected.config.expect("config");
    assert!(config
        .cmd
        .unwrap_or_default()
        .iter()
        .all(|a| !a.contains(&password)));
    assert!(config
        .env
        .unwrap_or_default()
        .iter()
        .all(|e| !e.contains(&password)));
    assert!(inspected
        .args
        .unwrap_or_default()
        .iter()
        .all(|a| !a.contains(&password)));
    // Published for this machine only.
    let bindings = inspected
        .host_config
        .and_then(|h| h.port_bindings)
        .expect("port bindings");
    for binding in bindings.into_values().flatten().flatten() {
        assert_eq!(binding.host_ip.as_deref(), Some("127.0.0.1"));
    }

    // The server's command line as `ps` on the host shows it (docker top gives host pids).
    let top = api
        .top_processes(
            &container,
            Some(TopOptionsBuilder::new().ps_args("-eo pid,args").build()),
        )
        .await
        .expect("top");
    let processes = top.processes.expect("processes");
    let server = processes
        .iter()
        .find(|p| p.iter().any(|c| c.contains("redis-server")))
        .expect("redis-server runs");
    assert!(server.iter().all(|c| !c.contains(&password)), "{server:?}");
    let pid = server[0].trim();
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).expect("cmdline");
    assert!(
        !String::from_utf8_lossy(&cmdline).contains(&password),
        "/proc/{pid}/cmdline shows the password"
    );

    // The settings file is the redis user's alone.
    let tar: Vec<u8> = api
        .download_from_container(
            &container,
            Some(
                DownloadFromContainerOptionsBuilder::new()
                    .path(CONFIG)
                    .build(),
            ),
        )
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .await
        .expect("download the settings");
    let mut archive = tar::Archive::new(tar.as_slice());
    let entry = archive
        .entries()
        .expect("entries")
        .next()
        .expect("one")
        .expect("entry");
    let header = entry.header();
    assert_eq!(header.mode().expect("mode") & 0o777, 0o600);
    assert_eq!(header.uid().expect("uid"), 999, "owned by the redis user");

    let with = redis_replies(datasource.host_port, &[&["AUTH", &password], &["PING"]]).await;
    assert_eq!(with, ["+OK", "+PONG"]);
    let without = redis_replies(datasource.host_port, &[&["PING"]]).await;
    assert!(without[0].starts_with("-NOAUTH"), "{without:?}");

    app.datasources
        .remove(created.id, true)
        .await
        .expect("removed with its data");
}
