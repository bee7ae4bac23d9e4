//! The app's own SQLite file: opened in WAL mode with foreign keys on, migrated on open.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};
use tokio::sync::broadcast;

use crate::error::{Error, Result};
use crate::events::Change;

/// The file name of the app's database inside the data dir.
pub const DATABASE_FILE: &str = "quantum-admin.sqlite3";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// The store: a connection pool plus the feed of committed changes.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    changes: broadcast::Sender<Change>,
    path: PathBuf,
    identity: String,
}

impl Store {
    /// Opens (creating when absent) the database in `data_dir` and brings its schema up to date.
    pub async fn open_in(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|source| {
            Error::io(
                format!("Could not create the data folder {}", data_dir.display()),
                source,
            )
        })?;
        Self::open(&data_dir.join(DATABASE_FILE)).await
    }

    /// Opens (creating when absent) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // Statements may carry user data in their text; never log them.
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        prepare_migrations(&pool, path).await?;
        MIGRATOR.run(&pool).await?;
        let identity = sqlx::query_scalar("SELECT id FROM store_identity")
            .fetch_one(&pool)
            .await?;
        let (changes, _) = broadcast::channel(256);
        tracing::info!(path = %path.display(), "store opened");
        Ok(Self {
            pool,
            changes,
            path: path.to_path_buf(),
            identity,
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A transaction that takes the write lock at once. A deferred one that reads first and writes
    /// later fails with "database is locked" when another connection wrote meanwhile, because
    /// SQLite cannot wait for a lock upgrade; taking the lock up front lets it wait instead.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Whether a writer could start now: no connection, of this process or another, holds a write
    /// transaction open. Asked on a connection of its own that does not wait.
    pub async fn write_lock_is_free(&self) -> Result<bool> {
        use sqlx::Connection;
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&self.path)
            .busy_timeout(Duration::ZERO)
            .disable_statement_logging();
        let mut connection = sqlx::SqliteConnection::connect_with(&options).await?;
        let free = match sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await
        {
            Ok(_) => {
                sqlx::query("ROLLBACK").execute(&mut connection).await?;
                true
            }
            Err(sqlx::Error::Database(error)) if error.message().contains("locked") => false,
            Err(error) => return Err(error.into()),
        };
        connection.close().await?;
        Ok(free)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This data dir's random id, put on the containers it makes so that it knows them again.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// Committed changes, for whoever shows them (the UI, the tray).
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Announces a change after its transaction committed. Nobody listening is fine.
    pub fn announce(&self, change: Change) {
        let _ = self.changes.send(change);
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Before migrating: refuses a database that a newer version of the app has migrated (after a
/// downgrade, this binary would not know its schema), and copies an existing database aside
/// before changing its schema, so that an upgrade can be undone.
async fn prepare_migrations(pool: &SqlitePool, path: &Path) -> Result<()> {
    let tracked: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await?;
    if !tracked {
        return Ok(());
    }
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(pool)
        .await?;
    let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    if let Some(&newer) = applied.iter().filter(|v| !known.contains(v)).max() {
        return Err(Error::SchemaTooNew {
            path: path.display().to_string(),
            version: newer,
        });
    }
    let pending = known.iter().filter(|v| !applied.contains(v)).count();
    if pending > 0 && !applied.is_empty() {
        let newest = applied.iter().max().copied().unwrap_or_default();
        let backup = backup_path(path, newest);
        let _ = std::fs::remove_file(&backup);
        // A consistent copy even with the WAL in use, written by SQLite itself.
        sqlx::query("VACUUM INTO ?")
            .bind(backup.display().to_string())
            .execute(pool)
            .await?;
        tracing::info!(backup = %backup.display(), pending, "database backed up before migrating");
    }
    Ok(())
}

/// Where the copy taken before migrating a database at schema `version` goes.
pub fn backup_path(path: &Path, version: i64) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".before-{version}.bak"));
    path.with_file_name(name)
}
