//! Live streams to one viewer each, over a `tauri::ipc::Channel`: a datasource's log (batched so
//! that a flood of lines cannot freeze the window) and its resource use. The viewer stops its
//! stream when it closes; a closed window stops it too, as sending fails.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use futures_util::StreamExt;
use quantum_datasources::streams::{LogBatch, LogFollower, StatsSample};
use tauri::async_runtime::JoinHandle;
use tauri::ipc::Channel;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// Lines of history a log viewer opens with.
const LOG_TAIL: u32 = 1000;

/// A stream to one viewer.
pub(super) enum Running {
    Task(JoinHandle<()>),
    /// Dropping it stops it.
    Log(LogFollower),
    /// A project's log page; dropping it stops it.
    ProjectLog(quantum_core::logs::ProjectLogFollower),
}

impl Running {
    fn is_finished(&self) -> bool {
        match self {
            Self::Task(task) => task.inner().is_finished(),
            Self::Log(follower) => follower.is_finished(),
            Self::ProjectLog(follower) => follower.is_finished(),
        }
    }
}

/// The streams running, by the id their viewer knows them by.
#[derive(Default)]
pub struct Streams {
    next_id: AtomicU32,
    running: Mutex<HashMap<u32, Running>>,
}

impl Streams {
    pub(super) fn register(&self, stream: Running) -> u32 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.retain(|_, stream| !stream.is_finished());
        running.insert(id, stream);
        id
    }

    fn stop(&self, id: u32) {
        let stream = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&id);
        if let Some(Running::Task(task)) = stream {
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
    let follower = state
        .datasources
        .follow_log(id, LOG_TAIL, move |batch| on_batch.send(batch).is_ok())
        .await?;
    Ok(state.streams.register(Running::Log(follower)))
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
    Ok(state.streams.register(Running::Task(task)))
}

#[tauri::command]
#[specta::specta]
pub fn stream_stop(state: State<'_, AppState>, stream_id: u32) {
    state.streams.stop(stream_id);
}
