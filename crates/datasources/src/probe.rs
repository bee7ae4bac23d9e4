//! Readiness and first set-up of a database server: one probe attempt at a time (the caller loops
//! with [`backoff`] under its own deadline), and an idempotent `configure` once it answers.
//!
//! A published container port accepts TCP before the server inside listens, and the official images
//! start a temporary init server that is not reachable over TCP: only an authenticated round trip
//! proves readiness. Errors say whether waiting can help ([`ProbeError::NotReady`]) or not
//! ([`ProbeError::Refused`]); none ever carries the password.

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode};
use sqlx::{ConnectOptions, Connection, Executor};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::Engine;
use quantum_secrets::Secret;

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

// ---------------------------------------------------------------------------------------------
// Postgres and MySQL/MariaDB, through sqlx.

fn postgres_options(endpoint: &Endpoint<'_>, database: &str) -> PgConnectOptions {
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

fn mysql_options(endpoint: &Endpoint<'_>) -> MySqlConnectOptions {
    MySqlConnectOptions::new()
        .host(endpoint.host)
        .port(endpoint.port)
        .username(endpoint.user)
        .password(endpoint.password.expose())
        .ssl_mode(MySqlSslMode::Disabled)
        .disable_statement_logging()
}

async fn probe_postgres(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let sql_error = |error| classify_sqlx(endpoint, error);
    let mut connection = postgres_options(endpoint, endpoint.database)
        .connect()
        .await
        .map_err(sql_error)?;
    connection.execute("SELECT 1").await.map_err(sql_error)?;
    close_postgres(connection).await;
    Ok(())
}

async fn probe_mysql(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
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

async fn configure_postgres(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
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

async fn configure_mysql(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
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
async fn has_global_grant_option(connection: &mut MySqlConnection) -> Result<bool, sqlx::Error> {
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

/// Says goodbye so that the server does not log an aborted connection for every probe; a failure
/// to do so changes nothing for the caller.
async fn close_postgres(connection: PgConnection) {
    if let Err(error) = connection.close().await {
        tracing::debug!(%error, "closing a Postgres probe connection failed");
    }
}

async fn close_mysql(connection: MySqlConnection) {
    if let Err(error) = connection.close().await {
        tracing::debug!(%error, "closing a MySQL probe connection failed");
    }
}

fn classify_sqlx(endpoint: &Endpoint<'_>, error: sqlx::Error) -> ProbeError {
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

/// Postgres SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
fn postgres_verdict(sqlstate: &str) -> Verdict {
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

/// MySQL/MariaDB error numbers
/// (https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html).
fn mysql_verdict(number: u16) -> Verdict {
    const TOO_MANY_CONNECTIONS: u16 = 1040;
    const UNKNOWN_DATABASE: u16 = 1049;
    const SHUTDOWN_IN_PROGRESS: u16 = 1053;
    match number {
        TOO_MANY_CONNECTIONS | UNKNOWN_DATABASE | SHUTDOWN_IN_PROGRESS => Verdict::NotReady,
        // 1045 access denied, 1044 no access to the database, 1130 host not allowed, and the rest.
        _ => Verdict::Refused,
    }
}

/// `"name"` with inner quotes doubled: the only safe way to put a name where SQL cannot bind it.
fn quote_postgres_identifier(endpoint: &Endpoint<'_>, name: &str) -> Result<String, ProbeError> {
    check_identifier(endpoint, name)?;
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}

/// `` `name` `` with inner backticks doubled.
fn quote_mysql_identifier(endpoint: &Endpoint<'_>, name: &str) -> Result<String, ProbeError> {
    check_identifier(endpoint, name)?;
    Ok(format!("`{}`", name.replace('`', "``")))
}

/// Neither dialect accepts an empty quoted name or a NUL inside one.
fn check_identifier(endpoint: &Endpoint<'_>, name: &str) -> Result<(), ProbeError> {
    if name.is_empty() || name.contains('\0') {
        return Err(endpoint.error(
            Verdict::Refused,
            format!("{name:?} cannot name a database or user"),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Redis, over RESP (https://redis.io/docs/latest/develop/reference/protocol-spec/).

/// Longest reply line accepted: ours are a few words; more means this is not Redis.
const MAX_REDIS_LINE: u64 = 64 * 1024;

async fn probe_redis(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let stream = TcpStream::connect((endpoint.host, endpoint.port))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let mut stream = BufReader::new(stream);
    let password = endpoint.password.expose();
    if !password.is_empty() {
        redis_expect(endpoint, &mut stream, &[b"AUTH", password.as_bytes()], "OK").await?;
    }
    redis_expect(endpoint, &mut stream, &[b"PING"], "PONG").await
}

/// Sends one command and expects the simple-string reply `+{expected}`.
async fn redis_expect(
    endpoint: &Endpoint<'_>,
    stream: &mut BufReader<TcpStream>,
    command: &[&[u8]],
    expected: &str,
) -> Result<(), ProbeError> {
    stream
        .write_all(&resp_command(command))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let mut line = Vec::new();
    (&mut *stream)
        .take(MAX_REDIS_LINE)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let Some(text) = line.strip_suffix(b"\r\n") else {
        return Err(if line.len() as u64 == MAX_REDIS_LINE {
            endpoint.not_understood("the reply line never ends")
        } else {
            endpoint.closed()
        });
    };
    let text = String::from_utf8_lossy(text);
    match text.split_at_checked(1) {
        Some(("+", reply)) if reply == expected => Ok(()),
        Some(("-", error)) => Err(endpoint.error(
            redis_error_verdict(error),
            format!("{} answered: {error}", endpoint.describe()),
        )),
        Some(("+" | ":" | "$" | "*", _)) => {
            Err(endpoint.not_understood(&format!("expected +{expected}, got {text}")))
        }
        _ => Err(endpoint.not_understood("the reply is not RESP")),
    }
}

/// A command as a RESP array of bulk strings, the form that carries any byte safely.
fn resp_command(arguments: &[&[u8]]) -> Vec<u8> {
    let mut encoded = format!("*{}\r\n", arguments.len()).into_bytes();
    for argument in arguments {
        encoded.extend_from_slice(format!("${}\r\n", argument.len()).as_bytes());
        encoded.extend_from_slice(argument);
        encoded.extend_from_slice(b"\r\n");
    }
    encoded
}

/// Redis error replies start with an upper-case code; these few pass with time.
fn redis_error_verdict(error: &str) -> Verdict {
    match error.split_whitespace().next() {
        Some("LOADING" | "BUSY" | "MASTERDOWN" | "TRYAGAIN") => Verdict::NotReady,
        // WRONGPASS, NOAUTH, ERR (e.g. AUTH without a configured password), DENIED (protected mode).
        _ => Verdict::Refused,
    }
}

// ---------------------------------------------------------------------------------------------
// MongoDB: one OP_MSG `hello`, per the wire protocol spec
// (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/) and BSON 1.1
// (https://bsonspec.org/spec.html). All integers are little-endian.

/// `opCode` of OP_MSG, the only message kind modern servers speak.
const OP_MSG: i32 = 2013;
/// messageLength, requestID, responseTo, opCode: four int32.
const HEADER_LEN: usize = 16;
/// flagBits bit 0: a CRC-32C of the message follows the sections.
const CHECKSUM_PRESENT: u32 = 1;
/// flagBits bit 1: another reply follows without a request (exhaust cursors).
const MORE_TO_COME: u32 = 1 << 1;
/// Bits 0-15 are "required": a parser must reject a message with one it does not know.
const REQUIRED_FLAG_BITS: u32 = 0xFFFF;
/// The default `maxMessageSizeBytes` of MongoDB servers.
const MAX_MONGODB_MESSAGE: usize = 48_000_000;
/// The smallest valid reply: header, flagBits, one kind-0 section holding an empty document.
const MIN_MONGODB_REPLY: usize = HEADER_LEN + 4 + 1 + 5;

/// MongoDB error codes that waiting will not fix: Unauthorized, AuthenticationFailed, and
/// CommandNotFound (a server older than 4.4.2 that has no `hello`).
const MONGODB_PERMANENT_ERRORS: [i32; 3] = [13, 18, 59];

static NEXT_MONGODB_REQUEST_ID: AtomicI32 = AtomicI32::new(1);

async fn probe_mongodb(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let mut stream = TcpStream::connect((endpoint.host, endpoint.port))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let request_id = NEXT_MONGODB_REQUEST_ID.fetch_add(1, Ordering::Relaxed);
    let hello = bson::Document::new()
        .with("hello", bson::Value::Int32(1))
        .with("$db", bson::Value::String("admin".to_owned()));
    stream
        .write_all(&op_msg(request_id, &hello))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;

    let read_failed = |error: std::io::Error| {
        if error.kind() == std::io::ErrorKind::UnexpectedEof {
            endpoint.closed()
        } else {
            endpoint.unreachable(&error)
        }
    };
    let mut length_bytes = [0u8; 4];
    stream
        .read_exact(&mut length_bytes)
        .await
        .map_err(read_failed)?;
    let length = i32::from_le_bytes(length_bytes);
    let Some(length) = usize::try_from(length)
        .ok()
        .filter(|length| (MIN_MONGODB_REPLY..=MAX_MONGODB_MESSAGE).contains(length))
    else {
        return Err(endpoint.not_understood(&format!("a reply of {length} bytes")));
    };
    let mut message = vec![0u8; length];
    message[..4].copy_from_slice(&length_bytes);
    stream
        .read_exact(&mut message[4..])
        .await
        .map_err(read_failed)?;

    let reply = parse_op_msg_reply(&message, request_id)
        .map_err(|error| endpoint.not_understood(&error.0))?;
    hello_verdict(endpoint, &reply)
}

/// An OP_MSG with no flags and a single kind-0 section holding `body`.
fn op_msg(request_id: i32, body: &bson::Document) -> Vec<u8> {
    let body = body.encode();
    let length = HEADER_LEN + 4 + 1 + body.len();
    let mut message = Vec::with_capacity(length);
    // The hello message is a few dozen bytes: its length fits an int32.
    message.extend_from_slice(&(length as i32).to_le_bytes());
    message.extend_from_slice(&request_id.to_le_bytes());
    message.extend_from_slice(&0i32.to_le_bytes()); // responseTo: none, this is a request
    message.extend_from_slice(&OP_MSG.to_le_bytes());
    message.extend_from_slice(&0u32.to_le_bytes()); // flagBits
    message.push(0); // section kind 0: the body
    message.extend_from_slice(&body);
    message
}

/// The body of a whole OP_MSG reply (`message` includes the header) to request `request_id`.
fn parse_op_msg_reply(message: &[u8], request_id: i32) -> Result<bson::Document, bson::Malformed> {
    let mut reader = bson::Reader::new(message);
    let length = reader.i32()?;
    if usize::try_from(length).ok() != Some(message.len()) {
        return Err(bson::Malformed::new(
            "messageLength does not match the message",
        ));
    }
    let _own_request_id = reader.i32()?;
    let response_to = reader.i32()?;
    let op_code = reader.i32()?;
    if op_code != OP_MSG {
        return Err(bson::Malformed::new(format!(
            "opCode {op_code} instead of OP_MSG"
        )));
    }
    if response_to != request_id {
        return Err(bson::Malformed::new(format!(
            "a reply to request {response_to}, not {request_id}"
        )));
    }
    let flags = reader.u32()?;
    if flags & REQUIRED_FLAG_BITS & !(CHECKSUM_PRESENT | MORE_TO_COME) != 0 {
        return Err(bson::Malformed::new(format!("unknown flagBits {flags:#x}")));
    }
    // The checksum only guards against corruption, which TCP already does: skipped, not checked.
    let sections_end = if flags & CHECKSUM_PRESENT != 0 {
        message
            .len()
            .checked_sub(4)
            .ok_or_else(|| bson::Malformed::new("no room for the checksum"))?
    } else {
        message.len()
    };
    let mut sections = bson::Reader::new(&message[reader.position()..sections_end]);
    let mut body = None;
    while !sections.is_empty() {
        match sections.u8()? {
            0 if body.is_none() => body = Some(sections.document()?),
            0 => return Err(bson::Malformed::new("two body sections")),
            // A document sequence: int32 size (counting itself), identifier, documents.
            1 => {
                let size = sections.i32()?;
                let rest = usize::try_from(size)
                    .ok()
                    .and_then(|size| size.checked_sub(4))
                    .ok_or_else(|| bson::Malformed::new("a negative section size"))?;
                sections.take(rest)?;
            }
            kind => {
                return Err(bson::Malformed::new(format!("section kind {kind}")));
            }
        }
    }
    body.ok_or_else(|| bson::Malformed::new("no body section"))
}

/// `ok: 1` means ready. A failed `hello` is unusual: it happens while the server shuts down or
/// steps down, which passes (NotReady), unless its code says otherwise (Refused).
fn hello_verdict(endpoint: &Endpoint<'_>, reply: &bson::Document) -> Result<(), ProbeError> {
    let ok = match reply.get("ok") {
        Some(bson::Value::Double(ok)) => *ok == 1.0,
        Some(bson::Value::Int32(ok)) => *ok == 1,
        _ => return Err(endpoint.not_understood("the hello reply has no ok field")),
    };
    if ok {
        return Ok(());
    }
    let code = match reply.get("code") {
        Some(bson::Value::Int32(code)) => Some(*code),
        _ => None,
    };
    let message = match reply.get("errmsg") {
        Some(bson::Value::String(message)) => message.as_str(),
        _ => "hello failed",
    };
    let verdict = match code {
        Some(code) if MONGODB_PERMANENT_ERRORS.contains(&code) => Verdict::Refused,
        _ => Verdict::NotReady,
    };
    Err(endpoint.error(verdict, format!("{}: {message}", endpoint.describe())))
}

/// The little of BSON a `hello` needs: documents of doubles, strings, documents, booleans and
/// int32 are read and written; every other type is skipped when read.
mod bson {
    use std::fmt;

    /// Nested documents deeper than this are refused rather than recursed into.
    const MAX_DEPTH: usize = 64;

    #[derive(Clone, Debug, PartialEq)]
    pub(super) enum Value {
        Double(f64),
        String(String),
        Document(Document),
        Boolean(bool),
        Int32(i32),
    }

    /// Fields in order, as BSON keeps them.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub(super) struct Document(Vec<(String, Value)>);

    #[derive(Debug, PartialEq, Eq)]
    pub(super) struct Malformed(pub(super) String);

    impl Malformed {
        pub(super) fn new(message: impl Into<String>) -> Self {
            Self(message.into())
        }
    }

    impl fmt::Display for Malformed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl Document {
        pub(super) fn new() -> Self {
            Self::default()
        }

        /// Appends a field. Keys are constants of ours and never contain NUL.
        pub(super) fn with(mut self, key: &str, value: Value) -> Self {
            self.0.push((key.to_owned(), value));
            self
        }

        pub(super) fn get(&self, key: &str) -> Option<&Value> {
            self.0
                .iter()
                .find_map(|(name, value)| (name == key).then_some(value))
        }

        /// `int32 total length, elements, 0x00`; each element `type byte, cstring key, value`.
        pub(super) fn encode(&self) -> Vec<u8> {
            let mut out = vec![0u8; 4];
            for (key, value) in &self.0 {
                out.push(value.type_byte());
                out.extend_from_slice(key.as_bytes());
                out.push(0);
                match value {
                    Value::Double(number) => out.extend_from_slice(&number.to_le_bytes()),
                    Value::String(text) => {
                        // The length counts the trailing NUL.
                        out.extend_from_slice(&(text.len() as i32 + 1).to_le_bytes());
                        out.extend_from_slice(text.as_bytes());
                        out.push(0);
                    }
                    Value::Document(document) => out.extend_from_slice(&document.encode()),
                    Value::Boolean(flag) => out.push(u8::from(*flag)),
                    Value::Int32(number) => out.extend_from_slice(&number.to_le_bytes()),
                }
            }
            out.push(0);
            // Documents built here are small: their length fits an int32.
            let length = out.len() as i32;
            out[..4].copy_from_slice(&length.to_le_bytes());
            out
        }
    }

    impl Value {
        fn type_byte(&self) -> u8 {
            match self {
                Self::Double(_) => 0x01,
                Self::String(_) => 0x02,
                Self::Document(_) => 0x03,
                Self::Boolean(_) => 0x08,
                Self::Int32(_) => 0x10,
            }
        }
    }

    /// A cursor over bytes that fails instead of reading past the end.
    pub(super) struct Reader<'a> {
        bytes: &'a [u8],
        position: usize,
    }

    impl<'a> Reader<'a> {
        pub(super) fn new(bytes: &'a [u8]) -> Self {
            Self { bytes, position: 0 }
        }

        pub(super) fn position(&self) -> usize {
            self.position
        }

        pub(super) fn is_empty(&self) -> bool {
            self.position == self.bytes.len()
        }

        pub(super) fn take(&mut self, count: usize) -> Result<&'a [u8], Malformed> {
            let end = self
                .position
                .checked_add(count)
                .filter(|end| *end <= self.bytes.len())
                .ok_or_else(|| Malformed::new("truncated"))?;
            let taken = &self.bytes[self.position..end];
            self.position = end;
            Ok(taken)
        }

        fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
            let mut array = [0u8; N];
            array.copy_from_slice(self.take(N)?);
            Ok(array)
        }

        pub(super) fn u8(&mut self) -> Result<u8, Malformed> {
            Ok(self.array::<1>()?[0])
        }

        pub(super) fn i32(&mut self) -> Result<i32, Malformed> {
            self.array().map(i32::from_le_bytes)
        }

        pub(super) fn u32(&mut self) -> Result<u32, Malformed> {
            self.array().map(u32::from_le_bytes)
        }

        fn f64(&mut self) -> Result<f64, Malformed> {
            self.array().map(f64::from_le_bytes)
        }

        /// An int32 length that must be at least `minimum`.
        fn length(&mut self, minimum: usize) -> Result<usize, Malformed> {
            let length = self.i32()?;
            usize::try_from(length)
                .ok()
                .filter(|length| *length >= minimum)
                .ok_or_else(|| Malformed::new(format!("invalid length {length}")))
        }

        fn cstring(&mut self) -> Result<String, Malformed> {
            let rest = &self.bytes[self.position..];
            let end = rest
                .iter()
                .position(|byte| *byte == 0)
                .ok_or_else(|| Malformed::new("unterminated cstring"))?;
            let text = self.take(end)?;
            self.take(1)?;
            utf8(text)
        }

        /// `int32 length (counting the NUL), bytes, 0x00`.
        fn string(&mut self) -> Result<String, Malformed> {
            let length = self.length(1)?;
            let bytes = self.take(length)?;
            match bytes.split_last() {
                Some((0, text)) => utf8(text),
                _ => Err(Malformed::new("unterminated string")),
            }
        }

        /// A whole document at the cursor.
        pub(super) fn document(&mut self) -> Result<Document, Malformed> {
            self.document_at_depth(0)
        }

        fn document_at_depth(&mut self, depth: usize) -> Result<Document, Malformed> {
            if depth > MAX_DEPTH {
                return Err(Malformed::new("documents nested too deeply"));
            }
            let start = self.position;
            // At least the length itself and the terminating 0x00.
            let length = self.length(5)?;
            self.position = start;
            let mut elements = Reader::new(self.take(length)?);
            elements.take(4)?;
            let mut document = Document::new();
            loop {
                let element_type = elements.u8()?;
                if element_type == 0 {
                    break;
                }
                let key = elements.cstring()?;
                if let Some(value) = elements.value(element_type, depth)? {
                    document.0.push((key, value));
                }
            }
            if !elements.is_empty() {
                return Err(Malformed::new("bytes after the end of a document"));
            }
            Ok(document)
        }

        /// Reads one value, or skips it (None) when it is of a type we do not keep.
        fn value(&mut self, element_type: u8, depth: usize) -> Result<Option<Value>, Malformed> {
            let value = match element_type {
                0x01 => Value::Double(self.f64()?),
                0x02 => Value::String(self.string()?),
                0x03 => Value::Document(self.document_at_depth(depth + 1)?),
                0x08 => match self.u8()? {
                    0 => Value::Boolean(false),
                    1 => Value::Boolean(true),
                    other => return Err(Malformed::new(format!("boolean byte {other}"))),
                },
                0x10 => Value::Int32(self.i32()?),
                // Array: a document with keys "0", "1", ...
                0x04 => {
                    self.document_at_depth(depth + 1)?;
                    return Ok(None);
                }
                // Binary: int32 length, subtype byte, bytes.
                0x05 => {
                    let length = self.length(0)?;
                    self.take(length + 1)?;
                    return Ok(None);
                }
                // Undefined, null, min key, max key: no value bytes.
                0x06 | 0x0A | 0xFF | 0x7F => return Ok(None),
                // ObjectId.
                0x07 => {
                    self.take(12)?;
                    return Ok(None);
                }
                // UTC datetime, timestamp, int64.
                0x09 | 0x11 | 0x12 => {
                    self.take(8)?;
                    return Ok(None);
                }
                // Regular expression: pattern and options cstrings.
                0x0B => {
                    self.cstring()?;
                    self.cstring()?;
                    return Ok(None);
                }
                // DBPointer: string and ObjectId.
                0x0C => {
                    self.string()?;
                    self.take(12)?;
                    return Ok(None);
                }
                // JavaScript code, symbol.
                0x0D | 0x0E => {
                    self.string()?;
                    return Ok(None);
                }
                // Code with scope: int32 total length counting itself.
                0x0F => {
                    let length = self.length(4)?;
                    self.take(length - 4)?;
                    return Ok(None);
                }
                // Decimal128.
                0x13 => {
                    self.take(16)?;
                    return Ok(None);
                }
                other => return Err(Malformed::new(format!("unknown BSON type {other:#04x}"))),
            };
            Ok(Some(value))
        }
    }

    fn utf8(bytes: &[u8]) -> Result<String, Malformed> {
        String::from_utf8(bytes.to_vec()).map_err(|_| Malformed::new("a string that is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    const PASSWORD: &str = "s3cret-Pw";

    fn endpoint<'a>(engine: Engine, port: u16, password: &'a Secret) -> Endpoint<'a> {
        Endpoint {
            engine,
            host: "127.0.0.1",
            port,
            user: "app",
            password,
            database: "app",
        }
    }

    fn message(error: &ProbeError) -> &str {
        match error {
            ProbeError::NotReady(message) | ProbeError::Refused(message) => message,
        }
    }

    /// A port on which nothing listens: bound, then released.
    async fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        listener.local_addr().expect("local address").port()
    }

    /// Serves one connection with `serve`, returning the port to probe.
    async fn fake_server<F, Fut>(serve: F) -> u16
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

    // --- Redis ---------------------------------------------------------------------------

    /// Reads one RESP array of bulk strings, as the probe sends commands; None at end of stream.
    async fn read_resp_command(stream: &mut BufReader<TcpStream>) -> Option<Vec<String>> {
        let mut line = String::new();
        if stream.read_line(&mut line).await.expect("read") == 0 {
            return None;
        }
        let count: usize = line
            .strip_prefix('*')
            .and_then(|rest| rest.trim_end().parse().ok())
            .expect("a RESP array header");
        let mut arguments = Vec::new();
        for _ in 0..count {
            line.clear();
            stream.read_line(&mut line).await.expect("read");
            let length: usize = line
                .strip_prefix('$')
                .and_then(|rest| rest.trim_end().parse().ok())
                .expect("a bulk string header");
            let mut argument = vec![0u8; length + 2];
            stream.read_exact(&mut argument).await.expect("read");
            assert_eq!(&argument[length..], b"\r\n");
            argument.truncate(length);
            arguments.push(String::from_utf8(argument).expect("UTF-8"));
        }
        Some(arguments)
    }

    /// A fake Redis answering each command with `answer(command)`; records what it received.
    async fn fake_redis(
        answer: fn(&[String]) -> &'static str,
    ) -> (u16, tokio::sync::oneshot::Receiver<Vec<Vec<String>>>) {
        let (sender, received) = tokio::sync::oneshot::channel();
        let port = fake_server(move |stream| async move {
            let mut stream = BufReader::new(stream);
            let mut commands = Vec::new();
            while let Some(command) = read_resp_command(&mut stream).await {
                let reply = answer(&command);
                commands.push(command);
                if stream.write_all(reply.as_bytes()).await.is_err() {
                    break;
                }
            }
            let _ = sender.send(commands);
        })
        .await;
        (port, received)
    }

    #[tokio::test]
    async fn redis_probe_authenticates_then_pings() {
        let (port, received) = fake_redis(|command| match command[0].as_str() {
            "AUTH" => "+OK\r\n",
            _ => "+PONG\r\n",
        })
        .await;
        let password = Secret::new(PASSWORD);
        probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect("ready");
        let commands = received.await.expect("the server saw the probe");
        assert_eq!(
            commands,
            [
                vec!["AUTH".to_owned(), PASSWORD.to_owned()],
                vec!["PING".to_owned()]
            ]
        );
    }

    #[tokio::test]
    async fn redis_probe_without_password_only_pings() {
        let (port, received) = fake_redis(|_| "+PONG\r\n").await;
        let password = Secret::new("");
        probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect("ready");
        let commands = received.await.expect("the server saw the probe");
        assert_eq!(commands, [vec!["PING".to_owned()]]);
    }

    #[tokio::test]
    async fn redis_wrong_password_is_refused() {
        let (port, _) =
            fake_redis(|_| "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
                .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("wrong password");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
        assert!(message(&error).contains("WRONGPASS"), "{error}");
    }

    #[tokio::test]
    async fn redis_missing_password_is_refused() {
        let (port, _) = fake_redis(|_| "-NOAUTH Authentication required.\r\n").await;
        let password = Secret::new("");
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("no password");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[tokio::test]
    async fn redis_loading_its_dataset_is_not_ready() {
        let (port, _) = fake_redis(|command| match command[0].as_str() {
            "AUTH" => "+OK\r\n",
            _ => "-LOADING Redis is loading the dataset in memory\r\n",
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("loading");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
    }

    #[tokio::test]
    async fn redis_error_echoing_the_password_is_redacted() {
        let (port, _) = fake_redis(|_| {
            "-ERR unknown command 'AUTH', with args beginning with: 's3cret-Pw' \r\n"
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("unknown command");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
        assert!(!message(&error).contains(PASSWORD), "{error}");
        assert!(message(&error).contains(REDACTED), "{error}");
    }

    #[tokio::test]
    async fn redis_closed_connection_is_not_ready() {
        // What Docker's proxy does while the server inside does not listen yet.
        let port = fake_server(|stream| async move { drop(stream) }).await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("closed");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
    }

    #[tokio::test]
    async fn a_server_that_does_not_speak_resp_is_refused() {
        let port = fake_server(|mut stream| async move {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("not Redis");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[test]
    fn resp_commands_are_arrays_of_bulk_strings() {
        assert_eq!(
            resp_command(&[b"AUTH", b"p w"]),
            b"*2\r\n$4\r\nAUTH\r\n$3\r\np w\r\n"
        );
    }

    // --- MongoDB -------------------------------------------------------------------------

    /// `{hello: 1, $db: "admin"}`, written out byte by byte from the BSON spec rather than by the
    /// encoder under test.
    const HELLO_BODY: &[u8] = &[
        31, 0, 0, 0, // document length
        0x10, b'h', b'e', b'l', b'l', b'o', 0, 1, 0, 0, 0, // int32 hello: 1
        0x02, b'$', b'd', b'b', 0, 6, 0, 0, 0, b'a', b'd', b'm', b'i', b'n', 0, // string $db
        0, // end of document
    ];

    /// `{ok: 1.0, isWritablePrimary: true}` plus fields of types the probe skips (an int64 date,
    /// a document holding an ObjectId and an int64, an array), as a real `hello` reply has.
    fn hello_reply_body(ok: f64) -> Vec<u8> {
        let mut elements = Vec::new();
        elements.push(0x08);
        elements.extend_from_slice(b"isWritablePrimary\0");
        elements.push(1);
        elements.push(0x09);
        elements.extend_from_slice(b"localTime\0");
        elements.extend_from_slice(&1_700_000_000_000i64.to_le_bytes());
        elements.push(0x03);
        elements.extend_from_slice(b"topologyVersion\0");
        let mut topology = Vec::new();
        topology.push(0x07);
        topology.extend_from_slice(b"processId\0");
        topology.extend_from_slice(&[0xAB; 12]);
        topology.push(0x12);
        topology.extend_from_slice(b"counter\0");
        topology.extend_from_slice(&0i64.to_le_bytes());
        elements.extend_from_slice(&document_bytes(&topology));
        elements.push(0x04);
        elements.extend_from_slice(b"saslSupportedMechs\0");
        let mut mechanisms = Vec::new();
        mechanisms.push(0x02);
        mechanisms.extend_from_slice(b"0\0");
        mechanisms.extend_from_slice(&14i32.to_le_bytes());
        mechanisms.extend_from_slice(b"SCRAM-SHA-256\0");
        elements.extend_from_slice(&document_bytes(&mechanisms));
        elements.push(0x01);
        elements.extend_from_slice(b"ok\0");
        elements.extend_from_slice(&ok.to_le_bytes());
        document_bytes(&elements)
    }

    /// Wraps encoded elements into a document: length prefix and terminating NUL.
    fn document_bytes(elements: &[u8]) -> Vec<u8> {
        let mut document = ((elements.len() + 5) as i32).to_le_bytes().to_vec();
        document.extend_from_slice(elements);
        document.push(0);
        document
    }

    /// A whole OP_MSG reply: header, flagBits, kind-0 section, optional (dummy) checksum.
    fn reply_message(response_to: i32, flags: u32, body: &[u8]) -> Vec<u8> {
        let checksum = if flags & CHECKSUM_PRESENT != 0 { 4 } else { 0 };
        let length = 16 + 4 + 1 + body.len() + checksum;
        let mut message = Vec::new();
        message.extend_from_slice(&(length as i32).to_le_bytes());
        message.extend_from_slice(&77i32.to_le_bytes());
        message.extend_from_slice(&response_to.to_le_bytes());
        message.extend_from_slice(&2013i32.to_le_bytes());
        message.extend_from_slice(&flags.to_le_bytes());
        message.push(0);
        message.extend_from_slice(body);
        message.extend_from_slice(&[0xEE; 4][..checksum]);
        message
    }

    /// A fake mongod: checks the request byte by byte, then answers `reply(request_id)`.
    async fn fake_mongodb(reply: fn(i32) -> Vec<u8>) -> u16 {
        fake_server(move |mut stream| async move {
            let mut request = vec![0u8; 16 + 4 + 1 + HELLO_BODY.len()];
            stream.read_exact(&mut request).await.expect("read hello");
            assert_eq!(
                i32::from_le_bytes(request[0..4].try_into().expect("4 bytes")) as usize,
                request.len(),
                "messageLength counts the whole message"
            );
            let request_id = i32::from_le_bytes(request[4..8].try_into().expect("4 bytes"));
            assert_eq!(&request[8..12], &[0, 0, 0, 0], "responseTo");
            assert_eq!(&request[12..16], &[0xDD, 0x07, 0, 0], "opCode 2013");
            assert_eq!(&request[16..20], &[0, 0, 0, 0], "flagBits");
            assert_eq!(request[20], 0, "section kind 0");
            assert_eq!(&request[21..], HELLO_BODY, "the hello document");
            stream
                .write_all(&reply(request_id))
                .await
                .expect("write reply");
        })
        .await
    }

    #[tokio::test]
    async fn mongodb_hello_is_framed_per_the_wire_protocol() {
        let port =
            fake_mongodb(|request_id| reply_message(request_id, 0, &hello_reply_body(1.0))).await;
        let password = Secret::new(PASSWORD);
        probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect("ready");
    }

    #[tokio::test]
    async fn mongodb_reply_with_a_checksum_is_accepted() {
        let port = fake_mongodb(|request_id| {
            reply_message(request_id, CHECKSUM_PRESENT, &hello_reply_body(1.0))
        })
        .await;
        let password = Secret::new(PASSWORD);
        probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect("ready");
    }

    #[tokio::test]
    async fn mongodb_failed_hello_while_shutting_down_is_not_ready() {
        let port = fake_mongodb(|request_id| {
            let mut elements = Vec::new();
            elements.push(0x01);
            elements.extend_from_slice(b"ok\0");
            elements.extend_from_slice(&0f64.to_le_bytes());
            elements.push(0x02);
            elements.extend_from_slice(b"errmsg\0");
            elements.extend_from_slice(&21i32.to_le_bytes());
            elements.extend_from_slice(b"shutdown in progress\0");
            elements.push(0x10);
            elements.extend_from_slice(b"code\0");
            elements.extend_from_slice(&91i32.to_le_bytes());
            reply_message(request_id, 0, &document_bytes(&elements))
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("shutting down");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
        assert!(message(&error).contains("shutdown in progress"), "{error}");
    }

    #[tokio::test]
    async fn mongodb_failed_hello_that_is_unauthorized_is_refused() {
        let port = fake_mongodb(|request_id| {
            let mut elements = Vec::new();
            elements.push(0x01);
            elements.extend_from_slice(b"ok\0");
            elements.extend_from_slice(&0f64.to_le_bytes());
            elements.push(0x10);
            elements.extend_from_slice(b"code\0");
            elements.extend_from_slice(&13i32.to_le_bytes());
            reply_message(request_id, 0, &document_bytes(&elements))
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("unauthorized");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[tokio::test]
    async fn mongodb_reply_to_another_request_is_refused() {
        let port =
            fake_mongodb(|request_id| reply_message(request_id + 1, 0, &hello_reply_body(1.0)))
                .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("wrong responseTo");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[tokio::test]
    async fn mongodb_closed_connection_is_not_ready() {
        let port = fake_server(|mut stream| async move {
            let mut request = [0u8; 4];
            let _ = stream.read_exact(&mut request).await;
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("closed");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
    }

    #[test]
    fn op_msg_hello_matches_the_wire_format() {
        let hello = bson::Document::new()
            .with("hello", bson::Value::Int32(1))
            .with("$db", bson::Value::String("admin".to_owned()));
        let message = op_msg(0x0102_0304, &hello);
        let mut expected = vec![
            52, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0, 0xDD, 0x07, 0, 0,
        ];
        expected.extend_from_slice(&[0, 0, 0, 0, 0]);
        expected.extend_from_slice(HELLO_BODY);
        assert_eq!(message, expected);
    }

    #[test]
    fn op_msg_replies_are_checked() {
        let body = hello_reply_body(1.0);
        let parsed = parse_op_msg_reply(&reply_message(5, 0, &body), 5).expect("valid reply");
        assert_eq!(parsed.get("ok"), Some(&bson::Value::Double(1.0)));
        assert_eq!(
            parsed.get("isWritablePrimary"),
            Some(&bson::Value::Boolean(true))
        );

        let mut wrong_length = reply_message(5, 0, &body);
        wrong_length.push(0);
        assert!(parse_op_msg_reply(&wrong_length, 5).is_err());

        let unknown_required_flag = reply_message(5, 1 << 3, &body);
        assert!(parse_op_msg_reply(&unknown_required_flag, 5).is_err());

        let optional_flag = reply_message(5, 1 << 16, &body);
        assert!(parse_op_msg_reply(&optional_flag, 5).is_ok());

        let mut op_reply = reply_message(5, 0, &body);
        op_reply[12..16].copy_from_slice(&1i32.to_le_bytes());
        assert!(parse_op_msg_reply(&op_reply, 5).is_err());
    }

    #[test]
    fn op_msg_document_sequences_are_skipped() {
        let body = hello_reply_body(1.0);
        let mut sequence = vec![1];
        let identifier = b"documents\0";
        let empty = document_bytes(&[]);
        let size = 4 + identifier.len() + empty.len();
        sequence.extend_from_slice(&(size as i32).to_le_bytes());
        sequence.extend_from_slice(identifier);
        sequence.extend_from_slice(&empty);
        let mut message = reply_message(9, 0, &body);
        message.extend_from_slice(&sequence);
        let length = message.len() as i32;
        message[..4].copy_from_slice(&length.to_le_bytes());
        let parsed = parse_op_msg_reply(&message, 9).expect("valid reply");
        assert_eq!(parsed.get("ok"), Some(&bson::Value::Double(1.0)));
    }

    #[test]
    fn bson_decodes_the_spec_examples() {
        // Both examples of https://bsonspec.org/faq.html.
        let hello_world = b"\x16\x00\x00\x00\x02hello\x00\x06\x00\x00\x00world\x00\x00";
        let document = bson::Reader::new(hello_world)
            .document()
            .expect("valid BSON");
        assert_eq!(
            document,
            bson::Document::new().with("hello", bson::Value::String("world".to_owned()))
        );
        assert_eq!(document.encode(), hello_world);

        let awesome = b"\x31\x00\x00\x00\x04BSON\x00\x26\x00\x00\x00\x020\x00\x08\x00\x00\x00awesome\x00\x011\x00\x33\x33\x33\x33\x33\x33\x14\x40\x102\x00\xc2\x07\x00\x00\x00\x00";
        let document = bson::Reader::new(awesome).document().expect("valid BSON");
        assert_eq!(document, bson::Document::new(), "arrays are skipped");
    }

    #[test]
    fn bson_encodes_every_kept_type() {
        let document = bson::Document::new()
            .with("d", bson::Value::Double(1.5))
            .with("b", bson::Value::Boolean(false))
            .with(
                "n",
                bson::Value::Document(bson::Document::new().with("i", bson::Value::Int32(-2))),
            );
        let encoded = document.encode();
        assert_eq!(
            encoded,
            [
                &[35, 0, 0, 0][..],
                &[0x01, b'd', 0],
                &1.5f64.to_le_bytes(),
                &[0x08, b'b', 0, 0],
                &[0x03, b'n', 0, 12, 0, 0, 0, 0x10, b'i', 0, 0xFE, 0xFF, 0xFF, 0xFF, 0],
                &[0],
            ]
            .concat()
        );
        let decoded = bson::Reader::new(&encoded).document().expect("round trip");
        assert_eq!(decoded, document);
    }

    #[test]
    fn bson_rejects_malformed_documents() {
        let valid = b"\x16\x00\x00\x00\x02hello\x00\x06\x00\x00\x00world\x00\x00";
        for length in 0..valid.len() {
            assert!(
                bson::Reader::new(&valid[..length]).document().is_err(),
                "truncated to {length} bytes"
            );
        }
        let mut bad_string_length = *valid;
        bad_string_length[10] = 0x60;
        assert!(bson::Reader::new(&bad_string_length).document().is_err());
        let mut no_terminator = *valid;
        no_terminator[21] = 1;
        assert!(bson::Reader::new(&no_terminator).document().is_err());
        let mut unknown_type = *valid;
        unknown_type[4] = 0x42;
        assert!(bson::Reader::new(&unknown_type).document().is_err());
    }

    #[test]
    fn bson_refuses_deep_nesting() {
        let mut document = document_bytes(&[]);
        for _ in 0..100 {
            let mut element = vec![0x03, b'x', 0];
            element.extend_from_slice(&document);
            document = document_bytes(&element);
        }
        assert!(bson::Reader::new(&document).document().is_err());
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
