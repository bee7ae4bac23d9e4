//! Native file and folder dialogs, and the record of the files the user chose to have written.
//!
//! A command that writes a file takes a path the user chose, not any path a page sends: a file
//! picked in a save dialog during this session (recorded here until the app quits), or a place
//! inside one of the projects' folders. Anything else is refused with `path.not_chosen`, and the
//! UI has the user confirm a typed path in the save dialog, pre-filled with it. Reading needs no
//! record: a typed path to read is only validated.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use quantum_kernel::{projects, ErrorInfo, Store};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};

/// Which native dialog to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum PickKind {
    /// An existing file, to read.
    OpenFile,
    /// A file to write (new or replaced): what is chosen is recorded as writable.
    SaveFile,
    /// An existing folder.
    Folder,
}

/// A file type the dialog offers, e.g. `{ name: "Quantum Admin bundle", extensions: ["qabundle"] }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PickFilter {
    pub name: String,
    pub extensions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PickRequest {
    pub kind: PickKind,
    pub title: String,
    pub filters: Vec<PickFilter>,
    /// Where the dialog opens: a folder, or a file whose folder is opened (and, in a save
    /// dialog, whose name is filled in).
    pub default_path: Option<String>,
}

/// Called once with the chosen path, or `None` when the dialog was cancelled.
pub type PickDone = Box<dyn FnOnce(Option<PathBuf>) + Send>;

/// Shows a dialog. Behind a trait so that tests can stand in for the user.
pub trait Picker: Send + Sync {
    fn pick(&self, request: &PickRequest, done: PickDone);
}

impl<R: Runtime> Picker for AppHandle<R> {
    fn pick(&self, request: &PickRequest, done: PickDone) {
        use tauri_plugin_dialog::DialogExt;
        let mut dialog = self.dialog().file().set_title(&request.title);
        for filter in &request.filters {
            let extensions: Vec<&str> = filter.extensions.iter().map(String::as_str).collect();
            dialog = dialog.add_filter(&filter.name, &extensions);
        }
        if let Some(window) = self.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        let default = request
            .default_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        if let Some(default) = default {
            if default.is_dir() {
                dialog = dialog.set_directory(&default);
            } else {
                if let Some(folder) = default.parent().filter(|f| f.is_dir()) {
                    dialog = dialog.set_directory(folder);
                }
                if let (PickKind::SaveFile, Some(name)) = (request.kind, default.file_name()) {
                    dialog = dialog.set_file_name(name.to_string_lossy());
                }
            }
        }
        let done = move |path: Option<tauri_plugin_dialog::FilePath>| {
            done(path.and_then(|p| p.into_path().ok()));
        };
        // Non-blocking: the plugin shows the dialog on the main thread and calls back from
        // another one, so no thread (the main one least of all) waits for the user.
        match request.kind {
            PickKind::OpenFile => dialog.pick_file(done),
            PickKind::SaveFile => dialog.save_file(done),
            PickKind::Folder => dialog.pick_folder(done),
        }
    }
}

/// The dialogs, and the files chosen in save dialogs since the app started.
pub struct Dialogs {
    picker: RwLock<Arc<dyn Picker>>,
    chosen: Mutex<HashSet<PathBuf>>,
}

impl Dialogs {
    pub fn new(picker: Arc<dyn Picker>) -> Self {
        Self {
            picker: RwLock::new(picker),
            chosen: Mutex::new(HashSet::new()),
        }
    }

    /// Replaces what shows the dialogs (tests answer in the user's place).
    pub fn set_picker(&self, picker: Arc<dyn Picker>) {
        *self.picker.write().unwrap_or_else(PoisonError::into_inner) = picker;
    }

    /// Shows the dialog and waits for the user without holding a thread; a file chosen in a
    /// save dialog is recorded as writable.
    pub async fn pick(&self, request: &PickRequest) -> Result<Option<PathBuf>, ErrorInfo> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let picker = Arc::clone(&self.picker.read().unwrap_or_else(PoisonError::into_inner));
        picker.pick(
            request,
            Box::new(move |path| {
                let _ = sender.send(path);
            }),
        );
        let path = receiver.await.map_err(|_| {
            ErrorInfo::new(
                "io.failed",
                "The file dialog could not be shown. Type the path instead.",
            )
        })?;
        if let (PickKind::SaveFile, Some(path)) = (request.kind, &path) {
            tracing::info!(path = %path.display(), "file chosen for writing");
            self.chosen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path.clone());
        }
        Ok(path)
    }

    fn is_chosen(&self, path: &Path) -> bool {
        self.chosen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(path)
    }

    /// Why `path` may not be written, or `None` when it may: it was chosen in a save dialog this
    /// session, or it lies inside a project's folder (symbolic links resolved, so a link in the
    /// folder cannot lead the write elsewhere).
    pub async fn refusal(&self, store: &Store, path: &Path, field: &str) -> Option<ErrorInfo> {
        if !path.is_absolute() {
            return Some(field_error(
                "validation.invalid_folder",
                field,
                format!(
                    "“{}” is not a full path. Enter one starting with / (or a drive letter on Windows), or pick the file with Browse.",
                    path.display()
                ),
            ));
        }
        if self.is_chosen(path) {
            return None;
        }
        if let Some(real) = real_path(path) {
            // Fails closed: without the list of projects nothing counts as inside one.
            let folders = match projects::list(store).await {
                Ok(folders) => folders,
                Err(error) => return Some(error.into()),
            };
            let inside = folders
                .iter()
                .filter_map(|project| project.folder.as_deref())
                .filter_map(|folder| std::fs::canonicalize(folder).ok())
                .any(|folder| real.starts_with(folder));
            if inside {
                return None;
            }
        }
        Some(field_error(
            "path.not_chosen",
            field,
            format!(
                "{} is outside the projects' folders and was not chosen in a file dialog. Pick it with Browse (or confirm it in the dialog) to let the app write it.",
                path.display()
            ),
        ))
    }

    /// `path` when a command may write it, else the error to show next to `field`.
    pub async fn writable(
        &self,
        store: &Store,
        path: &str,
        field: &str,
    ) -> Result<PathBuf, ErrorInfo> {
        let path = PathBuf::from(path.trim());
        match self.refusal(store, &path, field).await {
            None => Ok(path),
            Some(error) => Err(error),
        }
    }
}

/// Where a write to `path` lands: the file itself resolved when it exists (a symbolic link is
/// followed to its target), else its resolved folder joined with its name.
fn real_path(path: &Path) -> Option<PathBuf> {
    if let Ok(real) = std::fs::canonicalize(path) {
        return Some(real);
    }
    let name = path.file_name()?;
    let folder = std::fs::canonicalize(path.parent()?).ok()?;
    Some(folder.join(name))
}

fn field_error(code: &str, field: &str, message: String) -> ErrorInfo {
    ErrorInfo::new(code, message).with_field(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_lands_where_links_lead() {
        let dir = tempfile::tempdir().expect("dir");
        let inside = dir.path().join("inside");
        std::fs::create_dir(&inside).expect("mkdir");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "x").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, inside.join("link")).expect("symlink");
        let real_inside = std::fs::canonicalize(&inside).expect("canonical");

        assert_eq!(
            real_path(&inside.join("new.env")),
            Some(real_inside.join("new.env"))
        );
        assert_eq!(
            real_path(&inside.join("..").join("escape.env")),
            Some(
                std::fs::canonicalize(dir.path())
                    .expect("c")
                    .join("escape.env")
            )
        );
        #[cfg(unix)]
        assert_eq!(
            real_path(&inside.join("link")),
            Some(std::fs::canonicalize(&outside).expect("c"))
        );
        assert_eq!(real_path(&inside.join("missing").join("x")), None);
    }
}
