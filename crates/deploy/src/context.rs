//! The build context sent to the daemon: the context folder as a tar archive, less what
//! `.dockerignore` excludes, read the way Docker's CLI reads it: patterns relative to the
//! context's root, `*` and `?` within one path segment, `**` across segments, a pattern matching a
//! folder excluding all within it, `!` re-including, the last matching pattern winning. The
//! Dockerfile and `.dockerignore` are always sent, as the CLI sends them.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};

use crate::{Error, Result};

/// One line of `.dockerignore`.
struct Pattern {
    matcher: GlobMatcher,
    include: bool,
}

/// The patterns of a `.dockerignore` text.
pub struct Ignore {
    patterns: Vec<Pattern>,
}

impl Ignore {
    pub fn parse(text: &str) -> Result<Self> {
        let mut patterns = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (include, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let pattern = clean(pattern);
            if pattern.is_empty() {
                continue;
            }
            let glob = globset::GlobBuilder::new(&pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|error| Error::Context {
                    reason: format!(".dockerignore line {}: {error}", index + 1),
                })?;
            patterns.push(Pattern {
                matcher: Glob::compile_matcher(&glob),
                include,
            });
        }
        Ok(Self { patterns })
    }

    /// Whether a path (relative to the context, `/`-separated) is left out: the last pattern
    /// matching it or one of its folders decides.
    pub fn excludes(&self, path: &str) -> bool {
        let mut excluded = false;
        for pattern in &self.patterns {
            if ancestors_and_self(path).any(|candidate| pattern.matcher.is_match(candidate)) {
                excluded = !pattern.include;
            }
        }
        excluded
    }
}

/// `./a//b/` → `a/b`: what Docker's CLI does with a pattern before matching (`filepath.Clean`).
fn clean(pattern: &str) -> String {
    pattern
        .split('/')
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// `a/b/c`, then `a/b`, then `a`.
fn ancestors_and_self(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(path);
    std::iter::from_fn(move || {
        let current = next?;
        next = current.rsplit_once('/').map(|(parent, _)| parent);
        Some(current)
    })
}

/// What went into an archive.
pub struct Context {
    pub tar: Vec<u8>,
    pub files: usize,
    pub bytes: u64,
}

/// Archives the context folder (blocking: call it off the async threads).
pub fn archive(root: &Path, dockerfile: &str) -> Result<Context> {
    if !root.is_dir() {
        return Err(Error::Context {
            reason: format!("the build context {} is not a folder", root.display()),
        });
    }
    if !root.join(dockerfile).is_file() {
        return Err(Error::Context {
            reason: format!(
                "there is no {dockerfile} in {}: add one, or name yours with `dockerfile` in the environment's table",
                root.display()
            ),
        });
    }
    let ignore = match std::fs::read_to_string(root.join(".dockerignore")) {
        Ok(text) => Ignore::parse(&text)?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ignore::parse("")?,
        Err(error) => return Err(io(root, &error)),
    };
    let always = [clean(dockerfile), ".dockerignore".to_owned()];
    let mut files = Vec::new();
    walk(root, PathBuf::new(), &mut files)?;
    files.sort();
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    let mut context = Context {
        tar: Vec::new(),
        files: 0,
        bytes: 0,
    };
    for relative in files {
        let name = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if ignore.excludes(&name) && !always.contains(&name) {
            continue;
        }
        let full = root.join(&relative);
        builder
            .append_path_with_name(&full, &name)
            .map_err(|error| io(&full, &error))?;
        context.files += 1;
        context.bytes += std::fs::symlink_metadata(&full)
            .map(|m| m.len())
            .unwrap_or(0);
    }
    context.tar = builder.into_inner().map_err(|error| io(root, &error))?;
    Ok(context)
}

/// Every file and symlink under `root`, relative to it.
fn walk(root: &Path, relative: PathBuf, out: &mut Vec<PathBuf>) -> Result<()> {
    let folder = root.join(&relative);
    let entries = std::fs::read_dir(&folder).map_err(|error| io(&folder, &error))?;
    for entry in entries {
        let entry = entry.map_err(|error| io(&folder, &error))?;
        let kind = entry
            .file_type()
            .map_err(|error| io(&entry.path(), &error))?;
        let path = relative.join(entry.file_name());
        if kind.is_dir() {
            walk(root, path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn io(path: &Path, error: &std::io::Error) -> Error {
    Error::Context {
        reason: format!("{} cannot be read: {error}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(patterns: &str, path: &str) -> bool {
        Ignore::parse(patterns)
            .expect("patterns parse")
            .excludes(path)
    }

    #[test]
    fn patterns_match_from_the_root_and_a_folder_takes_its_contents() {
        assert!(excluded("node_modules", "node_modules/a/b.js"));
        assert!(!excluded("node_modules", "web/node_modules/a.js"));
        assert!(excluded("**/node_modules", "web/node_modules/a.js"));
        assert!(excluded("*.log", "debug.log"));
        assert!(!excluded("*.log", "logs/debug.log"));
        assert!(excluded("./target/", "target/debug/app"));
    }

    #[test]
    fn an_exception_re_includes_and_the_last_match_wins() {
        let patterns = "*.md\n!README.md\n";
        assert!(excluded(patterns, "CHANGES.md"));
        assert!(!excluded(patterns, "README.md"));
        assert!(excluded("!README.md\n*.md\n", "README.md"));
        assert!(!excluded("# a comment\n\n", "main.rs"));
    }

    #[test]
    fn the_archive_leaves_out_what_is_ignored_but_keeps_the_dockerfile() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("site")).expect("mkdir");
        std::fs::create_dir_all(root.join("secrets")).expect("mkdir");
        std::fs::write(root.join("Dockerfile"), "FROM scratch\n").expect("write");
        std::fs::write(
            root.join(".dockerignore"),
            "secrets\nDockerfile\n**/*.tmp\n",
        )
        .expect("write");
        std::fs::write(root.join("site/index.html"), "hello").expect("write");
        std::fs::write(root.join("site/x.tmp"), "no").expect("write");
        std::fs::write(root.join("secrets/key"), "no").expect("write");
        let context = archive(root, "Dockerfile").expect("archived");
        let mut names: Vec<String> = tar::Archive::new(context.tar.as_slice())
            .entries()
            .expect("entries")
            .map(|entry| {
                entry
                    .expect("entry")
                    .path()
                    .expect("path")
                    .display()
                    .to_string()
            })
            .collect();
        names.sort();
        assert_eq!(names, [".dockerignore", "Dockerfile", "site/index.html"]);
        assert_eq!(context.files, 3);
    }

    #[test]
    fn a_missing_dockerfile_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let Err(error) = archive(dir.path(), "Dockerfile") else {
            panic!("no Dockerfile must be an error");
        };
        assert!(
            error.to_string().contains("there is no Dockerfile"),
            "{error}"
        );
    }
}
