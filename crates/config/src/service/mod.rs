//! Keeping `quantum.toml` and the app in step: reads, validated saves with history, restores, and
//! a watcher that notices when the file changes on disk (an editor, a `git checkout`).

mod deploy;
mod migrations;
mod suites;
mod watcher;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use sqlx::{Row, SqliteConnection};
use tokio::sync::Mutex;

use super::{edit, validate, DatasourceDecl, Diagnostic, Severity, FILE_NAME};
use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::files::{self, NewFile, Within};
use quantum_kernel::projects::{self, Project};
use quantum_kernel::{Engine, Store};

use crate::{DatasourceInput, Error, Result};

/// How long the watcher waits for a burst of file events (an editor's save, a checkout) to end.
const SETTLE: Duration = Duration::from_millis(100);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ConfigLocation {
    /// In the project's folder, where it is committed with the code.
    ProjectFolder,
    /// In the app's data dir, for a project without a folder.
    DataDir,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ConfigSource {
    App,
    Disk,
    Restore,
    Import,
}

impl ConfigSource {
    fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Disk => "disk",
            Self::Restore => "restore",
            Self::Import => "import",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "disk" => Self::Disk,
            "restore" => Self::Restore,
            "import" => Self::Import,
            _ => Self::App,
        }
    }
}

/// The file as the editor opens it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigDocument {
    pub project_id: i64,
    pub path: String,
    pub location: ConfigLocation,
    /// `false`: the text is what the app would write; saving creates the file.
    pub exists: bool,
    pub text: String,
    /// SHA-256 of `text`, in hex: what a save expects the file still to be.
    pub content_hash: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Datasources the file declares that the app has not created (a fresh clone, a teammate's
    /// addition), as the "Add database" form would submit them. The user creates them; a file
    /// never starts containers by itself.
    pub pending_datasources: Vec<DatasourceInput>,
}

/// One entry of the history, without its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConfigVersion {
    pub id: i64,
    pub project_id: i64,
    pub saved_at: String,
    pub source: ConfigSource,
    pub content_hash: String,
    pub size_bytes: u32,
}

/// A file written inside a transaction that has not committed yet: put it back if it fails.
pub struct PendingWrite {
    path: PathBuf,
    previous: Option<String>,
}

impl PendingWrite {
    pub fn undo(self) {
        let result = match &self.previous {
            // Back to the file just written, wherever it was allowed to lead.
            Some(text) => files::replace(
                &self.path,
                text.as_bytes(),
                NewFile::Shared,
                Within::TRUSTED,
            ),
            None => std::fs::remove_file(&self.path).map_err(|source| {
                quantum_kernel::Error::io(
                    format!("Could not remove {}", self.path.display()),
                    source,
                )
            }),
        };
        if let Err(error) = result {
            tracing::error!(%error, path = %self.path.display(), "could not undo a config write");
        }
    }
}

pub struct ProjectConfigs {
    store: Store,
    data_dir: PathBuf,
    /// One writer at a time, so that two saves never interleave their read-check-write.
    writing: Mutex<()>,
}

impl ProjectConfigs {
    pub fn new(store: Store, data_dir: &Path) -> Arc<Self> {
        Arc::new(Self {
            store,
            data_dir: data_dir.to_owned(),
            writing: Mutex::new(()),
        })
    }

    /// Where a project's file lives: its folder, or the app's data dir when it has none.
    pub fn location(&self, project: &Project) -> (PathBuf, ConfigLocation) {
        match &project.folder {
            Some(folder) => (
                Path::new(folder).join(FILE_NAME),
                ConfigLocation::ProjectFolder,
            ),
            None => (
                self.data_dir
                    .join("projects")
                    .join(project.id.to_string())
                    .join(FILE_NAME),
                ConfigLocation::DataDir,
            ),
        }
    }

    pub async fn get(&self, project_id: i64) -> Result<ConfigDocument> {
        let project = projects::get(&self.store, project_id).await?;
        let (path, location) = self.location(&project);
        let (text, exists) = self.current_text(&project).await?;
        let (config, diagnostics) = super::check(&text, &self.known_secrets(project_id).await?);
        let pending_datasources = match config {
            Some(config) => self.pending(project_id, &config.datasources).await?,
            None => Vec::new(),
        };
        Ok(ConfigDocument {
            project_id,
            path: path.display().to_string(),
            location,
            exists,
            content_hash: content_hash(&text),
            text,
            diagnostics,
            pending_datasources,
        })
    }

    async fn pending(
        &self,
        project_id: i64,
        declared: &[DatasourceDecl],
    ) -> Result<Vec<DatasourceInput>> {
        let existing: Vec<String> = sqlx::query_scalar("SELECT name FROM datasources")
            .fetch_all(self.store.pool())
            .await?;
        Ok(declared
            .iter()
            .filter(|d| !existing.iter().any(|e| e.eq_ignore_ascii_case(&d.name)))
            .map(|d| DatasourceInput {
                project_id,
                engine: d.engine,
                name: Some(d.name.clone()),
                image: d.named_image(d.engine.default_image()),
                host_port: d.port.map(|port| i64::from(port).into()),
                database_name: d.database.clone(),
                ..DatasourceInput::default()
            })
            .collect())
    }

    /// The project's file's `[datasources.<name>]` table, when the file declares it (and reads
    /// without errors).
    pub async fn datasource(&self, project_id: i64, name: &str) -> Result<Option<DatasourceDecl>> {
        Ok(self
            .file_datasources(project_id)
            .await?
            .into_iter()
            .find(|d| d.name == name))
    }

    /// The project's file's `[datasources.*]` tables in file order (none while it has errors).
    pub async fn file_datasources(&self, project_id: i64) -> Result<Vec<DatasourceDecl>> {
        let project = projects::get(&self.store, project_id).await?;
        let (text, _) = self.current_text(&project).await?;
        let (config, _) = super::check(&text, &self.known_secrets(project_id).await?);
        Ok(config.map(|config| config.datasources).unwrap_or_default())
    }

    pub async fn validate(&self, project_id: i64, text: &str) -> Result<Vec<Diagnostic>> {
        Ok(validate(text, &self.known_secrets(project_id).await?))
    }

    /// Saves text from the editor. Refused when it has errors, when the file changed on disk
    /// since the editor loaded `expected_hash` (`None` overwrites whatever is there), or when it
    /// is a link out of the project folder and `allow_outside` is not the user's confirmation.
    pub async fn save(
        &self,
        project_id: i64,
        text: &str,
        expected_hash: Option<&str>,
        allow_outside: bool,
    ) -> Result<ConfigDocument> {
        self.replace(
            project_id,
            text,
            expected_hash,
            ConfigSource::App,
            allow_outside,
        )
        .await?;
        self.get(project_id).await
    }

    pub async fn history(&self, project_id: i64) -> Result<Vec<ConfigVersion>> {
        let rows = sqlx::query(
            "SELECT id, project_id, saved_at, source, content_hash, length(CAST(content AS BLOB)) AS size
             FROM config_versions WHERE project_id = ? ORDER BY id DESC",
        )
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|row| ConfigVersion {
                id: row.get("id"),
                project_id: row.get("project_id"),
                saved_at: row.get("saved_at"),
                source: ConfigSource::parse(row.get("source")),
                content_hash: row.get("content_hash"),
                size_bytes: u32::try_from(row.get::<i64, _>("size")).unwrap_or(u32::MAX),
            })
            .collect())
    }

    pub async fn version_text(&self, version_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT content FROM config_versions WHERE id = ?")
            .bind(version_id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(Error::ConfigVersionNotFound { id: version_id })
    }

    /// Writes an old version back, as a new version.
    /// Writes an earlier version back; through a link out of the project folder only with
    /// `allow_outside`, the user's confirmation.
    pub async fn restore(
        &self,
        project_id: i64,
        version_id: i64,
        allow_outside: bool,
    ) -> Result<ConfigDocument> {
        let text = self.version_text(version_id).await?;
        self.replace(
            project_id,
            &text,
            None,
            ConfigSource::Restore,
            allow_outside,
        )
        .await?;
        self.get(project_id).await
    }

    async fn replace(
        &self,
        project_id: i64,
        text: &str,
        expected_hash: Option<&str>,
        source: ConfigSource,
        allow_outside: bool,
    ) -> Result<()> {
        let errors: Vec<Diagnostic> = self
            .validate(project_id, text)
            .await?
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if let Some(first) = errors.first() {
            return Err(Error::ConfigInvalid {
                message: format!(
                    "it has {} error{}; the first, at line {}, column {}: {}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    first.line,
                    first.column,
                    first.message
                ),
            });
        }
        let _writing = self.writing.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let (path, _) = self.location(&project);
        if let Some(expected) = expected_hash {
            if let Some(on_disk) = files::read_optional(&path)? {
                if content_hash(&on_disk) != expected {
                    return Err(Error::ConfigChangedOnDisk {
                        path: path.display().to_string(),
                    });
                }
            }
        }
        let mut tx = self.store.begin_write().await?;
        record_version(
            &mut tx,
            &project,
            text,
            source,
            json!({ "source": source.as_str() }),
        )
        .await?;
        let written = self.write_file(&project, text, allow_outside)?;
        self.commit(tx, written, project_id).await
    }

    /// Changes the file through `edit` (a form in the app), keeping everything else in it, with
    /// the given audit entry in the same transaction as the history entry. The transaction is
    /// handed back uncommitted, for callers that have more to write in it.
    pub async fn edit<F>(
        &self,
        conn: &mut SqliteConnection,
        project: &Project,
        edit: F,
    ) -> Result<Option<PendingWrite>>
    where
        F: FnOnce(&str) -> Result<String>,
    {
        let (current, _) = self.current_text(project).await?;
        let text = edit(&current)?;
        if text == current && files::read_optional(&self.location(project).0)?.is_some() {
            return Ok(None);
        }
        self.write(
            conn,
            project,
            &text,
            ConfigSource::App,
            json!({ "source": "app" }),
        )
        .await
        .map(Some)
    }

    /// Serializes form edits with editor saves.
    pub async fn lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.writing.lock().await
    }

    /// Records a version with its audit entry on `conn`, then writes the file. The caller commits,
    /// or undoes the write if committing fails.
    pub async fn write(
        &self,
        conn: &mut SqliteConnection,
        project: &Project,
        text: &str,
        source: ConfigSource,
        details: serde_json::Value,
    ) -> Result<PendingWrite> {
        record_version(conn, project, text, source, details).await?;
        self.write_file(project, text, false)
    }

    /// A file in the project's folder is not written through a link out of it unless confirmed;
    /// one in the data dir is the app's own.
    fn write_file(
        &self,
        project: &Project,
        text: &str,
        allow_outside: bool,
    ) -> Result<PendingWrite> {
        let (path, location) = self.location(project);
        let within = match (&project.folder, location) {
            (Some(folder), ConfigLocation::ProjectFolder) => {
                Within::project(Path::new(folder), allow_outside)
            }
            _ => Within::TRUSTED,
        };
        let previous = files::read_optional(&path)?;
        files::replace(&path, text.as_bytes(), NewFile::Shared, within)?;
        Ok(PendingWrite { path, previous })
    }

    pub async fn commit(
        &self,
        tx: sqlx::Transaction<'static, sqlx::Sqlite>,
        written: PendingWrite,
        project_id: i64,
    ) -> Result<()> {
        if let Err(error) = tx.commit().await {
            written.undo();
            return Err(error.into());
        }
        self.announce(project_id);
        Ok(())
    }

    pub fn announce(&self, project_id: i64) {
        self.store.announce(Change {
            action: AuditAction::ConfigSave,
            resource_type: ResourceType::Config,
            resource_id: project_id,
        });
    }

    /// The file's text. When there is none: the last version in the history (the project's
    /// folder changed, or it was imported), else what the app would write from its datasources.
    pub async fn current_text(&self, project: &Project) -> Result<(String, bool)> {
        let (path, _) = self.location(project);
        if let Some(text) = files::read_optional(&path)? {
            return Ok((text, true));
        }
        let latest: Option<String> = sqlx::query_scalar(
            "SELECT content FROM config_versions WHERE project_id = ? ORDER BY id DESC LIMIT 1",
        )
        .bind(project.id)
        .fetch_optional(self.store.pool())
        .await?;
        if let Some(text) = latest {
            return Ok((text, false));
        }
        let mut text = format!(
            "# Quantum Admin: the declared stack of this project. Commit it with your code.\n\
             # It never holds a secret value, only the names of secrets kept in the keychain.\n\n\
             [project]\nname = {}\n",
            toml_string(&project.name)
        );
        if !project.description.is_empty() {
            text.push_str(&format!(
                "description = {}\n",
                toml_string(&project.description)
            ));
        }
        for datasource in self.declared_datasources(project.id).await? {
            // A datasource the file format cannot express (say, a hand-picked odd image) is left
            // out rather than keeping the user from their configuration.
            match edit::set_datasource(&text, &datasource) {
                Ok(with) => text = with,
                Err(error) => {
                    tracing::warn!(%error, datasource = %datasource.name, "not declared in quantum.toml");
                }
            }
        }
        Ok((text, false))
    }

    async fn declared_datasources(&self, project_id: i64) -> Result<Vec<DatasourceDecl>> {
        let rows = sqlx::query(
            "SELECT name, engine, image, host_port, database_name, volume_name
             FROM datasources WHERE project_id = ? ORDER BY id",
        )
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let engine: Engine =
                    serde_json::from_value(json!(row.get::<String, _>("engine"))).ok()?;
                Some(DatasourceDecl {
                    name: row.get("name"),
                    engine,
                    version: None,
                    image: Some(row.get("image")),
                    port: u16::try_from(row.get::<i64, _>("host_port")).ok(),
                    database: engine
                        .has_database_and_user()
                        .then(|| row.get("database_name")),
                    volume: Some(row.get("volume_name")),
                    migrations: None,
                    migrations_format: None,
                })
            })
            .collect())
    }

    /// Declares a datasource the app created in the project's file, when the file exists. A file
    /// that cannot be edited (it has errors right now) is left alone: the datasource is still made.
    pub async fn declare_datasource(&self, project_id: i64, datasource: &DatasourceDecl) {
        let result = self
            .edit_existing(project_id, |text| edit::set_datasource(text, datasource))
            .await;
        if let Err(error) = result {
            tracing::warn!(%error, project_id, "quantum.toml not updated with a new datasource");
        }
    }

    /// Removes a datasource from the project's file, when the file exists.
    pub async fn undeclare_datasource(&self, project_id: i64, name: &str) {
        let result = self
            .edit_existing(project_id, |text| edit::remove_datasource(text, name))
            .await;
        if let Err(error) = result {
            tracing::warn!(%error, project_id, "quantum.toml not updated for a removed datasource");
        }
    }

    async fn edit_existing<F>(&self, project_id: i64, edit: F) -> Result<()>
    where
        F: FnOnce(&str) -> Result<String>,
    {
        let _writing = self.writing.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        if files::read_optional(&self.location(&project).0)?.is_none() {
            return Ok(());
        }
        let mut tx = self.store.begin_write().await?;
        if let Some(written) = self.edit(&mut tx, &project, edit).await? {
            self.commit(tx, written, project_id).await?;
        }
        Ok(())
    }

    /// Names of the project's secrets that this machine's store holds.
    pub async fn known_secrets(&self, project_id: i64) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT name FROM secrets WHERE project_id = ?")
                .bind(project_id)
                .fetch_all(self.store.pool())
                .await?,
        )
    }
}

async fn record_version(
    conn: &mut SqliteConnection,
    project: &Project,
    text: &str,
    source: ConfigSource,
    details: serde_json::Value,
) -> Result<()> {
    let hash = content_hash(text);
    sqlx::query(
        "INSERT INTO config_versions (project_id, source, content_hash, content) VALUES (?, ?, ?, ?)",
    )
    .bind(project.id)
    .bind(source.as_str())
    .bind(&hash)
    .bind(text)
    .execute(&mut *conn)
    .await?;
    let mut details = details;
    details["contentHash"] = json!(hash);
    audit::record(
        conn,
        NewAuditEntry {
            action: AuditAction::ConfigSave,
            resource_type: ResourceType::Config,
            resource_id: project.id,
            resource_name: FILE_NAME,
            project_id: Some(project.id),
            details,
        },
    )
    .await?;
    Ok(())
}

/// SHA-256 of the text, in lowercase hex.
pub fn content_hash(text: &str) -> String {
    quantum_kernel::hex(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()).as_ref())
}

fn toml_string(value: &str) -> String {
    toml_edit::Value::from(value).to_string()
}
