//! Runs: a script started in the background, its rows spooled as they come, its status and pages
//! read while it runs, cancelled on the server on request or at its timeout.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::TryStreamExt;
use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::Store;
use quantum_schema::{SchemaEngine, Server, Target};
use serde::Serialize;
use serde_json::json;
use specta::Type;
use sqlx::{Column, ConnectOptions, Either, Executor, Row as _, TypeInfo, ValueRef as _};
use tokio::sync::watch;

use crate::classify::{classify, StatementKind};
use crate::export::{self, ExportProgress, ResultFormat};
use crate::spool::{Row, Spool};
use crate::{Error, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultColumn {
    pub name: String,
    /// The server's name for the type (`int4`, `VARCHAR`, `TEXT`), for showing values right.
    pub type_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunStatus {
    pub id: i64,
    pub columns: Vec<ResultColumn>,
    /// Rows spooled so far (all of them once `done`).
    pub rows: i64,
    pub done: bool,
    pub cancelled: bool,
    /// The server's message when the script failed.
    pub error: Option<String>,
    pub rows_affected: i64,
    pub elapsed_ms: i64,
}

/// Whose database a run is on, for its audit entry.
#[derive(Clone, Debug)]
pub struct AuditSubject {
    pub resource_type: ResourceType,
    pub resource_id: i64,
    pub name: String,
    pub project_id: Option<i64>,
}

#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub read_only: bool,
    /// The user confirmed the destructive statements the script holds.
    pub confirmed: bool,
    pub timeout: Duration,
    /// `start` returns once this many rows are in, the run ended, or `first_wait` passed: the
    /// first page at once, and a run to cancel when the first row is slow to come.
    pub first_page: i64,
    pub first_wait: Duration,
}

/// How to stop a run: on the server by its session id, or by dropping the task (SQLite).
enum Stopper {
    Starting,
    Postgres(Server, i32),
    Mysql(Server, u64),
    Task,
}

struct Run {
    id: i64,
    started: Instant,
    spool: Mutex<Spool>,
    columns: Mutex<Vec<ResultColumn>>,
    stopper: Mutex<Stopper>,
    task: Mutex<Option<tokio::task::AbortHandle>>,
    finished: Mutex<Option<(Option<String>, Duration)>>,
    rows_affected: AtomicI64,
    cancelled: AtomicBool,
    progress: watch::Sender<i64>,
}

pub struct Console {
    store: Store,
    runs: Mutex<HashMap<i64, Arc<Run>>>,
    next: AtomicI64,
}

impl Console {
    pub fn new(store: Store) -> Arc<Self> {
        Arc::new(Self {
            store,
            runs: Mutex::new(HashMap::new()),
            next: AtomicI64::new(1),
        })
    }

    /// Checks the script, records it in the activity log, starts it, and returns once the first
    /// page is in or it ended.
    pub async fn start(
        self: &Arc<Self>,
        target: Target,
        sql: String,
        options: RunOptions,
        subject: AuditSubject,
    ) -> Result<RunStatus> {
        let engine = match &target {
            Target::Postgres(_) => SchemaEngine::Postgres,
            Target::Mysql(_) => SchemaEngine::Mysql,
            Target::Sqlite(_) => SchemaEngine::Sqlite,
        };
        let statements = classify(&sql, engine)?;
        if options.read_only {
            if let Some(write) = statements
                .iter()
                .find(|s| !matches!(s.kind, StatementKind::Read | StatementKind::Other))
            {
                return Err(Error::ReadOnly(write.text.chars().take(80).collect()));
            }
        }
        let destroys: Vec<String> = statements
            .iter()
            .filter(|s| s.kind == StatementKind::Destructive)
            .flat_map(|s| s.affects.clone())
            .collect();
        if !destroys.is_empty() && !options.confirmed {
            return Err(Error::NeedsConfirmation(destroys));
        }
        self.audit(&subject, &sql).await?;

        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (progress, mut seen) = watch::channel(0);
        let run = Arc::new(Run {
            id,
            started: Instant::now(),
            spool: Mutex::new(Spool::new()?),
            columns: Mutex::new(Vec::new()),
            stopper: Mutex::new(Stopper::Starting),
            task: Mutex::new(None),
            finished: Mutex::new(None),
            rows_affected: AtomicI64::new(0),
            cancelled: AtomicBool::new(false),
            progress,
        });
        lock(&self.runs).insert(id, Arc::clone(&run));
        let worker = Arc::clone(&run);
        let handle = tokio::spawn(async move {
            let outcome =
                tokio::time::timeout(options.timeout, execute(&worker, &target, &sql)).await;
            let error = match outcome {
                Ok(Ok(())) => None,
                Ok(Err(error)) if worker.cancelled.load(Ordering::Relaxed) => {
                    tracing::debug!(%error, "cancelled run ended");
                    Some("Cancelled.".to_owned())
                }
                Ok(Err(error)) => Some(error),
                Err(_) => {
                    stop(&worker).await;
                    Some(format!(
                        "Stopped after {} s, the console's time limit.",
                        options.timeout.as_secs()
                    ))
                }
            };
            *lock(&worker.finished) = Some((error, worker.started.elapsed()));
            worker.progress.send_modify(|n| *n += 1);
        });
        *lock(&run.task) = Some(handle.abort_handle());
        let first_page = async {
            loop {
                if run.is_done() || lock(&run.spool).rows() as i64 >= options.first_page {
                    break;
                }
                if seen.changed().await.is_err() {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(options.first_wait, first_page).await;
        Ok(run.status())
    }

    /// Ticks as rows come in (every 500) and once when the run ends: for pushing progress.
    pub fn subscribe(&self, id: i64) -> Result<watch::Receiver<i64>> {
        Ok(self.run(id)?.progress.subscribe())
    }

    pub fn status(&self, id: i64) -> Result<RunStatus> {
        Ok(self.run(id)?.status())
    }

    /// Rows `offset..offset + limit` of those in so far.
    pub fn page(&self, id: i64, offset: i64, limit: i64) -> Result<Vec<Row>> {
        let run = self.run(id)?;
        let rows = lock(&run.spool).page(offset.max(0) as u64, limit.clamp(0, 10_000) as u64)?;
        Ok(rows)
    }

    /// Asks the server to stop the statement (PostgreSQL `pg_cancel_backend`, MySQL `KILL QUERY`),
    /// or drops the run's task (SQLite).
    pub async fn cancel(&self, id: i64) -> Result<RunStatus> {
        let run = self.run(id)?;
        if !run.is_done() {
            run.cancelled.store(true, Ordering::Relaxed);
            stop(&run).await;
            let mut progress = run.progress.subscribe();
            let deadline = Instant::now() + Duration::from_secs(10);
            while !run.is_done() && Instant::now() < deadline {
                let _ = tokio::time::timeout(Duration::from_millis(500), progress.changed()).await;
            }
        }
        Ok(run.status())
    }

    /// Writes the run's whole result to `path`. A run still going is followed: its rows are
    /// written as they are spooled (the export ends with the run), and if the run then fails or
    /// is cancelled nothing is written. A run already ended is exported as it stands. The run
    /// (its rows on disk) is kept until the export is done, even if closed meanwhile.
    pub async fn export(
        &self,
        id: i64,
        path: PathBuf,
        format: ResultFormat,
        progress: impl Fn(ExportProgress) + Send + Sync + 'static,
    ) -> Result<ExportProgress> {
        let run = self.run(id)?;
        let progress: Arc<dyn Fn(ExportProgress) + Send + Sync> = Arc::new(progress);
        let ended_before = run.is_done();
        let mut ticks = run.progress.subscribe();
        // The columns are known from the first row on; the header needs them.
        while !run.is_done() && lock(&run.columns).is_empty() {
            if ticks.changed().await.is_err() {
                break;
            }
        }
        let columns = lock(&run.columns).clone();
        let spool = lock(&run.spool).path_flushed()?;
        let target = path.clone();
        let mut writer =
            blocking(move || export::Writer::create(&spool, columns, &target, format)).await?;
        loop {
            // Ended first, then counted: once ended, the count is final.
            let ended = run.is_done();
            let available = {
                let mut spool = lock(&run.spool);
                spool.path_flushed()?;
                spool.rows() as i64
            };
            let shown = Arc::clone(&progress);
            writer = blocking(move || {
                writer.copy(available, available, &*shown)?;
                Ok(writer)
            })
            .await?;
            if ended {
                break;
            }
            // More rows, in chunks: each one flushes the spool the run is writing to.
            while !run.is_done() && (lock(&run.spool).rows() as i64) < available + FOLLOW_CHUNK {
                if ticks.changed().await.is_err() {
                    break;
                }
            }
        }
        if !ended_before {
            if let Some((Some(error), _)) = lock(&run.finished).clone() {
                return Err(Error::Export(format!(
                    "the query stopped before its end ({error}), so nothing was written"
                )));
            }
        }
        let shown = Arc::clone(&progress);
        blocking(move || writer.finish(&path, &*shown)).await
    }

    /// Forgets a run and its spooled rows.
    pub fn close(&self, id: i64) {
        if let Some(run) = lock(&self.runs).remove(&id) {
            if let Some(task) = lock(&run.task).take() {
                task.abort();
                // An export following the run ends too, writing nothing.
                lock(&run.finished)
                    .get_or_insert_with(|| (Some("Closed.".to_owned()), run.started.elapsed()));
                run.progress.send_modify(|n| *n += 1);
            }
        }
    }

    fn run(&self, id: i64) -> Result<Arc<Run>> {
        lock(&self.runs).get(&id).cloned().ok_or(Error::NoRun(id))
    }

    async fn audit(&self, subject: &AuditSubject, sql: &str) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        audit::record(
            &mut tx,
            NewAuditEntry {
                action: AuditAction::QueryRun,
                resource_type: subject.resource_type,
                resource_id: subject.resource_id,
                resource_name: &subject.name,
                project_id: subject.project_id,
                // The text, at most 4,000 characters; never parameters or results.
                details: json!({ "sql": sql.chars().take(4_000).collect::<String>() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Run {
    fn is_done(&self) -> bool {
        lock(&self.finished).is_some()
    }

    fn status(&self) -> RunStatus {
        let finished = lock(&self.finished).clone();
        RunStatus {
            id: self.id,
            columns: lock(&self.columns).clone(),
            rows: lock(&self.spool).rows() as i64,
            done: finished.is_some(),
            cancelled: self.cancelled.load(Ordering::Relaxed),
            error: finished.as_ref().and_then(|(error, _)| error.clone()),
            rows_affected: self.rows_affected.load(Ordering::Relaxed),
            elapsed_ms: finished
                .map_or_else(|| self.started.elapsed(), |(_, elapsed)| elapsed)
                .as_millis() as i64,
        }
    }

    /// The result's columns: those of the first row of the first statement that returns some.
    fn set_columns(&self, columns: Vec<ResultColumn>) {
        *lock(&self.columns) = columns;
    }

    fn push<S: AsRef<str>>(
        &self,
        row: impl IntoIterator<Item = Option<S>>,
    ) -> std::result::Result<(), String> {
        let mut spool = lock(&self.spool);
        spool.push(row).map_err(|e| e.to_string())?;
        let rows = spool.rows() as i64;
        drop(spool);
        // Wake a waiting `start` at the first page, then now and then, not per row.
        if rows % 500 == 0 || rows < 500 {
            self.progress.send_replace(rows);
        }
        Ok(())
    }
}

/// Rows a followed export waits for before copying more.
const FOLLOW_CHUNK: i64 = 50_000;

/// Blocking file work on the blocking pool, its I/O errors told as an export's.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Spool(std::io::Error::other(e)))?
        .map_err(|source| Error::Export(source.to_string()))
}

fn stop(run: &Run) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        let stopper = std::mem::replace(&mut *lock(&run.stopper), Stopper::Task);
        let result = match &stopper {
            Stopper::Postgres(server, pid) => cancel_postgres(server.clone(), *pid).await,
            Stopper::Mysql(server, id) => cancel_mysql(server.clone(), *id).await,
            Stopper::Starting | Stopper::Task => {
                if let Some(task) = lock(&run.task).take() {
                    task.abort();
                }
                *lock(&run.finished) = Some((Some("Cancelled.".to_owned()), run.started.elapsed()));
                run.progress.send_modify(|n| *n += 1);
                Ok(())
            }
        };
        *lock(&run.stopper) = stopper;
        if let Err(error) = result {
            tracing::warn!(%error, "a run could not be cancelled on the server");
        }
    })
}

fn cancel_postgres(
    server: Server,
    pid: i32,
) -> BoxFuture<'static, std::result::Result<(), String>> {
    Box::pin(async move {
        let mut conn = quantum_schema::connect_postgres(&server)
            .await
            .map_err(|e| e.to_string())?;
        let query = sqlx::query("SELECT pg_cancel_backend($1)").bind(pid);
        conn.execute(query)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    })
}

fn cancel_mysql(server: Server, id: u64) -> BoxFuture<'static, std::result::Result<(), String>> {
    Box::pin(async move {
        let mut conn = quantum_schema::connect_mysql(&server)
            .await
            .map_err(|e| e.to_string())?;
        let kill = format!("KILL QUERY {id}");
        conn.execute(sqlx::raw_sql(&kill))
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    })
}

/// Rows of every statement of the script go to the spool; their cells as the server's text.
macro_rules! stream_rows {
    ($run:expr, $conn:expr, $sql:expr, $db:ty) => {{
        let mut stream = $conn.fetch_many(sqlx::raw_sql($sql));
        let mut columns_known = false;
        while let Some(item) = stream.try_next().await.map_err(|e| e.to_string())? {
            match item {
                Either::Left(result) => {
                    $run.rows_affected
                        .fetch_add(result.rows_affected() as i64, Ordering::Relaxed);
                }
                Either::Right(row) => {
                    // Text borrowed from the reply where the cell is text (nothing allocated
                    // per row or cell); bytes that are not UTF-8 as `\x` hex.
                    let cells = (0..row.len()).map(|i| {
                        let value = row.try_get_raw(i).ok().filter(|v| !v.is_null())?;
                        match <&str as sqlx::Decode<$db>>::decode(value) {
                            Ok(text) => Some(Cow::Borrowed(text)),
                            Err(_) => row
                                .try_get_unchecked::<Option<Vec<u8>>, _>(i)
                                .ok()
                                .flatten()
                                .map(|bytes| {
                                    Cow::Owned(format!("\\x{}", quantum_kernel::hex(&bytes)))
                                }),
                        }
                    });
                    if !columns_known {
                        columns_known = true;
                        $run.set_columns(
                            row.columns()
                                .iter()
                                .map(|c| ResultColumn {
                                    name: c.name().to_owned(),
                                    type_name: c.type_info().name().to_owned(),
                                })
                                .collect(),
                        );
                    }
                    $run.push(cells)?;
                }
            }
        }
        Ok::<(), String>(())
    }};
}

fn execute<'a>(
    run: &'a Run,
    target: &'a Target,
    sql: &'a str,
) -> BoxFuture<'a, std::result::Result<(), String>> {
    Box::pin(async move {
        match target {
            Target::Postgres(server) => {
                let mut conn = quantum_schema::connect_postgres(server)
                    .await
                    .map_err(|e| e.to_string())?;
                let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                    .fetch_one(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                *lock(&run.stopper) = Stopper::Postgres(server.clone(), pid);
                stream_postgres(run, &mut conn, sql).await
            }
            Target::Mysql(server) => {
                let mut conn = quantum_schema::connect_mysql(server)
                    .await
                    .map_err(|e| e.to_string())?;
                let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()")
                    .fetch_one(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                *lock(&run.stopper) = Stopper::Mysql(server.clone(), id);
                stream_mysql(run, &mut conn, sql).await
            }
            Target::Sqlite(path) => {
                *lock(&run.stopper) = Stopper::Task;
                let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .disable_statement_logging()
                    .connect()
                    .await
                    .map_err(|e| e.to_string())?;
                stream_sqlite(run, &mut conn, sql).await
            }
        }
    })
}

// One function per engine, each future boxed: sqlx's executor lifetimes do not resolve inside a
// spawned task otherwise ("implementation of `Executor` is not general enough").
fn stream_postgres<'a>(
    run: &'a Run,
    conn: &'a mut sqlx::PgConnection,
    sql: &'a str,
) -> BoxFuture<'a, std::result::Result<(), String>> {
    Box::pin(async move { stream_rows!(run, conn, sql, sqlx::Postgres) })
}

fn stream_mysql<'a>(
    run: &'a Run,
    conn: &'a mut sqlx::MySqlConnection,
    sql: &'a str,
) -> BoxFuture<'a, std::result::Result<(), String>> {
    Box::pin(async move { stream_rows!(run, conn, sql, sqlx::MySql) })
}

fn stream_sqlite<'a>(
    run: &'a Run,
    conn: &'a mut sqlx::SqliteConnection,
    sql: &'a str,
) -> BoxFuture<'a, std::result::Result<(), String>> {
    Box::pin(async move { stream_rows!(run, conn, sql, sqlx::Sqlite) })
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
