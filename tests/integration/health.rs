//! Health checks of a project's own stack on the real Docker Engine: a `datasource:` target is
//! the datasource's readiness probe (its password from the keychain), a `container:` target is
//! Docker's word on the container; stopped and unknown ones fail with a reason.

use std::sync::Arc;
use std::time::Duration;

use quantum_core::health::StackProber;
use quantum_health::{Prober, Target};
use quantum_integration_tests::TestApp;
use quantum_kernel::Engine;

#[tokio::test]
async fn a_datasource_and_its_container_are_checked_up_then_down_with_the_reason() {
    let app = TestApp::start("health").await;
    let datasource = app.ready(Engine::Postgres).await;
    let prober = StackProber {
        datasources: Arc::clone(&app.datasources),
    };
    let timeout = Duration::from_secs(10);
    let by_name = Target::Datasource {
        name: datasource.name.clone(),
    };
    let container = Target::Container {
        name: datasource.name.clone(),
    };

    let up = prober.probe(app.project_id, &by_name, timeout).await;
    assert!(up.connected, "{up:?}");
    let running = prober.probe(app.project_id, &container, timeout).await;
    assert!(running.connected, "{running:?}");

    app.datasources.stop(datasource.id).await.expect("stopped");
    let down = prober.probe(app.project_id, &by_name, timeout).await;
    assert!(!down.connected);
    assert_eq!(
        down.error.as_deref(),
        Some(format!("{} is stopped", datasource.name).as_str())
    );
    let stopped = prober.probe(app.project_id, &container, timeout).await;
    assert!(
        stopped
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with(&format!("{} is not running", datasource.name))),
        "{stopped:?}"
    );

    let unknown = prober
        .probe(
            app.project_id,
            &Target::Datasource {
                name: "nope".into(),
            },
            timeout,
        )
        .await;
    assert_eq!(
        unknown.error.as_deref(),
        Some("the project has no datasource named “nope”")
    );
    let gone = prober
        .probe(
            app.project_id,
            &Target::Container {
                name: "quantum-no-such-container".into(),
            },
            timeout,
        )
        .await;
    assert_eq!(
        gone.error.as_deref(),
        Some("there is no container named quantum-no-such-container")
    );

    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("removed");
}
