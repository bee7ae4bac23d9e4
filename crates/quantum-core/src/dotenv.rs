//! `.env` files: merge variables into one while keeping its other lines, comments and order.

use std::path::Path;

use crate::error::{Error, Result};

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

/// Reads a `.env` file; `None` when there is none yet.
pub fn read(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            context: format!("Could not read {}", path.display()),
            source,
        }),
    }
}

/// Replaces the file in one step (a temporary file renamed over it), so that a failure never
/// leaves half a file. A new file is readable by its owner only: it holds passwords.
pub fn write(path: &Path, text: &str) -> Result<()> {
    let io = |source| Error::Io {
        context: format!("Could not write {}", path.display()),
        source,
    };
    let temporary = path.with_extension("quantum-admin.tmp");
    std::fs::write(&temporary, text).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o600);
        std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    std::fs::rename(&temporary, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn writing_replaces_the_file_whole_and_keeps_it_private() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(".env");
        assert_eq!(read(&path).expect("read"), None);
        write(&path, "A=1\n").expect("write");
        assert_eq!(read(&path).expect("read").as_deref(), Some("A=1\n"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
