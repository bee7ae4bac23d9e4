//! The schema inspector on real PostgreSQL and MariaDB servers (the test images) holding the
//! fixture schema of `crates/schema/tests/fixtures`, and what it says when a connection fails.

use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_schema::export::{export, ExportFormat};
use quantum_schema::{inspect, RefAction, Schema, Server, TableKind, Target, TlsMode};
use quantum_secrets::Secret;
use sqlx::Connection;

fn url(scheme: &str, server: &Server) -> String {
    format!(
        "{scheme}://{}:{}@{}:{}/{}",
        server.username,
        server.password.expose(),
        server.host,
        server.port,
        server.database
    )
}

fn table<'a>(schema: &'a Schema, qualified: &str) -> &'a quantum_schema::Table {
    schema
        .tables
        .iter()
        .find(|t| t.qualified_name() == qualified)
        .unwrap_or_else(|| {
            panic!(
                "{qualified} in {:?}",
                schema
                    .tables
                    .iter()
                    .map(|t| t.qualified_name())
                    .collect::<Vec<_>>()
            )
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_every_schema_with_keys_indexes_checks_enums_and_views() {
    let app = TestApp::start("schema pg").await;
    let datasource = app.ready(Engine::Postgres).await;
    let server = app.server(&datasource);
    let mut conn = sqlx::PgConnection::connect(&url("postgres", &server))
        .await
        .expect("connect");
    sqlx::raw_sql(include_str!(
        "../../crates/schema/tests/fixtures/shop.postgres.sql"
    ))
    .execute(&mut conn)
    .await
    .expect("fixture");
    conn.close().await.expect("close");

    let schema = inspect(&Target::Postgres(server.clone()))
        .await
        .expect("inspect");
    let customers = table(&schema, "public.customers");
    assert_eq!(customers.comment.as_deref(), Some("People who buy"));
    let email = customers.column("email").expect("email");
    assert_eq!(email.data_type, "character varying(200)");
    assert_eq!(email.comment.as_deref(), Some("Login and receipts"));
    assert!(customers.column("id").is_some_and(|c| c.auto_increment));
    assert_eq!(customers.uniques[0].columns, ["email"]);
    assert_eq!(customers.foreign_keys[0].on_delete, RefAction::SetNull);
    assert_eq!(
        customers.checks[0].expression,
        "(length((email)::text) > 3)"
    );
    let gin = customers
        .indexes
        .iter()
        .find(|i| i.name == "customers_tags")
        .expect("gin");
    assert_eq!(gin.method.as_deref(), Some("gin"));
    let lower = customers
        .indexes
        .iter()
        .find(|i| i.name == "customers_email_lower")
        .expect("expression index");
    assert!(lower.expression);
    assert_eq!(lower.columns, ["lower(email::text)"]);
    assert!(customers.size_bytes.is_some_and(|s| s > 0));

    let products = table(&schema, "public.products");
    assert_eq!(
        products.primary_key.as_ref().map(|pk| pk.columns.len()),
        Some(2)
    );
    let generated = products
        .column("title_lower")
        .and_then(|c| c.generated.clone())
        .expect("generated");
    assert!(generated.stored && generated.expression.contains("lower(title)"));

    let orders = table(&schema, "sales.orders");
    assert!(
        orders.column("id").is_some_and(|c| c.auto_increment),
        "serial"
    );
    assert_eq!(
        orders.column("status").map(|c| c.data_type.as_str()),
        Some("order_status")
    );
    let open = orders
        .indexes
        .iter()
        .find(|i| i.name == "open_orders")
        .expect("partial");
    assert!(open
        .predicate
        .as_deref()
        .is_some_and(|p| p.contains("'shipped'")));
    let items = table(&schema, "sales.order_items");
    let composite = items
        .foreign_keys
        .iter()
        .find(|k| k.ref_table == "products")
        .expect("composite key");
    assert_eq!(
        (
            composite.columns.clone(),
            composite.ref_schema.as_deref(),
            composite.on_update
        ),
        (
            vec!["sku".to_owned(), "variant".to_owned()],
            Some("public"),
            RefAction::Cascade
        )
    );
    assert_eq!(table(&schema, "sales.order_totals").kind, TableKind::View);
    assert_eq!(
        table(&schema, "sales.daily").kind,
        TableKind::MaterializedView
    );
    assert_eq!(schema.enums[0].qualified_name(), "public.order_status");
    assert_eq!(schema.enums[0].values, ["new", "paid", "shipped"]);

    let mermaid = export(&schema, ExportFormat::Mermaid);
    assert!(
        mermaid.contains("public_products ||--o{ sales_order_items : \"sku, variant\""),
        "{mermaid}"
    );
    let dbml = export(&schema, ExportFormat::Dbml);
    assert!(dbml.contains("Ref order_items_sku_variant_fkey: sales.order_items.(sku, variant) > public.products.(sku, variant) [update: cascade]"), "{dbml}");

    // The SQLAlchemy models of both schemas import, and their relations resolve.
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("pg_models.py"),
        export(&schema, ExportFormat::Sqlalchemy),
    )
    .expect("models");
    let python = format!(
        "{}/.cache/quantum-admin/python/bin/python",
        std::env::var("HOME").unwrap_or_default()
    );
    let output = std::process::Command::new(std::env::var("QUANTUM_PYTHON").unwrap_or(python))
        .args([
            "-c",
            "import pg_models\nfrom sqlalchemy.orm import configure_mappers\nconfigure_mappers()\n\
             print(sorted(pg_models.Base.metadata.tables))",
        ])
        .current_dir(dir.path())
        .output()
        .expect("python with SQLAlchemy (scripts/setup --for-tests)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tables = String::from_utf8_lossy(&output.stdout);
    assert!(
        tables.contains("'public.customers'") && tables.contains("'sales.order_items'"),
        "{tables}"
    );

    // A wrong password and a closed port say which is which.
    let wrong = Server {
        password: Secret::new("not-the-password"),
        ..server.clone()
    };
    let error = inspect(&Target::Postgres(wrong)).await.expect_err("auth");
    assert_eq!(
        quantum_kernel::Coded::code(&error),
        "schema.auth_failed",
        "{error}"
    );
    let closed = Server {
        port: free_port(),
        ..server.clone()
    };
    let error = inspect(&Target::Postgres(closed))
        .await
        .expect_err("refused");
    assert_eq!(
        quantum_kernel::Coded::code(&error),
        "schema.refused",
        "{error}"
    );
    // The test server has no TLS: asking for it is refused as a TLS failure, not a vague one.
    let tls = Server {
        tls: TlsMode::Require,
        ..server
    };
    let error = inspect(&Target::Postgres(tls)).await.expect_err("no TLS");
    assert_eq!(quantum_kernel::Coded::code(&error), "schema.tls", "{error}");
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb_keys_indexes_checks_enums_comments_and_views() {
    let app = TestApp::start("schema maria").await;
    let datasource = app.ready(Engine::Mariadb).await;
    let server = app.server(&datasource);
    let mut conn = sqlx::MySqlConnection::connect(&url("mysql", &server))
        .await
        .expect("connect");
    sqlx::raw_sql(include_str!(
        "../../crates/schema/tests/fixtures/shop.mariadb.sql"
    ))
    .execute(&mut conn)
    .await
    .expect("fixture");
    conn.close().await.expect("close");

    let schema = inspect(&Target::Mysql(server.clone()))
        .await
        .expect("inspect");
    let customers = table(&schema, "customers");
    assert_eq!(customers.comment.as_deref(), Some("People who buy"));
    assert_eq!(
        customers.column("email").and_then(|c| c.comment.as_deref()),
        Some("Login and receipts")
    );
    assert!(customers.column("id").is_some_and(|c| c.auto_increment));
    assert_eq!(customers.uniques[0].name.as_deref(), Some("email_unique"));
    let referral = &customers.foreign_keys[0];
    assert_eq!(
        (referral.ref_table.as_str(), referral.on_delete),
        ("customers", RefAction::SetNull)
    );
    assert!(customers
        .checks
        .iter()
        .any(|c| c.name.as_deref() == Some("email_long_enough")));

    let products = table(&schema, "products");
    assert_eq!(
        products.primary_key.as_ref().map(|pk| pk.columns.clone()),
        Some(vec!["sku".to_owned(), "variant".to_owned()])
    );
    let generated = products
        .column("title_lower")
        .and_then(|c| c.generated.clone())
        .expect("generated");
    assert!(
        generated.stored && generated.expression.to_lowercase().contains("`title`"),
        "{generated:?}"
    );

    let orders = table(&schema, "orders");
    let by_customer = orders
        .indexes
        .iter()
        .find(|i| i.name == "orders_by_customer")
        .expect("index");
    assert_eq!(by_customer.columns, ["customer_id", "placed_at"]);
    assert_eq!(schema.enums[0].name, "orders.status");
    assert_eq!(schema.enums[0].values, ["new", "paid", "shipped"]);
    let items = table(&schema, "order_items");
    let composite = items
        .foreign_keys
        .iter()
        .find(|k| k.name.as_deref() == Some("items_product"))
        .expect("composite");
    assert_eq!(composite.ref_columns, ["sku", "variant"]);
    assert_eq!(composite.on_update, RefAction::Cascade);
    assert_eq!(table(&schema, "order_totals").kind, TableKind::View);

    // MariaDB's refusals are told apart by its error numbers (sqlx's code is the SQLSTATE).
    let wrong = Server {
        password: Secret::new("not-the-password"),
        ..server.clone()
    };
    let error = inspect(&Target::Mysql(wrong)).await.expect_err("auth");
    assert_eq!(
        quantum_kernel::Coded::code(&error),
        "schema.auth_failed",
        "{error}"
    );
    let elsewhere = Server {
        database: "nowhere".into(),
        ..server.clone()
    };
    let error = inspect(&Target::Mysql(elsewhere))
        .await
        .expect_err("no such database");
    assert!(
        ["schema.no_database", "schema.auth_failed"].contains(&quantum_kernel::Coded::code(&error)),
        "{error}"
    );
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// A PostgreSQL server with TLS on, its certificate the image's self-signed "snakeoil" one (made
/// by Debian's ssl-cert package): each TLS setting does what its label in the form says.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_over_tls_prefer_require_and_verify_full_do_what_they_say() {
    let container = quantum_integration_tests::TestContainer::start(
        &quantum_integration_tests::test_image(Engine::Postgres),
        Engine::Postgres.default_port(),
        &[
            "POSTGRES_USER=quantum",
            "POSTGRES_PASSWORD=tls-Secret-1",
            "POSTGRES_DB=quantum",
        ],
        &[
            "postgres",
            "-c",
            "ssl=on",
            "-c",
            "ssl_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem",
            "-c",
            "ssl_key_file=/etc/ssl/private/ssl-cert-snakeoil.key",
        ],
    )
    .await;
    let server = |tls| Server {
        host: "127.0.0.1".into(),
        port: container.host_port(),
        database: "quantum".into(),
        username: "quantum".into(),
        password: Secret::new("tls-Secret-1"),
        tls,
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    while let Err(error) = quantum_schema::check(&Target::Postgres(server(TlsMode::Require))).await
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the TLS server is not ready: {error}\n{}",
            container.logs().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }

    // Whether the session is encrypted, as the server sees it.
    let encrypted = |tls| async move {
        let mut conn = quantum_schema::connect_postgres(&server(tls))
            .await
            .expect("connect");
        let ssl: bool =
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .fetch_one(&mut conn)
                .await
                .expect("pg_stat_ssl");
        ssl
    };
    assert!(encrypted(TlsMode::Require).await, "require: encrypted");
    assert!(
        encrypted(TlsMode::Prefer).await,
        "prefer: encrypted when offered"
    );
    assert!(!encrypted(TlsMode::Disable).await, "disable: plain");

    // The certificate is self-signed: checking it must fail, and say it is about TLS.
    let error = inspect(&Target::Postgres(server(TlsMode::VerifyFull)))
        .await
        .expect_err("an untrusted certificate");
    assert_eq!(quantum_kernel::Coded::code(&error), "schema.tls", "{error}");
    assert!(
        error
            .to_string()
            .contains("not signed by an authority this system trusts"),
        "{error}"
    );
}
