//! Scans kept per project while the app runs, and kept current: the project's folder and the
//! folders of what was found are watched (not the whole tree: a monorepo's thousands of folders
//! would exhaust the system's watches), and a change to a file the scan looks for rescans the
//! project and tells the listeners. Something new deep in the tree shows on the next Rescan.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::broadcast;

use crate::ProjectScan;

/// Changes closer together than this make one rescan.
const SETTLE: Duration = Duration::from_millis(300);

struct Kept {
    folder: PathBuf,
    scan: ProjectScan,
    _watcher: Option<RecommendedWatcher>,
}

pub struct Scans {
    kept: Mutex<HashMap<i64, Kept>>,
    /// Projects with a rescan already due.
    due: Mutex<std::collections::HashSet<i64>>,
    changed: broadcast::Sender<i64>,
}

impl Scans {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            kept: Mutex::new(HashMap::new()),
            due: Mutex::new(std::collections::HashSet::new()),
            changed: broadcast::channel(64).0,
        })
    }

    /// The project ids whose scan changed by itself (a watched file changed).
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.changed.subscribe()
    }

    /// The project's scan: the kept one, or a new one when there is none, its folder moved or
    /// `fresh` asks for it. Runs on a blocking thread.
    pub async fn get(
        self: &Arc<Self>,
        project_id: i64,
        folder: &Path,
        fresh: bool,
    ) -> quantum_kernel::Result<ProjectScan> {
        if !fresh {
            let kept = self
                .kept
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(kept) = kept.get(&project_id).filter(|k| k.folder == folder) {
                return Ok(kept.scan.clone());
            }
        }
        self.rescan(project_id, folder).await
    }

    /// Forgets a project's scan and stops watching its folder (the project went, or its folder).
    pub fn forget(&self, project_id: i64) {
        let removed = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&project_id);
        // Its watcher stops outside the lock.
        drop(removed);
    }

    async fn rescan(
        self: &Arc<Self>,
        project_id: i64,
        folder: &Path,
    ) -> quantum_kernel::Result<ProjectScan> {
        let nextest = quantum_testruns::TestRuns::nextest_installed().await;
        // The walk and the watches (one per folder: slow on macOS's FSEvents) off the runtime.
        let root = folder.to_path_buf();
        let this = Arc::clone(self);
        let runtime = tokio::runtime::Handle::current();
        let (scan, watcher) = tokio::task::spawn_blocking(move || {
            let scan = crate::scan(&root, nextest);
            let watcher = this.watch(runtime, project_id, &root, &scan);
            (scan, watcher)
        })
        .await
        .map_err(|error| {
            quantum_kernel::Error::io(
                format!("the scan of {}", folder.display()),
                std::io::Error::other(error),
            )
        })?;
        let replaced = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                project_id,
                Kept {
                    folder: folder.to_path_buf(),
                    scan: scan.clone(),
                    _watcher: watcher,
                },
            );
        // The old watcher stops outside the lock (stopping joins its thread).
        drop(replaced);
        tracing::debug!(
            project_id,
            files = scan.files,
            elapsed_ms = scan.elapsed_ms,
            "project scanned"
        );
        Ok(scan)
    }

    fn watch(
        self: &Arc<Self>,
        runtime: tokio::runtime::Handle,
        project_id: i64,
        folder: &Path,
        scan: &ProjectScan,
    ) -> Option<RecommendedWatcher> {
        let scans = Arc::downgrade(self);
        let root = folder.to_path_buf();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                // A rescan reads these files: its reads must not call for another rescan.
                if event.kind.is_access() || !event.paths.iter().any(|path| looked_for(path)) {
                    return;
                }
                let Some(scans) = scans.upgrade() else { return };
                if !scans
                    .due
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(project_id)
                {
                    return;
                }
                let root = root.clone();
                runtime.spawn(async move {
                    tokio::time::sleep(SETTLE).await;
                    scans
                        .due
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .remove(&project_id);
                    match scans.rescan(project_id, &root).await {
                        Ok(_) => {
                            let _ = scans.changed.send(project_id);
                        }
                        Err(error) => {
                            tracing::warn!(%error, project_id, "the folder could not be scanned again");
                        }
                    }
                });
            })
            .ok()?;
        for dir in watched_folders(folder, scan) {
            if let Err(error) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
                tracing::debug!(%error, dir = %dir.display(), "a folder of the scan is not watched");
            }
        }
        Some(watcher)
    }
}

/// The folder itself, and each folder where something was found.
fn watched_folders(folder: &Path, scan: &ProjectScan) -> Vec<PathBuf> {
    let parent = |path: &str| {
        path.rsplit_once('/')
            .map_or(String::new(), |(dir, _)| dir.to_owned())
    };
    let mut dirs: Vec<String> = vec![String::new()];
    dirs.extend(
        scan.package_managers
            .iter()
            .chain(&scan.frameworks)
            .map(|f| parent(&f.path)),
    );
    dirs.extend(
        scan.dockerfiles
            .iter()
            .chain(&scan.compose_files)
            .chain(&scan.env_files)
            .map(|p| parent(p)),
    );
    dirs.extend(scan.migration_folders.iter().map(|m| m.path.clone()));
    if scan.git.is_some() {
        dirs.push(".git".to_owned());
    }
    dirs.sort();
    dirs.dedup();
    dirs.into_iter().map(|dir| folder.join(dir)).collect()
}

/// A file whose appearance, change or removal changes the scan.
fn looked_for(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == ".git")
    {
        // The branch checked out, the remotes.
        return name == "HEAD" || name == "config";
    }
    crate::walk::MANIFESTS.contains(&name)
        || crate::walk::is_dockerfile(name)
        || crate::walk::is_compose_file(name)
        || name == ".env"
        || name.starts_with(".env.")
        || name.ends_with(".sql")
}
