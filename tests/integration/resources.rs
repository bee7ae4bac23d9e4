//! The resource manager on the real Docker Engine: a published port is the container's (not
//! Docker's proxy process's); a prune preview never holds a datasource's data and deletes exactly
//! what it listed; a datasource whose port another program took says who, and moves.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{ContainerCreateBody, NetworkCreateRequest, VolumeCreateRequest};
use bollard::query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptions};
use quantum_core::Core;
use quantum_datasources::{DatasourceInput, DatasourceStatus, Engine};
use quantum_integration_tests::{docker, test_image, wait_for_status, TestContainer, TEST_LABEL};
use quantum_kernel::settings::Settings;
use quantum_resources::{Holder, PruneKind, PruneOptions};

async fn core(dir: &tempfile::TempDir) -> Core {
    let settings = Settings {
        engine_images: Engine::ALL
            .into_iter()
            .map(|e| (e, test_image(e)))
            .collect(),
        ..Settings::default()
    };
    Core::open(dir.path(), &settings).await.expect("core")
}

async fn project(core: &Core, label: &str) -> i64 {
    quantum_kernel::projects::create(
        &core.store,
        quantum_kernel::projects::ProjectInput {
            name: format!("{label} {}", std::process::id()),
            ..Default::default()
        },
    )
    .await
    .expect("project")
    .id
}

async fn ready_redis(core: &Core, project_id: i64) -> quantum_datasources::Datasource {
    let mut events = core.datasources.subscribe();
    let created = core
        .datasources
        .create(DatasourceInput {
            project_id,
            engine: Engine::Redis,
            ..Default::default()
        })
        .await
        .expect("created");
    wait_for_status(
        &mut events,
        &core.datasources,
        created.id,
        DatasourceStatus::Ready,
        Duration::from_secs(120),
    )
    .await;
    core.datasources.get(created.id).await.expect("record")
}

#[tokio::test]
async fn a_published_port_belongs_to_its_container_not_to_docker_s_proxy() {
    let dir = tempfile::tempdir().expect("data dir");
    let core = core(&dir).await;
    let container = TestContainer::start(&test_image(Engine::Redis), 6379, &[], &[]).await;
    let ports = quantum_core::resources::ports(&core).await.expect("ports");
    let row = ports
        .iter()
        .find(|p| p.port == container.host_port())
        .expect("the published port is listed");
    let Holder::Container { id, via, .. } = &row.holder else {
        panic!("held by the container: {:?}", row.holder);
    };
    assert_eq!(id, container.id());
    // Docker on Linux listens through docker-proxy: named as the way in, not as the holder.
    if let Some(via) = via {
        assert_eq!(via.name, "docker-proxy", "{via:?}");
    }
}

#[tokio::test]
async fn a_prune_preview_never_holds_a_datasource_s_data_and_deletes_what_it_listed() {
    let dir = tempfile::tempdir().expect("data dir");
    let core = core(&dir).await;
    let project_id = project(&core, "prune").await;
    let kept = ready_redis(&core, project_id).await;
    core.datasources.stop(kept.id).await.expect("stopped");
    let left = ready_redis(&core, project_id).await;
    core.datasources
        .remove(left.id, false)
        .await
        .expect("removed, its data kept");

    // Things nobody claims: a volume, a container that never ran, a network.
    let api = docker().await;
    let name = format!("quantum-test-prune-{}", std::process::id());
    let labels = HashMap::from([(TEST_LABEL.to_owned(), "true".to_owned())]);
    api.create_volume(VolumeCreateRequest {
        name: Some(name.clone()),
        labels: Some(labels.clone()),
        ..Default::default()
    })
    .await
    .expect("volume");
    let stopped = api
        .create_container(
            Some(CreateContainerOptionsBuilder::new().name(&name).build()),
            ContainerCreateBody {
                image: Some(test_image(Engine::Redis)),
                labels: Some(labels.clone()),
                ..Default::default()
            },
        )
        .await
        .expect("container")
        .id;
    let network = api
        .create_network(NetworkCreateRequest {
            name: name.clone(),
            labels: Some(labels),
            ..Default::default()
        })
        .await
        .expect("network")
        .id;

    let everything = PruneOptions {
        containers: true,
        images: true,
        volumes: true,
        networks: true,
        left_data: false,
    };
    let plan = quantum_core::resources::prune_plan(&core, everything)
        .await
        .expect("plan");
    let listed =
        |kind: PruneKind, id: &str| plan.items.iter().any(|i| i.kind == kind && i.id == id);
    assert!(listed(PruneKind::Volume, &name));
    assert!(listed(PruneKind::Container, &stopped));
    assert!(listed(PruneKind::Network, &network));
    assert!(
        !listed(PruneKind::Volume, &kept.volume_name),
        "a datasource's data"
    );
    assert!(
        !listed(PruneKind::Volume, &left.volume_name),
        "left data, not asked for"
    );
    let why = |name: &str| {
        plan.kept
            .iter()
            .find(|k| k.name == name)
            .map(|k| k.why.clone())
            .unwrap_or_default()
    };
    assert!(
        why(&left.volume_name).contains("removed datasource"),
        "{:?}",
        plan.kept
    );
    assert!(
        why(&kept.name).contains(&kept.name),
        "its stopped container: {:?}",
        plan.kept
    );
    // The stopped datasource's own volume is in use by its container, and named as its data.
    let inventory = quantum_core::resources::inventory(&core)
        .await
        .expect("inventory");
    let data = inventory
        .volumes
        .iter()
        .find(|v| v.volume.name == kept.volume_name)
        .expect("listed");
    assert_eq!(data.protection, quantum_resources::Protection::Owned);
    assert!(
        data.owner
            .as_deref()
            .is_some_and(|o| o.contains(&kept.name)),
        "{data:?}"
    );

    let asked = quantum_core::resources::prune_plan(
        &core,
        PruneOptions {
            left_data: true,
            ..everything
        },
    )
    .await
    .expect("plan with left data");
    assert!(asked.items.iter().any(|i| i.id == left.volume_name));
    assert!(!asked.items.iter().any(|i| i.id == kept.volume_name));

    // Only this test's own items: the engine is shared with other tests.
    let ours: Vec<_> = plan
        .items
        .iter()
        .filter(|i| i.name == name || i.id == stopped)
        .cloned()
        .collect();
    assert_eq!(ours.len(), 3, "{ours:?}");
    let outcome = quantum_core::resources::prune(&core, everything, &ours)
        .await
        .expect("pruned");
    assert_eq!(outcome.removed.len(), 3, "{outcome:?}");
    assert!(
        api.inspect_volume(&name).await.is_err(),
        "the volume is gone"
    );
    assert!(
        api.inspect_volume(&kept.volume_name).await.is_ok(),
        "the data stays"
    );

    let refused = quantum_core::resources::remove_volume(&core, &kept.volume_name)
        .await
        .expect_err("a datasource's data");
    assert_eq!(refused.code, "resources.volume_owned");

    // Its port taken while it was stopped: the start names the holder and the next free port,
    // and moving there starts it.
    let squatter = std::net::TcpListener::bind(("127.0.0.1", kept.host_port)).expect("bound");
    let conflict = core.datasources.start(kept.id).await.expect_err("held");
    let info = quantum_kernel::ErrorInfo::from(conflict);
    assert_eq!(info.code, "datasource.port_taken");
    assert!(
        info.message
            .contains(&format!("pid {}", std::process::id()))
            && info.message.contains("is free"),
        "{}",
        info.message
    );
    assert_eq!(
        core.datasources.get(kept.id).await.expect("record").status,
        DatasourceStatus::Stopped
    );
    let moved = core
        .datasources
        .move_port(kept.id, None)
        .await
        .expect("moved");
    assert_ne!(moved.host_port, kept.host_port);
    assert_eq!(moved.status, DatasourceStatus::Ready);
    drop(squatter);

    core.datasources
        .remove(kept.id, true)
        .await
        .expect("removed");
    let _ = api
        .remove_volume(
            &left.volume_name,
            None::<bollard::query_parameters::RemoveVolumeOptions>,
        )
        .await;
    let _ = api
        .remove_container(&stopped, None::<RemoveContainerOptions>)
        .await;
}
