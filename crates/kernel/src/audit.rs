//! The audit log: every mutation leaves one entry, written in the mutation's own transaction.
//! Entries hold old and new values of what changed, never a secret.

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::error::{Error, Result};
use crate::store::Store;

/// What was done. Stored as its dotted string, e.g. `project.create`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub enum AuditAction {
    #[serde(rename = "project.create")]
    ProjectCreate,
    #[serde(rename = "project.update")]
    ProjectUpdate,
    #[serde(rename = "project.delete")]
    ProjectDelete,
    #[serde(rename = "datasource.create")]
    DatasourceCreate,
    #[serde(rename = "datasource.start")]
    DatasourceStart,
    #[serde(rename = "datasource.stop")]
    DatasourceStop,
    #[serde(rename = "datasource.restart")]
    DatasourceRestart,
    #[serde(rename = "datasource.recreate")]
    DatasourceRecreate,
    #[serde(rename = "datasource.remove")]
    DatasourceRemove,
    /// A value holding the password was copied or written out (the entry never holds it).
    #[serde(rename = "datasource.reveal_secret")]
    DatasourceRevealSecret,
    /// quantum.toml saved in the app, changed on disk, restored from history or imported.
    #[serde(rename = "config.save")]
    ConfigSave,
    #[serde(rename = "environment.add")]
    EnvironmentAdd,
    #[serde(rename = "variable.set")]
    VariableSet,
    #[serde(rename = "variable.remove")]
    VariableRemove,
    #[serde(rename = "secret.set")]
    SecretSet,
    #[serde(rename = "secret.remove")]
    SecretRemove,
    /// A secret's value was shown in the window (the entry never holds it).
    #[serde(rename = "secret.reveal")]
    SecretReveal,
    /// A secret's value was put on the clipboard.
    #[serde(rename = "secret.copy")]
    SecretCopy,
    /// Variables were read from a `.env` file.
    #[serde(rename = "variables.import")]
    VariablesImport,
    /// An environment's variables, secrets included, were written to a `.env` file.
    #[serde(rename = "variables.export")]
    VariablesExport,
    /// A project was written to an encrypted bundle.
    #[serde(rename = "project.export")]
    ProjectExport,
    /// A project was created from an encrypted bundle.
    #[serde(rename = "project.import")]
    ProjectImport,
    /// A connection to a database the app did not start (a server, a SQLite file) was added.
    #[serde(rename = "connection.create")]
    ConnectionCreate,
    #[serde(rename = "connection.remove")]
    ConnectionRemove,
    /// SQL run in the console; the entry keeps its text, never parameters or results.
    #[serde(rename = "query.run")]
    QueryRun,
    /// Migrations applied to a datasource; the entry keeps their versions and folder.
    #[serde(rename = "migration.apply")]
    MigrationApply,
    /// Migrations rolled back with their down files.
    #[serde(rename = "migration.rollback")]
    MigrationRollback,
    /// A copy of a datasource's data volume was taken (on demand, or before a migration).
    #[serde(rename = "snapshot.create")]
    SnapshotCreate,
    /// A datasource's data was replaced by a snapshot's.
    #[serde(rename = "snapshot.restore")]
    SnapshotRestore,
    /// A snapshot was deleted, by the user or to keep the last N.
    #[serde(rename = "snapshot.delete")]
    SnapshotDelete,
    /// Tables and rows copied into a datasource from another database; the entry keeps the
    /// source, the counts and whether every table was verified.
    #[serde(rename = "data.copy")]
    DataCopy,
    /// A project's tests were run; the entry keeps the suites, commands, outcome and counts.
    #[serde(rename = "test.run")]
    TestRun,
    /// Test results read from a CI run's JUnit artifacts into the project's test history.
    #[serde(rename = "test.import")]
    TestImport,
    /// A project's CI repository was chosen or changed.
    #[serde(rename = "ci.repository_set")]
    CiRepositorySet,
    /// A CI run was started again (all jobs, or the failed ones).
    #[serde(rename = "ci.rerun")]
    CiRerun,
    #[serde(rename = "ci.cancel")]
    CiCancel,
    /// A workflow (GitHub) or a pipeline (GitLab) was started from the app; the entry keeps the
    /// ref and the inputs' names.
    #[serde(rename = "ci.dispatch")]
    CiDispatch,
    /// A build released to a deploy environment; the entry keeps the version, commit and outcome.
    #[serde(rename = "deploy.release")]
    DeployRelease,
    /// A kept release released again; the entry names the release it went back to.
    #[serde(rename = "deploy.rollback")]
    DeployRollback,
}

/// What kind of thing an entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    Project,
    Datasource,
    /// A project's quantum.toml; the resource id is the project's.
    Config,
    /// A plain variable or an environment; the resource id is the project's.
    Variable,
    /// A secret variable; the resource id is the secret's row.
    Secret,
    /// A database the app did not start.
    Connection,
    /// A run of a project's tests; the resource id is the run's.
    TestRun,
    /// A CI run (a GitHub workflow run, a GitLab pipeline); the resource id is the provider's.
    CiRun,
    /// A deploy or rollback of an environment; the resource id is the release's row.
    Release,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProjectCreate => "project.create",
            Self::ProjectUpdate => "project.update",
            Self::ProjectDelete => "project.delete",
            Self::DatasourceCreate => "datasource.create",
            Self::DatasourceStart => "datasource.start",
            Self::DatasourceStop => "datasource.stop",
            Self::DatasourceRestart => "datasource.restart",
            Self::DatasourceRecreate => "datasource.recreate",
            Self::DatasourceRemove => "datasource.remove",
            Self::DatasourceRevealSecret => "datasource.reveal_secret",
            Self::ConfigSave => "config.save",
            Self::EnvironmentAdd => "environment.add",
            Self::VariableSet => "variable.set",
            Self::VariableRemove => "variable.remove",
            Self::SecretSet => "secret.set",
            Self::SecretRemove => "secret.remove",
            Self::SecretReveal => "secret.reveal",
            Self::SecretCopy => "secret.copy",
            Self::VariablesImport => "variables.import",
            Self::VariablesExport => "variables.export",
            Self::ProjectExport => "project.export",
            Self::ProjectImport => "project.import",
            Self::ConnectionCreate => "connection.create",
            Self::ConnectionRemove => "connection.remove",
            Self::QueryRun => "query.run",
            Self::MigrationApply => "migration.apply",
            Self::MigrationRollback => "migration.rollback",
            Self::SnapshotCreate => "snapshot.create",
            Self::SnapshotRestore => "snapshot.restore",
            Self::SnapshotDelete => "snapshot.delete",
            Self::DataCopy => "data.copy",
            Self::TestRun => "test.run",
            Self::TestImport => "test.import",
            Self::CiRepositorySet => "ci.repository_set",
            Self::CiRerun => "ci.rerun",
            Self::CiCancel => "ci.cancel",
            Self::CiDispatch => "ci.dispatch",
            Self::DeployRelease => "deploy.release",
            Self::DeployRollback => "deploy.rollback",
        }
    }

    /// Reads a stored action back through its serde name, which covers every variant.
    fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }
}

impl ResourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Project => "project",
            Self::Datasource => "datasource",
            Self::Config => "config",
            Self::Variable => "variable",
            Self::Secret => "secret",
            Self::Connection => "connection",
            Self::TestRun => "test_run",
            Self::CiRun => "ci_run",
            Self::Release => "release",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }
}

/// One row of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    /// UTC, RFC 3339 with milliseconds.
    pub occurred_at: String,
    pub action: AuditAction,
    pub resource_type: ResourceType,
    pub resource_id: Option<i64>,
    pub resource_name: String,
    pub project_id: Option<i64>,
    /// Old and new values of what changed, e.g. `{"name": {"old": "a", "new": "b"}}`.
    pub details: serde_json::Value,
}

/// An entry about to be written.
pub struct NewAuditEntry<'a> {
    pub action: AuditAction,
    pub resource_type: ResourceType,
    pub resource_id: i64,
    pub resource_name: &'a str,
    pub project_id: Option<i64>,
    pub details: serde_json::Value,
}

/// Writes one entry on the caller's connection, so that it commits or rolls back with the change.
pub async fn record(conn: &mut SqliteConnection, entry: NewAuditEntry<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (action, resource_type, resource_id, resource_name, project_id, details)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.action.as_str())
    .bind(entry.resource_type.as_str())
    .bind(entry.resource_id)
    .bind(entry.resource_name)
    .bind(entry.project_id)
    .bind(entry.details.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Which entries to show. Every field left empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub project_id: Option<i64>,
    pub action: Option<AuditAction>,
    pub resource_type: Option<ResourceType>,
}

/// A request for one page, newest first. `before_id` is the previous page's `next_before_id`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditPageRequest {
    pub filter: AuditFilter,
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Where the next page starts; `None` when this was the last one.
    pub next_before_id: Option<i64>,
}

pub const MAX_PAGE_SIZE: u32 = 500;

/// One page of the log, newest first. Keyset paging on `id`: the cost of a page does not grow with
/// its depth or with the size of the log.
pub async fn page(store: &Store, request: &AuditPageRequest) -> Result<AuditPage> {
    if request.limit == 0 || request.limit > MAX_PAGE_SIZE {
        return Err(Error::validation(
            "validation.invalid_page_size",
            "limit",
            format!(
                "A page holds 1 to {MAX_PAGE_SIZE} entries; {} was asked for.",
                request.limit
            ),
        ));
    }
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT id, occurred_at, action, resource_type, resource_id, resource_name, project_id, details
         FROM audit_log WHERE 1 = 1",
    );
    let filter = &request.filter;
    if let Some(project_id) = filter.project_id {
        query.push(" AND project_id = ").push_bind(project_id);
    }
    if let Some(action) = filter.action {
        query.push(" AND action = ").push_bind(action.as_str());
    }
    if let Some(resource_type) = filter.resource_type {
        query
            .push(" AND resource_type = ")
            .push_bind(resource_type.as_str());
    }
    if let Some(before_id) = request.before_id {
        query.push(" AND id < ").push_bind(before_id);
    }
    // One row more than asked tells whether another page exists.
    query
        .push(" ORDER BY id DESC LIMIT ")
        .push_bind(i64::from(request.limit) + 1);

    let rows = query.build().fetch_all(store.pool()).await?;
    let mut entries = rows
        .iter()
        .filter_map(|row| match entry_from_row(row) {
            Ok(entry) => Some(entry),
            Err(error) => {
                // A row written by a newer version of the app: skip it rather than hide the log.
                tracing::warn!(%error, "skipping an audit entry this version cannot read");
                None
            }
        })
        .collect::<Vec<_>>();
    let has_more = rows.len() > request.limit as usize;
    entries.truncate(request.limit as usize);
    let next_before_id = if has_more {
        rows.get(request.limit as usize - 1)
            .map(|row| row.get::<i64, _>("id"))
    } else {
        None
    };
    Ok(AuditPage {
        entries,
        next_before_id,
    })
}

/// The newest `limit` entries of one action on one resource, newest first: a database's console
/// history is its `query.run` entries.
pub async fn of_resource(
    store: &Store,
    action: AuditAction,
    resource_type: ResourceType,
    resource_id: i64,
    limit: u32,
) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT id, occurred_at, action, resource_type, resource_id, resource_name, project_id, details
         FROM audit_log WHERE action = ? AND resource_type = ? AND resource_id = ?
         ORDER BY id DESC LIMIT ?",
    )
    .bind(action.as_str())
    .bind(resource_type.as_str())
    .bind(resource_id)
    .bind(i64::from(limit.min(MAX_PAGE_SIZE)))
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| entry_from_row(row).ok())
        .collect())
}

/// Entries written in the last 24 hours.
pub async fn count_last_day(store: &Store) -> Result<i64> {
    let count = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log
         WHERE occurred_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')",
    )
    .fetch_one(store.pool())
    .await?;
    Ok(count)
}

fn entry_from_row(row: &sqlx::sqlite::SqliteRow) -> std::result::Result<AuditEntry, String> {
    let action: String = row.get("action");
    let resource_type: String = row.get("resource_type");
    let details: String = row.get("details");
    Ok(AuditEntry {
        id: row.get("id"),
        occurred_at: row.get("occurred_at"),
        action: AuditAction::parse(&action).ok_or_else(|| format!("unknown action {action}"))?,
        resource_type: ResourceType::parse(&resource_type)
            .ok_or_else(|| format!("unknown resource type {resource_type}"))?,
        resource_id: row.get("resource_id"),
        resource_name: row.get("resource_name"),
        project_id: row.get("project_id"),
        details: serde_json::from_str(&details).map_err(|e| e.to_string())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_and_resource_type_reads_back_as_written() {
        use AuditAction::*;
        for action in [
            ProjectCreate,
            ProjectUpdate,
            ProjectDelete,
            DatasourceCreate,
            DatasourceStart,
            DatasourceStop,
            DatasourceRestart,
            DatasourceRecreate,
            DatasourceRemove,
            DatasourceRevealSecret,
        ] {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        for resource_type in [ResourceType::Project, ResourceType::Datasource] {
            assert_eq!(
                ResourceType::parse(resource_type.as_str()),
                Some(resource_type)
            );
        }
    }
}
