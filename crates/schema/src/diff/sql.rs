//! The SQL that turns one schema into another, for PostgreSQL and MySQL/MariaDB: the up and
//! down of a generated migration. Order matters: foreign keys that go are dropped first and the
//! new ones added last, so that tables can be created, changed and dropped in between.

use serde::Serialize;
use specta::Type;

use super::ddl::Sql;
use super::{compared_tables, diff, DiffChange};
use crate::model::*;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationSql {
    pub up: String,
    pub down: String,
}

/// The up SQL turns `from` into `to`; the down SQL turns `to` back into `from`.
pub fn migration_sql(from: &Schema, to: &Schema) -> MigrationSql {
    MigrationSql {
        up: statements(from, to).join("\n"),
        down: statements(to, from).join("\n"),
    }
}

fn statements(from: &Schema, to: &Schema) -> Vec<String> {
    let sql = Sql { engine: to.engine };
    let changes = diff(from, to);
    let table_in = |schema: &Schema, name: &str| {
        compared_tables(schema)
            .find(|t| t.qualified_name() == name)
            .cloned()
    };
    let mut first = Vec::new();
    let mut middle = Vec::new();
    let mut last = Vec::new();

    for e in &changes.enums {
        match e.change {
            DiffChange::Added => first.push(format!(
                "CREATE TYPE {} AS ENUM ({});",
                sql.qualified(&e.name),
                literals(&e.to)
            )),
            DiffChange::Changed => {
                for value in e.to.iter().filter(|v| !e.from.contains(v)) {
                    first.push(format!(
                        "ALTER TYPE {} ADD VALUE {};",
                        sql.qualified(&e.name),
                        literal(value)
                    ));
                }
            }
            DiffChange::Dropped => last.push(format!("DROP TYPE {};", sql.qualified(&e.name))),
        }
    }

    for change in &changes.tables {
        let old = table_in(from, &change.table);
        let new = table_in(to, &change.table);
        match (change.change, old, new) {
            (DiffChange::Added, _, Some(table)) => {
                if table.kind == TableKind::Table {
                    middle.push(sql.create_table(&table));
                    last.extend(table.indexes.iter().map(|i| sql.create_index(&table, i)));
                    last.extend(table.foreign_keys.iter().map(|k| sql.add_fk(&table, k)));
                } else {
                    last.push(sql.create_view(&table));
                }
            }
            (DiffChange::Dropped, Some(table), _) => {
                if table.kind == TableKind::Table {
                    // Its own keys go with it; keys pointing at it are dropped below, first.
                    middle.push(format!("DROP TABLE {};", sql.table(&table)));
                } else {
                    first.push(format!("DROP VIEW {};", sql.table(&table)));
                }
            }
            (DiffChange::Changed, Some(old), Some(new)) => {
                sql.alter_table(&old, &new, &mut first, &mut middle, &mut last);
            }
            _ => {}
        }
    }
    // Keys into a table that goes must go before it.
    for change in changes
        .tables
        .iter()
        .filter(|t| t.change == DiffChange::Dropped)
    {
        for table in compared_tables(from).filter(|t| t.qualified_name() != change.table) {
            for key in table
                .foreign_keys
                .iter()
                .filter(|k| k.ref_qualified_name() == change.table)
            {
                let drop = sql.drop_fk(table, key);
                if !first.contains(&drop) {
                    first.push(drop);
                }
            }
        }
    }
    first.into_iter().chain(middle).chain(last).collect()
}

fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn literals(values: &[String]) -> String {
    values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ")
}
