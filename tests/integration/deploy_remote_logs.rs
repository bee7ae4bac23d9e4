//! Part of the `deploy_remote` test binary: a release live on another Docker host is a source of
//! its project's Logs page, read over that host's connection.

use std::sync::Arc;
use std::time::Duration;

use quantum_deploy::Deploys;
use quantum_docker::host::Environment;
use quantum_integration_tests::deploy::{
    core_with_project, free_port, project_folder, FollowedLog,
};
use quantum_integration_tests::remote::RemoteHost;

/// Deploys the fixture through the `remote-tls` context, then follows the project's log until
/// the release's first line ("serving v1") comes, from the source named after it and its host.
pub async fn a_remote_release_is_a_source_of_the_logs_page(remote: &RemoteHost) {
    let folder = project_folder();
    let toml = format!(
        "[deploy.logs]\nimage = \"qa-deploy-remote-logs-{}\"\nport = 8080\npublish = {}\nproxy_image = \"testdb/haproxy:2.6\"\nhealth_path = \"/health\"\nhealth_timeout = 10\ndocker_context = \"remote-tls\"\n",
        std::process::id(),
        free_port()
    );
    let (data_dir, mut core, project_id) = core_with_project(
        folder.path(),
        &toml,
        "remote logs",
        &quantum_kernel::settings::Settings::default(),
    )
    .await;
    core.deploys = Arc::new(Deploys::with_docker_environment(
        core.store.clone(),
        Environment {
            home: Some(remote.home.clone()),
            ..Environment::default()
        },
    ));
    let release = quantum_core::deploy::deploy(&core, project_id, "logs", 10, &|_| {})
        .await
        .expect("deployed to the remote host");
    assert!(!release.target().is_local());

    let name = format!("logs ({}) on Docker context remote-tls", release.version);
    FollowedLog::start(&core, project_id, data_dir.path(), &name)
        .await
        .lines_holding("serving v1", 1, Duration::from_secs(30))
        .await;
}
