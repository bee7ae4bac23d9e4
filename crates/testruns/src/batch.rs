//! A run's output and results sent on in batches, so that a flood of lines cannot swamp the
//! window: at most every [`FLUSH_EVERY`], sooner past [`FLUSH_BYTES`]. For a view that shows
//! only its last lines, a batch carries no more than those (a terminal with a scrollback of N
//! lines would drop the rest at once): the window then parses what it shows, not the flood.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::model::{Counts, TestCaseResult};
use crate::RunEvent;

/// Output is sent at most this often…
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// …or sooner once this much is waiting (all output sent).
const FLUSH_BYTES: usize = 256 * 1024;
/// With a line limit, the waiting output is cut to its last lines once it is this big.
const TRIM_BYTES: usize = 4 * 1024 * 1024;

pub(crate) enum Piece {
    /// Output: whole lines, each ending with a newline.
    Text(String),
    Results(Vec<TestCaseResult>, Counts),
}

/// Output waiting to be sent, with the lines left out since the last batch.
#[derive(Default)]
struct Waiting {
    text: String,
    left_out: usize,
}

impl Waiting {
    /// Keeps the last `lines` lines.
    fn trim(&mut self, lines: usize) {
        let cut = tail_start(&self.text, lines);
        if cut > 0 {
            self.left_out += memchr::memchr_iter(b'\n', &self.text.as_bytes()[..cut]).count();
            self.text.drain(..cut);
        }
    }

    /// The batch to send: the text, after a line saying what was left out.
    fn take(&mut self, lines: Option<usize>) -> String {
        if let Some(lines) = lines {
            self.trim(lines);
        }
        let text = std::mem::take(&mut self.text);
        match std::mem::take(&mut self.left_out) {
            0 => text,
            left_out => format!(
                "\u{1b}[2m… {left_out} lines not shown here (the view keeps the last {})\u{1b}[0m\n{text}",
                lines.unwrap_or_default()
            ),
        }
    }
}

/// Where the last `lines` lines of `text` (whole lines, each ending with a newline) start.
fn tail_start(text: &str, lines: usize) -> usize {
    // The newline that ends the line before them is the (lines + 1)-th from the end.
    memchr::memrchr_iter(b'\n', text.as_bytes())
        .nth(lines)
        .map_or(0, |newline| newline + 1)
}

/// Sends output and results as they come, in batches, and whatever is left when the run's
/// pieces end.
pub(crate) async fn batch(
    mut pieces: mpsc::UnboundedReceiver<Piece>,
    emit: Arc<dyn Fn(RunEvent) + Send + Sync>,
    lines: Option<usize>,
) {
    let mut waiting = Waiting::default();
    let mut results: Vec<TestCaseResult> = Vec::new();
    let mut counts = Counts::default();
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let flush = |waiting: &mut Waiting, results: &mut Vec<TestCaseResult>, counts: Counts| {
        if !waiting.text.is_empty() {
            emit(RunEvent::Output {
                text: waiting.take(lines),
            });
        }
        if !results.is_empty() {
            emit(RunEvent::Results {
                results: std::mem::take(results),
                counts,
            });
        }
    };
    loop {
        tokio::select! {
            piece = pieces.recv() => match piece {
                // All output wanted: a flood comes in big pieces, each sent as it is, no copy.
                Some(Piece::Text(more))
                    if lines.is_none() && waiting.text.is_empty() && more.len() >= FLUSH_BYTES / 4 =>
                {
                    waiting.text = more;
                    flush(&mut waiting, &mut results, counts);
                }
                Some(Piece::Text(more)) => {
                    waiting.text.push_str(&more);
                    match lines {
                        None if waiting.text.len() >= FLUSH_BYTES => {
                            flush(&mut waiting, &mut results, counts);
                        }
                        Some(lines) if waiting.text.len() >= TRIM_BYTES => waiting.trim(lines),
                        _ => {}
                    }
                }
                Some(Piece::Results(more, now)) => {
                    results.extend(more);
                    counts = now;
                }
                None => break,
            },
            _ = tick.tick() => flush(&mut waiting, &mut results, counts),
        }
    }
    flush(&mut waiting, &mut results, counts);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(from: usize, to: usize) -> String {
        (from..to).map(|n| format!("line {n}\n")).collect()
    }

    #[test]
    fn a_batch_keeps_the_last_lines_and_says_how_many_it_left_out() {
        let mut waiting = Waiting {
            text: numbered(0, 10),
            left_out: 0,
        };
        let sent = waiting.take(Some(3));
        assert_eq!(
            sent,
            "\u{1b}[2m… 7 lines not shown here (the view keeps the last 3)\u{1b}[0m\nline 7\nline 8\nline 9\n"
        );
        waiting.text = numbered(10, 12);
        assert_eq!(
            waiting.take(Some(3)),
            "line 10\nline 11\n",
            "nothing left out"
        );
        waiting.text = numbered(0, 10);
        assert_eq!(waiting.take(None), numbered(0, 10), "no limit: every line");
    }

    #[test]
    fn trims_add_up_until_the_batch_goes() {
        let mut waiting = Waiting {
            text: numbered(0, 100),
            left_out: 0,
        };
        waiting.trim(10);
        waiting.text.push_str(&numbered(100, 105));
        waiting.trim(10);
        assert_eq!(waiting.left_out, 95);
        assert!(waiting.take(Some(10)).ends_with(&numbered(95, 105)));
    }

    #[tokio::test]
    async fn a_flood_reaches_a_limited_view_as_its_last_lines() {
        let (sender, receiver) = mpsc::unbounded_channel();
        let sent = Arc::new(std::sync::Mutex::new(String::new()));
        let into = Arc::clone(&sent);
        let batcher = tokio::spawn(batch(
            receiver,
            Arc::new(move |event| {
                if let RunEvent::Output { text } = event {
                    into.lock().expect("sent").push_str(&text);
                }
            }),
            Some(1000),
        ));
        // 400,000 lines (5 MB), past the trim size, in pieces as the reader passes them on.
        for start in (0..400_000).step_by(5_000) {
            sender
                .send(Piece::Text(numbered(start, start + 5_000)))
                .expect("sent");
        }
        drop(sender);
        batcher.await.expect("batched");
        let sent = sent.lock().expect("sent");
        assert!(
            sent.ends_with(&numbered(399_000, 400_000)),
            "the last thousand lines arrive whole"
        );
        assert!(sent.contains("lines not shown here"));
        assert!(
            sent.lines().count() < 400_000 / 10,
            "a small part of the flood went to the view"
        );
    }
}
