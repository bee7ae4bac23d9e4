//! PostgreSQL, every schema but the system ones, from the catalogs in five queries whatever the
//! number of tables: relations, columns, constraints, indexes and enums. Expressions (defaults,
//! checks, index keys and predicates) come from the server's own `pg_get_expr`/`pg_get_indexdef`.

use std::collections::HashMap;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, PgConnection, Row};

use crate::model::*;
use crate::{Error, Result, Server, TlsMode};

const USER_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";
const RELATION_KINDS: &str = "c.relkind IN ('r', 'p', 'v', 'm', 'f')";

pub async fn connect(server: &Server) -> Result<PgConnection> {
    let options = PgConnectOptions::new()
        .host(&server.host)
        .port(server.port)
        .database(&server.database)
        .username(&server.username)
        .password(server.password.expose())
        .ssl_mode(match server.tls {
            TlsMode::Disable => PgSslMode::Disable,
            TlsMode::Prefer => PgSslMode::Prefer,
            TlsMode::Require => PgSslMode::Require,
            TlsMode::VerifyFull => PgSslMode::VerifyFull,
        })
        .disable_statement_logging();
    server.within_timeout(options.connect()).await
}

pub(crate) async fn inspect(server: &Server) -> Result<Schema> {
    let mut conn = connect(server).await?;
    let fail = |error| Error::from_sqlx(&server.label(), error);

    let relations = sqlx::query(&format!(
        "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name,
                c.relkind::text AS kind, obj_description(c.oid, 'pg_class') AS comment,
                c.reltuples::float8 AS row_estimate,
                CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_total_relation_size(c.oid)::int8 END AS size_bytes,
                CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS definition
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE {RELATION_KINDS} AND {USER_SCHEMAS} AND NOT c.relispartition
         ORDER BY n.nspname, c.relname"
    ))
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let columns = sqlx::query(&format!(
        "SELECT a.attrelid::int8 AS oid, a.attname::text AS name,
                format_type(a.atttypid, a.atttypmod) AS data_type, NOT a.attnotnull AS nullable,
                pg_get_expr(d.adbin, d.adrelid) AS expr, a.attgenerated::text AS generated,
                a.attidentity::text AS identity, col_description(a.attrelid, a.attnum) AS comment
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attnum > 0 AND NOT a.attisdropped AND {RELATION_KINDS} AND {USER_SCHEMAS}
         ORDER BY a.attrelid, a.attnum"
    ))
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let constraints = sqlx::query(&format!(
        "SELECT con.conrelid::int8 AS oid, con.conname::text AS name, con.contype::text AS kind,
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                      ORDER BY k.ord) AS columns,
                fn.nspname::text AS ref_schema, fc.relname::text AS ref_table,
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                      ORDER BY k.ord) AS ref_columns,
                con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete,
                pg_get_expr(con.conbin, con.conrelid) AS check_expr
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class fc ON fc.oid = con.confrelid
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
         WHERE con.contype IN ('p', 'f', 'u', 'c') AND {USER_SCHEMAS}
         ORDER BY con.conrelid, con.conname"
    ))
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    // Indexes behind a primary key or unique constraint are shown as those constraints.
    let indexes = sqlx::query(&format!(
        "SELECT i.indrelid::int8 AS oid, ic.relname::text AS name, i.indisunique AS is_unique,
                am.amname::text AS method,
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, true)
                      FROM generate_series(0, i.indnkeyatts - 1) k ORDER BY k) AS keys,
                pg_get_expr(i.indpred, i.indrelid) AS predicate,
                i.indexprs IS NOT NULL AS has_expressions
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_am am ON am.oid = ic.relam
         WHERE {USER_SCHEMAS}
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                           AND con.contype IN ('p', 'u'))
         ORDER BY i.indrelid, ic.relname"
    ))
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let enums = sqlx::query(
        "SELECT n.nspname::text AS schema, t.typname::text AS name,
                array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
         GROUP BY n.nspname, t.typname ORDER BY n.nspname, t.typname",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;

    let mut tables = Vec::with_capacity(relations.len());
    let mut by_oid = HashMap::with_capacity(relations.len());
    for row in &relations {
        by_oid.insert(row.get::<i64, _>("oid"), tables.len());
        let estimate: f64 = row.get("row_estimate");
        tables.push(Table {
            schema: Some(row.get("schema")),
            name: row.get("name"),
            kind: match row.get::<String, _>("kind").as_str() {
                "p" => TableKind::PartitionedTable,
                "v" => TableKind::View,
                "m" => TableKind::MaterializedView,
                "f" => TableKind::ForeignTable,
                _ => TableKind::Table,
            },
            comment: row.get("comment"),
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            uniques: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            // -1 (PostgreSQL 14+) means never analyzed: no estimate, rather than "empty".
            row_estimate: (estimate >= 0.0).then_some(estimate as i64),
            size_bytes: row.get("size_bytes"),
            definition: row.get("definition"),
        });
    }
    for row in &columns {
        let Some(&i) = by_oid.get(&row.get::<i64, _>("oid")) else {
            continue;
        };
        let expr: Option<String> = row.get("expr");
        let generated: String = row.get("generated");
        let identity: String = row.get("identity");
        let is_generated = !generated.is_empty();
        let serial = expr.as_deref().is_some_and(|e| e.starts_with("nextval("));
        tables[i].columns.push(Column {
            name: row.get("name"),
            data_type: row.get("data_type"),
            nullable: row.get("nullable"),
            default: if is_generated { None } else { expr.clone() },
            generated: is_generated.then(|| Generated {
                expression: expr.unwrap_or_default(),
                stored: generated == "s",
            }),
            auto_increment: !identity.is_empty() || serial,
            comment: row.get("comment"),
        });
    }
    for row in &constraints {
        let Some(&i) = by_oid.get(&row.get::<i64, _>("oid")) else {
            continue;
        };
        let name: String = row.get("name");
        let columns: Vec<String> = row.get("columns");
        let table = &mut tables[i];
        match row.get::<String, _>("kind").as_str() {
            "p" => {
                table.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                })
            }
            "u" => table.uniques.push(UniqueConstraint {
                name: Some(name),
                columns,
            }),
            "c" => table.checks.push(Check {
                name: Some(name),
                expression: row
                    .get::<Option<String>, _>("check_expr")
                    .unwrap_or_default(),
            }),
            _ => table.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns,
                ref_schema: row.get("ref_schema"),
                ref_table: row
                    .get::<Option<String>, _>("ref_table")
                    .unwrap_or_default(),
                ref_columns: row.get("ref_columns"),
                on_delete: action(&row.get::<String, _>("on_delete")),
                on_update: action(&row.get::<String, _>("on_update")),
            }),
        }
    }
    for row in &indexes {
        let Some(&i) = by_oid.get(&row.get::<i64, _>("oid")) else {
            continue;
        };
        tables[i].indexes.push(Index {
            name: row.get("name"),
            columns: row.get("keys"),
            unique: row.get("is_unique"),
            method: Some(row.get("method")),
            predicate: row.get("predicate"),
            expression: row.get("has_expressions"),
        });
    }
    Ok(Schema {
        engine: SchemaEngine::Postgres,
        database: server.database.clone(),
        tables,
        enums: enums
            .iter()
            .map(|row| EnumType {
                schema: Some(row.get("schema")),
                name: row.get("name"),
                values: row.get("labels"),
            })
            .collect(),
    })
}

/// pg_constraint's one-letter referential actions.
fn action(code: &str) -> RefAction {
    match code {
        "r" => RefAction::Restrict,
        "c" => RefAction::Cascade,
        "n" => RefAction::SetNull,
        "d" => RefAction::SetDefault,
        _ => RefAction::NoAction,
    }
}
