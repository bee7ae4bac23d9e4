//! A `[deploy.*]` environment's target set from the Deploy page: which Docker Engine it deploys
//! to, written into its table with the table's comments and other keys kept.

use quantum_deploy::DockerTarget;
use toml_edit::{Item, Value};

use super::{invalid, load, set_fields};
use crate::Result;

/// Points `[deploy.<environment>]` at `target`; the keys of any other target go.
pub fn set_deploy_target(
    text: &str,
    environment: &str,
    target: &DockerTarget,
    ssh_identity: Option<&str>,
) -> Result<String> {
    let mut document = load(text)?;
    let table = document
        .get_mut("deploy")
        .and_then(|deploy| deploy.get_mut(environment))
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| invalid(format!("quantum.toml declares no [deploy.{environment}].")))?;
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
    let written = document.to_string();
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
