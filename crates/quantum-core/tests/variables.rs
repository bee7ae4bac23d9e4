//! Variables and secrets against the real OS keychain (GNOME Keyring in the test session):
//! values only in the keychain, audited reveals, `.env` import/export, and encrypted bundles that
//! import whole or not at all.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::open;
use quantum_core::audit::{self, AuditAction, AuditPageRequest};
use quantum_core::config::ProjectConfigs;
use quantum_core::projects::{self, Project, ProjectInput};
use quantum_core::secrets::{Secret, SecretStore};
use quantum_core::variables::{
    DotenvImportRequest, RevealPurpose, VariableInput, VariableKind, Variables,
};
use quantum_core::{Error, Store};

struct Fixture {
    t: common::TestStore,
    folder: tempfile::TempDir,
    project: Project,
    variables: Arc<Variables>,
}

async fn fixture(name: &str) -> Fixture {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = projects::create(
        &t.store,
        ProjectInput {
            folder: Some(folder.path().display().to_string()),
            ..common::input(name)
        },
    )
    .await
    .expect("project");
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    let secrets = Arc::new(SecretStore::keychain(t.dir.path()));
    let variables = Variables::new(t.store.clone(), configs, secrets);
    Fixture {
        t,
        folder,
        project,
        variables,
    }
}

/// A value no test shares, so that a hit in a file can only come from this test.
fn unique_value(label: &str) -> String {
    let mut bytes = [0u8; 8];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).expect("random");
    format!(
        "{label}-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn secret_input(environment: &str, name: &str, value: &str) -> VariableInput {
    VariableInput {
        environment: Some(environment.into()),
        name: name.into(),
        kind: VariableKind::Secret,
        value: value.into(),
    }
}

async fn actions(store: &Store) -> Vec<(AuditAction, String, serde_json::Value)> {
    audit::page(
        store,
        &AuditPageRequest {
            limit: 500,
            ..Default::default()
        },
    )
    .await
    .expect("audit")
    .entries
    .into_iter()
    .map(|e| (e.action, e.resource_name, e.details))
    .collect()
}

#[tokio::test]
async fn a_secret_lives_in_the_keychain_only_and_revealing_it_is_audited_by_name() {
    let f = fixture("secrets").await;
    let value = unique_value("tok");
    f.variables
        .add_environment(f.project.id, "dev")
        .await
        .expect("env");
    let set = f
        .variables
        .set(f.project.id, secret_input("dev", "API_TOKEN", &value))
        .await
        .expect("set");
    assert_eq!(set.value, None, "a secret's value is never listed");
    assert!(set.stored);
    assert_eq!(set.fingerprint.as_deref().map(str::len), Some(12));

    let config = std::fs::read_to_string(f.folder.path().join("quantum.toml")).expect("config");
    assert!(config.contains("secrets = [\"API_TOKEN\"]"), "{config}");
    assert!(!config.contains(&value));

    let listed = f.variables.list(f.project.id).await.expect("list");
    assert_eq!(listed.environments, vec!["dev".to_owned()]);
    assert!(listed
        .variables
        .iter()
        .all(|v| v.value.as_deref() != Some(value.as_str())));

    let revealed = f
        .variables
        .reveal(f.project.id, "dev", "API_TOKEN", RevealPurpose::Show)
        .await
        .expect("reveal");
    assert_eq!(revealed.expose(), value);
    let entries = actions(&f.t.store).await;
    let (_, name, details) = entries
        .iter()
        .find(|(a, _, _)| *a == AuditAction::SecretReveal)
        .expect("the reveal is audited");
    assert_eq!(name, "API_TOKEN (dev)");
    assert!(!details.to_string().contains(&value));

    f.variables
        .remove(f.project.id, Some("dev"), "API_TOKEN")
        .await
        .expect("remove");
    assert!(matches!(
        f.variables
            .reveal(f.project.id, "dev", "API_TOKEN", RevealPurpose::Copy)
            .await,
        Err(Error::SecretNotFound { .. })
    ));
    let config = std::fs::read_to_string(f.folder.path().join("quantum.toml")).expect("config");
    assert!(!config.contains("API_TOKEN"), "{config}");
}

#[tokio::test]
async fn equal_values_have_equal_fingerprints_and_a_secret_needs_an_environment() {
    let f = fixture("fingerprints").await;
    let value = unique_value("same");
    let dev = f
        .variables
        .set(f.project.id, secret_input("dev", "DB_PASSWORD", &value))
        .await
        .expect("dev");
    let prod = f
        .variables
        .set(f.project.id, secret_input("prod", "DB_PASSWORD", &value))
        .await
        .expect("prod");
    let other = f
        .variables
        .set(
            f.project.id,
            secret_input("staging", "DB_PASSWORD", &unique_value("other")),
        )
        .await
        .expect("staging");
    assert_eq!(dev.fingerprint, prod.fingerprint);
    assert_ne!(dev.fingerprint, other.fingerprint);

    let error = f
        .variables
        .set(
            f.project.id,
            VariableInput {
                environment: None,
                name: "X".into(),
                kind: VariableKind::Secret,
                value: "v".into(),
            },
        )
        .await
        .expect_err("no environment");
    assert_eq!(
        quantum_core::ErrorInfo::from(error).field.as_deref(),
        Some("environment")
    );
}

#[tokio::test]
async fn plain_variables_are_written_into_the_file_keeping_its_comments() {
    let f = fixture("plain").await;
    let path = f.folder.path().join("quantum.toml");
    std::fs::write(&path, "# Our stack, reviewed by the team.\n[variables]\nLOG_FORMAT = \"json\" # for the collector\n").expect("write");
    f.variables
        .set(
            f.project.id,
            VariableInput {
                environment: Some("dev".into()),
                name: "LOG_LEVEL".into(),
                kind: VariableKind::Plain,
                value: "debug".into(),
            },
        )
        .await
        .expect("set");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.starts_with("# Our stack, reviewed by the team.\n"),
        "{text}"
    );
    assert!(
        text.contains("LOG_FORMAT = \"json\" # for the collector"),
        "{text}"
    );
    assert!(text.contains("LOG_LEVEL = \"debug\""), "{text}");
}

#[tokio::test]
async fn a_dotenv_file_round_trips_through_import_and_export_with_secrets_masked_in_previews() {
    let f = fixture("dotenv").await;
    let token = unique_value("stripe");
    let source = f.folder.path().join("legacy.env");
    std::fs::write(
        &source,
        format!("# old file\nPORT=8080\nSTRIPE_KEY={token}\n"),
    )
    .expect("env");
    let preview = f
        .variables
        .dotenv_import_preview(&source.display().to_string())
        .await
        .expect("preview");
    let stripe = preview
        .iter()
        .find(|e| e.name == "STRIPE_KEY")
        .expect("key");
    assert!(stripe.looks_secret);
    assert!(!stripe.preview.contains(&token));

    let summary = f
        .variables
        .dotenv_import(
            f.project.id,
            DotenvImportRequest {
                path: source.display().to_string(),
                environment: "dev".into(),
                secret_names: vec!["STRIPE_KEY".into()],
            },
        )
        .await
        .expect("import");
    assert_eq!((summary.plain, summary.secrets), (1, 1));
    let config = std::fs::read_to_string(f.folder.path().join("quantum.toml")).expect("config");
    assert!(
        config.contains("PORT = \"8080\"") && !config.contains(&token),
        "{config}"
    );

    let export = f
        .variables
        .dotenv_export_preview(f.project.id, "dev", None)
        .await
        .expect("export preview");
    assert!(export.proposed.contains("STRIPE_KEY=") && !export.proposed.contains(&token));
    f.variables
        .dotenv_export_write(f.project.id, "dev", None, export.current.clone())
        .await
        .expect("export");
    let written = std::fs::read_to_string(f.folder.path().join(".env")).expect(".env");
    assert!(
        written.contains(&format!("STRIPE_KEY={token}")),
        "{written}"
    );
    assert!(written.contains("PORT=8080"), "{written}");
    assert!(actions(&f.t.store)
        .await
        .iter()
        .any(|(a, _, d)| *a == AuditAction::VariablesExport && !d.to_string().contains(&token)));

    // Previewing again: the file now holds the secret, and the preview still does not show it.
    let again = f
        .variables
        .dotenv_export_preview(f.project.id, "dev", None)
        .await
        .expect("second preview");
    let shown = format!("{:?}{}", again.current, again.proposed);
    assert!(!shown.contains(&token), "{shown}");
    assert!(again
        .current
        .as_deref()
        .is_some_and(|c| c.contains("STRIPE_KEY=\"••••••\"")));
    f.variables
        .dotenv_export_write(f.project.id, "dev", None, again.current)
        .await
        .expect("second export against a masked preview");

    // A second export against the preview taken before the first one is refused.
    assert!(matches!(
        f.variables
            .dotenv_export_write(f.project.id, "dev", None, export.current)
            .await,
        Err(Error::EnvFileChanged { .. })
    ));
}

// Linux only: the keychain is searched through Secret Service's `secret-tool`.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_dotenv_import_that_fails_leaves_no_secret_and_no_change_behind() {
    let f = fixture("failed import").await;
    let kept = unique_value("kept");
    f.variables
        .set(f.project.id, secret_input("dev", "KEPT_TOKEN", &kept))
        .await
        .expect("secret");
    assert_eq!(
        keychain_accounts_holding(&kept).len(),
        1,
        "the keychain search finds a stored value"
    );
    let token = unique_value("lost");
    let source = f.folder.path().join("in.env");
    std::fs::write(&source, format!("API_TOKEN={token}\n")).expect("env");
    // The file has a syntax error, so the import cannot edit it.
    let broken = "[variables\nA = 1\n";
    std::fs::write(f.folder.path().join("quantum.toml"), broken).expect("config");
    let error = f
        .variables
        .dotenv_import(
            f.project.id,
            DotenvImportRequest {
                path: source.display().to_string(),
                environment: "dev".into(),
                secret_names: vec!["API_TOKEN".into()],
            },
        )
        .await
        .expect_err("import fails");
    assert!(matches!(error, Error::ConfigInvalid { .. }), "{error}");
    assert_eq!(
        std::fs::read_to_string(f.folder.path().join("quantum.toml")).expect("config"),
        broken
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secrets")
        .fetch_one(f.t.store.pool())
        .await
        .expect("count");
    assert_eq!(rows, 1, "only the secret set before");
    let accounts: Vec<String> = keychain_accounts_holding(&token);
    assert!(
        accounts.is_empty(),
        "the keychain still holds the value under {accounts:?}"
    );
}

/// Accounts of the app's keychain entries whose value is `value`, found through Secret Service.
#[cfg(target_os = "linux")]
fn keychain_accounts_holding(value: &str) -> Vec<String> {
    let output = std::process::Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "service",
            quantum_core::secrets::KEYCHAIN_SERVICE,
        ])
        .output();
    match output {
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr);
            text.lines()
                .filter(|l| l.contains(value))
                .map(str::to_owned)
                .collect()
        }
        Err(error) => panic!("secret-tool (libsecret-tools) is needed by this test: {error}"),
    }
}

#[tokio::test]
async fn a_bundle_imports_whole_and_a_wrong_passphrase_or_a_damaged_file_imports_nothing() {
    let f = fixture("bundled").await;
    let token = unique_value("bundle");
    f.variables
        .set(f.project.id, secret_input("prod", "API_TOKEN", &token))
        .await
        .expect("secret");
    let path = f.folder.path().join("shop.qabundle");
    let passphrase = Secret::new("a long enough passphrase");
    f.variables
        .export_bundle(f.project.id, &path.display().to_string(), &passphrase)
        .await
        .expect("export");
    let bytes = std::fs::read(&path).expect("bundle");
    assert!(!contains(&bytes, token.as_bytes()));

    let projects_before = projects::count(&f.t.store).await.expect("count");
    let wrong = f
        .variables
        .import_bundle(
            &path.display().to_string(),
            &Secret::new("not it"),
            Some("copy".into()),
        )
        .await
        .expect_err("wrong passphrase");
    assert!(matches!(wrong, Error::BundleWrongPassphrase));
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let damaged = f.folder.path().join("damaged.qabundle");
    std::fs::write(&damaged, &flipped).expect("write");
    let error = f
        .variables
        .import_bundle(
            &damaged.display().to_string(),
            &passphrase,
            Some("copy".into()),
        )
        .await
        .expect_err("damaged");
    // AES-GCM cannot tell a changed byte from a wrong passphrase: either is refused as such.
    assert!(matches!(error, Error::BundleWrongPassphrase), "{error}");
    let truncated = f.folder.path().join("truncated.qabundle");
    std::fs::write(&truncated, &bytes[..bytes.len() - 10]).expect("write");
    let error = f
        .variables
        .import_bundle(
            &truncated.display().to_string(),
            &passphrase,
            Some("copy".into()),
        )
        .await
        .expect_err("truncated");
    // AES-GCM cannot tell a changed byte from a wrong passphrase: either is refused as such.
    assert!(matches!(error, Error::BundleWrongPassphrase), "{error}");
    let taken = f
        .variables
        .import_bundle(&path.display().to_string(), &passphrase, None)
        .await
        .expect_err("the name is taken");
    assert!(matches!(taken, Error::ProjectNameTaken { .. }));
    assert_eq!(
        projects::count(&f.t.store).await.expect("count"),
        projects_before
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secrets")
        .fetch_one(f.t.store.pool())
        .await
        .expect("rows");
    assert_eq!(rows, 1, "only the original secret");

    let imported = f
        .variables
        .import_bundle(
            &path.display().to_string(),
            &passphrase,
            Some("bundled copy".into()),
        )
        .await
        .expect("import");
    assert_eq!(imported.name, "bundled copy");
    let value = f
        .variables
        .reveal(imported.id, "prod", "API_TOKEN", RevealPurpose::Show)
        .await
        .expect("reveal");
    assert_eq!(value.expose(), token);
    let listed = f.variables.list(imported.id).await.expect("list");
    assert_eq!(listed.environments, vec!["prod".to_owned()]);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The whole scenario, logged at the most verbose level to a file, then every file the app wrote
/// (SQLite with its WAL, the log, quantum.toml, the bundle, the data dir) is searched for every
/// secret value: none may appear.
#[tokio::test]
async fn after_secrets_config_edits_export_and_import_no_secret_value_is_in_any_file() {
    let f = fixture("grep").await;
    let log_dir = tempfile::tempdir().expect("log dir");
    let log_file = std::fs::File::create(log_dir.path().join("app.log")).expect("log");
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(std::sync::Mutex::new(log_file))
        .with_ansi(false)
        .finish();
    let _log = tracing::subscriber::set_default(subscriber);

    let values: Vec<String> = (0..3).map(|i| unique_value(&format!("grep{i}"))).collect();
    for (i, value) in values.iter().enumerate() {
        f.variables
            .set(
                f.project.id,
                secret_input(["dev", "staging", "prod"][i], "API_TOKEN", value),
            )
            .await
            .expect("secret");
    }
    f.variables
        .set(
            f.project.id,
            VariableInput {
                environment: None,
                name: "LOG_FORMAT".into(),
                kind: VariableKind::Plain,
                value: "json".into(),
            },
        )
        .await
        .expect("plain");
    let bundle = f.folder.path().join("all.qabundle");
    let passphrase = Secret::new("grep scenario passphrase");
    f.variables
        .export_bundle(f.project.id, &bundle.display().to_string(), &passphrase)
        .await
        .expect("export");
    let imported = f
        .variables
        .import_bundle(
            &bundle.display().to_string(),
            &passphrase,
            Some("grep copy".into()),
        )
        .await
        .expect("import");
    for (i, value) in values.iter().enumerate() {
        let revealed = f
            .variables
            .reveal(
                imported.id,
                ["dev", "staging", "prod"][i],
                "API_TOKEN",
                RevealPurpose::Copy,
            )
            .await
            .expect("reveal");
        assert_eq!(revealed.expose(), value);
    }

    let mut files = files_under(f.t.dir.path());
    files.extend(files_under(f.folder.path()));
    files.extend(files_under(log_dir.path()));
    assert!(
        files
            .iter()
            .any(|p| p.ends_with(quantum_core::store::DATABASE_FILE)),
        "{files:?}"
    );
    assert!(files.iter().any(|p| p.ends_with("quantum.toml")));
    assert!(files.iter().any(|p| p.ends_with("all.qabundle")));
    let log_len = std::fs::metadata(log_dir.path().join("app.log"))
        .expect("log")
        .len();
    assert!(log_len > 0, "the scenario was logged");
    for file in &files {
        let bytes = std::fs::read(file).expect("read");
        for value in &values {
            assert!(
                !contains(&bytes, value.as_bytes()),
                "{} holds a secret value",
                file.display()
            );
        }
    }
}
