//! Project templates: the built-ins (embedded from `builtin/`) and folders of the user's, each a
//! `template.toml` (name, options, file rules) beside a `files/` folder. A new project is
//! previewed (every file with its text, and what the folder holds), then written; the caller
//! (`core::templates`) makes the project of it and takes the files back if that fails.

mod error;
mod meta;
mod render;
mod source;
mod write;

use std::collections::BTreeMap;
use std::path::Path;

use quantum_kernel::{projects, Store};
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::Row;

pub use error::{Error, Result};
pub use meta::{slug, OptionKind, OptionValue, TemplateOption};
pub use source::TemplateRef;
pub use write::{folder_path, FolderState, Written};

/// A file shown before writing: its text when it is text and not too long to read.
const PREVIEW_MAX_BYTES: usize = 256 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    pub reference: TemplateRef,
    /// The row of a folder the user added (to remove it from the list); none for a built-in.
    pub user_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub options: Vec<TemplateOption>,
    /// Why a listed folder cannot be used (moved, or its template.toml broken).
    pub problem: Option<String>,
}

/// What the new-project form sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewProject {
    pub template: TemplateRef,
    pub name: String,
    pub folder: String,
    #[serde(default)]
    pub options: BTreeMap<String, OptionValue>,
    /// Write into a folder that already holds files (same names replaced).
    #[serde(default)]
    pub force: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviewFile {
    pub path: String,
    pub size: u32,
    /// None for a binary or very long file.
    pub text: Option<String>,
    /// A file of that name is in the folder and would be replaced.
    pub replaces: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TemplatePreview {
    pub template: String,
    pub folder: String,
    pub folder_state: FolderState,
    pub files: Vec<PreviewFile>,
}

pub struct Templates {
    store: Store,
}

impl Templates {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The built-ins in their order, then the user's folders in the order they were added.
    pub async fn list(&self) -> Result<Vec<TemplateSummary>> {
        let mut builtins: Vec<(i64, TemplateSummary)> = Vec::new();
        for id in source::builtin_ids() {
            let loaded = source::load(&TemplateRef::Builtin { id: id.to_owned() })?;
            builtins.push((loaded.meta.order, summary(&loaded, None)));
        }
        builtins.sort_by_key(|(order, _)| *order);
        let mut list: Vec<TemplateSummary> = builtins.into_iter().map(|(_, s)| s).collect();
        let rows = sqlx::query("SELECT id, path FROM user_templates ORDER BY id")
            .fetch_all(self.store.pool())
            .await?;
        for row in rows {
            let (id, path): (i64, String) = (row.get("id"), row.get("path"));
            let reference = TemplateRef::Folder { path: path.clone() };
            list.push(match source::load(&reference) {
                Ok(loaded) => summary(&loaded, Some(id)),
                Err(error) => TemplateSummary {
                    reference,
                    user_id: Some(id),
                    name: Path::new(&path)
                        .file_name()
                        .map_or(path.clone(), |n| n.to_string_lossy().into_owned()),
                    description: String::new(),
                    options: Vec::new(),
                    problem: Some(error.to_string()),
                },
            });
        }
        Ok(list)
    }

    /// Adds a template folder to the list, once it reads as a template.
    pub async fn add_folder(&self, path: &str) -> Result<TemplateSummary> {
        let path = path.trim().trim_end_matches(['/', '\\']);
        let reference = TemplateRef::Folder {
            path: path.to_owned(),
        };
        let loaded = source::load(&reference)?;
        let id = sqlx::query(
            "INSERT INTO user_templates (path) VALUES (?) ON CONFLICT (path) DO NOTHING",
        )
        .bind(path)
        .execute(self.store.pool())
        .await?;
        if id.rows_affected() == 0 {
            return Err(Error::FolderListed);
        }
        Ok(summary(&loaded, Some(id.last_insert_rowid())))
    }

    /// Takes a folder off the list (the folder itself is left alone).
    pub async fn remove_folder(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM user_templates WHERE id = ?")
            .bind(id)
            .execute(self.store.pool())
            .await?;
        Ok(())
    }

    /// Every file the project would get, and what the folder holds now.
    pub fn preview(&self, input: &NewProject) -> Result<TemplatePreview> {
        let (loaded, rendered) = prepare(input)?;
        let folder = write::folder_path(&input.folder)?;
        let files = rendered
            .iter()
            .map(|file| PreviewFile {
                path: file.path.clone(),
                size: u32::try_from(file.bytes.len()).unwrap_or(u32::MAX),
                text: (file.bytes.len() <= PREVIEW_MAX_BYTES)
                    .then(|| String::from_utf8(file.bytes.clone()).ok())
                    .flatten(),
                replaces: folder.join(&file.path).exists(),
            })
            .collect();
        Ok(TemplatePreview {
            template: loaded.meta.name.clone(),
            folder: folder.display().to_string(),
            folder_state: write::folder_state(&folder)?,
            files,
        })
    }

    /// Writes the project's files; the caller undoes them if it cannot keep them.
    pub fn write(&self, input: &NewProject) -> Result<Written> {
        let (_, rendered) = prepare(input)?;
        let folder = write::folder_path(&input.folder)?;
        write::write(&folder, &rendered, input.force)
    }
}

fn prepare(input: &NewProject) -> Result<(source::Loaded, Vec<render::RenderedFile>)> {
    projects::validate_name(input.name.trim())?;
    let loaded = source::load(&input.template)?;
    let options = meta::resolve(&loaded.meta, &input.options)?;
    let context = render::context(input.name.trim(), &options);
    let rendered = render::render(&loaded, &context)?;
    Ok((loaded, rendered))
}

fn summary(loaded: &source::Loaded, user_id: Option<i64>) -> TemplateSummary {
    TemplateSummary {
        reference: loaded.reference.clone(),
        user_id,
        name: loaded.meta.name.clone(),
        description: loaded.meta.description.clone(),
        options: loaded.meta.options.clone(),
        problem: None,
    }
}
