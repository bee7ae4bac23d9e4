//! A crash or a quit at any moment of a datasource's creation ends, once the app runs again, in a
//! true state: reconciling with Docker adopts a container that was made but not recorded, turns a
//! creation cut short before its container existed into "stopped" that Start finishes, removes a
//! container of this data dir that has no record (keeping its volume), and says why a container
//! stopped. The states a crash leaves are made here by hand on the app's own SQLite file; the
//! real app killed mid-create is `tests/e2e/crash.spec.mjs`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, KillContainerOptionsBuilder, RemoveContainerOptionsBuilder,
};
use quantum_datasources::{Datasource, DatasourceInput, DatasourceStatus, Datasources, Engine};
use quantum_docker::{LABEL_DATASOURCE, LABEL_STORE};
use quantum_integration_tests::{docker, test_image, wait_for_status, write_lock, TestApp};
use quantum_secrets::SecretAccess;
use tokio::sync::broadcast::Receiver;

const READY_DEADLINE: Duration = Duration::from_secs(120);

struct Harness {
    app: TestApp,
    events: Receiver<quantum_datasources::DatasourceEvent>,
}

impl Harness {
    async fn start(label: &str) -> Self {
        let app = TestApp::start(label).await;
        Self {
            events: app.datasources.subscribe(),
            app,
        }
    }

    fn datasources(&self) -> &Arc<Datasources> {
        &self.app.datasources
    }

    async fn ready_redis(&mut self) -> Datasource {
        let created = self
            .datasources()
            .create(DatasourceInput {
                project_id: self.app.project_id,
                engine: Engine::Redis,
                ..Default::default()
            })
            .await
            .expect("created");
        self.wait_for(created.id, DatasourceStatus::Ready).await;
        self.datasources().get(created.id).await.expect("record")
    }

    async fn wait_for(&mut self, id: i64, wanted: DatasourceStatus) {
        let datasources = Arc::clone(&self.app.datasources);
        wait_for_status(&mut self.events, &datasources, id, wanted, READY_DEADLINE).await;
    }

    /// Leaves the record as a crash at that moment of the creation would: `status`, and no
    /// container recorded.
    async fn crash_state(&self, id: i64, status: &str) {
        sqlx::query("UPDATE datasources SET status = ?, container_id = NULL WHERE id = ?")
            .bind(status)
            .bind(id)
            .execute(self.app.store.pool())
            .await
            .expect("crash state");
    }

    /// What the app does when it starts again (and on every reconnection to Docker).
    async fn restart(&self) {
        let docker = quantum_docker::Docker::connect().await.expect("docker");
        self.datasources().reconcile(&docker).await;
    }

    async fn remove(&self, id: i64) {
        self.datasources().remove(id, true).await.expect("cleanup");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_made_but_not_recorded_is_adopted_and_reaches_ready() {
    let mut h = Harness::start("adopt").await;
    let created = h.ready_redis().await;
    let container = created.container_id.clone().expect("container");
    h.crash_state(created.id, "starting").await;

    h.restart().await;
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    let adopted = h.datasources().get(created.id).await.expect("record");
    assert_eq!(adopted.container_id.as_deref(), Some(container.as_str()));
    h.remove(created.id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_creation_cut_short_before_its_container_is_stopped_and_start_finishes_it() {
    let mut h = Harness::start("unfinished").await;
    let created = h.ready_redis().await;
    docker()
        .await
        .remove_container(
            &created.name,
            Some(RemoveContainerOptionsBuilder::new().force(true).build()),
        )
        .await
        .expect("docker rm");
    h.wait_for(created.id, DatasourceStatus::Missing).await;
    // As if the app had been killed while pulling the image: no container was ever made.
    h.crash_state(created.id, "pulling").await;

    h.restart().await;
    h.wait_for(created.id, DatasourceStatus::Stopped).await;
    let stopped = h.datasources().get(created.id).await.expect("record");
    assert!(
        stopped
            .status_reason
            .as_deref()
            .is_some_and(|reason| reason.contains("Start finishes it")),
        "{:?}",
        stopped.status_reason
    );

    h.datasources().start(created.id).await.expect("start");
    h.wait_for(created.id, DatasourceStatus::Ready).await;
    let started = h.datasources().get(created.id).await.expect("record");
    assert!(started.container_id.is_some());
    assert_eq!(started.volume_name, created.volume_name, "the same volume");
    h.remove(created.id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn only_this_data_dirs_unrecorded_containers_are_removed_and_their_volumes_stay() {
    let mut h = Harness::start("orphan").await;
    let created = h.ready_redis().await;
    let api = docker().await;
    // Another data dir's container (another app, a test run) that happens to carry this id.
    let foreign_name = format!("quantum-foreign-{}", std::process::id());
    api.create_container(
        Some(
            CreateContainerOptionsBuilder::new()
                .name(&foreign_name)
                .build(),
        ),
        ContainerCreateBody {
            image: Some(test_image(Engine::Redis)),
            labels: Some(HashMap::from([
                (LABEL_DATASOURCE.to_owned(), created.id.to_string()),
                (LABEL_STORE.to_owned(), "0".repeat(32)),
            ])),
            ..Default::default()
        },
    )
    .await
    .expect("foreign container");
    // The record is gone, as after a crash that cut a removal short.
    sqlx::query("DELETE FROM datasources WHERE id = ?")
        .bind(created.id)
        .execute(h.app.store.pool())
        .await
        .expect("delete the record");

    h.restart().await;
    assert!(
        api.inspect_container(&created.name, None).await.is_err(),
        "this data dir's unrecorded container is removed"
    );
    api.inspect_volume(&created.volume_name)
        .await
        .expect("its volume, and the data in it, stay");
    api.inspect_container(&foreign_name, None)
        .await
        .expect("another data dir's container is left alone");

    let _ = api
        .remove_container(
            &foreign_name,
            Some(RemoveContainerOptionsBuilder::new().force(true).build()),
        )
        .await;
    let _ = api
        .remove_volume(
            &created.volume_name,
            None::<bollard::query_parameters::RemoveVolumeOptions>,
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_that_dies_shows_how_it_ended() {
    let mut h = Harness::start("died").await;
    let created = h.ready_redis().await;
    docker()
        .await
        .kill_container(
            &created.name,
            Some(KillContainerOptionsBuilder::new().signal("SIGKILL").build()),
        )
        .await
        .expect("docker kill");
    h.wait_for(created.id, DatasourceStatus::Stopped).await;
    let stopped = h.datasources().get(created.id).await.expect("record");
    assert_eq!(
        stopped.status_reason.as_deref(),
        Some("Exited with code 137.")
    );
    h.remove(created.id).await;
}

/// A keychain unlock prompt can take minutes: creating a database stores its password before it
/// takes the database's write lock, so that other writes (statuses, edits) do not stall behind it.
/// A current-thread runtime: nothing else runs until `create` returns, so what is recorded up to
/// then is the creation's own.
#[tokio::test]
async fn a_creation_stores_its_password_outside_the_database_write_lock() {
    let h = Harness::start("write lock").await;
    let accesses = write_lock::watch(&h.app.store, &h.app.secrets);
    let created = h
        .datasources()
        .create(DatasourceInput {
            project_id: h.app.project_id,
            engine: Engine::Redis,
            ..Default::default()
        })
        .await
        .expect("created");
    let (all, under_lock) = {
        let seen = accesses.lock().expect("accesses");
        (seen.all.clone(), seen.under_write_lock.clone())
    };
    assert!(
        all.contains(&SecretAccess::Write),
        "the password was stored: {all:?}"
    );
    assert_eq!(under_lock, vec![]);
    h.remove(created.id).await;
}

/// A database the kernel's OOM killer ends says so, not just "stopped": Redis, held to 48 MB,
/// is asked for a 300 MB string.
#[tokio::test(flavor = "multi_thread")]
async fn a_database_killed_for_memory_says_out_of_memory() {
    let mut h = Harness::start("oom").await;
    let created = h.ready_redis().await;
    let container = created.container_id.clone().expect("container");
    let api = docker().await;
    let limit = 48 * 1024 * 1024;
    api.update_container(
        &container,
        bollard::models::ContainerUpdateBody {
            memory: Some(limit),
            memory_swap: Some(limit),
            ..Default::default()
        },
    )
    .await
    .expect("memory limit");
    let password = h
        .app
        .secrets
        .get(&created.keychain_account)
        .expect("password");
    let auth = format!("REDISCLI_AUTH={}", password.expose());
    let exec = api
        .create_exec(
            &container,
            bollard::exec::CreateExecOptions {
                cmd: Some(vec!["redis-cli", "SETRANGE", "big", "300000000", "x"]),
                env: Some(vec![auth.as_str()]),
                ..Default::default()
            },
        )
        .await
        .expect("exec");
    api.start_exec(
        &exec.id,
        Some(bollard::exec::StartExecOptions {
            detach: true,
            ..Default::default()
        }),
    )
    .await
    .expect("start exec");

    h.wait_for(created.id, DatasourceStatus::Stopped).await;
    let stopped = h.datasources().get(created.id).await.expect("record");
    assert_eq!(
        stopped.status_reason.as_deref(),
        Some("Killed: out of memory."),
        "{stopped:?}"
    );
    h.remove(created.id).await;
}
