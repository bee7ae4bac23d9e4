//! Reads a database's structure — tables, views, columns, keys, indexes, checks, enums, sizes —
//! from the engine's catalog in one round of queries (not one per table), and writes it out as
//! Mermaid, DBML, Markdown or JSON. No Tauri, no store: the shell says what to connect to.

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
use quantum_secrets::Secret;

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
}

impl Server {
    fn label(&self) -> String {
        format!("{}:{}", self.host, self.port)
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
