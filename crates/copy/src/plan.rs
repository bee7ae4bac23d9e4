//! What a copy will create: each source table with its columns' kinds and the target's types.
//! SQLite's traps are handled here: a column without a declared type takes the kind its values
//! have; SQLite's type affinity rules read the other declared types; an `INTEGER PRIMARY KEY`
//! (a rowid, AUTOINCREMENT or not) becomes an identity column.

use quantum_schema::models::types::{typed, Kind};
use quantum_schema::{Column, Schema, SchemaEngine, Table, TableKind};
use serde::Serialize;
use specta::Type;

use crate::value::{convert, Value};

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlannedColumn {
    pub name: String,
    /// The source's declared type ("" when SQLite has none).
    pub source_type: String,
    pub target_type: String,
    #[serde(skip)]
    pub kind: Kind,
    pub nullable: bool,
    /// The default as the target writes it; none when the source's could not be carried over.
    pub default: Option<String>,
    /// Filled by the target (identity, AUTO_INCREMENT); its counter is set past the copied rows.
    pub identity: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlannedTable {
    pub name: String,
    pub columns: Vec<PlannedColumn>,
    pub row_estimate: Option<i64>,
    /// What could not be carried over as it was (a default, an index on an expression).
    pub notes: Vec<String>,
    #[serde(skip)]
    pub source: Table,
}

impl PlannedTable {
    pub fn key_columns(&self) -> Vec<String> {
        match &self.source.primary_key {
            Some(pk) => pk.columns.clone(),
            None => self.columns.iter().map(|c| c.name.clone()).collect(),
        }
    }
}

/// The kind of each column whose declared type says nothing (SQLite), from its values.
pub type Inferred = std::collections::HashMap<(String, String), Kind>;

pub fn plan(schema: &Schema, target: SchemaEngine, inferred: &Inferred) -> Vec<PlannedTable> {
    schema
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::Table)
        .map(|table| plan_table(schema, table, target, inferred))
        .collect()
}

fn plan_table(
    schema: &Schema,
    table: &Table,
    target: SchemaEngine,
    inferred: &Inferred,
) -> PlannedTable {
    let mut notes = Vec::new();
    let keyed: Vec<&String> = table
        .primary_key
        .iter()
        .flat_map(|k| &k.columns)
        .chain(table.uniques.iter().flat_map(|u| &u.columns))
        .chain(table.indexes.iter().flat_map(|i| &i.columns))
        .chain(table.foreign_keys.iter().flat_map(|k| &k.columns))
        .collect();
    let single_pk = table
        .primary_key
        .as_ref()
        .filter(|k| k.columns.len() == 1)
        .map(|k| k.columns[0].clone());
    let columns = table
        .columns
        .iter()
        .map(|column| {
            let guessed = inferred
                .get(&(table.name.clone(), column.name.clone()))
                .copied();
            let kind = source_kind(schema, column, guessed);
            let identity = column.auto_increment
                || (schema.engine == SchemaEngine::Sqlite
                    && single_pk.as_deref() == Some(column.name.as_str())
                    && column.data_type.eq_ignore_ascii_case("integer"));
            let in_key = keyed.contains(&&column.name);
            let length = typed(schema.engine, column, &schema.enums).length;
            let default = column
                .default
                .as_deref()
                .filter(|_| !identity)
                .and_then(|d| {
                    let carried = carry_default(kind, d);
                    if carried.is_none() {
                        notes.push(format!(
                            "{}: the default {d} was not carried over",
                            column.name
                        ));
                    }
                    // MySQL wants the default's precision to be the column's (datetime(6)),
                    // and a boolean as 1 or 0.
                    carried.map(|c| match (c.as_str(), target) {
                        ("CURRENT_TIMESTAMP", SchemaEngine::Mysql) => {
                            "CURRENT_TIMESTAMP(6)".to_owned()
                        }
                        ("'t'", SchemaEngine::Mysql) if kind == Kind::Bool => "1".to_owned(),
                        ("'f'", SchemaEngine::Mysql) if kind == Kind::Bool => "0".to_owned(),
                        _ => c,
                    })
                });
            PlannedColumn {
                name: column.name.clone(),
                source_type: column.data_type.clone(),
                target_type: target_type(kind, target, length, in_key, identity),
                kind,
                nullable: column.nullable && !identity,
                default,
                identity,
            }
        })
        .collect();
    for index in table
        .indexes
        .iter()
        .filter(|i| i.expression || i.predicate.is_some())
    {
        notes.push(format!(
            "the index {} on an expression or with a condition was not carried over",
            index.name
        ));
    }
    for check in &table.checks {
        notes.push(format!(
            "the check {} was not carried over",
            check.expression
        ));
    }
    PlannedTable {
        name: table.name.clone(),
        columns,
        row_estimate: table.row_estimate,
        notes,
        source: table.clone(),
    }
}

fn source_kind(schema: &Schema, column: &Column, inferred: Option<Kind>) -> Kind {
    let kind = typed(schema.engine, column, &schema.enums).kind;
    if kind != Kind::Unknown || schema.engine != SchemaEngine::Sqlite {
        return if kind == Kind::Unknown {
            Kind::Text
        } else {
            kind
        };
    }
    // SQLite's affinity rules (https://sqlite.org/datatype3.html, 3.1), plus the names of
    // types it keeps as NUMERIC that mean a date or a boolean.
    let declared = column.data_type.to_ascii_uppercase();
    if declared.contains("INT") {
        Kind::Int64
    } else if declared.contains("CHAR") || declared.contains("CLOB") || declared.contains("TEXT") {
        Kind::Text
    } else if declared.contains("BLOB") {
        Kind::Bytes
    } else if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") {
        Kind::Float64
    } else if declared.contains("BOOL") {
        Kind::Bool
    } else if declared.contains("TIMESTAMP") || declared.contains("DATETIME") {
        Kind::Timestamp
    } else if declared.contains("DATE") {
        Kind::Date
    } else if declared.is_empty() {
        inferred.unwrap_or(Kind::Text)
    } else {
        Kind::Decimal
    }
}

/// The kind of a column without a declared type from what its values are (SQLite's `typeof`):
/// integers only, numbers only, binary only, else text.
pub fn infer(has_text: bool, has_real: bool, has_int: bool, has_blob: bool) -> Kind {
    match (has_text, has_real, has_int, has_blob) {
        (false, false, true, false) => Kind::Int64,
        (false, true, _, false) => Kind::Float64,
        (false, false, false, true) => Kind::Bytes,
        _ => Kind::Text,
    }
}

fn target_type(
    kind: Kind,
    target: SchemaEngine,
    length: Option<u32>,
    in_key: bool,
    identity: bool,
) -> String {
    let postgres = target == SchemaEngine::Postgres;
    let text = match (kind, postgres) {
        (Kind::Bool, true) => "boolean".to_owned(),
        (Kind::Bool, false) => "tinyint(1)".to_owned(),
        (Kind::Int16, _) => "smallint".to_owned(),
        (Kind::Int32, true) => "integer".to_owned(),
        (Kind::Int32, false) => "int".to_owned(),
        (Kind::Int64, _) => "bigint".to_owned(),
        (Kind::Float32, true) => "real".to_owned(),
        (Kind::Float32, false) => "float".to_owned(),
        (Kind::Float64, true) => "double precision".to_owned(),
        (Kind::Float64, false) => "double".to_owned(),
        (Kind::Decimal, true) => "numeric".to_owned(),
        (Kind::Decimal, false) => "decimal(38,10)".to_owned(),
        (Kind::Bytes, true) => "bytea".to_owned(),
        (Kind::Bytes, false) => "longblob".to_owned(),
        (Kind::Date, _) => "date".to_owned(),
        (Kind::Time, true) => "time".to_owned(),
        (Kind::Time, false) => "time(6)".to_owned(),
        (Kind::Timestamp, true) => "timestamp".to_owned(),
        (Kind::TimestampTz, true) => "timestamptz".to_owned(),
        (Kind::Timestamp | Kind::TimestampTz, false) => "datetime(6)".to_owned(),
        (Kind::Uuid, true) => "uuid".to_owned(),
        (Kind::Uuid, false) => "char(36)".to_owned(),
        (Kind::Json, true) => "jsonb".to_owned(),
        (Kind::Json, false) => "json".to_owned(),
        (Kind::Text | Kind::Unknown, _) => match length {
            Some(n) => format!("varchar({n})"),
            // MySQL indexes a bounded string only.
            None if !postgres && in_key => "varchar(255)".to_owned(),
            None if !postgres => "longtext".to_owned(),
            None => "text".to_owned(),
        },
    };
    match (identity, postgres) {
        (true, true) => format!("{text} GENERATED BY DEFAULT AS IDENTITY"),
        (true, false) => format!("{text} AUTO_INCREMENT"),
        _ => text,
    }
}

/// A default the target can take: the current date or time, or a literal that converts to the
/// column's kind (written as a quoted literal the target casts).
fn carry_default(kind: Kind, default: &str) -> Option<String> {
    let trimmed = default
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let upper = trimmed.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME"
    ) {
        return Some(upper);
    }
    if upper == "NULL" {
        return None;
    }
    let literal = trimmed
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .map(|t| t.replace("''", "'"))
        .or_else(|| trimmed.parse::<f64>().is_ok().then(|| trimmed.to_owned()))?;
    let value = convert(kind, Value::Text(literal)).ok()??;
    Some(format!("'{}'", value.replace('\'', "''")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_carried_when_the_target_can_take_them() {
        assert_eq!(carry_default(Kind::Bool, "1").as_deref(), Some("'t'"));
        assert_eq!(
            carry_default(Kind::Text, "'it''s'").as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            carry_default(Kind::Timestamp, "CURRENT_TIMESTAMP").as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(carry_default(Kind::Int64, "(abs(-1))"), None);
    }

    #[test]
    fn untyped_columns_take_the_kind_of_their_values() {
        assert_eq!(infer(false, false, true, false), Kind::Int64);
        assert_eq!(infer(false, true, true, false), Kind::Float64);
        assert_eq!(infer(true, false, true, false), Kind::Text);
    }
}
