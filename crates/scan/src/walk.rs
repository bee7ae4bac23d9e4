//! One walk of the folder: every file is classified by its name alone (no file is opened here;
//! manifests are read afterwards, a few of them).

use std::collections::BTreeMap;
use std::path::Path;

use ignore::WalkBuilder;

/// Folders of dependencies, builds and caches: never entered, `.gitignore` or not.
const SKIPPED: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".gradle",
    ".idea",
    ".mypy_cache",
    ".pytest_cache",
    ".tox",
];

/// Folder names that hold migrations, by the tools' conventions.
const MIGRATION_FOLDERS: &[&str] = &["migrations", "migrate", "versions"];

pub(crate) const MANIFESTS: &[&str] = &[
    "Cargo.toml",
    "package.json",
    "pyproject.toml",
    "requirements.txt",
    "Pipfile",
    "go.mod",
    "Gemfile",
    "composer.json",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "mix.exs",
    "package-lock.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "bun.lockb",
    "bun.lock",
    "poetry.lock",
    "uv.lock",
];

#[derive(Default)]
pub struct Walked {
    pub files: u32,
    pub languages: BTreeMap<&'static str, u32>,
    /// Relative paths of manifests and lock files.
    pub manifests: Vec<String>,
    pub dockerfiles: Vec<String>,
    pub compose_files: Vec<String>,
    /// (relative path, .sql files, all files) of folders named like migration folders.
    pub migration_folders: Vec<(String, u32, u32)>,
    pub env_files: Vec<String>,
}

pub fn walk(root: &Path) -> Walked {
    let mut walked = Walked::default();
    let mut migration_counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .git_global(false)
        .require_git(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| SKIPPED.contains(&name)))
        })
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let Some(name) = entry.file_name().to_str() else {
            continue;
        };
        walked.files += 1;
        let relative = relative.to_string_lossy().replace('\\', "/");
        if let Some(language) = language(name) {
            *walked.languages.entry(language).or_default() += 1;
        }
        if MANIFESTS.contains(&name) {
            walked.manifests.push(relative.clone());
        }
        if is_dockerfile(name) {
            walked.dockerfiles.push(relative.clone());
        }
        if is_compose_file(name) {
            walked.compose_files.push(relative.clone());
        }
        if name == ".env" || name.starts_with(".env.") {
            walked.env_files.push(relative.clone());
        }
        if let Some((parent, folder)) = relative.rsplit_once('/').and_then(|(parent, _)| {
            let folder = parent.rsplit('/').next()?;
            Some((parent.to_owned(), folder))
        }) {
            if MIGRATION_FOLDERS.contains(&folder) {
                let counts = migration_counts.entry(parent).or_default();
                counts.1 += 1;
                if name.ends_with(".sql") {
                    counts.0 += 1;
                }
            }
        }
    }
    add_ignored_env_files(root, &mut walked);
    walked.migration_folders = migration_counts
        .into_iter()
        .map(|(path, (sql, all))| (path, sql, all))
        .collect();
    for list in [
        &mut walked.manifests,
        &mut walked.dockerfiles,
        &mut walked.compose_files,
        &mut walked.env_files,
    ] {
        // Shallow first: the project's own before a sub-package's.
        list.sort_by(|a, b| {
            (a.matches('/').count(), a.as_str()).cmp(&(b.matches('/').count(), b.as_str()))
        });
    }
    walked
}

/// `.env` files are in nearly every `.gitignore`, so the walk does not see them: they are looked
/// for in the folder and in each package's (where a manifest is), where tools read them.
fn add_ignored_env_files(root: &Path, walked: &mut Walked) {
    let mut folders: Vec<String> = walked
        .manifests
        .iter()
        .map(|path| {
            path.rsplit_once('/')
                .map_or(String::new(), |(dir, _)| dir.to_owned())
        })
        .collect();
    folders.push(String::new());
    folders.sort();
    folders.dedup();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(root.join(&folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if (name == ".env" || name.starts_with(".env."))
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                let relative = if folder.is_empty() {
                    name
                } else {
                    format!("{folder}/{name}")
                };
                if !walked.env_files.contains(&relative) {
                    walked.env_files.push(relative);
                }
            }
        }
    }
}

fn language(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.')?.1;
    Some(match extension {
        "rs" => "Rust",
        "ts" | "tsx" | "mts" | "cts" => "TypeScript",
        "js" | "jsx" | "mjs" | "cjs" => "JavaScript",
        "py" => "Python",
        "go" => "Go",
        "java" => "Java",
        "kt" | "kts" => "Kotlin",
        "rb" => "Ruby",
        "php" => "PHP",
        "cs" => "C#",
        "c" | "h" => "C",
        "cc" | "cpp" | "cxx" | "hpp" => "C++",
        "swift" => "Swift",
        "ex" | "exs" => "Elixir",
        "scala" => "Scala",
        "dart" => "Dart",
        "sql" => "SQL",
        "vue" => "Vue",
        "svelte" => "Svelte",
        _ => return None,
    })
}

pub(crate) fn is_dockerfile(name: &str) -> bool {
    name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
}

pub(crate) fn is_compose_file(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
    else {
        return false;
    };
    stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("docker-compose.")
        || stem.starts_with("compose.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified() {
        assert_eq!(language("main.rs"), Some("Rust"));
        assert_eq!(language("App.tsx"), Some("TypeScript"));
        assert_eq!(language("Makefile"), None);
        assert!(
            is_dockerfile("Dockerfile")
                && is_dockerfile("api.Dockerfile")
                && is_dockerfile("Dockerfile.dev")
        );
        assert!(!is_dockerfile("dockerfile-notes.md"));
        assert!(is_compose_file("compose.yaml") && is_compose_file("docker-compose.override.yml"));
        assert!(!is_compose_file("composer.json") && !is_compose_file("compose.txt"));
    }
}
