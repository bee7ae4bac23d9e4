//! A provider's token: in the keychain under one account per provider and host (every project
//! on github.com shares one), or read from the provider's own command line when the user chose
//! that — `gh auth token`, `glab config get token` — each time, never kept by the app.

use std::sync::Arc;

use quantum_secrets::{Secret, SecretStore};
use tokio::process::Command;

use crate::error::{Error, Result};
use crate::model::{CiRepository, ProviderKind, TokenSource};

/// The keychain account of a provider's host's token.
pub fn account(provider: ProviderKind, api_url: &str) -> String {
    format!(
        "ci-token:{}:{}",
        provider.as_str(),
        web_host(provider, api_url)
    )
}

/// The host users know: `github.com` for `api.github.com`.
pub fn web_host(provider: ProviderKind, api_url: &str) -> String {
    let host = crate::github::host_of(api_url);
    match (provider, host.as_str()) {
        (ProviderKind::Github, "api.github.com") => "github.com".to_owned(),
        _ => host,
    }
}

/// The token for a repository, from where its settings say. Runs the keychain and the command
/// line off the async threads.
pub async fn token(secrets: &Arc<SecretStore>, repository: &CiRepository) -> Result<Secret> {
    let host = web_host(repository.provider, &repository.api_url);
    match repository.token_source {
        TokenSource::Keychain => {
            let secrets = Arc::clone(secrets);
            let account = account(repository.provider, &repository.api_url);
            let found = tokio::task::spawn_blocking(move || secrets.find(&account))
                .await
                .map_err(|error| Error::io("the keychain", std::io::Error::other(error)))??;
            found.ok_or(Error::NoToken {
                host,
                hint: match repository.provider {
                    ProviderKind::Github => ", or use the GitHub CLI's (gh auth login)",
                    ProviderKind::Gitlab => ", or use the GitLab CLI's (glab auth login)",
                },
            })
        }
        TokenSource::Cli => cli_token(repository.provider, &host)
            .await
            .ok_or(Error::NoToken {
                host,
                hint: match repository.provider {
                    ProviderKind::Github => ": `gh auth token` gave none (run gh auth login)",
                    ProviderKind::Gitlab => ": `glab` has none for this host (run glab auth login)",
                },
            }),
    }
}

/// The provider's command line's token for `host`, when it is installed and logged in.
pub async fn cli_token(provider: ProviderKind, host: &str) -> Option<Secret> {
    let mut command = match provider {
        ProviderKind::Github => {
            let mut command = Command::new("gh");
            command.args(["auth", "token", "--hostname", host]);
            command
        }
        ProviderKind::Gitlab => {
            let mut command = Command::new("glab");
            command.args(["config", "get", "token", "--host", host]);
            command
        }
    };
    let output = command.kill_on_drop(true).output().await.ok()?;
    let token = String::from_utf8(output.stdout).ok()?;
    let token = token.trim();
    (output.status.success() && !token.is_empty()).then(|| Secret::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_per_provider_and_host() {
        assert_eq!(
            account(ProviderKind::Github, "https://api.github.com"),
            "ci-token:github:github.com"
        );
        assert_eq!(
            account(ProviderKind::Github, "https://ghe.example.com/api/v3"),
            "ci-token:github:ghe.example.com"
        );
        assert_eq!(
            account(ProviderKind::Gitlab, "http://127.0.0.1:8080/api/v4"),
            "ci-token:gitlab:127.0.0.1:8080"
        );
    }
}
