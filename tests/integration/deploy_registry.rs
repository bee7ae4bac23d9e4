//! Part of the `deploy` test binary: `push = true` to a registry behind a login. Without one the
//! push is refused and says how to log in; a wrong password is refused and not kept; the right
//! one is kept in the keychain and the deploy pushes with it; forgetting it removes it.

use quantum_integration_tests::deploy::{
    core_with_project, free_port, get, project_folder, remove_environment,
};
use quantum_integration_tests::remote::Registry;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_login_kept_in_the_keychain_is_what_a_push_logs_in_with() {
    let registry = tokio::task::spawn_blocking(|| Registry::start_with_login("ada", "s3cret"))
        .await
        .expect("registry");
    let folder = project_folder();
    let image = format!("{}/qa-deploy-login-{}", registry.host(), std::process::id());
    let publish = free_port();
    let toml = format!(
        "[deploy.pushed]\nimage = \"{image}\"\npush = true\nport = 8080\npublish = {publish}\nproxy_image = \"testdb/haproxy:2.6\"\nhealth_path = \"/health\"\nhealth_timeout = 10\ndrain = 1\n"
    );
    let (_data_dir, core, project_id) = core_with_project(
        folder.path(),
        &toml,
        "pushed",
        &quantum_kernel::settings::Settings::default(),
    )
    .await;
    let deploy = || quantum_core::deploy::deploy(&core, project_id, "pushed", 10, &|_| {});
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
        quantum_core::deploy::set_registry_login(&core, project_id, "pushed", Some(login("wrong")))
            .await
            .expect_err("a wrong password");
    assert_eq!(wrong.code, "deploy.registry_failed", "{}", wrong.message);
    let kept = quantum_core::deploy::registry_login(&core, project_id, "pushed")
        .await
        .expect("read");
    assert_eq!(
        (kept.registry.as_str(), kept.username),
        (registry.host().as_str(), None),
        "a wrong password is not kept"
    );

    let saved = quantum_core::deploy::set_registry_login(
        &core,
        project_id,
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

    let forgotten = quantum_core::deploy::set_registry_login(&core, project_id, "pushed", None)
        .await
        .expect("forgotten");
    assert_eq!(forgotten.username, None);
    assert_eq!(
        quantum_core::deploy::registry_login(&core, project_id, "pushed")
            .await
            .expect("read")
            .username,
        None
    );

    remove_environment(core.store.identity(), project_id, "pushed", &image).await;
}
