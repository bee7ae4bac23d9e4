//! Readiness and first set-up of a database server: one probe attempt at a time (the caller loops
//! with [`backoff`] under its own deadline), and an idempotent `configure` once it answers.
//!
//! A published container port accepts TCP before the server inside listens, and the official images
//! start a temporary init server that is not reachable over TCP: only an authenticated round trip
//! proves readiness. Errors say whether waiting can help ([`ProbeError::NotReady`]) or not
//! ([`ProbeError::Refused`]); none ever carries the password.

mod bson;
mod mongodb;
mod mysql;
mod postgres;
mod redis;

use std::time::Duration;

use sqlx::mysql::MySqlDatabaseError;

use mongodb::probe_mongodb;
use mysql::{configure_mysql, mysql_verdict, probe_mysql};
use postgres::{configure_postgres, postgres_verdict, probe_postgres};
use quantum_kernel::Engine;
use quantum_secrets::Secret;
use redis::probe_redis;

/// How long one probe attempt may take, connection and query together.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// `configure` may create a database, which copies a template on Postgres: more than a probe.
const CONFIGURE_TIMEOUT: Duration = Duration::from_secs(30);
/// The database every Postgres cluster has, to connect to before the target database exists.
const POSTGRES_MAINTENANCE_DATABASE: &str = "postgres";
/// Shown instead of the password should a server echo it back in an error.
const REDACTED: &str = "••••••";

const FIRST_DELAY: Duration = Duration::from_millis(10);
const DELAY_GROWTH: f64 = 1.5;
const MAX_DELAY: Duration = Duration::from_millis(250);

/// Where a datasource's server listens and how to log in to it.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint<'a> {
    pub engine: Engine,
    pub host: &'a str,
    pub port: u16,
    pub user: &'a str,
    pub password: &'a Secret,
    pub database: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// Not ready yet: connection refused/reset/closed, server starting up, unknown database during
    /// init, no answer in time. Worth retrying.
    #[error("{0}")]
    NotReady(String),
    /// Will not get better by waiting: authentication failed, protocol mismatch (wrong engine on
    /// that port), access denied.
    #[error("{0}")]
    Refused(String),
}

/// Whether waiting can help, before the message is attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    NotReady,
    Refused,
}

impl Endpoint<'_> {
    /// "PostgreSQL at 127.0.0.1:5432", the subject of every message.
    fn describe(&self) -> String {
        format!("{} at {}:{}", self.engine.label(), self.host, self.port)
    }

    /// Builds the error, scrubbing the password in case the server echoed it back.
    fn error(&self, verdict: Verdict, message: String) -> ProbeError {
        let password = self.password.expose();
        let message = if password.is_empty() {
            message
        } else {
            message.replace(password, REDACTED)
        };
        match verdict {
            Verdict::NotReady => ProbeError::NotReady(message),
            Verdict::Refused => ProbeError::Refused(message),
        }
    }

    fn unreachable(&self, error: &std::io::Error) -> ProbeError {
        self.error(
            Verdict::NotReady,
            format!(
                "{} is not accepting connections yet: {error}",
                self.describe()
            ),
        )
    }

    fn closed(&self) -> ProbeError {
        self.error(
            Verdict::NotReady,
            format!("{} closed the connection", self.describe()),
        )
    }

    fn not_understood(&self, what: &str) -> ProbeError {
        self.error(
            Verdict::Refused,
            format!(
                "{} does not speak the {} protocol: {what}",
                self.describe(),
                self.engine.label()
            ),
        )
    }
}

/// One readiness attempt, bounded by a short timeout: an authenticated `SELECT 1` for Postgres and
/// MySQL/MariaDB, `AUTH` (with a password) then `PING` for Redis, `hello` for MongoDB.
pub async fn probe(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let attempt = async {
        match endpoint.engine {
            Engine::Postgres => probe_postgres(endpoint).await,
            Engine::Mysql | Engine::Mariadb => probe_mysql(endpoint).await,
            Engine::Redis => probe_redis(endpoint).await,
            Engine::Mongodb => probe_mongodb(endpoint).await,
        }
    };
    within(ATTEMPT_TIMEOUT, endpoint, attempt).await
}

/// Idempotent set-up after first readiness, as the datasource's user: Postgres creates the
/// database if missing; MySQL/MariaDB create it if missing, grant the user all privileges on it
/// when the user holds the global grant option, and check the user can `USE` it; Redis needs
/// nothing; MongoDB only the probe (the image's `MONGO_INITDB_*` variables create the root user).
pub async fn configure(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let set_up = async {
        match endpoint.engine {
            Engine::Postgres => configure_postgres(endpoint).await,
            Engine::Mysql | Engine::Mariadb => configure_mysql(endpoint).await,
            Engine::Redis => Ok(()),
            Engine::Mongodb => probe_mongodb(endpoint).await,
        }
    };
    within(CONFIGURE_TIMEOUT, endpoint, set_up).await
}

/// Delays between probes: 10 ms, growing ×1.5, capped at 250 ms. Never ends.
pub fn backoff() -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(FIRST_DELAY), |delay| {
        Some(delay.mul_f64(DELAY_GROWTH).min(MAX_DELAY))
    })
}

async fn within(
    limit: Duration,
    endpoint: &Endpoint<'_>,
    work: impl std::future::Future<Output = Result<(), ProbeError>>,
) -> Result<(), ProbeError> {
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        Err(endpoint.error(
            Verdict::NotReady,
            format!(
                "{} did not answer within {} s",
                endpoint.describe(),
                limit.as_secs()
            ),
        ))
    })
}

pub(super) fn classify_sqlx(endpoint: &Endpoint<'_>, error: sqlx::Error) -> ProbeError {
    let who = endpoint.describe();
    match &error {
        // Refused, reset or closed: the init server is not on TCP, or the server is restarting.
        sqlx::Error::Io(io) => endpoint.unreachable(io),
        sqlx::Error::Database(database_error) => {
            let verdict = match endpoint.engine {
                Engine::Postgres => database_error
                    .code()
                    .map_or(Verdict::Refused, |code| postgres_verdict(&code)),
                _ => database_error
                    .try_downcast_ref::<MySqlDatabaseError>()
                    .map_or(Verdict::Refused, |mysql| mysql_verdict(mysql.number())),
            };
            endpoint.error(verdict, format!("{who}: {}", database_error.message()))
        }
        sqlx::Error::Protocol(detail) => endpoint.not_understood(detail),
        sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => {
            endpoint.error(Verdict::NotReady, format!("{who}: {error}"))
        }
        _ => endpoint.error(Verdict::Refused, format!("{who}: {error}")),
    }
}

/// Neither dialect accepts an empty quoted name or a NUL inside one.
pub(super) fn check_identifier(endpoint: &Endpoint<'_>, name: &str) -> Result<(), ProbeError> {
    if name.is_empty() || name.contains('\0') {
        return Err(endpoint.error(
            Verdict::Refused,
            format!("{name:?} cannot name a database or user"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::mysql::quote_mysql_identifier;
    use super::postgres::quote_postgres_identifier;
    pub(super) use super::*;

    pub(super) const PASSWORD: &str = "s3cret-Pw";

    pub(super) fn endpoint<'a>(engine: Engine, port: u16, password: &'a Secret) -> Endpoint<'a> {
        Endpoint {
            engine,
            host: "127.0.0.1",
            port,
            user: "app",
            password,
            database: "app",
        }
    }

    pub(super) fn message(error: &ProbeError) -> &str {
        match error {
            ProbeError::NotReady(message) | ProbeError::Refused(message) => message,
        }
    }

    /// A port on which nothing listens: bound, then released.
    pub(super) async fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        listener.local_addr().expect("local address").port()
    }

    /// Serves one connection with `serve`, returning the port to probe.
    pub(super) async fn fake_server<F, Fut>(serve: F) -> u16
    where
        F: FnOnce(TcpStream) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake server");
        let port = listener.local_addr().expect("local address").port();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept the probe");
            serve(stream).await;
        });
        port
    }

    // --- Postgres, MySQL, common ---------------------------------------------------------

    #[tokio::test]
    async fn nothing_listening_is_not_ready_for_every_engine() {
        let port = closed_port().await;
        let password = Secret::new(PASSWORD);
        for engine in Engine::ALL {
            let started = Instant::now();
            let error = probe(&endpoint(engine, port, &password))
                .await
                .expect_err("nothing listens");
            assert!(
                matches!(error, ProbeError::NotReady(_)),
                "{engine:?}: {error:?}"
            );
            assert!(
                started.elapsed() < ATTEMPT_TIMEOUT,
                "{engine:?} answered fast"
            );
        }
    }

    #[tokio::test]
    async fn a_silent_server_times_out_as_not_ready() {
        let port = fake_server(|stream| async move {
            // Holds the connection open without a word until the probe gives up.
            let mut stream = stream;
            let mut sink = Vec::new();
            let _ = stream.read_to_end(&mut sink).await;
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mysql, port, &password))
            .await
            .expect_err("silent");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
        assert!(message(&error).contains("did not answer"), "{error}");
    }

    #[tokio::test]
    async fn postgres_answer_from_a_non_postgres_server_is_refused() {
        // A Redis server replies to what it takes for an inline command with an error line.
        let port = fake_server(|mut stream| async move {
            let mut startup = [0u8; 8];
            let _ = stream.read_exact(&mut startup).await;
            let _ = stream.write_all(b"-ERR unknown command\r\n").await;
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Postgres, port, &password))
            .await
            .expect_err("not Postgres");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[test]
    fn postgres_sqlstates_are_classified() {
        for starting in ["57P03", "57P01", "53300", "08006", "3D000"] {
            assert_eq!(postgres_verdict(starting), Verdict::NotReady, "{starting}");
        }
        for refused in ["28P01", "28000", "42501", "XX000"] {
            assert_eq!(postgres_verdict(refused), Verdict::Refused, "{refused}");
        }
    }

    #[test]
    fn mysql_error_numbers_are_classified() {
        for starting in [1040, 1049, 1053] {
            assert_eq!(mysql_verdict(starting), Verdict::NotReady, "{starting}");
        }
        for refused in [1045, 1044, 1130] {
            assert_eq!(mysql_verdict(refused), Verdict::Refused, "{refused}");
        }
    }

    #[test]
    fn identifiers_are_quoted_per_dialect() {
        let password = Secret::new(PASSWORD);
        let endpoint = endpoint(Engine::Postgres, 1, &password);
        assert_eq!(
            quote_postgres_identifier(&endpoint, "shop").expect("valid"),
            "\"shop\""
        );
        assert_eq!(
            quote_postgres_identifier(&endpoint, "a\"b; DROP DATABASE x; --").expect("valid"),
            "\"a\"\"b; DROP DATABASE x; --\""
        );
        assert_eq!(
            quote_mysql_identifier(&endpoint, "it`s").expect("valid"),
            "`it``s`"
        );
        assert_eq!(
            quote_mysql_identifier(&endpoint, "a\"b").expect("valid"),
            "`a\"b`"
        );
        for invalid in ["", "a\0b"] {
            assert!(matches!(
                quote_postgres_identifier(&endpoint, invalid),
                Err(ProbeError::Refused(_))
            ));
            assert!(matches!(
                quote_mysql_identifier(&endpoint, invalid),
                Err(ProbeError::Refused(_))
            ));
        }
    }

    #[test]
    fn backoff_grows_by_half_from_10_ms_to_a_250_ms_cap() {
        let delays: Vec<u128> = backoff().take(12).map(|d| d.as_micros()).collect();
        assert_eq!(
            delays,
            [
                10_000, 15_000, 22_500, 33_750, 50_625, 75_937, 113_906, 170_859, 250_000, 250_000,
                250_000, 250_000
            ]
        );
    }
}
