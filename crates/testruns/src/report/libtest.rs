//! Rust's tests: libtest's own lines (`cargo test`), and nextest's libtest JSON
//! (`--message-format libtest-json-plus`), one event per line.

use std::collections::HashMap;

use serde::Deserialize;

use super::{first_lines, plain, LineRead, LiveReader};
use crate::model::{TestCaseResult, TestStatus};

/// `cargo test`'s lines: `Running <target> (<binary>)` opens a group, `test <name> ... ok` is a
/// verdict, and after a binary's tests `---- <name> stdout ----` sections hold failures' output.
pub struct Libtest {
    suite: String,
    group: String,
    /// The failure whose output section is being read, and the lines so far.
    section: Option<(String, Vec<String>)>,
    /// Failures of the current group, by name, waiting for their output.
    failed: HashMap<String, TestCaseResult>,
}

impl Libtest {
    pub fn new(suite: &str) -> Self {
        Self {
            suite: suite.to_owned(),
            group: String::new(),
            section: None,
            failed: HashMap::new(),
        }
    }

    fn result(&self, name: &str, status: TestStatus) -> TestCaseResult {
        TestCaseResult {
            suite: self.suite.clone(),
            group: self.group.clone(),
            name: name.to_owned(),
            status,
            duration_ms: None,
            message: None,
            output: None,
            retried: false,
        }
    }

    /// Ends the output section being read: the failure gets its output and message.
    fn close_section(&mut self) -> Option<TestCaseResult> {
        let (name, lines) = self.section.take()?;
        let mut result = self.failed.remove(&name)?;
        let output = lines.join("\n");
        result.message = failure_message(&output);
        result.output = Some(output);
        Some(result)
    }
}

impl LiveReader for Libtest {
    fn line(&mut self, line: &str) -> LineRead {
        let text = plain(line);
        let trimmed = text.trim();
        let mut read = LineRead::shown(line);

        if let Some(rest) = trimmed.strip_prefix("Running ") {
            // `Running unittests src/lib.rs (target/debug/deps/app-1a2b)`, `Running tests/api.rs (…)`.
            let target = rest.split(" (").next().unwrap_or(rest);
            self.group = target
                .strip_prefix("unittests ")
                .unwrap_or(target)
                .to_owned();
            read.results.extend(self.close_section());
            return read;
        }
        if let Some(name) = trimmed.strip_prefix("Doc-tests ") {
            self.group = format!("doc-tests {name}");
            read.results.extend(self.close_section());
            return read;
        }
        if let Some(header) = trimmed
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" ----"))
        {
            read.results.extend(self.close_section());
            let name = header
                .strip_suffix(" stdout")
                .or_else(|| header.strip_suffix(" stderr"))
                .unwrap_or(header);
            self.section = Some((name.to_owned(), Vec::new()));
            return read;
        }
        if let Some((_, lines)) = &mut self.section {
            if trimmed == "failures:" || trimmed.starts_with("test result:") {
                read.results.extend(self.close_section());
            } else {
                lines.push(text.clone());
                return read;
            }
        }
        if let Some((name, verdict)) = verdict(trimmed) {
            let result = self.result(name, verdict);
            if verdict == TestStatus::Failed {
                // Reported now, completed with its output once the failures section comes.
                self.failed.insert(name.to_owned(), result.clone());
            }
            read.results.push(result);
        }
        read
    }

    fn finish(&mut self) -> Vec<TestCaseResult> {
        self.close_section().into_iter().collect()
    }
}

/// `test a::b ... ok` → (`a::b`, passed); `ignored`, `ignored, reason` → skipped.
fn verdict(line: &str) -> Option<(&str, TestStatus)> {
    let rest = line.strip_prefix("test ")?;
    let (name, outcome) = rest.rsplit_once(" ... ")?;
    let status = match outcome.trim() {
        "ok" => TestStatus::Passed,
        "FAILED" => TestStatus::Failed,
        o if o.starts_with("ignored") => TestStatus::Skipped,
        _ => return None,
    };
    // `test src/lib.rs - f (line 3) ... ok` is a doc-test: its name is all of it.
    Some((name.trim(), status))
}

/// From a Rust failure's output: the panic line and what follows it.
fn failure_message(output: &str) -> Option<String> {
    match output.find("panicked at") {
        Some(start) => {
            let from_line = output[..start].rfind('\n').map_or(0, |i| i + 1);
            first_lines(&output[from_line..])
        }
        None => first_lines(output),
    }
}

/// nextest's `libtest-json-plus` lines: `{"type":"test","event":"ok","name":"<binary id>$<test>",
/// "exec_time":0.01,"stdout":"…"}`. Lines that are not JSON are nextest's or the tests' text.
pub struct LibtestJson {
    suite: String,
}

impl LibtestJson {
    pub fn new(suite: &str) -> Self {
        Self {
            suite: suite.to_owned(),
        }
    }
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    event: String,
    name: Option<String>,
    exec_time: Option<f64>,
    stdout: Option<String>,
    message: Option<String>,
}

impl LiveReader for LibtestJson {
    fn line(&mut self, line: &str) -> LineRead {
        let trimmed = line.trim();
        if !trimmed.starts_with('{') {
            return LineRead::shown(line);
        }
        let Ok(event) = serde_json::from_str::<Event>(trimmed) else {
            return LineRead::shown(line);
        };
        let mut read = LineRead::default();
        if event.kind != "test" {
            return read;
        }
        let status = match event.event.as_str() {
            "ok" => TestStatus::Passed,
            "failed" => TestStatus::Failed,
            "ignored" => TestStatus::Skipped,
            _ => return read,
        };
        let full = event.name.unwrap_or_default();
        let (group, name) = full.split_once('$').unwrap_or(("", &full));
        let output = event.stdout.filter(|s| !s.is_empty());
        let message = match status {
            TestStatus::Failed => output
                .as_deref()
                .and_then(failure_message)
                .or(event.message),
            _ => None,
        };
        read.results.push(TestCaseResult {
            suite: self.suite.clone(),
            group: group.to_owned(),
            name: name.to_owned(),
            status,
            duration_ms: event.exec_time.map(|secs| secs * 1000.0),
            message,
            output,
            retried: false,
        });
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(reader: &mut dyn LiveReader, text: &str) -> Vec<TestCaseResult> {
        let mut latest: Vec<TestCaseResult> = Vec::new();
        let mut put = |result: TestCaseResult| {
            latest.retain(|r| r.test_ref() != result.test_ref());
            latest.push(result);
        };
        for line in text.lines() {
            reader.line(line).results.into_iter().for_each(&mut put);
        }
        reader.finish().into_iter().for_each(put);
        latest
    }

    #[test]
    fn cargo_test_lines_give_verdicts_groups_and_failure_output() {
        let text = "\
     Running unittests src/lib.rs (target/debug/deps/fixture-0123)

running 3 tests
test tests::adds ... ok
test tests::slow ... \u{1b}[32mok\u{1b}[0m
test tests::later ... ignored, not today
test tests::breaks ... FAILED

failures:

---- tests::breaks stdout ----
about to break

thread 'tests::breaks' panicked at src/lib.rs:20:9:
assertion `left == right` failed
  left: 4
 right: 5
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::breaks

test result: FAILED. 2 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/api.rs (target/debug/deps/api-4567)
test from_outside ... ok
";
        let results = read_all(&mut Libtest::new("rust"), text);
        let status = |name: &str| results.iter().find(|r| r.name == name).map(|r| r.status);
        assert_eq!(status("tests::adds"), Some(TestStatus::Passed));
        assert_eq!(status("tests::slow"), Some(TestStatus::Passed));
        assert_eq!(status("tests::later"), Some(TestStatus::Skipped));
        assert_eq!(status("from_outside"), Some(TestStatus::Passed));
        let broken = results
            .iter()
            .find(|r| r.name == "tests::breaks")
            .expect("failure");
        assert_eq!(broken.status, TestStatus::Failed);
        assert_eq!(broken.group, "src/lib.rs");
        let message = broken.message.as_deref().expect("message");
        assert!(
            message.starts_with("thread 'tests::breaks' panicked at src/lib.rs:20:9:"),
            "{message}"
        );
        assert!(message.contains("right: 5"));
        assert!(broken
            .output
            .as_deref()
            .is_some_and(|o| o.contains("about to break")));
        assert_eq!(
            results
                .iter()
                .find(|r| r.name == "from_outside")
                .map(|r| r.group.as_str()),
            Some("tests/api.rs")
        );
    }

    #[test]
    fn nextest_json_lines_give_groups_durations_and_output_and_hide_the_json() {
        let mut reader = LibtestJson::new("rust");
        let started =
            reader.line(r#"{"type":"test","event":"started","name":"fixture::api$from_outside"}"#);
        assert_eq!(started, LineRead::default());
        let ok = reader.line(
            r#"{"type":"test","event":"ok","name":"fixture::api$from_outside","exec_time":0.25}"#,
        );
        assert_eq!(ok.show, None);
        assert_eq!(ok.results[0].group, "fixture::api");
        assert_eq!(ok.results[0].name, "from_outside");
        assert_eq!(ok.results[0].duration_ms, Some(250.0));
        let failed = reader.line(
            r#"{"type":"test","event":"failed","name":"fixture$tests::breaks","exec_time":0.001,"stdout":"about to break\nthread 'tests::breaks' panicked at src/lib.rs:20:9:\nboom\n"}"#,
        );
        let result = &failed.results[0];
        assert_eq!(result.status, TestStatus::Failed);
        assert!(result
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("thread 'tests::breaks' panicked")));
        assert_eq!(
            reader
                .line("    Starting 3 tests across 2 binaries")
                .show
                .as_deref(),
            Some("    Starting 3 tests across 2 binaries")
        );
    }
}
