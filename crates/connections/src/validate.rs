//! The "Add connection" form, checked field by field before anything is stored or dialled.

use std::path::PathBuf;

use quantum_kernel::input::NumberInput;
use quantum_schema::{Server, Target, TlsMode};
use quantum_secrets::Secret;

use quantum_kernel::TlsPolicy;

use crate::{ConnectionInput, ConnectionKind, Endpoint, Error, Result};

pub(crate) struct Valid {
    pub name: String,
    pub kind: ConnectionKind,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub username: Option<String>,
    pub tls: TlsMode,
    pub path: Option<PathBuf>,
}

impl Valid {
    pub fn endpoint(&self, password: Secret) -> Endpoint {
        let host = self.host.clone().unwrap_or_default();
        let port = self.port.unwrap_or_default();
        let database = self.database.clone().unwrap_or_default();
        let username = self.username.clone().unwrap_or_default();
        let server = || Server {
            host: host.clone(),
            port,
            database: database.clone(),
            username: username.clone(),
            password: password.clone(),
            tls: self.tls,
        };
        match self.kind {
            ConnectionKind::Postgres => Endpoint::Sql(Target::Postgres(server())),
            ConnectionKind::Mysql => Endpoint::Sql(Target::Mysql(server())),
            ConnectionKind::Sqlite => {
                Endpoint::Sql(Target::Sqlite(self.path.clone().unwrap_or_default()))
            }
            ConnectionKind::Redis => Endpoint::Redis(quantum_keyspace::Server {
                host,
                port,
                username,
                password,
                tls: policy(self.tls),
            }),
            ConnectionKind::Mongodb => Endpoint::Mongodb(quantum_collections::Server {
                host,
                port,
                database,
                username,
                password,
                tls: policy(self.tls),
            }),
        }
    }
}

/// Redis and MongoDB encrypt from the first byte or not at all; "prefer" is refused by the form.
fn policy(tls: TlsMode) -> TlsPolicy {
    match tls {
        TlsMode::Disable | TlsMode::Prefer => TlsPolicy::Off,
        TlsMode::Require => TlsPolicy::Unverified,
        TlsMode::VerifyFull => TlsPolicy::Verified,
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    Error::validation("validation.invalid_connection", field, message)
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

pub(crate) fn input(input: &ConnectionInput) -> Result<Valid> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(invalid(
            "name",
            "Give the connection a name of 1 to 64 characters.",
        ));
    }
    let kind = input.kind.ok_or_else(|| {
        invalid(
            "kind",
            "Choose PostgreSQL, MySQL/MariaDB, Redis, MongoDB or a SQLite file.",
        )
    })?;
    if kind == ConnectionKind::Sqlite {
        let path = text(&input.path)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .ok_or_else(|| {
                invalid(
                    "path",
                    "Choose the SQLite file (Browse…), or type its full path.",
                )
            })?;
        return Ok(Valid {
            name,
            kind,
            host: None,
            port: None,
            database: None,
            username: None,
            tls: TlsMode::Disable,
            path: Some(path),
        });
    }
    let host = text(&input.host)
        .filter(|h| !h.contains(char::is_whitespace) && !h.contains('/'))
        .ok_or_else(|| {
            invalid(
                "host",
                "Give the server's host name or IP address, without a scheme or path.",
            )
        })?;
    let port = match &input.port {
        None => kind.default_port(),
        Some(NumberInput::Whole(port)) => Some(
            u16::try_from(*port)
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| {
                    invalid(
                        "port",
                        format!("{port} is not a port. Give one from 1 to 65535."),
                    )
                })?,
        ),
        Some(NumberInput::NotWhole(text)) => {
            return Err(invalid(
                "port",
                format!("{text} is not a port. Give one from 1 to 65535."),
            ))
        }
    };
    // A Redis server has numbered databases, not named ones: the browser reads database 0.
    let database = match kind {
        ConnectionKind::Redis => None,
        _ => Some(
            text(&input.database_name)
                .ok_or_else(|| invalid("databaseName", "Give the name of the database to open."))?,
        ),
    };
    // Redis and MongoDB may run without authentication; SQL servers always name a user.
    let username = match (kind, text(&input.username)) {
        (ConnectionKind::Redis | ConnectionKind::Mongodb, username) => username,
        (_, Some(username)) => Some(username),
        (_, None) => return Err(invalid("username", "Give the user name to connect as.")),
    };
    let tls = match (kind.is_sql(), input.tls_mode) {
        (true, tls) => tls.unwrap_or_default(),
        (false, None) => TlsMode::Disable,
        (false, Some(TlsMode::Prefer)) => {
            return Err(invalid(
                "tlsMode",
                "Redis and MongoDB connections are encrypted from the start or not at all: choose off, require or verify-full.",
            ))
        }
        (false, Some(tls)) => tls,
    };
    Ok(Valid {
        name,
        kind,
        host: Some(host),
        port,
        database,
        username,
        tls,
        path: None,
    })
}
