//! Package managers and frameworks, from the manifests the walk found: each read once, parsed as
//! what it is (JSON, TOML) or, for line formats (requirements.txt, go.mod, Gemfile), by line.

use std::path::Path;

use crate::Found;

/// Dependencies that name a framework worth showing, per ecosystem: (dependency, framework).
const NPM: &[(&str, &str)] = &[
    ("react", "React"),
    ("next", "Next.js"),
    ("vue", "Vue"),
    ("nuxt", "Nuxt"),
    ("svelte", "Svelte"),
    ("@sveltejs/kit", "SvelteKit"),
    ("@angular/core", "Angular"),
    ("express", "Express"),
    ("fastify", "Fastify"),
    ("@nestjs/core", "NestJS"),
    ("vite", "Vite"),
    ("astro", "Astro"),
    ("@remix-run/react", "Remix"),
    ("@tauri-apps/api", "Tauri"),
    ("prisma", "Prisma"),
    ("drizzle-orm", "Drizzle"),
    ("vitest", "Vitest"),
    ("jest", "Jest"),
];
const CARGO: &[(&str, &str)] = &[
    ("axum", "Axum"),
    ("actix-web", "Actix Web"),
    ("rocket", "Rocket"),
    ("tauri", "Tauri"),
    ("sqlx", "sqlx"),
    ("diesel", "Diesel"),
    ("sea-orm", "SeaORM"),
    ("leptos", "Leptos"),
    ("tokio", "Tokio"),
];
const PYTHON: &[(&str, &str)] = &[
    ("django", "Django"),
    ("flask", "Flask"),
    ("fastapi", "FastAPI"),
    ("sqlalchemy", "SQLAlchemy"),
    ("alembic", "Alembic"),
    ("pytest", "pytest"),
    ("celery", "Celery"),
];
const GO: &[(&str, &str)] = &[
    ("github.com/gin-gonic/gin", "Gin"),
    ("github.com/labstack/echo", "Echo"),
    ("github.com/gofiber/fiber", "Fiber"),
    ("gorm.io/gorm", "GORM"),
    ("github.com/go-chi/chi", "chi"),
];
const RUBY: &[(&str, &str)] = &[
    ("rails", "Rails"),
    ("sinatra", "Sinatra"),
    ("rspec", "RSpec"),
];
const PHP: &[(&str, &str)] = &[
    ("laravel/framework", "Laravel"),
    ("symfony/framework-bundle", "Symfony"),
];

pub fn read(
    root: &Path,
    relative: &str,
    package_managers: &mut Vec<Found>,
    frameworks: &mut Vec<Found>,
) {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let found = |name: &str| Found {
        name: name.to_owned(),
        path: relative.to_owned(),
    };
    let manager = match name {
        "Cargo.toml" => Some("Cargo"),
        "package-lock.json" => Some("npm"),
        "pnpm-lock.yaml" => Some("pnpm"),
        "yarn.lock" => Some("Yarn"),
        "bun.lockb" | "bun.lock" => Some("Bun"),
        "poetry.lock" => Some("Poetry"),
        "uv.lock" => Some("uv"),
        "requirements.txt" => Some("pip"),
        "Pipfile" => Some("Pipenv"),
        "go.mod" => Some("Go modules"),
        "Gemfile" => Some("Bundler"),
        "composer.json" => Some("Composer"),
        "pom.xml" => Some("Maven"),
        "build.gradle" | "build.gradle.kts" => Some("Gradle"),
        "mix.exs" => Some("Mix"),
        _ => None,
    };
    if let Some(manager) = manager {
        package_managers.push(found(manager));
    }
    let known: &[(&str, &str)] = match name {
        "package.json" => NPM,
        "Cargo.toml" => CARGO,
        "pyproject.toml" | "requirements.txt" | "Pipfile" => PYTHON,
        "go.mod" => GO,
        "Gemfile" => RUBY,
        "composer.json" => PHP,
        _ => return,
    };
    let Ok(text) = std::fs::read_to_string(root.join(relative)) else {
        return;
    };
    let dependencies = dependencies(name, &text);
    for (dependency, framework) in known {
        if dependencies
            .iter()
            .any(|d| d.eq_ignore_ascii_case(dependency))
        {
            frameworks.push(found(framework));
        }
    }
}

/// The names a manifest depends on.
fn dependencies(name: &str, text: &str) -> Vec<String> {
    match name {
        "package.json" | "composer.json" => {
            let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
                return Vec::new();
            };
            ["dependencies", "devDependencies", "require", "require-dev"]
                .iter()
                .filter_map(|key| json.get(key)?.as_object())
                .flat_map(|deps| deps.keys().cloned())
                .collect()
        }
        "Cargo.toml" | "pyproject.toml" | "Pipfile" => toml_dependencies(text),
        "go.mod" => text
            .lines()
            .map(|line| {
                line.trim()
                    .trim_start_matches("require")
                    .trim()
                    .trim_start_matches('(')
            })
            .filter_map(|line| line.split_whitespace().next())
            .map(|module| module.split("/v").next().unwrap_or(module).to_owned())
            .collect(),
        "Gemfile" => text
            .lines()
            .filter_map(|line| line.trim().strip_prefix("gem "))
            .filter_map(|rest| rest.split(['"', '\'']).nth(1))
            .map(str::to_owned)
            .collect(),
        // requirements.txt: a name, then a version specifier, extras or a marker.
        _ => text
            .lines()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with('-'))
            .filter_map(|line| {
                line.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
                    .next()
            })
            .map(str::to_owned)
            .collect(),
    }
}

/// Keys of Cargo's `[*dependencies]` tables (workspace ones too), pyproject's PEP 621 list and
/// Poetry's table, Pipfile's `[packages]`.
fn toml_dependencies(text: &str) -> Vec<String> {
    let Ok(document) = text.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut keys_of = |item: Option<&toml_edit::Item>| {
        if let Some(table) = item.and_then(toml_edit::Item::as_table_like) {
            names.extend(table.iter().map(|(key, _)| key.to_owned()));
        }
    };
    for key in [
        "dependencies",
        "dev-dependencies",
        "packages",
        "dev-packages",
    ] {
        keys_of(document.get(key));
    }
    keys_of(
        document
            .get("workspace")
            .and_then(|w| w.get("dependencies")),
    );
    keys_of(
        document
            .get("tool")
            .and_then(|t| t.get("poetry"))
            .and_then(|p| p.get("dependencies")),
    );
    if let Some(list) = document
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml_edit::Item::as_array)
    {
        names.extend(
            list.iter()
                .filter_map(|v| v.as_str())
                .filter_map(|spec| {
                    spec.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
                        .next()
                })
                .map(str::to_owned),
        );
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_read_from_each_kind_of_manifest() {
        let npm = dependencies(
            "package.json",
            r#"{"dependencies":{"react":"^18"},"devDependencies":{"vite":"5"}}"#,
        );
        assert_eq!(npm, vec!["react", "vite"]);
        let cargo = dependencies(
            "Cargo.toml",
            "[dependencies]\naxum = \"0.8\"\n[dev-dependencies]\ntokio = \"1\"\n",
        );
        assert_eq!(cargo, vec!["axum", "tokio"]);
        let pyproject = dependencies(
            "pyproject.toml",
            "[project]\ndependencies = [\"fastapi>=0.110\", \"sqlalchemy[asyncio]\"]\n",
        );
        assert_eq!(pyproject, vec!["fastapi", "sqlalchemy"]);
        let requirements = dependencies(
            "requirements.txt",
            "# web\nDjango==5.0\n-r base.txt\nflask[async]>=3\n",
        );
        assert_eq!(requirements, vec!["Django", "flask"]);
        let gomod = dependencies(
            "go.mod",
            "module x\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n)\n",
        );
        assert!(gomod.contains(&"github.com/gin-gonic/gin".to_owned()));
        let gemfile = dependencies(
            "Gemfile",
            "source 'https://rubygems.org'\ngem \"rails\", \"~> 7.1\"\n",
        );
        assert_eq!(gemfile, vec!["rails"]);
    }
}
