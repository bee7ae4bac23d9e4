//! quantum.toml and the app in step: saves with history, conflicts, restores, and changes made on
//! disk by another program, noticed by the watcher.

#[path = "../../kernel/tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::open;
use quantum_config::Error;
use quantum_config::{ConfigLocation, ConfigSource, ProjectConfigs};
use quantum_kernel::audit::ResourceType;
use quantum_kernel::projects::{self, Project, ProjectInput};
use quantum_kernel::Store;
use tokio::sync::broadcast;

async fn project_with_folder(store: &Store, folder: &std::path::Path) -> Project {
    projects::create(
        store,
        ProjectInput {
            name: "shop".into(),
            description: "The web shop".into(),
            folder: Some(folder.display().to_string()),
        },
    )
    .await
    .expect("project")
}

/// Waits for the app to announce a change of the project's config, with a deadline.
async fn config_changed(
    changes: &mut broadcast::Receiver<quantum_kernel::events::Change>,
    project_id: i64,
) {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let change = changes.recv().await.expect("changes");
            if change.resource_type == ResourceType::Config && change.resource_id == project_id {
                return;
            }
        }
    })
    .await
    .expect("the config change was announced within 10 s");
}

#[tokio::test]
async fn saving_writes_the_file_keeps_history_and_refuses_to_overwrite_a_change_made_on_disk() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = project_with_folder(&t.store, folder.path()).await;
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());

    let document = configs.get(project.id).await.expect("get");
    assert!(!document.exists, "no file yet");
    assert_eq!(document.location, ConfigLocation::ProjectFolder);
    assert!(
        document.text.contains("name = \"shop\""),
        "{}",
        document.text
    );
    assert!(
        !folder.path().join("quantum.toml").exists(),
        "reading creates nothing"
    );

    let text = "# our stack\n[project]\nname = \"shop\"\n\n[variables]\nLOG_FORMAT = \"json\"\n";
    let saved = configs
        .save(project.id, text, Some(&document.content_hash), false)
        .await
        .expect("save");
    assert!(saved.exists);
    let path = folder.path().join("quantum.toml");
    assert_eq!(std::fs::read_to_string(&path).expect("file"), text);

    std::fs::write(&path, "[project]\nname = \"edited elsewhere\"\n").expect("external edit");
    let error = configs
        .save(
            project.id,
            "[project]\nname = \"mine\"\n",
            Some(&saved.content_hash),
            false,
        )
        .await
        .expect_err("stale");
    assert!(
        matches!(error, Error::ConfigChangedOnDisk { .. }),
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("file"),
        "[project]\nname = \"edited elsewhere\"\n",
        "the other program's change is kept"
    );

    let history = configs.history(project.id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].source, ConfigSource::App);
    assert_eq!(
        configs.version_text(history[0].id).await.expect("text"),
        text
    );
}

#[tokio::test]
async fn text_with_errors_is_not_saved_and_the_file_stays_as_it_was() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = project_with_folder(&t.store, folder.path()).await;
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    configs
        .save(project.id, "[project]\nname = \"shop\"\n", None, false)
        .await
        .expect("save");
    let error = configs
        .save(
            project.id,
            "[datasources.main]\nengnie = \"postgres\"\n",
            None,
            false,
        )
        .await
        .expect_err("invalid");
    assert!(
        error.to_string().contains("2 errors") && error.to_string().contains("engine"),
        "says where and what: {error}"
    );
    assert_eq!(
        std::fs::read_to_string(folder.path().join("quantum.toml")).expect("file"),
        "[project]\nname = \"shop\"\n"
    );
    assert_eq!(configs.history(project.id).await.expect("history").len(), 1);
}

#[tokio::test]
async fn restoring_writes_an_old_version_back_as_a_new_version() {
    let t = open().await;
    let project = projects::create(&t.store, common::input("no folder"))
        .await
        .expect("project");
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    let first = "[variables]\nA = \"1\"\n";
    configs
        .save(project.id, first, None, false)
        .await
        .expect("first");
    configs
        .save(project.id, "[variables]\nA = \"2\"\n", None, false)
        .await
        .expect("second");
    let history = configs.history(project.id).await.expect("history");
    let oldest = history.last().expect("oldest").id;
    let restored = configs
        .restore(project.id, oldest, false)
        .await
        .expect("restore");
    assert!(restored.pending_datasources.is_empty());
    assert_eq!(restored.text, first);
    assert_eq!(restored.location, ConfigLocation::DataDir);
    let history = configs.history(project.id).await.expect("history");
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].source, ConfigSource::Restore);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_on_disk_is_noticed_and_recorded_and_one_with_errors_is_shown_not_applied() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = project_with_folder(&t.store, folder.path()).await;
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    let mut changes = t.store.subscribe();
    let watcher = tokio::spawn(Arc::clone(&configs).watch());
    let path = folder.path().join("quantum.toml");

    // Another program (an editor, `git checkout`) writes the file: a temporary file renamed over it.
    let valid =
        "[project]\nname = \"shop\"\n\n[environments.dev]\nvariables = { LOG_LEVEL = \"debug\" }\n";
    let temporary = folder.path().join(".quantum.toml.swp");
    std::fs::write(&temporary, valid).expect("write");
    std::fs::rename(&temporary, &path).expect("rename");
    config_changed(&mut changes, project.id).await;
    let history = configs.history(project.id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].source, ConfigSource::Disk);

    std::fs::write(&path, "[environments.dev]\nvariables = 3\n").expect("write invalid");
    config_changed(&mut changes, project.id).await;
    let document = configs.get(project.id).await.expect("get");
    assert!(
        document.diagnostics.iter().any(|d| d.line == 2),
        "the file's error is shown: {:?}",
        document.diagnostics
    );
    assert_eq!(
        configs.history(project.id).await.expect("history").len(),
        1,
        "a file with errors is not recorded as a version"
    );
    watcher.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_changed_while_the_app_was_closed_is_taken_in_when_watching_starts() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = project_with_folder(&t.store, folder.path()).await;
    std::fs::write(
        folder.path().join("quantum.toml"),
        "[variables]\nX = \"1\"\n",
    )
    .expect("write");
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    let mut changes = t.store.subscribe();
    let watcher = tokio::spawn(Arc::clone(&configs).watch());
    config_changed(&mut changes, project.id).await;
    assert_eq!(configs.history(project.id).await.expect("history").len(), 1);
    watcher.abort();
}

#[tokio::test]
async fn datasources_the_file_declares_but_the_app_lacks_are_offered_ready_to_create() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = project_with_folder(&t.store, folder.path()).await;
    std::fs::write(
        folder.path().join("quantum.toml"),
        "[datasources.shop-db]\nengine = \"postgres\"\nversion = \"16-alpine\"\nport = 55432\ndatabase = \"shop\"\n",
    )
    .expect("write");
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    let document = configs.get(project.id).await.expect("get");
    let pending = &document.pending_datasources;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].name.as_deref(), Some("shop-db"));
    assert_eq!(pending[0].image.as_deref(), Some("postgres:16-alpine"));
    assert_eq!(pending[0].host_port, Some(55432.into()));
    assert_eq!(pending[0].database_name.as_deref(), Some("shop"));
    assert_eq!(pending[0].project_id, project.id);
}

#[cfg(unix)]
#[tokio::test]
async fn a_file_linking_out_of_the_project_is_saved_only_when_confirmed() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let outside = tempfile::tempdir().expect("outside");
    let bashrc = outside.path().join(".bashrc");
    std::fs::write(&bashrc, "outside\n").expect("write");
    std::os::unix::fs::symlink(&bashrc, folder.path().join("quantum.toml")).expect("symlink");
    let project = project_with_folder(&t.store, folder.path()).await;
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    let text = "[project]\nname = \"shop\"\n";

    let error = configs
        .save(project.id, text, None, false)
        .await
        .expect_err("refused");
    assert_eq!(quantum_kernel::Coded::code(&error), "files.symlink_outside");
    assert_eq!(quantum_kernel::Coded::field(&error), Some("path"));
    assert_eq!(std::fs::read_to_string(&bashrc).expect("read"), "outside\n");
    assert!(configs
        .history(project.id)
        .await
        .expect("history")
        .is_empty());

    configs
        .save(project.id, text, None, true)
        .await
        .expect("confirmed");
    assert_eq!(std::fs::read_to_string(&bashrc).expect("read"), text);
}

#[tokio::test]
async fn a_datasources_table_is_read_from_the_file_for_the_features_that_need_it() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = project_with_folder(&t.store, folder.path()).await;
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    std::fs::write(
        folder.path().join("quantum.toml"),
        "[project]\nname = \"shop\"\n\n[datasources.main]\nengine = \"postgres\"\nmigrations = \"db/changes\"\nmigrations_format = \"dbmate\"\n",
    )
    .expect("write");
    let main = configs
        .datasource(project.id, "main")
        .await
        .expect("read")
        .expect("declared");
    assert_eq!(main.migrations.as_deref(), Some("db/changes"));
    assert_eq!(main.migrations_format.as_deref(), Some("dbmate"));
    assert_eq!(
        configs.datasource(project.id, "other").await.expect("read"),
        None
    );
}

/// "Use for …" on a migration folder the scan found: the datasource's table gets `migrations` and
/// `migrations_format` (made when the file lacks the table, the rest of the file kept), and the
/// Migrations section reads them back.
#[tokio::test]
async fn an_adopted_migration_folder_is_written_for_its_datasource_and_read_back() {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = project_with_folder(&t.store, folder.path()).await;
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    std::fs::write(
        folder.path().join("quantum.toml"),
        "# the shop\n[project]\nname = \"shop\"\n",
    )
    .expect("write");
    let declared = quantum_config::DatasourceDecl {
        name: "main".into(),
        engine: quantum_kernel::Engine::Postgres,
        version: None,
        image: Some("postgres:16-alpine".into()),
        port: Some(5432),
        database: Some("shop".into()),
        volume: Some("main-data".into()),
        migrations: None,
        migrations_format: None,
    };
    configs
        .adopt_migrations(project.id, &declared, "db/migrations", Some("dbmate"))
        .await
        .expect("adopted");
    let text = std::fs::read_to_string(folder.path().join("quantum.toml")).expect("read");
    assert!(text.starts_with("# the shop\n"), "{text}");
    let main = configs
        .datasource(project.id, "main")
        .await
        .expect("read")
        .expect("declared");
    assert_eq!(main.migrations.as_deref(), Some("db/migrations"));
    assert_eq!(main.migrations_format.as_deref(), Some("dbmate"));
    assert_eq!(main.port, Some(5432));
}
