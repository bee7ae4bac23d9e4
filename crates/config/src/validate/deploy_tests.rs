use crate::{parse, validate};

#[test]
fn an_environment_is_read_with_its_defaults_left_to_the_deploy_crate() {
    let text = "[deploy.staging]\nimage = \"shop\"\nport = 8080\npublish = 8000\nhealth_path = \"/up\"\nkeep = 5\n";
    let config = parse(text).expect("valid");
    let staging = &config.deploy[0];
    assert_eq!(
        (
            staging.name.as_str(),
            staging.image.as_str(),
            staging.port,
            staging.publish
        ),
        ("staging", "shop", 8080, 8000)
    );
    let spec = staging.to_spec(vec![("A".to_owned(), "1".to_owned())]);
    assert_eq!(spec.keep, 5);
    assert_eq!(spec.bind, "127.0.0.1");
    assert_eq!(
        spec.health,
        quantum_deploy::HealthCheck::Http {
            path: "/up".to_owned(),
            status: None
        }
    );
    assert_eq!(spec.proxy_image, quantum_deploy::DEFAULT_PROXY_IMAGE);
}

#[test]
fn mistakes_are_reported_where_they_are() {
    let codes = |text: &str| {
        validate(text, &[])
            .into_iter()
            .map(|d| (d.line, d.code))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes("[deploy.staging]\nimage = \"shop\"\n"),
        [(1, "config.missing_key".to_owned())]
    );
    assert_eq!(
        codes("[deploy.staging]\nimage = \"shop:1\"\nport = 1\npublish = 2\n"),
        [(2, "config.invalid_image".to_owned())]
    );
    assert_eq!(
        codes("[deploy.staging]\nimage = \"shop\"\nport = 70000\npublish = 2\n"),
        [(3, "config.out_of_range".to_owned())]
    );
    assert_eq!(
        codes("[deploy.staging]\nimage = \"shop\"\nport = 1\npublish = 2\nhealth = \"ping\"\n"),
        [(5, "config.invalid_health".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\n\n[deploy.b]\nimage = \"y\"\nport = 1\npublish = 2\n"),
        [(6, "config.port_taken".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nkep = 3\n"),
        [(5, "config.unknown_key".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\ndocker_host = \"ftp://x\"\n"),
        [(5, "config.invalid_address".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\ndocker_host = \"ssh://me@x\"\ndocker_tls = \"certs\"\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\ndocker_context = \"prod\"\ndocker_host = \"tcp://x:2376\"\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nmigrate = \"main\"\n"),
        [(5, "config.wrong_type".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nmigrate = [\"main\", \"main\"]\n"),
        [(5, "config.invalid_name".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nmigrate = [\"main\"]\ndocker_context = \"prod\"\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nkube_context = \"kind\"\ndocker_context = \"prod\"\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nreplicas = 3\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nkube_context = \"kind\"\nkube_namespace = \"Shop_1\"\n"),
        [(6, "config.invalid_name".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nkube_context = \"kind\"\nkube_service = \"Ingress\"\n"),
        [(6, "config.invalid_service".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nkube_context = \"kind\"\nkube_manifests = \"../k8s\"\n"),
        [(6, "config.invalid_folder".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nkube_context = \"kind\"\nmigrate = [\"main\"]\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nkube_context = \"kind\"\ndatasources = [\"main\"]\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nmigrate = [\"main\"]\ndatasources = [\"main\"]\n"),
        [(1, "config.invalid_target".to_owned())]
    );
    assert_eq!(
        codes("[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\ndatasources = [\"a b\"]\n"),
        [(5, "config.invalid_name".to_owned())]
    );
    let remote = "[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\ndocker_host = \"ssh://me@x\"\ndatasources = [\"main\", \"cache\"]\n";
    assert_eq!(
        parse(remote).expect("valid").deploy[0].datasources,
        ["main", "cache"]
    );
    let text =
        "[deploy.a]\nimage = \"x\"\nport = 1\npublish = 2\nmigrate = [\"main\", \"cache\"]\n";
    assert_eq!(
        parse(text).expect("valid").deploy[0].migrate,
        ["main", "cache"]
    );
}

#[test]
fn push_takes_a_boolean_and_an_image_with_its_registry() {
    let codes = |text: &str| {
        validate(text, &[])
            .into_iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    };
    let base = "[deploy.a]\nport = 1\npublish = 2\n";
    assert_eq!(
        codes(&format!("{base}image = \"shop\"\npush = true\n")),
        ["config.invalid_target"]
    );
    assert_eq!(
        codes(&format!(
            "{base}image = \"r.example/shop\"\npush = \"yes\"\n"
        )),
        ["config.wrong_type"]
    );
    let spec = parse(&format!(
        "{base}image = \"r.example/shop\"\npush = true\npre_deploy = \"make check\"\n"
    ))
    .expect("valid")
    .deploy[0]
        .to_spec(Vec::new());
    assert!(spec.push);
    assert_eq!(spec.pre_deploy.as_deref(), Some("make check"));
    assert_eq!(
        codes(&format!("{base}image = \"shop\"\npost_deploy = \"\"\n")),
        ["config.invalid_command"]
    );
}

#[test]
fn a_target_is_a_context_or_an_address_with_its_credentials() {
    let text = "[deploy.prod]\nimage = \"shop\"\nport = 80\npublish = 8000\ndocker_host = \"ssh://deploy@prod:2222\"\nssh_identity = \"~/.ssh/deploy\"\n";
    let spec = parse(text).expect("valid").deploy[0].to_spec(Vec::new());
    assert_eq!(
        spec.target,
        quantum_deploy::DockerTarget::Host {
            host: "ssh://deploy@prod:2222".to_owned(),
            tls: None
        }
    );
    assert_eq!(spec.ssh_identity.as_deref(), Some("~/.ssh/deploy"));
    let text = "[deploy.prod]\nimage = \"shop\"\nport = 80\npublish = 8000\ndocker_context = \"prod-box\"\n";
    let spec = parse(text).expect("valid").deploy[0].to_spec(Vec::new());
    assert_eq!(
        spec.target,
        quantum_deploy::DockerTarget::Context {
            name: "prod-box".to_owned()
        }
    );
}

#[test]
fn a_kube_context_makes_a_kubernetes_environment_whose_port_is_the_clusters() {
    let text = "[deploy.prod]\nimage = \"registry.example.com/shop\"\nport = 8080\npublish = 80\nkube_context = \"prod\"\nkube_namespace = \"shop\"\nreplicas = 3\n\n[deploy.local]\nimage = \"shop\"\nport = 8080\npublish = 80\n";
    let config = parse(text).expect("valid: the cluster's port 80 is not this machine's");
    let spec = config.deploy[0].to_spec(Vec::new());
    assert_eq!(
        spec.kubernetes,
        Some(quantum_deploy::KubernetesTarget {
            context: "prod".to_owned(),
            namespace: Some("shop".to_owned()),
            manifests: None,
            service_type: "ClusterIP".to_owned(),
            replicas: 3,
        })
    );
    assert_eq!(config.deploy[1].to_spec(Vec::new()).kubernetes, None);
}
