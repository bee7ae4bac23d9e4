//! The tray's one-click rollback: for each environment serving now, the last release before the
//! live one that is still kept — not a removed one, not another environment's.

use quantum_core::Core;
use quantum_kernel::projects::{self, ProjectInput};
use quantum_kernel::settings::Settings;

async fn release(
    core: &Core,
    project_id: i64,
    environment: &str,
    version: &str,
    status: &str,
    at: i64,
) {
    sqlx::query(
        "INSERT INTO deploy_releases
             (project_id, environment, kind, version, image_id, status, actor, started_at)
         VALUES (?, ?, 'deploy', ?, 'sha256:' || ?, ?, 'test', ?)",
    )
    .bind(project_id)
    .bind(environment)
    .bind(version)
    .bind(version)
    .bind(status)
    .bind(at)
    .execute(core.store.pool())
    .await
    .expect("a release");
}

#[tokio::test]
async fn each_serving_environment_offers_its_last_kept_release() {
    let data = tempfile::tempdir().expect("data dir");
    let core = Core::open_for_reading(data.path(), &Settings::default())
        .await
        .expect("core");
    let project = projects::create(
        &core.store,
        ProjectInput {
            name: "shop".into(),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    release(&core, project.id, "staging", "v1", "removed", 1).await;
    release(&core, project.id, "staging", "v2", "replaced", 2).await;
    release(&core, project.id, "staging", "v3", "failed", 3).await;
    release(&core, project.id, "staging", "v4", "live", 4).await;
    release(&core, project.id, "prod", "v1", "live", 5).await;
    release(&core, project.id, "preview", "v1", "replaced", 6).await;

    let offers = quantum_core::deploy::rollback_offers(&core)
        .await
        .expect("offers");
    let described: Vec<(String, String, String, String)> = offers
        .iter()
        .map(|offer| {
            (
                offer.project_name.clone(),
                offer.live.environment.clone(),
                offer.live.version.clone(),
                offer.target.version.clone(),
            )
        })
        .collect();
    // prod has nothing kept before it; preview serves nothing.
    assert_eq!(
        described,
        [(
            "shop".to_owned(),
            "staging".to_owned(),
            "v4".to_owned(),
            "v2".to_owned()
        )]
    );
}
