//! One compose service sorted: on a database image the app runs, it becomes a datasource, its
//! version, port, database, user, password and data volume read from the service; anything else
//! is listed as what it is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quantum_kernel::{dotenv, Engine};
use quantum_secrets::Secret;
use yaml_rust2::yaml::Hash;
use yaml_rust2::Yaml;

use super::credentials::credentials;
use super::interpolate::fill;
use super::merge::{environment_map, mount_target, scalar, split_mount, text};
use super::{DataVolume, ImportedDatasource, OtherService, PasswordSource};

/// The compose spec's service keys (compose-spec.io); any other is reported as unknown.
const SERVICE_KEYS: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "build",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "depends_on",
    "deploy",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "driver_opts",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "label_file",
    "labels",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "post_start",
    "pre_stop",
    "privileged",
    "profiles",
    "provider",
    "pull_policy",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volumes",
    "volumes_from",
    "working_dir",
];

/// Keys a datasource takes from its service, or that do not matter to one run by the app.
const TAKEN_KEYS: &[&str] = &[
    "image",
    "ports",
    "environment",
    "env_file",
    "volumes",
    "profiles",
    "container_name",
    "restart",
    "healthcheck",
    "hostname",
    "networks",
    "depends_on",
    "labels",
    "logging",
    "stop_grace_period",
    "stop_signal",
    "pull_policy",
    "platform",
    "expose",
];

/// What sorting needs from the whole project.
pub struct Context<'a> {
    /// Compose's project name: what its named volumes are called after.
    pub project: &'a str,
    /// Relative paths (binds, env files) start here: the first file's folder.
    pub folder: &'a Path,
    /// The top-level `volumes`.
    pub volumes: &'a Hash,
    pub vars: &'a BTreeMap<String, String>,
}

impl Context<'_> {
    /// A value with its `${…}` filled (faults were reported by the whole-file check).
    pub(super) fn fill(&self, value: &Yaml) -> Option<String> {
        let raw = scalar(value)?;
        Some(fill(&raw, self.vars, &mut Vec::new()).unwrap_or(raw))
    }
}

pub enum Sorted {
    Datasource(Box<ImportedDatasource>, Option<Secret>),
    Other(OtherService),
}

/// Keys of `service` that the compose spec does not know, as `services.<name>.<key>`.
pub fn unknown_keys(name: &str, service: &Hash) -> Vec<String> {
    service
        .keys()
        .filter_map(Yaml::as_str)
        .filter(|key| !key.starts_with("x-") && !SERVICE_KEYS.contains(key))
        .map(|key| format!("services.{name}.{key}"))
        .collect()
}

pub fn sort(name: &str, service: &Hash, cx: &Context<'_>) -> Sorted {
    let get = |key: &str| service.get(&text(key));
    let image = get("image").and_then(|value| cx.fill(value));
    let build = get("build").and_then(|build| match build {
        Yaml::Hash(hash) => hash.get(&text("context")).and_then(|c| cx.fill(c)),
        other => cx.fill(other),
    });
    let engine = image.as_deref().and_then(engine_of);
    let (Some(image), Some(engine), None) = (image.clone(), engine, build.as_ref()) else {
        let reason = match (&image, &build) {
            (_, Some(context)) => format!("Built from {context}: left to Compose."),
            (Some(image), None) => {
                format!("{image} is not a database the app runs: left to Compose.")
            }
            (None, None) => "No image: left to Compose.".to_owned(),
        };
        return Sorted::Other(OtherService {
            name: name.to_owned(),
            image,
            build,
            reason,
        });
    };

    let mut notes = Vec::new();
    let env = environment(service, cx, &mut notes);
    let (database_name, username, password) = credentials(engine, &env, service, cx, &mut notes);
    let host_port = port(engine, get("ports"), cx, &mut notes);
    let volume = data_volume(engine, get("volumes"), cx, &mut notes);
    let mut left: Vec<&str> = service
        .keys()
        .filter_map(Yaml::as_str)
        .filter(|key| SERVICE_KEYS.contains(key) && !TAKEN_KEYS.contains(key))
        .filter(|key| !(engine == Engine::Redis && *key == "command"))
        .collect();
    left.sort_unstable();
    if !left.is_empty() {
        notes.push(format!(
            "Not carried over (the app runs the server its own way): {}.",
            left.join(", ")
        ));
    }
    let (source, secret) = match password {
        Some((value, source)) => (source, Some(Secret::new(value))),
        None => {
            notes.push(
                "No password found: a new volume gets one from the app; existing data keeps the server's own."
                    .to_owned(),
            );
            (PasswordSource::None, None)
        }
    };
    Sorted::Datasource(
        Box::new(ImportedDatasource {
            service: name.to_owned(),
            engine,
            version: version_of(&image),
            image,
            host_port,
            database_name,
            username,
            password: source,
            volume,
            notes,
        }),
        secret,
    )
}

/// The engine an image runs, by its name without registry, owner or tag: `postgres:16`,
/// `docker.io/library/mysql:8`, `postgis/postgis`, `testdb/postgres:15`.
pub fn engine_of(image: &str) -> Option<Engine> {
    let name = image.split('@').next()?.rsplit('/').next()?;
    match name.split(':').next()? {
        "postgres" | "postgis" => Some(Engine::Postgres),
        "mysql" => Some(Engine::Mysql),
        "mariadb" => Some(Engine::Mariadb),
        "mongo" => Some(Engine::Mongodb),
        "redis" => Some(Engine::Redis),
        _ => None,
    }
}

/// The version an image's tag names: `16-alpine` → 16, `8.0` → 8.0; none for `latest`.
pub fn version_of(image: &str) -> Option<String> {
    let tag = image
        .split('@')
        .next()?
        .rsplit('/')
        .next()?
        .split_once(':')?
        .1;
    let version = tag.split('-').next()?;
    version
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| version.to_owned())
}

/// A variable's value and where it came from.
pub(super) struct Var {
    pub(super) value: String,
    pub(super) source: PasswordSource,
}

/// The service's environment: its env files, then `environment` over them.
fn environment(service: &Hash, cx: &Context<'_>, notes: &mut Vec<String>) -> BTreeMap<String, Var> {
    let mut env = BTreeMap::new();
    let files = match service.get(&text("env_file")) {
        Some(Yaml::Array(items)) => items.clone(),
        Some(single) => vec![single.clone()],
        None => Vec::new(),
    };
    for file in files {
        let (path, required) = match &file {
            Yaml::Hash(hash) => (
                hash.get(&text("path")).and_then(|p| cx.fill(p)),
                hash.get(&text("required"))
                    .and_then(Yaml::as_bool)
                    .unwrap_or(true),
            ),
            other => (cx.fill(other), true),
        };
        let Some(path) = path else { continue };
        let full = cx.folder.join(&path);
        match std::fs::read_to_string(&full).map(|text| dotenv::parse(&text)) {
            Ok(Ok(pairs)) => {
                for (key, value) in pairs {
                    let source = PasswordSource::EnvFile { path: path.clone() };
                    env.insert(key, Var { value, source });
                }
            }
            Ok(Err(error)) => {
                notes.push(format!("{path} could not be read as an env file: {error}"))
            }
            Err(_) if !required => {}
            Err(error) => notes.push(format!("The env file {path} could not be read: {error}.")),
        }
    }
    if let Some(environment) = service.get(&text("environment")) {
        for (key, raw) in environment_map(environment) {
            let (Some(key), Some(raw)) = (scalar(&key), scalar(&raw)) else {
                continue;
            };
            let source = match first_variable(&raw) {
                Some(name) => PasswordSource::Variable { name },
                None => PasswordSource::Literal { key: key.clone() },
            };
            let value = fill(&raw, cx.vars, &mut Vec::new()).unwrap_or(raw);
            env.insert(key, Var { value, source });
        }
    }
    env
}

/// The first `$NAME` or `${NAME…}` of a value (`$$` is no variable).
pub(super) fn first_variable(raw: &str) -> Option<String> {
    let mut rest = raw;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            rest = after;
            continue;
        }
        let name: String = rest
            .trim_start_matches('{')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

/// The host port published for the engine's port, when one is.
fn port(
    engine: Engine,
    ports: Option<&Yaml>,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Option<u16> {
    let Some(Yaml::Array(ports)) = ports else {
        notes.push(format!(
            "Port {} is not published: the app picks a free one.",
            engine.default_port()
        ));
        return None;
    };
    for entry in ports {
        let (published, target) = match entry {
            Yaml::Hash(hash) => (
                hash.get(&text("published")).and_then(|p| cx.fill(p)),
                hash.get(&text("target")).and_then(|t| cx.fill(t)),
            ),
            other => {
                let Some(spec) = cx.fill(other) else { continue };
                let spec = spec.split('/').next().unwrap_or_default().to_owned();
                // `[::1]:5432:5432`: the address in brackets is no part.
                let spec = match spec.rfind(']') {
                    Some(end) => spec[end + 1..].trim_start_matches(':').to_owned(),
                    None => spec,
                };
                let parts: Vec<&str> = spec.split(':').collect();
                let target = parts.last().map(|t| (*t).to_owned());
                let published = (parts.len() >= 2).then(|| parts[parts.len() - 2].to_owned());
                (published, target)
            }
        };
        if target.and_then(|t| t.parse::<u16>().ok()) != Some(engine.default_port()) {
            continue;
        }
        return match published.as_deref().map(str::parse::<u16>) {
            Some(Ok(port)) if port > 0 => Some(port),
            _ => {
                notes.push(format!(
                    "Port {} is published on a port range or a random one: the app picks a free one.",
                    engine.default_port()
                ));
                None
            }
        };
    }
    notes.push(format!(
        "Port {} is not published: the app picks a free one.",
        engine.default_port()
    ));
    None
}

/// The volume mounted at the engine's data path.
fn data_volume(
    engine: Engine,
    volumes: Option<&Yaml>,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> DataVolume {
    let data_path = engine.data_path();
    let mounts = match volumes {
        Some(Yaml::Array(mounts)) => mounts.as_slice(),
        _ => &[],
    };
    let found = mounts
        .iter()
        .find(|mount| mount_target(mount).is_some_and(|t| t.trim_end_matches('/') == data_path));
    let Some(mount) = found else {
        notes.push(format!(
            "Nothing is mounted at {data_path}: the datasource starts on a new, empty volume."
        ));
        return DataVolume::None;
    };
    let (kind, source) = match mount {
        Yaml::Hash(hash) => (
            hash.get(&text("type")).and_then(|t| cx.fill(t)),
            hash.get(&text("source")).and_then(|s| cx.fill(s)),
        ),
        other => {
            let source = cx.fill(other).and_then(|spec| split_mount(&spec).0);
            (None, source)
        }
    };
    let Some(source) = source else {
        notes.push(format!(
            "{data_path} is an anonymous volume: the datasource starts on a new, empty volume (the anonymous one is left as it is)."
        ));
        return DataVolume::None;
    };
    let bind = kind.as_deref() == Some("bind")
        || (kind.is_none()
            && (source.starts_with(['.', '/', '~']) || source.as_bytes().get(1) == Some(&b':')));
    if bind {
        return DataVolume::Bind {
            path: host_path(cx.folder, &source).display().to_string(),
        };
    }
    DataVolume::Named {
        name: volume_name(&source, cx),
    }
}

/// Docker's name of the named volume `key`: its `name`, the key itself when external, else the
/// project's name before it (`shop_pgdata`), as Compose names it.
fn volume_name(key: &str, cx: &Context<'_>) -> String {
    let declared = cx.volumes.get(&text(key));
    let field = |field: &str| match declared {
        Some(Yaml::Hash(hash)) => hash.get(&text(field)),
        _ => None,
    };
    if let Some(name) = field("name").and_then(|name| cx.fill(name)) {
        return name;
    }
    let external = match field("external") {
        Some(Yaml::Boolean(flag)) => *flag,
        // The old form `external: {name: X}` names the volume X.
        Some(Yaml::Hash(external)) => {
            if let Some(name) = external.get(&text("name")).and_then(|name| cx.fill(name)) {
                return name;
            }
            true
        }
        _ => false,
    };
    if external {
        key.to_owned()
    } else {
        format!("{}_{key}", cx.project)
    }
}

fn host_path(folder: &Path, source: &str) -> PathBuf {
    if let Some(rest) = source.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")) {
            return PathBuf::from(home).join(rest);
        }
    }
    let path = folder.join(source);
    // `./data` → `<folder>/data`, without the `.` part.
    path.components().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_and_versions_come_from_the_image() {
        assert_eq!(engine_of("postgres:16-alpine"), Some(Engine::Postgres));
        assert_eq!(
            engine_of("docker.io/library/mysql:8.0"),
            Some(Engine::Mysql)
        );
        assert_eq!(engine_of("registry:5000/team/redis"), Some(Engine::Redis));
        assert_eq!(engine_of("testdb/postgres:15"), Some(Engine::Postgres));
        assert_eq!(engine_of("mongo@sha256:abc"), Some(Engine::Mongodb));
        assert_eq!(engine_of("nginx:1.27"), None);
        assert_eq!(engine_of("bitnami/postgresql:16"), None);
        assert_eq!(version_of("postgres:16-alpine").as_deref(), Some("16"));
        assert_eq!(
            version_of("registry:5000/mariadb:11.2").as_deref(),
            Some("11.2")
        );
        assert_eq!(version_of("redis:latest"), None);
        assert_eq!(version_of("redis"), None);
    }

    #[test]
    fn the_first_variable_of_a_value() {
        assert_eq!(
            first_variable("${DB_PASSWORD:-x}").as_deref(),
            Some("DB_PASSWORD")
        );
        assert_eq!(first_variable("pre$NAME").as_deref(), Some("NAME"));
        assert_eq!(first_variable("pa$$word"), None);
        assert_eq!(first_variable("plain"), None);
    }
}
