//! A column's SQL type as each model language writes it. The engines spell types many ways
//! (`character varying(120)`, `varchar(120)`, `VARCHAR`, `int(11)`, `INTEGER`): they are sorted
//! into kinds first, then each language maps the kind.

use crate::{Column, EnumType, SchemaEngine};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Decimal,
    Text,
    Bytes,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    /// Not a type the generators know: kept as text, with a comment saying so.
    Unknown,
}

/// A column's kind, its length when it is a bounded string, and its labels when it is an enum.
pub struct Typed {
    pub kind: Kind,
    pub length: Option<u32>,
    pub labels: Option<Vec<String>>,
}

pub fn typed(engine: SchemaEngine, column: &Column, enums: &[EnumType]) -> Typed {
    let text = column.data_type.trim().to_ascii_lowercase();
    let base = text.split('(').next().unwrap_or_default().trim();
    let length = text
        .split_once('(')
        .and_then(|(_, rest)| rest.split([')', ',']).next())
        .and_then(|n| n.trim().parse().ok());
    if let Some(labels) = enum_labels(&column.data_type, enums) {
        return Typed {
            kind: Kind::Text,
            length: None,
            labels: Some(labels),
        };
    }
    let kind = match base {
        "boolean" | "bool" => Kind::Bool,
        "tinyint" if length == Some(1) && engine == SchemaEngine::Mysql => Kind::Bool,
        "smallint" | "int2" | "tinyint" | "smallserial" => Kind::Int16,
        // SQLite's INTEGER is 64-bit; the others' is 32.
        "integer" if engine == SchemaEngine::Sqlite => Kind::Int64,
        "integer" | "int" | "int4" | "mediumint" | "serial" => Kind::Int32,
        "bigint" | "int8" | "bigserial" => Kind::Int64,
        "real" if engine == SchemaEngine::Sqlite => Kind::Float64,
        "real" | "float4" => Kind::Float32,
        "double precision" | "float8" | "double" | "float" => Kind::Float64,
        "numeric" | "decimal" => Kind::Decimal,
        "text" | "varchar" | "character varying" | "char" | "character" | "citext" | "name"
        | "tinytext" | "mediumtext" | "longtext" | "clob" | "nvarchar" | "nchar" => Kind::Text,
        "bytea" | "blob" | "binary" | "varbinary" | "tinyblob" | "mediumblob" | "longblob" => {
            Kind::Bytes
        }
        "date" => Kind::Date,
        "time" | "time without time zone" | "time with time zone" | "timetz" => Kind::Time,
        "timestamp with time zone" | "timestamptz" => Kind::TimestampTz,
        // MySQL keeps TIMESTAMP in UTC; DATETIME and PostgreSQL's plain timestamp have no zone.
        "timestamp" if engine == SchemaEngine::Mysql => Kind::TimestampTz,
        "timestamp" | "timestamp without time zone" | "datetime" => Kind::Timestamp,
        "uuid" => Kind::Uuid,
        "json" | "jsonb" => Kind::Json,
        _ => Kind::Unknown,
    };
    Typed {
        kind,
        length: length
            .filter(|_| matches!(base, "varchar" | "character varying" | "char" | "character")),
        labels: None,
    }
}

/// The labels of an enum type: a PostgreSQL enum named by the column's type, or MySQL's inline
/// `enum('a','b')`.
fn enum_labels(data_type: &str, enums: &[EnumType]) -> Option<Vec<String>> {
    if data_type.to_ascii_lowercase().starts_with("enum(") {
        return Some(crate::mysql::enum_values(data_type));
    }
    let unquoted = data_type.trim_matches('"');
    enums
        .iter()
        .find(|e| e.name == unquoted || e.qualified_name() == unquoted)
        .map(|e| e.values.clone())
}
