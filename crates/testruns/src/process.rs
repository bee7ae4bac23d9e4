//! One suite's process: started in a process group of its own (a job object on Windows) through
//! `process-wrap`, so that cancel and timeout end every process it started; its stdout and
//! stderr read line by line as they come.

use std::process::Stdio;
use std::time::Duration;

use process_wrap::tokio::{KillOnDrop, TokioChildWrapper, TokioCommandWrap};
use quantum_secrets::Secret;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::command::Invocation;

/// How long processes a finished runner left behind may keep its output open before they are
/// ended with the rest of its group (a test that started a server and forgot it).
const LEFTOVER_GRACE: Duration = Duration::from_secs(2);

/// Which of the process's outputs a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// How the process ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// The runner exited with this code (`None`: killed by a signal).
    Exited(Option<i32>),
    Cancelled,
    TimedOut,
    /// It could not be started; the message says why and what to check.
    NotStarted(String),
}

/// Runs `invocation` with `secrets` added to its environment until it ends, is cancelled
/// (`cancel` turns true) or outlives `timeout`. Output goes to `on_output` as it comes, in pieces
/// of whole lines (each ending with a newline): a line is never split between two calls.
pub async fn run(
    invocation: &Invocation,
    secrets: &[(String, Secret)],
    timeout: Option<Duration>,
    cancel: &mut watch::Receiver<bool>,
    mut on_output: impl FnMut(Stream, String),
) -> Ended {
    let mut command = TokioCommandWrap::with_new(&invocation.program, |command| {
        command
            .args(&invocation.args)
            .current_dir(&invocation.working_dir)
            .envs(invocation.env.iter().map(|(k, v)| (k, v)))
            .envs(secrets.iter().map(|(k, v)| (k, v.expose())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
    });
    #[cfg(unix)]
    command.wrap(process_wrap::tokio::ProcessGroup::leader());
    #[cfg(windows)]
    command.wrap(process_wrap::tokio::JobObject);
    command.wrap(KillOnDrop);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => return Ended::NotStarted(not_started(invocation, &error)),
    };

    let (sender, mut lines) = mpsc::channel::<(Stream, String)>(64);
    if let Some(stdout) = child.stdout().take() {
        tokio::spawn(read_pieces(stdout, Stream::Stdout, sender.clone()));
    }
    if let Some(stderr) = child.stderr().take() {
        tokio::spawn(read_pieces(stderr, Stream::Stderr, sender.clone()));
    }
    drop(sender);

    let deadline = timeout.map(|t| Instant::now() + t);
    let mut exit: Option<Option<i32>> = None;
    let mut grace_until: Option<Instant> = None;
    let mut can_cancel = true;
    let ended = loop {
        let step = tokio::select! {
            line = lines.recv() => Step::Line(line),
            status = child.inner_mut().wait(), if exit.is_none() => Step::Exited(status.ok().and_then(|s| s.code())),
            changed = cancel.changed(), if can_cancel => match changed {
                Ok(()) if *cancel.borrow() => Step::Stop(Ended::Cancelled),
                Ok(()) => continue,
                // The canceller is gone: no one can cancel any more.
                Err(_) => {
                    can_cancel = false;
                    continue;
                }
            },
            () = sleep_until(deadline), if exit.is_none() => Step::Stop(Ended::TimedOut),
            () = sleep_until(grace_until), if grace_until.is_some() => Step::Stop(Ended::Exited(exit.flatten())),
        };
        match step {
            Step::Line(Some((stream, piece))) => on_output(stream, piece),
            // Both outputs closed: whatever is left of the group printed nothing more.
            Step::Line(None) if exit.is_some() => break Ended::Exited(exit.flatten()),
            Step::Line(None) => {
                // Closed outputs, runner still running: wait for it (or the timeout, or cancel).
                let stopped = tokio::select! {
                    status = child.inner_mut().wait() => Ended::Exited(status.ok().and_then(|s| s.code())),
                    () = sleep_until(deadline) => Ended::TimedOut,
                    _ = wait_for_cancel(cancel) => Ended::Cancelled,
                };
                break stopped;
            }
            Step::Exited(code) => {
                exit = Some(code);
                grace_until = Some(Instant::now() + LEFTOVER_GRACE);
            }
            Step::Stop(ended) => break ended,
        }
    };
    end_group(child.as_mut()).await;
    // What the group printed before it ended.
    while let Ok((stream, piece)) = lines.try_recv() {
        on_output(stream, piece);
    }
    ended
}

enum Step {
    Line(Option<(Stream, String)>),
    Exited(Option<i32>),
    Stop(Ended),
}

/// Ends what is left of the process group (nothing, usually) and reaps it.
async fn end_group(child: &mut dyn TokioChildWrapper) {
    // Fails with "no such process" when the group already ended: nothing to do then.
    let _ = child.start_kill();
    if tokio::time::timeout(Duration::from_secs(10), Box::into_pin(child.wait()))
        .await
        .is_err()
    {
        tracing::warn!("a test process did not end within 10 s of being killed");
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

async fn wait_for_cancel(cancel: &mut watch::Receiver<bool>) {
    if cancel.wait_for(|cancelled| *cancelled).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// How much one read asks for: a pipe's whole buffer on Linux.
const READ_BYTES: usize = 64 * 1024;
/// The most output gathered into one piece; a line longer than this is passed on in parts.
const PIECE_BYTES: usize = 256 * 1024;

/// Output as it comes, in pieces of whole lines (one allocation per piece, not per line: a test
/// printing a million lines must not cost a million messages), invalid UTF-8 replaced. The last
/// line gets a newline if the process ended without one.
async fn read_pieces(
    mut output: impl AsyncRead + Unpin,
    stream: Stream,
    sender: mpsc::Sender<(Stream, String)>,
) {
    // Read straight into the piece being built; whole lines leave it without a copy.
    let mut carry: Vec<u8> = Vec::with_capacity(PIECE_BYTES);
    loop {
        // Into the spare capacity: nothing is zeroed first.
        carry.reserve(READ_BYTES);
        let read = output.read_buf(&mut carry).await.unwrap_or(0);
        if read == 0 {
            break;
        }
        // A full read means more is waiting: gather a bigger piece (fewer, larger messages
        // under a flood); a short one means the process paused: pass on what there is now.
        if read == READ_BYTES && carry.len() < PIECE_BYTES {
            continue;
        }
        let cut = match carry.iter().rposition(|b| *b == b'\n') {
            Some(last) => last + 1,
            // One very long line: pass on what there is rather than hold it all.
            None if carry.len() >= PIECE_BYTES => carry.len(),
            None => continue,
        };
        let rest = carry.split_off(cut);
        let piece = std::mem::replace(&mut carry, rest);
        if sender.send((stream, text_of(piece))).await.is_err() {
            return;
        }
    }
    if !carry.is_empty() {
        let _ = sender.send((stream, text_of(carry))).await;
    }
}

/// The bytes as text ending with a newline: no copy when they are valid UTF-8.
fn text_of(bytes: Vec<u8>) -> String {
    let mut text = String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn not_started(invocation: &Invocation, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound {
        if !invocation.working_dir.is_dir() {
            return format!(
                "The folder {} does not exist. Check the suite's working directory.",
                invocation.working_dir.display()
            );
        }
        return format!(
            "“{}” was not found. Install it, or make sure it is on the PATH the app was started with.",
            invocation.program
        );
    }
    format!("“{}” could not be started: {error}", invocation.display())
}
