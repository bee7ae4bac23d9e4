//! The datasource record and its status, as kept in SQLite and shown in the UI.

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::{Error, Result};
use quantum_kernel::Engine;

/// Where a datasource is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DatasourceStatus {
    Creating,
    Pulling,
    Starting,
    Configuring,
    Ready,
    Stopped,
    /// Failed; `status_reason` says why.
    Error,
    /// Its container was removed outside the app; its data volume may still be there.
    Missing,
    /// Stopped while its data volume is copied into a snapshot.
    Snapshotting,
    /// Stopped while a snapshot is copied into a new data volume.
    Restoring,
}

impl DatasourceStatus {
    pub const ALL: [Self; 10] = [
        Self::Creating,
        Self::Pulling,
        Self::Starting,
        Self::Configuring,
        Self::Ready,
        Self::Stopped,
        Self::Error,
        Self::Missing,
        Self::Snapshotting,
        Self::Restoring,
    ];

    /// Not in the middle of an operation: what it says stays true without the app doing more.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            Self::Ready | Self::Stopped | Self::Error | Self::Missing
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "creating",
            Self::Pulling => "pulling",
            Self::Starting => "starting",
            Self::Configuring => "configuring",
            Self::Ready => "ready",
            Self::Stopped => "stopped",
            Self::Error => "error",
            Self::Missing => "missing",
            Self::Snapshotting => "snapshotting",
            Self::Restoring => "restoring",
        }
    }

    fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .unwrap_or(Self::Error)
    }

    /// Work is under way: the tray shows "starting".
    pub fn is_busy(self) -> bool {
        matches!(
            self,
            Self::Creating
                | Self::Pulling
                | Self::Starting
                | Self::Configuring
                | Self::Snapshotting
                | Self::Restoring
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Datasource {
    pub id: i64,
    pub project_id: i64,
    /// Also the container's name.
    pub name: String,
    pub engine: Engine,
    pub image: String,
    pub host_port: u16,
    /// Empty for Redis, which has neither.
    pub database_name: String,
    pub username: String,
    pub volume_name: String,
    pub auto_start: bool,
    pub ready_timeout_secs: u32,
    pub status: DatasourceStatus,
    pub status_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Where the password is in the OS keychain; never the password itself.
    #[serde(skip)]
    #[specta(skip)]
    pub keychain_account: String,
    #[serde(skip)]
    #[specta(skip)]
    pub container_id: Option<String>,
}

pub(crate) const COLUMNS: &str = "id, project_id, name, engine, image, host_port, database_name, username, \
     keychain_account, volume_name, auto_start, ready_timeout_secs, container_id, status, status_reason, \
     created_at, updated_at";

pub(crate) fn from_row(row: &SqliteRow) -> Datasource {
    let engine: String = row.get("engine");
    let status: String = row.get("status");
    let host_port: i64 = row.get("host_port");
    let timeout: i64 = row.get("ready_timeout_secs");
    Datasource {
        id: row.get("id"),
        project_id: row.get("project_id"),
        name: row.get("name"),
        // The column is only ever written from `Engine::as_str`.
        engine: Engine::parse(&engine).unwrap_or(Engine::Postgres),
        image: row.get("image"),
        host_port: u16::try_from(host_port).unwrap_or_default(),
        database_name: row.get("database_name"),
        username: row.get("username"),
        keychain_account: row.get("keychain_account"),
        volume_name: row.get("volume_name"),
        auto_start: row.get("auto_start"),
        ready_timeout_secs: u32::try_from(timeout).unwrap_or(120),
        container_id: row.get("container_id"),
        status: DatasourceStatus::parse(&status),
        status_reason: row.get("status_reason"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    }
}

pub(crate) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Datasource> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM datasources WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref()
        .map(from_row)
        .ok_or(Error::DatasourceNotFound { id })
}
