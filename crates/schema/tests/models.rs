//! Model code generated from the SQLite fixture: golden files (`UPDATE_GOLDEN=1` rewrites them),
//! the Rust compiled here (the golden is a module of this test), the SQLAlchemy models imported by
//! Python with SQLAlchemy (installed by `scripts/setup --for-tests`) and their tables compared with
//! the inspector's; the TypeScript is type-checked by the UI's `tsc` (`ui/src/features/schema`).

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{golden, shop};
use quantum_schema::models::{generate, ModelLanguage};
use quantum_schema::TableKind;

#[allow(dead_code)]
#[path = "golden/shop.sqlite.rs"]
mod generated;

#[tokio::test]
async fn models_match_the_golden_files() {
    let (_dir, schema) = shop().await;
    for language in [
        ModelLanguage::Sqlalchemy,
        ModelLanguage::Typescript,
        ModelLanguage::Rust,
    ] {
        golden(
            &format!("shop.sqlite.{}", language.extension()),
            &generate(&schema, language),
        );
    }
}

#[test]
fn the_generated_rust_structs_compile_and_keep_nullability() {
    let customer = generated::Customers {
        id: 1,
        email: "a@b.c".into(),
        name: "A".into(),
        referred_by: None,
        created_at: "2026-01-01".into(),
    };
    assert_eq!(customer.referred_by, None);
}

/// The models imported by SQLAlchemy describe the inspected tables: the same columns, primary
/// keys, nullability and foreign keys.
#[tokio::test]
async fn the_sqlalchemy_models_import_and_describe_the_same_tables() {
    let (dir, schema) = shop().await;
    std::fs::write(
        dir.path().join("shop_models.py"),
        generate(&schema, ModelLanguage::Sqlalchemy),
    )
    .expect("write");
    let python = std::env::var("QUANTUM_PYTHON").unwrap_or_else(|_| {
        format!(
            "{}/.cache/quantum-admin/python/bin/python",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let script = r#"
import json
import shop_models
from sqlalchemy.orm import configure_mappers
configure_mappers()  # relationships resolve: foreign keys, remote sides, class names
out = {}
for table in shop_models.Base.metadata.sorted_tables:
    out[table.name] = {
        "columns": [[c.name, c.nullable] for c in table.columns],
        "primary": [c.name for c in table.primary_key.columns],
        "foreign": sorted([[list(fk.column_keys), fk.referred_table.name, [e.column.name for e in fk.elements]]
                           for fk in table.foreign_key_constraints]),
    }
print(json.dumps(out, sort_keys=True))
"#;
    let output = Command::new(&python)
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|error| {
            panic!("{python} is needed (scripts/setup --for-tests installs SQLAlchemy): {error}")
        });
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let described: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("json");

    let mut expected = BTreeMap::new();
    for table in &schema.tables {
        let mut foreign: Vec<serde_json::Value> = table
            .foreign_keys
            .iter()
            .map(|k| serde_json::json!([k.columns, k.ref_table, k.ref_columns]))
            .collect();
        foreign.sort_by_key(|v| v.to_string());
        let primary = match table.kind {
            TableKind::View => Vec::new(),
            _ => table
                .primary_key
                .as_ref()
                .map(|pk| pk.columns.clone())
                .unwrap_or_default(),
        };
        expected.insert(
            table.name.clone(),
            serde_json::json!({
                "columns": table.columns.iter().map(|c| serde_json::json!([c.name, c.nullable])).collect::<Vec<_>>(),
                "primary": primary,
                "foreign": foreign,
            }),
        );
    }
    assert_eq!(described, expected);
}
