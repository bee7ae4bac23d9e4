//! Encrypted bundles against the real OS keychain: a project imports whole or not at all, and no
//! secret's value lands in any file the app writes.

#[path = "../../variables/tests/support/mod.rs"]
mod support;

use quantum_bundle::Error;
use quantum_kernel::projects;
use quantum_secrets::Secret;
use quantum_variables::{RevealPurpose, VariableInput, VariableKind};
use support::*;

/// The logging test reads its own log file: a test running beside it in this process can leave
/// tracing's per-callsite interest cached as "nobody listens" while its thread-local subscriber is
/// set, and its log stays empty. These tests take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn a_bundle_imports_whole_and_a_wrong_passphrase_or_a_damaged_file_imports_nothing() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let f = fixture("bundled").await;
    let token = unique_value("bundle");
    f.variables
        .set(f.project.id, secret_input("prod", "API_TOKEN", &token))
        .await
        .expect("secret");
    let path = f.folder.path().join("shop.qabundle");
    let passphrase = Secret::new("a long enough passphrase");
    quantum_bundle::export(
        &f.variables,
        f.project.id,
        &path.display().to_string(),
        &passphrase,
    )
    .await
    .expect("export");
    let bytes = std::fs::read(&path).expect("bundle");
    assert!(!contains(&bytes, token.as_bytes()));

    let projects_before = projects::count(&f.t.store).await.expect("count");
    let wrong = quantum_bundle::import(
        &f.variables,
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
    let error = quantum_bundle::import(
        &f.variables,
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
    let error = quantum_bundle::import(
        &f.variables,
        &truncated.display().to_string(),
        &passphrase,
        Some("copy".into()),
    )
    .await
    .expect_err("truncated");
    // AES-GCM cannot tell a changed byte from a wrong passphrase: either is refused as such.
    assert!(matches!(error, Error::BundleWrongPassphrase), "{error}");
    let taken =
        quantum_bundle::import(&f.variables, &path.display().to_string(), &passphrase, None)
            .await
            .expect_err("the name is taken");
    assert!(matches!(
        taken,
        Error::Kernel(quantum_kernel::Error::ProjectNameTaken { .. })
    ));
    assert_eq!(
        projects::count(&f.t.store).await.expect("count"),
        projects_before
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secrets")
        .fetch_one(f.t.store.pool())
        .await
        .expect("rows");
    assert_eq!(rows, 1, "only the original secret");

    let imported = quantum_bundle::import(
        &f.variables,
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

/// The whole scenario, logged at the most verbose level to a file, then every file the app wrote
/// (SQLite with its WAL, the log, quantum.toml, the bundle, the data dir) is searched for every
/// secret value: none may appear.
#[tokio::test]
async fn after_secrets_config_edits_export_and_import_no_secret_value_is_in_any_file() {
    let _turn = ONE_AT_A_TIME.lock().await;
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
    quantum_bundle::export(
        &f.variables,
        f.project.id,
        &bundle.display().to_string(),
        &passphrase,
    )
    .await
    .expect("export");
    let imported = quantum_bundle::import(
        &f.variables,
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
            .any(|p| p.ends_with(quantum_kernel::store::DATABASE_FILE)),
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

#[tokio::test]
async fn a_bundle_import_stores_its_secrets_outside_the_database_write_lock() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let f = fixture("bundle lock").await;
    let token = unique_value("bundle-lock");
    f.variables
        .set(f.project.id, secret_input("prod", "API_TOKEN", &token))
        .await
        .expect("secret");
    let path = f.folder.path().join("lock.qabundle");
    let passphrase = Secret::new("a long enough passphrase");
    quantum_bundle::export(
        &f.variables,
        f.project.id,
        &path.display().to_string(),
        &passphrase,
    )
    .await
    .expect("export");

    let other = fixture("bundle lock target").await;
    let accesses = write_lock::watch(&other.t.store, other.variables.secret_store());
    quantum_bundle::import(
        &other.variables,
        &path.display().to_string(),
        &passphrase,
        None,
    )
    .await
    .expect("import");
    let accesses = accesses.lock().expect("accesses");
    assert!(!accesses.all.is_empty(), "the keychain was used");
    assert_eq!(accesses.under_write_lock, vec![]);
}
