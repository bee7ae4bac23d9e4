//! What differs between two schemas of one engine, table by table, and the SQL that turns one
//! into the other (`sql.rs`). Drift compares the schema the migration files produce (replayed
//! into a shadow database) with the live one. Constraints and indexes are matched by what they
//! do, not by name: the same unique key under another name is no difference.

mod ddl;
mod names;
mod sql;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::model::*;
pub use sql::{migration_sql, MigrationSql};

/// Migration tools' history tables: bookkeeping, never drift.
const HISTORY_TABLES: [&str; 3] = [
    "_sqlx_migrations",
    "schema_migrations",
    "flyway_schema_history",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DiffChange {
    /// In the second schema only (live, for drift).
    Added,
    /// In the first schema only (the files').
    Dropped,
    Changed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DiffPart {
    Column,
    PrimaryKey,
    ForeignKey,
    Unique,
    Index,
    Check,
    Definition,
}

/// One difference inside a table, described both ways.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiffItem {
    pub part: DiffPart,
    pub change: DiffChange,
    /// The column's or constraint's name, or its columns when it has none.
    pub name: String,
    /// How the first schema has it.
    pub from: Option<String>,
    /// How the second schema has it.
    pub to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TableDiff {
    /// Qualified as the engine shows it (`public.orders`).
    pub table: String,
    pub kind: TableKind,
    pub change: DiffChange,
    /// For a changed table; an added or dropped one is whole.
    pub items: Vec<DiffItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnumDiff {
    pub name: String,
    pub change: DiffChange,
    pub from: Vec<String>,
    pub to: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaDiff {
    pub tables: Vec<TableDiff>,
    pub enums: Vec<EnumDiff>,
}

impl SchemaDiff {
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.enums.is_empty()
    }
}

pub(crate) fn compared_tables(schema: &Schema) -> impl Iterator<Item = &Table> {
    schema
        .tables
        .iter()
        .filter(|t| !HISTORY_TABLES.contains(&t.name.as_str()))
}

/// What differs from `from` to `to`, tables in name order.
pub fn diff(from: &Schema, to: &Schema) -> SchemaDiff {
    let find = |schema: &Schema, name: &str| {
        compared_tables(schema)
            .find(|t| t.qualified_name() == name)
            .cloned()
    };
    let mut names: Vec<String> = compared_tables(from)
        .chain(compared_tables(to))
        .map(Table::qualified_name)
        .collect();
    names.sort();
    names.dedup();
    let mut tables = Vec::new();
    for name in names {
        match (find(from, &name), find(to, &name)) {
            (Some(a), None) => tables.push(whole(&a, DiffChange::Dropped)),
            (None, Some(b)) => tables.push(whole(&b, DiffChange::Added)),
            (Some(a), Some(b)) => {
                let items = table_items(&a, &b);
                if !items.is_empty() {
                    tables.push(TableDiff {
                        table: name,
                        kind: b.kind,
                        change: DiffChange::Changed,
                        items,
                    });
                }
            }
            (None, None) => {}
        }
    }
    SchemaDiff {
        tables,
        enums: enum_diffs(&from.enums, &to.enums),
    }
}

fn whole(table: &Table, change: DiffChange) -> TableDiff {
    TableDiff {
        table: table.qualified_name(),
        kind: table.kind,
        change,
        items: Vec::new(),
    }
}

pub(crate) fn table_items(a: &Table, b: &Table) -> Vec<DiffItem> {
    let mut items = Vec::new();
    if a.kind != TableKind::Table || b.kind != TableKind::Table {
        if a.definition != b.definition || a.kind != b.kind {
            items.push(DiffItem {
                part: DiffPart::Definition,
                change: DiffChange::Changed,
                name: a.name.clone(),
                from: a.definition.clone(),
                to: b.definition.clone(),
            });
        }
        return items;
    }
    for column in &a.columns {
        match b.column(&column.name) {
            None => items.push(item(
                DiffPart::Column,
                DiffChange::Dropped,
                &column.name,
                Some(describe_column(column)),
                None,
            )),
            Some(other) if !same_column(column, other) => items.push(item(
                DiffPart::Column,
                DiffChange::Changed,
                &column.name,
                Some(describe_column(column)),
                Some(describe_column(other)),
            )),
            Some(_) => {}
        }
    }
    for column in b.columns.iter().filter(|c| a.column(&c.name).is_none()) {
        items.push(item(
            DiffPart::Column,
            DiffChange::Added,
            &column.name,
            None,
            Some(describe_column(column)),
        ));
    }
    let pk = |t: &Table| t.primary_key.as_ref().map(|k| k.columns.join(", "));
    if pk(a) != pk(b) {
        let change = match (pk(a), pk(b)) {
            (None, _) => DiffChange::Added,
            (_, None) => DiffChange::Dropped,
            _ => DiffChange::Changed,
        };
        items.push(item(
            DiffPart::PrimaryKey,
            change,
            "primary key",
            pk(a),
            pk(b),
        ));
    }
    matched(
        &mut items,
        DiffPart::ForeignKey,
        &a.foreign_keys,
        &b.foreign_keys,
        describe_fk,
        |k| k.name.clone(),
    );
    matched(
        &mut items,
        DiffPart::Unique,
        &a.uniques,
        &b.uniques,
        |u| u.columns.join(", "),
        |u| u.name.clone(),
    );
    matched(
        &mut items,
        DiffPart::Index,
        &a.indexes,
        &b.indexes,
        describe_index,
        |i| Some(i.name.clone()),
    );
    matched(
        &mut items,
        DiffPart::Check,
        &a.checks,
        &b.checks,
        |c| c.expression.clone(),
        |c| c.name.clone(),
    );
    items
}

/// Constraints present on one side only, matched by their description.
fn matched<T>(
    items: &mut Vec<DiffItem>,
    part: DiffPart,
    a: &[T],
    b: &[T],
    describe: impl Fn(&T) -> String,
    name: impl Fn(&T) -> Option<String>,
) {
    let a_texts: Vec<String> = a.iter().map(&describe).collect();
    let b_texts: Vec<String> = b.iter().map(&describe).collect();
    for (x, text) in a.iter().zip(&a_texts) {
        if !b_texts.contains(text) {
            let label = name(x).unwrap_or_else(|| text.clone());
            items.push(item(
                part,
                DiffChange::Dropped,
                &label,
                Some(text.clone()),
                None,
            ));
        }
    }
    for (y, text) in b.iter().zip(&b_texts) {
        if !a_texts.contains(text) {
            let label = name(y).unwrap_or_else(|| text.clone());
            items.push(item(
                part,
                DiffChange::Added,
                &label,
                None,
                Some(text.clone()),
            ));
        }
    }
}

fn item(
    part: DiffPart,
    change: DiffChange,
    name: &str,
    from: Option<String>,
    to: Option<String>,
) -> DiffItem {
    DiffItem {
        part,
        change,
        name: name.to_owned(),
        from,
        to,
    }
}

fn same_column(a: &Column, b: &Column) -> bool {
    a.data_type == b.data_type
        && a.nullable == b.nullable
        && a.default == b.default
        && a.generated == b.generated
        && a.auto_increment == b.auto_increment
}

pub(crate) fn describe_column(c: &Column) -> String {
    let mut text = c.data_type.clone();
    if !c.nullable {
        text.push_str(" NOT NULL");
    }
    if let Some(default) = &c.default {
        text.push_str(&format!(" DEFAULT {default}"));
    }
    if let Some(generated) = &c.generated {
        text.push_str(&format!(" GENERATED AS ({})", generated.expression));
    }
    if c.auto_increment && c.default.is_none() {
        text.push_str(" (identity)");
    }
    text
}

pub(crate) fn describe_fk(k: &ForeignKey) -> String {
    format!(
        "({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        k.columns.join(", "),
        k.ref_qualified_name(),
        k.ref_columns.join(", "),
        k.on_delete.sql(),
        k.on_update.sql()
    )
}

pub(crate) fn describe_index(i: &Index) -> String {
    format!(
        "{}{}({}){}",
        if i.unique { "UNIQUE " } else { "" },
        i.method
            .as_deref()
            .map(|m| format!("USING {m} "))
            .unwrap_or_default(),
        i.columns.join(", "),
        i.predicate
            .as_deref()
            .map(|p| format!(" WHERE {p}"))
            .unwrap_or_default()
    )
}

fn enum_diffs(a: &[EnumType], b: &[EnumType]) -> Vec<EnumDiff> {
    let mut diffs = Vec::new();
    for e in a {
        match b.iter().find(|o| o.qualified_name() == e.qualified_name()) {
            None => diffs.push(EnumDiff {
                name: e.qualified_name(),
                change: DiffChange::Dropped,
                from: e.values.clone(),
                to: Vec::new(),
            }),
            Some(o) if o.values != e.values => diffs.push(EnumDiff {
                name: e.qualified_name(),
                change: DiffChange::Changed,
                from: e.values.clone(),
                to: o.values.clone(),
            }),
            Some(_) => {}
        }
    }
    for o in b
        .iter()
        .filter(|o| !a.iter().any(|e| e.qualified_name() == o.qualified_name()))
    {
        diffs.push(EnumDiff {
            name: o.qualified_name(),
            change: DiffChange::Added,
            from: Vec::new(),
            to: o.values.clone(),
        });
    }
    diffs
}
