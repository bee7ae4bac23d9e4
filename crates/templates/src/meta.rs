//! A template's metadata (`template.toml`): its name, the options it asks for, and which files
//! are written when. The options the user gives are checked here, before anything renders.

use std::collections::BTreeMap;

use regex::Regex;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};

/// Names every template gets from the project's name; options may not take them.
const RESERVED: &[&str] = &["name", "slug", "snake"];

/// One option's value: what the form sends and what the files see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum OptionValue {
    Bool(bool),
    Number(i64),
    Text(String),
}

/// What an option asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum OptionKind {
    #[serde(rename_all = "camelCase")]
    Text {
        /// A regular expression the whole value must match.
        pattern: Option<String>,
        /// What the pattern asks for, in words.
        pattern_help: Option<String>,
    },
    Choice {
        choices: Vec<String>,
    },
    Number {
        min: Option<i64>,
        max: Option<i64>,
    },
    Bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TemplateOption {
    pub key: String,
    pub label: String,
    pub help: Option<String>,
    pub kind: OptionKind,
    pub default: OptionValue,
}

/// A file written only when its condition (a Jinja expression over the options) holds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    pub path: String,
    pub when: String,
}

#[derive(Clone, Debug)]
pub struct Meta {
    pub name: String,
    pub description: String,
    pub order: i64,
    /// Path prefixes under `files/` copied as they are (say, a vendored script full of `{{`).
    pub verbatim: Vec<String>,
    pub options: Vec<TemplateOption>,
    pub rules: Vec<FileRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaFile {
    template: Header,
    #[serde(default)]
    options: Vec<OptionFile>,
    #[serde(default)]
    files: Vec<FileRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: String,
    #[serde(default)]
    description: String,
    order: Option<i64>,
    #[serde(default)]
    verbatim: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionFile {
    key: String,
    label: String,
    help: Option<String>,
    kind: String,
    choices: Option<Vec<String>>,
    min: Option<i64>,
    max: Option<i64>,
    pattern: Option<String>,
    pattern_help: Option<String>,
    default: Option<toml::Value>,
}

/// Reads `template.toml` (`path` names it in messages).
pub fn parse(path: &str, text: &str) -> Result<Meta> {
    let invalid = |message: String| Error::Invalid {
        path: path.to_owned(),
        message,
    };
    let file: MetaFile =
        toml::from_str(text).map_err(|error| invalid(error.message().to_owned()))?;
    if file.template.name.trim().is_empty() {
        return Err(invalid("[template] needs a name".into()));
    }
    let mut options: Vec<TemplateOption> = Vec::new();
    for option in file.options {
        let key = option.key.clone();
        let valid_key = key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_key || RESERVED.contains(&key.as_str()) {
            return Err(invalid(format!(
                "option “{key}”: use lowercase letters, digits and _ (not name, slug or snake)"
            )));
        }
        if options.iter().any(|o| o.key == key) {
            return Err(invalid(format!("option “{key}” is declared twice")));
        }
        let parsed =
            option_of(option).map_err(|message| invalid(format!("option “{key}”: {message}")))?;
        options.push(parsed);
    }
    Ok(Meta {
        name: file.template.name.trim().to_owned(),
        description: file.template.description.trim().to_owned(),
        order: file.template.order.unwrap_or(i64::MAX),
        verbatim: file.template.verbatim,
        options,
        rules: file.files,
    })
}

fn option_of(option: OptionFile) -> std::result::Result<TemplateOption, String> {
    let kind = match option.kind.as_str() {
        "text" => {
            if let Some(pattern) = &option.pattern {
                Regex::new(pattern).map_err(|error| format!("pattern: {error}"))?;
            }
            OptionKind::Text {
                pattern: option.pattern,
                pattern_help: option.pattern_help,
            }
        }
        "choice" => {
            let choices = option
                .choices
                .filter(|c| !c.is_empty())
                .ok_or("a choice needs choices")?;
            OptionKind::Choice { choices }
        }
        "number" => OptionKind::Number {
            min: option.min,
            max: option.max,
        },
        "bool" => OptionKind::Bool,
        other => {
            return Err(format!(
                "kind “{other}” is not text, choice, number or bool"
            ))
        }
    };
    let default = match (&kind, option.default) {
        (OptionKind::Bool, None) => OptionValue::Bool(false),
        (OptionKind::Choice { choices }, None) => OptionValue::Text(choices[0].clone()),
        (OptionKind::Text { .. }, None) => OptionValue::Text(String::new()),
        (_, Some(toml::Value::Boolean(b))) => OptionValue::Bool(b),
        (_, Some(toml::Value::Integer(n))) => OptionValue::Number(n),
        (_, Some(toml::Value::String(s))) => OptionValue::Text(s),
        _ => return Err("needs a default (a boolean, an integer or a string)".into()),
    };
    let mut parsed = TemplateOption {
        key: option.key,
        label: option.label,
        help: option.help,
        kind,
        default: OptionValue::Bool(false),
    };
    parsed.default = check(&parsed, default).map_err(|message| format!("default: {message}"))?;
    Ok(parsed)
}

/// The values the files see: each option's given value (checked) or its default.
pub fn resolve(
    meta: &Meta,
    given: &BTreeMap<String, OptionValue>,
) -> Result<BTreeMap<String, OptionValue>> {
    if let Some(unknown) = given
        .keys()
        .find(|k| !meta.options.iter().any(|o| &o.key == *k))
    {
        let known: Vec<&str> = meta.options.iter().map(|o| o.key.as_str()).collect();
        return Err(Error::Option {
            key: unknown.clone(),
            message: format!(
                "“{}” has no option “{unknown}”. Its options: {}.",
                meta.name,
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ),
        });
    }
    let mut values = BTreeMap::new();
    for option in &meta.options {
        let value = match given.get(&option.key) {
            Some(value) => check(option, value.clone()).map_err(|message| Error::Option {
                key: option.key.clone(),
                message: format!("{}: {message}", option.label),
            })?,
            None => option.default.clone(),
        };
        values.insert(option.key.clone(), value);
    }
    Ok(values)
}

/// `value` as the option takes it; text is read as a number or a yes/no where one is asked
/// (what a command line's `--set port=8080` gives).
fn check(option: &TemplateOption, value: OptionValue) -> std::result::Result<OptionValue, String> {
    match (&option.kind, value) {
        (OptionKind::Bool, OptionValue::Bool(b)) => Ok(OptionValue::Bool(b)),
        (OptionKind::Bool, OptionValue::Text(text)) => match text.trim() {
            "true" | "yes" | "on" | "1" => Ok(OptionValue::Bool(true)),
            "false" | "no" | "off" | "0" => Ok(OptionValue::Bool(false)),
            other => Err(format!("“{other}” is not yes or no (true or false)")),
        },
        (OptionKind::Number { min, max }, value) => {
            let number = match value {
                OptionValue::Number(n) => n,
                OptionValue::Text(text) => text
                    .trim()
                    .parse()
                    .map_err(|_| format!("“{text}” is not a whole number"))?,
                OptionValue::Bool(_) => return Err("a number is needed".into()),
            };
            let below = min.is_some_and(|min| number < min);
            let above = max.is_some_and(|max| number > max);
            if below || above {
                Err(range(*min, *max, number))
            } else {
                Ok(OptionValue::Number(number))
            }
        }
        (OptionKind::Choice { choices }, OptionValue::Text(text)) => {
            if choices.contains(&text) {
                Ok(OptionValue::Text(text))
            } else {
                Err(format!("“{text}” is not one of {}", choices.join(", ")))
            }
        }
        (
            OptionKind::Text {
                pattern,
                pattern_help,
            },
            OptionValue::Text(text),
        ) => {
            let matches = pattern.as_deref().is_none_or(|pattern| {
                Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(&text))
            });
            if matches {
                Ok(OptionValue::Text(text))
            } else {
                Err(pattern_help.clone().unwrap_or_else(|| {
                    format!(
                        "“{text}” does not match {}",
                        pattern.as_deref().unwrap_or("")
                    )
                }))
            }
        }
        (_, OptionValue::Number(n)) => check(option, OptionValue::Text(n.to_string())),
        (_, OptionValue::Bool(_)) => Err("text is needed, not yes or no".into()),
    }
}

fn range(min: Option<i64>, max: Option<i64>, number: i64) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{number} is not between {min} and {max}"),
        (Some(min), None) => format!("{number} is below {min}"),
        (None, Some(max)) => format!("{number} is above {max}"),
        (None, None) => String::new(),
    }
}

/// The longest slug: room left for a suffix in a 63-character Docker or database name
/// (`{{ slug }}-db`).
const SLUG_MAX: usize = 40;

/// `My Shop` → `my-shop` (`separator` `-`) or `my_shop` (`_`): lowercase ASCII letters and
/// digits, other runs replaced, at most 40 long; starting with a letter, as database names must.
pub fn slug(name: &str, separator: char) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with(separator) {
            out.push(separator);
        }
    }
    out.truncate(SLUG_MAX);
    let out = out.trim_end_matches(separator).to_owned();
    match out.chars().next() {
        None => "project".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("p{separator}{out}"),
        Some(_) => out,
    }
}
