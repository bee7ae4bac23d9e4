//! A container's cumulative counters read once (no stream): what metric history samples. Rates
//! are differences between two readings.

use bollard::models::ContainerMemoryStats;
use bollard::query_parameters::StatsOptionsBuilder;
use futures_util::StreamExt;

use crate::{api_error, status, Docker, Result};

/// CPU time, memory, network and block I/O of a container at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// CPU time the container used, and the host's, in nanoseconds since they started.
    pub cpu_total_ns: u64,
    pub system_ns: u64,
    pub online_cpus: u32,
    /// What `docker stats` shows: usage less the reclaimable page cache.
    pub memory_bytes: u64,
    pub memory_limit_bytes: u64,
    pub net_rx_bytes: u64,
    pub net_tx_bytes: u64,
    pub block_read_bytes: u64,
    pub block_write_bytes: u64,
}

/// What `docker stats` shows as a container's memory: usage less the reclaimable page cache.
pub fn memory_in_use(memory: &ContainerMemoryStats) -> u64 {
    let cache = memory
        .stats
        .as_ref()
        .and_then(|s| {
            s.get("inactive_file")
                .or_else(|| s.get("total_inactive_file"))
        })
        .copied()
        .unwrap_or_default();
    memory.usage.unwrap_or_default().saturating_sub(cache)
}

impl Docker {
    /// The container's counters now; `None` when it is gone or not running.
    pub async fn counters(&self, container: &str) -> Result<Option<Counters>> {
        // One reading, without the second one a second later that `stream=false` waits for.
        let options = StatsOptionsBuilder::new()
            .stream(false)
            .one_shot(true)
            .build();
        let stats = match self.api.stats(container, Some(options)).next().await {
            Some(Ok(stats)) => stats,
            Some(Err(error)) if status(&error) == Some(404) => return Ok(None),
            Some(Err(error)) => return Err(api_error(error)),
            None => return Ok(None),
        };
        let cpu = stats.cpu_stats.unwrap_or_default();
        let memory = stats.memory_stats.unwrap_or_default();
        // A stopped container answers with empty figures.
        if memory.usage.is_none() {
            return Ok(None);
        }
        let networks = stats.networks.unwrap_or_default();
        let block = stats
            .blkio_stats
            .and_then(|b| b.io_service_bytes_recursive)
            .unwrap_or_default();
        let block_bytes = |op: &str| {
            block
                .iter()
                .filter(|entry| {
                    entry
                        .op
                        .as_deref()
                        .is_some_and(|o| o.eq_ignore_ascii_case(op))
                })
                .filter_map(|entry| entry.value)
                .sum()
        };
        Ok(Some(Counters {
            cpu_total_ns: cpu
                .cpu_usage
                .and_then(|u| u.total_usage)
                .unwrap_or_default(),
            system_ns: cpu.system_cpu_usage.unwrap_or_default(),
            online_cpus: cpu.online_cpus.unwrap_or(1),
            memory_bytes: memory_in_use(&memory),
            memory_limit_bytes: memory.limit.unwrap_or_default(),
            net_rx_bytes: networks.values().filter_map(|n| n.rx_bytes).sum(),
            net_tx_bytes: networks.values().filter_map(|n| n.tx_bytes).sum(),
            block_read_bytes: block_bytes("read"),
            block_write_bytes: block_bytes("write"),
        }))
    }
}
