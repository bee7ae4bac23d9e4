//! The folder's git branch and remotes, read from `.git` itself (no process started: the scan
//! runs on every relevant change).

use std::path::Path;

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GitInfo {
    /// The branch checked out; none when HEAD is detached.
    pub branch: Option<String>,
    /// (name, URL), as `.git/config` lists them.
    pub remotes: Vec<Remote>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Remote {
    pub name: String,
    pub url: String,
}

pub fn read(folder: &Path) -> Option<GitInfo> {
    let git = folder.join(".git");
    // A worktree or submodule has a `.git` file naming the real folder.
    let git = match std::fs::read_to_string(&git) {
        Ok(text) => folder.join(text.trim().strip_prefix("gitdir:")?.trim()),
        Err(_) if git.is_dir() => git,
        Err(_) => return None,
    };
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let branch = head
        .trim()
        .strip_prefix("ref: refs/heads/")
        .map(str::to_owned);
    // Remotes live in the main repository's config, which a worktree's `commondir` points to.
    let common = std::fs::read_to_string(git.join("commondir"))
        .map(|dir| git.join(dir.trim()))
        .unwrap_or_else(|_| git.clone());
    let config = std::fs::read_to_string(common.join("config")).unwrap_or_default();
    Some(GitInfo {
        branch,
        remotes: remotes(&config),
    })
}

fn remotes(config: &str) -> Vec<Remote> {
    let mut remotes = Vec::new();
    let mut section: Option<String> = None;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line
                .strip_prefix("[remote \"")
                .and_then(|rest| rest.strip_suffix("\"]"))
                .map(str::to_owned);
        } else if let (Some(name), Some(url)) = (&section, line.strip_prefix("url")) {
            if let Some(url) = url.trim_start().strip_prefix('=') {
                remotes.push(Remote {
                    name: name.clone(),
                    url: without_credentials(url.trim()),
                });
            }
        }
    }
    remotes
}

/// `https://user:TOKEN@host/repo` → `https://host/repo`: a token in a remote is not shown.
fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_come_from_the_config_sections() {
        assert_eq!(
            without_credentials("https://me:ghp_secret@github.com/acme/shop.git"),
            "https://github.com/acme/shop.git"
        );
        assert_eq!(
            without_credentials("git@github.com:acme/shop.git"),
            "git@github.com:acme/shop.git"
        );
        let config = "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"main\"]\n\tremote = origin\n[remote \"mirror\"]\n\turl=https://gitlab.com/acme/shop.git\n";
        assert_eq!(
            remotes(config),
            vec![
                Remote {
                    name: "origin".into(),
                    url: "git@github.com:acme/shop.git".into()
                },
                Remote {
                    name: "mirror".into(),
                    url: "https://gitlab.com/acme/shop.git".into()
                },
            ]
        );
    }
}
