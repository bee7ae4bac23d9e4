//! The database engines the app can run, and what each needs: image, port, data path, environment,
//! and how clients reach it.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    #[default]
    Postgres,
    Mysql,
    Mariadb,
    Mongodb,
    Redis,
}

impl Engine {
    pub const ALL: [Engine; 5] = [
        Self::Postgres,
        Self::Mysql,
        Self::Mariadb,
        Self::Mongodb,
        Self::Redis,
    ];

    /// The stable name used in SQL, container labels and generated names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
            Self::Mariadb => "mariadb",
            Self::Mongodb => "mongodb",
            Self::Redis => "redis",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Self::Postgres => "PostgreSQL",
            Self::Mysql => "MySQL",
            Self::Mariadb => "MariaDB",
            Self::Mongodb => "MongoDB",
            Self::Redis => "Redis",
        }
    }

    /// The official image used unless the user picks another.
    pub fn default_image(self) -> &'static str {
        match self {
            Self::Postgres => "postgres:16-alpine",
            Self::Mysql => "mysql:8.0",
            Self::Mariadb => "mariadb:11.2",
            Self::Mongodb => "mongo:7.0",
            Self::Redis => "redis:7.2-alpine",
        }
    }

    /// The port the server listens on inside its container, and the first one tried on the host.
    pub fn default_port(self) -> u16 {
        match self {
            Self::Postgres => 5432,
            Self::Mysql | Self::Mariadb => 3306,
            Self::Mongodb => 27017,
            Self::Redis => 6379,
        }
    }

    /// Where the server keeps its data inside the container: the named volume is mounted here.
    pub fn data_path(self) -> &'static str {
        match self {
            Self::Postgres => "/var/lib/postgresql/data",
            Self::Mysql | Self::Mariadb => "/var/lib/mysql",
            Self::Mongodb => "/data/db",
            Self::Redis => "/data",
        }
    }

    /// What the server logs once it accepts connections: readiness is probed at once on seeing it.
    pub fn ready_log_marker(self) -> &'static str {
        match self {
            Self::Postgres => "ready to accept connections",
            Self::Mysql | Self::Mariadb => "ready for connections",
            Self::Mongodb => "Waiting for connections",
            Self::Redis => "Ready to accept connections",
        }
    }

    /// Redis has neither named databases nor (in the official image's set-up) users.
    pub fn has_database_and_user(self) -> bool {
        !matches!(self, Self::Redis)
    }
}

/// Whether a connection to a Redis or MongoDB server is encrypted. Neither negotiates TLS as
/// PostgreSQL does: a connection is encrypted from its first byte or not at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsPolicy {
    Off,
    /// Encrypted, the certificate not checked.
    Unverified,
    /// Encrypted, the certificate checked against the system's authorities and the host name.
    Verified,
}
