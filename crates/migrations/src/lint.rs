//! What a migration would do to data, read before it runs: each statement parsed with
//! `sqlparser` in the engine's dialect, and the changes that lose data or fail on a table with
//! rows turned into findings (the rows they touch are counted on the live database by `dry_run`).

use serde::Serialize;
use specta::Type;
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, FromTable, ObjectType, Statement,
};
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use quantum_schema::SchemaEngine;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FindingKind {
    DropTable,
    DropColumn,
    /// A NOT NULL column added without a default: fails on a table that has rows.
    NotNullWithoutDefault,
    /// SET NOT NULL: fails while a row holds NULL there.
    SetNotNull,
    /// A column's type changed: values that do not fit fail the migration (or are cut).
    TypeChange,
    /// A column dropped and another added in the same table: a rename loses the data that way.
    LooksLikeRename,
    /// TRUNCATE, or DELETE without WHERE.
    EmptiesTable,
}

/// One thing a migration would do to data. `count` is the SQL that counts the rows it touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub kind: FindingKind,
    pub message: String,
    pub count: Option<String>,
}

fn dialect(engine: SchemaEngine) -> Box<dyn Dialect> {
    match engine {
        SchemaEngine::Postgres => Box::new(PostgreSqlDialect {}),
        SchemaEngine::Mysql => Box::new(MySqlDialect {}),
        SchemaEngine::Sqlite => Box::new(SQLiteDialect {}),
    }
}

/// The findings of a migration's SQL, or the parser's complaint when it cannot read it (the
/// server may still: engines accept more than any parser).
pub(crate) fn lint(sql: &str, engine: SchemaEngine) -> Result<Vec<Finding>, String> {
    let statements =
        Parser::parse_sql(dialect(engine).as_ref(), sql).map_err(|error| error.to_string())?;
    let mut findings = Vec::new();
    for statement in &statements {
        match statement {
            Statement::Drop {
                object_type: ObjectType::Table,
                names,
                ..
            } => findings.extend(names.iter().map(|table| Finding {
                kind: FindingKind::DropTable,
                message: format!("drops table {table} and every row in it"),
                count: Some(format!("SELECT COUNT(*) FROM {table}")),
            })),
            Statement::Truncate(truncate) => {
                findings.extend(truncate.table_names.iter().map(|t| Finding {
                    kind: FindingKind::EmptiesTable,
                    message: format!("empties {}", t.name),
                    count: Some(format!("SELECT COUNT(*) FROM {}", t.name)),
                }))
            }
            Statement::Delete(delete) if delete.selection.is_none() => {
                let (FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables)) =
                    &delete.from;
                findings.extend(tables.iter().map(|t| Finding {
                    kind: FindingKind::EmptiesTable,
                    message: format!("deletes every row of {}", t.relation),
                    count: Some(format!("SELECT COUNT(*) FROM {}", t.relation)),
                }));
            }
            Statement::AlterTable(alter) => {
                let table = &alter.name;
                let mut dropped = Vec::new();
                let mut added = Vec::new();
                for operation in &alter.operations {
                    match operation {
                        AlterTableOperation::DropColumn { column_names, .. } => {
                            for column in column_names {
                                dropped.push(column.value.clone());
                                findings.push(Finding {
                                    kind: FindingKind::DropColumn,
                                    message: format!("drops column {table}.{column} and its values"),
                                    count: Some(format!(
                                        "SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL"
                                    )),
                                });
                            }
                        }
                        AlterTableOperation::AddColumn { column_def, .. } => {
                            added.push(column_def.name.value.clone());
                            let options = || column_def.options.iter().map(|o| &o.option);
                            let not_null = options().any(|o| matches!(o, ColumnOption::NotNull));
                            let default = options().any(|o| matches!(o, ColumnOption::Default(_)));
                            if not_null && !default {
                                findings.push(Finding {
                                    kind: FindingKind::NotNullWithoutDefault,
                                    message: format!(
                                        "adds {table}.{} NOT NULL without a default: it fails if {table} has rows",
                                        column_def.name
                                    ),
                                    count: Some(format!("SELECT COUNT(*) FROM {table}")),
                                });
                            }
                        }
                        AlterTableOperation::AlterColumn { column_name, op } => match op {
                            AlterColumnOperation::SetNotNull => findings.push(Finding {
                                kind: FindingKind::SetNotNull,
                                message: format!(
                                    "makes {table}.{column_name} NOT NULL: it fails while a row holds NULL there"
                                ),
                                count: Some(format!(
                                    "SELECT COUNT(*) FROM {table} WHERE {column_name} IS NULL"
                                )),
                            }),
                            AlterColumnOperation::SetDataType { data_type, .. } => {
                                findings.push(Finding {
                                    kind: FindingKind::TypeChange,
                                    message: format!(
                                        "changes {table}.{column_name} to {data_type}: a value that does not fit fails the migration, or is cut"
                                    ),
                                    count: Some(format!(
                                        "SELECT COUNT(*) FROM {table} WHERE {column_name} IS NOT NULL"
                                    )),
                                })
                            }
                            _ => {}
                        },
                        _ => {}
                    }
                }
                if let ([old], [new]) = (dropped.as_slice(), added.as_slice()) {
                    findings.push(Finding {
                        kind: FindingKind::LooksLikeRename,
                        message: format!(
                            "drops {table}.{old} and adds {table}.{new}: if this is a rename, the values are lost — use RENAME COLUMN {old} TO {new}"
                        ),
                        count: None,
                    });
                }
            }
            _ => {}
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<FindingKind> {
        lint(sql, SchemaEngine::Postgres)
            .expect("parsed")
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn data_losing_and_failing_changes_are_found() {
        assert_eq!(kinds("DROP TABLE orders;"), [FindingKind::DropTable]);
        assert_eq!(
            kinds("ALTER TABLE users ADD COLUMN email text NOT NULL;"),
            [FindingKind::NotNullWithoutDefault]
        );
        assert!(kinds("ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';").is_empty());
        assert_eq!(
            kinds("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
            [FindingKind::SetNotNull]
        );
        assert_eq!(
            kinds("ALTER TABLE users ALTER COLUMN age TYPE smallint;"),
            [FindingKind::TypeChange]
        );
        assert_eq!(
            kinds("ALTER TABLE users DROP COLUMN name, ADD COLUMN full_name text;"),
            [FindingKind::DropColumn, FindingKind::LooksLikeRename]
        );
        assert_eq!(
            kinds("TRUNCATE audit; DELETE FROM sessions;"),
            [FindingKind::EmptiesTable, FindingKind::EmptiesTable]
        );
        assert!(kinds("CREATE TABLE a (id int); DELETE FROM a WHERE id = 1;").is_empty());
    }

    #[test]
    fn the_counting_query_names_the_table_and_column() {
        let findings = lint(
            "ALTER TABLE public.users DROP COLUMN note;",
            SchemaEngine::Postgres,
        )
        .expect("parsed");
        assert_eq!(
            findings[0].count.as_deref(),
            Some("SELECT COUNT(*) FROM public.users WHERE note IS NOT NULL")
        );
        assert!(lint("THIS IS NOT SQL", SchemaEngine::Postgres).is_err());
    }
}
