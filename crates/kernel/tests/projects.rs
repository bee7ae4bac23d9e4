mod common;

use common::{input, open};
use quantum_kernel::audit::{self, AuditAction, AuditFilter, AuditPageRequest};
use quantum_kernel::projects::{self, ProjectInput};
use quantum_kernel::{ErrorInfo, Store};

async fn all_entries(store: &Store) -> Vec<audit::AuditEntry> {
    audit::page(
        store,
        &AuditPageRequest {
            limit: 500,
            ..Default::default()
        },
    )
    .await
    .expect("audit page")
    .entries
}

fn code(error: quantum_kernel::Error) -> String {
    ErrorInfo::from(error).code
}

#[tokio::test]
async fn a_created_project_is_listed_and_audited() {
    let t = open().await;
    let folder = t.dir.path().to_string_lossy().into_owned();
    let created = projects::create(
        &t.store,
        ProjectInput {
            name: "  Shop API ".into(),
            description: "Orders and payments".into(),
            folder: Some(folder.clone()),
        },
    )
    .await
    .expect("created");
    assert_eq!(created.name, "Shop API", "names are trimmed");
    assert_eq!(created.folder.as_deref(), Some(folder.as_str()));
    assert!(created.created_at.ends_with('Z'));

    let listed = projects::list(&t.store).await.expect("list");
    assert_eq!(listed, vec![created.clone()]);

    let entries = all_entries(&t.store).await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.action, AuditAction::ProjectCreate);
    assert_eq!(entry.resource_id, Some(created.id));
    assert_eq!(entry.resource_name, "Shop API");
    assert_eq!(entry.details["description"], "Orders and payments");
}

#[tokio::test]
async fn a_duplicate_name_is_refused_whatever_its_case_and_writes_nothing() {
    let t = open().await;
    projects::create(&t.store, input("shop"))
        .await
        .expect("first");
    let error = projects::create(&t.store, input("SHOP"))
        .await
        .expect_err("duplicate");
    let info = ErrorInfo::from(error);
    assert_eq!(info.code, "project.name_taken");
    assert_eq!(info.field.as_deref(), Some("name"));
    assert!(info.message.contains("SHOP"), "{}", info.message);
    assert_eq!(projects::count(&t.store).await.expect("count"), 1);
    assert_eq!(all_entries(&t.store).await.len(), 1);
}

#[tokio::test]
async fn bad_names_say_what_to_fix() {
    let t = open().await;
    for (name, hint) in [
        ("", "Enter a name"),
        ("   ", "Enter a name"),
        ("-shop", "Start the name"),
        ("shop/api", "Remove “/”"),
        (&"x".repeat(65), "65 characters"),
    ] {
        let info = ErrorInfo::from(
            projects::create(&t.store, input(name))
                .await
                .expect_err(name),
        );
        assert_eq!(info.code, "validation.invalid_name", "{name}");
        assert_eq!(info.field.as_deref(), Some("name"));
        assert!(info.message.contains(hint), "{name}: {}", info.message);
    }
    projects::create(&t.store, input("Shop 2.0_beta-1"))
        .await
        .expect("valid name");
}

#[tokio::test]
async fn the_folder_must_be_an_existing_directory_given_in_full() {
    let t = open().await;
    let with_folder = |folder: &str| ProjectInput {
        name: "shop".into(),
        folder: Some(folder.into()),
        ..Default::default()
    };
    let missing = t.dir.path().join("nope").to_string_lossy().into_owned();
    let error = projects::create(&t.store, with_folder(&missing))
        .await
        .expect_err("missing");
    assert_eq!(code(error), "validation.folder_not_found");

    let file = t.dir.path().join("file.txt");
    std::fs::write(&file, "x").expect("write file");
    let error = projects::create(&t.store, with_folder(&file.to_string_lossy()))
        .await
        .expect_err("file");
    assert_eq!(code(error), "validation.invalid_folder");

    let error = projects::create(&t.store, with_folder("relative/path"))
        .await
        .expect_err("relative");
    assert_eq!(code(error), "validation.invalid_folder");

    let project = projects::create(&t.store, with_folder("  "))
        .await
        .expect("blank is none");
    assert_eq!(project.folder, None);
}

#[tokio::test]
async fn a_rename_is_audited_with_old_and_new_values() {
    let t = open().await;
    let project = projects::create(&t.store, input("shop"))
        .await
        .expect("created");
    let renamed = projects::update(&t.store, project.id, input("storefront"))
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "storefront");
    assert!(renamed.updated_at >= project.updated_at);

    let entries = all_entries(&t.store).await;
    assert_eq!(
        entries[0].action,
        AuditAction::ProjectUpdate,
        "newest first"
    );
    assert_eq!(entries[0].details["name"]["old"], "shop");
    assert_eq!(entries[0].details["name"]["new"], "storefront");
    assert!(
        entries[0].details.get("description").is_none(),
        "only what changed"
    );
    assert_eq!(entries[1].action, AuditAction::ProjectCreate);
}

#[tokio::test]
async fn an_edit_that_changes_nothing_writes_nothing() {
    let t = open().await;
    let project = projects::create(&t.store, input("shop"))
        .await
        .expect("created");
    let same = projects::update(&t.store, project.id, input(" shop "))
        .await
        .expect("no-op");
    assert_eq!(same, project);
    assert_eq!(all_entries(&t.store).await.len(), 1);
}

#[tokio::test]
async fn renaming_onto_a_taken_name_keeps_the_original() {
    let t = open().await;
    projects::create(&t.store, input("shop"))
        .await
        .expect("shop");
    let blog = projects::create(&t.store, input("blog"))
        .await
        .expect("blog");
    let error = projects::update(&t.store, blog.id, input("Shop"))
        .await
        .expect_err("taken");
    assert_eq!(code(error), "project.name_taken");
    assert_eq!(
        projects::get(&t.store, blog.id).await.expect("get").name,
        "blog"
    );
}

#[tokio::test]
async fn delete_removes_the_project_and_keeps_its_history() {
    let t = open().await;
    let project = projects::create(&t.store, input("shop"))
        .await
        .expect("created");
    projects::delete(&t.store, project.id)
        .await
        .expect("deleted");
    assert!(projects::list(&t.store).await.expect("list").is_empty());
    let error = projects::get(&t.store, project.id).await.expect_err("gone");
    assert_eq!(code(error), "project.not_found");

    let history = audit::page(
        &t.store,
        &AuditPageRequest {
            filter: AuditFilter {
                project_id: Some(project.id),
                ..Default::default()
            },
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .expect("history");
    let actions: Vec<_> = history.entries.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [AuditAction::ProjectDelete, AuditAction::ProjectCreate]
    );
    assert_eq!(history.entries[0].resource_name, "shop");

    let error = projects::delete(&t.store, project.id)
        .await
        .expect_err("twice");
    assert_eq!(code(error), "project.not_found");
}

#[tokio::test]
async fn a_project_with_databases_is_not_deleted() {
    let t = open().await;
    let project = projects::create(&t.store, input("shop"))
        .await
        .expect("created");
    for (name, port) in [("shop-postgres-1", 5432), ("shop-redis-1", 6379)] {
        sqlx::query(
            "INSERT INTO datasources (project_id, name, engine, image, host_port, database_name, username,
                 keychain_account, volume_name)
             VALUES (?, ?, 'postgres', 'postgres:16-alpine', ?, 'shop', 'app', 'account', 'volume')",
        )
        .bind(project.id)
        .bind(name)
        .bind(port)
        .execute(t.store.pool())
        .await
        .expect("datasource row");
    }

    let info = ErrorInfo::from(
        projects::delete(&t.store, project.id)
            .await
            .expect_err("refused"),
    );
    assert_eq!(info.code, "project.has_resources");
    assert!(info.message.contains("2 databases"), "{}", info.message);
    assert_eq!(projects::count(&t.store).await.expect("count"), 1);
    assert_eq!(all_entries(&t.store).await.len(), 1, "no delete entry");
}

#[tokio::test]
async fn a_failed_audit_write_rolls_the_change_back() {
    let t = open().await;
    let project = projects::create(&t.store, input("shop"))
        .await
        .expect("created");
    sqlx::query("DROP TABLE audit_log")
        .execute(t.store.pool())
        .await
        .expect("drop audit log");

    let error = projects::update(&t.store, project.id, input("storefront"))
        .await
        .expect_err("no log");
    assert_eq!(code(error), "store.unavailable");
    assert_eq!(
        projects::get(&t.store, project.id).await.expect("get").name,
        "shop"
    );
    projects::create(&t.store, input("blog"))
        .await
        .expect_err("no log");
    assert_eq!(projects::count(&t.store).await.expect("count"), 1);
}

#[tokio::test]
async fn committed_changes_are_announced() {
    let t = open().await;
    let mut changes = t.store.subscribe();
    let project = projects::create(&t.store, input("shop"))
        .await
        .expect("created");
    let change = changes.recv().await.expect("announced");
    assert_eq!(change.action, AuditAction::ProjectCreate);
    assert_eq!(change.resource_id, project.id);

    projects::create(&t.store, input("SHOP"))
        .await
        .expect_err("duplicate");
    projects::delete(&t.store, project.id)
        .await
        .expect("deleted");
    let change = changes.recv().await.expect("announced");
    assert_eq!(
        change.action,
        AuditAction::ProjectDelete,
        "a refused change announces nothing"
    );
}

#[tokio::test]
async fn the_store_reopens_with_its_data_and_settings() {
    let t = open().await;
    projects::create(&t.store, input("shop"))
        .await
        .expect("created");
    t.store.close().await;
    let reopened = Store::open_in(t.dir.path()).await.expect("reopens");
    assert_eq!(projects::count(&reopened).await.expect("count"), 1);
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(reopened.pool())
        .await
        .expect("pragma");
    assert_eq!(journal, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(reopened.pool())
        .await
        .expect("pragma");
    assert_eq!(foreign_keys, 1);
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused_and_an_upgrade_backs_up_first() {
    let t = open().await;
    let path = t.store.path().to_path_buf();
    t.store.close().await;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
    let mut connection = sqlx::ConnectOptions::connect(&options)
        .await
        .expect("connect");
    // As an older version left it: its newest migration not applied yet.
    let newest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut connection)
        .await
        .expect("newest");
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = ?")
        .bind(newest)
        .execute(&mut connection)
        .await
        .expect("older schema");
    // The newest migration creates its table when missing (CREATE TABLE IF NOT EXISTS): run
    // again, it leaves the same table.
    sqlx::Connection::close(connection).await.expect("close");
    let upgraded = Store::open(&path).await.expect("the upgrade runs");
    let previous: i64 =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE version < ?")
            .bind(newest)
            .fetch_one(upgraded.pool())
            .await
            .expect("previous");
    let backup = quantum_kernel::store::backup_path(&path, previous);
    assert!(backup.is_file(), "no copy at {}", backup.display());

    // A newer version then migrated it further: this one refuses it, saying what to do.
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (99991231000000, 'from the future', 1, x'00', 0)")
        .execute(upgraded.pool())
        .await
        .expect("future migration");
    upgraded.close().await;
    let error = Store::open(&path).await.expect_err("refused");
    let info = ErrorInfo::from(error);
    assert_eq!(info.code, "store.schema_too_new");
    assert!(info.message.contains("newer version"), "{}", info.message);
}
