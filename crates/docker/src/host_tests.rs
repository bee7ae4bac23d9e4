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
    assert!(!endpoint.tls);
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

#[test]
fn tls_asked_by_the_environment_or_a_context_s_certificates_is_refused_clearly() {
    let env = Environment {
        docker_host: Some("tcp://docker.example:2376".to_owned()),
        tls_verify: Some("1".to_owned()),
        ..Default::default()
    };
    let endpoint = resolve(&env).expect("endpoint");
    assert!(endpoint.tls);
    let error = client(&endpoint).expect_err("tls unsupported");
    assert!(
        matches!(&error, Error::DockerHostUnsupported { reason, .. } if reason.contains("TLS")),
        "{error:?}"
    );

    let dir = config_dir(Some("remote"), &[("remote", "tcp://docker.example:2376")]);
    std::fs::create_dir_all(
        dir.path()
            .join("contexts/tls")
            .join(context_id("remote"))
            .join("docker"),
    )
    .expect("tls dir");
    assert!(resolve(&env_with(&dir)).expect("endpoint").tls);
}

#[test]
fn ssh_endpoints_are_refused_with_what_is_supported() {
    let env = Environment {
        docker_host: Some("ssh://me@server".to_owned()),
        ..Default::default()
    };
    let error = client(&resolve(&env).expect("endpoint")).expect_err("ssh");
    assert_eq!(
        quantum_kernel::Coded::code(&error),
        "docker.host_unsupported"
    );
    assert!(error.to_string().contains("ssh://me@server"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_socket_that_is_not_there_is_unavailable_naming_the_endpoint_and_its_source() {
    let dir = config_dir(
        Some("colima"),
        &[("colima", "unix:///nonexistent/docker.sock")],
    );
    let endpoint = resolve(&env_with(&dir)).expect("endpoint");
    let error = client(&endpoint).expect_err("no socket");
    assert_eq!(quantum_kernel::Coded::code(&error), "docker.unavailable");
    let message = error.to_string();
    assert!(
        message.contains("unix:///nonexistent/docker.sock"),
        "{message}"
    );
    assert!(message.contains("context colima"), "{message}");
}
