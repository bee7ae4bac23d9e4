//! A small monorepo on disk, scanned: what a developer would see listed for it, and what the walk
//! must leave out (dependencies, ignored files). Uses `git` to make the repository.

use std::path::Path;
use std::process::Command;

use quantum_migrations::MigrationFormat;
use quantum_scan::{scan, Found, Remote};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
    std::fs::write(path, text).expect("a file");
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn names(found: &[Found]) -> Vec<(&str, &str)> {
    found
        .iter()
        .map(|f| (f.name.as_str(), f.path.as_str()))
        .collect()
}

#[test]
fn a_monorepo_is_described_and_what_it_ignores_is_left_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"api\"]\n[workspace.dependencies]\naxum = \"0.8\"\n",
    );
    write(
        root,
        "api/Cargo.toml",
        "[package]\nname = \"api\"\n[dependencies]\nsqlx = \"0.8\"\n",
    );
    write(root, "api/src/main.rs", "fn main() {}\n");
    write(
        root,
        "web/package.json",
        r#"{"dependencies":{"react":"18"},"devDependencies":{"vite":"5","vitest":"1"}}"#,
    );
    write(root, "web/package-lock.json", "{}");
    write(root, "web/src/App.tsx", "export {}\n");
    write(root, "web/src/main.ts", "export {}\n");
    write(
        root,
        "web/node_modules/react/index.js",
        "module.exports = {}\n",
    );
    write(
        root,
        "worker/pyproject.toml",
        "[project]\ndependencies = [\"fastapi>=0.110\"]\n",
    );
    write(root, "Dockerfile", "FROM scratch\n");
    write(root, "web/Dockerfile.dev", "FROM scratch\n");
    write(root, "compose.yaml", "services: {}\n");
    write(root, "docker-compose.override.yml", "services: {}\n");
    write(
        root,
        "migrations/20240101000000_init.up.sql",
        "CREATE TABLE t (id int);\n",
    );
    write(
        root,
        "migrations/20240101000000_init.down.sql",
        "DROP TABLE t;\n",
    );
    write(
        root,
        "worker/db/migrate/001_create.rb",
        "class Create; end\n",
    );
    write(root, ".env", "A=1\n");
    write(root, ".env.example", "A=\n");
    // As nearly every project's: .env is ignored, and still listed.
    write(root, ".gitignore", "generated/\n.env\n");
    write(root, "generated/big.ts", "export {}\n");
    git(root, &["init", "-q", "-b", "main"]);
    git(
        root,
        &["remote", "add", "origin", "git@github.com:acme/shop.git"],
    );

    let found = scan(root, false);

    // By files, most first; the ignored folder's TypeScript and node_modules' JavaScript not counted.
    let languages: Vec<(&str, u32)> = found
        .languages
        .iter()
        .map(|l| (l.name.as_str(), l.files))
        .collect();
    assert_eq!(
        languages,
        vec![("SQL", 2), ("TypeScript", 2), ("Ruby", 1), ("Rust", 1)]
    );
    assert_eq!(
        names(&found.package_managers),
        vec![
            ("Cargo", "Cargo.toml"),
            ("Cargo", "api/Cargo.toml"),
            ("npm", "web/package-lock.json")
        ]
    );
    assert_eq!(
        names(&found.frameworks),
        vec![
            ("Axum", "Cargo.toml"),
            ("FastAPI", "worker/pyproject.toml"),
            ("React", "web/package.json"),
            ("Vite", "web/package.json"),
            ("Vitest", "web/package.json"),
            ("sqlx", "api/Cargo.toml")
        ]
    );
    assert_eq!(found.dockerfiles, vec!["Dockerfile", "web/Dockerfile.dev"]);
    assert_eq!(
        found.compose_files,
        vec!["compose.yaml", "docker-compose.override.yml"]
    );
    assert_eq!(found.env_files, vec![".env", ".env.example"]);
    let migrations: Vec<(&str, u32, Option<MigrationFormat>)> = found
        .migration_folders
        .iter()
        .map(|m| (m.path.as_str(), m.files, m.format))
        .collect();
    assert_eq!(
        migrations,
        vec![
            ("migrations", 2, Some(MigrationFormat::Sqlx)),
            ("worker/db/migrate", 1, None)
        ]
    );
    assert!(
        found.test_suites.iter().any(|s| s.name == "rust"),
        "the Rust workspace's suite: {:?}",
        found.test_suites
    );
    let git = found.git.expect("a git repository");
    assert_eq!(git.branch.as_deref(), Some("main"));
    assert_eq!(
        git.remotes,
        vec![Remote {
            name: "origin".into(),
            url: "git@github.com:acme/shop.git".into()
        }]
    );
}
