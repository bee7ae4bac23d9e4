//! A connection of the target's kind, and what every layout needs of it: scripts run in a
//! transaction (or not), single-column reads, and the server's errors placed on a file's line.

use quantum_schema::Target;
use sqlx::migrate::Migrate;
use sqlx::{Connection, Executor, MySqlConnection, PgConnection, SqliteConnection};

use crate::{Error, Result};

/// A connection of the target's kind, for sqlx's `Migrate`.
pub(crate) enum Conn {
    Postgres(PgConnection),
    Mysql(MySqlConnection),
    Sqlite(SqliteConnection),
}

impl Conn {
    pub async fn open(target: &Target) -> Result<Self> {
        Ok(match target {
            Target::Postgres(server) => {
                Self::Postgres(quantum_schema::connect_postgres(server).await?)
            }
            Target::Mysql(server) => Self::Mysql(quantum_schema::connect_mysql(server).await?),
            Target::Sqlite(path) => {
                // Read-write (the schema browser opens SQLite read-only); never created here.
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(false);
                Self::Sqlite(
                    SqliteConnection::connect_with(&options)
                        .await
                        .map_err(|error| Error::History(error.to_string()))?,
                )
            }
        })
    }

    pub fn migrate(&mut self) -> &mut (dyn Migrate + Send) {
        match self {
            Self::Postgres(conn) => conn,
            Self::Mysql(conn) => conn,
            Self::Sqlite(conn) => conn,
        }
    }

    pub async fn close(self) {
        let _ = match self {
            Self::Postgres(conn) => conn.close().await,
            Self::Mysql(conn) => conn.close().await,
            Self::Sqlite(conn) => conn.close().await,
        };
    }

    /// Whether the engine runs DDL inside a transaction (MySQL and MariaDB commit it at once).
    pub fn transactional_ddl(&self) -> bool {
        !matches!(self, Self::Mysql(_))
    }

    /// Runs `body` (several statements) then `record` (the history's update), both in one
    /// transaction when `transactional`.
    pub async fn script(
        &mut self,
        body: &str,
        record: &str,
        transactional: bool,
    ) -> sqlx::Result<()> {
        macro_rules! run {
            ($conn:expr) => {{
                if transactional {
                    let mut tx = $conn.begin().await?;
                    tx.execute(sqlx::raw_sql(body)).await?;
                    tx.execute(sqlx::raw_sql(record)).await?;
                    tx.commit().await
                } else {
                    $conn.execute(sqlx::raw_sql(body)).await?;
                    $conn.execute(sqlx::raw_sql(record)).await.map(drop)
                }
            }};
        }
        match self {
            Self::Postgres(conn) => run!(conn),
            Self::Mysql(conn) => run!(conn),
            Self::Sqlite(conn) => run!(conn),
        }
    }

    pub async fn execute(&mut self, sql: &str) -> sqlx::Result<()> {
        match self {
            Self::Postgres(conn) => conn.execute(sqlx::raw_sql(sql)).await.map(drop),
            Self::Mysql(conn) => conn.execute(sqlx::raw_sql(sql)).await.map(drop),
            Self::Sqlite(conn) => conn.execute(sqlx::raw_sql(sql)).await.map(drop),
        }
    }

    /// A `SELECT COUNT(*) …`'s answer.
    pub async fn count(&mut self, sql: &str) -> sqlx::Result<i64> {
        match self {
            Self::Postgres(conn) => sqlx::query_scalar(sql).fetch_one(conn).await,
            Self::Mysql(conn) => sqlx::query_scalar(sql).fetch_one(conn).await,
            Self::Sqlite(conn) => sqlx::query_scalar(sql).fetch_one(conn).await,
        }
    }

    /// The first column of every row, as text.
    pub async fn strings(&mut self, sql: &str) -> sqlx::Result<Vec<String>> {
        match self {
            Self::Postgres(conn) => sqlx::query_scalar(sql).fetch_all(conn).await,
            Self::Mysql(conn) => sqlx::query_scalar(sql).fetch_all(conn).await,
            Self::Sqlite(conn) => sqlx::query_scalar(sql).fetch_all(conn).await,
        }
    }
}

/// PostgreSQL's undefined_table (42P01), MySQL's and MariaDB's (SQLSTATE 42S02: sqlx gives the
/// SQLSTATE, not the error number 1146), SQLite's message.
pub(crate) fn is_missing_table(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("42P01") | Some("42S02"))
                || db.message().contains("no such table")
        }
        _ => false,
    }
}

/// A migration's failure: the server's message, and the line of its file the server points at
/// (PostgreSQL gives a position in the statement text; `first_line` is where that text starts in
/// the file).
pub(crate) fn failure(
    version: i64,
    name: &str,
    sql: &str,
    first_line: u32,
    error: &sqlx::Error,
) -> Error {
    let (message, position) = match error {
        sqlx::Error::Database(db) => (
            db.message().to_owned(),
            db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .and_then(|pg| match pg.position() {
                    Some(sqlx::postgres::PgErrorPosition::Original(at)) => Some(at),
                    _ => None,
                }),
        ),
        other => (other.to_string(), None),
    };
    // PostgreSQL counts characters from 1.
    let line = position.map(|at| {
        first_line
            + sql
                .chars()
                .take(at.saturating_sub(1))
                .filter(|c| *c == '\n')
                .count() as u32
            + 1
    });
    Error::Failed {
        version,
        name: name.to_owned(),
        message,
        line,
    }
}
