//! Flyway's versioned layout on real PostgreSQL and MariaDB servers, checked against Flyway's
//! documented history table (`flyway_schema_history`, one row per run, Flyway's CRC-32 checksum
//! of the lines): Flyway itself is a Java tool no registry reachable here distributes.

use std::path::Path;

use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_kernel::Coded;
use quantum_migrations::{apply, rollback, status, MigrationFormat, MigrationState};
use quantum_schema::Target;
use sqlx::Connection;

/// installed_rank, version, description, type, script, checksum, installed_by, success.
type HistoryRow = (i32, String, String, String, String, i32, String, bool);

fn write(folder: &Path, name: &str, sql: &str) {
    std::fs::write(folder.join(name), sql).expect("write a migration");
}

async fn states(target: &Target, folder: &Path) -> Vec<(i64, MigrationState)> {
    status(target, folder, MigrationFormat::Flyway)
        .await
        .expect("status")
        .migrations
        .iter()
        .map(|m| (m.version, m.state))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn flyway_layout_keeps_flyways_history_table_on_postgresql() {
    let app = TestApp::start("flyway").await;
    let datasource = app.ready(Engine::Postgres).await;
    let target = Target::Postgres(app.server(&datasource));
    let project = tempfile::tempdir().expect("project");
    let folder = project.path().join("db").join("migration");
    std::fs::create_dir_all(&folder).expect("folder");
    write(
        &folder,
        "V1__create_users.sql",
        "CREATE TABLE users (id int PRIMARY KEY);\n",
    );
    write(
        &folder,
        "V2__create_orders.sql",
        "CREATE TABLE orders (id int PRIMARY KEY);\r\n",
    );
    write(&folder, "U2__create_orders.sql", "DROP TABLE orders;\n");
    assert_eq!(
        quantum_migrations::files::detect(&folder).expect("detect"),
        MigrationFormat::Flyway
    );

    assert_eq!(
        apply(&target, &folder, MigrationFormat::Flyway, None)
            .await
            .expect("apply"),
        [1, 2]
    );
    let mut conn = sqlx::PgConnection::connect(&app.url(&datasource))
        .await
        .expect("connect");
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT installed_rank, version, description, type, script, checksum, installed_by, success
         FROM flyway_schema_history ORDER BY installed_rank",
    )
    .fetch_all(&mut conn)
    .await
    .expect("history");
    // Flyway's checksum: CRC-32 of the lines without their line ends.
    let crc = |text: &[u8]| crc32fast::hash(text) as i32;
    assert_eq!(
        rows,
        [
            (
                1,
                "1".into(),
                "create users".into(),
                "SQL".into(),
                "V1__create_users.sql".into(),
                crc(b"CREATE TABLE users (id int PRIMARY KEY);"),
                datasource.username.clone(),
                true
            ),
            (
                2,
                "2".into(),
                "create orders".into(),
                "SQL".into(),
                "V2__create_orders.sql".into(),
                crc(b"CREATE TABLE orders (id int PRIMARY KEY);"),
                datasource.username.clone(),
                true
            ),
        ]
    );

    // An undo file rolls back as Flyway Teams does: an UNDO_SQL run, the version pending again.
    assert_eq!(
        rollback(&target, &folder, MigrationFormat::Flyway, None)
            .await
            .expect("undo"),
        [2]
    );
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT type FROM flyway_schema_history ORDER BY installed_rank")
            .fetch_all(&mut conn)
            .await
            .expect("history");
    assert_eq!(kinds, ["SQL", "SQL", "UNDO_SQL"]);
    assert_eq!(
        states(&target, &folder).await,
        [(1, MigrationState::Applied), (2, MigrationState::Pending)]
    );
    // Without an undo file there is no rollback by SQL.
    let refused = rollback(&target, &folder, MigrationFormat::Flyway, None)
        .await
        .expect_err("no undo file");
    assert_eq!(refused.code(), "migrations.not_reversible");

    // A changed file is found by its checksum, and stops the next apply.
    write(
        &folder,
        "V1__create_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    assert_eq!(
        states(&target, &folder).await[0],
        (1, MigrationState::Changed)
    );
    let stopped = apply(&target, &folder, MigrationFormat::Flyway, None)
        .await
        .expect_err("changed");
    assert_eq!(stopped.code(), "migrations.changed");
    conn.close().await.expect("close");
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn on_mariadb_a_failed_flyway_migration_is_recorded_failed_as_flyway_does() {
    let app = TestApp::start("flyway maria").await;
    let datasource = app.ready(Engine::Mariadb).await;
    let target = Target::Mysql(app.server(&datasource));
    let project = tempfile::tempdir().expect("project");
    let folder = project.path().join("migrations");
    std::fs::create_dir_all(&folder).expect("folder");
    write(
        &folder,
        "V1__users.sql",
        "CREATE TABLE users (id int PRIMARY KEY);",
    );
    write(
        &folder,
        "V2__broken.sql",
        "CREATE TABLE notes (id int);\nCREATE TABLE broken (;",
    );
    let failed = apply(&target, &folder, MigrationFormat::Flyway, None)
        .await
        .expect_err("V2 fails");
    assert_eq!(failed.code(), "migrations.failed");
    assert_eq!(
        states(&target, &folder).await,
        [(1, MigrationState::Applied), (2, MigrationState::Failed)]
    );
    let mut conn = sqlx::MySqlConnection::connect(&app.url(&datasource))
        .await
        .expect("connect");
    let runs: Vec<(String, bool)> = sqlx::query_as(
        "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank",
    )
    .fetch_all(&mut conn)
    .await
    .expect("history");
    assert_eq!(runs, [("1".into(), true), ("2".into(), false)]);
    conn.close().await.expect("close");
    let refused = apply(&target, &folder, MigrationFormat::Flyway, None)
        .await
        .expect_err("a failed run stops the next");
    assert_eq!(refused.code(), "migrations.dirty");
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
