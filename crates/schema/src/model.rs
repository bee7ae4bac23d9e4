//! What the inspector returns: one model for every SQL engine, serialized as the JSON export and
//! sent to the UI as is. Names are the database's own; `schema` is `None` where the engine has
//! one namespace per database (MySQL, SQLite).

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SchemaEngine {
    Postgres,
    Mysql,
    Sqlite,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub engine: SchemaEngine,
    /// The database inspected (for SQLite, the file's name).
    pub database: String,
    /// Tables and views, ordered by schema and name.
    pub tables: Vec<Table>,
    pub enums: Vec<EnumType>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TableKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    ForeignTable,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub schema: Option<String>,
    pub name: String,
    pub kind: TableKind,
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub uniques: Vec<UniqueConstraint>,
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
    /// The engine's estimate (statistics), not a count: `None` where it has none yet.
    pub row_estimate: Option<i64>,
    /// Table, indexes and TOAST together; `None` where the engine does not say.
    pub size_bytes: Option<i64>,
    /// A view's query.
    pub definition: Option<String>,
}

impl Table {
    /// `schema.name`, or `name` where there are no schemas: how exports and the UI name a table.
    pub fn qualified_name(&self) -> String {
        qualified(self.schema.as_deref(), &self.name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether `columns` are exactly the primary key or a unique constraint's columns.
    pub fn is_unique_set(&self, columns: &[String]) -> bool {
        let same = |other: &[String]| {
            other.len() == columns.len() && other.iter().all(|c| columns.contains(c))
        };
        self.primary_key
            .as_ref()
            .is_some_and(|pk| same(&pk.columns))
            || self.uniques.iter().any(|u| same(&u.columns))
            || self
                .indexes
                .iter()
                .any(|i| i.unique && !i.expression && i.predicate.is_none() && same(&i.columns))
    }
}

pub fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{schema}.{name}"),
        None => name.to_owned(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    pub name: String,
    /// The type as the engine writes it (`character varying(120)`, `int(11)`, `TEXT`).
    pub data_type: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub generated: Option<Generated>,
    /// Filled by the database: an identity, serial, AUTO_INCREMENT or SQLite rowid alias.
    pub auto_increment: bool,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Generated {
    pub expression: String,
    /// Stored on disk (else computed when read).
    pub stored: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrimaryKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum RefAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl RefAction {
    /// As SQL writes it.
    pub fn sql(self) -> &'static str {
        match self {
            Self::NoAction => "NO ACTION",
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
            Self::SetDefault => "SET DEFAULT",
        }
    }

    /// From SQL's words (information_schema, SQLite's pragma).
    pub fn from_sql(text: &str) -> Self {
        match text.trim().to_ascii_uppercase().as_str() {
            "CASCADE" => Self::Cascade,
            "SET NULL" => Self::SetNull,
            "SET DEFAULT" => Self::SetDefault,
            "RESTRICT" => Self::Restrict,
            _ => Self::NoAction,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_schema: Option<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: RefAction,
    pub on_update: RefAction,
}

impl ForeignKey {
    pub fn ref_qualified_name(&self) -> String {
        qualified(self.ref_schema.as_deref(), &self.ref_table)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UniqueConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    pub name: String,
    /// Column names, or the expressions of an expression index, in key order.
    pub columns: Vec<String>,
    pub unique: bool,
    /// btree, hash, gin, gist, FULLTEXT…, where the engine says.
    pub method: Option<String>,
    /// A partial index's condition.
    pub predicate: Option<String>,
    /// Some key is an expression rather than a column.
    pub expression: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub name: Option<String>,
    pub expression: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnumType {
    pub schema: Option<String>,
    /// For MySQL, whose enums belong to a column: `table.column`.
    pub name: String,
    pub values: Vec<String>,
}

impl EnumType {
    pub fn qualified_name(&self) -> String {
        qualified(self.schema.as_deref(), &self.name)
    }
}
