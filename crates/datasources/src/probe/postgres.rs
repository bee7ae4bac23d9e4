//! PostgreSQL: an authenticated `SELECT 1` proves readiness; `configure` creates the database and
//! gives the user its rights, idempotently.

use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode};
use sqlx::{ConnectOptions, Connection, Executor};

use super::*;

pub(super) fn postgres_options(endpoint: &Endpoint<'_>, database: &str) -> PgConnectOptions {
    // Without pgpass: the password is ours, a file in the user's home must not override it.
    PgConnectOptions::new_without_pgpass()
        .host(endpoint.host)
        .port(endpoint.port)
        .username(endpoint.user)
        .password(endpoint.password.expose())
        .database(database)
        .ssl_mode(PgSslMode::Disable)
        .disable_statement_logging()
}

pub(super) async fn probe_postgres(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let sql_error = |error| classify_sqlx(endpoint, error);
    let mut connection = postgres_options(endpoint, endpoint.database)
        .connect()
        .await
        .map_err(sql_error)?;
    connection.execute("SELECT 1").await.map_err(sql_error)?;
    close_postgres(connection).await;
    Ok(())
}

pub(super) async fn configure_postgres(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let sql_error = |error| classify_sqlx(endpoint, error);
    // The target database may not exist yet: connect to the one that always does.
    let mut connection = postgres_options(endpoint, POSTGRES_MAINTENANCE_DATABASE)
        .connect()
        .await
        .map_err(sql_error)?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(endpoint.database)
            .fetch_one(&mut connection)
            .await
            .map_err(sql_error)?;
    if !exists {
        let create = format!(
            "CREATE DATABASE {}",
            quote_postgres_identifier(endpoint, endpoint.database)?
        );
        match connection.execute(create.as_str()).await {
            Ok(_) => {}
            // Created meanwhile by a concurrent `configure`: the goal is reached all the same.
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42P04") => {}
            Err(error) => return Err(sql_error(error)),
        }
    }
    close_postgres(connection).await;
    Ok(())
}

/// Says goodbye so that the server does not log an aborted connection for every probe; a failure
/// to do so changes nothing for the caller.
pub(super) async fn close_postgres(connection: PgConnection) {
    if let Err(error) = connection.close().await {
        tracing::debug!(%error, "closing a Postgres probe connection failed");
    }
}

/// Postgres SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
pub(super) fn postgres_verdict(sqlstate: &str) -> Verdict {
    match sqlstate {
        // Starting up, shutting down, crash recovery; out of connections or resources; connection
        // trouble; the database not created yet by the image's init scripts.
        code if code.starts_with("57P") || code.starts_with("53") || code.starts_with("08") => {
            Verdict::NotReady
        }
        "3D000" => Verdict::NotReady,
        // Class 28 (bad password, unknown role) and everything else: waiting will not help.
        _ => Verdict::Refused,
    }
}

/// `"name"` with inner quotes doubled: the only safe way to put a name where SQL cannot bind it.
pub(super) fn quote_postgres_identifier(
    endpoint: &Endpoint<'_>,
    name: &str,
) -> Result<String, ProbeError> {
    check_identifier(endpoint, name)?;
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}
