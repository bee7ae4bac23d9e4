//! `quantum.toml`: diagnostics (kind, exact position, message), the typed model, edits that keep
//! the rest of the file byte-identical, and properties on arbitrary input.

use std::collections::BTreeMap;

use proptest::prelude::*;
use quantum_config::{
    add_secret_reference, parse, remove_datasource, remove_secret_reference, remove_variable,
    set_datasource, set_variable, validate, DatasourceDecl, Diagnostic, EnvironmentDecl,
    ProjectConfig, Severity,
};
use quantum_kernel::Coded;
use quantum_kernel::Engine;

const EXAMPLE: &str = r#"# The shop's stack.
[project]
name = "shop"
description = "The web shop"

[variables]
LOG_FORMAT = "json"

# The main database.
[datasources.main]
engine = "postgres"
version = "16-alpine" # pinned
port = 5432
database = "shop"
volume = "shop-main-data"

[datasources.cache]
engine = "redis"
image = "redis:7-alpine"

[environments.dev]
variables = { LOG_LEVEL = "debug", WORKERS = 4, DEBUG = true, RATIO = 0.5 }
secrets = ["STRIPE_KEY"]

[environments.prod]
secrets = ["STRIPE_KEY", "SENTRY_DSN"]
"#;

fn known() -> Vec<String> {
    vec!["STRIPE_KEY".to_owned(), "SENTRY_DSN".to_owned()]
}

/// The one diagnostic of `text`, as (line, column, end line, end column, severity, code, message).
fn only(text: &str) -> (u32, u32, u32, u32, Severity, String, String) {
    let diagnostics = validate(text, &known());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let Diagnostic {
        line,
        column,
        end_line,
        end_column,
        severity,
        message,
        code,
    } = diagnostics.into_iter().next().expect("one diagnostic");
    (line, column, end_line, end_column, severity, code, message)
}

fn error(
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    code: &str,
    message: &str,
) -> (u32, u32, u32, u32, Severity, String, String) {
    (
        line,
        column,
        end_line,
        end_column,
        Severity::Error,
        code.to_owned(),
        message.to_owned(),
    )
}

fn warning(
    line: u32,
    column: u32,
    end_column: u32,
    code: &str,
    message: &str,
) -> (u32, u32, u32, u32, Severity, String, String) {
    (
        line,
        column,
        line,
        end_column,
        Severity::Warning,
        code.to_owned(),
        message.to_owned(),
    )
}

#[test]
fn the_example_is_clean() {
    assert_eq!(validate(EXAMPLE, &known()), []);
}

#[test]
fn parse_gives_the_typed_model_in_file_order() {
    let config = parse(EXAMPLE).expect("valid");
    let expected = ProjectConfig {
        name: Some("shop".into()),
        description: Some("The web shop".into()),
        datasources: vec![
            DatasourceDecl {
                name: "main".into(),
                engine: Engine::Postgres,
                version: Some("16-alpine".into()),
                image: None,
                port: Some(5432),
                database: Some("shop".into()),
                volume: Some("shop-main-data".into()),
                migrations: None,
                migrations_format: None,
            },
            DatasourceDecl {
                name: "cache".into(),
                engine: Engine::Redis,
                version: None,
                image: Some("redis:7-alpine".into()),
                port: None,
                database: None,
                volume: None,
                migrations: None,
                migrations_format: None,
            },
        ],
        environments: vec![
            EnvironmentDecl {
                name: "dev".into(),
                variables: BTreeMap::from([
                    ("DEBUG".into(), "true".into()),
                    ("LOG_LEVEL".into(), "debug".into()),
                    ("RATIO".into(), "0.5".into()),
                    ("WORKERS".into(), "4".into()),
                ]),
                secrets: vec!["STRIPE_KEY".into()],
            },
            EnvironmentDecl {
                name: "prod".into(),
                variables: BTreeMap::new(),
                secrets: vec!["STRIPE_KEY".into(), "SENTRY_DSN".into()],
            },
        ],
        variables: BTreeMap::from([("LOG_FORMAT".into(), "json".into())]),
        tests: Vec::new(),
        health: Vec::new(),
        deploy: Vec::new(),
    };
    assert_eq!(config, expected);
}

#[test]
fn parse_accepts_inline_and_dotted_forms_and_an_empty_file() {
    let config = parse(
        "[datasources]\nmain.engine = \"mysql\"\ncache = { engine = \"redis\", port = 6380 }\n",
    )
    .expect("valid");
    assert_eq!(config.datasources.len(), 2);
    assert_eq!(config.datasources[0].engine, Engine::Mysql);
    assert_eq!(config.datasources[1].port, Some(6380));
    assert_eq!(parse("").expect("valid"), ProjectConfig::default());
}

#[test]
fn parse_returns_errors_but_not_warnings() {
    assert!(parse("[variables]\nAPI_TOKEN = \"abc\"\n").is_ok());
    let errors =
        parse("[datasources.main]\nengine = \"oracle\"\nport = 0\n").expect_err("rejected");
    let codes: Vec<&str> = errors.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["config.unknown_engine", "config.port_out_of_range"]);
}

#[test]
fn diagnostics_serialize_in_camel_case() {
    let diagnostics = validate("[datasources.main]\nengine = 5\n", &[]);
    let json = serde_json::to_value(&diagnostics[0]).expect("serializable");
    assert_eq!(json["endColumn"], 11);
    assert_eq!(json["severity"], "error");
    assert_eq!(json["code"], "config.wrong_type");
}

#[test]
fn syntax_error() {
    assert_eq!(
        only("[datasources.main\nengine = \"postgres\"\n"),
        error(
            1,
            18,
            1,
            18,
            "config.syntax",
            "Syntax error: unclosed table, expected `]`. Fix the TOML syntax here."
        )
    );
}

#[test]
fn duplicate_datasource_name() {
    assert_eq!(
        only(
            "[datasources.main]\nengine = \"postgres\"\n\n[datasources.main]\nengine = \"redis\"\n"
        ),
        error(
            4,
            14,
            4,
            18,
            "config.duplicate_key",
            "`main` is defined twice here. Names must be unique: rename or remove one."
        )
    );
    assert_eq!(
        only("[datasources.main]\nengine = \"postgres\"\n[datasources.Main]\nengine = \"redis\"\n"),
        error(3, 14, 3, 18, "config.duplicate_name", "Datasource `Main` has the same name as `main` apart from letter case. Rename one of them.")
    );
}

#[test]
fn unknown_key_with_and_without_a_suggestion() {
    let text = "[datasources.main]\nengine = \"postgres\"\nprot = 5432\n";
    assert_eq!(
        only(text),
        error(
            3,
            1,
            3,
            5,
            "config.unknown_key",
            "Unknown key `prot` in datasource `main`. Did you mean `port`?"
        )
    );
    assert_eq!(
        only("colour = \"blue\"\n"),
        error(1, 1, 1, 7, "config.unknown_key", "Unknown key `colour` at the top level. Allowed keys: project, datasources, environments, variables, tests, health, deploy.")
    );
    assert_eq!(
        only("[environments.dev]\nsecret = []\n"),
        error(
            2,
            1,
            2,
            7,
            "config.unknown_key",
            "Unknown key `secret` in environment `dev`. Did you mean `secrets`?"
        )
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        only("[datasources.main]\nengine = \"postgres\"\nport = \"5432\"\n"),
        error(
            3,
            8,
            3,
            14,
            "config.wrong_type",
            "`port` must be an integer from 1 to 65535, not a string."
        )
    );
    assert_eq!(
        only("[environments.dev]\nsecrets = \"STRIPE_KEY\"\n"),
        error(
            2,
            11,
            2,
            23,
            "config.wrong_type",
            "`secrets` must be an array of secret names, such as [\"STRIPE_KEY\"], not a string."
        )
    );
    assert_eq!(
        only("[variables]\nLIST = [1]\n"),
        error(
            2,
            8,
            2,
            11,
            "config.wrong_type",
            "Variable `LIST` must be a string, number or boolean, not an array."
        )
    );
    assert_eq!(
        only("datasources = 3\n"),
        error(1, 15, 1, 16, "config.wrong_type", "`datasources` must hold one table per datasource, such as [datasources.main], not an integer.")
    );
}

#[test]
fn port_out_of_range() {
    assert_eq!(
        only("[datasources.main]\nengine = \"postgres\"\nport = 70000\n"),
        error(
            3,
            8,
            3,
            13,
            "config.port_out_of_range",
            "`port` must be from 1 to 65535, not 70000."
        )
    );
}

#[test]
fn duplicate_port() {
    let text = "[datasources.a1]\nengine = \"postgres\"\nport = 5432\n\n[datasources.b2]\nengine = \"mysql\"\nport = 5432\n";
    assert_eq!(
        only(text),
        error(7, 8, 7, 12, "config.duplicate_port", "Port 5432 is already used by datasource `a1`. Choose another port, or remove `port` to use the next free one.")
    );
}

#[test]
fn invalid_names() {
    assert_eq!(
        only("[datasources.\"-main\"]\nengine = \"postgres\"\n"),
        error(1, 14, 1, 21, "config.invalid_name", "`-main` is not a valid datasource name: use 2 to 63 letters, digits, `_`, `.` or `-`, starting with a letter or digit.")
    );
    assert_eq!(
        only("[environments.Dev]\n"),
        error(1, 15, 1, 18, "config.invalid_name", "`Dev` is not a valid environment name: use lowercase letters, digits, `_` or `-`, starting with a letter (e.g. `dev`, `staging`).")
    );
    assert_eq!(
        only("[variables]\n\"1X\" = \"a\"\n"),
        error(2, 1, 2, 5, "config.invalid_name", "`1X` in the shared variables is not a valid variable name: use letters, digits and `_`, not starting with a digit (e.g. `LOG_LEVEL`).")
    );
}

#[test]
fn invalid_value() {
    assert_eq!(
        only("[datasources.main]\nengine = \"postgres\"\nvolume = \"my volume\"\n"),
        error(3, 10, 3, 21, "config.invalid_value", "`volume` \"my volume\" is not a valid volume name: use 2 to 63 letters, digits, `_`, `.` or `-`, starting with a letter or digit.")
    );
}

#[test]
fn a_datasource_names_its_migrations_folder_and_layout() {
    let text = "[datasources.main]\nengine = \"postgres\"\nmigrations = \"db/migrations\"\nmigrations_format = \"dbmate\"\n";
    assert!(validate(text, &[]).is_empty());
    let config = parse(text).expect("parsed");
    assert_eq!(
        config.datasources[0].migrations.as_deref(),
        Some("db/migrations")
    );
    assert_eq!(
        config.datasources[0].migrations_format.as_deref(),
        Some("dbmate")
    );
    assert_eq!(
        only("[datasources.main]\nengine = \"postgres\"\nmigrations = \"../elsewhere\"\n"),
        error(3, 14, 3, 28, "config.invalid_value", "`migrations` \"../elsewhere\" is not a folder inside the project: give a relative path such as \"db/migrations\", without `..`.")
    );
    assert_eq!(
        only("[datasources.main]\nengine = \"postgres\"\nmigrations_format = \"flyway\"\n"),
        error(3, 21, 3, 29, "config.invalid_value", "`migrations_format` \"flyway\" is not a migration layout: use sqlx, dbmate, golang-migrate.")
    );
}

#[test]
fn version_and_image() {
    let text =
        "[datasources.main]\nengine = \"postgres\"\nversion = \"16\"\nimage = \"postgres:16\"\n";
    assert_eq!(
        only(text),
        error(4, 1, 4, 6, "config.version_and_image", "Datasource `main` sets both `version` and `image`. Keep one: `image` already includes the tag.")
    );
}

#[test]
fn unknown_engine() {
    assert_eq!(
        only("[datasources.main]\nengine = \"postgress\"\n"),
        error(
            2,
            10,
            2,
            21,
            "config.unknown_engine",
            "Unknown engine `postgress`. Did you mean `postgres`?"
        )
    );
    assert_eq!(
        only("[datasources.main]\nengine = \"oracle\"\n"),
        error(
            2,
            10,
            2,
            18,
            "config.unknown_engine",
            "Unknown engine `oracle`. Use one of: postgres, mysql, mariadb, mongodb, redis."
        )
    );
}

#[test]
fn missing_engine() {
    assert_eq!(
        only("[datasources.main]\nport = 5432\n"),
        error(1, 14, 1, 18, "config.missing_engine", "Datasource `main` has no `engine`. Add `engine = \"postgres\"` (or mysql, mariadb, mongodb, redis).")
    );
}

#[test]
fn unknown_secret_is_a_warning() {
    assert_eq!(
        only("[environments.dev]\nsecrets = [\"STRIPE_KEY\", \"GITHUB_TOKEN\"]\n"),
        warning(2, 26, 40, "config.unknown_secret", "Secret `GITHUB_TOKEN` is not in the keychain on this machine. Set its value in the project's secrets before using this environment.")
    );
}

#[test]
fn duplicate_secret_is_a_warning() {
    assert_eq!(
        only("[environments.dev]\nsecrets = [\"STRIPE_KEY\", \"STRIPE_KEY\"]\n"),
        warning(
            2,
            26,
            38,
            "config.duplicate_secret",
            "Secret `STRIPE_KEY` is listed twice. Remove one."
        )
    );
}

#[test]
fn secret_value_in_a_variable_is_a_warning() {
    assert_eq!(
        only("[environments.dev]\nvariables = { DB_PASSWORD = \"hunter2\" }\n"),
        warning(2, 29, 38, "config.secret_in_variable", "`DB_PASSWORD` looks like a secret, and this file is shared. Move it to secrets: store its value in the keychain and list \"DB_PASSWORD\" in the environment's `secrets`.")
    );
    // An empty value is a placeholder, not a leak.
    assert_eq!(validate("[variables]\nAPI_KEY = \"\"\n", &[]), []);
}

#[test]
fn columns_count_utf16_units() {
    // "é" is one unit and "😀" two, as in Monaco.
    let text = "[project]\ndescription = \"é😀\"\nnme = 1\n";
    assert_eq!(
        only(text),
        error(
            3,
            1,
            3,
            4,
            "config.unknown_key",
            "Unknown key `nme` in [project]. Did you mean `name`?"
        )
    );
    let diagnostics = validate("[variables]\nX = [\"é😀\"]\n", &[]);
    assert_eq!((diagnostics[0].column, diagnostics[0].end_column), (5, 12));
}

// --- edits --------------------------------------------------------------------------------------

const EDITABLE: &str = r#"# Shop stack.
[project]
name = "shop" # shown in the sidebar

# Main database.
[datasources.main]
engine = "postgres"   # keep in sync with prod
port = 5432 # dev port
volume = "shop-data"

[environments.dev]
variables = { LOG_LEVEL = "debug" }
secrets = ["STRIPE_KEY"]

[variables]
# Shared by all.
LOG_FORMAT = "json"
"#;

fn main_db() -> DatasourceDecl {
    DatasourceDecl {
        name: "main".into(),
        engine: Engine::Postgres,
        version: Some("16-alpine".into()),
        image: None,
        port: Some(5433),
        database: None,
        volume: Some("shop-data".into()),
        migrations: None,
        migrations_format: None,
    }
}

#[test]
fn set_datasource_updates_in_place() {
    let edited = set_datasource(EDITABLE, &main_db()).expect("edited");
    let expected = EDITABLE.replace(
        "port = 5432 # dev port\nvolume = \"shop-data\"\n",
        "port = 5433 # dev port\nvolume = \"shop-data\"\nversion = \"16-alpine\"\n",
    );
    assert_eq!(edited, expected);

    let without_volume = DatasourceDecl {
        volume: None,
        ..main_db()
    };
    let edited = set_datasource(&edited, &without_volume).expect("edited");
    assert_eq!(edited, expected.replace("volume = \"shop-data\"\n", ""));
}

#[test]
fn set_datasource_appends_a_new_table() {
    let cache = DatasourceDecl {
        name: "cache".into(),
        engine: Engine::Redis,
        version: None,
        image: None,
        port: Some(6379),
        database: None,
        volume: None,
        migrations: None,
        migrations_format: None,
    };
    let edited = set_datasource(EDITABLE, &cache).expect("edited");
    // After its siblings, not at the end of the file.
    assert_eq!(
        edited,
        EDITABLE.replace(
            "\n[environments.dev]",
            "\n[datasources.cache]\nengine = \"redis\"\nport = 6379\n\n[environments.dev]"
        )
    );
    assert!(parse(&edited).is_ok());
    // Into an empty file, without an empty [datasources] header.
    assert_eq!(
        set_datasource("", &cache).expect("edited"),
        "[datasources.cache]\nengine = \"redis\"\nport = 6379\n"
    );
}

#[test]
fn set_datasource_refuses_invalid_declarations_and_broken_files() {
    let both = DatasourceDecl {
        image: Some("postgres:16".into()),
        ..main_db()
    };
    let error = set_datasource(EDITABLE, &both).expect_err("rejected");
    assert_eq!(error.code(), "config.invalid");
    let bad_name = DatasourceDecl {
        name: "x".into(),
        ..main_db()
    };
    assert!(set_datasource(EDITABLE, &bad_name).is_err());
    let error = set_datasource("[datasources.main\n", &main_db()).expect_err("rejected");
    assert_eq!(
        error.to_string(),
        "quantum.toml cannot be changed: it has a syntax error at line 1, column 18 (unclosed table, expected `]`). Fix it first."
    );
}

#[test]
fn remove_datasource_takes_its_comments_and_leaves_the_rest() {
    let edited = remove_datasource(EDITABLE, "main").expect("edited");
    assert_eq!(
        edited,
        EDITABLE.replace(
            "# Main database.\n[datasources.main]\nengine = \"postgres\"   # keep in sync with prod\nport = 5432 # dev port\nvolume = \"shop-data\"\n\n",
            ""
        )
    );
    assert_eq!(
        remove_datasource(EDITABLE, "nope").expect("unchanged"),
        EDITABLE
    );
}

#[test]
fn set_variable_in_an_environment_and_shared() {
    let edited = set_variable(EDITABLE, Some("dev"), "WORKERS", "4").expect("edited");
    assert_eq!(
        edited,
        EDITABLE.replace(
            "{ LOG_LEVEL = \"debug\" }",
            "{ LOG_LEVEL = \"debug\", WORKERS = \"4\" }"
        )
    );
    let edited = set_variable(EDITABLE, Some("dev"), "LOG_LEVEL", "info").expect("edited");
    assert_eq!(edited, EDITABLE.replace("\"debug\"", "\"info\""));

    let edited = set_variable(EDITABLE, None, "LOG_FORMAT", "text").expect("edited");
    assert_eq!(edited, EDITABLE.replace("\"json\"", "\"text\""));
    let edited = set_variable(EDITABLE, None, "REGION", "eu").expect("edited");
    assert_eq!(edited, format!("{EDITABLE}REGION = \"eu\"\n"));

    let edited = set_variable(EDITABLE, Some("prod"), "LOG_LEVEL", "warn").expect("edited");
    assert_eq!(
        edited,
        EDITABLE.replace(
            "\n[variables]",
            "\n[environments.prod]\nvariables = { LOG_LEVEL = \"warn\" }\n\n[variables]"
        )
    );
    assert!(parse(&edited).is_ok());
    assert!(set_variable(EDITABLE, None, "NOT-VALID", "x").is_err());
    assert!(set_variable(EDITABLE, Some("Prod"), "X", "x").is_err());
}

#[test]
fn remove_variable_leaves_the_rest() {
    let edited = remove_variable(EDITABLE, Some("dev"), "LOG_LEVEL").expect("edited");
    assert_eq!(edited, EDITABLE.replace("{ LOG_LEVEL = \"debug\" }", "{}"));
    let two = set_variable(EDITABLE, Some("dev"), "WORKERS", "4").expect("edited");
    for (name, left) in [
        ("LOG_LEVEL", "{ WORKERS = \"4\" }"),
        ("WORKERS", "{ LOG_LEVEL = \"debug\" }"),
    ] {
        let edited = remove_variable(&two, Some("dev"), name).expect("edited");
        assert_eq!(edited, EDITABLE.replace("{ LOG_LEVEL = \"debug\" }", left));
    }
    let edited = remove_variable(EDITABLE, None, "LOG_FORMAT").expect("edited");
    assert_eq!(
        edited,
        EDITABLE.replace("# Shared by all.\nLOG_FORMAT = \"json\"\n", "")
    );
    assert_eq!(
        remove_variable(EDITABLE, Some("qa"), "X").expect("unchanged"),
        EDITABLE
    );
}

#[test]
fn secret_references_are_added_once_and_removed() {
    let edited = add_secret_reference(EDITABLE, "dev", "SENTRY_DSN").expect("edited");
    let expected = EDITABLE.replace("[\"STRIPE_KEY\"]", "[\"STRIPE_KEY\", \"SENTRY_DSN\"]");
    assert_eq!(edited, expected);
    assert_eq!(
        add_secret_reference(&edited, "dev", "SENTRY_DSN").expect("same"),
        expected
    );

    let edited = remove_secret_reference(&edited, "dev", "STRIPE_KEY").expect("edited");
    assert_eq!(
        edited,
        EDITABLE.replace("[\"STRIPE_KEY\"]", "[\"SENTRY_DSN\"]")
    );

    let edited = add_secret_reference(EDITABLE, "prod", "STRIPE_KEY").expect("edited");
    assert_eq!(
        edited,
        EDITABLE.replace(
            "\n[variables]",
            "\n[environments.prod]\nsecrets = [\"STRIPE_KEY\"]\n\n[variables]"
        )
    );
    let edited = remove_secret_reference(&expected, "dev", "SENTRY_DSN").expect("edited");
    assert_eq!(edited, EDITABLE);
    assert!(add_secret_reference(EDITABLE, "dev", "not a name").is_err());
}

// --- properties ---------------------------------------------------------------------------------

/// A valid document with one random edit: a char inserted, removed or replaced.
fn mutated_example() -> impl Strategy<Value = String> {
    (0..EXAMPLE.len(), 0u8..3, any::<char>()).prop_map(|(at, how, c)| {
        let mut text = EXAMPLE.to_owned();
        let at = (0..=at)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        match how {
            0 => text.insert(at, c),
            1 => {
                text.remove(at);
            }
            _ => {
                text.remove(at);
                text.insert(at, c);
            }
        }
        text
    })
}

fn check_positions(text: &str, diagnostics: &[Diagnostic]) {
    let lines = u32::try_from(text.split('\n').count()).expect("few lines");
    for d in diagnostics {
        assert!(d.line >= 1 && d.column >= 1 && d.line <= lines, "{d:?}");
        assert!((d.end_line, d.end_column) >= (d.line, d.column), "{d:?}");
        assert!(!d.message.is_empty() && d.code.starts_with("config."));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn validate_and_parse_never_panic_on_arbitrary_text(text in any::<String>()) {
        check_positions(&text, &validate(&text, &known()));
        let _ = parse(&text);
    }

    #[test]
    fn validate_and_parse_never_panic_on_toml_like_text(
        text in "[\\[\\]{}=,.\"' \n#a-zA-Z0-9_-]{0,120}",
    ) {
        check_positions(&text, &validate(&text, &known()));
        let _ = parse(&text);
    }

    #[test]
    fn validate_and_parse_never_panic_on_mutated_documents(text in mutated_example()) {
        check_positions(&text, &validate(&text, &known()));
        if let Err(errors) = parse(&text) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|d| d.severity == Severity::Error));
        }
    }
}
