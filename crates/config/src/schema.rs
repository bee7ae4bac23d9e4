//! What `quantum.toml` may contain: the keys of each table, the name rules, and the small helpers
//! (did-you-mean, secret-looking names) that validation, editing and completion share.

/// Keys allowed at the top level, with what they hold (shown by completion).
pub const TOP_KEYS: &[KeySpec] = &[
    ("project", "The project's name and description"),
    (
        "datasources",
        "Databases the project runs, one table per datasource",
    ),
    ("environments", "Environments such as dev, staging and prod"),
    ("variables", "Plain variables shared by every environment"),
    ("tests", "Test suites the app runs, one table per suite"),
    (
        "health",
        "Health checks the app runs in the background, each a [[health]] table",
    ),
    (
        "deploy",
        "Deploy environments, one table per environment, such as [deploy.staging]",
    ),
];

pub const PROJECT_KEYS: &[KeySpec] = &[
    ("name", "The project's name"),
    ("description", "What the project is"),
];

pub const DATASOURCE_KEYS: &[KeySpec] = &[
    (
        "engine",
        "Required: postgres, mysql, mariadb, mongodb or redis",
    ),
    ("version", "Image tag, e.g. \"16-alpine\" (not with image)"),
    (
        "image",
        "Full image, e.g. \"postgres:16-alpine\" (not with version)",
    ),
    ("port", "Host port, 1 to 65535, unique across datasources"),
    ("database", "Name of the database to create"),
    ("volume", "Docker volume that keeps the data"),
    (
        "migrations",
        "Folder of its migration files, relative to the project",
    ),
    (
        "migrations_format",
        "Their layout: sqlx, dbmate or golang-migrate",
    ),
];

pub const TEST_KEYS: &[KeySpec] = &[
    (
        "command",
        "Required: the command line that runs the suite, e.g. \"cargo nextest run\"",
    ),
    ("dir", "Working directory, relative to the project"),
    ("env", "Variables for this suite: { NAME = \"value\" }"),
    (
        "format",
        "How results are read: junit, libtest-json, libtest, go-json, jest-json or none",
    ),
    (
        "report",
        "The report file the command writes (junit, jest-json)",
    ),
    ("timeout", "Seconds before the run is stopped, 1 to 86400"),
];

pub const HEALTH_KEYS: &[KeySpec] = &[
    ("name", "Required: the check's name, e.g. \"api\""),
    (
        "target",
        "Required: http(s)://…, tcp://host:port, datasource:NAME or container:NAME",
    ),
    (
        "interval",
        "Seconds between two runs, 1 to 86400 (default 60)",
    ),
    (
        "timeout",
        "Seconds to wait for an answer, 1 to 300 (default 10)",
    ),
    (
        "failures",
        "Failures in a row that open an incident, 1 to 100 (default 3)",
    ),
    (
        "conditions",
        "What must hold, e.g. [\"[STATUS] == 200\", \"[RESPONSE_TIME] < 500\"]",
    ),
    (
        "insecure",
        "true: HTTPS without checking the certificate (self-signed development servers)",
    ),
];

pub const DEPLOY_KEYS: &[KeySpec] = &[
    (
        "image",
        "Required: the image name builds are tagged with, e.g. \"shop\"",
    ),
    (
        "port",
        "Required: the port the app listens on in its container",
    ),
    (
        "publish",
        "Required: the host port the environment's proxy serves on",
    ),
    (
        "bind",
        "The host address the port is published on (default 127.0.0.1; 0.0.0.0 on another Docker host)",
    ),
    (
        "dockerfile",
        "The Dockerfile, relative to the context (default Dockerfile)",
    ),
    (
        "context",
        "The build context, relative to the project (default .)",
    ),
    (
        "health",
        "How a new release shows it is ready: http (default), tcp or image",
    ),
    ("health_path", "The path an http check gets (default /)"),
    (
        "health_status",
        "The status an http check expects (default any 2xx or 3xx)",
    ),
    (
        "health_timeout",
        "Seconds a new release has to become healthy, 1 to 600 (default 60)",
    ),
    (
        "drain",
        "Seconds the replaced release has to finish its requests, 0 to 600 (default 30)",
    ),
    (
        "keep",
        "Releases kept for a rollback, the live one included, 1 to 20 (default 3)",
    ),
    (
        "proxy_image",
        "The HAProxy image the proxy runs (default haproxy:2.8-alpine)",
    ),
    (
        "pre_deploy",
        "A command run in the project's folder before the build; its failure stops the deploy",
    ),
    (
        "post_deploy",
        "A command run in the project's folder once the release is live",
    ),
    (
        "push",
        "true: build on this machine, push to the image's registry, and pull it on the target (default false: the target builds)",
    ),
    (
        "docker_context",
        "The Docker context to deploy to, as `docker context ls` lists it (default: the app's own Docker)",
    ),
    (
        "docker_host",
        "The Docker Engine to deploy to: ssh://user@host[:port] or tcp://host:2376",
    ),
    (
        "docker_tls",
        "With a tcp:// docker_host: the folder of ca.pem, cert.pem and key.pem",
    ),
    (
        "migrate",
        "Datasources whose pending migrations a deploy applies after a snapshot, such as [\"main\"]; a rollback past it offers that snapshot",
    ),
    (
        "datasources",
        "Datasources of the project to run on the environment's Docker Engine beside its releases, such as [\"main\"]: created on the first deploy, kept with their data; the releases get their variables (DATABASE_URL, …)",
    ),
    (
        "kube_context",
        "Deploy to Kubernetes: the kubeconfig context, as `kubectl config get-contexts` lists it",
    ),
    (
        "kube_namespace",
        "With kube_context: the namespace (default: the context's, else default)",
    ),
    (
        "kube_manifests",
        "With kube_context: the project's manifests folder (YAML files or a kustomization); default: a Deployment and a Service made from this table",
    ),
    (
        "kube_service",
        "With kube_context and no kube_manifests: the Service's type, ClusterIP (default), NodePort or LoadBalancer",
    ),
    (
        "replicas",
        "With kube_context and no kube_manifests: the pods the Deployment runs, 1 to 100 (default 1)",
    ),
    (
        "ssh_identity",
        "With an ssh:// target: the private key file (default: the SSH agent, then ~/.ssh/id_*)",
    ),
];

/// The Service types `kube_service` takes.
pub const KUBE_SERVICE_TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer"];

/// The checks `health` takes in a `[deploy.*]` table.
pub const DEPLOY_HEALTH_CHECKS: &[&str] = &["http", "tcp", "image"];

/// The result formats `format` takes (the test runs' own names for them).
pub const TEST_FORMATS: &[&str] = &[
    "junit",
    "libtest-json",
    "libtest",
    "go-json",
    "jest-json",
    "none",
];

/// The migration layouts `migrations_format` takes.
pub const MIGRATION_FORMATS: &[&str] = &["sqlx", "dbmate", "golang-migrate"];

/// A folder inside the project: relative, no `..`, no empty part.
pub fn is_project_folder(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path.split('/').all(|part| !part.is_empty() && part != "..")
}

pub fn is_migration_format(value: &str) -> bool {
    MIGRATION_FORMATS.contains(&value)
}

pub const ENVIRONMENT_KEYS: &[KeySpec] = &[
    ("variables", "Plain variables of this environment"),
    (
        "secrets",
        "Names of secrets kept in the keychain, never values",
    ),
];

/// One key of a table: its name and a short description.
pub type KeySpec = (&'static str, &'static str);

/// The allowed names of `keys`, for messages: "engine, version, image".
pub fn list(keys: &[KeySpec]) -> String {
    keys.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
}

/// The closest of `candidates` to `word`, if it is within two edits (ignoring case).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Datasource and volume names become Docker names: `[A-Za-z0-9][A-Za-z0-9_.-]`, 2 to 63 long.
pub fn is_docker_name(name: &str) -> bool {
    let mut chars = name.chars();
    (2..=63).contains(&name.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

pub const DOCKER_NAME_RULE: &str =
    "use 2 to 63 letters, digits, `_`, `.` or `-`, starting with a letter or digit";

/// Environment names: `[a-z][a-z0-9_-]*`, at most 63 long.
pub fn is_environment_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 63
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

pub const ENVIRONMENT_NAME_RULE: &str =
    "use lowercase letters, digits, `_` or `-`, starting with a letter (e.g. `dev`, `staging`)";

/// Variable and secret names, as shells and `.env` files accept them: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 255
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub const VARIABLE_NAME_RULE: &str =
    "use letters, digits and `_`, not starting with a digit (e.g. `LOG_LEVEL`)";

/// Database names: an identifier every engine accepts unquoted, at most 63 long.
pub fn is_database_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 63
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Image tags as Docker accepts them: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn is_image_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    tag.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A full image reference; Docker does the real check, this only catches what cannot be one.
pub fn is_image_reference(image: &str) -> bool {
    !image.is_empty()
        && image.len() <= 255
        && image
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | ':' | '@'))
}

/// Names that usually hold a credential: such a variable's value belongs in the keychain.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["PASSWORD", "SECRET", "TOKEN", "KEY"]
        .iter()
        .any(|word| upper == *word || upper.ends_with(&format!("_{word}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_keys_only() {
        let keys = DATASOURCE_KEYS.iter().map(|(k, _)| *k);
        assert_eq!(did_you_mean("engin", keys.clone()), Some("engine"));
        assert_eq!(did_you_mean("Prot", keys.clone()), Some("port"));
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn name_rules() {
        assert!(is_docker_name("main") && is_docker_name("a.b-c_d") && !is_docker_name("m"));
        assert!(!is_docker_name("-main") && !is_docker_name(&"a".repeat(64)));
        assert!(is_environment_name("dev") && !is_environment_name("Dev"));
        assert!(is_variable_name("_X1") && !is_variable_name("1X") && !is_variable_name("A-B"));
        assert!(looks_secret("STRIPE_KEY") && looks_secret("db_password") && !looks_secret("KEYS"));
    }
}
