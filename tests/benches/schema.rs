//! Schema inspection figures on a real PostgreSQL server. Prints; asserts nothing. Needs Docker,
//! the test images and a keychain: run through `scripts/bench`.
//! - inspect a generated schema of 500 tables (5,000 columns, 600 foreign keys, 500 indexes),
//!   side by side with `pg_dump --schema-only` on the same database in the same run;
//! - the exports of that schema, and its diagram's layout.

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_schema::diagram::{self, DiagramBox, DiagramGraph, DiagramLink};
use quantum_schema::export::{export, ExportFormat};
use quantum_schema::{inspect, Target};
use sqlx::Connection;

const TABLES: usize = 500;
const RUNS: usize = 5;

/// 500 tables of 10 columns: each references the one before it, and the first 101 also one
/// further back, for 600 foreign keys; one secondary index each.
fn generated_schema() -> String {
    let mut sql = String::new();
    for i in 0..TABLES {
        let mut columns = vec![format!("id bigint PRIMARY KEY")];
        columns.push(match i {
            0 => "parent_id bigint".to_owned(),
            _ => format!("parent_id bigint REFERENCES t{:03} (id)", i - 1),
        });
        columns.push(match i {
            1..=101 => format!(
                "other_id bigint REFERENCES t{:03} (id) ON DELETE CASCADE",
                i / 2
            ),
            _ => "other_id bigint".to_owned(),
        });
        for c in 0..7 {
            columns.push(format!("c{c} text NOT NULL DEFAULT ''"));
        }
        sql.push_str(&format!("CREATE TABLE t{i:03} ({});\n", columns.join(", ")));
        sql.push_str(&format!("CREATE INDEX t{i:03}_c0 ON t{i:03} (c0, c1);\n"));
    }
    sql
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let app = TestApp::start("schema bench").await;
    let datasource = app.ready(Engine::Postgres).await;
    let server = app.server(&datasource);
    let url = app.url(&datasource);
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    sqlx::raw_sql(&generated_schema())
        .execute(&mut conn)
        .await
        .expect("schema");
    sqlx::query("ANALYZE")
        .execute(&mut conn)
        .await
        .expect("analyze");
    conn.close().await.expect("close");

    let target = Target::Postgres(server);
    let mut ours = Vec::new();
    let mut schema = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        schema = Some(inspect(&target).await.expect("inspect"));
        ours.push(started.elapsed());
    }
    let schema = schema.expect("inspected");
    let columns: usize = schema.tables.iter().map(|t| t.columns.len()).sum();
    let keys: usize = schema.tables.iter().map(|t| t.foreign_keys.len()).sum();

    let mut theirs = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let output = Command::new("pg_dump")
            .args(["--schema-only", "--no-owner", &url])
            .output()
            .expect("pg_dump (postgresql-client) runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        theirs.push(started.elapsed());
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!(
        "== inspect {} tables, {columns} columns, {keys} foreign keys (median of {RUNS}; target <= 1 s)",
        schema.tables.len()
    );
    println!(
        "   Quantum Admin inspect   {:>8.1} ms",
        ours.as_secs_f64() * 1e3
    );
    println!(
        "   pg_dump --schema-only   {:>8.1} ms",
        theirs.as_secs_f64() * 1e3
    );
    println!(
        "   ratio                   {:>8.2}x pg_dump's time",
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
    println!("== exports of that schema");
    for format in [
        ExportFormat::Mermaid,
        ExportFormat::Dbml,
        ExportFormat::Markdown,
        ExportFormat::Json,
    ] {
        let started = Instant::now();
        let text = export(&schema, format);
        println!(
            "   {:<9} {:>8.1} ms  {:>9} bytes",
            format.extension(),
            started.elapsed().as_secs_f64() * 1e3,
            text.len()
        );
    }
    // The diagram's boxes, sized as the window sizes them (ui/src/features/schema/erd/layout.ts).
    let index: HashMap<&str, u32> = schema
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i as u32))
        .collect();
    let graph = DiagramGraph {
        boxes: schema
            .tables
            .iter()
            .map(|t| DiagramBox {
                width: 240,
                height: 36 + 22 * t.columns.len() as u32 + 6,
            })
            .collect(),
        links: schema
            .tables
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                let index = &index;
                t.foreign_keys.iter().map(move |fk| DiagramLink {
                    source: i as u32,
                    target: index[fk.ref_table.as_str()],
                })
            })
            .collect(),
    };
    let mut layouts = Vec::new();
    let mut corners = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        corners = diagram::layout(&graph).expect("layout");
        layouts.push(started.elapsed());
    }
    let right = corners.iter().map(|c| c.x + 240).max().unwrap_or(0);
    let bottom = corners
        .iter()
        .zip(&graph.boxes)
        .map(|(c, b)| c.y + b.height as i32)
        .max()
        .unwrap_or(0);
    println!(
        "== diagram layout of those {} tables (median of {RUNS}; the window's figures: scripts/erd-bench.mjs)",
        graph.boxes.len()
    );
    println!(
        "   layout in the core      {:>8.1} ms   diagram {right} x {bottom} px at zoom 1",
        median(layouts).as_secs_f64() * 1e3
    );
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
