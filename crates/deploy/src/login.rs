//! A registry login the app keeps (in the keychain, by the caller) for an environment with
//! `push = true`, checked against the registry before it is kept, the way `docker login` checks:
//! the Registry API's `/v2/`, then the token service it names (Docker Hub, GHCR, …) or HTTP
//! Basic (a registry behind htpasswd).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Error, Result};

/// A user name and password (or access token) for one registry.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RegistryLogin {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for RegistryLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryLogin")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Where a registry's API answers: Docker Hub's name in the CLI's settings is not its API host,
/// and a loopback registry speaks plain HTTP (as the Docker Engine allows for 127.0.0.0/8).
fn api_base(registry: &str) -> String {
    if registry == crate::registry::DOCKER_HUB || registry == "docker.io" {
        return "https://registry-1.docker.io/v2/".to_owned();
    }
    let host = registry.rsplit_once(':').map_or(registry, |(host, _)| host);
    let scheme = if host == "localhost" || host.starts_with("127.") || host == "[::1]" {
        "http"
    } else {
        "https"
    };
    format!("{scheme}://{registry}/v2/")
}

/// `realm` and `service` of a `WWW-Authenticate: Bearer …` challenge.
fn bearer_challenge(header: &str) -> Option<(String, Option<String>)> {
    let params = header.strip_prefix("Bearer ")?;
    let value = |key: &str| {
        params.split(',').find_map(|part| {
            let (name, value) = part.trim().split_once('=')?;
            (name == key).then(|| value.trim_matches('"').to_owned())
        })
    };
    Some((value("realm")?, value("service")))
}

/// Logs in to `registry` with `login`; an error says what the registry answered.
pub async fn check_login(registry: &str, login: &RegistryLogin) -> Result<()> {
    let refused = |reason: String| Error::Registry {
        registry: registry.to_owned(),
        reason,
    };
    // reqwest is built without a default crypto provider: ring, as everywhere in the app.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|error| refused(error.to_string()))?;
    let base = api_base(registry);
    let unreachable = |error: reqwest::Error| refused(format!("{base} cannot be reached: {error}"));
    let first = client.get(&base).send().await.map_err(unreachable)?;
    let challenge = first
        .headers()
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let answer = match challenge.as_deref().and_then(bearer_challenge) {
        Some((realm, service)) => {
            let mut query = vec![("account", login.username.as_str())];
            if let Some(service) = service.as_deref() {
                query.push(("service", service));
            }
            let url = reqwest::Url::parse_with_params(&realm, &query).map_err(|error| {
                refused(format!("its token service {realm} is not a URL: {error}"))
            })?;
            client
                .get(url)
                .basic_auth(&login.username, Some(&login.password))
                .send()
                .await
                .map_err(unreachable)?
        }
        None => client
            .get(&base)
            .basic_auth(&login.username, Some(&login.password))
            .send()
            .await
            .map_err(unreachable)?,
    };
    match answer.status() {
        status if status.is_success() => Ok(()),
        reqwest::StatusCode::UNAUTHORIZED | reqwest::StatusCode::FORBIDDEN => Err(refused(
            format!("the user name or password of {} is wrong", login.username),
        )),
        status => Err(refused(format!("it answered {status} to the login"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_and_loopback_registries_are_reached_where_docker_reaches_them() {
        assert_eq!(
            api_base("https://index.docker.io/v1/"),
            "https://registry-1.docker.io/v2/"
        );
        assert_eq!(api_base("127.0.0.1:5000"), "http://127.0.0.1:5000/v2/");
        assert_eq!(api_base("ghcr.io"), "https://ghcr.io/v2/");
    }

    #[test]
    fn a_bearer_challenge_names_its_token_service() {
        assert_eq!(
            bearer_challenge(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#
            ),
            Some((
                "https://auth.docker.io/token".to_owned(),
                Some("registry.docker.io".to_owned())
            ))
        );
        assert_eq!(bearer_challenge(r#"Basic realm="registry""#), None);
    }

    #[test]
    fn a_login_s_password_is_not_in_its_debug_form() {
        let login = RegistryLogin {
            username: "ada".to_owned(),
            password: "s3cret".to_owned(),
        };
        assert!(!format!("{login:?}").contains("s3cret"));
    }
}
