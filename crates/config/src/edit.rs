//! Changing `quantum.toml` the way a person would: through `toml_edit`, so that comments, key
//! order and formatting of everything not being changed stay byte-identical.

mod deploy;
mod health;
pub use deploy::{set_deploy_datasources, set_deploy_target, set_kubernetes_target};
pub use health::{remove_health_check, set_health_check};

use toml_edit::{value, Array, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use super::schema;
use super::{DatasourceDecl, LineIndex, TestSuiteDecl};
use crate::{Error, Result};

/// Adds the datasource, or updates the one with the same name in place: keys it sets keep their
/// position and comments, keys it leaves unset are removed, new keys go at the end of its table.
pub fn set_datasource(text: &str, datasource: &DatasourceDecl) -> Result<String> {
    check_datasource(datasource)?;
    let mut document = load(text)?;
    let datasources = child_table(document.as_table_mut(), "datasources", "datasources")?;
    let name = datasource.name.as_str();
    if !datasources.contains_key(name) {
        datasources.insert(name, Item::Table(Table::new()));
    }
    let table = datasources
        .get_mut(name)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| not_a_table(&format!("datasources.{name}")))?;
    let fields: [(&str, Option<Value>); 6] = [
        ("engine", Some(datasource.engine.as_str().into())),
        ("version", datasource.version.as_deref().map(Value::from)),
        ("image", datasource.image.as_deref().map(Value::from)),
        ("port", datasource.port.map(|p| Value::from(i64::from(p)))),
        ("database", datasource.database.as_deref().map(Value::from)),
        ("volume", datasource.volume.as_deref().map(Value::from)),
    ];
    set_fields(table, fields);
    Ok(document.to_string())
}

/// Adds the test suite, or updates the one with the same name in place (as [`set_datasource`]).
/// The suite is checked by the same rules as the file: its errors come back as one message.
pub fn set_test_suite(text: &str, suite: &TestSuiteDecl) -> Result<String> {
    let alone = write_test_suite("", suite)?;
    if let Some(problem) = super::validate(&alone, &[])
        .into_iter()
        .find(|d| d.severity == super::Severity::Error)
    {
        return Err(invalid(problem.message));
    }
    write_test_suite(text, suite)
}

fn write_test_suite(text: &str, suite: &TestSuiteDecl) -> Result<String> {
    let mut document = load(text)?;
    let tests = child_table(document.as_table_mut(), "tests", "tests")?;
    let name = suite.name.as_str();
    if !tests.contains_key(name) {
        tests.insert(name, Item::Table(Table::new()));
    }
    let table = tests
        .get_mut(name)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| not_a_table(&format!("tests.{name}")))?;
    let env = (!suite.env.is_empty()).then(|| {
        let mut inline = InlineTable::new();
        for (key, value) in &suite.env {
            inline.insert(key, value.as_str().into());
        }
        Value::InlineTable(inline)
    });
    let fields: [(&str, Option<Value>); 6] = [
        ("command", Some(shell_words::join(&suite.command).into())),
        ("dir", suite.dir.as_deref().map(Value::from)),
        ("env", env),
        ("format", suite.format.as_deref().map(Value::from)),
        ("report", suite.report.as_deref().map(Value::from)),
        ("timeout", suite.timeout.map(|t| Value::from(i64::from(t)))),
    ];
    set_fields(table, fields);
    Ok(document.to_string())
}

/// Removes a test suite's table. Unknown names change nothing.
pub fn remove_test_suite(text: &str, name: &str) -> Result<String> {
    let mut document = load(text)?;
    if let Some(tests) = document.get_mut("tests").and_then(Item::as_table_like_mut) {
        tests.remove(name);
    }
    Ok(document.to_string())
}

/// Points the datasource at its migrations' folder (and their layout, when known): the table is
/// made from `datasource` when the file has none; its other keys stay as they are.
pub fn set_datasource_migrations(
    text: &str,
    datasource: &DatasourceDecl,
    folder: &str,
    format: Option<&str>,
) -> Result<String> {
    if folder.trim().is_empty()
        || std::path::Path::new(folder).is_absolute()
        || folder.contains("..")
    {
        return Err(invalid(format!(
            "`{folder}` is not a folder inside the project: give it relative to the project's folder."
        )));
    }
    let declared = load(text)?
        .get("datasources")
        .and_then(|datasources| datasources.get(&datasource.name))
        .is_some();
    let text = if declared {
        text.to_owned()
    } else {
        set_datasource(text, datasource)?
    };
    let mut document = load(&text)?;
    let datasources = child_table(document.as_table_mut(), "datasources", "datasources")?;
    let name = datasource.name.as_str();
    let table = datasources
        .get_mut(name)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| not_a_table(&format!("datasources.{name}")))?;
    set_fields(
        table,
        [
            ("migrations", Some(Value::from(folder))),
            ("migrations_format", format.map(Value::from)),
        ],
    );
    Ok(document.to_string())
}

/// Removes a datasource's table, with the comments above its header. Unknown names change nothing.
pub fn remove_datasource(text: &str, name: &str) -> Result<String> {
    let mut document = load(text)?;
    if let Some(datasources) = document
        .get_mut("datasources")
        .and_then(Item::as_table_like_mut)
    {
        datasources.remove(name);
    }
    Ok(document.to_string())
}

/// Sets a plain variable: shared (`environment` = `None`, in `[variables]`) or of one
/// environment (in its `variables`, created as an inline table when missing).
pub fn set_variable(
    text: &str,
    environment: Option<&str>,
    name: &str,
    new_value: &str,
) -> Result<String> {
    if !schema::is_variable_name(name) {
        return Err(invalid(format!(
            "`{name}` is not a valid variable name: {}.",
            schema::VARIABLE_NAME_RULE
        )));
    }
    let mut document = load(text)?;
    let variables = match environment {
        None => child_table(document.as_table_mut(), "variables", "variables")?,
        Some(environment) => {
            let table = environment_table(&mut document, environment)?;
            if !table.contains_key("variables") {
                table.insert("variables", value(InlineTable::new()));
            }
            let variables = table
                .get_mut("variables")
                .ok_or_else(|| not_a_table(&format!("environments.{environment}.variables")))?;
            if let Some(inline) = variables.as_inline_table_mut() {
                if !inline.contains_key(name) {
                    tighten_last(inline);
                }
            }
            variables
                .as_table_like_mut()
                .ok_or_else(|| not_a_table(&format!("environments.{environment}.variables")))?
        }
    };
    set_value(variables, name, new_value.into());
    Ok(document.to_string())
}

/// Removes a plain variable. Unknown names change nothing.
pub fn remove_variable(text: &str, environment: Option<&str>, name: &str) -> Result<String> {
    let mut document = load(text)?;
    let variables = match environment {
        None => document.get_mut("variables"),
        Some(environment) => document
            .get_mut("environments")
            .and_then(|e| child_mut(e, environment))
            .and_then(|e| child_mut(e, "variables")),
    };
    match variables {
        Some(Item::Value(Value::InlineTable(inline))) => remove_inline(inline, name),
        Some(item) => {
            if let Some(variables) = item.as_table_like_mut() {
                variables.remove(name);
            }
        }
        None => {}
    }
    Ok(document.to_string())
}

/// Lists a secret's name in an environment's `secrets`, creating the environment or the array
/// when missing. A name already listed changes nothing.
pub fn add_secret_reference(text: &str, environment: &str, name: &str) -> Result<String> {
    if !schema::is_variable_name(name) {
        return Err(invalid(format!(
            "`{name}` is not a valid secret name: {}.",
            schema::VARIABLE_NAME_RULE
        )));
    }
    let mut document = load(text)?;
    let table = environment_table(&mut document, environment)?;
    if !table.contains_key("secrets") {
        table.insert("secrets", value(Array::new()));
    }
    let secrets = table
        .get_mut("secrets")
        .and_then(Item::as_array_mut)
        .ok_or_else(|| {
            invalid(format!(
                "`environments.{environment}.secrets` is not an array. Fix it in quantum.toml first."
            ))
        })?;
    if !secrets.iter().any(|s| s.as_str() == Some(name)) {
        secrets.push(name);
    }
    Ok(document.to_string())
}

/// Removes a secret's name from an environment's `secrets` (never touches the keychain).
pub fn remove_secret_reference(text: &str, environment: &str, name: &str) -> Result<String> {
    let mut document = load(text)?;
    if let Some(secrets) = document
        .get_mut("environments")
        .and_then(|e| child_mut(e, environment))
        .and_then(|e| child_mut(e, "secrets"))
        .and_then(Item::as_array_mut)
    {
        // The new first element takes the old one's spacing: `["A", "B"]` becomes `["B"]`.
        let first_prefix = secrets.get(0).and_then(|s| s.decor().prefix().cloned());
        secrets.retain(|s| s.as_str() != Some(name));
        if let (Some(first), Some(prefix)) = (secrets.get_mut(0), first_prefix) {
            first.decor_mut().set_prefix(prefix);
        }
    }
    Ok(document.to_string())
}

/// Adds an empty `[environments.<name>]` table; an existing one is left as it is.
pub fn add_environment(text: &str, environment: &str) -> Result<String> {
    let mut document = load(text)?;
    environment_table(&mut document, environment)?;
    Ok(document.to_string())
}

/// Format on save: `key = value` with one space each side, no blanks at line ends, no run of
/// empty lines, one newline at the end. Comments, order and values stay as they are; a text
/// with multi-line strings keeps its line ends, whose blanks may belong to a string.
pub fn format(text: &str) -> Result<String> {
    let mut document = load(text)?;
    space_keys(document.as_table_mut());
    let formatted = document.to_string();
    let keep_line_ends = formatted.contains("\"\"\"") || formatted.contains("'''");
    let mut out = String::with_capacity(formatted.len());
    let mut blank_run = 0;
    for line in formatted.lines() {
        let line = if keep_line_ends {
            line
        } else {
            line.trim_end()
        };
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    Ok(out)
}

fn space_keys(table: &mut Table) {
    for (mut key, item) in table.iter_mut() {
        match item {
            Item::Value(value) => {
                key.leaf_decor_mut().set_suffix(" ");
                value.decor_mut().set_prefix(" ");
            }
            Item::Table(child) => space_keys(child),
            Item::ArrayOfTables(array) => array.iter_mut().for_each(space_keys),
            Item::None => {}
        }
    }
}

fn load(text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|error| {
        let (line, column) = LineIndex::new(text).position(error.span().map_or(0, |s| s.start));
        invalid(format!(
            "it has a syntax error at line {line}, column {column} ({}). Fix it first.",
            error.message().trim().trim_end_matches('.')
        ))
    })
}

/// An existing child of a table item. (`Item::get_mut` would create a missing one.)
fn child_mut<'a>(item: &'a mut Item, key: &str) -> Option<&'a mut Item> {
    item.as_table_like_mut()?.get_mut(key)
}

fn invalid(message: String) -> Error {
    Error::ConfigInvalid { message }
}

fn not_a_table(path: &str) -> Error {
    invalid(format!(
        "`{path}` is not a table. Fix it in quantum.toml first."
    ))
}

/// The table under `key`, created as an implicit table (no header of its own) when missing, so
/// that `[datasources.main]` does not bring an empty `[datasources]` line with it.
fn child_table<'a>(parent: &'a mut Table, key: &str, path: &str) -> Result<&'a mut dyn TableLike> {
    if !parent.contains_key(key) {
        let mut table = Table::new();
        table.set_implicit(true);
        parent.insert(key, Item::Table(table));
    }
    parent
        .get_mut(key)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| not_a_table(path))
}

fn environment_table<'a>(
    document: &'a mut DocumentMut,
    environment: &str,
) -> Result<&'a mut dyn TableLike> {
    if !schema::is_environment_name(environment) {
        return Err(invalid(format!(
            "`{environment}` is not a valid environment name: {}.",
            schema::ENVIRONMENT_NAME_RULE
        )));
    }
    let environments = child_table(document.as_table_mut(), "environments", "environments")?;
    if !environments.contains_key(environment) {
        environments.insert(environment, Item::Table(Table::new()));
    }
    environments
        .get_mut(environment)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| not_a_table(&format!("environments.{environment}")))
}

/// Drops the blank after an inline table's last value, which would otherwise end up before the
/// comma of an appended entry (`"debug" , X = "1"`).
fn tighten_last(inline: &mut InlineTable) {
    if let Some((_, last)) = inline.iter_mut().last() {
        if last
            .decor()
            .suffix()
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.trim().is_empty())
        {
            last.decor_mut().set_suffix("");
        }
    }
}

/// Removes `key` from an inline table; when it was the last entry, the new last one takes its
/// spacing, so that `{ A = "1", B = "2" }` becomes `{ A = "1" }`.
fn remove_inline(inline: &mut InlineTable, key: &str) {
    let was_last = inline.iter().last().is_some_and(|(k, _)| k == key);
    let Some(removed) = inline.remove(key) else {
        return;
    };
    if was_last {
        if let (Some((_, last)), Some(suffix)) =
            (inline.iter_mut().last(), removed.decor().suffix())
        {
            last.decor_mut().set_suffix(suffix.clone());
        }
    }
}

/// Sets each key that has a value (as [`set_value`]) and removes each that has none.
fn set_fields(
    table: &mut dyn TableLike,
    fields: impl IntoIterator<Item = (&'static str, Option<Value>)>,
) {
    for (key, new) in fields {
        match new {
            Some(new) => set_value(table, key, new),
            None => {
                table.remove(key);
            }
        }
    }
}

/// Sets `key`, keeping the spacing and trailing comment of a value it replaces.
fn set_value(table: &mut dyn TableLike, key: &str, mut new: Value) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        None => {
            table.insert(key, Item::Value(new));
        }
    }
}

fn check_datasource(datasource: &DatasourceDecl) -> Result<()> {
    let name = &datasource.name;
    let problem = if !schema::is_docker_name(name) {
        Some(format!(
            "`{name}` is not a valid datasource name: {}.",
            schema::DOCKER_NAME_RULE
        ))
    } else if datasource.version.is_some() && datasource.image.is_some() {
        Some(format!(
            "datasource `{name}` sets both a version and an image. Keep one."
        ))
    } else if datasource.port == Some(0) {
        Some("the port must be from 1 to 65535.".to_owned())
    } else if datasource
        .version
        .as_deref()
        .is_some_and(|v| !schema::is_image_tag(v))
    {
        Some("the version is not a valid image tag.".to_owned())
    } else if datasource
        .image
        .as_deref()
        .is_some_and(|i| !schema::is_image_reference(i))
    {
        Some("the image is not a valid image reference.".to_owned())
    } else if datasource
        .database
        .as_deref()
        .is_some_and(|d| !schema::is_database_name(d))
    {
        Some("the database name is not a valid identifier.".to_owned())
    } else if datasource
        .volume
        .as_deref()
        .is_some_and(|v| !schema::is_docker_name(v))
    {
        Some(format!(
            "the volume name is not valid: {}.",
            schema::DOCKER_NAME_RULE
        ))
    } else {
        None
    };
    problem.map_or(Ok(()), |message| Err(invalid(message)))
}

#[cfg(test)]
mod suite_tests {
    use super::*;

    fn suite(name: &str, command: &[&str]) -> TestSuiteDecl {
        TestSuiteDecl {
            name: name.to_owned(),
            command: command.iter().map(|s| (*s).to_owned()).collect(),
            ..TestSuiteDecl::default()
        }
    }

    #[test]
    fn a_suite_is_added_and_changed_in_place_keeping_comments() {
        let text = "# my project\n[project]\nname = \"x\"\n\n[tests.unit]\n# the fast ones\ncommand = \"make test\" # keep me\ntimeout = 60\n";
        let mut unit = suite("unit", &["cargo", "nextest", "run", "-E", "test(=a b)"]);
        unit.env.insert("RUST_LOG".to_owned(), "warn".to_owned());
        let changed = set_test_suite(text, &unit).expect("set");
        assert!(changed.starts_with("# my project\n"));
        assert!(
            changed.contains(
                "# the fast ones\ncommand = \"cargo nextest run -E 'test(=a b)'\" # keep me\n"
            ),
            "{changed}"
        );
        assert!(!changed.contains("timeout"), "an unset key goes");
        let parsed = crate::parse(&changed).expect("valid");
        assert_eq!(parsed.tests[0].command, unit.command);
        assert_eq!(
            parsed.tests[0].env.get("RUST_LOG").map(String::as_str),
            Some("warn")
        );

        let added = set_test_suite(&changed, &suite("e2e", &["npm", "run", "e2e"])).expect("added");
        assert_eq!(crate::parse(&added).expect("valid").tests.len(), 2);
        let removed = remove_test_suite(&added, "unit").expect("removed");
        assert_eq!(crate::parse(&removed).expect("valid").tests.len(), 1);
    }

    #[test]
    fn a_suite_the_file_would_refuse_is_refused_with_the_file_s_reason() {
        let error = set_test_suite("", &suite("Unit Tests", &["x"])).expect_err("bad name");
        assert!(
            error.to_string().contains("not a valid suite name"),
            "{error}"
        );
        let mut junit = suite("unit", &["make"]);
        junit.format = Some("junit".to_owned());
        let error = set_test_suite("", &junit).expect_err("no report");
        assert!(error.to_string().contains("report"), "{error}");
    }

    #[test]
    fn a_migration_folder_is_adopted_into_the_datasource_s_table() {
        let declared = DatasourceDecl {
            name: "shop-db".to_owned(),
            engine: quantum_kernel::Engine::Postgres,
            version: None,
            image: Some("postgres:16".to_owned()),
            port: Some(5432),
            database: Some("shop".to_owned()),
            volume: None,
            migrations: None,
            migrations_format: None,
        };
        // No table yet: made from the app's datasource, then pointed at the folder.
        let text = set_datasource_migrations(
            "[project]\nname = \"x\"\n",
            &declared,
            "backend/db/migrate",
            Some("dbmate"),
        )
        .expect("adopted");
        assert!(
            text.contains("[datasources.shop-db]\nengine = \"postgres\""),
            "{text}"
        );
        assert!(
            text.contains("migrations = \"backend/db/migrate\"\nmigrations_format = \"dbmate\""),
            "{text}"
        );
        // A table of the user's: only the two keys change, comments stay.
        let text = "[datasources.shop-db]\nengine = \"postgres\" # mine\nmigrations = \"old\"\n";
        let changed =
            set_datasource_migrations(text, &declared, "db/migrations", None).expect("adopted");
        assert_eq!(
            changed,
            "[datasources.shop-db]\nengine = \"postgres\" # mine\nmigrations = \"db/migrations\"\n"
        );
        assert!(set_datasource_migrations(text, &declared, "../elsewhere", None).is_err());
        assert!(set_datasource_migrations(text, &declared, "/abs", None).is_err());
    }
}
