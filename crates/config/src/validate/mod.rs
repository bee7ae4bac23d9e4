//! Checking `quantum.toml`: one walk over the parsed document that both collects diagnostics and
//! builds the typed model, so that `validate` and `parse` can never disagree.

mod deploy;
mod environments;
mod health;
mod suites;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use toml_edit::{Document, Item, TableLike, Value};

use super::schema::{self, KeySpec};
use super::{
    DatasourceDecl, DeployDecl, Diagnostic, EnvironmentDecl, HealthCheckDecl, LineIndex,
    ProjectConfig, Severity, TestSuiteDecl,
};
use quantum_kernel::Engine;

/// Every problem in `text`, in file order. `known_secrets` are the names present in the keychain.
pub fn validate(text: &str, known_secrets: &[String]) -> Vec<Diagnostic> {
    analyze(text, Some(known_secrets)).1
}

/// The typed model of `text`, or its errors (warnings do not prevent parsing).
pub fn parse(text: &str) -> Result<ProjectConfig, Vec<Diagnostic>> {
    let (config, diagnostics) = analyze(text, None);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    match config {
        Some(config) if errors.is_empty() => Ok(config),
        _ => Err(errors),
    }
}

/// [`validate`] and [`parse`] in one pass: every diagnostic, and the model when there is no error.
pub fn check(text: &str, known_secrets: &[String]) -> (Option<ProjectConfig>, Vec<Diagnostic>) {
    let (config, diagnostics) = analyze(text, Some(known_secrets));
    let valid = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    (config.filter(|_| valid), diagnostics)
}

fn analyze(
    text: &str,
    known_secrets: Option<&[String]>,
) -> (Option<ProjectConfig>, Vec<Diagnostic>) {
    let mut checker = Checker {
        index: LineIndex::new(text),
        known_secrets,
        diagnostics: Vec::new(),
    };
    let document = match Document::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            let message = error.message().trim().trim_end_matches('.');
            // The parser's wording for the one syntax error people make by design: a datasource
            // (or any key) declared twice.
            if message == "duplicate key" {
                let key = text.get(span.clone()).unwrap_or_default().to_owned();
                checker.error(
                    span,
                    "config.duplicate_key",
                    format!("`{key}` is defined twice here. Names must be unique: rename or remove one."),
                );
            } else {
                checker.error(
                    span,
                    "config.syntax",
                    format!("Syntax error: {message}. Fix the TOML syntax here."),
                );
            }
            return (None, checker.diagnostics);
        }
    };
    let config = checker.root(document.as_table());
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| (d.line, d.column));
    (Some(config), diagnostics)
}

struct Checker<'a> {
    index: LineIndex<'a>,
    known_secrets: Option<&'a [String]>,
    diagnostics: Vec<Diagnostic>,
}

/// Where a key and its value are, falling back to each other when one has no span (implicit
/// tables, e.g. `datasources` in `[datasources.main]`, have none of their own).
#[derive(Clone)]
struct Spans {
    key: Range<usize>,
    value: Range<usize>,
}

fn locate(table: &dyn TableLike, key: &str) -> Spans {
    let key_span = table.key(key).and_then(|k| k.span());
    let value_span = table.get(key).and_then(Item::span);
    let key = key_span.clone().or(value_span.clone()).unwrap_or(0..0);
    let value = value_span.or(key_span).unwrap_or(0..0);
    Spans { key, value }
}

/// A declared port and where its value is.
type PortAt = (u16, Range<usize>);

fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(value) => value_type_name(value),
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

fn value_type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::InlineTable(_) => "a table",
    }
}

fn engine_names() -> impl Iterator<Item = &'static str> + Clone {
    Engine::ALL.into_iter().map(Engine::as_str)
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, code: &str, message: String) {
        let diagnostic = self.index.diagnostic(span, Severity::Error, code, message);
        self.diagnostics.push(diagnostic);
    }

    fn warning(&mut self, span: Range<usize>, code: &str, message: String) {
        let diagnostic = self
            .index
            .diagnostic(span, Severity::Warning, code, message);
        self.diagnostics.push(diagnostic);
    }

    fn unknown_key(&mut self, key: &str, span: Range<usize>, allowed: &[KeySpec], place: &str) {
        let hint = match schema::did_you_mean(key, allowed.iter().map(|(k, _)| *k)) {
            Some(suggestion) => format!("Did you mean `{suggestion}`?"),
            None => format!("Allowed keys: {}.", schema::list(allowed)),
        };
        self.error(
            span,
            "config.unknown_key",
            format!("Unknown key `{key}` {place}. {hint}"),
        );
    }

    fn wrong_type(&mut self, span: Range<usize>, what: String, found: &str) {
        self.error(span, "config.wrong_type", format!("{what}, not {found}."));
    }

    /// A table, or a wrong-type error at the value.
    fn table<'t>(
        &mut self,
        item: &'t Item,
        spans: &Spans,
        what: String,
    ) -> Option<&'t dyn TableLike> {
        let table = item.as_table_like();
        if table.is_none() {
            self.wrong_type(spans.value.clone(), what, type_name(item));
        }
        table
    }

    /// A string, or a wrong-type error at the value.
    fn string<'t>(&mut self, item: &'t Item, spans: &Spans, key: &str) -> Option<&'t str> {
        let value = item.as_str();
        if value.is_none() {
            self.wrong_type(
                spans.value.clone(),
                format!("`{key}` must be a string"),
                type_name(item),
            );
        }
        value
    }

    fn root(&mut self, root: &dyn TableLike) -> ProjectConfig {
        let mut config = ProjectConfig::default();
        for (key, item) in root.iter() {
            let spans = locate(root, key);
            match key {
                "project" => self.project(item, &spans, &mut config),
                "datasources" => config.datasources = self.datasources(item, &spans),
                "environments" => config.environments = self.environments(item, &spans),
                "variables" => {
                    config.variables = self.variables(item, &spans, "the shared variables");
                }
                "tests" => config.tests = self.test_suites(item, &spans),
                "health" => config.health = self.health_checks(item, &spans),
                "deploy" => config.deploy = self.deploy_environments(item, &spans),
                _ => self.unknown_key(key, spans.key, schema::TOP_KEYS, "at the top level"),
            }
        }
        config
    }

    fn project(&mut self, item: &Item, spans: &Spans, config: &mut ProjectConfig) {
        let what = "`project` must be a table such as [project]".to_owned();
        let Some(table) = self.table(item, spans, what) else {
            return;
        };
        for (key, item) in table.iter() {
            let spans = locate(table, key);
            match key {
                "name" => {
                    if let Some(name) = self.string(item, &spans, key) {
                        if name.trim().is_empty() {
                            self.error(
                                spans.value,
                                "config.invalid_name",
                                "The project's `name` is empty. Give it a name or remove the key."
                                    .to_owned(),
                            );
                        } else {
                            config.name = Some(name.to_owned());
                        }
                    }
                }
                "description" => {
                    config.description = self.string(item, &spans, key).map(str::to_owned);
                }
                _ => self.unknown_key(key, spans.key, schema::PROJECT_KEYS, "in [project]"),
            }
        }
    }

    fn datasources(&mut self, item: &Item, spans: &Spans) -> Vec<DatasourceDecl> {
        let what = "`datasources` must hold one table per datasource, such as [datasources.main]"
            .to_owned();
        let Some(table) = self.table(item, spans, what) else {
            return Vec::new();
        };
        let mut declared = Vec::new();
        let mut names: HashMap<String, String> = HashMap::new();
        let mut ports: HashMap<u16, String> = HashMap::new();
        for (name, item) in table.iter() {
            let spans = locate(table, name);
            if !schema::is_docker_name(name) {
                self.error(
                    spans.key.clone(),
                    "config.invalid_name",
                    format!(
                        "`{name}` is not a valid datasource name: {}.",
                        schema::DOCKER_NAME_RULE
                    ),
                );
            }
            // TOML already refuses exact duplicates; names that differ only in case would
            // collide in Docker's volume names and confuse people, so they are refused too.
            if let Some(first) = names.insert(name.to_ascii_lowercase(), name.to_owned()) {
                self.error(
                    spans.key.clone(),
                    "config.duplicate_name",
                    format!(
                        "Datasource `{name}` has the same name as `{first}` apart from letter case. Rename one of them."
                    ),
                );
            }
            let (declaration, port) = self.datasource(name, item, &spans);
            if let Some((port, port_span)) = port {
                if let Some(first) = ports.get(&port) {
                    self.error(
                        port_span,
                        "config.duplicate_port",
                        format!(
                            "Port {port} is already used by datasource `{first}`. Choose another port, or remove `port` to use the next free one."
                        ),
                    );
                } else {
                    ports.insert(port, name.to_owned());
                }
            }
            declared.extend(declaration);
        }
        declared
    }

    /// One datasource (none if it has errors that leave no model), and its port with the port's
    /// span for the duplicate check.
    fn datasource(
        &mut self,
        name: &str,
        item: &Item,
        spans: &Spans,
    ) -> (Option<DatasourceDecl>, Option<PortAt>) {
        let what = format!("Datasource `{name}` must be a table such as [datasources.{name}]");
        let Some(table) = self.table(item, spans, what) else {
            return (None, None);
        };
        let mut engine = None;
        let mut has_engine = false;
        let mut declaration = DatasourceDecl {
            name: name.to_owned(),
            engine: Engine::default(),
            version: None,
            image: None,
            port: None,
            database: None,
            volume: None,
            migrations: None,
            migrations_format: None,
        };
        let mut port = None;
        for (key, item) in table.iter() {
            let spans = locate(table, key);
            match key {
                "engine" => {
                    has_engine = true;
                    engine = self.engine(item, &spans);
                }
                "version" => {
                    declaration.version = self.checked_string(
                        item,
                        &spans,
                        key,
                        schema::is_image_tag,
                        "is not a valid image tag: use letters, digits, `_`, `.` or `-` (e.g. \"16-alpine\")",
                    );
                }
                "image" => {
                    declaration.image = self.checked_string(
                        item,
                        &spans,
                        key,
                        schema::is_image_reference,
                        "is not a valid image: use a reference such as \"postgres:16-alpine\"",
                    );
                    if table.contains_key("version") {
                        self.error(
                            spans.key.clone(),
                            "config.version_and_image",
                            format!(
                                "Datasource `{name}` sets both `version` and `image`. Keep one: `image` already includes the tag."
                            ),
                        );
                    }
                }
                "port" => {
                    if let Some(number) = self.port(item, &spans) {
                        declaration.port = Some(number);
                        port = Some((number, spans.value.clone()));
                    }
                }
                "database" => {
                    declaration.database = self.checked_string(
                        item,
                        &spans,
                        key,
                        schema::is_database_name,
                        "is not a valid database name: use up to 63 letters, digits and `_`, not starting with a digit",
                    );
                }
                "volume" => {
                    declaration.volume = self.checked_string(
                        item,
                        &spans,
                        key,
                        schema::is_docker_name,
                        &format!("is not a valid volume name: {}", schema::DOCKER_NAME_RULE),
                    );
                }
                "migrations" => {
                    declaration.migrations = self.checked_string(
                        item,
                        &spans,
                        key,
                        schema::is_project_folder,
                        "is not a folder inside the project: give a relative path such as \"db/migrations\", without `..`",
                    );
                }
                "migrations_format" => {
                    declaration.migrations_format = self.checked_string(
                        item,
                        &spans,
                        key,
                        schema::is_migration_format,
                        &format!(
                            "is not a migration layout: use {}",
                            schema::MIGRATION_FORMATS.join(", ")
                        ),
                    );
                }
                _ => self.unknown_key(
                    key,
                    spans.key,
                    schema::DATASOURCE_KEYS,
                    &format!("in datasource `{name}`"),
                ),
            }
        }
        if !has_engine {
            self.error(
                spans.key.clone(),
                "config.missing_engine",
                format!(
                    "Datasource `{name}` has no `engine`. Add `engine = \"postgres\"` (or {}).",
                    engine_names().skip(1).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        let declaration = engine.map(|engine| DatasourceDecl {
            engine,
            ..declaration
        });
        (declaration, port)
    }

    fn engine(&mut self, item: &Item, spans: &Spans) -> Option<Engine> {
        let Some(value) = item.as_str() else {
            self.wrong_type(
                spans.value.clone(),
                format!(
                    "`engine` must be a string, one of {}",
                    engine_names().collect::<Vec<_>>().join(", ")
                ),
                type_name(item),
            );
            return None;
        };
        let engine = Engine::parse(value);
        if engine.is_none() {
            let hint = match schema::did_you_mean(value, engine_names()) {
                Some(suggestion) => format!("Did you mean `{suggestion}`?"),
                None => format!(
                    "Use one of: {}.",
                    engine_names().collect::<Vec<_>>().join(", ")
                ),
            };
            self.error(
                spans.value.clone(),
                "config.unknown_engine",
                format!("Unknown engine `{value}`. {hint}"),
            );
        }
        engine
    }

    fn port(&mut self, item: &Item, spans: &Spans) -> Option<u16> {
        let Some(number) = item.as_integer() else {
            self.wrong_type(
                spans.value.clone(),
                "`port` must be an integer from 1 to 65535".to_owned(),
                type_name(item),
            );
            return None;
        };
        let port = u16::try_from(number).ok().filter(|p| *p != 0);
        if port.is_none() {
            self.error(
                spans.value.clone(),
                "config.port_out_of_range",
                format!("`port` must be from 1 to 65535, not {number}."),
            );
        }
        port
    }

    /// A string that must pass `valid`; `rule` completes "`key` "value" …".
    fn checked_string(
        &mut self,
        item: &Item,
        spans: &Spans,
        key: &str,
        valid: fn(&str) -> bool,
        rule: &str,
    ) -> Option<String> {
        let value = self.string(item, spans, key)?;
        if valid(value) {
            Some(value.to_owned())
        } else {
            self.error(
                spans.value.clone(),
                "config.invalid_value",
                format!("`{key}` \"{value}\" {rule}."),
            );
            None
        }
    }
}
