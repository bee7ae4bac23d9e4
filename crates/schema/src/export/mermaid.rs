//! A Mermaid `erDiagram`: entities with their columns (PK, FK, UK marks, comments) and one
//! relationship per foreign key, its cardinality from the key's nullability and uniqueness.
//! Mermaid's identifiers and attribute types take fewer characters than SQL's: names become
//! identifiers with the real name as the entity's label, and types lose what Mermaid refuses.

use std::fmt::Write;

use crate::{Schema, Table};

pub(super) fn render(schema: &Schema) -> String {
    let mut out = String::from("erDiagram\n");
    for table in &schema.tables {
        let _ = writeln!(
            out,
            "    {}[\"{}\"] {{",
            identifier(&table.qualified_name()),
            table.qualified_name()
        );
        for column in &table.columns {
            let mut keys = Vec::new();
            if table
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(&column.name))
            {
                keys.push("PK");
            }
            if table
                .foreign_keys
                .iter()
                .any(|fk| fk.columns.contains(&column.name))
            {
                keys.push("FK");
            }
            if table
                .uniques
                .iter()
                .any(|u| u.columns == [column.name.clone()])
            {
                keys.push("UK");
            }
            let _ = write!(
                out,
                "        {} {}",
                attribute_type(&column.data_type),
                identifier(&column.name)
            );
            if !keys.is_empty() {
                let _ = write!(out, " {}", keys.join(", "));
            }
            if let Some(comment) = &column.comment {
                let _ = write!(out, " \"{}\"", comment.replace('"', "'"));
            }
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    for table in &schema.tables {
        for key in &table.foreign_keys {
            let parent = identifier(&key.ref_qualified_name());
            let child = identifier(&table.qualified_name());
            let _ = writeln!(
                out,
                "    {parent} {}--{} {child} : \"{}\"",
                parent_side(table, &key.columns),
                child_side(table, &key.columns),
                key.columns.join(", ")
            );
        }
    }
    out
}

/// The parent's end: exactly one, or zero or one when the key may be NULL.
fn parent_side(child: &Table, columns: &[String]) -> &'static str {
    let optional = columns
        .iter()
        .any(|c| child.column(c).is_none_or(|c| c.nullable));
    if optional {
        "|o"
    } else {
        "||"
    }
}

/// The child's end: at most one when the key columns are unique, else any number.
fn child_side(child: &Table, columns: &[String]) -> &'static str {
    if child.is_unique_set(columns) {
        "o|"
    } else {
        "o{"
    }
}

/// Letters, digits, `_` and `-`; anything else becomes `_`.
fn identifier(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Mermaid types start with a letter and hold letters, digits, `_`, `-`, `()` and `[]`.
fn attribute_type(data_type: &str) -> String {
    // A view's computed column can have no declared type.
    if data_type.trim().is_empty() {
        return "any".to_owned();
    }
    let kept: String = data_type
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-()[]".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    match kept.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => kept,
        _ => format!("t_{kept}"),
    }
}
