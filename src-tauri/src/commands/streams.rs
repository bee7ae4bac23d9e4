//! Live streams to one viewer each, over a `tauri::ipc::Channel`: a datasource's log (batched so
//! that a flood of lines cannot freeze the window) and its resource use. The viewer stops its
//! stream when it closes; a closed window stops it too, as sending fails.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;
use quantum_core::datasources::streams::{forward_batched, LogBatch, StatsSample};
use tauri::async_runtime::JoinHandle;
use tauri::ipc::Channel;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// Lines of history a log viewer opens with.
const LOG_TAIL: u32 = 1000;
/// A batch goes out when it holds this many lines or its first line is this old (one frame).
const LOG_BATCH_LINES: usize = 2000;
const LOG_BATCH_DELAY: Duration = Duration::from_millis(16);

/// The streams running, by the id their viewer knows them by.
#[derive(Default)]
pub struct Streams {
    next_id: AtomicU32,
    running: Mutex<HashMap<u32, JoinHandle<()>>>,
}

impl Streams {
    fn register(&self, task: JoinHandle<()>) -> u32 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.retain(|_, task| !task.inner().is_finished());
        running.insert(id, task);
        id
    }

    fn stop(&self, id: u32) {
        let task = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&id);
        if let Some(task) = task {
            task.abort();
        }
    }
}

/// Follows a datasource's log: the last lines first, then new ones, in batches.
#[tauri::command]
#[specta::specta]
pub async fn datasource_logs(
    state: State<'_, AppState>,
    id: i64,
    on_batch: Channel<LogBatch>,
) -> CommandResult<u32> {
    let lines = state.datasources.log_lines(id, LOG_TAIL).await?;
    let task = tauri::async_runtime::spawn(async move {
        forward_batched(lines, LOG_BATCH_LINES, LOG_BATCH_DELAY, |lines| {
            on_batch.send(LogBatch { lines }).is_ok()
        })
        .await;
    });
    Ok(state.streams.register(task))
}

/// Streams a datasource's CPU and memory use, about once a second.
#[tauri::command]
#[specta::specta]
pub async fn datasource_stats(
    state: State<'_, AppState>,
    id: i64,
    on_sample: Channel<StatsSample>,
) -> CommandResult<u32> {
    let mut samples = state.datasources.stats(id).await?;
    let task = tauri::async_runtime::spawn(async move {
        while let Some(sample) = samples.next().await {
            if on_sample.send(sample).is_err() {
                break;
            }
        }
    });
    Ok(state.streams.register(task))
}

#[tauri::command]
#[specta::specta]
pub fn stream_stop(state: State<'_, AppState>, stream_id: u32) {
    state.streams.stop(stream_id);
}
