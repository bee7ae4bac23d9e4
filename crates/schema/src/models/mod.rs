//! Model code from the live schema: SQLAlchemy 2.0 declarative classes, TypeScript types and Rust
//! structs deriving `sqlx::FromRow` and serde. Names, nullability, keys and relations carry over;
//! a table without a primary key (or a view) is said so in a comment, never skipped. The code is
//! rendered by minijinja templates (`templates/`) from a context built here.

mod context;
pub mod types;

use minijinja::Environment;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Schema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ModelLanguage {
    Sqlalchemy,
    Typescript,
    Rust,
}

impl ModelLanguage {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Sqlalchemy => "py",
            Self::Typescript => "ts",
            Self::Rust => "rs",
        }
    }
}

pub fn generate(schema: &Schema, language: ModelLanguage) -> String {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let (name, source) = match language {
        ModelLanguage::Sqlalchemy => ("models.py", include_str!("templates/sqlalchemy.py.j2")),
        ModelLanguage::Typescript => ("models.ts", include_str!("templates/typescript.ts.j2")),
        ModelLanguage::Rust => ("models.rs", include_str!("templates/rust.rs.j2")),
    };
    env.add_template(name, source)
        .expect("the built-in templates parse");
    env.get_template(name)
        .and_then(|template| template.render(context::build(schema, language)))
        .expect("the built-in templates render any schema")
}
