//! The schema as text to paste into docs or feed to other tools, or as model code.

mod dbml;
mod markdown;
mod mermaid;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::models::{generate, ModelLanguage};
use crate::Schema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    /// A Mermaid `erDiagram`.
    Mermaid,
    /// DBML, as dbdiagram.io and `@dbml/core` read it.
    Dbml,
    /// Markdown docs: every table's columns, keys, indexes and relations.
    Markdown,
    /// The inspector's model, as the UI receives it.
    Json,
    /// SQLAlchemy 2.0 declarative models.
    Sqlalchemy,
    /// TypeScript interfaces.
    Typescript,
    /// Rust structs deriving `sqlx::FromRow` and serde.
    Rust,
}

impl ExportFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Mermaid => "mmd",
            Self::Dbml => "dbml",
            Self::Markdown => "md",
            Self::Json => "json",
            Self::Sqlalchemy => "py",
            Self::Typescript => "ts",
            Self::Rust => "rs",
        }
    }
}

pub fn export(schema: &Schema, format: ExportFormat) -> String {
    match format {
        ExportFormat::Mermaid => mermaid::render(schema),
        ExportFormat::Dbml => dbml::render(schema),
        ExportFormat::Markdown => markdown::render(schema),
        ExportFormat::Json => {
            serde_json::to_string_pretty(schema).expect("the model always serializes") + "\n"
        }
        ExportFormat::Sqlalchemy => generate(schema, ModelLanguage::Sqlalchemy),
        ExportFormat::Typescript => generate(schema, ModelLanguage::Typescript),
        ExportFormat::Rust => generate(schema, ModelLanguage::Rust),
    }
}
