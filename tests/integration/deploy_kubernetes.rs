//! A Kubernetes environment, against the local fake of the API server (tests/fakes/kube-server.mjs:
//! no cluster runs on this machine; the GitHub workflow runs a kind cluster). The image is built
//! by the real Docker Engine; the fake rolls Deployments out as the controller does with
//! `maxUnavailable: 0`, and crashes the pods of an image it is told to.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quantum_deploy::kubernetes::Kubeconfigs;
use quantum_deploy::{Deploys, EnvironmentSpec, HealthCheck, KubernetesTarget, ReleaseStatus};
use quantum_integration_tests::deploy::{
    core_with_project, git, project_folder, release_version, remove_environment, request,
    FollowedLog,
};
use quantum_integration_tests::fakes::Fake;
use quantum_integration_tests::TestApp;
use serde_json::Value;

const DEPLOYMENT: &str = "apps/deployments/shop/shop-production";

fn kubeconfig(dir: &Path, server: &str) -> PathBuf {
    let file = dir.join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: other\nclusters:\n- name: fake\n  cluster: {{ server: '{server}' }}\ncontexts:\n- name: fake\n  context: {{ cluster: fake, user: tester }}\n- name: other\n  context: {{ cluster: fake, user: nobody }}\nusers:\n- name: tester\n  user: {{ token: fake-token }}\n- name: nobody\n  user: {{ token: wrong }}\n"
    );
    std::fs::write(&file, text).expect("write kubeconfig");
    file
}

/// The fake's state once `holds` says yes, within 10 s.
async fn state_when(fake: &Fake, what: &str, holds: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state = fake.get("/_fake/state").await;
        if holds(&state) {
            return state;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within 10 s\n{state:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The releases the fake's pods belong to, each once, and whether all of them are ready.
fn pods(state: &Value) -> (Vec<String>, bool) {
    let pods = state["pods"].as_array().cloned().unwrap_or_default();
    let mut releases: Vec<String> = pods
        .iter()
        .filter_map(|pod| pod["release"].as_str().map(str::to_owned))
        .collect();
    releases.sort();
    releases.dedup();
    (releases, pods.iter().all(|pod| pod["ready"] == true))
}

fn template_release(state: &Value) -> &str {
    state["objects"][DEPLOYMENT]["spec"]["template"]["metadata"]["annotations"]
        ["quantum-admin/release"]
        .as_str()
        .unwrap_or_default()
}

/// Connections made to the API server: each begins by asking its version.
fn connections(state: &Value) -> usize {
    state["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter(|request| request["path"] == "/version")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubernetes_rolls_out_refuses_a_crashing_release_and_rolls_back() {
    let app = TestApp::start("deploy-kube").await;
    let fake = Fake::start_script("kube-server.mjs").await;
    let config = kubeconfig(app.dir.path(), &fake.url);
    let deploys =
        Deploys::new(app.store.clone()).with_kubeconfigs(Kubeconfigs::files(vec![config]));
    let folder = project_folder();
    let image = format!("qa-kube-test-{}", std::process::id());
    let mut spec = EnvironmentSpec::new("production", &image, 8080, 80);
    spec.health = HealthCheck::Http {
        path: "/health".to_owned(),
        status: None,
    };
    spec.health_timeout_secs = 10;
    spec.keep = 2;
    spec.variables = vec![("GREETING".to_owned(), "hello".to_owned())];
    spec.kubernetes = Some(KubernetesTarget {
        context: "fake".to_owned(),
        namespace: Some("shop".to_owned()),
        manifests: None,
        service_type: "ClusterIP".to_owned(),
        replicas: 2,
    });
    let on_event = |_: quantum_deploy::DeployEvent| {};
    let request = |spec| request(app.project_id, folder.path(), spec);

    let v1 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v1 deployed");
    assert_eq!(
        (v1.version.as_str(), v1.status),
        ("v1", ReleaseStatus::Live)
    );
    let state = fake.get("/_fake/state").await;
    let deployment = &state["objects"][DEPLOYMENT];
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], format!("{image}:v1"));
    let secret = format!("shop-production-env-{}", v1.id);
    assert_eq!(
        container["envFrom"][0]["secretRef"]["name"],
        secret.as_str()
    );
    assert_eq!(
        state["objects"][format!("/secrets/shop/{secret}")]["stringData"]["GREETING"],
        "hello",
        "the variables are in the release's Secret"
    );
    assert_eq!(template_release(&state), v1.id.to_string());
    assert_eq!(
        pods(&state),
        (vec![v1.id.to_string()], true),
        "two ready pods of v1"
    );
    let log = deploys.log(v1.id).await.expect("log");
    assert!(log.contains("Applying to fake (namespace shop)"), "{log}");
    assert!(
        log.contains("Created namespace shop"),
        "the namespace the cluster had not got is made:\n{log}"
    );
    assert!(
        log.contains("Deployment shop-production rolled out"),
        "{log}"
    );
    assert!(
        log.contains("of 2 new pods"),
        "the rollout's progress is told:\n{log}"
    );
    let applied: Vec<&str> = state["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter_map(|request| request["path"].as_str())
        .filter(|path| path.contains("fieldManager=quantum-admin"))
        .collect();
    assert!(
        applied.iter().all(|path| path.contains("force=true")),
        "server-side apply, taking the fields over: {applied:?}"
    );

    release_version(folder.path(), "v2", true);
    let connected = connections(&state);
    let v2 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v2 deployed");
    assert_eq!(v2.status, ReleaseStatus::Live);
    let state = fake.get("/_fake/state").await;
    assert_eq!(
        connections(&state),
        connected + 1,
        "a deploy connects once (an exec credential plugin runs each time)"
    );
    assert_eq!(
        pods(&state),
        (vec![v2.id.to_string()], true),
        "every pod is v2's"
    );

    // v3's pods crash: it never becomes ready, v2's pods keep serving, the cluster goes back.
    release_version(folder.path(), "v3", true);
    fake.post(
        "/_fake/crash",
        serde_json::json!({ "image": format!("{image}:v3") }),
    )
    .await;
    let error = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect_err("v3's rollout stalls");
    let said = error.to_string();
    assert!(said.contains("did not become healthy"), "{said}");
    assert!(said.contains("CrashLoopBackOff"), "{said}");
    assert!(
        said.contains("DATABASE_URL is not reachable"),
        "its log lines are told: {said}"
    );
    let history = deploys
        .history(app.project_id, Some("production"))
        .await
        .expect("history");
    assert_eq!(history[0].status, ReleaseStatus::Failed);
    assert_eq!(history[1].id, v2.id);
    assert_eq!(history[1].status, ReleaseStatus::Live);
    let state = state_when(&fake, "the cluster goes back to v2", |state| {
        template_release(state) == v2.id.to_string()
            && pods(state) == (vec![v2.id.to_string()], true)
    })
    .await;
    let v3_secret = format!("shop-production-env-{}", history[0].id);
    assert_eq!(
        state["objects"][format!("/secrets/shop/{v3_secret}")],
        Value::Null,
        "v3's Secret is gone"
    );

    // Back to v1: its objects as they were, its Secret included.
    let connected = connections(&state);
    let rolled = deploys
        .rollback("shop", v1.id, &spec, ("tester", None), &on_event)
        .await
        .expect("rolled back");
    assert_eq!(
        (rolled.version.as_str(), rolled.status),
        ("v1", ReleaseStatus::Live)
    );
    let state = fake.get("/_fake/state").await;
    assert_eq!(
        connections(&state),
        connected + 1,
        "a rollback that prunes connects once"
    );
    assert_eq!(template_release(&state), v1.id.to_string());
    assert_eq!(pods(&state), (vec![v1.id.to_string()], true));
    assert_eq!(
        state["objects"][DEPLOYMENT]["spec"]["template"]["spec"]["containers"][0]["image"],
        format!("{image}:v1")
    );
    // Two kept (the rollback and v2): v1's row goes, its Secret stays for the rollback.
    let history = deploys
        .history(app.project_id, Some("production"))
        .await
        .expect("history");
    let v1_now = history
        .iter()
        .find(|release| release.id == v1.id)
        .expect("v1");
    assert_eq!(v1_now.status, ReleaseStatus::Removed);
    assert!(
        state["objects"][format!("/secrets/shop/{secret}")].is_object(),
        "the Secret the live release reads stays"
    );

    // A release applied to another namespace is not there to go back to.
    let mut moved = spec.clone();
    moved.kubernetes.as_mut().expect("kubernetes").namespace = Some("other".to_owned());
    let refused = deploys
        .rollback("shop", v2.id, &moved, ("tester", None), &on_event)
        .await
        .expect_err("another namespace");
    assert!(refused.to_string().contains("namespace shop"), "{refused}");

    remove_environment(app.store.identity(), app.project_id, "production", &image).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stateful_set_of_the_projects_manifests_rolls_out_and_a_broken_release_is_undone() {
    let app = TestApp::start("deploy-kube-sts").await;
    let fake = Fake::start_script("kube-server.mjs").await;
    let config = kubeconfig(app.dir.path(), &fake.url);
    let deploys =
        Deploys::new(app.store.clone()).with_kubeconfigs(Kubeconfigs::files(vec![config]));
    let folder = project_folder();
    let image = format!("qa-kube-sts-{}", std::process::id());
    std::fs::create_dir(folder.path().join("k8s")).expect("k8s folder");
    std::fs::write(
        folder.path().join("k8s/db.yaml"),
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{ name: db }}\nspec:\n  replicas: 2\n  serviceName: db\n  selector: {{ matchLabels: {{ app: db }} }}\n  template:\n    metadata: {{ labels: {{ app: db }} }}\n    spec:\n      containers:\n      - name: db\n        image: {image}:dev\n"
        ),
    )
    .expect("manifest");
    for args in [
        &["add", "-A"][..],
        &["commit", "-qm", "v1"],
        &["tag", "-f", "v1"],
    ] {
        git(folder.path(), args);
    }
    let mut spec = EnvironmentSpec::new("production", &image, 8080, 80);
    spec.health_timeout_secs = 5;
    spec.kubernetes = Some(KubernetesTarget {
        context: "fake".to_owned(),
        namespace: Some("data".to_owned()),
        manifests: Some("k8s".to_owned()),
        service_type: "ClusterIP".to_owned(),
        replicas: 1,
    });
    let on_event = |_: quantum_deploy::DeployEvent| {};
    let request = |spec| request(app.project_id, folder.path(), spec);

    let v1 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v1 deployed");
    assert_eq!(v1.status, ReleaseStatus::Live);
    let log = deploys.log(v1.id).await.expect("log");
    assert!(log.contains("Created namespace data"), "{log}");
    assert!(log.contains("StatefulSet db rolled out"), "{log}");
    let state = fake.get("/_fake/state").await;
    assert_eq!(pods(&state), (vec![v1.id.to_string()], true));

    release_version(folder.path(), "v2", true);
    let v2 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v2 deployed");
    let state = fake.get("/_fake/state").await;
    assert_eq!(
        pods(&state),
        (vec![v2.id.to_string()], true),
        "the deploy waited for both pods at v2"
    );

    // v3's pod crashes: the StatefulSet stops at it, and would wait for it even once v2's
    // template is back; the app deletes it, and v2 serves again on both pods.
    release_version(folder.path(), "v3", true);
    fake.post(
        "/_fake/crash",
        serde_json::json!({ "image": format!("{image}:v3") }),
    )
    .await;
    let error = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect_err("v3's rollout stalls");
    assert!(error.to_string().contains("StatefulSet db"), "{error}");
    let history = deploys
        .history(app.project_id, Some("production"))
        .await
        .expect("history");
    let log = deploys.log(history[0].id).await.expect("log");
    assert!(
        log.contains("Deleted 1 pod of the failed release from StatefulSet db"),
        "{log}"
    );
    state_when(&fake, "both pods back at v2 and ready", |state| {
        pods(state) == (vec![v2.id.to_string()], true)
            && state["pods"].as_array().map(Vec::len) == Some(2)
    })
    .await;

    remove_environment(app.store.identity(), app.project_id, "production", &image).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_that_is_not_there_or_refuses_says_so_before_the_build() {
    let app = TestApp::start("deploy-kube-refused").await;
    let fake = Fake::start_script("kube-server.mjs").await;
    let config = kubeconfig(app.dir.path(), &fake.url);
    let deploys =
        Deploys::new(app.store.clone()).with_kubeconfigs(Kubeconfigs::files(vec![config]));
    let mut spec = EnvironmentSpec::new("production", "qa-kube-refused", 8080, 80);
    for (context, expected) in [
        ("missing", "has no context `missing`"),
        ("other", "refused its credentials"),
    ] {
        spec.kubernetes = Some(KubernetesTarget {
            context: context.to_owned(),
            namespace: None,
            manifests: None,
            service_type: "ClusterIP".to_owned(),
            replicas: 1,
        });
        let error = deploys.connect(&spec, None).await.expect_err("refused");
        assert!(error.to_string().contains(expected), "{context}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_release_is_a_source_of_the_logs_page_read_from_its_pods() {
    let fake = Fake::start_script("kube-server.mjs").await;
    let folder = project_folder();
    let image = format!("qa-kube-logs-{}", std::process::id());
    let toml = format!(
        "[deploy.production]\nimage = \"{image}\"\nport = 8080\npublish = 80\nhealth_path = \"/health\"\nhealth_timeout = 10\nreplicas = 2\nkube_context = \"fake\"\nkube_namespace = \"shop\"\n"
    );
    let (data_dir, mut core, project_id) = core_with_project(
        folder.path(),
        &toml,
        "kube logs",
        &quantum_kernel::settings::Settings::default(),
    )
    .await;
    let config = kubeconfig(data_dir.path(), &fake.url);
    core.deploys = std::sync::Arc::new(
        Deploys::new(core.store.clone()).with_kubeconfigs(Kubeconfigs::files(vec![config.clone()])),
    );
    let release = quantum_core::deploy::deploy(&core, project_id, "production", 10, &|_| {})
        .await
        .expect("deployed to the cluster");

    let name = format!(
        "production ({}) on Kubernetes context fake, namespace shop",
        release.version
    );
    // Each of its two pods says it listens.
    FollowedLog::start(&core, project_id, data_dir.path(), &name)
        .await
        .lines_holding("listening on :8080", 2, Duration::from_secs(10))
        .await;

    // Its health check asks the release's Service through the API server.
    quantum_core::health::load(&core, project_id).await;
    let check = core
        .health
        .checks(project_id)
        .into_iter()
        .find(|check| check.name == "deploy-production")
        .expect("the environment's check");
    // The generated Service is named after the project and the environment.
    let target = check.target.to_string();
    assert!(
        target.starts_with("kubernetes://kube-logs-")
            && target.ends_with("-production.shop:80/health@fake"),
        "{target}"
    );
    let prober = quantum_core::health::StackProber::new(std::sync::Arc::clone(&core.datasources))
        .with_kubeconfigs(Kubeconfigs::files(vec![config.clone()]));
    let seen =
        quantum_health::Prober::probe(&prober, project_id, &check.target, Duration::from_secs(5))
            .await;
    assert_eq!(
        (seen.status, seen.body.as_deref()),
        (Some(200), Some("ok\n")),
        "{seen:?}"
    );

    // The environment moved to the local Docker Engine: the card says where the live one runs.
    let environments = quantum_core::deploy::environments(&core, project_id)
        .await
        .expect("environments");
    assert_eq!(environments[0].live_elsewhere, None);
    let on_docker: String = toml
        .lines()
        .filter(|line| !line.starts_with("kube_") && !line.starts_with("replicas"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(folder.path().join("quantum.toml"), on_docker).expect("write quantum.toml");
    let environments = quantum_core::deploy::environments(&core, project_id)
        .await
        .expect("environments");
    assert_eq!(
        environments[0].live_elsewhere.as_deref(),
        Some("Kubernetes context fake, namespace shop")
    );
    remove_environment(core.store.identity(), project_id, "production", &image).await;
}
