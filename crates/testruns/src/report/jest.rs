//! Jest's JSON report (`--json --outputFile`), which Vitest's `json` reporter writes too.

use std::path::Path;

use serde::Deserialize;

use super::first_lines;
use crate::model::{TestCaseResult, TestStatus};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    test_results: Vec<FileResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileResult {
    name: String,
    #[serde(default)]
    assertion_results: Vec<Assertion>,
    /// Set when the file itself failed (a syntax error, a failing import).
    #[serde(default)]
    message: String,
    #[serde(default)]
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Assertion {
    full_name: String,
    status: String,
    duration: Option<f64>,
    #[serde(default)]
    failure_messages: Vec<String>,
}

/// Every assertion of the report; a file that failed without any is one failure saying why.
pub fn parse_jest(bytes: &[u8], suite: &str, base: &Path) -> Result<Vec<TestCaseResult>, String> {
    let report: Report = serde_json::from_slice(bytes).map_err(|error| error.to_string())?;
    let mut results = Vec::new();
    for file in report.test_results {
        let group = Path::new(&file.name)
            .strip_prefix(base)
            .map_or_else(|_| file.name.clone(), |p| p.display().to_string());
        if file.assertion_results.is_empty() && file.status == "failed" {
            results.push(TestCaseResult {
                suite: suite.to_owned(),
                group: group.clone(),
                name: "(file)".to_owned(),
                status: TestStatus::Failed,
                duration_ms: None,
                message: first_lines(&file.message),
                output: Some(file.message.clone()).filter(|m| !m.is_empty()),
                retried: false,
            });
        }
        for assertion in file.assertion_results {
            let status = match assertion.status.as_str() {
                "passed" => TestStatus::Passed,
                "failed" => TestStatus::Failed,
                // pending, skipped, todo, disabled
                _ => TestStatus::Skipped,
            };
            let failure = assertion.failure_messages.join("\n");
            results.push(TestCaseResult {
                suite: suite.to_owned(),
                group: group.clone(),
                name: assertion.full_name,
                status,
                duration_ms: assertion.duration,
                message: first_lines(&failure),
                output: Some(failure).filter(|f| !f.is_empty()),
                retried: false,
            });
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertions_by_file_relative_to_the_project_and_a_file_that_failed_to_load() {
        let json = r#"{"numFailedTests":1,"testResults":[
          {"name":"/p/src/math.test.js","status":"failed","message":"","assertionResults":[
            {"fullName":"math adds","title":"adds","status":"passed","duration":3,"failureMessages":[]},
            {"fullName":"math breaks","title":"breaks","status":"failed","duration":5,"failureMessages":["Error: expect(received).toBe(expected)\n\nExpected: 5\nReceived: 4\n    at src/math.test.js:9:21"]},
            {"fullName":"math later","title":"later","status":"pending","duration":null,"failureMessages":[]}]},
          {"name":"/p/src/broken.test.js","status":"failed","message":"SyntaxError: Unexpected token (3:4)","assertionResults":[]}
        ]}"#;
        let results = parse_jest(json.as_bytes(), "js", Path::new("/p")).expect("parsed");
        assert_eq!(results.len(), 4);
        assert_eq!(results[0].group, "src/math.test.js");
        assert_eq!(results[1].status, TestStatus::Failed);
        assert!(results[1]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("Received: 4")));
        assert_eq!(results[2].status, TestStatus::Skipped);
        assert_eq!(results[3].name, "(file)");
        assert_eq!(
            results[3].message.as_deref(),
            Some("SyntaxError: Unexpected token (3:4)")
        );
    }
}
