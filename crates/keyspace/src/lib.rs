//! A Redis keyspace, browsed as developers name keys: `user:1042:cart` sits under `user:`, then
//! `user:1042:`. One level is read with SCAN (never KEYS, which blocks the server), its keys'
//! types and TTLs pipelined a thousand at a time, and memory measured with `MEMORY USAGE` on a
//! sample of each group. A key's value is read by its type, its first elements only.

mod error;
mod level;
mod value;

use std::time::Duration;

use quantum_kernel::TlsPolicy;
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
    /// An ACL user (Redis 6+); empty for the default user.
    pub username: String,
    /// Empty when the server asks for none.
    pub password: Secret,
    pub tls: TlsPolicy,
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
        if !server.username.is_empty() {
            settings = settings.set_username(&server.username);
        }
        if !server.password.expose().is_empty() {
            settings = settings.set_password(server.password.expose());
        }
        let address = match server.tls {
            TlsPolicy::Off => ConnectionAddr::Tcp(server.host.clone(), server.port),
            policy => ConnectionAddr::TcpTls {
                host: server.host.clone(),
                port: server.port,
                insecure: policy == TlsPolicy::Unverified,
                tls_params: None,
            },
        };
        let info = address
            .into_connection_info()
            .map_err(fail)?
            .set_redis_settings(settings);
        let client = redis::Client::open(info).map_err(fail)?;
        // A server without TLS reads a ClientHello as a command line never finished: the
        // handshake stalls rather than fails, so with TLS on a stall is told as a TLS problem.
        let stalled = |target: &str| match server.tls {
            TlsPolicy::Off => Error::Timeout {
                target: target.to_owned(),
                seconds: TIMEOUT.as_secs(),
            },
            _ => Error::Tls {
                target: target.to_owned(),
                message: "the server did not answer the TLS handshake".to_owned(),
            },
        };
        let connection = tokio::time::timeout(TIMEOUT, client.get_multiplexed_async_connection())
            .await
            .map_err(|_| stalled(&target))?
            .map_err(|error| match error.is_timeout() {
                true => stalled(&target),
                false => fail(error),
            })?;
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

/// Connects and pings: what the "Add connection" form's Test button reports.
pub async fn check(server: &Server) -> Result<()> {
    let mut session = Session::open(server).await?;
    session
        .query(async |connection| redis::cmd("PING").query_async::<String>(connection).await)
        .await?;
    Ok(())
}

/// A key's bytes as text: UTF-8 as is, anything else lossily (shown, not used to address it).
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
