//! Test runs over IPC: a suite declared in the project's quantum.toml (a shell command writing a
//! JUnit report, so no toolchain is needed) is listed, run, kept in the history with its
//! results, audited, and "rerun failed" runs its failures again.

mod common;

use serde_json::{json, Value};

const REPORT: &str = r#"<testsuites><testsuite name="smoke"><testcase classname="api" name="answers" time="0.01"/><testcase classname="api" name="breaks"><failure message="expected 200, got 500"/></testcase></testsuite></testsuites>"#;

#[test]
fn a_declared_suite_runs_over_ipc_and_is_kept_with_its_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = tempfile::tempdir().expect("folder");
    std::fs::write(folder.path().join("report.xml"), REPORT).expect("report");
    std::fs::write(
        folder.path().join("quantum.toml"),
        "[tests.smoke]\ncommand = \"sh -c 'echo checking; exit 1'\"\nformat = \"junit\"\nreport = \"report.xml\"\n",
    )
    .expect("config");
    let app = common::start(dir.path());
    let project = app.ok(
        "project_create",
        json!({ "input": { "name": "runs", "description": "", "folder": folder.path() } }),
    );
    let project_id = project["id"].as_i64().expect("id");

    let suites = app.ok("tests_suites", json!({ "projectId": project_id }));
    let smoke = &suites["suites"][0];
    assert_eq!(smoke["name"], "smoke");
    assert_eq!(smoke["runner"], "custom");
    assert_eq!(smoke["source"], "config");
    assert_eq!(
        smoke["command"],
        json!(["sh", "-c", "echo checking; exit 1"])
    );

    let run_input = |rerun_failed: bool| {
        json!({ "input": { "request": { "projectId": project_id, "suites": [], "tests": [], "rerunFailed": rerun_failed },
                           "environment": null, "startDatasources": false },
                "onEvent": "__CHANNEL__:7" })
    };
    let run = app.ok("tests_run", run_input(false));
    assert_eq!(run["status"], "failed");
    assert_eq!(
        run["counts"],
        json!({ "passed": 1, "failed": 1, "skipped": 0 })
    );

    let detail = app.ok("tests_run_detail", json!({ "runId": run["id"] }));
    assert_eq!(detail["commands"], json!(["sh -c 'echo checking; exit 1'"]));
    let breaks = detail["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["name"] == "breaks")
        .expect("the failure is kept");
    assert_eq!(breaks["message"], "expected 200, got 500");

    let rerun = app.ok("tests_run", run_input(true));
    assert_eq!(rerun["trigger"], "rerun_failed");
    let runs = app.ok("tests_runs", json!({ "projectId": project_id }));
    assert_eq!(runs.as_array().map(Vec::len), Some(2));

    let page = app.ok(
        "audit_page",
        json!({ "request": { "filter": { "projectId": project_id, "action": "test.run", "resourceType": null },
                             "beforeId": null, "limit": 10 } }),
    );
    let entry: &Value = &page["entries"][0];
    assert_eq!(entry["resourceType"], "test_run");
    assert_eq!(entry["details"]["status"], "failed");
    assert_eq!(
        entry["details"]["commands"],
        json!(["sh -c 'echo checking; exit 1'"])
    );

    let error = app
        .invoke("tests_run", {
            let mut input = run_input(false);
            input["input"]["request"]["suites"] = json!(["nope"]);
            input
        })
        .expect_err("an unknown suite");
    assert_eq!(error["code"], "testrun.unknown_suite");
    assert_eq!(error["field"], "suite");

    // A failure's file:line opens with the editor command of the settings, inside the project only.
    let opened = folder.path().join("opened");
    let mut settings = app.ok("settings_get", json!({}));
    settings["editorCommand"] = json!(format!(
        "sh -c 'echo {{file}}:{{line}} > {}'",
        opened.display()
    ));
    app.ok("settings_update", json!({ "settings": settings }));
    app.ok(
        "tests_open_in_editor",
        json!({ "projectId": project_id, "file": "report.xml", "line": 3 }),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let wanted = format!("{}:3\n", folder.path().join("report.xml").display());
    while std::fs::read_to_string(&opened).ok().as_deref() != Some(wanted.as_str()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the editor command did not run"
        );
        std::thread::yield_now();
    }
    let outside = app
        .invoke(
            "tests_open_in_editor",
            json!({ "projectId": project_id, "file": "../../etc/passwd", "line": 1 }),
        )
        .expect_err("outside the project");
    assert_eq!(outside["code"], "testrun.file_outside");
}
