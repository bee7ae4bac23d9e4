//! The inspector on a real SQLite file holding the fixture schema, and the exports of that schema
//! against golden files (`UPDATE_GOLDEN=1 cargo test -p quantum-schema` rewrites them; review the
//! diff). The same schema on PostgreSQL and MariaDB is `tests/integration/schema.rs`.

mod common;

use std::path::PathBuf;

use common::{golden, shop};
use quantum_schema::export::{export, ExportFormat};
use quantum_schema::{inspect, RefAction, TableKind, Target};

#[tokio::test]
async fn tables_columns_keys_indexes_checks_and_views_are_read() {
    let (_dir, schema) = shop().await;
    let names: Vec<_> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "customers",
            "order_items",
            "order_totals",
            "orders",
            "products"
        ]
    );
    let table = |name: &str| schema.tables.iter().find(|t| t.name == name).expect(name);

    let customers = table("customers");
    let id = customers.column("id").expect("id");
    assert!(id.auto_increment && !id.nullable);
    assert_eq!(
        customers
            .column("created_at")
            .and_then(|c| c.default.as_deref()),
        Some("CURRENT_TIMESTAMP")
    );
    assert_eq!(customers.uniques[0].columns, ["email"]);
    let referral = &customers.foreign_keys[0];
    assert_eq!(
        (referral.ref_table.as_str(), referral.on_delete),
        ("customers", RefAction::SetNull)
    );
    assert_eq!(
        customers.checks[0].name.as_deref(),
        Some("email_long_enough")
    );
    assert_eq!(customers.checks[0].expression, "length(email) > 3");
    let lower = customers
        .indexes
        .iter()
        .find(|i| i.name == "customers_email_lower")
        .expect("expression index");
    assert!(lower.expression);
    assert_eq!(lower.columns, ["lower(email)"]);

    let products = table("products");
    assert_eq!(
        products.primary_key.as_ref().map(|pk| pk.columns.clone()),
        Some(vec!["sku".to_owned(), "variant".to_owned()])
    );
    let generated = products
        .column("title_lower")
        .and_then(|c| c.generated.clone());
    assert_eq!(
        generated.map(|g| (g.expression, g.stored)),
        Some(("lower(title)".to_owned(), false))
    );
    assert_eq!(products.checks[0].expression, "price_cents >= 0");
    assert!(products
        .indexes
        .iter()
        .any(|i| i.name == "products_title" && i.unique));

    let items = table("order_items");
    assert_eq!(
        items.primary_key.as_ref().map(|pk| pk.columns.len()),
        Some(3)
    );
    let composite = items
        .foreign_keys
        .iter()
        .find(|k| k.ref_table == "products")
        .expect("composite key");
    assert_eq!(composite.columns, ["sku", "variant"]);
    assert_eq!(composite.ref_columns, ["sku", "variant"]);
    assert_eq!(composite.on_update, RefAction::Cascade);

    let orders = table("orders");
    let open = orders
        .indexes
        .iter()
        .find(|i| i.name == "open_orders")
        .expect("partial");
    assert_eq!(open.predicate.as_deref(), Some("status <> 'done'"));
    let view = table("order_totals");
    assert_eq!(view.kind, TableKind::View);
    assert!(view
        .definition
        .as_deref()
        .is_some_and(|d| d.contains("GROUP BY o.id")));
}

#[tokio::test]
async fn a_missing_file_says_so() {
    let error = inspect(&Target::Sqlite(PathBuf::from("/nonexistent/shop.sqlite3")))
        .await
        .expect_err("missing");
    assert_eq!(quantum_kernel::Coded::code(&error), "schema.no_file");
}

#[tokio::test]
async fn exports_match_the_golden_files() {
    let (_dir, schema) = shop().await;
    for format in [
        ExportFormat::Mermaid,
        ExportFormat::Dbml,
        ExportFormat::Markdown,
        ExportFormat::Json,
    ] {
        golden(
            &format!("shop.sqlite.{}", format.extension()),
            &export(&schema, format),
        );
    }
}
