//! Part of the `deploy` test binary: `push = true` to a registry behind a login. Without one the
//! push is refused and says how to log in; a wrong password is refused and not kept; the right
//! one is kept in the keychain and the deploy pushes with it; forgetting it removes it.

use quantum_core::Core;
use quantum_integration_tests::deploy::{free_port, get, project_folder};
use quantum_integration_tests::remote::Registry;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_login_kept_in_the_keychain_is_what_a_push_logs_in_with() {
    let registry = tokio::task::spawn_blocking(|| Registry::start_with_login("ada", "s3cret"))
        .await
        .expect("registry");
    let data_dir = tempfile::tempdir().expect("data dir");
    let core = Core::open(
        data_dir.path(),
        &quantum_kernel::settings::Settings::default(),
    )
    .await
    .expect("core");
    let folder = project_folder();
    let image = format!("{}/qa-deploy-login-{}", registry.host(), std::process::id());
    let publish = free_port();
    std::fs::write(
        folder.path().join("quantum.toml"),
        format!(
            "[deploy.pushed]\nimage = \"{image}\"\npush = true\nport = 8080\npublish = {publish}\nproxy_image = \"testdb/haproxy:2.6\"\nhealth_path = \"/health\"\nhealth_timeout = 10\ndrain = 1\n"
        ),
    )
    .expect("quantum.toml");
    let project = quantum_kernel::projects::create(
        &core.store,
        quantum_kernel::projects::ProjectInput {
            name: format!("pushed {}", std::process::id()),
            description: String::new(),
            folder: Some(folder.path().display().to_string()),
        },
    )
    .await
    .expect("project");
    let deploy = || quantum_core::deploy::deploy(&core, project.id, "pushed", 10, &|_| {});
    let login = |password: &str| quantum_deploy::RegistryLogin {
        username: "ada".to_owned(),
        password: password.to_owned(),
    };

    let refused = deploy().await.expect_err("no login");
    assert_eq!(
        refused.code, "deploy.registry_failed",
        "{}",
        refused.message
    );
    assert!(
        refused.message.contains("Registry login"),
        "says how to log in: {}",
        refused.message
    );

    let wrong =
        quantum_core::deploy::set_registry_login(&core, project.id, "pushed", Some(login("wrong")))
            .await
            .expect_err("a wrong password");
    assert_eq!(wrong.code, "deploy.registry_failed", "{}", wrong.message);
    let kept = quantum_core::deploy::registry_login(&core, project.id, "pushed")
        .await
        .expect("read");
    assert_eq!(
        (kept.registry.as_str(), kept.username),
        (registry.host().as_str(), None),
        "a wrong password is not kept"
    );

    let saved = quantum_core::deploy::set_registry_login(
        &core,
        project.id,
        "pushed",
        Some(login("s3cret")),
    )
    .await
    .expect("logged in");
    assert_eq!(saved.username.as_deref(), Some("ada"));
    let release = deploy().await.expect("pushed with the kept login");
    assert_eq!(get(publish, "/").await, Ok((200, "v1".to_owned())));
    let log = core.deploys.log(release.id).await.expect("log");
    assert!(log.contains(&format!("Pushing {image}")), "{log}");

    let forgotten = quantum_core::deploy::set_registry_login(&core, project.id, "pushed", None)
        .await
        .expect("forgotten");
    assert_eq!(forgotten.username, None);
    assert_eq!(
        quantum_core::deploy::registry_login(&core, project.id, "pushed")
            .await
            .expect("read")
            .username,
        None
    );

    let docker = quantum_docker::Docker::connect().await.expect("docker");
    for container in docker
        .labelled_containers(
            quantum_deploy::LABEL_ENVIRONMENT,
            &[(quantum_docker::LABEL_STORE, core.store.identity())],
        )
        .await
        .expect("containers")
    {
        docker.remove_container(&container.id).await.ok();
    }
    let names = quantum_deploy::Names::new(core.store.identity(), project.id, "pushed");
    docker.api().remove_network(&names.network()).await.ok();
    std::process::Command::new("docker")
        .args(["rmi", &release.image])
        .output()
        .ok();
}
