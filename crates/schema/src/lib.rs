//! Reads a database's structure — tables, views, columns, keys, indexes, checks, enums, sizes —
//! from the engine's catalog in one round of queries (not one per table), and writes it out as
//! Mermaid, DBML, Markdown or JSON. No Tauri, no store: the shell says what to connect to.

pub mod diagram;
pub mod diff;
mod error;
pub mod export;
mod model;
pub mod models;
mod mysql;
mod postgres;
mod sqlite;

use std::path::PathBuf;
use std::time::Duration;

pub use error::{Error, Result};
pub use model::*;
/// A connection of the server's own kind, for the tools beyond inspection (the SQL console).
pub use mysql::connect as connect_mysql;
pub use postgres::connect as connect_postgres;
use quantum_secrets::Secret;
use serde::{Deserialize, Serialize};
use specta::Type;

/// How long connecting may take before the user is told to check the host and port.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A database server to connect to.
#[derive(Clone, Debug)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub username: String,
    pub password: Secret,
    pub tls: TlsMode,
}

/// Whether the connection is encrypted, as libpq's `sslmode` says it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TlsMode {
    /// Never: a database on this machine or a trusted network.
    Disable,
    /// When the server offers it.
    #[default]
    Prefer,
    /// Always, without checking the certificate.
    Require,
    /// Always, with the certificate checked against the system's trusted authorities and the
    /// host name.
    VerifyFull,
}

impl Server {
    fn label(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// A connection attempt to this server, told apart when it fails and cut at
    /// [`CONNECT_TIMEOUT`].
    async fn within_timeout<C>(
        &self,
        connecting: impl std::future::Future<Output = sqlx::Result<C>>,
    ) -> Result<C> {
        match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
            Ok(connection) => connection.map_err(|error| Error::from_sqlx(&self.label(), error)),
            Err(_) => Err(Error::Timeout {
                target: self.label(),
                seconds: CONNECT_TIMEOUT.as_secs(),
            }),
        }
    }
}

/// What to inspect.
#[derive(Clone, Debug)]
pub enum Target {
    Postgres(Server),
    /// MySQL and MariaDB.
    Mysql(Server),
    Sqlite(PathBuf),
}

impl Target {
    /// A server of `engine`'s kind; Redis and MongoDB hold no SQL schema to read.
    pub fn for_engine(engine: quantum_kernel::Engine, server: Server) -> Result<Self> {
        use quantum_kernel::Engine;
        match engine {
            Engine::Postgres => Ok(Self::Postgres(server)),
            Engine::Mysql | Engine::Mariadb => Ok(Self::Mysql(server)),
            Engine::Redis | Engine::Mongodb => Err(Error::Unsupported(format!(
                "{} keeps no tables: the schema browser reads PostgreSQL, MySQL, MariaDB and SQLite.",
                engine.label()
            ))),
        }
    }
}

/// Connects and asks the simplest question: whether the target answers as a database should.
pub async fn check(target: &Target) -> Result<()> {
    match target {
        Target::Postgres(server) => {
            let mut conn = postgres::connect(server).await?;
            sqlx::query("SELECT 1")
                .execute(&mut conn)
                .await
                .map_err(|error| Error::from_sqlx(&server.label(), error))?;
        }
        Target::Mysql(server) => {
            let mut conn = mysql::connect(server).await?;
            sqlx::query("SELECT 1")
                .execute(&mut conn)
                .await
                .map_err(|error| Error::from_sqlx(&server.label(), error))?;
        }
        Target::Sqlite(path) => sqlite::check(path).await?,
    }
    Ok(())
}

/// The whole schema of the target's database.
pub async fn inspect(target: &Target) -> Result<Schema> {
    let started = std::time::Instant::now();
    let schema = match target {
        Target::Postgres(server) => postgres::inspect(server).await?,
        Target::Mysql(server) => mysql::inspect(server).await?,
        Target::Sqlite(path) => sqlite::inspect(path).await?,
    };
    tracing::debug!(
        tables = schema.tables.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "schema inspected"
    );
    Ok(schema)
}
