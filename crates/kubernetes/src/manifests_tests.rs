use super::*;

fn workload() -> Workload {
    Workload {
        name: "shop-staging".to_owned(),
        port: 8080,
        service_port: 80,
        replicas: 2,
        probe: Probe::Http {
            path: "/healthz".to_owned(),
        },
        service_type: "ClusterIP".to_owned(),
        progress_deadline_secs: 60,
        grace_secs: 30,
    }
}

fn at<'a>(object: &'a DynamicObject, pointer: &str) -> &'a Value {
    object.data.pointer(pointer).unwrap_or(&Value::Null)
}

#[test]
fn a_generated_deployment_keeps_old_pods_until_new_ones_are_ready() {
    let objects = generate(&workload(), "registry.example.com/shop");
    let kinds: Vec<_> = objects
        .iter()
        .map(|object| object.types.clone().expect("test input").kind)
        .collect();
    assert_eq!(kinds, ["Deployment", "Service"]);
    let deployment = &objects[0];
    assert_eq!(deployment.metadata.name.as_deref(), Some("shop-staging"));
    assert_eq!(at(deployment, "/spec/replicas"), &json!(2));
    assert_eq!(
        at(deployment, "/spec/strategy/rollingUpdate/maxUnavailable"),
        &json!(0)
    );
    assert_eq!(at(deployment, "/spec/progressDeadlineSeconds"), &json!(60));
    let container = at(deployment, "/spec/template/spec/containers/0");
    assert_eq!(
        container["readinessProbe"]["httpGet"],
        json!({ "path": "/healthz", "port": 8080 })
    );
    assert_eq!(container["ports"][0]["containerPort"], json!(8080));
    assert_eq!(
        at(deployment, "/spec/selector/matchLabels"),
        at(deployment, "/spec/template/metadata/labels")
    );
    let service = &objects[1];
    assert_eq!(
        at(service, "/spec/ports/0"),
        &json!({ "name": "http", "port": 80, "targetPort": "http" })
    );
    assert_eq!(
        at(service, "/spec/selector"),
        at(deployment, "/spec/selector/matchLabels")
    );
}

#[test]
fn a_tcp_check_is_a_socket_probe_and_none_is_no_probe() {
    let mut tcp = workload();
    tcp.probe = Probe::Tcp;
    let objects = generate(&tcp, "shop");
    assert_eq!(
        at(
            &objects[0],
            "/spec/template/spec/containers/0/readinessProbe/tcpSocket"
        ),
        &json!({ "port": 8080 })
    );
    let mut none = workload();
    none.probe = Probe::None;
    let objects = generate(&none, "shop");
    assert_eq!(
        at(
            &objects[0],
            "/spec/template/spec/containers/0/readinessProbe"
        ),
        &Value::Null
    );
}

#[test]
fn a_release_sets_its_image_its_variables_and_its_number_on_its_own_containers_only() {
    let text = "
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - { name: web, image: 'registry.example.com/shop:latest' }
      - { name: sidecar, image: 'envoyproxy/envoy:v1.30' }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { ports: [{ port: 80 }] }
";
    let mut objects = parse(text, "web.yaml").expect("test input");
    let set = for_release(
        &mut objects,
        "registry.example.com/shop",
        "registry.example.com/shop:v2",
        Some("web-env-7"),
        7,
    );
    assert_eq!(set, 1);
    let deployment = &objects[0];
    assert_eq!(
        at(deployment, "/spec/template/spec/containers/0/image"),
        &json!("registry.example.com/shop:v2")
    );
    assert_eq!(
        at(deployment, "/spec/template/spec/containers/0/envFrom"),
        &json!([{ "secretRef": { "name": "web-env-7" } }])
    );
    assert_eq!(
        at(deployment, "/spec/template/spec/containers/1/image"),
        &json!("envoyproxy/envoy:v1.30")
    );
    assert_eq!(
        at(deployment, "/spec/template/spec/containers/1/envFrom"),
        &Value::Null
    );
    assert_eq!(
        at(deployment, "/spec/template/metadata/annotations"),
        &json!({ RELEASE_ANNOTATION: "7" })
    );
    assert_eq!(
        workloads(&objects),
        [WorkloadRef {
            kind: WorkloadKind::Deployment,
            namespace: None,
            name: "web".to_owned()
        }]
    );
    assert_eq!(
        for_release(&mut objects, "other", "other:v1", None, 8),
        0,
        "manifests that never run the image say so"
    );
}

#[test]
fn a_yaml_stream_opens_lists_and_skips_empty_documents() {
    let text = "---\n---\napiVersion: v1\nkind: List\nitems:\n- { apiVersion: v1, kind: ConfigMap, metadata: { name: a } }\n- { apiVersion: v1, kind: ConfigMap, metadata: { name: b } }\n";
    let names: Vec<_> = parse(text, "list.yaml")
        .expect("test input")
        .into_iter()
        .map(|object| object.metadata.name.expect("test input"))
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn an_object_missing_what_kubernetes_needs_is_named_by_file_and_document() {
    let error = parse(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\nkind: Service\n",
        "app.yaml",
    )
    .expect_err("an error");
    assert_eq!(
        error,
        "app.yaml, document 2: an object without `apiVersion` or `kind`"
    );
    let error = parse(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
        "app.yaml",
    )
    .expect_err("an error");
    assert_eq!(
        error,
        "app.yaml, document 1: an object without `metadata.name`"
    );
    assert!(parse("a: [", "bad.yaml")
        .expect_err("an error")
        .starts_with("bad.yaml is not YAML"));
}

#[tokio::test]
async fn a_folder_is_read_in_name_order_without_its_subfolders() {
    let dir = tempfile::tempdir().expect("test input");
    let map =
        |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{ name: {name} }}\n");
    std::fs::write(dir.path().join("b.yml"), map("second")).expect("test input");
    std::fs::write(dir.path().join("a.yaml"), map("first")).expect("test input");
    std::fs::write(dir.path().join("notes.txt"), "not a manifest").expect("test input");
    std::fs::create_dir(dir.path().join("old")).expect("test input");
    std::fs::write(dir.path().join("old/c.yaml"), map("ignored")).expect("test input");
    let names: Vec<_> = load(dir.path())
        .await
        .expect("test input")
        .into_iter()
        .map(|object| object.metadata.name.expect("test input"))
        .collect();
    assert_eq!(names, ["first", "second"]);

    let empty = tempfile::tempdir().expect("test input");
    let error = load(empty.path()).await.expect_err("an error").to_string();
    assert!(error.contains("holds no manifest"), "{error}");
}

#[tokio::test]
async fn a_kustomization_is_built_by_kubectl() {
    let dir = tempfile::tempdir().expect("test input");
    std::fs::write(
        dir.path().join("deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec: { containers: [{ name: web, image: shop }] }\n",
    )
    .expect("test input");
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources: [deployment.yaml]\nnamePrefix: staging-\n",
    )
    .expect("test input");
    let objects = load(dir.path()).await.expect("test input");
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].metadata.name.as_deref(), Some("staging-web"));

    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources: [missing.yaml]\n",
    )
    .expect("test input");
    let error = load(dir.path()).await.expect_err("an error").to_string();
    assert!(error.contains("`kubectl kustomize` failed"), "{error}");
}

#[test]
fn a_repository_is_an_image_without_its_tag_or_digest() {
    assert_eq!(repository_of("shop"), "shop");
    assert_eq!(repository_of("shop:v1"), "shop");
    assert_eq!(repository_of("localhost:5000/shop"), "localhost:5000/shop");
    assert_eq!(
        repository_of("localhost:5000/shop:v1"),
        "localhost:5000/shop"
    );
    assert_eq!(repository_of("shop@sha256:abc"), "shop");
}

#[test]
fn names_become_dns_labels() {
    assert_eq!(dns_label("My Shop_staging"), "my-shop-staging");
    assert_eq!(dns_label("--"), "app");
    assert_eq!(dns_label(&"a".repeat(80)).len(), 63);
}

#[test]
fn a_release_secret_is_immutable_and_holds_the_variables() {
    let secret = env_secret(
        "web-env-7",
        &[("DATABASE_URL".to_owned(), "postgres://x".to_owned())],
    );
    assert_eq!(at(&secret, "/immutable"), &json!(true));
    assert_eq!(
        at(&secret, "/stringData"),
        &json!({ "DATABASE_URL": "postgres://x" })
    );
    let yaml = to_yaml(&[secret]);
    assert!(yaml.contains("kind: Secret"), "{yaml}");
}
