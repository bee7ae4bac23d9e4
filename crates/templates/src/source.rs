//! Where a template's files come from: the built-ins embedded in the binary, or a folder of the
//! user's (a git checkout included: `.git` is skipped). Either way: `template.toml` beside a
//! `files/` folder.

use std::path::Path;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::meta::{self, Meta};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// Which template: a built-in by its id, or a folder on disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TemplateRef {
    Builtin { id: String },
    Folder { path: String },
}

impl std::fmt::Display for TemplateRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Builtin { id } => f.write_str(id),
            Self::Folder { path } => f.write_str(path),
        }
    }
}

/// A template read in full: its metadata and its files (path under `files/`, bytes).
pub struct Loaded {
    pub reference: TemplateRef,
    pub meta: Meta,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The built-ins' ids, in no particular order.
pub fn builtin_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = builtin::FILES
        .iter()
        .filter_map(|(path, _)| path.split_once('/').map(|(id, _)| id))
        .collect();
    ids.dedup();
    ids
}

pub fn load(reference: &TemplateRef) -> Result<Loaded> {
    match reference {
        TemplateRef::Builtin { id } => load_builtin(id),
        TemplateRef::Folder { path } => load_folder(Path::new(path)),
    }
}

fn load_builtin(id: &str) -> Result<Loaded> {
    let prefix = format!("{id}/");
    let mut meta_text = None;
    let mut files = Vec::new();
    for (path, bytes) in builtin::FILES {
        let Some(inside) = path.strip_prefix(&prefix) else {
            continue;
        };
        if inside == "template.toml" {
            meta_text = Some(String::from_utf8_lossy(bytes).into_owned());
        } else if let Some(file) = inside.strip_prefix("files/") {
            files.push((file.to_owned(), bytes.to_vec()));
        }
    }
    let text = meta_text.ok_or_else(|| Error::NotFound { id: id.to_owned() })?;
    Ok(Loaded {
        reference: TemplateRef::Builtin { id: id.to_owned() },
        meta: meta::parse(&format!("{id}/template.toml"), &text)?,
        files,
    })
}

fn load_folder(folder: &Path) -> Result<Loaded> {
    let not_a_template = || Error::NotATemplate {
        path: folder.display().to_string(),
    };
    let meta_path = folder.join("template.toml");
    let root = folder.join("files");
    if !folder.is_absolute() || !meta_path.is_file() || !root.is_dir() {
        return Err(not_a_template());
    }
    let text = std::fs::read_to_string(&meta_path)
        .map_err(|source| Error::io(format!("Could not read {}", meta_path.display()), source))?;
    let meta = meta::parse(&meta_path.display().to_string(), &text)?;
    let mut files = Vec::new();
    walk(&root, &root, &mut files)?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Loaded {
        reference: TemplateRef::Folder {
            path: folder.display().to_string(),
        },
        meta,
        files,
    })
}

/// Regular files only: a link in someone's template is not followed out of it.
fn walk(root: &Path, folder: &Path, files: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let io = |source| Error::io(format!("Could not read {}", folder.display()), source);
    for entry in std::fs::read_dir(folder).map_err(io)? {
        let entry = entry.map_err(io)?;
        let kind = entry.file_type().map_err(io)?;
        let path = entry.path();
        if kind.is_dir() && entry.file_name() != ".git" {
            walk(root, &path, files)?;
        } else if kind.is_file() {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(&path).map_err(|source| {
                Error::io(format!("Could not read {}", path.display()), source)
            })?;
            files.push((relative, bytes));
        }
    }
    Ok(())
}
