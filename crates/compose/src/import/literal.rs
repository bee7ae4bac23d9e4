//! A password written in a compose file replaced by `${VARIABLE}` in place: only that value
//! changes; comments, order and layout stay as they were. The value is found by the YAML
//! parser's position of `services.<service>.environment.<KEY>` (map or `- KEY=value` form).

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::services::first_variable;
use crate::error::{Error, Result};

enum Frame {
    Map { key: Option<String>, want_key: bool },
    List,
}

/// Where each wanted scalar starts (in characters), with its style and text.
struct Finder<'a> {
    service: &'a str,
    key: &'a str,
    frames: Vec<Frame>,
    found: Vec<(Marker, TScalarStyle, String)>,
}

impl Finder<'_> {
    /// The keys from the top to the current value (`[]` for a list item).
    fn path(&self) -> Vec<&str> {
        self.frames
            .iter()
            .map(|frame| match frame {
                Frame::Map { key, .. } => key.as_deref().unwrap_or(""),
                Frame::List => "[]",
            })
            .collect()
    }

    /// A value ended: the map it is in wants its next key.
    fn value_done(&mut self) {
        if let Some(Frame::Map { want_key, .. }) = self.frames.last_mut() {
            *want_key = true;
        }
    }
}

impl MarkedEventReceiver for Finder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::MappingStart(..) => self.frames.push(Frame::Map {
                key: None,
                want_key: true,
            }),
            Event::SequenceStart(..) => self.frames.push(Frame::List),
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.value_done();
            }
            Event::Scalar(value, style, ..) => {
                if let Some(Frame::Map { key, want_key }) = self.frames.last_mut() {
                    if *want_key {
                        *key = Some(value);
                        *want_key = false;
                        return;
                    }
                }
                let path = self.path();
                let in_environment = path.len() == 4
                    && path[0] == "services"
                    && path[1] == self.service
                    && path[2] == "environment";
                let wanted = in_environment
                    && ((path[3] == self.key)
                        || (path[3] == "[]"
                            && value.split_once('=').map(|(k, _)| k) == Some(self.key)));
                if wanted {
                    self.found.push((mark, style, value));
                }
                self.value_done();
            }
            Event::Alias(_) => self.value_done(),
            _ => {}
        }
    }
}

/// `text` with the service's `key` written as `${variable}`; `None` when the file does not set
/// that key for the service.
pub fn replace(
    text: &str,
    path: &str,
    service: &str,
    key: &str,
    variable: &str,
) -> Result<Option<String>> {
    let mut finder = Finder {
        service,
        key,
        frames: Vec::new(),
        found: Vec::new(),
    };
    Parser::new_from_str(text)
        .load(&mut finder, false)
        .map_err(|error| Error::NotYaml {
            path: path.to_owned(),
            message: error.to_string(),
        })?;
    if finder.found.is_empty() {
        return Ok(None);
    }
    let placeholder = format!("${{{variable}}}");
    let mut out = text.to_owned();
    let mut changed = false;
    // From the end, so that the earlier positions stay true.
    for (mark, style, value) in finder.found.into_iter().rev() {
        let refused = || Error::LiteralNotRewritable {
            service: service.to_owned(),
            path: path.to_owned(),
            line: mark.line(),
            variable: variable.to_owned(),
        };
        let (old, new) = match value.split_once('=') {
            Some((name, _)) if name == key && !value.is_empty() => {
                (value.clone(), format!("{key}={placeholder}"))
            }
            _ => (value.clone(), placeholder.clone()),
        };
        if first_variable(&old).is_some() {
            // A variable's value, not a password written here.
            continue;
        }
        let start = byte_at(&out, &mark).ok_or_else(refused)?;
        let body = match style {
            TScalarStyle::Plain => start,
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => start + 1,
            _ => return Err(refused()),
        };
        // The source must hold the value as it reads (no escapes, no folded lines).
        if !out.get(body..).is_some_and(|rest| rest.starts_with(&old)) {
            return Err(refused());
        }
        out.replace_range(body..body + old.len(), &new);
        changed = true;
    }
    if !changed {
        return Ok(None);
    }
    Ok(Some(out))
}

/// Where the parser's mark is in `text`, in bytes: its line (from 1) and column (in characters,
/// from 0) are kept right by the parser, its index not always (a block scalar's long lines count
/// bytes there).
fn byte_at(text: &str, mark: &Marker) -> Option<usize> {
    let line_start = match mark.line() {
        0 | 1 => 0,
        line => text.match_indices('\n').nth(line - 2)?.0 + 1,
    };
    let offset = text[line_start..]
        .char_indices()
        .nth(mark.col())
        .map(|(at, _)| at)?;
    Some(line_start + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# The shop's stack
services:
  db:
    image: postgres:16 # pinned
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: s3cret   # change me
  other:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: s3cret
  cache:
    image: redis
    environment:
      - \"REDIS_PASSWORD=r3dis\"
      - OTHER=x
";

    #[test]
    fn only_that_service_s_value_changes_and_comments_stay() {
        let out = replace(
            FILE,
            "compose.yaml",
            "db",
            "POSTGRES_PASSWORD",
            "DB_PASSWORD",
        )
        .expect("replaced")
        .expect("found");
        assert_eq!(
            out,
            FILE.replacen(
                "POSTGRES_PASSWORD: s3cret   # change me",
                "POSTGRES_PASSWORD: ${DB_PASSWORD}   # change me",
                1
            )
        );
        let out = replace(
            FILE,
            "compose.yaml",
            "cache",
            "REDIS_PASSWORD",
            "CACHE_PASSWORD",
        )
        .expect("replaced")
        .expect("found");
        assert!(
            out.contains("- \"REDIS_PASSWORD=${CACHE_PASSWORD}\"\n      - OTHER=x"),
            "{out}"
        );
        assert_eq!(
            replace(FILE, "compose.yaml", "db", "MISSING", "X").expect("read"),
            None
        );
    }

    #[test]
    fn text_before_it_in_any_script_and_dollars_do_not_move_it() {
        let file = "x-notes: |\n  Über die Datenbank — lange Zeile mit Umlauten äöü, damit sie länger ist\nservices:\n  db:\n    command: >\n      postgres -c 'application_name=naïve—long line here'\n    environment:\n      POSTGRES_PASSWORD: pa$$wörd\n      OTHER: ${KEEP}\n";
        let out = replace(
            file,
            "compose.yaml",
            "db",
            "POSTGRES_PASSWORD",
            "DB_PASSWORD",
        )
        .expect("replaced")
        .expect("found");
        assert_eq!(
            out,
            file.replace(
                "POSTGRES_PASSWORD: pa$$wörd",
                "POSTGRES_PASSWORD: ${DB_PASSWORD}"
            )
        );
        assert_eq!(
            replace(file, "compose.yaml", "db", "OTHER", "X").expect("read"),
            None,
            "a variable is no written password"
        );
    }

    #[test]
    fn a_value_with_escapes_is_refused_not_mangled() {
        let file = "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: \"a\\tb\"\n";
        assert!(matches!(
            replace(
                file,
                "compose.yaml",
                "db",
                "POSTGRES_PASSWORD",
                "DB_PASSWORD"
            ),
            Err(Error::LiteralNotRewritable { line: 4, .. })
        ));
    }
}
