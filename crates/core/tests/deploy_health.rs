//! A deploy environment with a live release gets a health check of its own (`deploy-<name>`,
//! its health path on its published port); one without a live release, or whose check the file
//! declares by that name, does not.

use quantum_core::Core;
use quantum_kernel::projects::{self, ProjectInput};
use quantum_kernel::settings::Settings;

async fn live_release(core: &Core, project_id: i64, environment: &str) {
    sqlx::query(
        "INSERT INTO deploy_releases (project_id, environment, kind, version, status, actor, started_at)
         VALUES (?, ?, 'deploy', 'v1', 'live', 'test', 0)",
    )
    .bind(project_id)
    .bind(environment)
    .execute(core.store.pool())
    .await
    .expect("a live release");
}

#[tokio::test]
async fn a_live_environment_is_checked_on_its_published_port() {
    let data = tempfile::tempdir().expect("data dir");
    let folder = tempfile::tempdir().expect("project folder");
    std::fs::write(
        folder.path().join("quantum.toml"),
        "[deploy.staging]\nimage = \"shop\"\nport = 8080\npublish = 8000\nhealth_path = \"/up\"\nhealth_status = 204\n\n\
         [deploy.prod]\nimage = \"shop\"\nport = 8080\npublish = 9000\n\n\
         [deploy.preview]\nimage = \"shop\"\nport = 8080\npublish = 9100\n\n\
         [[health]]\nname = \"deploy-preview\"\ntarget = \"http://127.0.0.1:9100/custom\"\n",
    )
    .expect("quantum.toml");
    let core = Core::open_for_reading(data.path(), &Settings::default())
        .await
        .expect("core");
    let project = projects::create(
        &core.store,
        ProjectInput {
            name: "shop".into(),
            folder: Some(folder.path().display().to_string()),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    live_release(&core, project.id, "staging").await;
    live_release(&core, project.id, "preview").await;

    quantum_core::health::load(&core, project.id).await;
    let mut checks: Vec<(String, String)> = core
        .health
        .checks(project.id)
        .into_iter()
        .map(|check| {
            (
                check.name,
                format!("{:?} {:?}", check.target, check.conditions),
            )
        })
        .collect();
    checks.sort();
    let names: Vec<&str> = checks.iter().map(|(name, _)| name.as_str()).collect();
    // prod has no live release; preview's check is the file's own.
    assert_eq!(names, ["deploy-preview", "deploy-staging"]);
    assert!(checks[0].1.contains("/custom"), "{}", checks[0].1);
    assert!(
        checks[1].1.contains("127.0.0.1")
            && checks[1].1.contains("8000")
            && checks[1].1.contains("/up"),
        "{}",
        checks[1].1
    );
    assert!(
        checks[1].1.contains("204"),
        "the declared status is the condition: {}",
        checks[1].1
    );
}
