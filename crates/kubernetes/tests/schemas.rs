//! The manifests the app generates, as a release applies them, validated against the
//! Kubernetes JSON schemas of the oldest version the app supports, strictly (no unknown field),
//! by `kubernetes-validate` (PyPI; scripts/setup installs it beside the Python the other tests
//! use). The cluster's own validation of them runs on a kind cluster in the GitHub workflow.

use std::path::{Path, PathBuf};
use std::process::Command;

use quantum_kubernetes::manifests::{env_secret, for_release, generate, to_yaml};
use quantum_kubernetes::{Probe, Workload};

const KUBERNETES: &str = "1.33.0";

fn validator() -> PathBuf {
    let python = std::env::var("QUANTUM_PYTHON").unwrap_or_else(|_| {
        format!(
            "{}/.cache/quantum-admin/python/bin/python",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    Path::new(&python).with_file_name("kubernetes-validate")
}

/// The validator's verdict on a YAML stream: its exit status and what it printed.
fn validate(yaml: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("release.yaml");
    std::fs::write(&file, yaml).expect("write");
    let output = Command::new(validator())
        .args(["--strict", "--kubernetes-version", KUBERNETES])
        .arg(&file)
        .output()
        .expect("kubernetes-validate runs (scripts/setup installs it)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[test]
fn generated_manifests_fit_the_kubernetes_schemas() {
    for probe in [
        Probe::Http {
            path: "/healthz".to_owned(),
        },
        Probe::Tcp,
        Probe::None,
    ] {
        let workload = Workload {
            name: "shop-production".to_owned(),
            port: 8080,
            service_port: 80,
            replicas: 3,
            probe,
            service_type: "LoadBalancer".to_owned(),
            progress_deadline_secs: 120,
            grace_secs: 30,
        };
        let mut objects = generate(&workload, "registry.example.com/shop");
        let set = for_release(
            &mut objects,
            "registry.example.com/shop",
            "registry.example.com/shop:v1.2.0",
            Some("shop-production-env-12"),
            12,
        );
        assert_eq!(set, 1);
        objects.push(env_secret(
            "shop-production-env-12",
            &[("DATABASE_URL".to_owned(), "postgres://db/shop".to_owned())],
        ));
        let (valid, said) = validate(&to_yaml(&objects));
        assert!(valid, "{said}");
    }
}

#[test]
fn the_validator_refuses_what_kubernetes_would() {
    let (valid, said) = validate(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: two\n  selector: {}\n  template: {}\n",
    );
    assert!(!valid, "a string where a number belongs is refused: {said}");
}
