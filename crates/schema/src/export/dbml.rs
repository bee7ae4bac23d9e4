//! DBML (dbdiagram.io, `@dbml/core`): tables with column settings, composite keys and indexes in an
//! `indexes` block, enums, and one `Ref` per foreign key with its actions. Names are quoted with
//! double quotes when DBML would not read them bare; types with spaces are quoted too.

use std::fmt::Write;

use crate::{qualified, ForeignKey, RefAction, Schema, SchemaEngine, Table};

pub(super) fn render(schema: &Schema) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Project {} {{\n  database_type: '{}'\n}}\n",
        name(&schema.database),
        match schema.engine {
            SchemaEngine::Postgres => "PostgreSQL",
            SchemaEngine::Mysql => "MySQL",
            SchemaEngine::Sqlite => "SQLite",
        }
    );
    for e in &schema.enums {
        let _ = writeln!(out, "Enum {} {{", path(e.schema.as_deref(), &e.name));
        for value in &e.values {
            let _ = writeln!(out, "  {}", quoted_name(value));
        }
        out.push_str("}\n\n");
    }
    for table in &schema.tables {
        table_block(&mut out, table);
    }
    for table in &schema.tables {
        for key in &table.foreign_keys {
            reference(&mut out, table, key);
        }
    }
    out
}

fn table_block(out: &mut String, table: &Table) {
    let _ = writeln!(
        out,
        "Table {} {{",
        path(table.schema.as_deref(), &table.name)
    );
    let single_pk = match &table.primary_key {
        Some(pk) if pk.columns.len() == 1 => Some(pk.columns[0].as_str()),
        _ => None,
    };
    for column in &table.columns {
        let mut settings = Vec::new();
        if single_pk == Some(column.name.as_str()) {
            settings.push("pk".to_owned());
        }
        if column.auto_increment {
            settings.push("increment".to_owned());
        }
        if !column.nullable && single_pk != Some(column.name.as_str()) {
            settings.push("not null".to_owned());
        }
        if table
            .uniques
            .iter()
            .any(|u| u.columns == [column.name.clone()])
        {
            settings.push("unique".to_owned());
        }
        if let Some(default) = &column.default {
            settings.push(format!("default: `{}`", default.replace('`', "'")));
        }
        if let Some(comment) = &column.comment {
            settings.push(format!("note: {}", string(comment)));
        }
        let _ = write!(
            out,
            "  {} {}",
            name(&column.name),
            data_type(&column.data_type)
        );
        if !settings.is_empty() {
            let _ = write!(out, " [{}]", settings.join(", "));
        }
        out.push('\n');
    }
    let composite_pk = table.primary_key.as_ref().filter(|pk| pk.columns.len() > 1);
    let composite_uniques: Vec<_> = table
        .uniques
        .iter()
        .filter(|u| u.columns.len() > 1)
        .collect();
    if composite_pk.is_some() || !composite_uniques.is_empty() || !table.indexes.is_empty() {
        out.push_str("\n  indexes {\n");
        if let Some(pk) = composite_pk {
            let _ = writeln!(out, "    ({}) [pk]", names(&pk.columns));
        }
        for unique in composite_uniques {
            let _ = writeln!(out, "    ({}) [unique]", names(&unique.columns));
        }
        for index in &table.indexes {
            let keys = if index.expression {
                index
                    .columns
                    .iter()
                    .map(|c| format!("`{}`", c.replace('`', "'")))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                names(&index.columns)
            };
            let mut settings = vec![format!("name: {}", string(&index.name))];
            if index.unique {
                settings.push("unique".to_owned());
            }
            if let Some(method) = index
                .method
                .as_deref()
                .filter(|m| *m == "btree" || *m == "hash")
            {
                settings.push(format!("type: {method}"));
            }
            if let Some(predicate) = &index.predicate {
                settings.push(format!("note: {}", string(&format!("WHERE {predicate}"))));
            }
            let _ = writeln!(out, "    ({keys}) [{}]", settings.join(", "));
        }
        out.push_str("  }\n");
    }
    if let Some(comment) = &table.comment {
        let _ = writeln!(out, "\n  Note: {}", string(comment));
    }
    out.push_str("}\n\n");
}

fn reference(out: &mut String, table: &Table, key: &ForeignKey) {
    let columns = |cols: &[String]| match cols {
        [one] => name(one),
        many => format!("({})", names(many)),
    };
    let relation = if table.is_unique_set(&key.columns) {
        "-"
    } else {
        ">"
    };
    let mut settings = Vec::new();
    if key.on_delete != RefAction::NoAction {
        settings.push(format!("delete: {}", key.on_delete.sql().to_lowercase()));
    }
    if key.on_update != RefAction::NoAction {
        settings.push(format!("update: {}", key.on_update.sql().to_lowercase()));
    }
    let _ = write!(
        out,
        "Ref{}: {}.{} {relation} {}.{}",
        key.name
            .as_deref()
            .map(|n| format!(" {}", name(n)))
            .unwrap_or_default(),
        path(table.schema.as_deref(), &table.name),
        columns(&key.columns),
        path(key.ref_schema.as_deref(), &key.ref_table),
        columns(&key.ref_columns),
    );
    if !settings.is_empty() {
        let _ = write!(out, " [{}]", settings.join(", "));
    }
    out.push('\n');
}

fn path(schema: Option<&str>, table: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", name(schema), name(table)),
        None => name(&qualified(None, table)),
    }
}

fn names(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| name(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A name bare when DBML reads it so, else in double quotes.
fn name(text: &str) -> String {
    let bare = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if bare {
        text.to_owned()
    } else {
        quoted_name(text)
    }
}

fn quoted_name(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A column type: bare when it is one word (with its size), else quoted.
fn data_type(text: &str) -> String {
    // A view's computed column can have no declared type.
    if text.trim().is_empty() {
        return "any".to_owned();
    }
    if text.contains(' ') || text.contains('"') || text.contains('\'') {
        quoted_name(text)
    } else {
        text.to_owned()
    }
}

fn string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}
