//! Metric history of the datasources' containers: sampled in the background while the app runs
//! (the shell spawns [`watch`]), so that history exists when a chart opens.

use std::sync::Arc;
use std::time::Duration;

use quantum_datasources::{DatasourceStatus, Datasources};
use quantum_docker::Docker;
use quantum_kernel::{ErrorInfo, Store};
use quantum_metrics::{History, Sampler, RAW_SECS, ROLLUP_SECS};

use crate::Core;

/// Points a chart gets at most, whatever the range.
const MAX_POINTS: i64 = 600;

/// How often the containers are read: every 10 s, or what `QUANTUM_METRICS_SECS` says (the
/// end-to-end tests read every second).
pub fn interval() -> Duration {
    let secs = std::env::var("QUANTUM_METRICS_SECS")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
        .filter(|secs| *secs > 0)
        .unwrap_or(RAW_SECS.unsigned_abs());
    Duration::from_secs(secs)
}

/// Samples every ready datasource's container each `every`, rolls the samples up each 5 minutes
/// and forgets old rows, until the app ends. Docker being away pauses it.
pub fn watch(
    core: &Core,
    every: Duration,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let (store, datasources) = (core.store.clone(), Arc::clone(&core.datasources));
    async move {
        let mut sampler = Sampler::new(store.clone());
        let mut docker: Option<Docker> = None;
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut rolled_up_at = 0;
        loop {
            tick.tick().await;
            if docker.is_none() {
                docker = Docker::connect().await.ok();
            }
            let Some(client) = &docker else { continue };
            let containers = running(&datasources).await;
            if let Err(error) = sampler.pass(client, &containers).await {
                tracing::warn!(%error, "metric samples not recorded");
                docker = None;
            }
            let now = unix_now();
            if now / ROLLUP_SECS != rolled_up_at / ROLLUP_SECS {
                rolled_up_at = now;
                if let Err(error) = quantum_metrics::roll_up(&store, now).await {
                    tracing::warn!(%error, "metric samples not rolled up");
                }
            }
        }
    }
}

/// The ready datasources with their containers.
async fn running(datasources: &Datasources) -> Vec<(i64, String)> {
    datasources
        .list(None)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.status == DatasourceStatus::Ready)
        .filter_map(|d| d.container_id.map(|container| (d.id, container)))
        .collect()
}

/// The datasource's history over the last `range_secs` seconds.
pub async fn history(
    store: &Store,
    datasource_id: i64,
    range_secs: u32,
) -> Result<History, ErrorInfo> {
    let now = unix_now();
    Ok(quantum_metrics::history(
        store,
        datasource_id,
        now - i64::from(range_secs),
        now,
        now,
        MAX_POINTS,
    )
    .await?)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}
