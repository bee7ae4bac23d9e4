//! Drift check of a 100-migration project on PostgreSQL: seconds from the click to the diff
//! (a shadow server started, the 100 migrations replayed, both schemas read and compared, the
//! shadow removed), as `migrations_drift` does it. Prints; asserts nothing but that the change
//! made behind the app's back is found. Needs Docker, the test images and a keychain: run
//! through `scripts/bench`.

use std::time::Instant;

use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_migrations::{drift, MigrationFormat};
use quantum_schema::{Server, Target, TlsMode};
use sqlx::{Connection, PgConnection};

const MIGRATIONS: usize = 100;

/// Migration n: every fifth makes a table, the others add a column, an index or a key to one.
fn migration(n: usize) -> String {
    let table = format!("t{}", n / 5);
    match n % 5 {
        0 => format!(
            "CREATE TABLE {table} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());"
        ),
        1 => format!("ALTER TABLE {table} ADD COLUMN amount numeric(12,2) DEFAULT 0;"),
        2 => format!("CREATE INDEX {table}_name ON {table} (lower(name));"),
        3 if n > 5 => format!(
            "ALTER TABLE {table} ADD COLUMN parent_id bigint REFERENCES t{} (id) ON DELETE SET NULL;",
            n / 5 - 1
        ),
        3 => format!("ALTER TABLE {table} ADD COLUMN note text;"),
        _ => format!("ALTER TABLE {table} ADD CONSTRAINT {table}_name_unique UNIQUE (name, created_at);"),
    }
}

#[tokio::main]
async fn main() {
    let app = TestApp::start("drift bench").await;
    let datasource = app.ready(Engine::Postgres).await;
    let live = Target::Postgres(app.server(&datasource));
    let project = tempfile::tempdir().expect("project");
    let folder = project.path().join("migrations");
    std::fs::create_dir_all(&folder).expect("folder");
    for n in 0..MIGRATIONS {
        std::fs::write(folder.join(format!("{:04}_step.sql", n + 1)), migration(n)).expect("file");
    }
    quantum_migrations::apply(&live, &folder, MigrationFormat::Sqlx, None)
        .await
        .expect("apply");
    let mut conn = PgConnection::connect(&app.url(&datasource))
        .await
        .expect("connect");
    sqlx::raw_sql("ALTER TABLE t7 ADD COLUMN behind_the_back text")
        .execute(&mut conn)
        .await
        .expect("drift");
    conn.close().await.expect("close");

    for run in 1..=3 {
        let clicked = Instant::now();
        let shadow = app.datasources.shadow(datasource.id).await.expect("shadow");
        let started = clicked.elapsed();
        let target = Target::Postgres(Server {
            host: quantum_datasources::connection::HOST.into(),
            port: shadow.port,
            database: shadow.database.clone(),
            username: shadow.username.clone(),
            password: shadow.password.clone(),
            tls: TlsMode::Disable,
        });
        let found = drift(&live, &target, &folder, MigrationFormat::Sqlx)
            .await
            .expect("drift");
        let shown = clicked.elapsed();
        shadow.remove().await;
        assert_eq!(found.replayed.len(), MIGRATIONS);
        assert_eq!(
            found.diff.tables.len(),
            1,
            "the column added behind the app's back"
        );
        println!(
            "run {run}: click to diff {:.1} s (shadow server ready {:.1} s, {MIGRATIONS} migrations replayed {:.1} s, both schemas read and compared {:.2} s)",
            shown.as_secs_f64(),
            started.as_secs_f64(),
            found.replay_ms as f64 / 1e3,
            found.compare_ms as f64 / 1e3
        );
    }
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
