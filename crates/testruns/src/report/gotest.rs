//! `go test -json`: one event per line (`run`, `output`, `pass`, `fail`, `skip`), per test or per
//! package. The text a human would see is inside the `output` events.

use std::collections::HashMap;

use serde::Deserialize;

use super::{first_lines, LineRead, LiveReader};
use crate::model::{TestCaseResult, TestStatus};

pub struct GoJson {
    suite: String,
    /// Output so far per (package, test); the package's own under an empty test name.
    output: HashMap<(String, String), String>,
    /// Packages with at least one test verdict: a package that fails without any did not build.
    with_tests: std::collections::HashSet<String>,
}

impl GoJson {
    pub fn new(suite: &str) -> Self {
        Self {
            suite: suite.to_owned(),
            output: HashMap::new(),
            with_tests: std::collections::HashSet::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Event {
    action: String,
    package: Option<String>,
    test: Option<String>,
    elapsed: Option<f64>,
    output: Option<String>,
}

impl LiveReader for GoJson {
    fn line(&mut self, line: &str) -> LineRead {
        let Ok(event) = serde_json::from_str::<Event>(line.trim()) else {
            // `go test` prints build errors as plain text before any JSON.
            return LineRead::shown(line);
        };
        let package = event.package.unwrap_or_default();
        let test = event.test.unwrap_or_default();
        let mut read = LineRead::default();
        let status = match event.action.as_str() {
            "output" => {
                let text = event.output.unwrap_or_default();
                self.output
                    .entry((package, test))
                    .or_default()
                    .push_str(&text);
                read.show = Some(text.trim_end_matches('\n').to_owned());
                return read;
            }
            "pass" => TestStatus::Passed,
            "fail" => TestStatus::Failed,
            "skip" => TestStatus::Skipped,
            _ => return read,
        };
        if test.is_empty() {
            // A package that fails with no test verdict did not build (or its init panicked):
            // one failed entry says so, with what Go printed.
            if status == TestStatus::Failed && !self.with_tests.contains(&package) {
                let output = self.output.remove(&(package.clone(), String::new()));
                read.results.push(TestCaseResult {
                    suite: self.suite.clone(),
                    group: package,
                    name: "(package)".to_owned(),
                    status,
                    duration_ms: event.elapsed.map(|s| s * 1000.0),
                    message: output.as_deref().and_then(first_lines),
                    output,
                    retried: false,
                });
            }
            return read;
        }
        self.with_tests.insert(package.clone());
        let output = self.output.remove(&(package.clone(), test.clone()));
        let message = match status {
            // The `file_test.go:12: …` lines a failing test logged.
            TestStatus::Failed => output.as_deref().and_then(|text| {
                let logged: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("=== ") && !l.contains("--- FAIL"))
                    .collect();
                first_lines(&logged.join("\n"))
            }),
            _ => None,
        };
        read.results.push(TestCaseResult {
            suite: self.suite.clone(),
            group: package,
            name: test,
            status,
            duration_ms: event.elapsed.map(|s| s * 1000.0),
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

    #[test]
    fn go_events_give_verdicts_with_their_logged_lines() {
        let mut reader = GoJson::new("go");
        let lines = [
            r#"{"Action":"start","Package":"example.com/fx"}"#,
            r#"{"Action":"run","Package":"example.com/fx","Test":"TestAdds"}"#,
            r#"{"Action":"output","Package":"example.com/fx","Test":"TestAdds","Output":"=== RUN   TestAdds\n"}"#,
            r#"{"Action":"pass","Package":"example.com/fx","Test":"TestAdds","Elapsed":0.01}"#,
            r#"{"Action":"output","Package":"example.com/fx","Test":"TestBreaks","Output":"    fx_test.go:14: got 4, want 5\n"}"#,
            r#"{"Action":"output","Package":"example.com/fx","Test":"TestBreaks","Output":"--- FAIL: TestBreaks (0.00s)\n"}"#,
            r#"{"Action":"fail","Package":"example.com/fx","Test":"TestBreaks","Elapsed":0}"#,
            r#"{"Action":"skip","Package":"example.com/fx","Test":"TestLater","Elapsed":0}"#,
            r#"{"Action":"fail","Package":"example.com/fx","Elapsed":0.2}"#,
        ];
        let mut results = Vec::new();
        let mut shown = Vec::new();
        for line in lines {
            let read = reader.line(line);
            results.extend(read.results);
            shown.extend(read.show);
        }
        assert_eq!(
            results.len(),
            3,
            "the package's own fail is no test: {results:?}"
        );
        assert_eq!(results[0].status, TestStatus::Passed);
        assert_eq!(results[0].duration_ms, Some(10.0));
        assert_eq!(results[1].status, TestStatus::Failed);
        assert_eq!(
            results[1].message.as_deref(),
            Some("    fx_test.go:14: got 4, want 5")
        );
        assert_eq!(results[2].status, TestStatus::Skipped);
        assert_eq!(shown[0], "=== RUN   TestAdds");
    }

    #[test]
    fn a_package_that_does_not_build_is_one_failure_saying_why() {
        let mut reader = GoJson::new("go");
        let shown = reader.line("# example.com/broken");
        assert_eq!(shown.show.as_deref(), Some("# example.com/broken"));
        reader.line(r#"{"Action":"output","Package":"example.com/broken","Output":"FAIL\texample.com/broken [build failed]\n"}"#);
        let read = reader.line(r#"{"Action":"fail","Package":"example.com/broken","Elapsed":0}"#);
        assert_eq!(read.results[0].name, "(package)");
        assert!(read.results[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("build failed")));
    }
}
