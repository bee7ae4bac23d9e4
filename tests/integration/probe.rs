//! Readiness and set-up of real database servers, each in a throw-away container.

use std::time::{Duration, Instant};

use quantum_datasources::probe::{backoff, configure, probe, Endpoint, ProbeError};
use quantum_integration_tests::{test_image, TestContainer};
use quantum_kernel::Engine;
use quantum_secrets::Secret;
use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection, Executor, Row};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Far above the ~1 s the servers take here, for a loaded machine running tests in parallel.
const READY_DEADLINE: Duration = Duration::from_secs(60);
/// A refusal comes from the server, well before the probe's own 2 s timeout.
const QUICK_REFUSAL: Duration = Duration::from_millis(1500);

const HOST: &str = "127.0.0.1";

/// Probes with `backoff()` until ready. Prints how long it took and what was seen on the way.
async fn wait_until_ready(container: &TestContainer, endpoint: &Endpoint<'_>) {
    let started = Instant::now();
    let mut attempts = 0;
    // Distinct messages in order, with how many times each came in a row.
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut delays = backoff();
    loop {
        attempts += 1;
        let message = match probe(endpoint).await {
            Ok(()) => break,
            Err(ProbeError::NotReady(message)) => message,
            Err(ProbeError::Refused(message)) => panic!(
                "refused while starting: {message}\n--- container logs ---\n{}",
                container.logs().await
            ),
        };
        match seen.last_mut() {
            Some((last, count)) if *last == message => *count += 1,
            _ => seen.push((message, 1)),
        }
        if started.elapsed() > READY_DEADLINE {
            panic!(
                "not ready after {READY_DEADLINE:?}: {seen:?}\n--- container logs ---\n{}",
                container.logs().await
            );
        }
        tokio::time::sleep(delays.next().expect("backoff never ends")).await;
    }
    eprintln!(
        "{:?} ready after {} ms and {attempts} attempts; on the way: {seen:#?}",
        endpoint.engine,
        started.elapsed().as_millis()
    );
}

/// `password` for the endpoint's user is refused at once, not retried until a deadline.
async fn assert_refused_quickly(endpoint: &Endpoint<'_>, password: &str) {
    let password = Secret::new(password);
    let endpoint = Endpoint {
        password: &password,
        ..*endpoint
    };
    let started = Instant::now();
    let outcome = probe(&endpoint).await;
    let elapsed = started.elapsed();
    assert!(
        matches!(outcome, Err(ProbeError::Refused(_))),
        "{outcome:?}"
    );
    assert!(elapsed < QUICK_REFUSAL, "refused only after {elapsed:?}");
}

async fn configure_twice(endpoint: &Endpoint<'_>) {
    configure(endpoint).await.expect("first configure");
    configure(endpoint).await.expect("configure again");
}

fn postgres_options(endpoint: &Endpoint<'_>) -> PgConnectOptions {
    PgConnectOptions::new_without_pgpass()
        .host(endpoint.host)
        .port(endpoint.port)
        .username(endpoint.user)
        .password(endpoint.password.expose())
        .database(endpoint.database)
        .ssl_mode(PgSslMode::Disable)
}

fn mysql_options(endpoint: &Endpoint<'_>) -> MySqlConnectOptions {
    MySqlConnectOptions::new()
        .host(endpoint.host)
        .port(endpoint.port)
        .username(endpoint.user)
        .password(endpoint.password.expose())
        .database(endpoint.database)
        .ssl_mode(MySqlSslMode::Disabled)
}

/// The user can create a table in the database, write to it and read back.
async fn use_postgres(endpoint: &Endpoint<'_>) {
    let mut connection = postgres_options(endpoint)
        .connect()
        .await
        .expect("connect as the datasource's user");
    connection
        .execute("CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL)")
        .await
        .expect("create a table");
    sqlx::query("INSERT INTO items (id, name) VALUES ($1, $2)")
        .bind(1)
        .bind("first")
        .execute(&mut connection)
        .await
        .expect("insert");
    let name: String = sqlx::query_scalar("SELECT name FROM items WHERE id = $1")
        .bind(1)
        .fetch_one(&mut connection)
        .await
        .expect("select");
    assert_eq!(name, "first");
    connection.close().await.expect("close");
}

async fn use_mysql(endpoint: &Endpoint<'_>) {
    let mut connection = mysql_options(endpoint)
        .connect()
        .await
        .expect("connect as the datasource's user");
    connection
        .execute("CREATE TABLE items (id INT PRIMARY KEY, name TEXT NOT NULL)")
        .await
        .expect("create a table");
    sqlx::query("INSERT INTO items (id, name) VALUES (?, ?)")
        .bind(1)
        .bind("first")
        .execute(&mut connection)
        .await
        .expect("insert");
    let name: String = sqlx::query_scalar("SELECT name FROM items WHERE id = ?")
        .bind(1)
        .fetch_one(&mut connection)
        .await
        .expect("select");
    assert_eq!(name, "first");
    connection.close().await.expect("close");
}

#[tokio::test]
async fn postgres_becomes_ready_refuses_a_wrong_password_and_configures_idempotently() {
    let container = TestContainer::start(
        &test_image(Engine::Postgres),
        Engine::Postgres.default_port(),
        &[
            "POSTGRES_USER=quantum",
            "POSTGRES_PASSWORD=pg-Secret-1",
            "POSTGRES_DB=quantum",
        ],
        &[],
    )
    .await;
    let password = Secret::new("pg-Secret-1");
    let endpoint = Endpoint {
        engine: Engine::Postgres,
        host: HOST,
        port: container.host_port(),
        user: "quantum",
        password: &password,
        database: "quantum",
    };
    wait_until_ready(&container, &endpoint).await;

    assert_refused_quickly(&endpoint, "not-the-password").await;

    configure_twice(&endpoint).await;
    use_postgres(&endpoint).await;

    // A database the image did not create, named so that it needs quoting.
    let shop = Endpoint {
        database: "Shop \"EU\"; --",
        ..endpoint
    };
    let before = probe(&shop).await;
    assert!(matches!(before, Err(ProbeError::NotReady(_))), "{before:?}");
    configure_twice(&shop).await;
    probe(&shop).await.expect("the created database answers");
    use_postgres(&shop).await;
}

/// MariaDB through either engine, with either family of environment variables.
async fn check_mariadb(engine: Engine, variable_prefix: &str) {
    let env = [
        format!("{variable_prefix}_ROOT_PASSWORD=root-Secret-1"),
        format!("{variable_prefix}_DATABASE=quantum"),
        format!("{variable_prefix}_USER=quantum"),
        format!("{variable_prefix}_PASSWORD=app-Secret-1"),
    ];
    let env: Vec<&str> = env.iter().map(String::as_str).collect();
    let container =
        TestContainer::start(&test_image(engine), engine.default_port(), &env, &[]).await;

    // The image's application user: all privileges on its database, no grant option.
    let app_password = Secret::new("app-Secret-1");
    let app = Endpoint {
        engine,
        host: HOST,
        port: container.host_port(),
        user: "quantum",
        password: &app_password,
        database: "quantum",
    };
    wait_until_ready(&container, &app).await;

    assert_refused_quickly(&app, "not-the-password").await;

    configure_twice(&app).await;
    use_mysql(&app).await;

    // Without the grant option nor the right to create databases, set-up cannot succeed.
    let elsewhere = Endpoint {
        database: "elsewhere",
        ..app
    };
    let denied = configure(&elsewhere).await;
    assert!(matches!(denied, Err(ProbeError::Refused(_))), "{denied:?}");

    // Root holds the grant option: configure creates the database and grants on it.
    let root_password = Secret::new("root-Secret-1");
    let root = Endpoint {
        user: "root",
        password: &root_password,
        database: "shop`s db",
        ..app
    };
    let before = probe(&root).await;
    assert!(matches!(before, Err(ProbeError::NotReady(_))), "{before:?}");
    configure_twice(&root).await;
    probe(&root).await.expect("the created database answers");
    use_mysql(&root).await;

    let mut connection = mysql_options(&root)
        .connect()
        .await
        .expect("connect as root");
    let grants: Vec<String> = sqlx::query("SHOW GRANTS FOR 'root'@'%'")
        .fetch_all(&mut connection)
        .await
        .expect("show grants")
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(
        grants
            .iter()
            .any(|grant| grant.starts_with("GRANT ALL PRIVILEGES ON `shop``s db`.*")),
        "{grants:?}"
    );
    connection.close().await.expect("close");
}

#[tokio::test]
async fn mariadb_as_mysql_becomes_ready_refuses_a_wrong_password_and_configures_idempotently() {
    check_mariadb(Engine::Mysql, "MYSQL").await;
}

#[tokio::test]
async fn mariadb_becomes_ready_refuses_a_wrong_password_and_configures_idempotently() {
    check_mariadb(Engine::Mariadb, "MARIADB").await;
}

/// Sends RESP commands on one connection and returns each reply's first line, with a bulk
/// string's contents in place of its length.
async fn redis_session(port: u16, commands: &[&[&str]]) -> Vec<String> {
    let stream = TcpStream::connect((HOST, port))
        .await
        .expect("connect to Redis");
    let mut stream = BufReader::new(stream);
    let mut replies = Vec::new();
    for command in commands {
        let mut encoded = format!("*{}\r\n", command.len());
        for argument in *command {
            encoded.push_str(&format!("${}\r\n{argument}\r\n", argument.len()));
        }
        stream
            .write_all(encoded.as_bytes())
            .await
            .expect("send a command");
        let mut line = String::new();
        stream.read_line(&mut line).await.expect("read a reply");
        if line.starts_with('$') && line != "$-1\r\n" {
            line.clear();
            stream
                .read_line(&mut line)
                .await
                .expect("read a bulk string");
        }
        replies.push(line.trim_end().to_owned());
    }
    replies
}

#[tokio::test]
async fn redis_becomes_ready_refuses_a_wrong_password_and_configures_idempotently() {
    let container = TestContainer::start(
        &test_image(Engine::Redis),
        Engine::Redis.default_port(),
        &[],
        &["redis-server", "--requirepass", "redis-Secret-1"],
    )
    .await;
    let password = Secret::new("redis-Secret-1");
    let endpoint = Endpoint {
        engine: Engine::Redis,
        host: HOST,
        port: container.host_port(),
        user: "",
        password: &password,
        database: "",
    };
    wait_until_ready(&container, &endpoint).await;

    assert_refused_quickly(&endpoint, "not-the-password").await;
    assert_refused_quickly(&endpoint, "").await;

    configure_twice(&endpoint).await;
    let replies = redis_session(
        container.host_port(),
        &[
            &["AUTH", "redis-Secret-1"],
            &["SET", "greeting", "hello"],
            &["GET", "greeting"],
        ],
    )
    .await;
    assert_eq!(replies, ["+OK", "+OK", "hello"]);
}

#[tokio::test]
async fn probing_a_port_where_nothing_listens_is_not_ready() {
    let port = std::net::TcpListener::bind((HOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let password = Secret::new("any");
    for engine in Engine::ALL {
        let outcome = probe(&Endpoint {
            engine,
            host: HOST,
            port,
            user: "quantum",
            password: &password,
            database: "quantum",
        })
        .await;
        assert!(
            matches!(outcome, Err(ProbeError::NotReady(_))),
            "{engine:?}: {outcome:?}"
        );
    }
}
