//! A snapshot as kept in SQLite and shown in the UI.

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::{Error, Result};

/// What took a snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotTrigger {
    /// Taken on demand.
    Manual,
    /// Taken before migrations were applied; the detail names them.
    BeforeApply,
    /// Taken before migrations were rolled back; the detail names them.
    BeforeRollback,
    /// The data a restore replaced, kept so that the restore can be undone.
    BeforeRestore,
    /// Taken before data was copied in from another database; the detail names it.
    BeforeCopy,
    /// Taken before a deploy applied migrations; the detail names the release and them. A
    /// rollback past that release offers to restore it.
    BeforeDeploy,
}

impl SnapshotTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::BeforeApply => "before_apply",
            Self::BeforeRollback => "before_rollback",
            Self::BeforeRestore => "before_restore",
            Self::BeforeCopy => "before_copy",
            Self::BeforeDeploy => "before_deploy",
        }
    }

    fn parse(s: &str) -> Self {
        [
            Self::BeforeApply,
            Self::BeforeRollback,
            Self::BeforeRestore,
            Self::BeforeCopy,
            Self::BeforeDeploy,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .unwrap_or(Self::Manual)
    }
}

/// Where a row is in its life: a crash leaves `Copying` or `RestoreTarget` rows, whose volumes
/// are removed on the next start; only `Ready` ones are snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowState {
    Copying,
    Ready,
    /// A restore's new data volume while it is filled; never listed.
    RestoreTarget,
}

impl RowState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Copying => "copying",
            Self::Ready => "ready",
            Self::RestoreTarget => "restore_target",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub id: i64,
    pub datasource_id: i64,
    pub volume_name: String,
    /// The datasource's image when it was taken.
    pub image: String,
    pub trigger: SnapshotTrigger,
    /// The migrations an apply or rollback ran, a user's note, or (for `before_restore`) when the
    /// snapshot that replaced this data was taken.
    pub detail: String,
    /// None for the data a restore replaced (it was not copied, so not measured).
    pub size_bytes: Option<i64>,
    /// UTC, RFC 3339 with milliseconds.
    pub created_at: String,
}

pub(crate) const COLUMNS: &str =
    "id, datasource_id, volume_name, image, trigger, detail, size_bytes, created_at";

pub(crate) fn from_row(row: &SqliteRow) -> Snapshot {
    Snapshot {
        id: row.get("id"),
        datasource_id: row.get("datasource_id"),
        volume_name: row.get("volume_name"),
        image: row.get("image"),
        trigger: SnapshotTrigger::parse(row.get("trigger")),
        detail: row.get("detail"),
        size_bytes: row.get("size_bytes"),
        created_at: row.get("created_at"),
    }
}

/// A ready snapshot by id.
pub(crate) async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Snapshot> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM snapshots WHERE id = ? AND state = 'ready'"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(|row| from_row(&row))
    .ok_or(Error::NotFound(id))
}

/// What taking a snapshot did: the snapshot, and the older ones deleted to keep the last N.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Taken {
    pub snapshot: Snapshot,
    pub pruned: Vec<Snapshot>,
}

/// What a restore did: the data it replaced, kept as a snapshot, and those deleted to keep the
/// last N.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    pub replaced: Snapshot,
    pub pruned: Vec<Snapshot>,
}
