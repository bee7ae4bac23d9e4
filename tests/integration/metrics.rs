//! Metric history from a real container: two passes of the sampler over a running Redis record a
//! sample with its memory and rates, read back as the charts read it.

use std::time::Duration;

use quantum_core::Core;
use quantum_datasources::{DatasourceInput, DatasourceStatus, Engine};
use quantum_integration_tests::{test_image, wait_for_status};
use quantum_kernel::settings::Settings;
use quantum_metrics::Sampler;

#[tokio::test]
async fn a_running_container_is_sampled_and_its_history_read_back() {
    let dir = tempfile::tempdir().expect("data dir");
    let settings = Settings {
        engine_images: Engine::ALL
            .into_iter()
            .map(|e| (e, test_image(e)))
            .collect(),
        ..Settings::default()
    };
    let core = Core::open(dir.path(), &settings).await.expect("core");
    let project = quantum_kernel::projects::create(
        &core.store,
        quantum_kernel::projects::ProjectInput {
            name: format!("metrics {}", std::process::id()),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    let mut events = core.datasources.subscribe();
    let created = core
        .datasources
        .create(DatasourceInput {
            project_id: project.id,
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
    let datasource = core.datasources.get(created.id).await.expect("record");
    let container = datasource.container_id.clone().expect("a container");

    let docker = quantum_docker::Docker::connect().await.expect("docker");
    let mut sampler = Sampler::new(core.store.clone());
    let containers = [(datasource.id, container)];
    assert_eq!(
        sampler.pass(&docker, &containers).await.expect("first"),
        0,
        "a first reading has nothing to compare with"
    );
    assert_eq!(sampler.pass(&docker, &containers).await.expect("second"), 1);

    let history = quantum_core::metrics::history(&core.store, datasource.id, 300)
        .await
        .expect("history");
    assert_eq!(history.step_secs, quantum_metrics::RAW_SECS);
    let point = history.points.last().expect("a point");
    assert!(
        point.memory_bytes > 1_000_000.0,
        "Redis uses some memory: {point:?}"
    );
    assert!(point.memory_limit_bytes > 0.0);
    assert!(point.cpu_percent >= 0.0 && point.net_rx_rate >= 0.0);

    // A stopped container is not sampled; removing the datasource takes its history with it.
    core.datasources.stop(datasource.id).await.expect("stopped");
    assert_eq!(
        sampler
            .pass(&docker, &containers)
            .await
            .expect("stopped pass"),
        0
    );
    core.datasources
        .remove(datasource.id, true)
        .await
        .expect("removed");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM metric_samples")
        .fetch_one(core.store.pool())
        .await
        .expect("count");
    assert_eq!(left, 0);
}
