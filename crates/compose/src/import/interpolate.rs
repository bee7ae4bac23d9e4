//! `${…}` in a compose file's values, filled the way Compose fills them: `$NAME`, `${NAME}`,
//! `${NAME:-default}` / `${NAME-default}`, `${NAME:?error}` / `${NAME?error}`,
//! `${NAME:+other}` / `${NAME+other}`, defaults that hold variables themselves, and `$$` for a
//! dollar sign.

use std::collections::BTreeMap;

/// What filling one value found wrong.
#[derive(Debug, PartialEq, Eq)]
pub enum Fault {
    /// `${NAME:?message}` with NAME unset (or empty, with the colon).
    Required { name: String, message: String },
    /// An unclosed `${` or a name that is no name.
    Syntax(String),
}

/// Fills `text` from `vars`; the names used but not set are added to `unset` (Compose puts an
/// empty string there and warns).
pub fn fill(
    text: &str,
    vars: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Result<String, Fault> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(inner) = rest.strip_prefix('{') {
            let end = closing_brace(inner)
                .ok_or_else(|| Fault::Syntax(format!("“${{{inner}” has no closing brace")))?;
            out.push_str(&braced(&inner[..end], vars, unset)?);
            rest = &inner[end + 1..];
        } else {
            let len = name_len(rest);
            if len == 0 {
                // A lone `$` stays as it is, as Compose leaves it.
                out.push('$');
                continue;
            }
            out.push_str(&lookup(&rest[..len], vars, unset));
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The `}` closing a `${`, nested `${…}` in a default skipped.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '$' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                depth += 1;
                chars.next();
            }
            '}' if depth == 0 => return Some(at),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn name_len(text: &str) -> usize {
    let mut len = 0;
    for (at, c) in text.char_indices() {
        let ok = c == '_' || c.is_ascii_alphabetic() || (at > 0 && c.is_ascii_digit());
        if !ok {
            break;
        }
        len = at + c.len_utf8();
    }
    len
}

fn lookup(name: &str, vars: &BTreeMap<String, String>, unset: &mut Vec<String>) -> String {
    match vars.get(name) {
        Some(value) => value.clone(),
        None => {
            if !unset.iter().any(|known| known == name) {
                unset.push(name.to_owned());
            }
            String::new()
        }
    }
}

fn braced(
    inner: &str,
    vars: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Result<String, Fault> {
    let len = name_len(inner);
    let name = &inner[..len];
    if name.is_empty() {
        return Err(Fault::Syntax(format!("“${{{inner}}}” names no variable")));
    }
    let tail = &inner[len..];
    if tail.is_empty() {
        return Ok(lookup(name, vars, unset));
    }
    let (colon, tail) = match tail.strip_prefix(':') {
        Some(tail) => (true, tail),
        None => (false, tail),
    };
    let mut ops = tail.chars();
    let op = ops.next();
    let word = ops.as_str();
    let value = vars.get(name);
    // With the colon an empty value counts as unset.
    let set = value.is_some_and(|value| !(colon && value.is_empty()));
    match op {
        Some('-') if set => Ok(value.cloned().unwrap_or_default()),
        Some('-') => fill(word, vars, unset),
        Some('+') if set => fill(word, vars, unset),
        Some('+') => Ok(String::new()),
        Some('?') if set => Ok(value.cloned().unwrap_or_default()),
        Some('?') => Err(Fault::Required {
            name: name.to_owned(),
            message: fill(word, vars, unset)?,
        }),
        _ => Err(Fault::Syntax(format!(
            "“${{{inner}}}” is not a form Compose reads"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("USER".to_owned(), "shop".to_owned()),
            ("EMPTY".to_owned(), String::new()),
            ("PORT".to_owned(), "5433".to_owned()),
        ])
    }

    fn filled(text: &str) -> (String, Vec<String>) {
        let mut unset = Vec::new();
        let out = fill(text, &vars(), &mut unset).expect("fills");
        (out, unset)
    }

    #[test]
    fn names_defaults_and_escapes() {
        assert_eq!(filled("$USER-${USER}").0, "shop-shop");
        assert_eq!(filled("${PORT:-5432}:5432").0, "5433:5432");
        assert_eq!(filled("${NOPE:-5432}").0, "5432");
        assert_eq!(filled("${EMPTY:-x}").0, "x");
        assert_eq!(filled("${EMPTY-x}").0, "");
        assert_eq!(filled("${NOPE:-${USER}_db}").0, "shop_db");
        assert_eq!(filled("${USER:+yes}${NOPE:+no}").0, "yes");
        assert_eq!(filled("a$$b $ c").0, "a$b $ c");
    }

    #[test]
    fn unset_names_are_empty_and_reported_once() {
        assert_eq!(
            filled("${NOPE}/$NOPE/${OTHER}"),
            ("//".to_owned(), vec!["NOPE".to_owned(), "OTHER".to_owned()])
        );
    }

    #[test]
    fn required_and_broken_forms_are_faults() {
        let mut unset = Vec::new();
        assert_eq!(
            fill(
                "${DB_PASSWORD:?set DB_PASSWORD in .env}",
                &vars(),
                &mut unset
            ),
            Err(Fault::Required {
                name: "DB_PASSWORD".to_owned(),
                message: "set DB_PASSWORD in .env".to_owned()
            })
        );
        assert!(matches!(
            fill("${USER", &vars(), &mut unset),
            Err(Fault::Syntax(_))
        ));
        assert!(matches!(
            fill("${USER*x}", &vars(), &mut unset),
            Err(Fault::Syntax(_))
        ));
    }
}
