//! Snapshots on a real PostgreSQL server: taken, a destructive migration, restored with the
//! rows back byte for byte (a checksum query) and the migration history with them; the restore
//! undone; the last N kept. A restore cut short at any moment leaves, once the app runs again,
//! the old data or the new, never a mix, never none.

use std::sync::Arc;
use std::time::Duration;

use quantum_datasources::{Datasource, DatasourceStatus, Engine};
use quantum_docker::Docker;
use quantum_integration_tests::{wait_for_status, TestApp};
use quantum_migrations::{apply, status, MigrationFormat, MigrationState};
use quantum_schema::Target;
use quantum_snapshots::{SnapshotTrigger, Snapshots};
use sqlx::{Connection, PgConnection};

const DEADLINE: Duration = Duration::from_secs(120);

/// The whole table's rows in one digest: equal digests, equal rows.
async fn checksum(app: &TestApp, datasource: &Datasource) -> Option<String> {
    let mut conn = PgConnection::connect(&app.url(datasource))
        .await
        .expect("connect");
    let digest =
        sqlx::query_scalar("SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM items t")
            .fetch_one(&mut conn)
            .await
            .ok();
    conn.close().await.expect("close");
    digest
}

async fn execute(app: &TestApp, datasource: &Datasource, sql: &str) {
    let mut conn = PgConnection::connect(&app.url(datasource))
        .await
        .expect("connect");
    sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
    conn.close().await.expect("close");
}

async fn wait_ready(app: &TestApp, id: i64) {
    let mut events = app.datasources.subscribe();
    wait_for_status(
        &mut events,
        &app.datasources,
        id,
        DatasourceStatus::Ready,
        DEADLINE,
    )
    .await;
}

const FILL: &str = "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), seen timestamptz);
INSERT INTO items SELECT n, md5(n::text), n * 1.25, timestamptz '2026-01-01' + n * interval '1 minute'
FROM generate_series(1, 20000) n;";

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_brings_back_the_rows_and_the_history_after_a_destructive_migration() {
    let app = TestApp::start("snapshots").await;
    let datasource = app.ready(Engine::Postgres).await;
    let snapshots = Snapshots::new(app.store.clone(), Arc::clone(&app.datasources));
    let target = Target::Postgres(app.server(&datasource));
    let project = tempfile::tempdir().expect("project");
    let folder = project.path().join("migrations");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(folder.join("0001_items.up.sql"), FILL).expect("up");
    std::fs::write(folder.join("0001_items.down.sql"), "DROP TABLE items;").expect("down");
    apply(&target, &folder, MigrationFormat::Sqlx, None)
        .await
        .expect("first migration");
    let before = checksum(&app, &datasource).await.expect("rows");

    let taken = snapshots
        .take(
            datasource.id,
            SnapshotTrigger::BeforeApply,
            "0002 drop items",
            10,
        )
        .await
        .expect("snapshot");
    assert!(taken.pruned.is_empty());
    assert!(
        taken
            .snapshot
            .size_bytes
            .is_some_and(|size| size > 1_000_000),
        "a PostgreSQL data directory is megabytes: {:?}",
        taken.snapshot.size_bytes
    );
    assert_eq!(
        app.datasources
            .get(datasource.id)
            .await
            .expect("record")
            .status,
        DatasourceStatus::Ready,
        "the server runs again after the copy"
    );

    std::fs::write(folder.join("0002_drop.up.sql"), "DROP TABLE items;").expect("up");
    std::fs::write(folder.join("0002_drop.down.sql"), "SELECT 1;").expect("down");
    apply(&target, &folder, MigrationFormat::Sqlx, None)
        .await
        .expect("destructive migration");
    assert_eq!(checksum(&app, &datasource).await, None, "the table is gone");

    let restored = snapshots
        .restore(taken.snapshot.id, 10)
        .await
        .expect("restore");
    let after = app.datasources.get(datasource.id).await.expect("record");
    assert_eq!(after.status, DatasourceStatus::Ready);
    assert_ne!(
        after.volume_name, datasource.volume_name,
        "a new data volume"
    );
    assert_eq!(after.host_port, datasource.host_port, "the same address");
    assert_eq!(
        checksum(&app, &after).await.as_deref(),
        Some(before.as_str())
    );
    let history = status(&target, &folder, MigrationFormat::Sqlx)
        .await
        .expect("status");
    let states: Vec<_> = history.migrations.iter().map(|m| m.state).collect();
    assert_eq!(
        states,
        [MigrationState::Applied, MigrationState::Pending],
        "the history table came back with the data"
    );

    // The replaced data is a snapshot: restoring it undoes the restore.
    assert_eq!(restored.replaced.trigger, SnapshotTrigger::BeforeRestore);
    assert_eq!(restored.replaced.volume_name, datasource.volume_name);
    let listed = snapshots.list(datasource.id).await.expect("list");
    assert_eq!(listed.len(), 2);
    assert!(
        app.datasources
            .orphan_volumes()
            .await
            .expect("orphans")
            .iter()
            .all(|v| v.volume_name != datasource.volume_name),
        "a snapshot's volume is not offered as a removed datasource's data"
    );
    snapshots
        .restore(restored.replaced.id, 10)
        .await
        .expect("undo");
    let undone = app.datasources.get(datasource.id).await.expect("record");
    assert_eq!(
        checksum(&app, &undone).await,
        None,
        "back to after the drop"
    );

    // Kept to the last N, oldest first, and said so.
    let docker = Docker::connect().await.expect("docker");
    let oldest = snapshots.list(datasource.id).await.expect("list");
    assert_eq!(oldest.len(), 3);
    let taken = snapshots
        .take(datasource.id, SnapshotTrigger::Manual, "", 2)
        .await
        .expect("snapshot");
    let pruned: Vec<i64> = taken.pruned.iter().map(|s| s.id).collect();
    assert_eq!(pruned, [oldest[1].id, oldest[2].id]);
    for gone in &taken.pruned {
        assert!(!docker
            .volume_exists(&gone.volume_name)
            .await
            .expect("inspect"));
    }
    assert_eq!(snapshots.list(datasource.id).await.expect("list").len(), 2);

    assert_eq!(
        snapshots.delete_all(datasource.id).await.expect("delete"),
        2
    );
    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}

/// Interrupted before the switch (killed while copying): the next start removes the half copy
/// and the datasource runs on its old data. Interrupted after it (the record names the new
/// volume, the container still mounts the old): the container follows the record.
#[tokio::test(flavor = "multi_thread")]
async fn a_restore_cut_short_ends_on_the_old_data_or_the_new() {
    let app = TestApp::start("restore crash").await;
    let datasource = app.ready(Engine::Postgres).await;
    let snapshots = Snapshots::new(app.store.clone(), Arc::clone(&app.datasources));
    let docker = Docker::connect().await.expect("docker");
    execute(&app, &datasource, FILL).await;
    let snapshotted = checksum(&app, &datasource).await.expect("rows");
    let snapshot = snapshots
        .take(datasource.id, SnapshotTrigger::Manual, "", 10)
        .await
        .expect("snapshot")
        .snapshot;
    execute(
        &app,
        &datasource,
        "UPDATE items SET name = 'changed' WHERE id % 7 = 0",
    )
    .await;
    let current = checksum(&app, &datasource).await.expect("rows");
    assert_ne!(current, snapshotted);

    // Killed at a moment of its own: whatever it reached, the next start settles it.
    let restore = {
        let app_datasources = Arc::clone(&app.datasources);
        let store = app.store.clone();
        let id = snapshot.id;
        tokio::spawn(async move { Snapshots::new(store, app_datasources).restore(id, 10).await })
    };
    let mut events = app.datasources.subscribe();
    wait_for_status(
        &mut events,
        &app.datasources,
        datasource.id,
        DatasourceStatus::Restoring,
        DEADLINE,
    )
    .await;
    restore.abort();
    let _ = restore.await;
    restart(&app, &snapshots, &docker, datasource.id).await;
    let after = app.datasources.get(datasource.id).await.expect("record");
    let data = checksum(&app, &after).await.expect("rows");
    assert!(
        data == current || data == snapshotted,
        "the old data or the snapshot's, not a mix"
    );
    assert_no_unfinished_copies(&app, &docker).await;

    // Before the switch: a target row and a volume half filled.
    let held = app.datasources.get(datasource.id).await.expect("record");
    app.datasources.stop(datasource.id).await.expect("stop");
    let half = format!("{}-data-halfcopy", held.name);
    sqlx::query(
        "INSERT INTO snapshots (datasource_id, volume_name, image, trigger, state)
         VALUES (?, ?, ?, 'manual', 'restore_target')",
    )
    .bind(held.id)
    .bind(&half)
    .bind(&held.image)
    .execute(app.store.pool())
    .await
    .expect("target row");
    docker
        .ensure_volume(&half, Default::default())
        .await
        .expect("volume");
    sqlx::query("UPDATE datasources SET status = 'restoring' WHERE id = ?")
        .bind(held.id)
        .execute(app.store.pool())
        .await
        .expect("status");
    restart(&app, &snapshots, &docker, held.id).await;
    assert!(
        !docker.volume_exists(&half).await.expect("inspect"),
        "the half copy is removed"
    );
    let kept = checksum(&app, &held).await.expect("rows");
    assert_eq!(kept, data, "still on the data it had");

    // After the switch: the record names a full copy of the snapshot; the container mounts
    // the old volume.
    app.datasources.stop(held.id).await.expect("stop");
    let switched = format!("{}-data-switched", held.name);
    docker
        .ensure_volume(&switched, Default::default())
        .await
        .expect("volume");
    docker
        .copy_volume(
            &held.image,
            &snapshot.volume_name,
            &switched,
            Default::default(),
        )
        .await
        .expect("copy");
    sqlx::query("UPDATE datasources SET volume_name = ?, status = 'restoring' WHERE id = ?")
        .bind(&switched)
        .bind(held.id)
        .execute(app.store.pool())
        .await
        .expect("switch");
    restart(&app, &snapshots, &docker, held.id).await;
    let moved = app.datasources.get(held.id).await.expect("record");
    assert_eq!(
        docker
            .mounted_volume(
                moved.container_id.as_deref().expect("container"),
                moved.engine.data_path()
            )
            .await
            .expect("inspect")
            .as_deref(),
        Some(switched.as_str())
    );
    assert_eq!(
        checksum(&app, &moved).await.as_deref(),
        Some(snapshotted.as_str())
    );

    snapshots.delete_all(held.id).await.expect("delete");
    app.datasources
        .remove(held.id, true)
        .await
        .expect("cleanup");
    for volume in [held.volume_name.as_str(), datasource.volume_name.as_str()] {
        docker.remove_volume(volume).await.expect("old volumes");
    }
}

/// What the app does when it starts again: reconcile the datasources and the snapshots, then
/// start what is stopped (as auto-start does).
async fn restart(app: &TestApp, snapshots: &Snapshots, docker: &Docker, id: i64) {
    app.datasources.reconcile(docker).await;
    snapshots.reconcile().await.expect("snapshots reconcile");
    if app.datasources.get(id).await.expect("record").status == DatasourceStatus::Stopped {
        app.datasources.start(id).await.expect("start");
    }
    // A container moved onto its recorded volume gets there in the background.
    wait_ready(app, id).await;
}

async fn assert_no_unfinished_copies(app: &TestApp, docker: &Docker) {
    let unfinished: i64 =
        sqlx::query_scalar("SELECT count(*) FROM snapshots WHERE state != 'ready'")
            .fetch_one(app.store.pool())
            .await
            .expect("count");
    assert_eq!(unfinished, 0, "no copy left half done");
    assert_eq!(
        docker
            .remove_helpers(&[(quantum_docker::LABEL_STORE, app.store.identity())])
            .await
            .expect("helpers"),
        0,
        "no helper left running"
    );
}

/// The copy a snapshot is made of keeps every file's bytes, owner, mode, type and time (to the
/// nanosecond), symbolic links as links and empty directories: a server checks its data
/// directory's owner and mode, and a snapshot is only as good as its copy.
#[tokio::test(flavor = "multi_thread")]
async fn a_volume_copy_keeps_every_file_as_it_was() {
    let docker = Docker::connect().await.expect("docker");
    let image = quantum_integration_tests::test_image(Engine::Postgres);
    let suffix = std::process::id();
    let (from, to) = (
        format!("qa-copy-from-{suffix}"),
        format!("qa-copy-to-{suffix}"),
    );
    for volume in [&from, &to] {
        docker
            .ensure_volume(volume, Default::default())
            .await
            .expect("volume");
    }
    let docker_run = |volume: &str, script: &str| {
        let output = std::process::Command::new("docker")
            .args([
                "run",
                "--rm",
                "--user",
                "0:0",
                "-v",
                &format!("{volume}:/x"),
            ])
            .args([image.as_str(), "sh", "-c", script])
            .output()
            .expect("docker run");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    docker_run(
        &from,
        "cd /x && mkdir -p base/1 empty 'with space' && head -c 3000000 /dev/urandom > base/1/big \
         && echo hi > 'with space/a file' && : > base/empty-file && ln -s base/1/big link \
         && chown -R 999:999 base && chmod 700 base base/1 && chmod 600 base/1/big \
         && chmod 4755 'with space/a file' && touch -d '2020-02-02 02:02:02.123456789' base/1/big",
    );
    let manifest = "cd /x && find . -printf '%p %U %G %m %s %y %l %T@\\n' | sort \
                    && find . -type f -print0 | sort -z | xargs -0 md5sum";
    let before = docker_run(&from, manifest);
    docker
        .copy_volume(&image, &from, &to, Default::default())
        .await
        .expect("copy");
    assert_eq!(docker_run(&to, manifest), before);
    for volume in [&from, &to] {
        docker.remove_volume(volume).await.expect("cleanup");
    }
}
