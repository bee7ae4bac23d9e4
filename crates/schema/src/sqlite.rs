//! SQLite, through its table-valued pragmas joined to `sqlite_master`: one query each for tables,
//! columns, foreign keys and indexes, whatever the number of tables. What SQLite keeps only in its
//! CREATE text (checks, generated columns' expressions, partial and expression indexes) is read
//! from that text with `sqlparser`. SQLite keeps no row estimates or sizes without `ANALYZE` or
//! the `dbstat` table: those stay empty.

use std::collections::HashMap;
use std::path::Path;

use sqlparser::ast::{ColumnOption, Expr, GeneratedExpressionMode, Statement, TableConstraint};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};

use crate::model::*;
use crate::{Error, Result};

/// The file, opened read-only: the browser never writes to it.
async fn open(path: &Path) -> Result<sqlx::SqliteConnection> {
    let label = path.display().to_string();
    if let Err(error) = std::fs::metadata(path) {
        return Err(Error::NoFile {
            path: label,
            reason: error.to_string(),
        });
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .disable_statement_logging()
        .connect()
        .await
        .map_err(|error| Error::from_sqlx(&label, error))?;
    // A file that is not a database opens fine and fails at the first read.
    if let Err(error) = sqlx::query("SELECT count(*) FROM sqlite_master")
        .execute(&mut conn)
        .await
    {
        return Err(Error::NoFile {
            path: label,
            reason: format!("it is not a SQLite database ({error})"),
        });
    }
    Ok(conn)
}

pub(crate) async fn check(path: &Path) -> Result<()> {
    open(path).await.map(drop)
}

pub(crate) async fn inspect(path: &Path) -> Result<Schema> {
    let label = path.display().to_string();
    let fail = |error| Error::from_sqlx(&label, error);
    let mut conn = open(path).await?;

    let objects = sqlx::query(
        "SELECT name, type, sql, tbl_name FROM sqlite_master
         WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let columns = sqlx::query(
        "SELECT m.name AS tbl, p.name, p.type, p.\"notnull\" AS not_null, p.dflt_value, p.pk, p.hidden
         FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
         WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%'
         ORDER BY m.name, p.cid",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let foreign_keys = sqlx::query(
        "SELECT m.name AS tbl, f.id, f.\"table\" AS ref_table, f.\"from\" AS col, f.\"to\" AS ref_col,
                f.on_update, f.on_delete
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let index_columns = sqlx::query(
        "SELECT m.name AS tbl, il.name AS idx, il.\"unique\" AS is_unique, il.origin, ii.name AS col
         FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ii
         WHERE m.type = 'table' AND ii.key = 1 ORDER BY m.name, il.name, ii.seqno",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;

    let mut tables: Vec<Table> = Vec::new();
    let mut index_sql = HashMap::new();
    for row in &objects {
        let name: String = row.get("name");
        let kind: String = row.get("type");
        let sql: Option<String> = row.get("sql");
        match kind.as_str() {
            "index" => {
                index_sql.insert(name, sql.unwrap_or_default());
            }
            _ => tables.push(Table {
                schema: None,
                name,
                kind: if kind == "view" {
                    TableKind::View
                } else {
                    TableKind::Table
                },
                comment: None,
                columns: Vec::new(),
                primary_key: None,
                foreign_keys: Vec::new(),
                uniques: Vec::new(),
                indexes: Vec::new(),
                checks: Vec::new(),
                row_estimate: None,
                size_bytes: None,
                definition: if kind == "view" { sql } else { None },
            }),
        }
    }
    let table_sql: HashMap<String, String> = objects
        .iter()
        .filter(|row| row.get::<String, _>("type") == "table")
        .map(|row| {
            (
                row.get("name"),
                row.get::<Option<String>, _>("sql").unwrap_or_default(),
            )
        })
        .collect();
    let position: HashMap<String, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();

    let mut primary: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for row in &columns {
        let table: String = row.get("tbl");
        let Some(&i) = position.get(&table) else {
            continue;
        };
        let name: String = row.get("name");
        let pk: i64 = row.get("pk");
        let hidden: i64 = row.get("hidden");
        if pk > 0 {
            primary.entry(table).or_default().push((pk, name.clone()));
        }
        tables[i].columns.push(Column {
            name,
            data_type: row.get("type"),
            nullable: row.get::<i64, _>("not_null") == 0 && pk == 0,
            default: row.get("dflt_value"),
            // Filled from the CREATE text below: the pragma says only that it is generated.
            generated: (hidden == 2 || hidden == 3).then(|| Generated {
                expression: String::new(),
                stored: hidden == 3,
            }),
            auto_increment: false,
            comment: None,
        });
    }
    for (table, mut keys) in primary {
        keys.sort();
        let t = &mut tables[position[&table]];
        let columns: Vec<String> = keys.into_iter().map(|(_, name)| name).collect();
        // A single INTEGER PRIMARY KEY is the rowid: SQLite fills it.
        if let [only] = columns.as_slice() {
            if let Some(column) = t.columns.iter_mut().find(|c| &c.name == only) {
                column.auto_increment = column.data_type.eq_ignore_ascii_case("INTEGER");
            }
        }
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns,
        });
    }

    let mut keys: Vec<(String, i64, ForeignKey)> = Vec::new();
    for row in &foreign_keys {
        let table: String = row.get("tbl");
        let id: i64 = row.get("id");
        let column: String = row.get("col");
        let ref_column: Option<String> = row.get("ref_col");
        match keys.last_mut() {
            Some((t, i, key)) if *t == table && *i == id => {
                key.columns.push(column);
                key.ref_columns.extend(ref_column);
            }
            _ => keys.push((
                table,
                id,
                ForeignKey {
                    name: None,
                    columns: vec![column],
                    ref_schema: None,
                    ref_table: row.get("ref_table"),
                    ref_columns: ref_column.into_iter().collect(),
                    on_delete: RefAction::from_sql(row.get("on_delete")),
                    on_update: RefAction::from_sql(row.get("on_update")),
                },
            )),
        }
    }
    for (table, _, mut key) in keys {
        // `REFERENCES parent` without columns means the parent's primary key.
        if key.ref_columns.is_empty() {
            key.ref_columns = position
                .get(&key.ref_table)
                .and_then(|&i| tables[i].primary_key.as_ref())
                .map(|pk| pk.columns.clone())
                .unwrap_or_default();
        }
        // pragma_foreign_key_list lists a table's keys last first.
        tables[position[&table]].foreign_keys.insert(0, key);
    }

    let mut grouped: Vec<IndexRows> = Vec::new();
    for row in &index_columns {
        let table: String = row.get("tbl");
        let index: String = row.get("idx");
        let column: Option<String> = row.get("col");
        match grouped.last_mut() {
            Some(last) if last.table == table && last.index == index => last.columns.push(column),
            _ => grouped.push(IndexRows {
                table,
                index,
                unique: row.get::<i64, _>("is_unique") == 1,
                origin: row.get("origin"),
                columns: vec![column],
            }),
        }
    }
    for IndexRows {
        table,
        index,
        unique,
        origin,
        columns,
    } in grouped
    {
        let t = &mut tables[position[&table]];
        match origin.as_str() {
            "u" => t.uniques.push(UniqueConstraint {
                name: None,
                columns: columns.into_iter().flatten().collect(),
            }),
            "c" => {
                let parsed = index_sql.get(&index).and_then(|sql| parse_index(sql));
                let expression = columns.iter().any(Option::is_none);
                t.indexes.push(Index {
                    columns: match (&parsed, expression) {
                        (Some((keys, _)), true) => keys.clone(),
                        _ => columns.into_iter().flatten().collect(),
                    },
                    name: index,
                    unique,
                    method: None,
                    predicate: parsed.and_then(|(_, predicate)| predicate),
                    expression,
                });
            }
            _ => {}
        }
    }

    for table in &mut tables {
        if let Some(sql) = table_sql.get(&table.name) {
            read_create_table(table, sql);
        }
    }
    let database = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or(label);
    Ok(Schema {
        engine: SchemaEngine::Sqlite,
        database,
        tables,
        enums: Vec::new(),
    })
}

/// One index's rows of `pragma_index_xinfo`: a key is `None` where it is an expression.
struct IndexRows {
    table: String,
    index: String,
    unique: bool,
    /// `c` (CREATE INDEX), `u` (a UNIQUE constraint) or `pk`.
    origin: String,
    columns: Vec<Option<String>>,
}

/// Checks and generated columns' expressions, from the table's CREATE text.
fn read_create_table(table: &mut Table, sql: &str) {
    let Ok(statements) = Parser::parse_sql(&SQLiteDialect {}, sql) else {
        tracing::debug!(table = %table.name, "CREATE TABLE text not understood; checks skipped");
        return;
    };
    let Some(Statement::CreateTable(create)) = statements.into_iter().next() else {
        return;
    };
    for definition in &create.columns {
        let Some(column) = table
            .columns
            .iter_mut()
            .find(|c| c.name == definition.name.value)
        else {
            continue;
        };
        for option in &definition.options {
            match &option.option {
                ColumnOption::Check(check) => table.checks.push(Check {
                    name: check
                        .name
                        .as_ref()
                        .or(option.name.as_ref())
                        .map(|n| n.value.clone()),
                    expression: check.expr.to_string(),
                }),
                ColumnOption::Generated {
                    generation_expr: Some(expr),
                    generation_expr_mode,
                    ..
                } => {
                    column.generated = Some(Generated {
                        expression: expr.to_string(),
                        stored: matches!(
                            generation_expr_mode,
                            Some(GeneratedExpressionMode::Stored)
                        ),
                    });
                }
                _ => {}
            }
        }
    }
    for constraint in &create.constraints {
        if let TableConstraint::Check(check) = constraint {
            table.checks.push(Check {
                name: check.name.as_ref().map(|n| n.value.clone()),
                expression: check.expr.to_string(),
            });
        }
    }
}

/// An index's keys as written and its WHERE condition, from its CREATE INDEX text.
fn parse_index(sql: &str) -> Option<(Vec<String>, Option<String>)> {
    let statements = Parser::parse_sql(&SQLiteDialect {}, sql).ok()?;
    match statements.into_iter().next()? {
        Statement::CreateIndex(index) => Some((
            index
                .columns
                .iter()
                .map(|c| match &c.column.expr {
                    Expr::Identifier(ident) => ident.value.clone(),
                    expr => expr.to_string(),
                })
                .collect(),
            index.predicate.as_ref().map(Expr::to_string),
        )),
        _ => None,
    }
}
