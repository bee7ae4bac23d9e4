//! A template's files rendered for one project: paths and text through minijinja (strict about
//! unknown names, so a typo in a template fails loudly instead of writing an empty string), files
//! kept or left out by their `when` rule, binary and verbatim files copied as they are.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::error::{Error, Result};
use crate::meta::{self, OptionValue};
use crate::source::Loaded;

/// One file the project gets: its path relative to the project folder.
pub struct RenderedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What the files see: `name`, `slug`, `snake` and each option.
pub fn context(name: &str, options: &BTreeMap<String, OptionValue>) -> BTreeMap<String, Value> {
    let mut context: BTreeMap<String, Value> = options
        .iter()
        .map(|(key, value)| {
            let value = match value {
                OptionValue::Bool(b) => Value::from(*b),
                OptionValue::Number(n) => Value::from(*n),
                OptionValue::Text(text) => Value::from(text.as_str()),
            };
            (key.clone(), value)
        })
        .collect();
    context.insert("name".into(), Value::from(name));
    context.insert("slug".into(), Value::from(meta::slug(name, '-')));
    context.insert("snake".into(), Value::from(meta::slug(name, '_')));
    context
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Templates escape where they mean to (`|e`, `|tojson`): a file's kind says nothing here.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env
}

pub fn render(template: &Loaded, context: &BTreeMap<String, Value>) -> Result<Vec<RenderedFile>> {
    let env = environment();
    let failed = |path: &str, error: minijinja::Error| Error::Render {
        template: template.meta.name.clone(),
        path: path.to_owned(),
        message: describe(&error),
    };
    let mut out = Vec::new();
    for (path, bytes) in &template.files {
        if let Some(rule) = template.meta.rules.iter().find(|r| r.path == *path) {
            let expression = env
                .compile_expression(&rule.when)
                .map_err(|error| failed(path, error))?;
            if !expression
                .eval(context)
                .map_err(|error| failed(path, error))?
                .is_true()
            {
                continue;
            }
        }
        let target = env
            .render_str(path, context)
            .map_err(|error| failed(path, error))?;
        if !is_relative_path(&target) {
            return Err(Error::Render {
                template: template.meta.name.clone(),
                path: path.clone(),
                message: format!("its path renders to “{target}”, which is not inside the project"),
            });
        }
        let verbatim = template
            .meta
            .verbatim
            .iter()
            .any(|prefix| path.starts_with(prefix.as_str()));
        let bytes = match std::str::from_utf8(bytes) {
            Ok(text) if !verbatim => env
                .template_from_named_str(path.as_str(), text)
                .and_then(|t| t.render(context))
                .map_err(|error| failed(path, error))?
                .into_bytes(),
            _ => bytes.clone(),
        };
        out.push(RenderedFile {
            path: target,
            bytes,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The error with its line, which minijinja keeps apart from its message.
fn describe(error: &minijinja::Error) -> String {
    match error.line() {
        Some(line) => format!(
            "line {line}: {}",
            error.detail().unwrap_or(&error.kind().to_string())
        ),
        None => error.to_string(),
    }
}

/// `a/b.txt`: no root, no `..`, no empty part, no backslash.
fn is_relative_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}
