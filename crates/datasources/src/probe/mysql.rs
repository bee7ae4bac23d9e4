//! MySQL and MariaDB: an authenticated `SELECT 1` proves readiness; `configure` creates the database
//! and grants the user its rights, idempotently.

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlSslMode};
use sqlx::{ConnectOptions, Connection, Executor};

use super::*;

pub(super) fn mysql_options(endpoint: &Endpoint<'_>) -> MySqlConnectOptions {
    MySqlConnectOptions::new()
        .host(endpoint.host)
        .port(endpoint.port)
        .username(endpoint.user)
        .password(endpoint.password.expose())
        .ssl_mode(MySqlSslMode::Disabled)
        .disable_statement_logging()
}

pub(super) async fn probe_mysql(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let sql_error = |error| classify_sqlx(endpoint, error);
    let mut connection = mysql_options(endpoint)
        .database(endpoint.database)
        .connect()
        .await
        .map_err(sql_error)?;
    connection.execute("SELECT 1").await.map_err(sql_error)?;
    close_mysql(connection).await;
    Ok(())
}

pub(super) async fn configure_mysql(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let sql_error = |error| classify_sqlx(endpoint, error);
    let database = quote_mysql_identifier(endpoint, endpoint.database)?;
    // No database in the options: it may not exist yet.
    let mut connection = mysql_options(endpoint).connect().await.map_err(sql_error)?;
    connection
        .execute(format!("CREATE DATABASE IF NOT EXISTS {database}").as_str())
        .await
        .map_err(sql_error)?;
    if has_global_grant_option(&mut connection)
        .await
        .map_err(sql_error)?
    {
        let user = quote_mysql_identifier(endpoint, endpoint.user)?;
        connection
            .execute(format!("GRANT ALL PRIVILEGES ON {database}.* TO {user}@'%'").as_str())
            .await
            .map_err(sql_error)?;
    }
    // Proves the user can work in the database, whichever way it got its privileges.
    connection
        .execute(format!("USE {database}").as_str())
        .await
        .map_err(sql_error)?;
    close_mysql(connection).await;
    Ok(())
}

/// Whether the account we are logged in as may grant privileges (`WITH GRANT OPTION` on `*.*`).
pub(super) async fn has_global_grant_option(
    connection: &mut MySqlConnection,
) -> Result<bool, sqlx::Error> {
    let account: String = sqlx::query_scalar("SELECT CURRENT_USER()")
        .fetch_one(&mut *connection)
        .await?;
    // CURRENT_USER() is `user@host`; the host part never contains '@', the user part may.
    let Some((user, host)) = account.rsplit_once('@') else {
        return Ok(false);
    };
    // An admin can read every account's rows, so the account must be named.
    let grantable_privileges: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES \
         WHERE GRANTEE = ? AND IS_GRANTABLE = 'YES'",
    )
    .bind(format!("'{user}'@'{host}'"))
    .fetch_one(&mut *connection)
    .await?;
    Ok(grantable_privileges > 0)
}

pub(super) async fn close_mysql(connection: MySqlConnection) {
    if let Err(error) = connection.close().await {
        tracing::debug!(%error, "closing a MySQL probe connection failed");
    }
}

/// MySQL/MariaDB error numbers
/// (https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html).
pub(super) fn mysql_verdict(number: u16) -> Verdict {
    const TOO_MANY_CONNECTIONS: u16 = 1040;
    const UNKNOWN_DATABASE: u16 = 1049;
    const SHUTDOWN_IN_PROGRESS: u16 = 1053;
    match number {
        TOO_MANY_CONNECTIONS | UNKNOWN_DATABASE | SHUTDOWN_IN_PROGRESS => Verdict::NotReady,
        // 1045 access denied, 1044 no access to the database, 1130 host not allowed, and the rest.
        _ => Verdict::Refused,
    }
}

/// `` `name` `` with inner backticks doubled.
pub(super) fn quote_mysql_identifier(
    endpoint: &Endpoint<'_>,
    name: &str,
) -> Result<String, ProbeError> {
    check_identifier(endpoint, name)?;
    Ok(format!("`{}`", name.replace('`', "``")))
}
