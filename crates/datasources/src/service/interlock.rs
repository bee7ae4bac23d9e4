//! One operation at a time per datasource across processes: the app and the `quantum` command
//! line share the data dir, and whichever runs an operation holds an advisory lock on the
//! datasource's lock file there (`locks/datasource-<id>.lock`) until it ends. The lock belongs to
//! the open file, so a process that dies lets it go.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use quantum_kernel::Store;

/// Held while an operation runs; dropping it closes the file and lets the lock go.
pub(super) struct ProcessLock {
    _file: File,
}

fn path(store: &Store, id: i64) -> Option<PathBuf> {
    let dir = store
        .path()
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())?;
    Some(dir.join("locks").join(format!("datasource-{id}.lock")))
}

fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// Waits for the lock, on a blocking thread. A lock file that cannot be made is logged and the
/// operation goes on with the in-process lock only: refusing would stop the app on a read-only
/// data dir for no gain.
pub(super) async fn acquire(store: &Store, id: i64) -> Option<ProcessLock> {
    let path = path(store, id)?;
    let locked = tokio::task::spawn_blocking(move || {
        let file = open(&path)?;
        fs4::FileExt::lock(&file)?;
        Ok::<_, std::io::Error>(file)
    })
    .await;
    match locked {
        Ok(Ok(file)) => Some(ProcessLock { _file: file }),
        Ok(Err(error)) => {
            tracing::warn!(datasource_id = id, %error, "the datasource's lock file could not be locked");
            None
        }
        Err(error) => {
            tracing::warn!(datasource_id = id, %error, "the datasource's lock file could not be locked");
            None
        }
    }
}

/// The lock if no other process holds it: `Err(())` when one does.
pub(super) fn try_acquire(store: &Store, id: i64) -> Result<Option<ProcessLock>, ()> {
    let Some(path) = path(store, id) else {
        return Ok(None);
    };
    let file = match open(&path) {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(datasource_id = id, %error, "the datasource's lock file could not be opened");
            return Ok(None);
        }
    };
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(Some(ProcessLock { _file: file })),
        Err(fs4::TryLockError::WouldBlock) => Err(()),
        Err(fs4::TryLockError::Error(error)) => {
            tracing::warn!(datasource_id = id, %error, "the datasource's lock file could not be locked");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_datasource_locked_by_one_handle_is_busy_for_another_until_it_is_dropped() {
        let dir = tempfile::tempdir().expect("test set-up");
        let store = Store::open_in(dir.path()).await.expect("test set-up");
        let held = acquire(&store, 7)
            .await
            .expect("a lock file in the data dir");
        assert!(dir.path().join("locks/datasource-7.lock").exists());
        // flock locks belong to the open file: a second open in this process stands for another.
        assert!(try_acquire(&store, 7).is_err(), "held by the first handle");
        assert!(
            matches!(try_acquire(&store, 8), Ok(Some(_))),
            "another datasource is free"
        );
        drop(held);
        assert!(matches!(try_acquire(&store, 7), Ok(Some(_))));
    }
}
