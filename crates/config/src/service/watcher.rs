//! Changes made to quantum.toml outside the app (an editor, a `git checkout`), also while the app
//! was closed: taken in as "disk" versions and pushed to the window.

use super::*;

impl ProjectConfigs {
    /// Takes in the file as it now is on disk: a valid change becomes a version (source "disk");
    /// an invalid one is only announced, so that the editor shows its errors. The last valid
    /// version stays the one the app uses.
    pub async fn notice_disk_change(&self, project_id: i64) -> Result<()> {
        let _writing = self.writing.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let (path, _) = self.location(&project);
        let Some(text) = files::read_optional(&path)? else {
            self.announce(project_id);
            return Ok(());
        };
        let hash = content_hash(&text);
        let latest: Option<String> = sqlx::query_scalar(
            "SELECT content_hash FROM config_versions WHERE project_id = ? ORDER BY id DESC LIMIT 1",
        )
        .bind(project_id)
        .fetch_optional(self.store.pool())
        .await?;
        if latest.as_deref() == Some(hash.as_str()) {
            return Ok(());
        }
        let diagnostics = validate(&text, &self.known_secrets(project_id).await?);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            tracing::warn!(project_id, path = %path.display(), "quantum.toml changed on disk and has errors");
        } else {
            let mut tx = self.store.begin_write().await?;
            record_version(
                &mut tx,
                &project,
                &text,
                ConfigSource::Disk,
                json!({ "source": "disk" }),
            )
            .await?;
            tx.commit().await?;
            tracing::info!(
                project_id,
                "quantum.toml changed on disk; new version recorded"
            );
        }
        self.announce(project_id);
        Ok(())
    }

    /// Watches every project's file until the store closes. Changes made while the app was not
    /// running are taken in when a file is first watched.
    pub async fn watch(self: Arc<Self>) {
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel::<PathBuf>();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Reads (the app's own included) are not changes: taking them in would read the
            // file again, which is another read, for ever.
            if let Ok(event) = event {
                if event.kind.is_access() {
                    return;
                }
                for path in event.paths {
                    let _ = events_tx.send(path);
                }
            }
        });
        let mut watcher = match watcher {
            Ok(watcher) => watcher,
            Err(error) => {
                tracing::error!(%error, "cannot watch quantum.toml files; changes on disk will not be noticed");
                return;
            }
        };
        let mut changes = self.store.subscribe();
        let mut watched: HashMap<PathBuf, Vec<i64>> = HashMap::new();
        self.rewatch(&mut watcher, &mut watched).await;
        let mut pending: HashSet<PathBuf> = HashSet::new();
        let settle = tokio::time::sleep(SETTLE);
        tokio::pin!(settle);
        loop {
            tokio::select! {
                Some(path) = events.recv() => {
                    if path.file_name().is_some_and(|n| n == FILE_NAME) {
                        pending.insert(path);
                        settle.as_mut().reset(tokio::time::Instant::now() + SETTLE);
                    }
                }
                () = &mut settle, if !pending.is_empty() => {
                    for path in pending.drain() {
                        for &project_id in watched.get(&path).into_iter().flatten() {
                            if let Err(error) = self.notice_disk_change(project_id).await {
                                tracing::warn!(%error, project_id, "could not take in a changed quantum.toml");
                            }
                        }
                    }
                }
                change = changes.recv() => match change {
                    Ok(change) if change.resource_type == ResourceType::Project
                        || change.resource_type == ResourceType::Config => {
                        self.rewatch(&mut watcher, &mut watched).await;
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }

    /// Brings the watched folders in line with the projects: each project's file's folder, when
    /// it exists.
    async fn rewatch(
        &self,
        watcher: &mut notify::RecommendedWatcher,
        watched: &mut HashMap<PathBuf, Vec<i64>>,
    ) {
        use notify::Watcher;
        let projects = match projects::list(&self.store).await {
            Ok(projects) => projects,
            Err(error) => {
                tracing::warn!(%error, "cannot list projects to watch their quantum.toml");
                return;
            }
        };
        let mut wanted: HashMap<PathBuf, Vec<i64>> = HashMap::new();
        for project in &projects {
            wanted
                .entry(self.location(project).0)
                .or_default()
                .push(project.id);
        }
        let folders = |map: &HashMap<PathBuf, Vec<i64>>| -> HashSet<PathBuf> {
            map.keys()
                .filter_map(|p| p.parent().map(Path::to_owned))
                .collect()
        };
        let (before, after) = (folders(watched), folders(&wanted));
        for folder in before.difference(&after) {
            let _ = watcher.unwatch(folder);
        }
        for folder in after.difference(&before) {
            if folder.is_dir() {
                if let Err(error) = watcher.watch(folder, notify::RecursiveMode::NonRecursive) {
                    tracing::warn!(%error, folder = %folder.display(), "cannot watch folder");
                }
            }
        }
        let new_paths: Vec<(PathBuf, Vec<i64>)> = wanted
            .iter()
            .filter(|(path, _)| !watched.contains_key(*path))
            .map(|(p, ids)| (p.clone(), ids.clone()))
            .collect();
        *watched = wanted;
        for (path, ids) in new_paths {
            if path.is_file() {
                for project_id in ids {
                    if let Err(error) = self.notice_disk_change(project_id).await {
                        tracing::warn!(%error, project_id, "could not take in quantum.toml");
                    }
                }
            }
        }
    }
}
