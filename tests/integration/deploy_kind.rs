//! The Kubernetes deploy on a real cluster: the kind job of the GitHub workflow runs it
//! (`--ignored`), with a kind cluster whose containerd pulls from a registry on the runner. No
//! cluster can run on the test machine; there, deploy_kubernetes.rs runs the same flow against
//! the fake API server.
//!
//! QUANTUM_KIND_CONTEXT names the kubeconfig context, QUANTUM_KIND_REGISTRY the registry the
//! cluster pulls from (pushed to over plain HTTP on localhost).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use quantum_deploy::{Deploys, EnvironmentSpec, HealthCheck, KubernetesTarget, ReleaseStatus};
use quantum_integration_tests::deploy::{free_port, get, project_folder, release_version, request};
use quantum_integration_tests::TestApp;

fn kubectl(context: &str, args: &[&str]) -> String {
    let output = Command::new("kubectl")
        .args(["--context", context, "--namespace", "default"])
        .args(args)
        .output()
        .expect("kubectl runs");
    assert!(
        output.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// What the Service answers at `/`, through `kubectl port-forward`, once it answers (30 s).
async fn served(context: &str, service: &str) -> String {
    let port = free_port();
    let mut forward = Command::new("kubectl")
        .args([
            "--context",
            context,
            "--namespace",
            "default",
            "port-forward",
        ])
        .arg(format!("service/{service}"))
        .arg(format!("{port}:80"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl port-forward");
    let deadline = Instant::now() + Duration::from_secs(30);
    let answer = loop {
        match get(port, "/").await {
            Ok((200, body)) => break body,
            other if Instant::now() > deadline => panic!("the Service did not answer: {other:?}"),
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    forward.kill().ok();
    forward.wait().ok();
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Kubernetes cluster: the GitHub workflow's kind job runs it"]
async fn kind_deploys_refuses_a_release_that_never_gets_ready_and_rolls_back() {
    let context = std::env::var("QUANTUM_KIND_CONTEXT").expect("QUANTUM_KIND_CONTEXT");
    let registry = std::env::var("QUANTUM_KIND_REGISTRY").expect("QUANTUM_KIND_REGISTRY");
    let app = TestApp::start("deploy-kind").await;
    let deploys = Deploys::new(app.store.clone());
    let folder = project_folder();
    let mut spec = EnvironmentSpec::new("kind", &format!("{registry}/quantum-web"), 8080, 80);
    spec.push = true;
    spec.health = HealthCheck::Http {
        path: "/health".to_owned(),
        status: None,
    };
    spec.health_timeout_secs = 60;
    spec.variables = vec![("GREETING".to_owned(), "hello".to_owned())];
    spec.kubernetes = Some(KubernetesTarget {
        context: context.clone(),
        namespace: Some("default".to_owned()),
        manifests: None,
        service_type: "ClusterIP".to_owned(),
        replicas: 2,
    });
    let on_event = |_: quantum_deploy::DeployEvent| {};
    let request = |spec| request(app.project_id, folder.path(), spec);
    let service = "shop-kind";

    let v1 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v1 deployed");
    assert_eq!(
        v1.status,
        ReleaseStatus::Live,
        "{:?}",
        deploys.log(v1.id).await
    );
    assert_eq!(served(&context, service).await.trim(), "v1");
    let secret = kubectl(
        &context,
        &[
            "get",
            "secret",
            &format!("shop-kind-env-{}", v1.id),
            "-o",
            "jsonpath={.data.GREETING}",
        ],
    );
    assert_eq!(
        secret, "aGVsbG8=",
        "the variables are in the release's Secret"
    );

    release_version(folder.path(), "v2", true);
    let v2 = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect("v2 deployed");
    assert_eq!(v2.status, ReleaseStatus::Live);
    assert_eq!(served(&context, service).await.trim(), "v2");

    // v3 has no /health: its pods never become ready, v2's keep serving.
    release_version(folder.path(), "v3", false);
    let error = deploys
        .deploy(request(&spec), &on_event)
        .await
        .expect_err("v3 never gets ready");
    assert!(
        error.to_string().contains("did not become healthy"),
        "{error}"
    );
    let annotation = kubectl(
        &context,
        &[
            "get",
            "deployment",
            service,
            "-o",
            "jsonpath={.spec.template.metadata.annotations.quantum-admin/release}",
        ],
    );
    assert_eq!(
        annotation,
        v2.id.to_string(),
        "the Deployment wants v2 again"
    );
    kubectl(
        &context,
        &[
            "rollout",
            "status",
            &format!("deployment/{service}"),
            "--timeout=90s",
        ],
    );
    assert_eq!(served(&context, service).await.trim(), "v2");

    let rolled = deploys
        .rollback("shop", v1.id, &spec, ("tester", None), &on_event)
        .await
        .expect("rolled back");
    assert_eq!(rolled.status, ReleaseStatus::Live);
    assert_eq!(served(&context, service).await.trim(), "v1");
}
