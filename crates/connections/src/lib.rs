//! Databases a project reaches that the app did not start: a PostgreSQL, MySQL/MariaDB, Redis or
//! MongoDB server over the network, its password in the keychain like the containers', or a
//! SQLite file. They sit beside the project's containers in the schema browser, which reads them
//! through [`Connections::endpoint`].

mod error;
mod validate;

use std::path::PathBuf;
use std::sync::Arc;

use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::events::Change;
use quantum_kernel::input::NumberInput;
use quantum_kernel::{projects, Store};
use quantum_schema::{Target, TlsMode};
use quantum_secrets::{Secret, SecretStore};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;
use sqlx::Row;

pub use error::{Error, Result};

/// Where a connection leads, in the terms of the crate that reads it.
#[derive(Clone, Debug)]
pub enum Endpoint {
    /// PostgreSQL, MySQL/MariaDB or a SQLite file: the schema inspector and the console.
    Sql(Target),
    Redis(quantum_keyspace::Server),
    Mongodb(quantum_collections::Server),
}

impl Endpoint {
    /// Connects once and asks the simplest question.
    pub async fn check(&self) -> Result<()> {
        match self {
            Self::Sql(target) => quantum_schema::check(target).await?,
            Self::Redis(server) => quantum_keyspace::check(server).await?,
            Self::Mongodb(server) => quantum_collections::check(server).await?,
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionKind {
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    Sqlite,
    Redis,
    Mongodb,
}

impl ConnectionKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
            Self::Sqlite => "sqlite",
            Self::Redis => "redis",
            Self::Mongodb => "mongodb",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "postgres" => Self::Postgres,
            "mysql" => Self::Mysql,
            "redis" => Self::Redis,
            "mongodb" => Self::Mongodb,
            _ => Self::Sqlite,
        }
    }

    /// Redis and MongoDB are read by their own browsers, not the SQL schema inspector.
    fn is_sql(self) -> bool {
        matches!(self, Self::Postgres | Self::Mysql | Self::Sqlite)
    }

    pub fn default_port(self) -> Option<u16> {
        match self {
            Self::Postgres => Some(5432),
            Self::Mysql => Some(3306),
            Self::Redis => Some(6379),
            Self::Mongodb => Some(27017),
            Self::Sqlite => None,
        }
    }
}

/// A connection as the UI shows it: never its password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub kind: ConnectionKind,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database_name: Option<String>,
    pub username: Option<String>,
    pub tls_mode: TlsMode,
    /// A SQLite file's path.
    pub path: Option<String>,
    pub created_at: String,
}

/// What the "Add connection" form sends.
#[derive(Clone, Debug, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInput {
    pub project_id: i64,
    pub name: String,
    pub kind: Option<ConnectionKind>,
    pub host: Option<String>,
    // Any number, checked in the core with a field error (a `//` comment: bindings unchanged).
    #[specta(type = Option<i64>)]
    pub port: Option<NumberInput>,
    pub database_name: Option<String>,
    pub username: Option<String>,
    /// Kept in the keychain, never in SQLite.
    pub password: Option<String>,
    pub tls_mode: Option<TlsMode>,
    pub path: Option<String>,
}

const COLUMNS: &str = "id, project_id, name, kind, host, port, database_name, username, tls_mode, \
     path, created_at, keychain_account";

pub struct Connections {
    store: Store,
    secrets: Arc<SecretStore>,
}

impl Connections {
    pub fn new(store: Store, secrets: Arc<SecretStore>) -> Arc<Self> {
        Arc::new(Self { store, secrets })
    }

    pub async fn list(&self, project_id: i64) -> Result<Vec<Connection>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM connections WHERE project_id = ? ORDER BY name"
        ))
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.iter().map(|row| from_row(row).0).collect())
    }

    pub async fn get(&self, id: i64) -> Result<Connection> {
        Ok(self.row(id).await?.0)
    }

    /// Checks the form, then connects once with it: what the user would see on first use.
    pub async fn test(&self, input: &ConnectionInput) -> Result<()> {
        let valid = validate::input(input)?;
        valid
            .endpoint(Secret::new(input.password.clone().unwrap_or_default()))
            .check()
            .await
    }

    /// Records the connection; its password goes to the keychain first, outside the transaction,
    /// and is taken back if the row does not commit.
    pub async fn create(&self, input: ConnectionInput) -> Result<Connection> {
        let valid = validate::input(&input)?;
        let project = projects::get(&self.store, input.project_id).await?;
        if let ConnectionKind::Sqlite = valid.kind {
            valid.endpoint(Secret::new("")).check().await?;
        }
        let account = match (valid.kind, &input.password) {
            (ConnectionKind::Sqlite, _) => None,
            (_, password) => {
                let account = format!("connection-{}", random_suffix());
                self.secrets
                    .set(&account, &Secret::new(password.clone().unwrap_or_default()))?;
                Some(account)
            }
        };
        let committed = async {
            let mut tx = self.store.begin_write().await?;
            let row = sqlx::query(&format!(
                "INSERT INTO connections (project_id, name, kind, host, port, database_name, username,
                     keychain_account, tls_mode, path)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
            ))
            .bind(project.id)
            .bind(&valid.name)
            .bind(valid.kind.as_str())
            .bind(&valid.host)
            .bind(valid.port.map(i64::from))
            .bind(&valid.database)
            .bind(&valid.username)
            .bind(&account)
            .bind(tls_str(valid.tls))
            .bind(valid.path.as_ref().map(|p| p.display().to_string()))
            .fetch_one(&mut *tx)
            .await
            .map_err(|error| match &error {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    Error::NameTaken(valid.name.clone())
                }
                _ => error.into(),
            })?;
            let (connection, _) = from_row(&row);
            audit::record(
                &mut tx,
                NewAuditEntry {
                    action: AuditAction::ConnectionCreate,
                    resource_type: ResourceType::Connection,
                    resource_id: connection.id,
                    resource_name: &connection.name,
                    project_id: Some(project.id),
                    details: json!({
                        "kind": connection.kind,
                        "host": connection.host,
                        "port": connection.port,
                        "databaseName": connection.database_name,
                        "username": connection.username,
                        "tlsMode": connection.tls_mode,
                        "path": connection.path,
                    }),
                },
            )
            .await?;
            tx.commit().await?;
            Ok::<_, Error>(connection)
        }
        .await;
        match committed {
            Ok(connection) => {
                self.announce(AuditAction::ConnectionCreate, connection.id);
                Ok(connection)
            }
            Err(error) => {
                if let Some(account) = &account {
                    let _ = self.secrets.delete(account);
                }
                Err(error)
            }
        }
    }

    /// Removes the record (the database itself is not touched), then its password.
    pub async fn remove(&self, id: i64) -> Result<()> {
        let (connection, account) = self.row(id).await?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query("DELETE FROM connections WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            NewAuditEntry {
                action: AuditAction::ConnectionRemove,
                resource_type: ResourceType::Connection,
                resource_id: id,
                resource_name: &connection.name,
                project_id: Some(connection.project_id),
                details: json!({ "kind": connection.kind }),
            },
        )
        .await?;
        tx.commit().await?;
        self.announce(AuditAction::ConnectionRemove, id);
        if let Some(account) = account {
            if let Err(error) = self.secrets.delete(&account) {
                tracing::warn!(%error, "a removed connection's password stayed in the keychain");
            }
        }
        Ok(())
    }

    /// The keychain accounts of a project's connections, to forget once the project is deleted
    /// (its rows go with it).
    pub async fn accounts_of(&self, project_id: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT keychain_account FROM connections WHERE project_id = ? AND keychain_account IS NOT NULL",
        )
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?)
    }

    pub fn forget(&self, accounts: &[String]) {
        for account in accounts {
            if let Err(error) = self.secrets.delete(account) {
                tracing::warn!(%error, "a deleted project's connection password stayed in the keychain");
            }
        }
    }

    /// What the browsers connect to, the password read from the keychain.
    pub async fn endpoint(&self, id: i64) -> Result<Endpoint> {
        let (connection, account) = self.row(id).await?;
        let password = match account {
            Some(account) => self.secrets.get(&account)?,
            None => Secret::new(""),
        };
        let kind = connection.kind;
        Ok(validate::Valid {
            name: connection.name,
            kind,
            port: connection.port.or(kind.default_port()),
            host: connection.host,
            database: connection.database_name,
            username: connection.username,
            tls: connection.tls_mode,
            path: connection.path.map(PathBuf::from),
        }
        .endpoint(password))
    }

    fn announce(&self, action: AuditAction, id: i64) {
        self.store.announce(Change {
            action,
            resource_type: ResourceType::Connection,
            resource_id: id,
        });
    }

    async fn row(&self, id: i64) -> Result<(Connection, Option<String>)> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM connections WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(Error::NotFound(id))?;
        Ok(from_row(&row))
    }
}

fn from_row(row: &sqlx::sqlite::SqliteRow) -> (Connection, Option<String>) {
    (
        Connection {
            id: row.get("id"),
            project_id: row.get("project_id"),
            name: row.get("name"),
            kind: ConnectionKind::parse(row.get("kind")),
            host: row.get("host"),
            port: row
                .get::<Option<i64>, _>("port")
                .and_then(|p| u16::try_from(p).ok()),
            database_name: row.get("database_name"),
            username: row.get("username"),
            tls_mode: match row.get::<String, _>("tls_mode").as_str() {
                "disable" => TlsMode::Disable,
                "require" => TlsMode::Require,
                "verifyFull" => TlsMode::VerifyFull,
                _ => TlsMode::Prefer,
            },
            path: row.get("path"),
            created_at: row.get("created_at"),
        },
        row.get("keychain_account"),
    )
}

fn tls_str(tls: TlsMode) -> &'static str {
    match tls {
        TlsMode::Disable => "disable",
        TlsMode::Prefer => "prefer",
        TlsMode::Require => "require",
        TlsMode::VerifyFull => "verifyFull",
    }
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    // The system's random source failing is not something to recover from here.
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("system random source");
    quantum_kernel::hex(&bytes)
}
