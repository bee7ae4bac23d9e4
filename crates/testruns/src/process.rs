//! One suite's process: started in a process group of its own (a job object on Windows) through
//! `process-wrap`, so that cancel and timeout end every process it started; its stdout and
//! stderr read line by line as they come.
//!
//! The outputs are the app's own pipes, read by a thread each with plain blocking reads: a test
//! printing a flood then reaches the app about as fast as it reaches `cat` (the output benchmark
//! measured 0.86x through tokio's readiness-driven reads, 0.98–1.14x so).

use std::io::{PipeReader, Read};
use std::process::Stdio;
use std::time::Duration;

use process_wrap::tokio::{KillOnDrop, TokioChildWrapper, TokioCommandWrap};
use quantum_secrets::Secret;
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
    let pipes = std::io::pipe().and_then(|stdout| Ok((stdout, std::io::pipe()?)));
    let ((stdout, stdout_end), (stderr, stderr_end)) = match pipes {
        Ok(pipes) => pipes,
        Err(error) => return Ended::NotStarted(not_started(invocation, &error)),
    };
    widen(&stdout);
    widen(&stderr);
    let mut command = TokioCommandWrap::with_new(&invocation.program, |command| {
        command
            .args(&invocation.args)
            .current_dir(&invocation.working_dir)
            .envs(invocation.env.iter().map(|(k, v)| (k, v)))
            .envs(secrets.iter().map(|(k, v)| (k, v.expose())))
            .stdin(Stdio::null())
            .stdout(stdout_end)
            .stderr(stderr_end);
    });
    #[cfg(unix)]
    command.wrap(process_wrap::tokio::ProcessGroup::leader());
    #[cfg(windows)]
    command.wrap(process_wrap::tokio::JobObject);
    command.wrap(KillOnDrop);
    let spawned = command.spawn();
    // The command holds the pipes' writing ends: the app's copies must close for the reads to
    // end when the process group's do.
    drop(command);
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => return Ended::NotStarted(not_started(invocation, &error)),
    };

    let (sender, mut lines) = mpsc::channel::<(Stream, String)>(64);
    for (output, stream) in [(stdout, Stream::Stdout), (stderr, Stream::Stderr)] {
        let sender = sender.clone();
        // A plain thread rather than tokio's blocking pool: a process that escaped the group and
        // keeps the pipe open must not hold up the runtime's shutdown at the app's exit.
        let started = std::thread::Builder::new()
            .name("test-output".to_owned())
            .spawn(move || read_pieces(output, stream, &sender));
        if let Err(error) = started {
            tracing::warn!(%error, "a test output reader could not be started");
        }
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

/// The buffer asked for each output pipe (Linux's most for a user, `/proc/sys/fs/pipe-max-size`):
/// with the default 64 KiB, a process printing a flood stops every 64 KiB until the app reads.
#[cfg(target_os = "linux")]
const PIPE_BYTES: usize = 1024 * 1024;

/// Widens an output pipe to [`PIPE_BYTES`]; where the system refuses, the default does.
#[cfg(target_os = "linux")]
fn widen(pipe: &PipeReader) {
    if let Err(error) = rustix::pipe::fcntl_setpipe_size(pipe, PIPE_BYTES) {
        tracing::debug!(%error, "an output pipe keeps its default size");
    }
}

#[cfg(not(target_os = "linux"))]
fn widen(_: &PipeReader) {}

/// How much one read asks for.
const READ_BYTES: usize = 64 * 1024;
/// The most output gathered into one piece; a line longer than this is passed on in parts.
const PIECE_BYTES: usize = 256 * 1024;

/// Output as it comes, in pieces of whole lines (one allocation per piece, not per line: a test
/// printing a million lines must not cost a million messages), invalid UTF-8 replaced. The last
/// line gets a newline if the process ended without one. Returns when the output closes or the
/// run stops listening.
fn read_pieces(mut output: PipeReader, stream: Stream, sender: &mpsc::Sender<(Stream, String)>) {
    // Read straight into the piece being built; whole lines leave it without a copy.
    let new_piece = || vec![0u8; PIECE_BYTES + READ_BYTES];
    let mut piece = new_piece();
    let mut filled = 0;
    loop {
        let read = match output.read(&mut piece[filled..filled + READ_BYTES]) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        filled += read;
        // A full read means more is waiting: gather a bigger piece (fewer, larger messages
        // under a flood); a short one means the process paused: pass on what there is now.
        if read == READ_BYTES && filled < PIECE_BYTES {
            continue;
        }
        let cut = match piece[..filled].iter().rposition(|b| *b == b'\n') {
            Some(last) => last + 1,
            // One very long line: pass on what there is rather than hold it all.
            None if filled >= PIECE_BYTES => filled,
            None => continue,
        };
        let mut next = new_piece();
        next[..filled - cut].copy_from_slice(&piece[cut..filled]);
        piece.truncate(cut);
        let whole = std::mem::replace(&mut piece, next);
        filled -= cut;
        if sender.blocking_send((stream, text_of(whole))).is_err() {
            return;
        }
    }
    if filled > 0 {
        piece.truncate(filled);
        let _ = sender.blocking_send((stream, text_of(piece)));
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// What the reader passes on for `chunks` written one after the other, then the pipe closed.
    fn pieces_of(chunks: Vec<Vec<u8>>) -> Vec<String> {
        let (output, mut input) = std::io::pipe().expect("pipe");
        let (sender, mut receiver) = mpsc::channel(1024);
        let reader = std::thread::spawn(move || read_pieces(output, Stream::Stdout, &sender));
        for chunk in chunks {
            input.write_all(&chunk).expect("write");
        }
        drop(input);
        reader.join().expect("reader");
        let mut pieces = Vec::new();
        while let Ok((_, piece)) = receiver.try_recv() {
            pieces.push(piece);
        }
        pieces
    }

    #[test]
    fn pieces_hold_whole_lines_and_end_with_a_newline() {
        let lines: String = (0..50_000).map(|n| format!("line {n}\n")).collect();
        let pieces = pieces_of(vec![
            lines.as_bytes().to_vec(),
            b"last, unfinished".to_vec(),
        ]);
        assert!(
            pieces.iter().all(|piece| piece.ends_with('\n')),
            "whole lines"
        );
        assert!(pieces.len() > 1, "a flood is passed on in several pieces");
        assert_eq!(pieces.concat(), format!("{lines}last, unfinished\n"));
    }

    #[test]
    fn a_line_longer_than_a_piece_is_passed_on_in_parts_and_bad_utf8_replaced() {
        let long = "x".repeat(3 * PIECE_BYTES);
        let mut bytes = long.clone().into_bytes();
        bytes.extend_from_slice(b"\n\xff\xfe ok\n");
        let pieces = pieces_of(vec![bytes]);
        assert!(pieces.len() >= 3, "{} pieces", pieces.len());
        assert!(pieces
            .iter()
            .all(|piece| piece.len() <= PIECE_BYTES + READ_BYTES + 1));
        let text = pieces.concat();
        assert!(
            text.ends_with("\u{fffd}\u{fffd} ok\n"),
            "{:?}",
            &text[text.len() - 20..]
        );
        assert_eq!(text.matches('x').count(), long.len());
    }
}
