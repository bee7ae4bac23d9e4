//! Writing a rendered project into its folder. A folder that holds anything is refused unless
//! the user asked to write into it; then a file of the same name is replaced. Until the caller
//! keeps the result, `Written::undo` takes everything back: new files and folders removed, the
//! replaced files' old bytes put back.

use std::path::{Path, PathBuf};

use quantum_kernel::files::{self, NewFile, Within};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::render::RenderedFile;

/// What the chosen folder holds now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum FolderState {
    /// It will be created.
    Missing,
    Empty,
    NotEmpty {
        entries: u32,
    },
}

/// An absolute folder path, its parent existing or creatable.
pub fn folder_path(folder: &str) -> Result<PathBuf> {
    let path = PathBuf::from(folder.trim());
    if folder.trim().is_empty() || !path.is_absolute() {
        return Err(Error::validation(
            "validation.invalid_folder",
            "folder",
            "Choose the folder for the new project (a full path; it is created when missing).",
        ));
    }
    if path.exists() && !path.is_dir() {
        return Err(Error::validation(
            "validation.invalid_folder",
            "folder",
            format!("{} is a file, not a folder.", path.display()),
        ));
    }
    Ok(path)
}

pub fn folder_state(folder: &Path) -> Result<FolderState> {
    match std::fs::read_dir(folder) {
        Ok(entries) => {
            let count = entries.count();
            Ok(if count == 0 {
                FolderState::Empty
            } else {
                FolderState::NotEmpty {
                    entries: u32::try_from(count).unwrap_or(u32::MAX),
                }
            })
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(FolderState::Missing),
        Err(source) => Err(Error::io(
            format!("Could not read {}", folder.display()),
            source,
        )),
    }
}

/// What a write did, to be taken back if what follows it fails.
#[derive(Debug)]
#[must_use = "undo it when the project is not kept"]
pub struct Written {
    folder: PathBuf,
    folder_created: bool,
    created_files: Vec<PathBuf>,
    created_dirs: Vec<PathBuf>,
    replaced: Vec<(PathBuf, Vec<u8>)>,
}

impl Written {
    pub fn files(&self) -> usize {
        self.created_files.len() + self.replaced.len()
    }

    pub fn undo(self) {
        if self.folder_created {
            let _ = std::fs::remove_dir_all(&self.folder);
            return;
        }
        for path in &self.created_files {
            let _ = std::fs::remove_file(path);
        }
        for (path, bytes) in &self.replaced {
            let _ = files::replace(path, bytes, NewFile::Shared, Within::TRUSTED);
        }
        // Deepest first, and only when nothing else came into them.
        for dir in self.created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

pub fn write(folder: &Path, rendered: &[RenderedFile], force: bool) -> Result<Written> {
    let state = folder_state(folder)?;
    if let (FolderState::NotEmpty { entries }, false) = (&state, force) {
        return Err(Error::FolderNotEmpty {
            folder: folder.display().to_string(),
            entries: *entries as usize,
        });
    }
    let io = |path: &Path, source| Error::io(format!("Could not write {}", path.display()), source);
    let folder_created = state == FolderState::Missing;
    std::fs::create_dir_all(folder).map_err(|source| io(folder, source))?;
    let mut written = Written {
        folder: folder.to_owned(),
        folder_created,
        created_files: Vec::new(),
        created_dirs: Vec::new(),
        replaced: Vec::new(),
    };
    for file in rendered {
        let path = folder.join(&file.path);
        let outcome = (|| {
            let mut missing = Vec::new();
            let mut parent = path.parent();
            while let Some(dir) = parent.filter(|d| *d != folder && !d.exists()) {
                missing.push(dir.to_owned());
                parent = dir.parent();
            }
            written.created_dirs.extend(missing.into_iter().rev());
            let old = match std::fs::read(&path) {
                Ok(bytes) => Some(bytes),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
                Err(source) => return Err(io(&path, source)),
            };
            // A link in the folder leading out of it is not written through.
            files::replace(
                &path,
                &file.bytes,
                NewFile::Shared,
                Within::project(folder, false),
            )?;
            match old {
                Some(bytes) => written.replaced.push((path.clone(), bytes)),
                None => written.created_files.push(path.clone()),
            }
            Ok(())
        })();
        if let Err(error) = outcome {
            written.undo();
            return Err(error);
        }
    }
    Ok(written)
}
