//! An environment with `push = true`: the image is built on this machine, pushed to its
//! registry, and pulled by the environment's engine (a server need not build). Credentials are
//! the environment's registry login the app keeps in the keychain (`login.rs`), else what the
//! Docker CLI finds — its credential helper (the OS keychain on each platform: osxkeychain,
//! wincred, secretservice, pass) or a login in its `config.json`.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine as _;
use bollard::auth::DockerCredentials;
use bollard::query_parameters::{CreateImageOptionsBuilder, PushImageOptionsBuilder};
use futures_util::StreamExt;
use quantum_docker::Docker;
use serde::Deserialize;

use crate::{Error, Result};

/// Docker Hub's key in the CLI's `config.json`.
pub(crate) const DOCKER_HUB: &str = "https://index.docker.io/v1/";

/// The registry an image name points at: its first part when that is a host (`a.b`, `a:5000`,
/// `localhost`), else Docker Hub.
pub fn registry_of(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first.to_owned(),
        _ => DOCKER_HUB.to_owned(),
    }
}

#[derive(Deserialize, Default)]
struct CliConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    auth: Option<String>,
    identitytoken: Option<String>,
}

#[derive(Deserialize)]
struct HelperReply {
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Secret")]
    secret: String,
}

/// The credentials the Docker CLI would send to `registry`, if it has any. `helpers` is where
/// `docker-credential-*` programs are looked for (the PATH when `None`).
pub fn credentials(
    config_dir: Option<&Path>,
    registry: &str,
    helpers: Option<&Path>,
) -> Result<Option<DockerCredentials>> {
    let Some(dir) = config_dir else {
        return Ok(None);
    };
    let file = dir.join("config.json");
    let config: CliConfig = match std::fs::read_to_string(&file) {
        Ok(text) => serde_json::from_str(&text).map_err(|error| Error::Registry {
            registry: registry.to_owned(),
            reason: format!("{} cannot be read: {error}", file.display()),
        })?,
        Err(_) => return Ok(None),
    };
    let helper = config
        .cred_helpers
        .get(registry)
        .or(config.creds_store.as_ref());
    if let Some(helper) = helper {
        if let Some(found) = from_helper(helper, registry, helpers)? {
            return Ok(Some(found));
        }
    }
    let Some(entry) = config.auths.get(registry) else {
        return Ok(None);
    };
    if let Some(token) = &entry.identitytoken {
        return Ok(Some(DockerCredentials {
            identitytoken: Some(token.clone()),
            serveraddress: Some(registry.to_owned()),
            ..DockerCredentials::default()
        }));
    }
    let Some(encoded) = &entry.auth else {
        return Ok(None);
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.split_once(':')
                .map(|(user, password)| (user.to_owned(), password.to_owned()))
        });
    let (username, password) = decoded.ok_or_else(|| Error::Registry {
        registry: registry.to_owned(),
        reason: format!(
            "the login for it in {} is not user:password in base64",
            file.display()
        ),
    })?;
    Ok(Some(DockerCredentials {
        username: Some(username),
        password: Some(password),
        serveraddress: Some(registry.to_owned()),
        ..DockerCredentials::default()
    }))
}

/// Asks `docker-credential-<helper>` as the CLI does: the registry on stdin, JSON on stdout. A
/// helper that knows no login for it answers with an error, which means none.
fn from_helper(
    helper: &str,
    registry: &str,
    helpers: Option<&Path>,
) -> Result<Option<DockerCredentials>> {
    let program = format!("docker-credential-{helper}");
    let program = match helpers {
        Some(dir) => dir.join(&program),
        None => program.into(),
    };
    let failed = |reason: String| Error::Registry {
        registry: registry.to_owned(),
        reason,
    };
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| {
            failed(format!(
                "the credential helper {} could not run: {error}",
                program.display()
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(registry.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|error| failed(error.to_string()))?;
    if !output.status.success() {
        return Ok(None);
    }
    let reply: HelperReply = serde_json::from_slice(&output.stdout)
        .map_err(|error| failed(format!("{} answered: {error}", program.display())))?;
    // The helpers' convention for a token rather than a password.
    let credentials = if reply.username == "<token>" {
        DockerCredentials {
            identitytoken: Some(reply.secret),
            ..DockerCredentials::default()
        }
    } else {
        DockerCredentials {
            username: Some(reply.username),
            password: Some(reply.secret),
            ..DockerCredentials::default()
        }
    };
    Ok(Some(DockerCredentials {
        serveraddress: Some(registry.to_owned()),
        ..credentials
    }))
}

/// Pushes `tag` from `docker`, telling each layer as it is pushed (or found there already).
pub async fn push(
    docker: &Docker,
    tag: &str,
    credentials: Option<DockerCredentials>,
    mut on_line: impl FnMut(&str),
) -> Result<()> {
    let (name, version) = tag.rsplit_once(':').unwrap_or((tag, "latest"));
    let options = PushImageOptionsBuilder::new().tag(version).build();
    let mut stream = docker.api().push_image(name, Some(options), credentials);
    let registry = registry_of(tag);
    let failed = |reason: String| Error::Registry {
        registry: registry.clone(),
        reason,
    };
    let (mut layers, mut done) = (0, 0);
    while let Some(item) = stream.next().await {
        let info = item.map_err(|error| failed(error.to_string()))?;
        if let Some(message) = info.error_detail.and_then(|detail| detail.message) {
            on_line(&message);
            return Err(failed(message));
        }
        match info.status.as_deref() {
            Some("Preparing") => layers += 1,
            Some(status @ ("Pushed" | "Layer already exists" | "Mounted from")) => {
                done += 1;
                on_line(&format!(
                    "Layer {done} of {layers}: {}",
                    status.to_lowercase()
                ));
            }
            Some(status) if status.contains("digest:") => on_line(status),
            _ => {}
        }
    }
    Ok(())
}

/// Pulls `tag` onto `docker` (the environment's engine); the image's ID, the same as where it
/// was built.
pub async fn pull(
    docker: &Docker,
    tag: &str,
    credentials: Option<DockerCredentials>,
    mut on_line: impl FnMut(&str),
) -> Result<String> {
    let options = CreateImageOptionsBuilder::new().from_image(tag).build();
    let mut stream = docker.api().create_image(Some(options), None, credentials);
    let failed = |reason: String| Error::Registry {
        registry: registry_of(tag),
        reason,
    };
    let mut done = 0;
    while let Some(item) = stream.next().await {
        let info = item.map_err(|error| failed(error.to_string()))?;
        if let Some(message) = info.error_detail.and_then(|detail| detail.message) {
            return Err(failed(message));
        }
        match info.status.as_deref() {
            Some("Pull complete" | "Already exists") => {
                done += 1;
                on_line(&format!("Pulled layer {done}"));
            }
            Some(status) if status.starts_with("Digest:") || status.starts_with("Status:") => {
                on_line(status);
            }
            _ => {}
        }
    }
    docker
        .api()
        .inspect_image(tag)
        .await
        .ok()
        .and_then(|image| image.id)
        .ok_or_else(|| failed(format!("{tag} is not on the engine after its pull")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_the_image_name_s_host_part() {
        assert_eq!(
            registry_of("registry.example.com/shop"),
            "registry.example.com"
        );
        assert_eq!(registry_of("127.0.0.1:5000/team/shop"), "127.0.0.1:5000");
        assert_eq!(registry_of("localhost/shop"), "localhost");
        assert_eq!(registry_of("team/shop"), DOCKER_HUB);
        assert_eq!(registry_of("shop"), DOCKER_HUB);
    }

    #[test]
    fn a_login_in_config_json_is_decoded() {
        let dir = tempfile::tempdir().expect("dir");
        let auth = base64::engine::general_purpose::STANDARD.encode("deploy:s3cret");
        let config = format!(r#"{{"auths":{{"registry.example.com":{{"auth":"{auth}"}}}}}}"#);
        std::fs::write(dir.path().join("config.json"), config).expect("config");
        let found = credentials(Some(dir.path()), "registry.example.com", None)
            .expect("read")
            .expect("found");
        assert_eq!(found.username.as_deref(), Some("deploy"));
        assert_eq!(found.password.as_deref(), Some("s3cret"));
        assert_eq!(
            credentials(Some(dir.path()), "other.example.com", None).expect("read"),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_credential_helper_is_asked_with_the_registry_on_stdin() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths":{},"credHelpers":{"registry.example.com":"qa"}}"#,
        )
        .expect("config");
        // Answers only for the registry it is asked about, as a real helper does.
        let helper = dir.path().join("docker-credential-qa");
        std::fs::write(
            &helper,
            "#!/bin/sh\nread host\n[ \"$host\" = registry.example.com ] || exit 1\n\
             printf '{\"ServerURL\":\"%s\",\"Username\":\"ci\",\"Secret\":\"t0ken\"}' \"$host\"\n",
        )
        .expect("helper");
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let found = credentials(Some(dir.path()), "registry.example.com", Some(dir.path()))
            .expect("asked")
            .expect("found");
        assert_eq!(
            (found.username.as_deref(), found.password.as_deref()),
            (Some("ci"), Some("t0ken"))
        );
    }
}
