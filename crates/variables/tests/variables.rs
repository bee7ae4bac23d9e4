//! Variables and secrets against the real OS keychain (GNOME Keyring in the test session):
//! values only in the keychain, audited reveals, `.env` import and export.

mod support;

use quantum_kernel::audit::AuditAction;
use quantum_variables::{DotenvImportRequest, Error, RevealPurpose, VariableInput, VariableKind};
use support::*;

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
        quantum_kernel::ErrorInfo::from(error).field.as_deref(),
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
        .dotenv_export_write(f.project.id, "dev", None, export.current.clone(), false)
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
        .is_some_and(|c| c.contains("STRIPE_KEY='••••••'")));
    f.variables
        .dotenv_export_write(f.project.id, "dev", None, again.current, false)
        .await
        .expect("second export against a masked preview");

    // A second export against the preview taken before the first one is refused.
    assert!(matches!(
        f.variables
            .dotenv_export_write(f.project.id, "dev", None, export.current, false)
            .await,
        Err(Error::Kernel(quantum_kernel::Error::EnvFileChanged { .. }))
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
    assert!(
        matches!(
            error,
            Error::Config(quantum_config::Error::ConfigInvalid { .. })
        ),
        "{error}"
    );
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

/// A project's `.env` that is a link out of its folder (a cloned repository can carry one) is
/// written through only with the user's confirmation; the link stays a link.
#[cfg(unix)]
#[tokio::test]
async fn an_export_through_a_link_out_of_the_project_waits_for_the_users_confirmation() {
    let f = fixture("link out").await;
    f.variables
        .set(
            f.project.id,
            VariableInput {
                environment: Some("dev".into()),
                name: "PORT".into(),
                kind: VariableKind::Plain,
                value: "8080".into(),
            },
        )
        .await
        .expect("set");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let outside = elsewhere.path().join("bashrc");
    std::fs::write(&outside, "alias ll='ls -l'\n").expect("write");
    let link = f.folder.path().join(".env");
    std::os::unix::fs::symlink(&outside, &link).expect("link");

    let preview = f
        .variables
        .dotenv_export_preview(f.project.id, "dev", None)
        .await
        .expect("preview");
    let refused = f
        .variables
        .dotenv_export_write(f.project.id, "dev", None, preview.current.clone(), false)
        .await
        .expect_err("unconfirmed");
    assert_eq!(
        quantum_kernel::Coded::code(&refused),
        "files.symlink_outside"
    );
    assert!(refused.to_string().contains("bashrc"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(&outside).expect("read"),
        "alias ll='ls -l'\n"
    );

    f.variables
        .dotenv_export_write(f.project.id, "dev", None, preview.current, true)
        .await
        .expect("confirmed");
    let written = std::fs::read_to_string(&outside).expect("read");
    assert!(
        written.contains("alias ll='ls -l'") && written.contains("PORT=8080"),
        "{written}"
    );
    assert!(std::fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
}

#[tokio::test]
async fn no_secret_is_read_or_written_while_the_database_write_lock_is_held() {
    let f = fixture("write lock").await;
    let accesses = write_lock::watch(&f.t.store, f.variables.secret_store());
    let token = unique_value("lock");
    f.variables
        .set(f.project.id, secret_input("dev", "API_TOKEN", &token))
        .await
        .expect("set");
    f.variables
        .set(
            f.project.id,
            secret_input("dev", "API_TOKEN", &format!("{token}-2")),
        )
        .await
        .expect("overwrite");
    let env = f.folder.path().join("imported.env");
    std::fs::write(&env, format!("STRIPE_KEY={token}-3\nPORT=8080\n")).expect("write");
    f.variables
        .dotenv_import(
            f.project.id,
            DotenvImportRequest {
                path: env.display().to_string(),
                environment: "dev".into(),
                secret_names: vec!["STRIPE_KEY".into()],
            },
        )
        .await
        .expect("import");
    f.variables
        .remove(f.project.id, Some("dev"), "API_TOKEN")
        .await
        .expect("remove");

    let accesses = accesses.lock().expect("accesses");
    assert!(
        accesses.all.len() >= 4,
        "the keychain was used: {:?}",
        accesses.all
    );
    assert_eq!(accesses.under_write_lock, vec![]);
}
