//! Part of the `deploy_remote` test binary: a release live on another Docker host is a source of
//! its project's Logs page, read over that host's connection.

use std::sync::Arc;

use quantum_core::logs::ProjectLogEvent;
use quantum_deploy::Deploys;
use quantum_docker::host::Environment;
use quantum_integration_tests::deploy::{core_with_project, free_port, project_folder};
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

    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let (sources, _follower) = quantum_core::logs::follow(
        &core,
        project_id,
        data_dir.path().join("logs"),
        None,
        move |event| sender.send(event).is_ok(),
    )
    .await
    .expect("followed");
    let source = sources
        .iter()
        .find(|source| {
            source
                .name
                .starts_with(&format!("logs ({})", release.version))
        })
        .unwrap_or_else(|| panic!("the release is a source: {sources:?}"));
    assert!(
        source.name.ends_with("on Docker context remote-tls"),
        "named with its host: {}",
        source.name
    );
    let found = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(event) = receiver.recv().await {
            if let ProjectLogEvent::Entries { entries } = event {
                if let Some(entry) = entries
                    .iter()
                    .find(|entry| entry.source == source.id && entry.text.contains("serving v1"))
                {
                    return entry.text.clone();
                }
            }
        }
        String::new()
    })
    .await
    .expect("the release's line within 30 s");
    assert!(found.contains("serving v1"), "{found}");
}
