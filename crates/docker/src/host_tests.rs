//! Each step of the CLI's precedence, over a throw-away configuration folder.

use super::*;

/// A CLI configuration folder holding `contexts` (name → Docker host) and, when given, a
/// `config.json` naming the current one.
fn config_dir(current: Option<&str>, contexts: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("config dir");
    if let Some(name) = current {
        let config = serde_json::json!({ "auths": {}, "currentContext": name });
        std::fs::write(dir.path().join("config.json"), config.to_string()).expect("config");
    }
    for (name, host) in contexts {
        let meta = dir.path().join("contexts/meta").join(context_id(name));
        std::fs::create_dir_all(&meta).expect("meta dir");
        let body = serde_json::json!({
            "Name": name,
            "Metadata": { "Description": "test" },
            "Endpoints": { "docker": { "Host": host, "SkipTLSVerify": false } },
        });
        std::fs::write(meta.join("meta.json"), body.to_string()).expect("meta");
    }
    dir
}

fn env_with(dir: &tempfile::TempDir) -> Environment {
    Environment {
        docker_config: Some(dir.path().to_owned()),
        ..Default::default()
    }
}

#[test]
fn the_context_id_is_the_sha256_of_its_name_as_the_cli_stores_it() {
    // `docker context create colima` stores it under this folder (echo -n colima | sha256sum).
    assert_eq!(
        context_id("colima"),
        "f24fd3749c1368328e2b149bec149cb6795619f244c5b584e844961215dadd16"
    );
}

#[test]
fn docker_host_wins_over_every_context() {
    let dir = config_dir(Some("colima"), &[("colima", "unix:///colima.sock")]);
    let env = Environment {
        docker_host: Some("tcp://127.0.0.1:2375".to_owned()),
        docker_context: Some("colima".to_owned()),
        ..env_with(&dir)
    };
    let endpoint = resolve(&env).expect("endpoint");
    assert_eq!(endpoint.host, "tcp://127.0.0.1:2375");
    assert_eq!(endpoint.source, Source::DockerHost);
    assert!(endpoint.tls.is_none());
}

#[test]
fn docker_context_wins_over_the_current_context_in_config_json() {
    let dir = config_dir(
        Some("colima"),
        &[
            ("colima", "unix:///colima.sock"),
            ("orbstack", "unix:///orbstack.sock"),
        ],
    );
    let env = Environment {
        docker_context: Some("orbstack".to_owned()),
        ..env_with(&dir)
    };
    let endpoint = resolve(&env).expect("endpoint");
    assert_eq!(endpoint.host, "unix:///orbstack.sock");
    assert_eq!(
        endpoint.source,
        Source::Context {
            name: "orbstack".to_owned(),
            chosen_by: PathBuf::from("DOCKER_CONTEXT"),
        }
    );
}

#[test]
fn the_current_context_of_config_json_is_used_and_named() {
    let dir = config_dir(
        Some("colima"),
        &[("colima", "unix:///Users/x/.colima/default/docker.sock")],
    );
    let endpoint = resolve(&env_with(&dir)).expect("endpoint");
    assert_eq!(endpoint.host, "unix:///Users/x/.colima/default/docker.sock");
    assert_eq!(
        endpoint.to_string(),
        "Docker from context colima: unix:///Users/x/.colima/default/docker.sock"
    );
}

#[test]
fn without_docker_config_the_home_folder_s_dot_docker_is_read() {
    let home = tempfile::tempdir().expect("home");
    let dir = config_dir(
        Some("rootless"),
        &[("rootless", "unix:///run/user/1000/docker.sock")],
    );
    std::fs::rename(dir.path(), home.path().join(".docker")).expect("move into home");
    let env = Environment {
        home: Some(home.path().to_owned()),
        ..Default::default()
    };
    assert_eq!(
        resolve(&env).expect("endpoint").host,
        "unix:///run/user/1000/docker.sock"
    );
}

#[test]
fn no_config_no_context_or_the_default_context_mean_the_platform_default() {
    let empty = tempfile::tempdir().expect("empty");
    for env in [
        Environment::default(),
        env_with(&empty),
        env_with(&config_dir(Some("default"), &[])),
        env_with(&config_dir(None, &[("colima", "unix:///colima.sock")])),
    ] {
        let endpoint = resolve(&env).expect("endpoint");
        assert_eq!(endpoint.host, PLATFORM_DEFAULT);
        assert_eq!(endpoint.source, Source::PlatformDefault);
    }
}

#[test]
fn a_context_that_does_not_exist_is_an_error_naming_it() {
    let dir = config_dir(Some("gone"), &[]);
    let error = resolve(&env_with(&dir)).expect_err("missing context");
    assert!(
        matches!(&error, Error::DockerContext { context, .. } if context == "gone"),
        "{error:?}"
    );
    assert_eq!(
        quantum_kernel::Coded::code(&error),
        "docker.context_invalid"
    );
}

#[test]
fn a_broken_config_json_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("config.json"), "{ not json").expect("write");
    let error = resolve(&env_with(&dir)).expect_err("broken");
    assert!(matches!(error, Error::DockerConfig { ref path, .. } if path.ends_with("config.json")));
}

#[tokio::test]
async fn tls_asked_by_the_environment_or_a_context_s_certificates_names_their_folder() {
    let certs = tempfile::tempdir().expect("certs");
    let env = Environment {
        docker_host: Some("tcp://docker.example:2376".to_owned()),
        tls_verify: Some("1".to_owned()),
        cert_path: Some(certs.path().display().to_string()),
        ..Default::default()
    };
    let endpoint = resolve(&env).expect("endpoint");
    assert_eq!(endpoint.tls.as_deref(), Some(certs.path()));
    let error = client(&endpoint, &SshOptions::default())
        .await
        .expect_err("no certificates in the folder");
    assert_eq!(quantum_kernel::Coded::code(&error), "docker.tls_invalid");
    assert!(error.to_string().contains("ca.pem is missing"), "{error}");

    let dir = config_dir(Some("remote"), &[("remote", "tcp://docker.example:2376")]);
    let folder = dir
        .path()
        .join("contexts/tls")
        .join(context_id("remote"))
        .join("docker");
    std::fs::create_dir_all(&folder).expect("tls dir");
    assert_eq!(
        resolve(&env_with(&dir)).expect("endpoint").tls,
        Some(folder)
    );
}

#[test]
fn contexts_are_listed_as_the_cli_lists_them_with_the_current_one_marked() {
    let dir = config_dir(
        Some("staging"),
        &[
            ("staging", "ssh://deploy@staging"),
            ("colima", "unix:///c.sock"),
        ],
    );
    let listed = contexts(&env_with(&dir)).expect("contexts");
    let names: Vec<(&str, &str, bool)> = listed
        .iter()
        .map(|c| (c.name.as_str(), c.host.as_str(), c.current))
        .collect();
    assert_eq!(
        names,
        [
            ("default", PLATFORM_DEFAULT, false),
            ("colima", "unix:///c.sock", false),
            ("staging", "ssh://deploy@staging", true),
        ]
    );
}

#[test]
fn a_project_target_names_a_context_or_an_address() {
    let dir = config_dir(None, &[("staging", "ssh://deploy@staging")]);
    let env = env_with(&dir);
    let by_name = resolve_target(&env, &Target::Context("staging".into())).expect("context");
    assert_eq!(by_name.host, "ssh://deploy@staging");
    assert!(by_name.to_string().contains("context staging"), "{by_name}");
    let missing = resolve_target(&env, &Target::Context("prod".into())).expect_err("no prod");
    assert!(missing.to_string().contains("prod"), "{missing}");
    let address = Target::Host {
        host: "tcp://10.0.0.5:2376".into(),
        tls: Some("/certs".into()),
    };
    let endpoint = resolve_target(&env, &address).expect("address");
    assert_eq!(endpoint.source, Source::Project);
    assert_eq!(endpoint.tls.as_deref(), Some(Path::new("/certs")));
}

#[tokio::test]
async fn an_ssh_endpoint_that_does_not_answer_says_so_with_its_address() {
    // A port nothing listens on: refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let env = Environment {
        docker_host: Some(format!("ssh://me@127.0.0.1:{port}")),
        ..Default::default()
    };
    let error = client(&resolve(&env).expect("endpoint"), &SshOptions::default())
        .await
        .expect_err("nothing listens");
    assert_eq!(
        quantum_kernel::Coded::code(&error),
        "docker.ssh_unreachable"
    );
    assert!(
        error
            .to_string()
            .contains(&format!("ssh://me@127.0.0.1:{port}")),
        "{error}"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_socket_that_is_not_there_is_unavailable_naming_the_endpoint_and_its_source() {
    let dir = config_dir(
        Some("colima"),
        &[("colima", "unix:///nonexistent/docker.sock")],
    );
    let endpoint = resolve(&env_with(&dir)).expect("endpoint");
    let error = client(&endpoint, &SshOptions::default())
        .await
        .expect_err("no socket");
    assert_eq!(quantum_kernel::Coded::code(&error), "docker.unavailable");
    let message = error.to_string();
    assert!(
        message.contains("unix:///nonexistent/docker.sock"),
        "{message}"
    );
    assert!(message.contains("context colima"), "{message}");
}
