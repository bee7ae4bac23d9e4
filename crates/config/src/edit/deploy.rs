//! A `[deploy.*]` environment's settings made from the Deploy page — which Docker Engine or
//! Kubernetes cluster it deploys to, which datasources it runs — written into its table with the
//! table's comments and other keys kept.

use quantum_deploy::DockerTarget;
use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::{invalid, load, set_fields};
use crate::Result;

/// The keys only a Kubernetes environment takes.
const KUBERNETES_KEYS: [&str; 5] = [
    "kube_context",
    "kube_namespace",
    "kube_manifests",
    "kube_service",
    "replicas",
];

/// The keys only a Docker environment takes.
const DOCKER_KEYS: [&str; 6] = [
    "docker_context",
    "docker_host",
    "docker_tls",
    "ssh_identity",
    "proxy_image",
    "bind",
];

/// The document's `[deploy.<environment>]` table.
fn environment_table<'a>(
    document: &'a mut DocumentMut,
    environment: &str,
) -> Result<&'a mut dyn TableLike> {
    document
        .get_mut("deploy")
        .and_then(|deploy| deploy.get_mut(environment))
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| invalid(format!("quantum.toml declares no [deploy.{environment}].")))
}

/// Points `[deploy.<environment>]` at `target`; the keys of any other target go.
pub fn set_deploy_target(
    text: &str,
    environment: &str,
    target: &DockerTarget,
    ssh_identity: Option<&str>,
) -> Result<String> {
    let mut document = load(text)?;
    let table = environment_table(&mut document, environment)?;
    for key in KUBERNETES_KEYS {
        table.remove(key);
    }
    let text_value = |text: &str| Some(Value::from(text));
    let (context, host, tls) = match target {
        DockerTarget::Local => (None, None, None),
        DockerTarget::Context { name } => (text_value(name), None, None),
        DockerTarget::Host { host, tls } => {
            (None, text_value(host), tls.as_deref().and_then(text_value))
        }
    };
    let identity = match target {
        DockerTarget::Local => None,
        _ => ssh_identity.and_then(text_value),
    };
    set_fields(
        table,
        [
            ("docker_context", context),
            ("docker_host", host),
            ("docker_tls", tls),
            ("ssh_identity", identity),
        ],
    );
    checked(text, document.to_string())
}

/// Points `[deploy.<environment>]` at a Kubernetes cluster: a kubeconfig context and, when
/// given, a namespace; the Docker target's keys go, the cluster's others (manifests, replicas)
/// stay.
pub fn set_kubernetes_target(
    text: &str,
    environment: &str,
    context: &str,
    namespace: Option<&str>,
) -> Result<String> {
    let mut document = load(text)?;
    let table = environment_table(&mut document, environment)?;
    for key in DOCKER_KEYS {
        table.remove(key);
    }
    set_fields(
        table,
        [
            ("kube_context", Some(Value::from(context))),
            ("kube_namespace", namespace.map(Value::from)),
        ],
    );
    checked(text, document.to_string())
}

/// Sets the datasources `[deploy.<environment>]` runs (`datasources`; none: the key goes).
pub fn set_deploy_datasources(text: &str, environment: &str, names: &[String]) -> Result<String> {
    let mut document = load(text)?;
    let table = environment_table(&mut document, environment)?;
    let list =
        (!names.is_empty()).then(|| Value::Array(names.iter().map(String::as_str).collect()));
    set_fields(table, [("datasources", list)]);
    checked(text, document.to_string())
}

/// The written text, unless it holds an error the text before did not.
fn checked(text: &str, written: String) -> Result<String> {
    // Only what this edit broke is refused: the file may hold other errors being worked on.
    let errors = |text: &str| -> Vec<String> {
        crate::validate(text, &[])
            .into_iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| d.message)
            .collect()
    };
    let before = errors(text);
    if let Some(problem) = errors(&written).into_iter().find(|m| !before.contains(m)) {
        return Err(invalid(problem));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# where we deploy\n[deploy.staging]\nimage = \"shop\" # the repository\nport = 8080\npublish = 8000\ndocker_context = \"old\"\n";

    #[test]
    fn datasources_are_set_and_taken_out_with_the_comments_kept() {
        let names = ["main".to_owned(), "cache".to_owned()];
        let written = set_deploy_datasources(FILE, "staging", &names).expect("written");
        assert!(written.starts_with("# where we deploy\n"), "{written}");
        assert!(
            written.contains("image = \"shop\" # the repository\n"),
            "{written}"
        );
        assert!(
            written.contains("datasources = [\"main\", \"cache\"]\n"),
            "{written}"
        );
        let parsed = crate::parse(&written).expect("valid");
        assert_eq!(parsed.deploy[0].datasources, names);
        let none = set_deploy_datasources(&written, "staging", &[]).expect("written");
        assert_eq!(none, FILE);
        let refused = set_deploy_datasources(FILE, "staging", &["a b".to_owned()]);
        assert!(refused.is_err(), "an invalid name is refused: {refused:?}");
    }

    #[test]
    fn a_host_replaces_a_context_and_the_comments_stay() {
        let target = DockerTarget::Host {
            host: "ssh://deploy@server".to_owned(),
            tls: None,
        };
        let written =
            set_deploy_target(FILE, "staging", &target, Some("~/.ssh/deploy")).expect("written");
        assert!(written.starts_with("# where we deploy\n"), "{written}");
        assert!(
            written.contains("image = \"shop\" # the repository"),
            "{written}"
        );
        assert!(!written.contains("docker_context"), "{written}");
        assert!(
            written.contains("docker_host = \"ssh://deploy@server\""),
            "{written}"
        );
        assert!(
            written.contains("ssh_identity = \"~/.ssh/deploy\""),
            "{written}"
        );
        let back = crate::parse(&written).expect("valid").deploy[0].to_spec(Vec::new());
        assert_eq!(back.target, target);
    }

    #[test]
    fn a_cluster_replaces_a_docker_target_and_back() {
        let file = FILE.replace(
            "docker_context = \"old\"\n",
            "docker_context = \"old\"\nbind = \"0.0.0.0\"\n",
        );
        let written =
            set_kubernetes_target(&file, "staging", "kind-dev", Some("shop")).expect("written");
        assert!(
            !written.contains("docker_") && !written.contains("bind"),
            "{written}"
        );
        assert!(written.contains("kube_context = \"kind-dev\""), "{written}");
        assert!(written.contains("# the repository"), "{written}");
        let spec = crate::parse(&written).expect("valid").deploy[0].to_spec(Vec::new());
        let cluster = spec.kubernetes.expect("a Kubernetes environment");
        assert_eq!(cluster.place(), ("kind-dev", Some("shop")));

        let with_replicas = written.replace("kube_context", "replicas = 2\nkube_context");
        let docker = set_deploy_target(&with_replicas, "staging", &DockerTarget::Local, None)
            .expect("written");
        assert!(
            !docker.contains("kube_") && !docker.contains("replicas"),
            "{docker}"
        );
        let namespace_gone =
            set_kubernetes_target(&written, "staging", "kind-dev", None).expect("written");
        assert!(
            !namespace_gone.contains("kube_namespace"),
            "{namespace_gone}"
        );
    }

    #[test]
    fn local_removes_every_target_key_and_a_bad_address_is_refused() {
        let written =
            set_deploy_target(FILE, "staging", &DockerTarget::Local, None).expect("written");
        assert!(!written.contains("docker_"), "{written}");
        let bad = DockerTarget::Host {
            host: "server:22".to_owned(),
            tls: None,
        };
        let error = set_deploy_target(FILE, "staging", &bad, None).expect_err("refused");
        assert!(error.to_string().contains("ssh://"), "{error}");
        let missing =
            set_deploy_target(FILE, "prod", &DockerTarget::Local, None).expect_err("no prod");
        assert!(missing.to_string().contains("[deploy.prod]"), "{missing}");
    }
}
