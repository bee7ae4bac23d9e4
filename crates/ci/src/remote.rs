//! The project folder's git remotes, read with the git command line, turned into the CI
//! repositories they name: `https://github.com/acme/shop.git`, `git@github.com:acme/shop.git`,
//! `ssh://git@gitlab.example.com:2222/group/sub/shop.git`, …

use std::path::Path;

use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::process::Command;

use crate::model::{CiRepository, ProviderKind, TokenSource};

/// A remote and the repository it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RemoteCandidate {
    /// The remote's name (`origin`).
    pub remote: String,
    pub url: String,
    pub repository: CiRepository,
}

/// The repositories the folder's remotes name, `origin` first, each once.
pub async fn candidates(folder: &Path) -> Vec<RemoteCandidate> {
    let Some(listing) = git(folder, &["remote", "-v"]).await else {
        return Vec::new();
    };
    let mut found: Vec<RemoteCandidate> = Vec::new();
    for line in listing.lines() {
        let mut parts = line.split_whitespace();
        let (Some(remote), Some(url)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some(repository) = repository_of(url) else {
            continue;
        };
        if found.iter().any(|c| c.repository == repository) {
            continue;
        }
        found.push(RemoteCandidate {
            remote: remote.to_owned(),
            url: url.to_owned(),
            repository,
        });
    }
    found.sort_by_key(|candidate| candidate.remote != "origin");
    found
}

/// The branch checked out in the folder; none when HEAD is detached or there is no repository.
pub async fn current_branch(folder: &Path) -> Option<String> {
    git(folder, &["symbolic-ref", "--short", "-q", "HEAD"])
        .await
        .filter(|branch| !branch.is_empty())
}

/// The repository a remote URL names, when its host is GitHub's or GitLab's (gitlab.com, or a
/// host whose name says GitLab or GitHub Enterprise).
pub fn repository_of(url: &str) -> Option<CiRepository> {
    let (host, path) = host_and_path(url)?;
    let path = path.trim_matches('/').trim_end_matches(".git").to_owned();
    if path.split('/').filter(|part| !part.is_empty()).count() < 2 {
        return None;
    }
    let host = host.to_ascii_lowercase();
    let (provider, api_url) = if host == "github.com" {
        (ProviderKind::Github, "https://api.github.com".to_owned())
    } else if host.contains("github") {
        (ProviderKind::Github, format!("https://{host}/api/v3"))
    } else if host.contains("gitlab") {
        (ProviderKind::Gitlab, format!("https://{host}/api/v4"))
    } else {
        return None;
    };
    if provider == ProviderKind::Github && path.split('/').count() != 2 {
        return None;
    }
    Some(CiRepository {
        provider,
        api_url,
        path,
        token_source: TokenSource::Keychain,
    })
}

/// Host (without user or port) and path of a URL or of git's `user@host:path` form.
fn host_and_path(url: &str) -> Option<(&str, &str)> {
    if let Some((_, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_once('/')?;
        let host = authority.rsplit('@').next()?;
        let host = host.split(':').next()?;
        return Some((host, path));
    }
    // scp-like: [user@]host:path, and never a Windows drive or a local path.
    let (authority, path) = url.split_once(':')?;
    if authority.contains('/') || authority.len() < 2 {
        return None;
    }
    Some((authority.rsplit('@').next()?, path))
}

async fn git(folder: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .output()
        .await
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(url: &str) -> Option<(ProviderKind, String, String)> {
        repository_of(url).map(|r| (r.provider, r.api_url, r.path))
    }

    #[test]
    fn https_and_ssh_forms_name_the_same_repository() {
        let shop = Some((
            ProviderKind::Github,
            "https://api.github.com".to_owned(),
            "acme/shop".to_owned(),
        ));
        for url in [
            "https://github.com/acme/shop.git",
            "https://github.com/acme/shop",
            "https://user:token@github.com/acme/shop.git",
            "git@github.com:acme/shop.git",
            "ssh://git@github.com/acme/shop.git",
            "ssh://git@github.com:22/acme/shop",
        ] {
            assert_eq!(named(url), shop, "{url}");
        }
    }

    #[test]
    fn gitlab_keeps_subgroups_and_self_hosted_hosts() {
        assert_eq!(
            named("git@gitlab.com:acme/platform/shop.git"),
            Some((
                ProviderKind::Gitlab,
                "https://gitlab.com/api/v4".to_owned(),
                "acme/platform/shop".to_owned()
            ))
        );
        assert_eq!(
            named("ssh://git@gitlab.example.com:2222/team/shop.git"),
            Some((
                ProviderKind::Gitlab,
                "https://gitlab.example.com/api/v4".to_owned(),
                "team/shop".to_owned()
            ))
        );
        assert_eq!(
            named("https://github.example.com/acme/shop.git").map(|r| r.1),
            Some("https://github.example.com/api/v3".to_owned())
        );
    }

    #[test]
    fn other_hosts_and_local_paths_name_nothing() {
        for url in [
            "https://bitbucket.org/acme/shop.git",
            "/srv/git/shop.git",
            "C:\\repos\\shop",
            "../shop",
            "https://github.com/acme",
        ] {
            assert_eq!(named(url), None, "{url}");
        }
    }
}
