//! Project configuration as code: `quantum.toml`, the source of truth for a project's declared
//! stack. It is meant to be committed, so it holds no secret value, only secrets' names.
//!
//! ```toml
//! [project]                     # optional
//! name = "shop"
//! description = "The web shop"
//!
//! [variables]                   # optional, shared by every environment
//! LOG_FORMAT = "json"
//!
//! [datasources.main]            # the table key is the datasource's name
//! engine = "postgres"           # required: postgres, mysql, mariadb, mongodb or redis
//! version = "16-alpine"         # optional image tag …
//! # image = "postgres:16-alpine"  … or a full image, not both
//! port = 5432                   # optional, 1 to 65535, unique across datasources
//! database = "shop"             # optional identifier
//! volume = "shop-main-data"     # optional Docker volume
//!
//! [environments.dev]            # names: lowercase letter, then [a-z0-9_-]
//! variables = { LOG_LEVEL = "debug", WORKERS = 4 }
//! secrets = ["STRIPE_KEY"]      # names of keychain entries, never values
//!
//! [tests.unit]                  # names as environments'
//! command = "cargo nextest run" # required; split as a shell splits words
//! dir = "backend"               # optional, relative to the project
//! env = { RUST_LOG = "warn" }   # optional
//! format = "junit"              # optional: how a custom command's results are read
//! report = "target/junit.xml"   # the report a junit or jest-json command writes
//! timeout = 600                 # optional seconds, 1 to 86400
//!
//! [deploy.staging]              # names as environments'; its variables are [environments.staging]'s
//! image = "shop"                # required: the name builds are tagged with
//! port = 8080                   # required: the app's port in its container
//! publish = 8000                # required: the host port the environment's proxy serves on
//! health = "http"               # optional: http (health_path, health_status), tcp or image
//! keep = 3                      # optional: releases kept for a rollback, 1 to 20
//! ```
//!
//! Rules, each reported by [`validate`] at the span that is wrong:
//! - datasource names and volumes are Docker names, `[A-Za-z0-9][A-Za-z0-9_.-]`, 2 to 63 long;
//!   variable and secret names are `[A-Za-z_][A-Za-z0-9_]*`;
//! - variable values are strings; integers, floats and booleans are accepted and stringified;
//! - a secret name that is not in the keychain is a **warning**, not an error: the file is
//!   shared through version control while the keychain is per machine, so a fresh clone is
//!   expected to lack them until someone sets them, and the file is still well-formed;
//! - a variable whose name looks like a credential (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`,
//!   `*_KEY`) with a literal value is a warning: it should be a secret.
//!
//! Positions are 1-based lines and columns, with columns counted in UTF-16 code units as Monaco
//! counts them. Both [`validate`] and [`completions`] work on broken text too, since they run
//! while the user types.

mod complete;
mod edit;
mod error;
mod schema;
mod service;
mod validate;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use specta::Type;

use quantum_kernel::input::NumberInput;
use quantum_kernel::Engine;

pub use error::{Error, Result};

pub use complete::completions;
pub use edit::{
    add_environment, add_secret_reference, format, remove_datasource, remove_health_check,
    remove_secret_reference, remove_test_suite, remove_variable, set_datasource, set_deploy_target,
    set_health_check, set_kubernetes_target, set_test_suite, set_variable,
};
pub use schema::{
    is_environment_name, is_variable_name, looks_secret, ENVIRONMENT_NAME_RULE, VARIABLE_NAME_RULE,
};
pub use service::PendingWrite;
pub use service::{ConfigDocument, ConfigLocation, ConfigSource, ConfigVersion, ProjectConfigs};
pub use validate::check;
pub use validate::{parse, validate};

/// The file name the configuration lives in, at the root of the project's folder.
pub const FILE_NAME: &str = "quantum.toml";

/// A project's declared stack, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectConfig {
    pub name: Option<String>,
    pub description: Option<String>,
    pub datasources: Vec<DatasourceDecl>,
    pub environments: Vec<EnvironmentDecl>,
    /// Variables shared by every environment.
    pub variables: BTreeMap<String, String>,
    /// Test suites, in file order.
    pub tests: Vec<TestSuiteDecl>,
    /// Health checks (`[[health]]`), in file order.
    pub health: Vec<HealthCheckDecl>,
    /// Deploy environments (`[deploy.<name>]`), in file order.
    pub deploy: Vec<DeployDecl>,
}

/// One `[deploy.<name>]` table: an environment the project is deployed to. Left-out keys take
/// the deploy crate's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeployDecl {
    pub name: String,
    pub image: String,
    pub port: u16,
    pub publish: u16,
    pub bind: Option<String>,
    pub dockerfile: Option<String>,
    pub context: Option<String>,
    /// `http`, `tcp` or `image`.
    pub health: Option<String>,
    pub health_path: Option<String>,
    pub health_status: Option<u16>,
    pub health_timeout: Option<u32>,
    pub drain: Option<u32>,
    pub keep: Option<u32>,
    pub proxy_image: Option<String>,
    pub push: Option<bool>,
    pub pre_deploy: Option<String>,
    pub post_deploy: Option<String>,
    pub docker_context: Option<String>,
    pub docker_host: Option<String>,
    pub docker_tls: Option<String>,
    pub ssh_identity: Option<String>,
    /// The kubeconfig context of a Kubernetes environment.
    pub kube_context: Option<String>,
    pub kube_namespace: Option<String>,
    /// The project's manifests folder; the app generates a Deployment and a Service without it.
    pub kube_manifests: Option<String>,
    pub kube_service: Option<String>,
    pub replicas: Option<u32>,
    /// Datasources of the project whose pending migrations a deploy applies, after a snapshot.
    #[serde(default)]
    pub migrate: Vec<String>,
    /// Datasources of the project run on the environment's own Docker Engine beside its
    /// releases, which reach them by name.
    #[serde(default)]
    pub datasources: Vec<String>,
}

impl DeployDecl {
    /// The settings the deploy crate runs with; `variables` are the environment's, resolved.
    pub fn to_spec(&self, variables: Vec<(String, String)>) -> quantum_deploy::EnvironmentSpec {
        let mut spec =
            quantum_deploy::EnvironmentSpec::new(&self.name, &self.image, self.port, self.publish);
        let or = |value: &Option<String>, default: String| value.clone().unwrap_or(default);
        spec.bind = or(&self.bind, spec.bind);
        spec.dockerfile = or(&self.dockerfile, spec.dockerfile);
        spec.context = or(&self.context, spec.context);
        spec.proxy_image = or(&self.proxy_image, spec.proxy_image);
        spec.health = match self.health.as_deref() {
            Some("tcp") => quantum_deploy::HealthCheck::Tcp,
            Some("image") => quantum_deploy::HealthCheck::Image,
            _ => quantum_deploy::HealthCheck::Http {
                path: self.health_path.clone().unwrap_or_else(|| "/".to_owned()),
                status: self.health_status,
            },
        };
        spec.health_timeout_secs = self.health_timeout.unwrap_or(spec.health_timeout_secs);
        spec.drain_secs = self.drain.unwrap_or(spec.drain_secs);
        spec.keep = self.keep.unwrap_or(spec.keep);
        spec.target = match (&self.docker_context, &self.docker_host) {
            (Some(name), _) => quantum_deploy::DockerTarget::Context { name: name.clone() },
            (None, Some(host)) => quantum_deploy::DockerTarget::Host {
                host: host.clone(),
                tls: self.docker_tls.clone(),
            },
            (None, None) => quantum_deploy::DockerTarget::Local,
        };
        spec.kubernetes =
            self.kube_context
                .as_ref()
                .map(|context| quantum_deploy::KubernetesTarget {
                    context: context.clone(),
                    namespace: self.kube_namespace.clone(),
                    manifests: self.kube_manifests.clone(),
                    service_type: or(&self.kube_service, "ClusterIP".to_owned()),
                    replicas: self.replicas.unwrap_or(1),
                });
        // A server's environment is meant to be reached from outside it.
        if self.bind.is_none() && spec.target.remote_machine().is_some() {
            "0.0.0.0".clone_into(&mut spec.bind);
        }
        spec.ssh_identity = self.ssh_identity.clone();
        spec.push = self.push.unwrap_or(false);
        spec.pre_deploy.clone_from(&self.pre_deploy);
        spec.post_deploy.clone_from(&self.post_deploy);
        spec.variables = variables;
        spec
    }
}

/// One `[[health]]` table: a check the app runs in the background. Left-out numbers take the
/// health crate's defaults; no conditions: an HTTP answer below 400, or a connection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckDecl {
    pub name: String,
    /// `http(s)://…`, `tcp://host:port`, `datasource:NAME`, `container:NAME` or
    /// `kubernetes://SERVICE.NAMESPACE:PORT/PATH@CONTEXT`.
    pub target: String,
    pub interval: Option<u32>,
    pub timeout: Option<u32>,
    pub failures: Option<u32>,
    /// Gatus-style conditions, e.g. `[STATUS] == 200`.
    pub conditions: Vec<String>,
    /// HTTPS without checking the certificate (a development server's self-signed one).
    pub insecure: bool,
}

impl HealthCheckDecl {
    /// The check the health crate runs (`None` if the declaration does not read, which a
    /// validated file rules out).
    pub fn to_spec(&self) -> Option<quantum_health::CheckSpec> {
        let target = quantum_health::Target::parse(&self.target).ok()?;
        let mut conditions = Vec::new();
        for text in &self.conditions {
            conditions.push(quantum_health::Condition::parse(text).ok()?);
        }
        if conditions.is_empty() {
            conditions = quantum_health::CheckSpec::default_conditions(&target);
        }
        Some(quantum_health::CheckSpec {
            name: self.name.clone(),
            target,
            interval_secs: self
                .interval
                .unwrap_or(quantum_health::DEFAULT_INTERVAL_SECS),
            timeout_secs: self.timeout.unwrap_or(quantum_health::DEFAULT_TIMEOUT_SECS),
            failures: self.failures.unwrap_or(quantum_health::DEFAULT_FAILURES),
            conditions,
            insecure: self.insecure,
        })
    }
}

/// One `[tests.<name>]` table: a suite the app runs. Recognised runners (cargo nextest, cargo
/// test, pytest, vitest, jest, go test) get their report options from the app; any other command
/// declares its `format` (and `report` file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestSuiteDecl {
    pub name: String,
    /// The command line, split the way a POSIX shell splits words.
    pub command: Vec<String>,
    pub dir: Option<String>,
    pub env: BTreeMap<String, String>,
    pub format: Option<String>,
    pub report: Option<String>,
    pub timeout: Option<u32>,
}

/// A datasource to create: what the "Add database" form sends, and what a `[datasources.*]` table
/// declares but this machine lacks (pre-filled for that form). Express mode sends the project and
/// the engine; advanced mode may set any other field. Empty fields take the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceInput {
    pub project_id: i64,
    pub engine: Engine,
    pub name: Option<String>,
    pub image: Option<String>,
    // Any number, so that one that is no port (70000, -1, 5432.5) reaches the core's check and
    // comes back as a field error (a `//` comment: the bindings stay as they are).
    #[specta(type = Option<i64>)]
    pub host_port: Option<NumberInput>,
    pub database_name: Option<String>,
    pub username: Option<String>,
    pub auto_start: Option<bool>,
    pub ready_timeout_secs: Option<u32>,
    /// Takes over the data (and credentials) of a removed datasource's volume.
    pub volume_name: Option<String>,
}

/// One `[datasources.<name>]` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceDecl {
    pub name: String,
    pub engine: Engine,
    pub version: Option<String>,
    pub image: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub volume: Option<String>,
    /// Its migrations' folder, relative to the project's (else found: `migrations/<name>`,
    /// `migrations`, `db/migrations`).
    pub migrations: Option<String>,
    /// Their layout: `sqlx`, `dbmate` or `golang-migrate` (else read from the files).
    pub migrations_format: Option<String>,
}

impl DatasourceDecl {
    /// The image it names: `image`, else `default`'s repository at `version`; `None` when it
    /// names neither (the engine's default then).
    pub fn named_image(&self, default: &str) -> Option<String> {
        self.image.clone().or_else(|| {
            self.version.as_ref().map(|version| {
                let repository = default.split_once(':').map_or(default, |(r, _)| r);
                format!("{repository}:{version}")
            })
        })
    }
}

/// One `[environments.<name>]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentDecl {
    pub name: String,
    pub variables: BTreeMap<String, String>,
    /// Names of keychain secrets, in file order.
    pub secrets: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the file, shaped for an editor marker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub severity: Severity,
    /// What is wrong and what to do about it.
    pub message: String,
    /// A stable code such as `config.unknown_key`.
    pub code: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CompletionKind {
    /// A key of the table the cursor is in.
    Key,
    /// A value, such as an engine name.
    Value,
    /// A table header, after `[`.
    Table,
}

/// One suggestion at the cursor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
}

/// Converts between byte offsets and editor positions of one text.
struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    /// The 1-based line and UTF-16 column of a byte offset (clamped to the text).
    fn position(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[self.starts[line]..offset].encode_utf16().count() + 1;
        (to_u32(line + 1), to_u32(column))
    }

    /// The byte offset of a 1-based line and UTF-16 column, clamped to the line's end.
    fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        let wanted = usize::try_from(column).ok()?.saturating_sub(1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= wanted {
                return Some(start + i);
            }
            units += c.len_utf16();
        }
        Some(end)
    }

    fn diagnostic(
        &self,
        span: Range<usize>,
        severity: Severity,
        code: &str,
        message: String,
    ) -> Diagnostic {
        let mut end = span.end.max(span.start);
        // A zero-width span (e.g. "expected `]`") still gets one character to underline.
        if end == span.start {
            if let Some(c) = self.text.get(span.start..).and_then(|s| s.chars().next()) {
                if c != '\n' && c != '\r' {
                    end += c.len_utf8();
                }
            }
        }
        let (line, column) = self.position(span.start);
        let (end_line, end_column) = self.position(end);
        Diagnostic {
            line,
            column,
            end_line,
            end_column,
            severity,
            message,
            code: code.to_owned(),
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_utf16_units() {
        let index = LineIndex::new("a = 1\né😀 = 2\r\nlast");
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(4), (1, 5));
        assert_eq!(index.position(6), (2, 1));
        // "é" is one unit, "😀" two.
        assert_eq!(index.position(6 + 2 + 4), (2, 4));
        assert_eq!(index.position(1000), (3, 5));
        assert_eq!(index.offset(2, 4), Some(12));
        assert_eq!(index.offset(3, 99), Some(22));
        assert_eq!(index.offset(4, 1), None);
        assert_eq!(index.offset(0, 1), None);
    }
}
