//! The `[deploy.*]` tables: the environments the project is deployed to.

use super::*;

/// A whole-number key's allowed range and what it means, for the error that says what to write.
fn number_rule(key: &str) -> Option<(std::ops::RangeInclusive<i64>, &'static str)> {
    Some(match key {
        "port" | "publish" => (1..=65_535, "a port, 1 to 65535"),
        "health_status" => (100..=599, "an HTTP status, 100 to 599"),
        "health_timeout" => (1..=600, "seconds, 1 to 600"),
        "drain" => (0..=600, "seconds, 0 to 600"),
        "keep" => (1..=20, "releases, 1 to 20"),
        "replicas" => (1..=100, "pods, 1 to 100"),
        _ => return None,
    })
}

impl Checker<'_> {
    pub(super) fn deploy_environments(&mut self, item: &Item, spans: &Spans) -> Vec<DeployDecl> {
        let what =
            "`deploy` must hold one table per environment, such as [deploy.staging]".to_owned();
        let Some(table) = self.table(item, spans, what) else {
            return Vec::new();
        };
        let mut environments = Vec::new();
        let mut published: HashMap<u16, String> = HashMap::new();
        for (name, item) in table.iter() {
            let spans = locate(table, name);
            if !schema::is_environment_name(name) {
                self.error(
                    spans.key.clone(),
                    "config.invalid_name",
                    format!(
                        "`{name}` is not a valid environment name: {}.",
                        schema::ENVIRONMENT_NAME_RULE
                    ),
                );
                continue;
            }
            let what = format!("Environment `{name}` must be a table such as [deploy.{name}]");
            let Some(table) = self.table(item, &spans, what) else {
                continue;
            };
            let Some(environment) = self.deploy_environment(name, table, &spans) else {
                continue;
            };
            // A cluster's Service port is the cluster's, not this machine's.
            let on_this_machine = environment.kube_context.is_none();
            if let Some(other) = on_this_machine
                .then(|| published.insert(environment.publish, name.to_owned()))
                .flatten()
            {
                self.error(
                    spans.key.clone(),
                    "config.port_taken",
                    format!(
                        "`{name}` and `{other}` both publish port {}. Give each environment a port of its own.",
                        environment.publish
                    ),
                );
                continue;
            }
            environments.push(environment);
        }
        environments
    }

    fn deploy_environment(
        &mut self,
        name: &str,
        table: &dyn TableLike,
        spans: &Spans,
    ) -> Option<DeployDecl> {
        let mut decl = DeployDecl {
            name: name.to_owned(),
            ..DeployDecl::default()
        };
        let mut valid = true;
        for (key, item) in table.iter() {
            let spans = locate(table, key);
            if !schema::DEPLOY_KEYS.iter().any(|(known, _)| *known == key) {
                self.unknown_key(
                    key,
                    spans.key,
                    schema::DEPLOY_KEYS,
                    &format!("in [deploy.{name}]"),
                );
                continue;
            }
            if let Some((range, what)) = number_rule(key) {
                match item.as_integer() {
                    Some(n) if range.contains(&n) => match key {
                        "port" => decl.port = u16::try_from(n).unwrap_or_default(),
                        "publish" => decl.publish = u16::try_from(n).unwrap_or_default(),
                        "health_status" => decl.health_status = u16::try_from(n).ok(),
                        "health_timeout" => decl.health_timeout = u32::try_from(n).ok(),
                        "drain" => decl.drain = u32::try_from(n).ok(),
                        "replicas" => decl.replicas = u32::try_from(n).ok(),
                        _ => decl.keep = u32::try_from(n).ok(),
                    },
                    Some(n) => {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.out_of_range",
                            format!("`{key}` is {n}: give {what}."),
                        );
                    }
                    None => {
                        valid = false;
                        self.wrong_type(
                            spans.value,
                            format!("`{key}` must be a whole number: {what}"),
                            type_name(item),
                        );
                    }
                }
                continue;
            }
            if key == "migrate" || key == "datasources" {
                match (self.datasource_names(key, item, &spans), key) {
                    (Some(names), "migrate") => decl.migrate = names,
                    (Some(names), _) => decl.datasources = names,
                    (None, _) => valid = false,
                }
                continue;
            }
            if key == "push" {
                match item.as_bool() {
                    Some(push) => decl.push = Some(push),
                    None => {
                        valid = false;
                        self.wrong_type(
                            spans.value,
                            "`push` must be true or false".to_owned(),
                            type_name(item),
                        );
                    }
                }
                continue;
            }
            let Some(text) = self.string(item, &spans, key) else {
                valid = false;
                continue;
            };
            let text = text.trim().to_owned();
            match key {
                "image" | "proxy_image"
                    if text.is_empty() || text.contains(char::is_whitespace) =>
                {
                    valid = false;
                    self.error(
                        spans.value,
                        "config.invalid_image",
                        format!("`{key}` must be an image name such as \"shop\" or \"registry.example.com/shop\"."),
                    );
                }
                "image"
                    if text.contains(':')
                        && !text.rsplit(':').next().unwrap_or_default().contains('/') =>
                {
                    valid = false;
                    self.error(
                        spans.value,
                        "config.invalid_image",
                        "`image` is the name without a tag: each build is tagged with its version."
                            .to_owned(),
                    );
                }
                "image" => decl.image = text,
                "proxy_image" => decl.proxy_image = Some(text),
                "bind" => match text.parse::<std::net::IpAddr>() {
                    Ok(_) => decl.bind = Some(text),
                    Err(_) => {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_address",
                            format!("`bind` is an IP address such as \"127.0.0.1\" or \"0.0.0.0\"; `{text}` is not."),
                        );
                    }
                },
                "dockerfile" | "context" => {
                    if schema::is_project_folder(&text) || (key == "context" && text == ".") {
                        if key == "dockerfile" {
                            decl.dockerfile = Some(text);
                        } else {
                            decl.context = Some(text);
                        }
                    } else {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_folder",
                            format!("`{key}` must be inside the project, relative, without `..`; `{text}` is not."),
                        );
                    }
                }
                "health" => {
                    if schema::DEPLOY_HEALTH_CHECKS.contains(&text.as_str()) {
                        decl.health = Some(text);
                    } else {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_health",
                            format!(
                                "`health` is one of: {}; `{text}` is not.",
                                schema::DEPLOY_HEALTH_CHECKS.join(", ")
                            ),
                        );
                    }
                }
                "health_path" => {
                    if text.starts_with('/') && !text.contains(char::is_whitespace) {
                        decl.health_path = Some(text);
                    } else {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_path",
                            format!("`health_path` is a path starting with /, such as \"/up\"; `{text}` is not."),
                        );
                    }
                }
                "docker_context" => {
                    if is_context_name(&text) {
                        decl.docker_context = Some(text);
                    } else {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_name",
                            format!("`docker_context` is a context's name as `docker context ls` lists it; `{text}` is not."),
                        );
                    }
                }
                "kube_context" if text.is_empty() => {
                    valid = false;
                    self.error(
                        spans.value,
                        "config.invalid_name",
                        "`kube_context` is a context's name as `kubectl config get-contexts` lists it.".to_owned(),
                    );
                }
                "kube_context" => decl.kube_context = Some(text),
                "kube_namespace" => {
                    if quantum_deploy::kubernetes::manifests::dns_label(&text) == text {
                        decl.kube_namespace = Some(text);
                    } else {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_name",
                            format!("`kube_namespace` is a namespace's name: lowercase letters, digits and -, such as \"shop\"; `{text}` is not."),
                        );
                    }
                }
                "kube_manifests" => {
                    if schema::is_project_folder(&text) {
                        decl.kube_manifests = Some(text);
                    } else {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_folder",
                            format!("`kube_manifests` must be a folder inside the project, relative, without `..`; `{text}` is not."),
                        );
                    }
                }
                "kube_service" => {
                    if schema::KUBE_SERVICE_TYPES.contains(&text.as_str()) {
                        decl.kube_service = Some(text);
                    } else {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_service",
                            format!(
                                "`kube_service` is one of: {}; `{text}` is not.",
                                schema::KUBE_SERVICE_TYPES.join(", ")
                            ),
                        );
                    }
                }
                "docker_host" => match quantum_deploy::host_problem(&text) {
                    None => decl.docker_host = Some(text),
                    Some(problem) => {
                        valid = false;
                        self.error(spans.value, "config.invalid_address", format!("{problem}."));
                    }
                },
                "docker_tls" | "ssh_identity" if text.is_empty() => {
                    valid = false;
                    self.error(
                        spans.value,
                        "config.invalid_folder",
                        format!("`{key}` is a path (relative to the project, absolute, or starting with ~/)."),
                    );
                }
                "pre_deploy" | "post_deploy" if text.is_empty() => {
                    valid = false;
                    self.error(
                        spans.value,
                        "config.invalid_command",
                        format!("`{key}` is a command, such as \"./scripts/check.sh\"; leave it out to run none."),
                    );
                }
                "pre_deploy" => decl.pre_deploy = Some(text),
                "post_deploy" => decl.post_deploy = Some(text),
                "docker_tls" => decl.docker_tls = Some(text),
                "ssh_identity" => decl.ssh_identity = Some(text),
                _ => self.unknown_key(
                    key,
                    spans.key,
                    schema::DEPLOY_KEYS,
                    &format!("in [deploy.{name}]"),
                ),
            }
        }
        if valid {
            valid = self.deploy_target(name, &decl, spans);
        }
        let missing: Vec<&str> = [
            ("image", decl.image.is_empty()),
            ("port", decl.port == 0),
            ("publish", decl.publish == 0),
        ]
        .into_iter()
        .filter_map(|(key, missing)| missing.then_some(key))
        .collect();
        if !missing.is_empty() {
            if valid {
                self.error(
                    spans.key.clone(),
                    "config.missing_key",
                    format!(
                        "[deploy.{name}] needs {}: for example image = \"shop\", port = 8080, publish = 8000.",
                        missing.iter().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            return None;
        }
        valid.then_some(decl)
    }
}

/// A Docker context's name as the CLI allows it.
fn is_context_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.+-".contains(c))
}

impl Checker<'_> {
    /// `migrate` or `datasources`: names of the project's datasources.
    fn datasource_names(&mut self, key: &str, item: &Item, spans: &Spans) -> Option<Vec<String>> {
        let what = format!("`{key}` must list datasources by name, such as [\"main\"]");
        let Some(array) = item.as_array() else {
            self.wrong_type(spans.value.clone(), what, type_name(item));
            return None;
        };
        let mut names: Vec<String> = Vec::new();
        for value in array.iter() {
            let span = value.span().unwrap_or(spans.value.clone());
            let Some(name) = value.as_str() else {
                self.wrong_type(span, what, value_type_name(value));
                return None;
            };
            if !schema::is_docker_name(name) || names.iter().any(|seen| seen == name) {
                self.error(
                    span,
                    "config.invalid_name",
                    format!(
                        "`{name}` is not a datasource name, or is listed twice: {}.",
                        schema::DOCKER_NAME_RULE
                    ),
                );
                return None;
            }
            names.push(name.to_owned());
        }
        Some(names)
    }

    /// The target keys that only make sense together; `false` after an error.
    fn deploy_target(&mut self, name: &str, decl: &DeployDecl, spans: &Spans) -> bool {
        let host = decl.docker_host.as_deref().unwrap_or_default();
        let docker_keys = decl.docker_context.is_some()
            || decl.docker_host.is_some()
            || decl.docker_tls.is_some()
            || decl.ssh_identity.is_some()
            || decl.proxy_image.is_some()
            || decl.bind.is_some();
        let kube_keys = decl.kube_namespace.is_some()
            || decl.kube_manifests.is_some()
            || decl.kube_service.is_some()
            || decl.replicas.is_some();
        // `migrate` changes this machine's database; the environment's releases read their own.
        if let Some(both) = decl
            .migrate
            .iter()
            .find(|name| decl.datasources.contains(name))
        {
            return self.target_problem(name, spans, &format!("names `{both}` in both `migrate` (this machine's datasource) and `datasources` (the environment's own): take it out of one"));
        }
        let problem = if decl.kube_context.is_some() && docker_keys {
            Some("deploys to Kubernetes (`kube_context`) and takes no Docker target keys (`docker_*`, `ssh_identity`, `proxy_image`, `bind`)")
        } else if decl.kube_context.is_none() && kube_keys {
            Some("has Kubernetes keys without `kube_context`: name the kubeconfig context to deploy to")
        } else if decl.kube_context.is_some() && !decl.migrate.is_empty() {
            Some("has `migrate` with a Kubernetes target: it migrates this machine's datasources, so it goes with local environments only")
        } else if decl.kube_context.is_some() && !decl.datasources.is_empty() {
            Some("has `datasources` with a Kubernetes target: they run on a Docker Engine; a cluster's databases go in its manifests")
        } else if decl.docker_context.is_some() && decl.docker_host.is_some() {
            Some("takes `docker_context` or `docker_host`, not both")
        } else if decl.docker_tls.is_some() && !host.starts_with("tcp://") {
            Some("has `docker_tls` without a tcp:// `docker_host`: certificates are for TCP only")
        } else if decl.push == Some(true) && !decl.image.contains('/') {
            Some("has `push = true` with an image of no registry: name it with its registry, such as image = \"registry.example.com/shop\"")
        } else if decl.ssh_identity.is_some()
            && !host.starts_with("ssh://")
            && decl.docker_context.is_none()
        {
            Some("has `ssh_identity` without an ssh:// `docker_host` or a `docker_context`")
        } else if !decl.migrate.is_empty()
            && (decl.docker_host.is_some() || decl.docker_context.is_some())
        {
            // The datasources are this machine's containers: migrating them for a release on
            // another engine would change data that release never reads.
            Some("has `migrate` with a target on another Docker Engine: it migrates this machine's datasources, so it goes with local environments only")
        } else {
            None
        };
        match problem {
            Some(problem) => self.target_problem(name, spans, problem),
            None => true,
        }
    }

    fn target_problem(&mut self, name: &str, spans: &Spans, problem: &str) -> bool {
        self.error(
            spans.key.clone(),
            "config.invalid_target",
            format!("[deploy.{name}] {problem}."),
        );
        false
    }
}

#[cfg(test)]
#[path = "deploy_tests.rs"]
mod tests;
