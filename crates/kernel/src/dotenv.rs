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
    let mut lines: Vec<String> = entries(current)
        .into_iter()
        .map(|(_, entry)| entry.to_owned())
        .collect();
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
/// `KEY=value`, `export KEY=value`, double quotes with `\\n` and backslash-escaped characters,
/// single quotes taken literally, quoted values over several lines, and ` # comments` after
/// unquoted values. A line it cannot read is an error naming the line.
pub fn parse(text: &str) -> Result<Vec<(String, String)>> {
    let mut vars: Vec<(String, String)> = Vec::new();
    for (number, raw) in entries(text) {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let invalid = |what: &str| {
            Error::validation(
                "validation.invalid_variable",
                "path",
                format!("Line {number} of the .env file {what}. Fix that line and try again."),
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
    let mut out: String = entries(text)
        .into_iter()
        .map(|(_, line)| match key_of(line) {
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

/// A value as `source .env` (bash), docker compose and dotenv libraries read it back exactly:
/// plain when nothing in it is special, else in single quotes, inside which nothing is special and
/// newlines are kept. A value holding `'` is double-quoted, with the four characters bash treats
/// specially there (`\\`, `"`, `$`, `` ` ``) escaped.
fn quote(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.:/@%+,?=".contains(c))
    {
        value.to_owned()
    } else if !value.contains('\'') {
        format!("'{value}'")
    } else {
        let mut quoted = String::with_capacity(value.len() + 2);
        quoted.push('"');
        for c in value.chars() {
            if matches!(c, '\\' | '"' | '$' | '`') {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        quoted
    }
}

/// The text's logical lines, each with the number of its first physical line: a quoted value
/// may hold newlines, and its lines belong to its assignment. A trailing `\r` is dropped.
fn entries(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut start, mut number) = (0, 1);
    while start < text.len() {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let mut end = line_end;
        if let Some(open) = opening_quote(&text[start..line_end]) {
            let body = start + open + 1;
            end = match closing_quote(&text[body..], text.as_bytes()[start + open]) {
                Some(close) => text[body + close..]
                    .find('\n')
                    .map_or(text.len(), |i| body + close + i),
                // Unclosed: the rest of the text, which `parse` refuses.
                None => text.len(),
            };
        }
        let entry = &text[start..end];
        out.push((number, entry.strip_suffix('\r').unwrap_or(entry)));
        number += entry.matches('\n').count() + 1;
        start = end + 1;
    }
    out
}

/// Where the quote opening an assignment's value is, if its value is quoted.
fn opening_quote(line: &str) -> Option<usize> {
    key_of(line)?;
    let equals = line.find('=')?;
    let value = &line[equals + 1..];
    let open = value.len() - value.trim_start().len();
    value[open..]
        .starts_with(['"', '\''])
        .then_some(equals + 1 + open)
}

/// Where the quote closing `body` is: the next `'`, or the next `"` not escaped by a backslash.
fn closing_quote(body: &str, quote: u8) -> Option<usize> {
    if quote == b'\'' {
        return body.find('\'');
    }
    let mut escaped = false;
    for (index, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(index),
            _ => {}
        }
    }
    None
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
            &vars(&[("A", "two words $HOME \"q\""), ("B", "it's `id` $HOME")]),
            "db",
        );
        assert_eq!(
            merged,
            "#A=commented\n\n# db\nA='two words $HOME \"q\"'\nB=\"it's \\`id\\` \\$HOME\"\n"
        );
    }

    const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA=\nAbC=\n-----END PRIVATE KEY-----\n";

    #[test]
    fn a_value_over_several_lines_round_trips_and_merging_keeps_it_whole() {
        let written = merge("", &vars(&[("KEY", PEM), ("AbC", "x")]), "keys");
        assert_eq!(
            parse(&written).expect("parse"),
            vars(&[("KEY", PEM), ("AbC", "x")])
        );
        // The key's own lines (one reads like `AbC=`) are not assignments to update or mask.
        let merged = merge(&written, &vars(&[("AbC", "y")]), "keys");
        assert_eq!(
            parse(&merged).expect("parse"),
            vars(&[("KEY", PEM), ("AbC", "y")])
        );
        assert_eq!(merged.matches("AbC=").count(), 2, "{merged}");
        let masked = mask(&merged, &["KEY"], MASK);
        assert_eq!(
            parse(&masked).expect("parse"),
            vars(&[("KEY", MASK), ("AbC", "y")])
        );
        let error = parse("A=1\nB='open\nC=2\n").expect_err("unclosed");
        assert!(error.to_string().contains("Line 2"), "{error}");
    }
}

#[cfg(all(test, unix))]
mod round_trip {
    use proptest::prelude::*;

    use super::*;

    /// What bash's `source` assigns from the file, as `docker compose` and shell scripts use it.
    fn sourced(text: &str) -> String {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut file, text.as_bytes()).expect("write");
        let output = std::process::Command::new("bash")
            .args(["-c", "set -a; source \"$1\"; printf %s \"$KEY\"", "bash"])
            .arg(file.path())
            .env_remove("KEY")
            .output()
            .expect("bash");
        assert!(output.status.success(), "{output:?}\n{text}");
        String::from_utf8(output.stdout).expect("utf-8")
    }

    fn value() -> impl Strategy<Value = String> {
        // Any text but NUL (no variable can hold it), and text dense in what shells treat specially.
        prop_oneof!["[^\\x00]{0,40}", "[ a'\"$`\\\\\n\r\t#=&;|(){}!*?~<>]{0,24}",]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn any_value_reads_back_exactly_in_the_app_and_in_bash(value in value()) {
            let text = merge("# kept\nOTHER=1\n", &[("KEY".to_owned(), value.clone())], "app");
            let parsed = parse(&text).expect("parse");
            prop_assert_eq!(parsed.last().map(|(_, v)| v.as_str()), Some(value.as_str()), "{}", text);
            prop_assert_eq!(sourced(&text), value, "{}", text);
        }
    }
}
