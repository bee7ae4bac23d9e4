//! Projects: create, list, view, edit and delete, each mutation audited in its own transaction.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use specta::Type;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use crate::error::{Error, Result};
use crate::events::Change;
use crate::store::Store;

pub const NAME_MAX_CHARS: usize = 64;
pub const DESCRIPTION_MAX_CHARS: usize = 2000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// An existing folder on disk, when the project has one.
    pub folder: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What a form submits, for both creating and editing a project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInput {
    pub name: String,
    pub description: String,
    pub folder: Option<String>,
}

/// A validated input: trimmed, and empty folders turned into none.
struct ValidInput {
    name: String,
    description: String,
    folder: Option<String>,
}

fn validate(input: ProjectInput) -> Result<ValidInput> {
    let name = input.name.trim().to_owned();
    validate_name(&name)?;
    let description = input.description.trim().to_owned();
    let length = description.chars().count();
    if length > DESCRIPTION_MAX_CHARS {
        return Err(Error::validation(
            "validation.description_too_long",
            "description",
            format!("The description is {length} characters long; shorten it to {DESCRIPTION_MAX_CHARS} or fewer."),
        ));
    }
    let folder = input
        .folder
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty());
    if let Some(folder) = &folder {
        validate_folder(folder)?;
    }
    Ok(ValidInput {
        name,
        description,
        folder,
    })
}

/// A name is 1–64 characters: letters, digits, spaces, `-`, `_` and `.`, starting with a letter
/// or digit. It names containers and files later on, so it stays portable.
pub fn validate_name(name: &str) -> Result<()> {
    let invalid = |message: String| {
        Err(Error::validation(
            "validation.invalid_name",
            "name",
            message,
        ))
    };
    let length = name.chars().count();
    if length == 0 {
        return invalid("Enter a name for the project.".into());
    }
    if length > NAME_MAX_CHARS {
        return invalid(format!(
            "The name is {length} characters long; shorten it to {NAME_MAX_CHARS} or fewer."
        ));
    }
    if !name.chars().next().is_some_and(char::is_alphanumeric) {
        return invalid("Start the name with a letter or a digit.".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
    {
        return invalid(format!(
            "Remove “{bad}” from the name: use letters, digits, spaces, “-”, “_” and “.”."
        ));
    }
    Ok(())
}

fn validate_folder(folder: &str) -> Result<()> {
    let path = Path::new(folder);
    if !path.is_absolute() {
        return Err(Error::validation(
            "validation.invalid_folder",
            "folder",
            format!(
                "Give the folder's full path (for example {}), not a relative one.",
                example_path()
            ),
        ));
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Error::validation(
            "validation.invalid_folder",
            "folder",
            format!("{folder} is a file; choose the folder that holds the project."),
        )),
        Err(_) => Err(Error::validation(
            "validation.folder_not_found",
            "folder",
            format!("There is no folder at {folder}; create it or choose an existing one."),
        )),
    }
}

fn example_path() -> &'static str {
    if cfg!(windows) {
        r"C:\Users\you\code\shop"
    } else {
        "/home/you/code/shop"
    }
}

const COLUMNS: &str = "id, name, description, folder, created_at, updated_at";

fn from_row(row: &SqliteRow) -> Project {
    Project {
        id: row.get("id"),
        name: row.get("name"),
        description: row.get("description"),
        folder: row.get("folder"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    }
}

/// Maps the unique index on names to the error a person understands.
fn name_taken(name: &str) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::ProjectNameTaken {
            name: name.to_owned(),
        },
        _ => Error::Database(error),
    }
}

pub async fn list(store: &Store) -> Result<Vec<Project>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM projects ORDER BY name COLLATE NOCASE"
    ))
    .fetch_all(store.pool())
    .await?;
    Ok(rows.iter().map(from_row).collect())
}

pub async fn count(store: &Store) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(store.pool())
        .await?)
}

pub async fn get(store: &Store, id: i64) -> Result<Project> {
    let mut conn = store.pool().acquire().await?;
    fetch(&mut conn, id).await
}

async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Project> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM projects WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref()
        .map(from_row)
        .ok_or(Error::ProjectNotFound { id })
}

pub async fn create(store: &Store, input: ProjectInput) -> Result<Project> {
    let mut tx = store.begin_write().await?;
    let project = insert(&mut tx, input, AuditAction::ProjectCreate).await?;
    tx.commit().await?;
    tracing::info!(project_id = project.id, "project created");
    store.announce(change(AuditAction::ProjectCreate, project.id));
    Ok(project)
}

/// Validates and inserts a project with its audit entry on the caller's transaction, so that a
/// larger operation (an import) can add to it before committing.
pub async fn insert(
    conn: &mut SqliteConnection,
    input: ProjectInput,
    action: AuditAction,
) -> Result<Project> {
    let input = validate(input)?;
    let row = sqlx::query(&format!(
        "INSERT INTO projects (name, description, folder) VALUES (?, ?, ?) RETURNING {COLUMNS}"
    ))
    .bind(&input.name)
    .bind(&input.description)
    .bind(&input.folder)
    .fetch_one(&mut *conn)
    .await
    .map_err(name_taken(&input.name))?;
    let project = from_row(&row);
    audit::record(
        conn,
        NewAuditEntry {
            action,
            resource_type: ResourceType::Project,
            resource_id: project.id,
            resource_name: &project.name,
            project_id: Some(project.id),
            details: fields(&project),
        },
    )
    .await?;
    Ok(project)
}

/// Replaces a project's editable fields. An edit that changes nothing writes nothing.
pub async fn update(store: &Store, id: i64, input: ProjectInput) -> Result<Project> {
    let input = validate(input)?;
    let mut tx = store.begin_write().await?;
    let old = fetch(&mut tx, id).await?;
    let mut changes = Map::new();
    let mut diff = |field: &str, old: Value, new: Value| {
        if old != new {
            changes.insert(field.to_owned(), json!({ "old": old, "new": new }));
        }
    };
    diff("name", json!(old.name), json!(input.name));
    diff(
        "description",
        json!(old.description),
        json!(input.description),
    );
    diff("folder", json!(old.folder), json!(input.folder));
    if changes.is_empty() {
        return Ok(old);
    }
    let row = sqlx::query(&format!(
        "UPDATE projects
         SET name = ?, description = ?, folder = ?,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ? RETURNING {COLUMNS}"
    ))
    .bind(&input.name)
    .bind(&input.description)
    .bind(&input.folder)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(name_taken(&input.name))?;
    let project = from_row(&row);
    audit::record(
        &mut tx,
        NewAuditEntry {
            action: AuditAction::ProjectUpdate,
            resource_type: ResourceType::Project,
            resource_id: id,
            resource_name: &project.name,
            project_id: Some(id),
            details: Value::Object(changes),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(project_id = id, "project updated");
    store.announce(change(AuditAction::ProjectUpdate, id));
    Ok(project)
}

/// Deletes a project that has no databases left; one that has some is refused rather than
/// orphaning them (and the schema's restricting foreign key backs that up).
pub async fn delete(store: &Store, id: i64) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let project = fetch(&mut tx, id).await?;
    let databases: i64 =
        sqlx::query_scalar("SELECT count(*) FROM datasources WHERE project_id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if databases > 0 {
        return Err(Error::ProjectHasResources {
            name: project.name,
            databases,
        });
    }
    sqlx::query("DELETE FROM projects WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        NewAuditEntry {
            action: AuditAction::ProjectDelete,
            resource_type: ResourceType::Project,
            resource_id: id,
            resource_name: &project.name,
            project_id: Some(id),
            details: fields(&project),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(project_id = id, "project deleted");
    store.announce(change(AuditAction::ProjectDelete, id));
    Ok(())
}

/// A project's fields as its create and delete entries record them.
fn fields(project: &Project) -> Value {
    json!({
        "name": project.name,
        "description": project.description,
        "folder": project.folder,
    })
}

fn change(action: AuditAction, resource_id: i64) -> Change {
    Change {
        action,
        resource_type: ResourceType::Project,
        resource_id,
    }
}
