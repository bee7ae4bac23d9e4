//! Data goes with code (part of the `deploy` test binary): a release whose migration drops a
//! column, rolled back with its data restored from the snapshot taken before that migration; a
//! deploy stopped for good during its migrations keeps its snapshot on the record.

use std::time::{Duration, Instant};

use quantum_core::deploy::DataChoice;
use quantum_datasources::Engine;
use quantum_deploy::ReleaseStatus;
use quantum_integration_tests::deploy::{
    core_with_project, free_port, git, project_folder, release_version, remove_environment,
};
use quantum_integration_tests::{created_ready, test_image};
use sqlx::{Connection, Row};

async fn people(url: &str) -> Vec<String> {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_name = 'people' ORDER BY ordinal_position",
    )
    .fetch_all(&mut conn)
    .await
    .expect("columns");
    let email = columns.iter().any(|column| column == "email");
    let query = if email {
        "SELECT name || ' ' || email AS row FROM people ORDER BY id"
    } else {
        "SELECT name AS row FROM people ORDER BY id"
    };
    sqlx::query(query)
        .fetch_all(&mut conn)
        .await
        .expect("rows")
        .iter()
        .map(|row| row.get("row"))
        .collect()
}

async fn write(url: &str, sql: &str) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::query(sql).execute(&mut conn).await.expect("written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_past_a_migration_that_dropped_a_column_restores_its_data() {
    let mut settings = quantum_kernel::settings::Settings::default();
    settings
        .engine_images
        .insert(Engine::Postgres, test_image(Engine::Postgres));
    let folder = project_folder();
    let image = format!("qa-deploy-data-{}", std::process::id());
    let toml = format!(
        "[deploy.test]\nimage = \"{image}\"\nport = 8080\npublish = {}\nproxy_image = \"testdb/haproxy:2.6\"\nhealth_path = \"/health\"\nhealth_timeout = 10\ndrain = 1\nmigrate = [\"main\"]\n",
        free_port()
    );
    let (_data_dir, core, project_id) =
        core_with_project(folder.path(), &toml, "data", &settings).await;
    let migrations = folder.path().join("migrations");
    std::fs::create_dir(&migrations).expect("migrations folder");
    std::fs::write(
        migrations.join("1_people.up.sql"),
        "CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL, email text);",
    )
    .expect("up");
    std::fs::write(migrations.join("1_people.down.sql"), "DROP TABLE people;").expect("down");

    let datasource = created_ready(
        &core.datasources,
        quantum_datasources::DatasourceInput {
            project_id,
            engine: Engine::Postgres,
            name: Some("main".to_owned()),
            ..Default::default()
        },
    )
    .await;
    let password = core
        .secrets
        .get(&datasource.keychain_account)
        .expect("password");
    let url = quantum_datasources::connection::url(
        datasource.engine,
        datasource.host_port,
        &quantum_datasources::connection::Credentials {
            database: &datasource.database_name,
            username: &datasource.username,
            password: &password,
        },
    );
    git(folder.path(), &["add", "-A"]);
    git(folder.path(), &["commit", "-qm", "v1 with its schema"]);
    git(folder.path(), &["tag", "-f", "v1"]);

    let v1 = quantum_core::deploy::deploy(&core, project_id, "test", 10, &|_| {})
        .await
        .expect("v1 deployed");
    assert_eq!(v1.status, ReleaseStatus::Live);
    assert_eq!(v1.data.migrated.len(), 1, "{:?}", v1.data);
    assert_eq!(v1.data.migrated[0].versions, [1]);
    write(
        &url,
        "INSERT INTO people (name, email) VALUES ('ada', 'ada@example.com')",
    )
    .await;

    // v2 drops a column: its values are gone from the live data.
    std::fs::write(
        migrations.join("2_no_email.up.sql"),
        "ALTER TABLE people DROP COLUMN email;",
    )
    .expect("up");
    std::fs::write(
        migrations.join("2_no_email.down.sql"),
        "ALTER TABLE people ADD COLUMN email text;",
    )
    .expect("down");
    git(folder.path(), &["add", "-A"]);
    release_version(folder.path(), "v2", true);
    let v2 = quantum_core::deploy::deploy(&core, project_id, "test", 10, &|_| {})
        .await
        .expect("v2 deployed");
    assert_eq!(v2.data.migrated[0].versions, [2]);
    write(&url, "INSERT INTO people (name) VALUES ('grace')").await;
    assert_eq!(people(&url).await, ["ada", "grace"]);

    // The rollback offers the snapshot from before v2's migration, and says since when.
    let offers = quantum_core::deploy_data::rollback_data(&core, project_id, v1.id)
        .await
        .expect("offers");
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!(
        (
            offers[0].datasource.as_str(),
            offers[0].releases.clone(),
            offers[0].versions.clone()
        ),
        ("main", vec![v2.version.clone()], vec![2])
    );
    assert_eq!(offers[0].snapshot_id, v2.data.migrated[0].snapshot_id);
    assert!(offers[0].snapshot_at.is_some());

    let back = quantum_core::deploy::rollback(
        &core,
        project_id,
        v1.id,
        DataChoice::Restore { keep: 10 },
        &|_| {},
    )
    .await
    .expect("rolled back");
    assert_eq!(
        (back.version.as_str(), back.status),
        (v1.version.as_str(), ReleaseStatus::Live)
    );
    assert_eq!(back.data.restored.len(), 1, "{:?}", back.data);
    // The column and its values are back; what was written after the snapshot is not.
    assert_eq!(people(&url).await, ["ada ada@example.com"]);
    let log = core.deploys.log(back.id).await.expect("log");
    assert!(log.contains("Restoring main to its snapshot of"), "{log}");
    // Restored once: a second rollback to v1's state has nothing left to restore.
    assert_eq!(
        quantum_core::deploy_data::rollback_data(&core, project_id, v1.id)
            .await
            .expect("offers"),
        []
    );

    // A deploy that stops for good during its migrations, as when the app is killed: the
    // snapshot taken before them is on its record already, and a rollback past it offers it.
    std::fs::write(migrations.join("3_slow.up.sql"), "SELECT pg_sleep(600);").expect("up");
    std::fs::write(migrations.join("3_slow.down.sql"), "SELECT 1;").expect("down");
    git(folder.path(), &["add", "-A"]);
    release_version(folder.path(), "v3", true);
    let recorded = async {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let history = core
                .deploys
                .history(project_id, Some("test"))
                .await
                .expect("history");
            if history[0].id > back.id && !history[0].data.migrated.is_empty() {
                return history[0].clone();
            }
            assert!(
                Instant::now() < deadline,
                "v3's snapshot recorded within 120 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let v3 = tokio::select! {
        done = quantum_core::deploy::deploy(&core, project_id, "test", 10, &|_| {}) => {
            panic!("the migration sleeps for 10 minutes, yet the deploy ended: {done:?}")
        }
        v3 = recorded => v3,
    };
    assert_eq!(v3.data.migrated[0].datasource, "main");
    assert!(v3.data.migrated[0].snapshot_id.is_some(), "{:?}", v3.data);
    let offers = quantum_core::deploy_data::rollback_data(&core, project_id, back.id)
        .await
        .expect("offers");
    assert_eq!(
        offers
            .iter()
            .map(|offer| (offer.snapshot_id, offer.releases.clone()))
            .collect::<Vec<_>>(),
        [(v3.data.migrated[0].snapshot_id, vec![v3.version.clone()])]
    );

    remove_environment(core.store.identity(), project_id, "test", &image).await;
    core.snapshots
        .delete_all(datasource.id)
        .await
        .expect("snapshots removed");
    core.datasources
        .remove(datasource.id, true)
        .await
        .expect("datasource removed");
}
