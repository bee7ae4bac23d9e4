//! JUnit XML, the format most runners can write (nextest, pytest `--junitxml`, Vitest's and
//! Jest's JUnit reporters, Maven, …), read with `junit-parser`.

use junit_parser::{TestCase, TestSuite};

use super::first_lines;
use crate::model::{TestCaseResult, TestStatus};

/// Every test case of the report, nested suites included.
pub fn parse_junit(bytes: &[u8], suite: &str) -> Result<Vec<TestCaseResult>, String> {
    let mut results = read(bytes, suite)?;
    // Node's reporter puts test cases straight under <testsuites>, where the parser looks only
    // for suites: then the root's content is read again as one unnamed suite's.
    let text = String::from_utf8_lossy(bytes);
    if results.len() < text.matches("<testcase").count() {
        if let Some(wrapped) = cases_in_a_suite(&text) {
            results = read(wrapped.as_bytes(), suite)?;
        }
    }
    Ok(results)
}

fn read(bytes: &[u8], suite: &str) -> Result<Vec<TestCaseResult>, String> {
    let report = junit_parser::from_reader(bytes).map_err(|error| error.to_string())?;
    let mut results = Vec::new();
    for junit_suite in &report.suites {
        collect(junit_suite, suite, &mut results);
    }
    Ok(results)
}

/// `<testsuites …>X</testsuites>` as `<testsuites …><testsuite name="">X</testsuite></testsuites>`.
fn cases_in_a_suite(text: &str) -> Option<String> {
    let start = text.find("<testsuites")?;
    let open_end = start + text[start..].find('>')?;
    let close = text.rfind("</testsuites>")?;
    (open_end < close && !text[..open_end].ends_with('/')).then(|| {
        format!(
            "{}<testsuite name=\"\">{}</testsuite>{}",
            &text[..=open_end],
            &text[open_end + 1..close],
            &text[close..]
        )
    })
}

fn collect(junit_suite: &TestSuite, suite: &str, results: &mut Vec<TestCaseResult>) {
    for case in &junit_suite.cases {
        results.push(result(case, &junit_suite.name, suite));
    }
    for nested in &junit_suite.suites {
        collect(nested, suite, results);
    }
}

fn result(case: &TestCase, suite_name: &str, suite: &str) -> TestCaseResult {
    use junit_parser::TestStatus as Junit;
    let (status, message, detail) = match &case.status {
        Junit::Success => (TestStatus::Passed, String::new(), String::new()),
        Junit::Failure(f) => (TestStatus::Failed, f.message.clone(), f.text.clone()),
        Junit::Error(e) => (TestStatus::Failed, e.message.clone(), e.text.clone()),
        Junit::Skipped(s) => (TestStatus::Skipped, s.message.clone(), String::new()),
    };
    let message = match (message.trim(), detail.trim()) {
        ("", "") => None,
        ("", detail) => first_lines(detail),
        (message, "") => first_lines(message),
        // The text usually repeats the message with the stack after it.
        (message, detail) if detail.contains(message) => first_lines(detail),
        (message, detail) => first_lines(&format!("{message}\n{detail}")),
    };
    let output: Vec<&str> = [&case.system_out, &case.system_err]
        .into_iter()
        .flatten()
        .map(|s| s.trim_end())
        .filter(|s| !s.is_empty())
        .collect();
    TestCaseResult {
        suite: suite.to_owned(),
        group: case
            .classname
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| suite_name.to_owned()),
        name: case.original_name.clone(),
        status,
        duration_ms: (case.time > 0.0).then_some(case.time * 1000.0),
        message: match status {
            TestStatus::Passed => None,
            _ => message,
        },
        output: (!output.is_empty()).then(|| output.join("\n")),
        // `<flakyFailure>`: failed, then passed on a rerun (nextest, surefire).
        retried: status == TestStatus::Passed && !case.reruns.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_s_cases_outside_any_suite_are_read_with_those_inside_one() {
        // Node 20's `--test-reporter=junit`, as it writes a failing test and a describe().
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testcase name="top one" time="0.001221" classname="test"/>
	<testcase name="top fails" time="0.000388" classname="test" failure="boom">
		<failure type="testCodeFailure" message="boom">
[Error [ERR_TEST_FAILURE]: boom]
		</failure>
	</testcase>
	<testsuite name="group" time="0.000582" disabled="0" errors="0" tests="1" failures="0" skipped="0" hostname="vm">
		<testcase name="inner" time="0.000125" classname="test"/>
	</testsuite>
	<!-- tests 3 -->
</testsuites>"#;
        let results = parse_junit(xml.as_bytes(), "javascript").expect("parsed");
        let names: Vec<(&str, TestStatus)> = results
            .iter()
            .map(|r| (r.name.as_str(), r.status))
            .collect();
        assert_eq!(
            names,
            [
                ("top one", TestStatus::Passed),
                ("top fails", TestStatus::Failed),
                ("inner", TestStatus::Passed)
            ]
        );
        assert!(results[1]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("boom")));
    }

    #[test]
    fn cases_of_nested_suites_with_failures_skips_output_and_flaky_reruns() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="pytest" tests="5" failures="1" errors="1" skipped="1">
  <testsuite name="pytest" tests="5">
    <testcase classname="tests.test_math" name="test_adds" time="0.002"/>
    <testcase classname="tests.test_math" name="test_breaks" time="0.010">
      <failure message="assert 4 == 5">def test_breaks():
&gt;       assert add(2, 2) == 5
E       assert 4 == 5

tests/test_math.py:9: AssertionError</failure>
      <system-out>about to break</system-out>
    </testcase>
    <testcase classname="tests.test_math" name="test_later"><skipped type="pytest.skip" message="not today"/></testcase>
    <testcase classname="tests.test_db" name="test_connects"><error message="fixture 'db' not found"/></testcase>
    <testsuite name="nested">
      <testcase name="test_flaky" time="1.5"><flakyFailure message="first try failed"/></testcase>
    </testsuite>
  </testsuite>
</testsuites>"#;
        let results = parse_junit(xml.as_bytes(), "python").expect("parsed");
        assert_eq!(results.len(), 5);
        assert_eq!(results[0].status, TestStatus::Passed);
        assert_eq!(results[0].group, "tests.test_math");
        assert_eq!(results[0].name, "test_adds");
        assert_eq!(results[0].duration_ms, Some(2.0));
        let broken = &results[1];
        assert_eq!(broken.status, TestStatus::Failed);
        assert!(broken
            .message
            .as_deref()
            .is_some_and(|m| m.contains("tests/test_math.py:9: AssertionError")));
        assert_eq!(broken.output.as_deref(), Some("about to break"));
        assert_eq!(results[2].status, TestStatus::Skipped);
        assert_eq!(results[2].message.as_deref(), Some("not today"));
        assert_eq!(results[3].status, TestStatus::Failed);
        assert_eq!(
            results[3].message.as_deref(),
            Some("fixture 'db' not found")
        );
        assert_eq!(results[4].group, "nested");
        assert!(results[4].retried);
    }

    #[test]
    fn a_truncated_report_is_an_error_not_a_partial_success() {
        let error = parse_junit(
            b"<testsuites><testsuite name=\"x\"><testcase name=\"a\">",
            "s",
        );
        assert!(error.is_err(), "{error:?}");
    }
}
