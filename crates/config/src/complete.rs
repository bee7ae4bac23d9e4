//! Completion at the cursor. It reads lines rather than the parsed document, because the text
//! being typed is usually not valid TOML yet.

use super::schema::{self, KeySpec};
use super::{Completion, CompletionKind, LineIndex};
use quantum_kernel::Engine;

/// Suggestions at a 1-based line and UTF-16 column: the keys allowed in the cursor's table
/// (minus those already set), engine names after `engine = "`, and table names after `[`.
pub fn completions(text: &str, line: u32, column: u32) -> Vec<Completion> {
    let index = LineIndex::new(text);
    let Some(cursor) = index.offset(line, column) else {
        return Vec::new();
    };
    let line_start = text[..cursor].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..cursor].trim_start();

    if before.starts_with('[') && !before.contains(']') {
        return header_completions();
    }
    if let Some(rest) = before.strip_prefix("engine") {
        let rest = rest.trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            if value.is_empty() || (value.starts_with('"') && !value[1..].contains('"')) {
                return engine_completions();
            }
            return Vec::new();
        }
    }
    // Keys are offered only while the cursor is still in the first word of the line.
    if !before
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Vec::new();
    }
    let (table, table_start) = current_table(text, line_start);
    let Some(keys) = keys_of(&table) else {
        return Vec::new();
    };
    let section_end = text[line_start..]
        .find("\n[")
        .map_or(text.len(), |i| line_start + i);
    let present = keys_present(&text[table_start..section_end], line_start - table_start);
    keys.iter()
        .filter(|(key, _)| !present.iter().any(|p| p == key))
        .map(|(key, detail)| Completion {
            label: (*key).to_owned(),
            kind: CompletionKind::Key,
            detail: (*detail).to_owned(),
        })
        .collect()
}

/// The path of the last `[header]` above `line_start`, and where that table's lines begin.
fn current_table(text: &str, line_start: usize) -> (Vec<String>, usize) {
    let mut table = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text[..line_start].split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let inner = trimmed
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default();
            table = inner
                .split('.')
                .map(|part| part.trim().trim_matches('"').trim_matches('\'').to_owned())
                .collect();
            start = offset + line.len();
        }
        offset += line.len();
    }
    (table, start)
}

/// The keys allowed in a table; `None` where names are free (datasource names, variables).
fn keys_of(table: &[String]) -> Option<&'static [KeySpec]> {
    match table
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => Some(schema::TOP_KEYS),
        ["project"] => Some(schema::PROJECT_KEYS),
        ["datasources", _] => Some(schema::DATASOURCE_KEYS),
        ["environments", _] => Some(schema::ENVIRONMENT_KEYS),
        ["tests", _] => Some(schema::TEST_KEYS),
        ["health"] => Some(schema::HEALTH_KEYS),
        ["deploy", _] => Some(schema::DEPLOY_KEYS),
        _ => None,
    }
}

/// Keys set in a table's lines, skipping the line being typed (at `cursor_line`).
fn keys_present(section: &str, cursor_line: usize) -> Vec<String> {
    let mut offset = 0;
    let mut keys = Vec::new();
    for line in section.split_inclusive('\n') {
        if offset != cursor_line {
            if let Some((key, _)) = line.split_once('=') {
                keys.push(key.trim().trim_matches('"').to_owned());
            }
        }
        offset += line.len();
    }
    keys
}

fn engine_completions() -> Vec<Completion> {
    Engine::ALL
        .into_iter()
        .map(|engine| Completion {
            label: engine.as_str().to_owned(),
            kind: CompletionKind::Value,
            detail: format!("Default port {}", engine.default_port()),
        })
        .collect()
}

fn header_completions() -> Vec<Completion> {
    [
        ("project", "The project's name and description"),
        ("variables", "Plain variables shared by every environment"),
        ("datasources.", "A datasource: [datasources.<name>]"),
        ("environments.", "An environment: [environments.<name>]"),
        ("tests.", "A test suite: [tests.<name>]"),
    ]
    .into_iter()
    .map(|(label, detail)| Completion {
        label: label.to_owned(),
        kind: CompletionKind::Table,
        detail: detail.to_owned(),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(completions: &[Completion]) -> Vec<&str> {
        completions.iter().map(|c| c.label.as_str()).collect()
    }

    const TEXT: &str = "[project]\nname = \"shop\"\n\n[datasources.main]\nengine = \"postgres\"\np\n\n[environments.dev]\n\n[variables]\nA = \"1\"\n";

    #[test]
    fn keys_of_the_cursor_table_minus_those_set() {
        // Line 6 is "p" inside [datasources.main].
        let found = completions(TEXT, 6, 2);
        assert_eq!(
            labels(&found),
            [
                "version",
                "image",
                "port",
                "database",
                "volume",
                "migrations",
                "migrations_format"
            ]
        );
        assert!(found.iter().all(|c| c.kind == CompletionKind::Key));
        assert_eq!(labels(&completions(TEXT, 3, 1)), ["description"]);
        assert_eq!(labels(&completions(TEXT, 9, 1)), ["variables", "secrets"]);
        assert!(
            completions(TEXT, 12, 1).is_empty(),
            "variable names are free"
        );
    }

    #[test]
    fn top_level_keys_before_any_header() {
        assert_eq!(
            labels(&completions("\n[project]\n", 1, 1)),
            [
                "project",
                "datasources",
                "environments",
                "variables",
                "tests",
                "health",
                "deploy"
            ]
        );
    }

    #[test]
    fn engines_after_engine_equals() {
        let text = "[datasources.main]\nengine = \"po";
        let found = completions(text, 2, 13);
        assert_eq!(
            labels(&found),
            ["postgres", "mysql", "mariadb", "mongodb", "redis"]
        );
        assert_eq!(found[0].kind, CompletionKind::Value);
        assert_eq!(found[0].detail, "Default port 5432");
        assert!(completions("[datasources.main]\nengine = \"redis\" ", 2, 18).is_empty());
    }

    #[test]
    fn tables_after_a_bracket() {
        let found = completions("[datasources.main]\n[", 2, 2);
        assert_eq!(found.len(), 5);
        assert!(found.iter().all(|c| c.kind == CompletionKind::Table));
    }

    #[test]
    fn nothing_for_positions_outside_the_text() {
        assert!(completions(TEXT, 99, 1).is_empty());
        assert!(completions(TEXT, 0, 0).is_empty());
    }
}
