//! Deploys on the real Docker Engine: the fixture web app built from the project's Dockerfile
//! (its .dockerignore honoured), v1 deployed, v2 deployed, rolled back to v1, with a load loop on
//! the published port all along: no request fails, and each answer is the version live then. A
//! v3 whose health check fails never takes traffic, and the error shows its last log lines.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use quantum_deploy::{DeployRequest, Deploys, EnvironmentSpec, HealthCheck, ReleaseStatus};
use quantum_integration_tests::deploy::{
    free_port, get, project_folder, release_version, remove_environment, runs, LoadLoop,
};
use quantum_integration_tests::TestApp;

#[path = "deploy_data.rs"]
mod data;
#[path = "deploy_datasources.rs"]
mod datasources;
#[path = "deploy_kind.rs"]
mod kind;
#[path = "deploy_kubernetes.rs"]
mod kubernetes;
#[path = "deploy_registry.rs"]
mod registry;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_deploy_again_and_roll_back_with_no_failed_request() {
    let app = TestApp::start("deploy").await;
    let deploys = Deploys::new(app.store.clone());
    let folder = project_folder();
    let port = free_port();
    let mut spec = EnvironmentSpec::new(
        "staging",
        &format!("qa-deploy-test-{}", std::process::id()),
        8080,
        port,
    );
    spec.proxy_image = "testdb/haproxy:2.6".to_owned();
    spec.health = HealthCheck::Http {
        path: "/health".to_owned(),
        status: Some(200),
    };
    spec.health_timeout_secs = 5;
    spec.drain_secs = 5;
    spec.variables = vec![("GREETING".to_owned(), "hello".to_owned())];
    // The hooks run in the project's folder with the release's facts.
    spec.pre_deploy = Some("echo \"$QUANTUM_VERSION\" >> hooks.log".to_owned());
    spec.post_deploy = Some("echo \"live $QUANTUM_ENVIRONMENT\" >> hooks.log".to_owned());
    let stages = Arc::new(Mutex::new(Vec::new()));
    let on_event = {
        let stages = stages.clone();
        move |event: quantum_deploy::DeployEvent| {
            stages.lock().expect("lock").push((Instant::now(), event))
        }
    };
    let request = |spec| DeployRequest {
        project_id: app.project_id,
        project_name: "shop",
        project_dir: folder.path(),
        spec,
        actor: "tester",
        data: None,
    };

    let v1 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v1 deployed");
    assert_eq!(
        (v1.version.as_str(), v1.status),
        ("v1", ReleaseStatus::Live)
    );
    assert_eq!(get(port, "/").await, Ok((200, "v1".to_owned())));
    // Left out by .dockerignore: not in the image.
    assert_eq!(
        get(port, "/secret.txt").await.map(|(status, _)| status),
        Ok(404)
    );
    let log = deploys.log(v1.id).await.expect("log");
    assert!(
        log.contains(": COPY site/ /www/"),
        "the build's output is in the log:\n{log}"
    );
    assert!(log.contains("Running the post_deploy hook"), "{log}");
    assert_eq!(
        std::fs::read_to_string(folder.path().join("hooks.log")).expect("hooks ran"),
        "v1\nlive staging\n"
    );

    let load = LoadLoop::start(port);
    load.wait_for_answers(20).await;
    release_version(folder.path(), "v2", true);
    let clock = Instant::now();
    let v2 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v2 deployed");
    eprintln!(
        "v2 deployed in {:?}, {} answers so far",
        clock.elapsed(),
        load.answers()
    );
    assert_eq!(v2.version, "v2");
    load.wait_for_answers(20).await;
    assert_eq!(load.last().as_deref(), Some("v2"));

    let started = Instant::now();
    let back = deploys
        .rollback("shop", v1.id, &spec, ("tester", None), &on_event)
        .await
        .expect("rolled back");
    let rollback_time = started.elapsed();
    eprintln!(
        "rolled back in {rollback_time:?}, {} answers so far",
        load.answers()
    );
    assert_eq!(
        (back.version.as_str(), back.rollback_of),
        ("v1", Some(v1.id))
    );
    load.wait_for_answers(20).await;
    assert_eq!(load.last().as_deref(), Some("v1"));

    // v3 answers 404 on /health: it never takes traffic, and the error says why.
    release_version(folder.path(), "v3", false);
    let clock = Instant::now();
    let failed = deploys.deploy(request(&spec), &on_event).await;
    eprintln!(
        "v3 refused in {:?}, {} answers so far",
        clock.elapsed(),
        load.answers()
    );
    let error = failed.expect_err("v3 is refused").to_string();
    assert!(error.contains("answered 404, not 200"), "{error}");
    assert!(error.contains("release before keeps serving"), "{error}");
    load.wait_for_answers(20).await;

    let load_started = load.started;
    let changes = load.changes();
    let (answers, failures) = load.stop().await;
    // On a failure, what the deploys were doing then, in the load loop's time.
    let timeline: Vec<String> = stages
        .lock()
        .expect("lock")
        .iter()
        .filter(|(at, _)| *at >= load_started)
        .map(|(at, event)| format!("{:?} {event:?}", at.duration_since(load_started)))
        .collect();
    assert_eq!(
        failures,
        Vec::<String>::new(),
        "no request failed; the deploys meanwhile:\n{}",
        timeline.join("\n")
    );
    assert_eq!(
        runs(&answers),
        ["v1", "v2", "v1"],
        "each answer is the live release's; the answers changed at:\n{}\nthe deploys meanwhile:\n{}",
        changes.join("\n"),
        timeline.join("\n")
    );
    eprintln!(
        "{} requests, none failed; rollback took {rollback_time:?}",
        answers.len()
    );

    let history = deploys
        .history(app.project_id, Some("staging"))
        .await
        .expect("history");
    let statuses: Vec<(String, ReleaseStatus)> = history
        .iter()
        .map(|release| (release.version.clone(), release.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("v3".to_owned(), ReleaseStatus::Failed),
            ("v1".to_owned(), ReleaseStatus::Live),
            ("v2".to_owned(), ReleaseStatus::Replaced),
            ("v1".to_owned(), ReleaseStatus::Replaced),
        ]
    );
    let audit = quantum_kernel::audit::of_resource(
        &app.store,
        quantum_kernel::audit::AuditAction::DeployRollback,
        quantum_kernel::audit::ResourceType::Release,
        back.id,
        10,
    )
    .await
    .expect("audit");
    assert_eq!(audit.len(), 1, "the rollback is audited");
    assert!(
        stages
            .lock()
            .expect("lock")
            .iter()
            .any(|(_, event)| matches!(
                event,
                quantum_deploy::DeployEvent::Stage {
                    stage: quantum_deploy::DeployStage::Draining
                }
            )),
        "progress is reported stage by stage"
    );
    cleanup(&app, &spec).await;
}

/// The proxy, releases, network and images of the test's environment.
async fn cleanup(app: &TestApp, spec: &EnvironmentSpec) {
    remove_environment(
        app.store.identity(),
        app.project_id,
        &spec.name,
        &spec.image,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_port_held_by_another_program_is_named_and_nothing_is_left_behind() {
    let app = TestApp::start("deploy port").await;
    let deploys = Deploys::new(app.store.clone());
    let folder = project_folder();
    let held = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("listener");
    let port = held.local_addr().expect("addr").port();
    let mut spec = EnvironmentSpec::new(
        "staging",
        &format!("qa-deploy-port-{}", std::process::id()),
        8080,
        port,
    );
    spec.proxy_image = "testdb/haproxy:2.6".to_owned();
    let error = deploys
        .deploy(
            DeployRequest {
                project_id: app.project_id,
                project_name: "shop",
                project_dir: folder.path(),
                spec: &spec,
                actor: "tester",
                data: None,
            },
            &|_| {},
        )
        .await
        .expect_err("the port is taken");
    let info = quantum_kernel::ErrorInfo::from(error);
    assert_eq!(info.code, "deploy.port_taken");
    assert!(
        info.message
            .contains(&format!("Port {port}, which [deploy.staging] publishes")),
        "{}",
        info.message
    );
    let names = quantum_deploy::Names::new(app.store.identity(), app.project_id, "staging");
    let docker = quantum_docker::Docker::connect().await.expect("docker");
    assert_eq!(
        docker.inspect(&names.proxy()).await.expect("inspect"),
        None,
        "no proxy is left"
    );
    let history = deploys
        .history(app.project_id, None)
        .await
        .expect("history");
    assert_eq!(history[0].status, ReleaseStatus::Failed);
    cleanup(&app, &spec).await;
}
