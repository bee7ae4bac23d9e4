//! Live streams of a datasource's container: its log, line by line, and its CPU and memory use;
//! and the batching that keeps a flood of lines from flooding whoever shows them.

use std::time::Duration;

use bollard::container::LogOutput;
use bollard::query_parameters::{LogsOptionsBuilder, StatsOptionsBuilder};
use futures_util::{future, stream, FutureExt, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::oneshot;

use crate::Datasources;
use crate::{Error, Result};
use quantum_docker::Docker;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LogStream {
    Stdout,
    Stderr,
}

/// One line of a container's log, ANSI colour codes included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LogLine {
    pub stream: LogStream,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LogBatch {
    pub lines: Vec<LogLine>,
}

/// One reading of a container's resource use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StatsSample {
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: f64,
    /// Of one CPU: 200 means two CPUs' worth.
    pub cpu_percent: f64,
    pub memory_bytes: f64,
    pub memory_limit_bytes: f64,
}

/// Splits Docker's log frames into lines: a frame may hold several lines or part of one.
#[derive(Default)]
struct LineSplitter {
    stdout: String,
    stderr: String,
}

impl LineSplitter {
    fn push(&mut self, output: LogOutput) -> Vec<LogLine> {
        let (stream, message, buffer) = match output {
            LogOutput::StdErr { message } => (LogStream::Stderr, message, &mut self.stderr),
            LogOutput::StdOut { message }
            | LogOutput::Console { message }
            | LogOutput::StdIn { message } => (LogStream::Stdout, message, &mut self.stdout),
        };
        buffer.push_str(&String::from_utf8_lossy(&message));
        let Some(last_newline) = buffer.rfind('\n') else {
            return Vec::new();
        };
        let lines = buffer[..last_newline]
            .split('\n')
            .map(|text| LogLine {
                stream,
                text: text.trim_end_matches('\r').to_owned(),
            })
            .collect();
        // Whatever follows the last newline is the start of a line still to come.
        buffer.drain(..=last_newline);
        lines
    }
}

impl Datasources {
    /// Follows the datasource's log (the last `tail` lines, then new ones), handing `send` batches
    /// until it returns false or the follower is stopped.
    pub async fn follow_log(
        &self,
        id: i64,
        tail: u32,
        send: impl FnMut(LogBatch) -> bool + Send + 'static,
    ) -> Result<LogFollower> {
        let container = self.container_of(id).await?;
        follow_container_log(container, Some(tail), send)
    }

    /// The datasource's log as lines: the last `tail` ones (all when `None`), then, with
    /// `follow`, new ones until the container stops (the command line's `quantum logs`).
    pub async fn log_lines(
        &self,
        id: i64,
        tail: Option<u32>,
        follow: bool,
    ) -> Result<impl Stream<Item = LogLine> + Send + Unpin + use<>> {
        let container = self.container_of(id).await?;
        let docker = Docker::connect().await?;
        let range = LogRange {
            tail,
            follow,
            ..LogRange::default()
        };
        Ok(container_log_lines(&docker, &container, range))
    }

    /// About one reading a second while the container runs.
    pub async fn stats(&self, id: i64) -> Result<impl Stream<Item = StatsSample> + Send + Unpin> {
        let container = self.container_of(id).await?;
        let docker = Docker::connect().await?;
        let options = StatsOptionsBuilder::new().stream(true).build();
        let samples = docker.api().stats(&container, Some(options)).scan(
            None::<(u64, u64)>,
            |previous, item| {
                let Ok(stats) = item else {
                    return future::ready(None);
                };
                let cpu = stats.cpu_stats.unwrap_or_default();
                let total = cpu
                    .cpu_usage
                    .and_then(|u| u.total_usage)
                    .unwrap_or_default();
                let system = cpu.system_cpu_usage.unwrap_or_default();
                let cpus = f64::from(cpu.online_cpus.unwrap_or(1));
                // CPU use is the share of the host's CPU time since the previous reading.
                let cpu_percent = match previous.replace((total, system)) {
                    Some((last_total, last_system)) if system > last_system => {
                        (total.saturating_sub(last_total) as f64 / (system - last_system) as f64)
                            * cpus
                            * 100.0
                    }
                    _ => 0.0,
                };
                let memory = stats.memory_stats.unwrap_or_default();
                let timestamp_ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs_f64() * 1000.0)
                    .unwrap_or_default();
                future::ready(Some(StatsSample {
                    timestamp_ms,
                    cpu_percent,
                    memory_bytes: quantum_docker::memory_in_use(&memory) as f64,
                    memory_limit_bytes: memory.limit.unwrap_or_default() as f64,
                }))
            },
        );
        Ok(Box::pin(samples))
    }

    async fn container_of(&self, id: i64) -> Result<String> {
        let datasource = self.get(id).await?;
        datasource.container_id.ok_or_else(|| {
            Error::docker(format!(
                "“{}” has no container; recreate it with its data.",
                datasource.name
            ))
        })
    }
}

/// Lines a log batch holds at most, and how long its first line waits for company (one frame).
pub const LOG_BATCH_LINES: usize = 2000;
pub const LOG_BATCH_DELAY: Duration = Duration::from_millis(16);

/// A log being followed on its own thread; dropping it stops the following.
///
/// The thread runs a current-thread runtime: Docker sends one frame per log line, and keeping the
/// HTTP client's wake-ups on one thread more than doubles the lines per second (see the
/// datasources bench), past what `docker logs` itself reads.
pub struct LogFollower {
    stop: Option<oneshot::Sender<()>>,
}

impl LogFollower {
    /// The following ended by itself (the log ended or `send` said stop).
    pub fn is_finished(&self) -> bool {
        self.stop.as_ref().is_none_or(oneshot::Sender::is_closed)
    }
}

impl Drop for LogFollower {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Follows a container's log on a thread of its own, in batches handed to `send`.
pub fn follow_container_log(
    container: String,
    tail: Option<u32>,
    mut send: impl FnMut(LogBatch) -> bool + Send + 'static,
) -> Result<LogFollower> {
    let (stop, stopped) = oneshot::channel::<()>();
    let follow = move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                tracing::warn!(%error, "no runtime for following a log");
                return;
            }
        };
        runtime.block_on(async move {
            let docker = match Docker::connect().await {
                Ok(docker) => docker,
                Err(error) => {
                    tracing::warn!(%error, "following a log");
                    return;
                }
            };
            let range = LogRange {
                tail,
                follow: true,
                ..LogRange::default()
            };
            let lines = container_log_lines(&docker, &container, range);
            tokio::select! {
                () = forward_batched(lines, LOG_BATCH_LINES, LOG_BATCH_DELAY, |lines| send(LogBatch { lines })) => {}
                _ = stopped => {}
            }
        });
    };
    std::thread::Builder::new()
        .name("log-follower".to_owned())
        .spawn(follow)
        .map_err(|source| Error::io("Could not start following the log".to_owned(), source))?;
    Ok(LogFollower { stop: Some(stop) })
}

/// Which part of a container's log: the last `tail` lines (all when `None`), those written from
/// `since_secs` and before `until_secs` (Unix seconds), then, with `follow`, new ones as they
/// come; with `timestamps`, each line starts with Docker's RFC 3339 time and a space.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogRange {
    pub tail: Option<u32>,
    pub since_secs: Option<i64>,
    pub until_secs: Option<i64>,
    pub follow: bool,
    pub timestamps: bool,
}

/// A container's log as lines, the part `range` says.
pub fn container_log_lines(
    docker: &Docker,
    container: &str,
    range: LogRange,
) -> impl Stream<Item = LogLine> + Send + Unpin + use<> {
    let tail = range
        .tail
        .map_or_else(|| "all".to_owned(), |n| n.to_string());
    let seconds = |secs: Option<i64>| secs.and_then(|s| i32::try_from(s).ok()).unwrap_or_default();
    let options = LogsOptionsBuilder::new()
        .follow(range.follow)
        .stdout(true)
        .stderr(true)
        .tail(&tail)
        .since(seconds(range.since_secs))
        .until(seconds(range.until_secs))
        .timestamps(range.timestamps)
        .build();
    let lines = docker
        .api()
        .logs(container, Some(options))
        .scan(LineSplitter::default(), |splitter, item| {
            future::ready(item.ok().map(|output| stream::iter(splitter.push(output))))
        })
        .flatten();
    Box::pin(lines)
}

/// Hands items to `send` in batches of at most `max_items`, or whatever arrived within
/// `max_delay` of a batch's first item, until the stream ends or `send` returns false.
pub async fn forward_batched<T>(
    mut items: impl Stream<Item = T> + Unpin,
    max_items: usize,
    max_delay: Duration,
    mut send: impl FnMut(Vec<T>) -> bool,
) {
    let mut batch = Vec::with_capacity(max_items);
    let mut deadline = None;
    loop {
        // In a flood the next item is already there: take it without arming a timer.
        let ready = items.next().now_or_never();
        let next = match (ready, deadline) {
            (Some(next), _) => next,
            (None, Some(at)) => match tokio::time::timeout_at(at, items.next()).await {
                Ok(next) => next,
                Err(_) => {
                    deadline = None;
                    if !send(std::mem::replace(&mut batch, Vec::with_capacity(max_items))) {
                        return;
                    }
                    continue;
                }
            },
            (None, None) => items.next().await,
        };
        match next {
            Some(item) => {
                if batch.is_empty() {
                    deadline = Some(tokio::time::Instant::now() + max_delay);
                }
                batch.push(item);
                if batch.len() >= max_items {
                    deadline = None;
                    if !send(std::mem::replace(&mut batch, Vec::with_capacity(max_items))) {
                        return;
                    }
                }
            }
            None => {
                if !batch.is_empty() {
                    send(batch);
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn frames_are_split_into_lines_across_frame_boundaries() {
        let mut splitter = LineSplitter::default();
        let out = |s: &'static str| LogOutput::StdOut {
            message: Bytes::from(s),
        };
        assert_eq!(splitter.push(out("first\nsec")).len(), 1);
        let lines = splitter.push(out("ond\r\nthird\n"));
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
            ["second", "third"]
        );
        let err = splitter.push(LogOutput::StdErr {
            message: Bytes::from("oops\n"),
        });
        assert_eq!(err[0].stream, LogStream::Stderr);
    }

    #[tokio::test]
    async fn a_flood_is_cut_into_full_batches_and_a_trickle_is_sent_within_the_delay() {
        let mut batches = Vec::new();
        forward_batched(
            stream::iter(0..2500),
            1000,
            Duration::from_millis(16),
            |batch| {
                batches.push(batch.len());
                true
            },
        )
        .await;
        assert_eq!(batches, [1000, 1000, 500]);

        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let trickle = tokio_stream_from(receiver);
        sender.send(1).expect("send");
        let mut sent = Vec::new();
        let forwarding = tokio::spawn(async move {
            forward_batched(trickle, 1000, Duration::from_millis(16), |batch| {
                sent.push(batch);
                false
            })
            .await;
            sent
        });
        // The lone item goes out when its batch's delay runs out, with no further item coming.
        let sent = forwarding
            .await
            .expect("forwarding ends when send says stop");
        assert_eq!(sent, [vec![1]]);
        drop(sender);
    }

    fn tokio_stream_from<T: Send + 'static>(
        mut receiver: tokio::sync::mpsc::UnboundedReceiver<T>,
    ) -> impl Stream<Item = T> + Unpin {
        Box::pin(stream::poll_fn(move |cx| receiver.poll_recv(cx)))
    }
}
