//! Markdown docs of the schema, as tbls writes them: a table list, then per table its comment,
//! columns, constraints, indexes and relations both ways, and enums at the end.

use std::fmt::Write;

use crate::{Schema, Table, TableKind};

pub(super) fn render(schema: &Schema) -> String {
    let mut out = format!("# {}\n\n", schema.database);
    out.push_str("| Table | Kind | Columns | Rows (estimate) | Comment |\n|---|---|---|---|---|\n");
    for table in &schema.tables {
        let name = table.qualified_name();
        let _ = writeln!(
            out,
            "| [{name}](#{}) | {} | {} | {} | {} |",
            anchor(&name),
            kind(table.kind),
            table.columns.len(),
            table
                .row_estimate
                .map(|r| r.to_string())
                .unwrap_or_default(),
            cell(table.comment.as_deref().unwrap_or_default())
        );
    }
    for table in &schema.tables {
        table_section(&mut out, schema, table);
    }
    if !schema.enums.is_empty() {
        out.push_str("\n## Enums\n\n| Enum | Values |\n|---|---|\n");
        for e in &schema.enums {
            let _ = writeln!(
                out,
                "| {} | {} |",
                e.qualified_name(),
                cell(&e.values.join(", "))
            );
        }
    }
    out
}

fn table_section(out: &mut String, schema: &Schema, table: &Table) {
    let name = table.qualified_name();
    let _ = writeln!(out, "\n## {name}\n");
    if let Some(comment) = &table.comment {
        let _ = writeln!(out, "{comment}\n");
    }
    out.push_str("| Column | Type | Nullable | Default | Comment |\n|---|---|---|---|---|\n");
    for column in &table.columns {
        let default = match (&column.generated, &column.default) {
            (Some(generated), _) => format!(
                "generated: {}{}",
                generated.expression,
                if generated.stored { " (stored)" } else { "" }
            ),
            (None, Some(default)) => default.clone(),
            (None, None) if column.auto_increment => "auto increment".to_owned(),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            column.name,
            cell(&column.data_type),
            if column.nullable { "yes" } else { "no" },
            cell(&default),
            cell(column.comment.as_deref().unwrap_or_default())
        );
    }
    let mut constraints = Vec::new();
    if let Some(pk) = &table.primary_key {
        constraints.push(format!("PRIMARY KEY ({})", pk.columns.join(", ")));
    }
    for unique in &table.uniques {
        constraints.push(format!("UNIQUE ({})", unique.columns.join(", ")));
    }
    for key in &table.foreign_keys {
        constraints.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            key.columns.join(", "),
            key.ref_qualified_name(),
            key.ref_columns.join(", "),
            key.on_delete.sql(),
            key.on_update.sql()
        ));
    }
    for check in &table.checks {
        let expression = check.expression.trim();
        constraints.push(if expression.starts_with('(') {
            format!("CHECK {expression}")
        } else {
            format!("CHECK ({expression})")
        });
    }
    if !constraints.is_empty() {
        out.push_str("\nConstraints:\n\n");
        for constraint in constraints {
            let _ = writeln!(out, "- `{constraint}`");
        }
    }
    if !table.indexes.is_empty() {
        out.push_str("\nIndexes:\n\n");
        for index in &table.indexes {
            let _ = write!(
                out,
                "- {}{} ({})",
                if index.unique { "unique " } else { "" },
                index.name,
                index.columns.join(", ")
            );
            if let Some(predicate) = &index.predicate {
                let _ = write!(out, " WHERE {predicate}");
            }
            out.push('\n');
        }
    }
    let referenced_by: Vec<String> = schema
        .tables
        .iter()
        .flat_map(|other| {
            other
                .foreign_keys
                .iter()
                .filter(|key| key.ref_qualified_name() == name)
                .map(move |key| format!("{} ({})", other.qualified_name(), key.columns.join(", ")))
        })
        .collect();
    let references: Vec<String> = table
        .foreign_keys
        .iter()
        .map(|key| key.ref_qualified_name())
        .collect();
    if !references.is_empty() || !referenced_by.is_empty() {
        out.push_str("\nRelations:\n\n");
        for target in references {
            let _ = writeln!(out, "- references [{target}](#{})", anchor(&target));
        }
        for source in referenced_by {
            let _ = writeln!(out, "- referenced by {source}");
        }
    }
    if let Some(definition) = &table.definition {
        let _ = writeln!(out, "\n```sql\n{}\n```", definition.trim());
    }
}

fn kind(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Table => "table",
        TableKind::PartitionedTable => "partitioned table",
        TableKind::View => "view",
        TableKind::MaterializedView => "materialized view",
        TableKind::ForeignTable => "foreign table",
    }
}

/// A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as dashes.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Text safe in a table cell: pipes escaped, line breaks as spaces.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
