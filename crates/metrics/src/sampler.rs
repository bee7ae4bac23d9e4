//! Reading the containers and turning two readings into a sample.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use quantum_docker::{Counters, Docker};
use quantum_kernel::Store;

use crate::{record, Result, Sample};

/// The sample between two readings of one container taken `seconds` apart, stamped `at`. A
/// counter that went down (the container restarted) counts as no activity.
pub fn rates(at: i64, seconds: f64, before: &Counters, after: &Counters) -> Sample {
    let cpu_percent = if after.system_ns > before.system_ns {
        after.cpu_total_ns.saturating_sub(before.cpu_total_ns) as f64
            / (after.system_ns - before.system_ns) as f64
            * f64::from(after.online_cpus)
            * 100.0
    } else {
        0.0
    };
    let per_second = |from: u64, to: u64| {
        if seconds > 0.0 {
            to.saturating_sub(from) as f64 / seconds
        } else {
            0.0
        }
    };
    Sample {
        at,
        cpu_percent,
        memory_bytes: after.memory_bytes as f64,
        memory_limit_bytes: after.memory_limit_bytes as f64,
        net_rx_rate: per_second(before.net_rx_bytes, after.net_rx_bytes),
        net_tx_rate: per_second(before.net_tx_bytes, after.net_tx_bytes),
        block_read_rate: per_second(before.block_read_bytes, after.block_read_bytes),
        block_write_rate: per_second(before.block_write_bytes, after.block_write_bytes),
    }
}

/// Samples containers pass after pass, keeping each one's previous reading: a sample is the
/// average over the time between two passes.
pub struct Sampler {
    store: Store,
    previous: HashMap<i64, (Instant, Counters)>,
}

impl Sampler {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            previous: HashMap::new(),
        }
    }

    /// Reads each `(datasource id, container)` once; records a sample for each one read in the
    /// previous pass too. Returns how many were recorded.
    pub async fn pass(&mut self, docker: &Docker, containers: &[(i64, String)]) -> Result<usize> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or_default();
        let mut recorded = 0;
        let mut seen = HashSet::new();
        for (id, container) in containers {
            seen.insert(*id);
            match docker.counters(container).await {
                Ok(Some(counters)) => {
                    let read_at = Instant::now();
                    if let Some((then, before)) = self.previous.insert(*id, (read_at, counters)) {
                        let seconds = read_at.duration_since(then).as_secs_f64();
                        record(&self.store, *id, &rates(now, seconds, &before, &counters)).await?;
                        recorded += 1;
                    }
                }
                Ok(None) => {
                    self.previous.remove(id);
                }
                // It may have gone between the listing and the reading: the next pass retries.
                Err(error) => {
                    tracing::debug!(%error, datasource_id = id, "no metrics read");
                    self.previous.remove(id);
                }
            }
        }
        self.previous.retain(|id, _| seen.contains(id));
        Ok(recorded)
    }
}
