//! What a script would do, read before it runs: each statement parsed with `sqlparser` in the
//! engine's dialect and sorted into reads, writes, schema changes and destructive statements
//! (DROP, TRUNCATE, DELETE or UPDATE without WHERE, ALTER … DROP), the last naming what they hit.

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlparser::ast::{AlterTableOperation, FromTable, Statement};
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use crate::{Error, Result};
use quantum_schema::SchemaEngine;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum StatementKind {
    Read,
    Write,
    Schema,
    /// Loses data or structure: asks for confirmation first.
    Destructive,
    /// Anything else (SET, SHOW, transactions, …).
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Classified {
    pub kind: StatementKind,
    /// The statement, as the parser writes it back (one line).
    pub text: String,
    /// For a destructive statement: what it would drop, empty or change everywhere.
    pub affects: Vec<String>,
}

fn dialect(engine: SchemaEngine) -> Box<dyn Dialect> {
    match engine {
        SchemaEngine::Postgres => Box::new(PostgreSqlDialect {}),
        SchemaEngine::Mysql => Box::new(MySqlDialect {}),
        SchemaEngine::Sqlite => Box::new(SQLiteDialect {}),
    }
}

pub fn classify(sql: &str, engine: SchemaEngine) -> Result<Vec<Classified>> {
    let statements = Parser::parse_sql(dialect(engine).as_ref(), sql)
        .map_err(|error| Error::Parse(error.to_string()))?;
    Ok(statements.iter().map(one).collect())
}

fn one(statement: &Statement) -> Classified {
    let text = statement.to_string();
    let (kind, affects) = match statement {
        Statement::Query(_) => (StatementKind::Read, Vec::new()),
        Statement::Drop {
            names, object_type, ..
        } => (
            StatementKind::Destructive,
            names.iter().map(|n| format!("{object_type} {n}")).collect(),
        ),
        Statement::Truncate(truncate) => (
            StatementKind::Destructive,
            truncate
                .table_names
                .iter()
                .map(|t| format!("every row of {}", t.name))
                .collect(),
        ),
        Statement::Delete(delete) if delete.selection.is_none() => {
            let tables = match &delete.from {
                FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
            };
            (
                StatementKind::Destructive,
                tables
                    .iter()
                    .map(|t| format!("every row of {}", t.relation))
                    .collect(),
            )
        }
        Statement::Update(update) if update.selection.is_none() => (
            StatementKind::Destructive,
            vec![format!("every row of {}", update.table.relation)],
        ),
        Statement::AlterTable(alter) => {
            let dropped: Vec<String> = alter
                .operations
                .iter()
                .filter_map(|operation| match operation {
                    AlterTableOperation::DropColumn { column_names, .. } => Some(
                        column_names
                            .iter()
                            .map(|c| format!("column {c} of {}", alter.name))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    AlterTableOperation::DropConstraint { name, .. } => {
                        Some(format!("constraint {name} of {}", alter.name))
                    }
                    _ => None,
                })
                .collect();
            if dropped.is_empty() {
                (StatementKind::Schema, Vec::new())
            } else {
                (StatementKind::Destructive, dropped)
            }
        }
        Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Merge(_) => (StatementKind::Write, Vec::new()),
        Statement::CreateTable(_)
        | Statement::CreateIndex(_)
        | Statement::CreateView { .. }
        | Statement::CreateSchema { .. } => (StatementKind::Schema, Vec::new()),
        _ => (StatementKind::Other, Vec::new()),
    };
    Classified {
        kind,
        text,
        affects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(StatementKind, Vec<String>)> {
        classify(sql, SchemaEngine::Postgres)
            .expect("parses")
            .into_iter()
            .map(|c| (c.kind, c.affects))
            .collect()
    }

    #[test]
    fn destructive_statements_are_told_apart_and_name_what_they_hit() {
        use StatementKind::*;
        assert_eq!(kinds("SELECT 1"), vec![(Read, vec![])]);
        assert_eq!(
            kinds("DELETE FROM orders WHERE id = 1"),
            vec![(Write, vec![])]
        );
        assert_eq!(
            kinds("DELETE FROM orders"),
            vec![(Destructive, vec!["every row of orders".to_owned()])]
        );
        assert_eq!(
            kinds("UPDATE orders SET status = 'x'"),
            vec![(Destructive, vec!["every row of orders".to_owned()])]
        );
        assert_eq!(
            kinds("DROP TABLE sales.orders, customers"),
            vec![(
                Destructive,
                vec![
                    "TABLE sales.orders".to_owned(),
                    "TABLE customers".to_owned()
                ]
            )]
        );
        assert_eq!(
            kinds("TRUNCATE orders"),
            vec![(Destructive, vec!["every row of orders".to_owned()])]
        );
        assert_eq!(
            kinds("ALTER TABLE orders DROP COLUMN note"),
            vec![(Destructive, vec!["column note of orders".to_owned()])]
        );
        assert_eq!(
            kinds("ALTER TABLE orders ADD COLUMN note text"),
            vec![(Schema, vec![])]
        );
        assert_eq!(kinds("INSERT INTO t VALUES (1); SELECT 2").len(), 2);
    }

    #[test]
    fn text_that_does_not_parse_says_why() {
        let error = classify("SELEC 1", SchemaEngine::Postgres).expect_err("no parse");
        assert!(error.to_string().contains("SELEC"), "{error}");
    }
}
