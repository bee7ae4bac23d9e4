//! Metric history: the datasources' containers sampled every [`RAW_SECS`] into SQLite, each
//! complete 5-minute span rolled up into one row ([`ROLLUP_SECS`]) and each complete hour into
//! another ([`HOUR_SECS`]); samples are kept a day, roll-ups 30 days. A range is read from the
//! coarsest rows that still give the chart enough points, averaged into at most the points it
//! can show, in one indexed query: 30 days of an hourly tier is 720 rows, not 259,200 samples.

mod error;
mod sampler;

use quantum_kernel::Store;
use serde::{Deserialize, Serialize};
use specta::Type;

pub use error::{Error, Result};
pub use sampler::{rates, Sampler};

/// Seconds between two samples.
pub const RAW_SECS: i64 = 10;
/// Seconds a roll-up row covers.
pub const ROLLUP_SECS: i64 = 300;
/// Seconds an hourly roll-up row covers.
pub const HOUR_SECS: i64 = 3600;
/// How long samples are kept; older ranges are read from roll-ups.
pub const RAW_KEEP_SECS: i64 = 24 * 3600;
/// How long roll-ups are kept.
pub const ROLLUP_KEEP_SECS: i64 = 30 * 24 * 3600;

/// One point of a container's history: averages over the point's span, rates per second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Type, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// Unix seconds at the start of the span.
    pub at: i64,
    /// Of one CPU: 200 means two CPUs' worth.
    pub cpu_percent: f64,
    pub memory_bytes: f64,
    pub memory_limit_bytes: f64,
    pub net_rx_rate: f64,
    pub net_tx_rate: f64,
    pub block_read_rate: f64,
    pub block_write_rate: f64,
}

/// A range of a container's history, as a chart draws it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// Seconds each point spans (at least the rows' own resolution).
    pub step_secs: i64,
    pub points: Vec<Sample>,
}

/// Keeps one sample, at the start of its 10-second span (a second sample in the same span
/// replaces the first).
pub async fn record(store: &Store, datasource_id: i64, sample: &Sample) -> Result<()> {
    sqlx::query(
        "INSERT OR REPLACE INTO metric_samples (datasource_id, resolution, at, cpu_percent,
             memory_bytes, memory_limit_bytes, net_rx_rate, net_tx_rate, block_read_rate,
             block_write_rate)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(datasource_id)
    .bind(RAW_SECS)
    .bind(sample.at - sample.at.rem_euclid(RAW_SECS))
    .bind(sample.cpu_percent)
    .bind(sample.memory_bytes)
    .bind(sample.memory_limit_bytes)
    .bind(sample.net_rx_rate)
    .bind(sample.net_tx_rate)
    .bind(sample.block_read_rate)
    .bind(sample.block_write_rate)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Rolls the samples of every complete 5-minute span of the last hour up into one row each, and
/// those of every complete hour of the last two into one more (again each time, so that a late
/// sample is counted), and forgets rows past their keeping time.
pub async fn roll_up(store: &Store, now: i64) -> Result<()> {
    let mut tx = store.begin_write().await?;
    for (from, into, look_back) in [
        (RAW_SECS, ROLLUP_SECS, 3600),
        (ROLLUP_SECS, HOUR_SECS, 7200),
    ] {
        let end = now - now.rem_euclid(into);
        sqlx::query(
            "INSERT OR REPLACE INTO metric_samples (datasource_id, resolution, at, cpu_percent,
                 memory_bytes, memory_limit_bytes, net_rx_rate, net_tx_rate, block_read_rate,
                 block_write_rate)
             SELECT datasource_id, ?1, at - at % ?1, AVG(cpu_percent), AVG(memory_bytes),
                    MAX(memory_limit_bytes), AVG(net_rx_rate), AVG(net_tx_rate),
                    AVG(block_read_rate), AVG(block_write_rate)
             FROM metric_samples
             WHERE resolution = ?2 AND at >= ?3 AND at < ?4
             GROUP BY datasource_id, at - at % ?1",
        )
        .bind(into)
        .bind(from)
        .bind(end - look_back)
        .bind(end)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "DELETE FROM metric_samples
         WHERE (resolution = ? AND at < ?) OR (resolution IN (?, ?) AND at < ?)",
    )
    .bind(RAW_SECS)
    .bind(now - RAW_KEEP_SECS)
    .bind(ROLLUP_SECS)
    .bind(HOUR_SECS)
    .bind(now - ROLLUP_KEEP_SECS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The rows a range is read from: the coarsest tier that covers it and still gives a third of
/// the points asked for (a chart of a day reads 288 five-minute rows, not 8,640 samples).
fn tier(from: i64, to: i64, now: i64, max_points: i64) -> i64 {
    let enough = (max_points / 3).max(1);
    let covering = [HOUR_SECS, ROLLUP_SECS]
        .into_iter()
        .chain((from >= now - RAW_KEEP_SECS).then_some(RAW_SECS));
    let mut chosen = ROLLUP_SECS;
    for resolution in covering {
        chosen = resolution;
        if (to - from) / resolution >= enough {
            break;
        }
    }
    chosen
}

/// The container's history from `from` to `to` (Unix seconds), at most `max_points` points, from
/// the rows [`tier`] picks.
pub async fn history(
    store: &Store,
    datasource_id: i64,
    from: i64,
    to: i64,
    now: i64,
    max_points: i64,
) -> Result<History> {
    let resolution = tier(from, to, now, max_points);
    let span = (to - from).max(resolution);
    // Seconds a point must cover to stay within the maximum, up to a multiple of the rows'.
    let wanted = (span + max_points.max(1) - 1) / max_points.max(1);
    let step = ((wanted + resolution - 1) / resolution).max(1) * resolution;
    let points: Vec<Sample> = sqlx::query_as(
        "SELECT at - at % ?1 AS bucket, AVG(cpu_percent) AS cpu_percent,
                AVG(memory_bytes) AS memory_bytes, MAX(memory_limit_bytes) AS memory_limit_bytes,
                AVG(net_rx_rate) AS net_rx_rate, AVG(net_tx_rate) AS net_tx_rate,
                AVG(block_read_rate) AS block_read_rate, AVG(block_write_rate) AS block_write_rate,
                at - at % ?1 AS at
         FROM metric_samples
         WHERE datasource_id = ?2 AND resolution = ?3 AND at >= ?4 AND at <= ?5
         GROUP BY bucket
         ORDER BY bucket",
    )
    .bind(step)
    .bind(datasource_id)
    .bind(resolution)
    .bind(from)
    .bind(to)
    .fetch_all(store.pool())
    .await?;
    Ok(History {
        step_secs: step,
        points,
    })
}
