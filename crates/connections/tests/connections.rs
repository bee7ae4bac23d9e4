//! Connections on a fresh store with the real keychain (run inside `scripts/with-test-session`):
//! a SQLite file read through its connection, a server's password kept in the keychain only and
//! gone with the connection, and the form's errors by field.

use std::sync::Arc;

use quantum_connections::{ConnectionInput, ConnectionKind, Connections, Endpoint};
use quantum_kernel::projects::{self, ProjectInput};
use quantum_kernel::{Coded, Store};
use quantum_schema::Target;
use quantum_secrets::SecretStore;
use sqlx::Connection;

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
    connections: Arc<Connections>,
    project_id: i64,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open_in(dir.path()).await.expect("store");
    let secrets = Arc::new(SecretStore::keychain(dir.path()));
    let project = projects::create(
        &store,
        ProjectInput {
            name: "shop".into(),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    Fixture {
        connections: Connections::new(store.clone(), secrets),
        store,
        project_id: project.id,
        dir,
    }
}

#[tokio::test]
async fn a_sqlite_file_is_browsed_through_its_connection() {
    let f = fixture().await;
    let file = f.dir.path().join("app.db");
    let mut conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .expect("create");
    sqlx::raw_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
        .execute(&mut conn)
        .await
        .expect("table");
    conn.close().await.expect("close");

    let created = f
        .connections
        .create(ConnectionInput {
            project_id: f.project_id,
            name: "app data".into(),
            kind: Some(ConnectionKind::Sqlite),
            path: Some(file.display().to_string()),
            ..Default::default()
        })
        .await
        .expect("created");
    assert_eq!(
        f.connections.list(f.project_id).await.expect("list"),
        vec![created.clone()]
    );
    let Endpoint::Sql(target) = f.connections.endpoint(created.id).await.expect("target") else {
        panic!("a SQL endpoint");
    };
    assert!(matches!(target, Target::Sqlite(_)));
    let schema = quantum_schema::inspect(&target).await.expect("inspect");
    assert_eq!(schema.tables[0].name, "notes");

    // A file that is not a database is refused when added.
    let text = f.dir.path().join("notes.txt");
    std::fs::write(&text, "not a database").expect("write");
    let error = f
        .connections
        .create(ConnectionInput {
            project_id: f.project_id,
            name: "text".into(),
            kind: Some(ConnectionKind::Sqlite),
            path: Some(text.display().to_string()),
            ..Default::default()
        })
        .await
        .expect_err("not sqlite");
    assert_eq!(error.code(), "schema.no_file", "{error}");
}

#[tokio::test]
async fn a_servers_password_lives_in_the_keychain_only_and_goes_with_the_connection() {
    let f = fixture().await;
    let password = format!("pw-{}", std::process::id());
    let created = f
        .connections
        .create(ConnectionInput {
            project_id: f.project_id,
            name: "staging".into(),
            kind: Some(ConnectionKind::Postgres),
            host: Some("db.internal".into()),
            database_name: Some("shop".into()),
            username: Some("reader".into()),
            password: Some(password.clone()),
            ..Default::default()
        })
        .await
        .expect("created");
    assert_eq!(created.port, Some(5432), "the engine's default port");
    let Endpoint::Sql(Target::Postgres(server)) =
        f.connections.endpoint(created.id).await.expect("target")
    else {
        panic!("a PostgreSQL target");
    };
    assert_eq!(server.password.expose(), password);
    f.store.close().await;
    for entry in std::fs::read_dir(f.dir.path()).expect("dir").flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        assert!(
            !bytes
                .windows(password.len())
                .any(|w| w == password.as_bytes()),
            "the password is in {}",
            entry.path().display()
        );
    }
    let store = Store::open_in(f.dir.path()).await.expect("reopen");
    let secrets = Arc::new(SecretStore::keychain(f.dir.path()));
    let connections = Connections::new(store, secrets);
    let name_taken = connections
        .create(ConnectionInput {
            project_id: f.project_id,
            name: "staging".into(),
            kind: Some(ConnectionKind::Sqlite),
            path: Some("/nonexistent.db".into()),
            ..Default::default()
        })
        .await
        .expect_err("refused");
    assert!(["connection.name_taken", "schema.no_file"].contains(&name_taken.code()));
    connections.remove(created.id).await.expect("remove");
    assert!(connections
        .list(f.project_id)
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        connections
            .endpoint(created.id)
            .await
            .expect_err("gone")
            .code(),
        "connection.not_found"
    );
}

#[tokio::test]
async fn the_form_is_checked_field_by_field_and_a_test_says_why_it_failed() {
    let f = fixture().await;
    let server = |host: &str, port: Option<i64>| ConnectionInput {
        project_id: f.project_id,
        name: "x".into(),
        kind: Some(ConnectionKind::Mysql),
        host: Some(host.into()),
        port: port.map(Into::into),
        database_name: Some("shop".into()),
        username: Some("app".into()),
        password: Some("pw".into()),
        ..Default::default()
    };
    for (input, field) in [
        (server("", None), "host"),
        (server("http://db", None), "host"),
        (server("db", Some(70000)), "port"),
        (
            ConnectionInput {
                project_id: f.project_id,
                name: "".into(),
                ..Default::default()
            },
            "name",
        ),
        (
            ConnectionInput {
                project_id: f.project_id,
                name: "file".into(),
                kind: Some(ConnectionKind::Sqlite),
                path: Some("relative.db".into()),
                ..Default::default()
            },
            "path",
        ),
        (
            ConnectionInput {
                kind: Some(ConnectionKind::Mongodb),
                database_name: None,
                ..server("db", None)
            },
            "databaseName",
        ),
        (
            ConnectionInput {
                kind: Some(ConnectionKind::Redis),
                tls_mode: Some(quantum_schema::TlsMode::Prefer),
                ..server("cache", None)
            },
            "tlsMode",
        ),
    ] {
        let error = f.connections.create(input).await.expect_err("invalid");
        assert_eq!(error.field(), Some(field), "{error}");
    }
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let error = f
        .connections
        .test(&server("127.0.0.1", Some(i64::from(closed))))
        .await
        .expect_err("refused");
    assert_eq!(error.code(), "schema.refused", "{error}");

    // Redis and MongoDB are dialled by their own clients, with the same kind of answer.
    for (kind, code) in [
        (ConnectionKind::Redis, "keyspace.refused"),
        (ConnectionKind::Mongodb, "collections.refused"),
    ] {
        let error = f
            .connections
            .test(&ConnectionInput {
                kind: Some(kind),
                username: None,
                ..server("127.0.0.1", Some(i64::from(closed)))
            })
            .await
            .expect_err("refused");
        assert_eq!(error.code(), code, "{error}");
    }
    // A MongoDB connection without a user is kept: servers without authentication exist.
    let open = f
        .connections
        .create(ConnectionInput {
            name: "local mongo".into(),
            kind: Some(ConnectionKind::Mongodb),
            username: None,
            password: None,
            ..server("127.0.0.1", None)
        })
        .await
        .expect("kept");
    assert_eq!(
        (open.kind, open.port),
        (ConnectionKind::Mongodb, Some(27017))
    );
    let Endpoint::Mongodb(mongo) = f.connections.endpoint(open.id).await.expect("endpoint") else {
        panic!("a MongoDB endpoint");
    };
    assert_eq!(
        (mongo.database.as_str(), mongo.username.as_str()),
        ("shop", "")
    );
}
