//! A Redis keyspace, browsed as developers name keys: `user:1042:cart` sits under `user:`, then
//! `user:1042:`. One level is read with SCAN (never KEYS, which blocks the server), its keys'
//! types and TTLs pipelined a thousand at a time, and memory measured with `MEMORY USAGE` on a
//! sample of each group. A key's value is read by its type, its first elements only.

mod error;
mod level;
mod value;

use std::time::Duration;

use quantum_secrets::Secret;
use redis::aio::MultiplexedConnection;
use redis::{ConnectionAddr, IntoConnectionInfo, RedisConnectionInfo};

pub use error::{Error, Result};
pub use level::{keyspace, KeyGroup, KeyInfo, Keyspace, TypeCount};
pub use value::{value, HashField, KeyValue, RedisValue, ScoredMember, StreamEntry};

/// How long connecting, and any one command, may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where the Redis server is.
#[derive(Clone, Debug)]
pub struct Server {
    pub host: String,
    pub port: u16,
    /// Empty when the server asks for none.
    pub password: Secret,
}

impl Server {
    fn label(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// A session on the server, its errors told in the user's terms.
pub(crate) struct Session {
    connection: MultiplexedConnection,
    target: String,
}

impl Session {
    pub async fn open(server: &Server) -> Result<Self> {
        let target = server.label();
        let fail = |error: redis::RedisError| Error::from_redis(&target, &error);
        let mut settings = RedisConnectionInfo::default();
        if !server.password.expose().is_empty() {
            settings = settings.set_password(server.password.expose());
        }
        let info = ConnectionAddr::Tcp(server.host.clone(), server.port)
            .into_connection_info()
            .map_err(fail)?
            .set_redis_settings(settings);
        let client = redis::Client::open(info).map_err(fail)?;
        let connection = tokio::time::timeout(TIMEOUT, client.get_multiplexed_async_connection())
            .await
            .map_err(|_| Error::Timeout {
                target: target.clone(),
                seconds: TIMEOUT.as_secs(),
            })?
            .map_err(fail)?;
        Ok(Self { connection, target })
    }

    /// Runs a command or a pipeline, cut at the timeout.
    pub async fn query<T: redis::FromRedisValue>(
        &mut self,
        run: impl AsyncFnOnce(&mut MultiplexedConnection) -> redis::RedisResult<T>,
    ) -> Result<T> {
        match tokio::time::timeout(TIMEOUT, run(&mut self.connection)).await {
            Ok(result) => result.map_err(|error| Error::from_redis(&self.target, &error)),
            Err(_) => Err(Error::Timeout {
                target: self.target.clone(),
                seconds: TIMEOUT.as_secs(),
            }),
        }
    }
}

/// A key's bytes as text: UTF-8 as is, anything else lossily (shown, not used to address it).
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
