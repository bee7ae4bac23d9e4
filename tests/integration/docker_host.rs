//! The app reaches Docker the way the CLI does: through the current Docker context when
//! `DOCKER_HOST` is unset. Its own test binary, as it sets the process environment.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use quantum_docker::Docker;
use tokio::net::{UnixListener, UnixStream};

/// The real local daemon's socket on the machines the tests run on.
const REAL_SOCKET: &str = "/var/run/docker.sock";

/// A CLI configuration folder whose current context `name` points at `host`.
fn config_with_context(dir: &Path, name: &str, host: &str) {
    let config = format!(r#"{{"auths":{{}},"currentContext":"{name}"}}"#);
    std::fs::write(dir.join("config.json"), config).expect("config.json");
    // `echo -n NAME | sha256sum`, as the CLI names the folder; computed by the shell's tool so the
    // test does not share the code under test.
    let output = std::process::Command::new("sh")
        .args(["-c", &format!("printf %s '{name}' | sha256sum")])
        .output()
        .expect("sha256sum");
    let id = String::from_utf8(output.stdout).expect("hex");
    let id = id.split_whitespace().next().expect("digest");
    let meta = dir.join("contexts/meta").join(id);
    std::fs::create_dir_all(&meta).expect("meta dir");
    let body = format!(
        r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#
    );
    std::fs::write(meta.join("meta.json"), body).expect("meta.json");
}

/// Only this binary's tests touch the environment; they take turns.
static ENV: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn use_config_dir(dir: &Path) {
    // Safe in this binary: every test holds ENV while it reads or writes the environment.
    std::env::remove_var("DOCKER_HOST");
    std::env::remove_var("DOCKER_CONTEXT");
    std::env::set_var("DOCKER_CONFIG", dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_context_pointing_at_the_local_daemon_is_used() {
    let _env = ENV.lock().await;
    let dir = tempfile::tempdir().expect("dir");
    // A relay socket in front of the real one: connections through it prove the context was used
    // (the platform default is the real socket, so connecting alone would prove nothing).
    let relay = dir.path().join("relay.sock");
    let listener = UnixListener::bind(&relay).expect("relay");
    let relayed = Arc::new(AtomicUsize::new(0));
    let count = relayed.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut outbound = UnixStream::connect(REAL_SOCKET).await.expect("real socket");
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    config_with_context(dir.path(), "relay", &format!("unix://{}", relay.display()));
    use_config_dir(dir.path());

    let docker = Docker::connect()
        .await
        .expect("connected through the context");
    docker
        .image_present("testdb/redis:7")
        .await
        .expect("the daemon answers");
    assert!(
        relayed.load(Ordering::SeqCst) > 0,
        "the daemon was reached without the context's socket"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_context_whose_daemon_is_not_there_is_unavailable_naming_it() {
    let _env = ENV.lock().await;
    let dir = tempfile::tempdir().expect("dir");
    let gone = dir.path().join("gone.sock");
    config_with_context(dir.path(), "colima", &format!("unix://{}", gone.display()));
    use_config_dir(dir.path());

    let error = Docker::connect().await.expect_err("nothing answers there");
    let info = quantum_kernel::ErrorInfo::from(error);
    assert_eq!(info.code, "docker.unavailable");
    assert!(
        info.message.contains(&gone.display().to_string()) && info.message.contains("colima"),
        "{}",
        info.message
    );
}
