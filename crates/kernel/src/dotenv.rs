//! `.env` text: read the variables it assigns, merge variables into it while keeping its other
//! lines, comments and order, and mask secret values for display.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};

/// What the window shows in place of a secret value in a `.env` file.
pub const MASK: &str = "••••••";

/// The `.env` text with `vars` set: existing keys are updated where they stand (an `export`
/// prefix is kept), new ones are appended under `heading`. Every other line is kept as it was.
pub fn merge(current: &str, vars: &[(String, String)], heading: &str) -> String {
    let mut lines: Vec<String> = current.lines().map(str::to_owned).collect();
    let mut missing: Vec<&(String, String)> = Vec::new();
    for var in vars {
        let (key, value) = var;
        let existing = lines
            .iter()
            .position(|line| key_of(line) == Some(key.as_str()));
        match existing {
            Some(index) => {
                let export = if lines[index].trim_start().starts_with("export ") {
                    "export "
                } else {
                    ""
                };
                lines[index] = format!("{export}{key}={}", quote(value));
            }
            None => missing.push(var),
        }
    }
    if !missing.is_empty() {
        if lines.last().is_some_and(|l| !l.trim().is_empty()) {
            lines.push(String::new());
        }
        lines.push(format!("# {heading}"));
        lines.extend(missing.iter().map(|(k, v)| format!("{k}={}", quote(v))));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The variables a `.env` file assigns, in file order; a later assignment of a key wins. Reads
/// `KEY=value`, `export KEY=value`, double quotes with `\\n`, `\\"`, `\\\\` and `\\$` escapes,
/// single quotes taken literally, and ` # comments` after unquoted values. A line it cannot read is
/// an error naming the line.
pub fn parse(text: &str) -> Result<Vec<(String, String)>> {
    let mut vars: Vec<(String, String)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let invalid = |what: &str| {
            Error::validation(
                "validation.invalid_variable",
                "path",
                format!(
                    "Line {} of the .env file {what}. Fix that line and try again.",
                    index + 1
                ),
            )
        };
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((key, rest)) = line.split_once('=') else {
            return Err(invalid("is not a KEY=value assignment"));
        };
        let key = key.trim();
        if key.is_empty()
            || key.starts_with(|c: char| c.is_ascii_digit())
            || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(invalid(&format!(
                "assigns “{key}”, which is not a valid variable name (letters, digits and _, not starting with a digit)"
            )));
        }
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = body.chars();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some(other) => value.push(other),
                        None => break,
                    },
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(invalid("opens a double quote that it does not close"));
            }
            value
        } else if let Some(body) = rest.strip_prefix('\'') {
            match body.find('\'') {
                Some(end) => body[..end].to_owned(),
                None => return Err(invalid("opens a single quote that it does not close")),
            }
        } else {
            match rest.find(" #") {
                Some(comment) => rest[..comment].trim_end().to_owned(),
                None => rest.trim_end().to_owned(),
            }
        };
        vars.retain(|(k, _)| k != key);
        vars.push((key.to_owned(), value));
    }
    Ok(vars)
}

/// The text with the values of `names` replaced by `mask`, for showing a file that holds secrets.
pub fn mask(text: &str, names: &[&str], mask: &str) -> String {
    let mut out: String = text
        .lines()
        .map(|line| match key_of(line) {
            Some(key) if names.contains(&key) => {
                let export = if line.trim_start().starts_with("export ") {
                    "export "
                } else {
                    ""
                };
                format!("{export}{key}={}", quote(mask))
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The key a line assigns, if it assigns one.
fn key_of(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if line.starts_with('#') {
        return None;
    }
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (key, _) = line.split_once('=')?;
    let key = key.trim_end();
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(key)
}

/// Values with spaces, quotes, `#` or `$` are double-quoted so that dotenv parsers read them back.
fn quote(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.:/@%+,?&=".contains(c))
    {
        value.to_owned()
    } else {
        format!(
            "\"{}\"",
            value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('$', "\\$")
        )
    }
}

/// A `.env` file before and after the app writes into it, shown before writing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct EnvFilePreview {
    pub path: String,
    /// `None` when the file does not exist yet.
    pub current: Option<String>,
    pub proposed: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_what_merge_writes_and_common_dotenv_forms() {
        let values = vars(&[("A", "plain"), ("B", "with space # and $HOME"), ("C", "")]);
        let written = merge("# keep\n", &values, "heading");
        assert_eq!(parse(&written).expect("parse"), values);
        let text = "export X=1 # comment\nY='lit $eral'\nZ=\"multi\\nline\"\nX=2\n";
        assert_eq!(
            parse(text).expect("parse"),
            vars(&[("Y", "lit $eral"), ("Z", "multi\nline"), ("X", "2")])
        );
    }

    #[test]
    fn parse_names_the_line_it_cannot_read() {
        let error = parse("A=1\nnot an assignment\n").expect_err("invalid");
        assert!(error.to_string().contains("Line 2"), "{error}");
        let error = parse("A=1\n9X=2\n").expect_err("invalid");
        assert!(error.to_string().contains("9X"), "{error}");
        let error = parse("A=\"open\n").expect_err("invalid");
        assert!(error.to_string().contains("double quote"), "{error}");
    }

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn existing_keys_are_updated_in_place_and_the_rest_is_kept() {
        let current = "# app settings\nAPP_NAME=shop\nexport DATABASE_URL=old\n\n# mail\nSMTP_HOST=localhost\n";
        let merged = merge(
            current,
            &vars(&[
                ("DATABASE_URL", "postgres://a:b@127.0.0.1:5432/shop"),
                ("PGPORT", "5432"),
            ]),
            "shop-postgres-1",
        );
        assert_eq!(
            merged,
            "# app settings\nAPP_NAME=shop\nexport DATABASE_URL=postgres://a:b@127.0.0.1:5432/shop\n\n# mail\nSMTP_HOST=localhost\n\n# shop-postgres-1\nPGPORT=5432\n"
        );
    }

    #[test]
    fn a_new_file_gets_the_variables_under_a_heading() {
        assert_eq!(merge("", &vars(&[("A", "1")]), "db"), "# db\nA=1\n");
    }

    #[test]
    fn values_that_need_it_are_quoted_and_comments_are_not_keys() {
        let merged = merge(
            "#A=commented\n",
            &vars(&[("A", "two words $HOME \"q\"")]),
            "db",
        );
        assert_eq!(
            merged,
            "#A=commented\n\n# db\nA=\"two words \\$HOME \\\"q\\\"\"\n"
        );
    }
}
