//! What goes through the change feed between processes (`quantum_kernel::feed`): committed
//! changes and datasource events. The command line tells what its core announces; the app follows
//! the file and announces the same to its window and tray, within a second of the change.

use std::path::Path;
use std::sync::Mutex;

use notify::{RecursiveMode, Watcher};
use quantum_datasources::DatasourceEvent;
use quantum_kernel::events::Change;
use quantum_kernel::feed::{FeedReader, FeedWriter};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Core;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outside {
    Change(Change),
    Datasource(DatasourceEvent),
}

/// Tells the feed what this process's core announces, until [`Teller::finish`].
pub struct Teller {
    done: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Starts telling; call from inside the Tokio runtime.
pub fn tell(core: &Core, data_dir: &Path) -> Teller {
    let mut changes = core.store.subscribe();
    let mut events = core.datasources.subscribe();
    let writer = FeedWriter::new(data_dir);
    let (done, mut finished) = oneshot::channel();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                biased;
                Ok(change) = changes.recv() => write(&writer, &Outside::Change(change)),
                Ok(event) = events.recv() => write_event(&writer, event),
                _ = &mut finished => break,
            }
        }
        // What was announced before `finish` and not written yet.
        while let Ok(change) = changes.try_recv() {
            write(&writer, &Outside::Change(change));
        }
        while let Ok(event) = events.try_recv() {
            write_event(&writer, event);
        }
    });
    Teller { done, task }
}

impl Teller {
    /// Writes what is still to be told, then stops.
    pub async fn finish(self) {
        let _ = self.done.send(());
        let _ = self.task.await;
    }
}

fn write_event(writer: &FeedWriter, event: DatasourceEvent) {
    // Pull progress is the operation's own business; Docker's reachability the app sees itself.
    if matches!(
        event,
        DatasourceEvent::Status { .. } | DatasourceEvent::PortMoved { .. }
    ) {
        write(writer, &Outside::Datasource(event));
    }
}

fn write(writer: &FeedWriter, item: &Outside) {
    if let Err(error) = writer.append(item) {
        tracing::warn!(%error, "a change could not be told to the app");
    }
}

/// Follows the feed while it lives (dropping it stops).
pub struct Follower {
    _watcher: notify::RecommendedWatcher,
}

/// Hands `on` what other processes tell from now on. The data dir is watched (not the file,
/// which may not exist yet or be started afresh).
pub fn follow(data_dir: &Path, on: impl Fn(Outside) + Send + 'static) -> notify::Result<Follower> {
    let reader = Mutex::new(FeedReader::from_end(data_dir));
    let file_name = Some(std::ffi::OsStr::new(quantum_kernel::feed::FILE));
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        // Reading the feed is no news (and would otherwise call for another read).
        if event.kind.is_access() || !event.paths.iter().any(|path| path.file_name() == file_name) {
            return;
        }
        let items = reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .read_new::<Outside>();
        for item in items {
            on(item);
        }
    })?;
    watcher.watch(data_dir, RecursiveMode::NonRecursive)?;
    Ok(Follower { _watcher: watcher })
}

/// The app's side: what other processes did, announced to this process's listeners.
pub fn relay(core: &Core, item: Outside) {
    match item {
        Outside::Change(change) => core.store.announce(change),
        Outside::Datasource(event) => core.datasources.relay(event),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quantum_kernel::audit::{AuditAction, ResourceType};
    use quantum_kernel::feed::FILE;
    use std::io::Write;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn another_process_line_is_handed_on_and_this_one_is_not() {
        let dir = tempfile::tempdir().expect("test set-up");
        let (sender, received) = mpsc::channel();
        let _follower = follow(dir.path(), move |item| {
            let _ = sender.send(item);
        })
        .expect("test set-up");
        let change = Change {
            action: AuditAction::DatasourceStart,
            resource_type: ResourceType::Datasource,
            resource_id: 4,
        };
        // This process's own line is not news to it.
        FeedWriter::new(dir.path())
            .append(&Outside::Change(change.clone()))
            .expect("test set-up");
        let line = serde_json::json!({ "pid": std::process::id() + 1, "item": Outside::Change(change.clone()) });
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(FILE))
            .expect("test set-up");
        writeln!(file, "{line}").expect("test set-up");
        let item = received
            .recv_timeout(Duration::from_secs(10))
            .expect("the change is handed on");
        assert_eq!(item, Outside::Change(change));
        assert!(received.try_recv().is_err());
    }
}
