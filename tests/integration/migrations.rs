//! Migrations on a real PostgreSQL server, in sqlx's layout (the app's default), checked against
//! the real `sqlx` command line (sqlx-cli, installed by `scripts/setup --for-tests`): each reads
//! what the other applied. Apply up to a version, a changed file, a failing migration, rollback.

use std::path::Path;
use std::process::Command;

use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_kernel::Coded;
use quantum_migrations::{
    apply, create, rollback, status, Direction, FindingKind, MigrationFormat, MigrationState,
};
use quantum_schema::Target;
use sqlx::Connection;

fn write(folder: &Path, name: &str, sql: &str) {
    std::fs::write(folder.join(name), sql).expect("write a migration");
}

/// `sqlx migrate <args> --source folder --database-url url`, its output.
fn sqlx_cli(args: &[&str], folder: &Path, url: &str) -> String {
    let output = Command::new("sqlx")
        .args(["migrate"])
        .args(args)
        .args([
            "--source",
            &folder.display().to_string(),
            "--database-url",
            url,
        ])
        .output()
        .expect("sqlx-cli runs (scripts/setup --for-tests installs it)");
    assert!(
        output.status.success(),
        "sqlx migrate {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn states(migrations: &quantum_migrations::Migrations) -> Vec<(i64, MigrationState)> {
    migrations
        .migrations
        .iter()
        .map(|m| (m.version, m.state))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlx_layout_applies_rolls_back_and_agrees_with_sqlx_cli() {
    let app = TestApp::start("migrations").await;
    let datasource = app.ready(Engine::Postgres).await;
    let target = Target::Postgres(app.server(&datasource));
    let url = app.url(&datasource);
    let project = tempfile::tempdir().expect("project");
    let (folder, exists, format) =
        quantum_migrations::locate(project.path(), &datasource.name).expect("locate");
    assert_eq!((exists, format), (false, MigrationFormat::Sqlx));
    assert_eq!(
        folder,
        project.path().join("migrations").join(&datasource.name)
    );

    // Created as the UI does: numbered, up and down.
    let now = (2026, 11, 29, 12, 0, 0);
    let (up, down) = create(&folder, format, "create users", now).expect("create");
    assert!(up.ends_with("0001_create_users.up.sql"), "{up:?}");
    let down = down.expect("a down file");
    std::fs::write(
        &up,
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
    )
    .expect("up");
    std::fs::write(&down, "DROP TABLE users;\n").expect("down");
    let (orders, _) = create(&folder, format, "create orders", now).expect("create");
    assert!(orders.ends_with("0002_create_orders.up.sql"), "{orders:?}");
    write(
        &folder,
        "0002_create_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n",
    );
    write(
        &folder,
        "0002_create_orders.down.sql",
        "DROP TABLE orders;\n",
    );
    assert_eq!(
        create(&folder, format, "drop ; users", now)
            .expect_err("bad name")
            .field(),
        Some("name")
    );

    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(
        states(&listed),
        [(1, MigrationState::Pending), (2, MigrationState::Pending)]
    );
    assert!(listed.migrations.iter().all(|m| m.reversible));
    assert_eq!(
        listed.migrations[0].file.as_deref(),
        Some("0001_create_users.up.sql"),
        "the file's own name, zeros kept"
    );

    // The app applies the first; sqlx-cli sees it installed and the second pending.
    assert_eq!(
        apply(&target, &folder, format, Some(1))
            .await
            .expect("apply"),
        [1]
    );
    let info = sqlx_cli(&["info"], &folder, &url);
    assert!(info.contains("1/installed"), "{info}");
    assert!(info.contains("2/pending"), "{info}");
    // sqlx-cli applies the second; the app sees it applied, the same checksum.
    sqlx_cli(&["run"], &folder, &url);
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(
        states(&listed),
        [(1, MigrationState::Applied), (2, MigrationState::Applied)]
    );
    assert!(listed.migrations[0].applied_at.is_some());

    // A file changed after it was applied is told, and nothing more is applied over it.
    let original = std::fs::read_to_string(&up).expect("read");
    std::fs::write(&up, format!("{original}-- edited afterwards\n")).expect("edit");
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(listed.migrations[0].state, MigrationState::Changed);
    write(
        &folder,
        "0003_add_note.up.sql",
        "ALTER TABLE users ADD COLUMN note text;\n",
    );
    write(
        &folder,
        "0003_add_note.down.sql",
        "ALTER TABLE users DROP COLUMN note;\n",
    );
    let error = apply(&target, &folder, format, None)
        .await
        .expect_err("changed");
    assert_eq!(error.code(), "migrations.changed", "{error}");
    std::fs::write(&up, &original).expect("put back");

    // A failing migration stops the run: the one before it stays, it is not recorded, and its
    // first statement is rolled back with it (PostgreSQL runs DDL in the transaction).
    write(
        &folder,
        "0004_broken.up.sql",
        "CREATE TABLE half (id int);\nSELECT nope FROM nowhere;\n",
    );
    write(&folder, "0004_broken.down.sql", "DROP TABLE half;\n");
    let error = apply(&target, &folder, format, None)
        .await
        .expect_err("broken");
    assert_eq!(error.code(), "migrations.failed", "{error}");
    let message = error.to_string();
    assert!(
        message.contains("nowhere") && message.contains("line 2"),
        "{message}"
    );
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(
        states(&listed),
        [
            (1, MigrationState::Applied),
            (2, MigrationState::Applied),
            (3, MigrationState::Applied),
            (4, MigrationState::Pending)
        ]
    );
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    let half: Option<String> = sqlx::query_scalar("SELECT to_regclass('half')::text")
        .fetch_one(&mut conn)
        .await
        .expect("regclass");
    assert_eq!(half, None, "the failed migration left nothing behind");
    std::fs::remove_file(folder.join("0004_broken.up.sql")).expect("rm");
    std::fs::remove_file(folder.join("0004_broken.down.sql")).expect("rm");

    // A dry run of a destructive migration names what it touches, rows counted, and runs nothing.
    sqlx::raw_sql(
        "INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x'); INSERT INTO orders VALUES (10, 1);",
    )
    .execute(&mut conn)
    .await
    .expect("rows");
    write(
        &folder,
        "0004_reshape.up.sql",
        "ALTER TABLE users DROP COLUMN email, ADD COLUMN mail text;\nALTER TABLE users ADD COLUMN plan text NOT NULL;\nDROP TABLE orders;\n",
    );
    write(&folder, "0004_reshape.down.sql", "SELECT 1;\n");
    let dry = quantum_migrations::dry_run(&target, &folder, format, Direction::Apply, None)
        .await
        .expect("dry run");
    assert_eq!(dry.steps.len(), 1);
    let found: Vec<(FindingKind, Option<i64>)> = dry.steps[0]
        .findings
        .iter()
        .map(|f| (f.kind, f.rows))
        .collect();
    assert_eq!(
        found,
        [
            (FindingKind::DropColumn, Some(2)),
            (FindingKind::LooksLikeRename, None),
            (FindingKind::NotNullWithoutDefault, Some(2)),
            (FindingKind::DropTable, Some(1)),
        ]
    );
    assert!(dry.steps[0].transactional);
    let still: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&mut conn)
        .await
        .expect("nothing ran");
    assert_eq!(still, 1);
    let back = quantum_migrations::dry_run(&target, &folder, format, Direction::Rollback, Some(1))
        .await
        .expect("dry run back");
    let order: Vec<i64> = back.steps.iter().map(|s| s.version).collect();
    assert_eq!(order, [3, 2], "newest first");
    assert_eq!(back.steps[1].findings[0].kind, FindingKind::DropTable);
    std::fs::remove_file(folder.join("0004_reshape.up.sql")).expect("rm");
    std::fs::remove_file(folder.join("0004_reshape.down.sql")).expect("rm");

    // Roll back the newest, then down to version 1; sqlx-cli agrees.
    assert_eq!(
        rollback(&target, &folder, format, None)
            .await
            .expect("rollback"),
        [3]
    );
    assert_eq!(
        rollback(&target, &folder, format, Some(1))
            .await
            .expect("rollback"),
        [2]
    );
    let info = sqlx_cli(&["info"], &folder, &url);
    assert!(
        info.contains("1/installed") && info.contains("2/pending"),
        "{info}"
    );
    let orders: Option<String> = sqlx::query_scalar("SELECT to_regclass('orders')::text")
        .fetch_one(&mut conn)
        .await
        .expect("regclass");
    assert_eq!(orders, None, "rolled back with its down file");

    // A file gone after it was applied is told as missing; without a down file, no rollback.
    std::fs::rename(&down, folder.join("kept.down")).expect("hide the down file");
    let error = rollback(&target, &folder, format, None)
        .await
        .expect_err("no down");
    assert_eq!(error.code(), "migrations.not_reversible", "{error}");
    std::fs::rename(&up, folder.join("kept.up")).expect("hide the up file");
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(listed.migrations[0].state, MigrationState::Missing);
    conn.close().await.expect("close");

    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}

/// `dbmate <args>` (the npm package's binary, installed by `scripts/setup --for-tests`), its
/// output.
fn dbmate(args: &[&str], folder: &Path, url: &str) -> String {
    let home = std::env::var("HOME").expect("HOME");
    let binary = Path::new(&home).join(".cache/quantum-admin/dbmate/node_modules/.bin/dbmate");
    let output = Command::new(binary)
        .args([
            "--url",
            url,
            "--migrations-dir",
            &folder.display().to_string(),
            "--no-dump-schema",
        ])
        .args(args)
        .output()
        .expect("dbmate runs (scripts/setup --for-tests installs it)");
    assert!(
        output.status.success(),
        "dbmate {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn dbmate_layout_agrees_with_dbmate_both_ways() {
    let app = TestApp::start("migrations dbmate").await;
    let datasource = app.ready(Engine::Postgres).await;
    let target = Target::Postgres(app.server(&datasource));
    let url = format!("{}?sslmode=disable", app.url(&datasource));
    let project = tempfile::tempdir().expect("project");
    let folder = project.path().join("db/migrations");
    std::fs::create_dir_all(&folder).expect("folder");
    write(
        &folder,
        "20240101120000_create_users.sql",
        "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n",
    );
    write(
        &folder,
        "20240102120000_create_orders.sql",
        "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n\n-- migrate:down\nDROP TABLE orders;\n",
    );
    let (found, exists, format) =
        quantum_migrations::locate(project.path(), &datasource.name).expect("locate");
    assert_eq!(
        (found, exists, format),
        (folder.clone(), true, MigrationFormat::Dbmate)
    );

    // The app applies the first; dbmate sees it applied and the second pending.
    assert_eq!(
        apply(&target, &folder, format, Some(20240101120000))
            .await
            .expect("apply"),
        [20240101120000]
    );
    let shown = dbmate(&["status"], &folder, &url);
    assert!(
        shown.contains("[X] 20240101120000_create_users.sql"),
        "{shown}"
    );
    assert!(
        shown.contains("[ ] 20240102120000_create_orders.sql"),
        "{shown}"
    );
    // dbmate applies the second; the app sees both applied.
    dbmate(&["up"], &folder, &url);
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(
        states(&listed),
        [
            (20240101120000, MigrationState::Applied),
            (20240102120000, MigrationState::Applied)
        ]
    );
    // The app rolls back the newest; dbmate agrees; dbmate rolls back the other; the app agrees.
    assert_eq!(
        rollback(&target, &folder, format, None)
            .await
            .expect("rollback"),
        [20240102120000]
    );
    let shown = dbmate(&["status"], &folder, &url);
    assert!(
        shown.contains("[ ] 20240102120000_create_orders.sql"),
        "{shown}"
    );
    dbmate(&["rollback"], &folder, &url);
    let listed = status(&target, &folder, format).await.expect("status");
    assert!(listed
        .migrations
        .iter()
        .all(|m| m.state == MigrationState::Pending));

    // A failure points at the file's own line (the up part starts after its marker).
    write(
        &folder,
        "20240103120000_broken.sql",
        "-- migrate:up\nCREATE TABLE fine (id int);\nSELECT nope FROM nowhere;\n-- migrate:down\nDROP TABLE fine;\n",
    );
    let error = apply(&target, &folder, format, None)
        .await
        .expect_err("broken");
    let message = error.to_string();
    assert!(
        message.contains("nowhere") && message.contains("line 3"),
        "{message}"
    );
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(
        listed.migrations.last().map(|m| m.state),
        Some(MigrationState::Pending)
    );

    // A new migration gets a timestamp and the two markers.
    let (file, none) =
        create(&folder, format, "add note", (2026, 11, 29, 12, 0, 0)).expect("create");
    assert_eq!(none, None);
    assert!(file.ends_with("20261129120000_add_note.sql"), "{file:?}");
    assert!(std::fs::read_to_string(&file)
        .expect("read")
        .starts_with("-- migrate:up\n"));

    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}

/// golang-migrate's one row: (version, dirty).
async fn version(conn: &mut sqlx::PgConnection) -> Vec<(i64, bool)> {
    sqlx::query_as("SELECT version, dirty FROM schema_migrations")
        .fetch_all(conn)
        .await
        .expect("schema_migrations")
}

/// golang-migrate's table as its documentation lays it out (the tool itself cannot be
/// installed here): the app reads a database golang-migrate left, and leaves it as golang-migrate
/// would (one row: the current version, clean).
#[tokio::test(flavor = "multi_thread")]
async fn golang_migrate_layout_is_told_by_its_table_and_kept_as_the_tool_keeps_it() {
    let app = TestApp::start("migrations golang").await;
    let datasource = app.ready(Engine::Postgres).await;
    let target = Target::Postgres(app.server(&datasource));
    let mut conn = sqlx::PgConnection::connect(&app.url(&datasource))
        .await
        .expect("connect");
    // As `migrate up 1` leaves it.
    sqlx::raw_sql(
        "CREATE TABLE users (id bigint PRIMARY KEY); \
         CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); \
         INSERT INTO schema_migrations VALUES (1, false);",
    )
    .execute(&mut conn)
    .await
    .expect("golang-migrate's state");
    let project = tempfile::tempdir().expect("project");
    let folder = project.path().join("migrations");
    std::fs::create_dir_all(&folder).expect("folder");
    write(
        &folder,
        "000001_create_users.up.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    write(
        &folder,
        "000001_create_users.down.sql",
        "DROP TABLE users;\n",
    );
    write(
        &folder,
        "000002_create_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
    );
    write(
        &folder,
        "000002_create_orders.down.sql",
        "DROP TABLE orders;\n",
    );
    let (_, _, format) =
        quantum_migrations::locate(project.path(), &datasource.name).expect("locate");
    assert_eq!(
        format,
        MigrationFormat::Sqlx,
        "the files alone look like sqlx's"
    );

    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(
        listed.format,
        MigrationFormat::GolangMigrate,
        "its table tells"
    );
    assert_eq!(
        states(&listed),
        [(1, MigrationState::Applied), (2, MigrationState::Pending)]
    );

    assert_eq!(
        apply(&target, &folder, format, None).await.expect("apply"),
        [2]
    );
    assert_eq!(
        version(&mut conn).await,
        [(2, false)],
        "one row, as golang-migrate keeps it"
    );
    assert_eq!(
        rollback(&target, &folder, format, None)
            .await
            .expect("rollback"),
        [2]
    );
    assert_eq!(version(&mut conn).await, [(1, false)]);

    // A failure rolls back with its transaction: the version stays, clean.
    write(
        &folder,
        "000002_create_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY);\nSELECT nope;\n",
    );
    let error = apply(&target, &folder, format, None)
        .await
        .expect_err("broken");
    assert!(error.to_string().contains("line 2"), "{error}");
    assert_eq!(version(&mut conn).await, [(1, false)]);

    // Left dirty by the tool: told, and nothing more runs until it is fixed.
    sqlx::raw_sql("UPDATE schema_migrations SET dirty = true")
        .execute(&mut conn)
        .await
        .expect("dirty");
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(listed.migrations[0].state, MigrationState::Failed);
    let error = apply(&target, &folder, format, None)
        .await
        .expect_err("dirty");
    assert_eq!(error.code(), "migrations.dirty", "{error}");
    conn.close().await.expect("close");

    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}

/// MariaDB commits each schema change at once: a migration failing half-way leaves its first
/// statements done, and sqlx's history marks it failed, so nothing more runs until it is dealt
/// with — the state the UI warns about before applying there.
#[tokio::test(flavor = "multi_thread")]
async fn on_mariadb_a_half_done_migration_is_marked_failed_and_stops_the_next_runs() {
    let app = TestApp::start("migrations maria").await;
    let datasource = app.ready(Engine::Mariadb).await;
    let target = Target::for_engine(Engine::Mariadb, app.server(&datasource)).expect("mysql");
    let project = tempfile::tempdir().expect("project");
    let folder = project.path().join("migrations");
    std::fs::create_dir_all(&folder).expect("folder");
    write(
        &folder,
        "1_users.up.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    write(&folder, "1_users.down.sql", "DROP TABLE users;\n");
    write(
        &folder,
        "2_half.up.sql",
        "CREATE TABLE half (id int);\nSELECT nope FROM nowhere;\n",
    );
    write(&folder, "2_half.down.sql", "DROP TABLE half;\n");
    let format = MigrationFormat::Sqlx;

    let error = apply(&target, &folder, format, None)
        .await
        .expect_err("half");
    assert_eq!(error.code(), "migrations.failed", "{error}");
    let listed = status(&target, &folder, format).await.expect("status");
    assert_eq!(
        states(&listed),
        [(1, MigrationState::Applied), (2, MigrationState::Failed)]
    );
    let again = apply(&target, &folder, format, None)
        .await
        .expect_err("dirty");
    assert_eq!(again.code(), "migrations.dirty", "{again}");
    let mut conn = quantum_schema::connect_mysql(&app.server(&datasource))
        .await
        .expect("connect");
    let half: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'half'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("tables");
    assert_eq!(half, 1, "the first statement stayed: MariaDB committed it");
    conn.close().await.expect("close");

    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
