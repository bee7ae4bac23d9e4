//! What the model templates see: per table a class name, fields with their type in the target
//! language, keys and relations, all decided here so that templates only lay text out.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::types::{typed, Kind, Typed};
use super::ModelLanguage;
use crate::{RefAction, Schema, Table, TableKind};

#[derive(Serialize)]
pub(super) struct Context {
    database: String,
    enums: Vec<EnumModel>,
    tables: Vec<TableModel>,
}

#[derive(Serialize)]
struct EnumModel {
    name: String,
    labels: Vec<String>,
}

#[derive(Serialize)]
struct TableModel {
    class_name: String,
    table_name: String,
    schema: Option<String>,
    comment: Option<String>,
    view: bool,
    /// Mapped as a class only with a primary key; otherwise a plain table, said so.
    has_primary_key: bool,
    fields: Vec<FieldModel>,
    /// Foreign keys over several columns (SQLAlchemy: `ForeignKeyConstraint`).
    composite_keys: Vec<CompositeKey>,
    relations: Vec<Relation>,
}

#[derive(Serialize)]
struct FieldModel {
    /// The column's name in the database.
    column: String,
    /// The name in code: the column's, made a valid identifier.
    ident: String,
    renamed: bool,
    ty: String,
    sa_type: String,
    nullable: bool,
    primary_key: bool,
    auto_increment: bool,
    foreign_key: Option<String>,
    on_delete: Option<String>,
    on_update: Option<String>,
    comment: Option<String>,
    unknown_type: Option<String>,
}

#[derive(Serialize)]
struct CompositeKey {
    columns: Vec<String>,
    targets: Vec<String>,
    on_delete: Option<String>,
    on_update: Option<String>,
}

#[derive(Serialize)]
struct Relation {
    name: String,
    /// Some key column may be NULL: the related row may be missing.
    optional: bool,
    target_class: String,
    columns: Vec<String>,
    self_reference: bool,
    remote: Vec<String>,
}

pub(super) fn build(schema: &Schema, language: ModelLanguage) -> Context {
    let names = class_names(schema);
    let mapped: HashSet<String> = schema
        .tables
        .iter()
        .filter(|t| t.primary_key.is_some() && t.kind != TableKind::View)
        .map(Table::qualified_name)
        .collect();
    let tables = schema
        .tables
        .iter()
        .map(|table| {
            let has_primary_key = mapped.contains(&table.qualified_name());
            let fields: Vec<FieldModel> = table
                .columns
                .iter()
                .map(|column| {
                    let typed = typed(schema.engine, column, &schema.enums);
                    let single_key = table
                        .foreign_keys
                        .iter()
                        .find(|k| k.columns.len() == 1 && k.columns[0] == column.name);
                    let ident = identifier(&column.name, language);
                    FieldModel {
                        renamed: ident.trim_start_matches("r#") != column.name,
                        ident,
                        column: column.name.clone(),
                        ty: language_type(language, &typed, column.nullable),
                        sa_type: sqlalchemy_type(&typed),
                        nullable: column.nullable,
                        primary_key: table
                            .primary_key
                            .as_ref()
                            .is_some_and(|pk| pk.columns.contains(&column.name)),
                        auto_increment: column.auto_increment,
                        foreign_key: single_key.map(|k| {
                            format!(
                                "{}.{}",
                                k.ref_qualified_name(),
                                k.ref_columns.first().cloned().unwrap_or_default()
                            )
                        }),
                        on_delete: single_key.and_then(|k| action(k.on_delete)),
                        on_update: single_key.and_then(|k| action(k.on_update)),
                        comment: column.comment.clone(),
                        unknown_type: (typed.kind == Kind::Unknown)
                            .then(|| column.data_type.clone()),
                    }
                })
                .collect();
            let idents: HashMap<&str, &str> = fields
                .iter()
                .map(|f| (f.column.as_str(), f.ident.as_str()))
                .collect();
            let mut taken: HashSet<String> = fields.iter().map(|f| f.ident.clone()).collect();
            let relations = table
                .foreign_keys
                .iter()
                .filter(|key| has_primary_key && mapped.contains(&key.ref_qualified_name()))
                .map(|key| {
                    let base = match key.columns.as_slice() {
                        [one] if one.ends_with("_id") && one.len() > 3 => {
                            one[..one.len() - 3].to_owned()
                        }
                        _ => key.ref_table.clone(),
                    };
                    let mut name = identifier(&base, language);
                    while !taken.insert(name.clone()) {
                        name.push_str("_ref");
                    }
                    Relation {
                        name,
                        optional: key
                            .columns
                            .iter()
                            .any(|c| table.column(c).is_none_or(|c| c.nullable)),
                        target_class: names[&key.ref_qualified_name()].clone(),
                        columns: key
                            .columns
                            .iter()
                            .map(|c| idents[c.as_str()].to_owned())
                            .collect(),
                        self_reference: key.ref_qualified_name() == table.qualified_name(),
                        remote: key
                            .ref_columns
                            .iter()
                            .map(|c| identifier(c, language))
                            .collect(),
                    }
                })
                .collect();
            TableModel {
                class_name: names[&table.qualified_name()].clone(),
                table_name: table.name.clone(),
                schema: table.schema.clone(),
                comment: table.comment.clone(),
                view: matches!(table.kind, TableKind::View | TableKind::MaterializedView),
                has_primary_key,
                composite_keys: table
                    .foreign_keys
                    .iter()
                    .filter(|k| k.columns.len() > 1)
                    .map(|k| CompositeKey {
                        columns: k.columns.clone(),
                        targets: k
                            .ref_columns
                            .iter()
                            .map(|c| format!("{}.{c}", k.ref_qualified_name()))
                            .collect(),
                        on_delete: action(k.on_delete),
                        on_update: action(k.on_update),
                    })
                    .collect(),
                relations,
                fields,
            }
        })
        .collect();
    Context {
        database: schema.database.clone(),
        enums: schema
            .enums
            .iter()
            .map(|e| EnumModel {
                name: pascal(&e.name),
                labels: e.values.clone(),
            })
            .collect(),
        tables,
    }
}

/// PascalCase class names, with the schema in front where two schemas share a table name.
fn class_names(schema: &Schema) -> HashMap<String, String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for table in &schema.tables {
        *count.entry(table.name.as_str()).or_default() += 1;
    }
    schema
        .tables
        .iter()
        .map(|table| {
            let name = match (&table.schema, count[table.name.as_str()]) {
                (Some(schema), n) if n > 1 => format!("{}{}", pascal(schema), pascal(&table.name)),
                _ => pascal(&table.name),
            };
            (table.qualified_name(), name)
        })
        .collect()
}

fn pascal(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "metadata", "registry",
];
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "yield",
];

/// A column or relation name as a valid identifier in `language`.
fn identifier(name: &str, language: ModelLanguage) -> String {
    let mut ident: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if language != ModelLanguage::Typescript {
        ident = ident.to_ascii_lowercase();
    }
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    match language {
        ModelLanguage::Sqlalchemy if PYTHON_KEYWORDS.contains(&ident.as_str()) => {
            format!("{ident}_")
        }
        ModelLanguage::Rust if ident == "self" || ident == "Self" => format!("{ident}_"),
        ModelLanguage::Rust if RUST_KEYWORDS.contains(&ident.as_str()) => format!("r#{ident}"),
        // A property name that is not an identifier is quoted.
        ModelLanguage::Typescript if is_identifier(name) => name.to_owned(),
        ModelLanguage::Typescript => python_string(name),
        _ => ident,
    }
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn action(action: RefAction) -> Option<String> {
    (action != RefAction::NoAction).then(|| action.sql().to_owned())
}

fn language_type(language: ModelLanguage, typed: &Typed, nullable: bool) -> String {
    let base = match language {
        ModelLanguage::Sqlalchemy => python_type(typed),
        ModelLanguage::Typescript => typescript_type(typed),
        ModelLanguage::Rust => rust_type(typed),
    };
    match (language, nullable) {
        (ModelLanguage::Sqlalchemy, true) => format!("Optional[{base}]"),
        (ModelLanguage::Typescript, true) => format!("{base} | null"),
        (ModelLanguage::Rust, true) => format!("Option<{base}>"),
        _ => base,
    }
}

fn python_type(typed: &Typed) -> String {
    match typed.kind {
        Kind::Bool => "bool",
        Kind::Int16 | Kind::Int32 | Kind::Int64 => "int",
        Kind::Float32 | Kind::Float64 => "float",
        Kind::Decimal => "decimal.Decimal",
        Kind::Text | Kind::Unknown => "str",
        Kind::Bytes => "bytes",
        Kind::Date => "datetime.date",
        Kind::Time => "datetime.time",
        Kind::Timestamp | Kind::TimestampTz => "datetime.datetime",
        Kind::Uuid => "uuid.UUID",
        Kind::Json => "Any",
    }
    .to_owned()
}

fn sqlalchemy_type(typed: &Typed) -> String {
    if let Some(labels) = &typed.labels {
        let quoted: Vec<String> = labels.iter().map(|l| python_string(l)).collect();
        return format!("Enum({}, native_enum=False)", quoted.join(", "));
    }
    match (typed.kind, typed.length) {
        (Kind::Text, Some(length)) => format!("String({length})"),
        (kind, _) => match kind {
            Kind::Bool => "Boolean",
            Kind::Int16 => "SmallInteger",
            Kind::Int32 => "Integer",
            Kind::Int64 => "BigInteger",
            Kind::Float32 | Kind::Float64 => "Float",
            Kind::Decimal => "Numeric",
            Kind::Text | Kind::Unknown => "Text",
            Kind::Bytes => "LargeBinary",
            Kind::Date => "Date",
            Kind::Time => "Time",
            Kind::Timestamp => "DateTime",
            Kind::TimestampTz => "DateTime(timezone=True)",
            Kind::Uuid => "Uuid",
            Kind::Json => "JSON",
        }
        .to_owned(),
    }
}

fn typescript_type(typed: &Typed) -> String {
    if let Some(labels) = &typed.labels {
        let quoted: Vec<String> = labels.iter().map(|l| python_string(l)).collect();
        return quoted.join(" | ");
    }
    match typed.kind {
        Kind::Bool => "boolean",
        Kind::Int16 | Kind::Int32 | Kind::Int64 | Kind::Float32 | Kind::Float64 => "number",
        // Exact decimals lose digits as a JS number: drivers hand them over as text.
        Kind::Decimal | Kind::Text | Kind::Time | Kind::Uuid | Kind::Unknown => "string",
        Kind::Bytes => "Uint8Array",
        Kind::Date | Kind::Timestamp | Kind::TimestampTz => "Date",
        Kind::Json => "unknown",
    }
    .to_owned()
}

fn rust_type(typed: &Typed) -> String {
    match typed.kind {
        Kind::Bool => "bool",
        Kind::Int16 => "i16",
        Kind::Int32 => "i32",
        Kind::Int64 => "i64",
        Kind::Float32 => "f32",
        Kind::Float64 => "f64",
        Kind::Decimal => "rust_decimal::Decimal",
        Kind::Text | Kind::Unknown => "String",
        Kind::Bytes => "Vec<u8>",
        Kind::Date => "chrono::NaiveDate",
        Kind::Time => "chrono::NaiveTime",
        Kind::Timestamp => "chrono::NaiveDateTime",
        Kind::TimestampTz => "chrono::DateTime<chrono::Utc>",
        Kind::Uuid => "uuid::Uuid",
        Kind::Json => "serde_json::Value",
    }
    .to_owned()
}

/// A double-quoted string literal that Python and TypeScript both read as written.
fn python_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}
