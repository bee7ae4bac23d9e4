//! The "Add connection" form, checked field by field before anything is stored or dialled.

use std::path::PathBuf;

use quantum_kernel::input::NumberInput;
use quantum_schema::{Server, Target, TlsMode};
use quantum_secrets::Secret;

use crate::{ConnectionInput, ConnectionKind, Error, Result};

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
    pub fn target(&self, password: String) -> Target {
        let server = || Server {
            host: self.host.clone().unwrap_or_default(),
            port: self.port.unwrap_or_default(),
            database: self.database.clone().unwrap_or_default(),
            username: self.username.clone().unwrap_or_default(),
            password: Secret::new(password.clone()),
            tls: self.tls,
        };
        match self.kind {
            ConnectionKind::Postgres => Target::Postgres(server()),
            ConnectionKind::Mysql => Target::Mysql(server()),
            ConnectionKind::Sqlite => Target::Sqlite(self.path.clone().unwrap_or_default()),
        }
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
    let kind = input
        .kind
        .ok_or_else(|| invalid("kind", "Choose PostgreSQL, MySQL/MariaDB or a SQLite file."))?;
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
    let database = text(&input.database_name)
        .ok_or_else(|| invalid("databaseName", "Give the name of the database to open."))?;
    let username = text(&input.username)
        .ok_or_else(|| invalid("username", "Give the user name to connect as."))?;
    Ok(Valid {
        name,
        kind,
        host: Some(host),
        port,
        database: Some(database),
        username: Some(username),
        tls: input.tls_mode.unwrap_or_default(),
        path: None,
    })
}
