//! Deploys to a remote Docker host — a second Docker Engine with its own data, reached over SSH
//! (sshd in front of its socket) and over TCP with TLS (through a Docker context): v1, v2 and a
//! rollback to v1 on each, a load loop on the published port all along with no failed request;
//! the image is built there, not on this machine's engine. An unknown SSH host key is refused
//! until its fingerprint is trusted. An environment's own datasource runs on the remote engine.

use quantum_deploy::{
    DeployRequest, Deploys, DockerTarget, EnvironmentSpec, HealthCheck, ReleaseStatus,
};
use quantum_docker::host::Environment;
use quantum_integration_tests::deploy::{
    free_port, get, project_folder, release_version, runs, LoadLoop,
};
use quantum_integration_tests::remote::{Registry, RemoteHost, PASSPHRASE};
use quantum_integration_tests::TestApp;

#[path = "deploy_remote_logs.rs"]
mod logs;

fn spec_for(name: &str, target: DockerTarget) -> EnvironmentSpec {
    let mut spec = EnvironmentSpec::new(
        name,
        &format!("qa-deploy-remote-{name}-{}", std::process::id()),
        8080,
        free_port(),
    );
    spec.proxy_image = "testdb/haproxy:2.6".to_owned();
    spec.health = HealthCheck::Http {
        path: "/health".to_owned(),
        status: Some(200),
    };
    spec.health_timeout_secs = 10;
    spec.drain_secs = 5;
    spec.target = target;
    spec
}

/// A Redis for the environment, as the app sets one up.
fn redis_datasource(password: &quantum_secrets::Secret) -> quantum_deploy::EnvironmentDatasource {
    use quantum_datasources::connection;
    let engine = quantum_datasources::Engine::Redis;
    let credentials = connection::Credentials {
        database: "",
        username: "",
        password,
    };
    quantum_deploy::EnvironmentDatasource {
        name: "cache".to_owned(),
        engine: engine.label().to_owned(),
        image: "testdb/redis:7".to_owned(),
        env: connection::container_env(engine, &credentials),
        cmd: connection::container_cmd(engine),
        files: connection::container_files(engine, &credentials),
        data_path: engine.data_path().to_owned(),
        port: engine.default_port(),
        ready: connection::ready_command(engine),
        password_fingerprint: "remote cache".to_owned(),
    }
}

/// v1, v2, back to v1 on `spec`'s engine, with the load loop: no failure, each answer the live
/// release's. The folder is left at v2.
async fn deploy_twice_and_roll_back(
    app: &TestApp,
    deploys: &Deploys,
    spec: &EnvironmentSpec,
    remote: &RemoteHost,
) {
    let folder = project_folder();
    let request = || DeployRequest {
        project_id: app.project_id,
        project_name: "shop",
        project_dir: folder.path(),
        spec,
        actor: "tester",
        data: None,
    };
    let v1 = match deploys.deploy(request(), &|_| {}).await {
        Ok(v1) => v1,
        Err(error) => panic!(
            "v1 deployed to {}: {error}\n{}",
            spec.target.label(),
            remote.logs()
        ),
    };
    assert_eq!(v1.status, ReleaseStatus::Live);
    assert_eq!(get(spec.publish, "/").await, Ok((200, "v1".to_owned())));
    let log = deploys.log(v1.id).await.expect("log");
    assert!(log.contains("Building"), "{log}");
    let tag = v1.image.clone();
    assert!(
        remote.has_image(&tag),
        "{tag} was built on the remote engine"
    );
    let local = std::process::Command::new("docker")
        .args(["image", "inspect", &tag])
        .output()
        .expect("docker");
    assert!(
        !local.status.success(),
        "{tag} is not on this machine's engine"
    );

    let load = LoadLoop::start(spec.publish);
    load.wait_for_answers(20).await;
    release_version(folder.path(), "v2", true);
    let v2 = deploys
        .deploy(request(), &|_| {})
        .await
        .expect("v2 deployed");
    assert_eq!(v2.version, "v2");
    load.wait_for_answers(20).await;
    let started = std::time::Instant::now();
    deploys
        .rollback("shop", v1.id, spec, ("tester", None), &|_| {})
        .await
        .expect("rolled back");
    eprintln!(
        "{}: rolled back in {:?}",
        spec.target.label(),
        started.elapsed()
    );
    load.wait_for_answers(20).await;
    let (answers, failures) = load.stop().await;
    assert_eq!(failures, Vec::<String>::new(), "no request failed");
    assert_eq!(runs(&answers), ["v1", "v2", "v1"]);
    eprintln!(
        "{}: {} requests, none failed",
        spec.target.label(),
        answers.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploys_and_rollbacks_on_a_remote_host_over_ssh_and_over_tls() {
    let docker0 = || {
        std::process::Command::new("ip")
            .args(["link", "show", "docker0"])
            .output()
            .is_ok_and(|output| output.status.success())
    };
    let had_docker0 = docker0();
    let remote = tokio::task::spawn_blocking(RemoteHost::start)
        .await
        .expect("remote host");
    let app = TestApp::start("deploy remote").await;
    let deploys = Deploys::with_docker_environment(
        app.store.clone(),
        Environment {
            home: Some(remote.home.clone()),
            ..Environment::default()
        },
    );

    // Over SSH: the host key is unknown until the user trusts its fingerprint.
    let ssh = spec_for(
        "ssh",
        DockerTarget::Host {
            host: remote.ssh_address(),
            tls: None,
        },
    );
    let refused = deploys.connect(&ssh, None).await.expect_err("unknown host");
    let info = quantum_kernel::ErrorInfo::from(refused);
    assert_eq!(info.code, "docker.ssh_host_unknown", "{}", info.message);
    assert!(
        info.message.contains(&remote.host_key_fingerprint),
        "the message shows the fingerprint {}: {}",
        remote.host_key_fingerprint,
        info.message
    );
    let wrong = deploys
        .connect(&ssh, Some("SHA256:not-the-key"))
        .await
        .expect_err("another fingerprint is not trusted");
    assert_eq!(
        quantum_kernel::ErrorInfo::from(wrong).code,
        "docker.ssh_host_unknown"
    );
    let endpoint = deploys
        .connect(&ssh, Some(&remote.host_key_fingerprint))
        .await
        .expect("trusted and connected");
    assert!(endpoint.contains("ssh://root@127.0.0.1"), "{endpoint}");
    let known = std::fs::read_to_string(remote.home.join(".ssh/known_hosts")).expect("known_hosts");
    assert!(
        known
            .trim_start()
            .starts_with(&format!("[127.0.0.1]:{} ssh-ed25519 ", remote.ssh_port)),
        "{known}"
    );
    deploy_twice_and_roll_back(&app, &deploys, &ssh, &remote).await;

    // An encrypted key named by the environment: refused without its passphrase, used with it.
    let mut keyed = ssh.clone();
    keyed.ssh_identity = Some(remote.encrypted_key().display().to_string());
    let locked = quantum_kernel::ErrorInfo::from(
        deploys
            .connect(&keyed, None)
            .await
            .expect_err("no passphrase"),
    );
    assert_eq!(
        locked.code, "docker.ssh_key_passphrase",
        "{}",
        locked.message
    );
    keyed.ssh_passphrase = Some(PASSPHRASE.to_owned());
    deploys
        .connect(&keyed, None)
        .await
        .expect("the key unlocked by its passphrase logs in");

    // Over TCP with TLS, named by the context the CLI would use.
    let tls = spec_for(
        "tls",
        DockerTarget::Context {
            name: "remote-tls".to_owned(),
        },
    );
    let endpoint = deploys.connect(&tls, None).await.expect("TLS connects");
    assert!(
        endpoint.contains(&format!("tcp://127.0.0.1:{}", remote.tls_port)),
        "{endpoint}"
    );
    deploy_twice_and_roll_back(&app, &deploys, &tls, &remote).await;
    logs::a_remote_release_is_a_source_of_the_logs_page(&remote).await;

    // Built here, pushed to a registry, pulled by the remote engine.
    let registry = tokio::task::spawn_blocking(Registry::start)
        .await
        .expect("registry");
    let mut pushed = spec_for("push", ssh.target.clone());
    pushed.image = format!(
        "{}/qa-deploy-remote-push-{}",
        registry.host(),
        std::process::id()
    );
    pushed.push = true;
    // With a datasource of its own, made on the remote engine and reached there by name.
    let cache_password = quantum_secrets::Secret::new("remote cache password");
    pushed.datasources = vec![redis_datasource(&cache_password)];
    let folder = project_folder();
    let stages = std::sync::Mutex::new(Vec::new());
    let release = deploys
        .deploy(
            DeployRequest {
                project_id: app.project_id,
                project_name: "shop",
                project_dir: folder.path(),
                spec: &pushed,
                actor: "tester",
                data: None,
            },
            &|event| {
                if let quantum_deploy::DeployEvent::Stage { stage } = event {
                    stages.lock().expect("lock").push(stage);
                }
            },
        )
        .await
        .expect("pushed and deployed");
    assert_eq!(get(pushed.publish, "/").await, Ok((200, "v1".to_owned())));
    let tags = get(
        registry.port,
        &format!("/v2/qa-deploy-remote-push-{}/tags/list", std::process::id()),
    )
    .await;
    assert!(
        tags.as_ref()
            .is_ok_and(|(status, body)| *status == 200 && body.contains("\"v1\"")),
        "the registry has v1: {tags:?}"
    );
    assert!(
        remote.has_image(&release.image),
        "the remote engine pulled it"
    );
    let log = deploys.log(release.id).await.expect("log");
    assert!(
        log.contains("Layer 1 of"),
        "the push is told layer by layer:\n{log}"
    );
    assert!(
        log.contains("Created datasource cache (Redis, testdb/redis:7)"),
        "{log}"
    );
    assert!(
        stages
            .lock()
            .expect("lock")
            .contains(&quantum_deploy::DeployStage::Pushing),
        "the push is a stage of its own"
    );
    let names = quantum_deploy::Names::new(app.store.identity(), app.project_id, "push");
    let pong = remote.docker_output(&[
        "run",
        "--rm",
        "--network",
        &names.network(),
        "testdb/redis:7",
        "redis-cli",
        "-h",
        "cache",
        "--no-auth-warning",
        "-a",
        cache_password.expose(),
        "ping",
    ]);
    assert_eq!(
        pong, "PONG",
        "the remote engine runs the environment's Redis"
    );
    // Built on this machine: its tag is here, and goes.
    let removed = std::process::Command::new("docker")
        .args(["rmi", &release.image])
        .output()
        .expect("docker rmi");
    assert!(
        removed.status.success(),
        "{} was built on this machine",
        release.image
    );

    // A release of the SSH environment cannot be rolled back once it deploys elsewhere.
    let moved = EnvironmentSpec {
        target: DockerTarget::Local,
        ..ssh.clone()
    };
    let first = deploys
        .history(app.project_id, Some("ssh"))
        .await
        .expect("history")
        .into_iter()
        .find(|release| release.status == ReleaseStatus::Replaced)
        .expect("a replaced release");
    let error = deploys
        .rollback("shop", first.id, &moved, ("tester", None), &|_| {})
        .await
        .expect_err("target changed");
    assert_eq!(
        quantum_kernel::ErrorInfo::from(error).code,
        "deploy.target_changed"
    );
    drop(remote);
    assert_eq!(
        docker0(),
        had_docker0,
        "the machine's own engine keeps its bridge"
    );
}
