//! CI over IPC against the local fake of GitHub's API (tests/fakes/ci-server.mjs): the
//! repository found from the folder's remote, refused with a clear field error until its token
//! can see it, the overview of the folder's branch, a run's jobs and a job's log in groups, and
//! a re-run of the failed jobs in the activity log; the run's JUnit artifact read into the test
//! history, its tests filed with the local suite that runs them.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

const RUN_42: i64 = 12003987215;
const TEST_JOB_42: i64 = 33170000066;
const LOCAL_REPORT: &str = r#"<testsuites><testsuite name="shop"><testcase classname="shop::orders" name="export_csv" time="0.2"/></testsuite></testsuites>"#;

/// The fake, killed when dropped.
struct Fake(Child, String);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fake() -> Fake {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fakes/ci-server.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs the CI fake");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the fake says where it listens");
    let url = line.trim().trim_start_matches("listening ").to_owned();
    Fake(child, url)
}

fn git(folder: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_repository_is_set_up_read_and_rerun_over_ipc() {
    let fake = fake();
    let dir = tempfile::tempdir().expect("data dir");
    let folder = tempfile::tempdir().expect("folder");
    git(folder.path(), &["init", "-q", "-b", "main"]);
    git(
        folder.path(),
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/acme/shop.git",
        ],
    );
    // The workflow file gives the jobs' order, which GitHub's jobs API does not.
    std::fs::create_dir_all(folder.path().join(".github/workflows")).expect("workflows");
    std::fs::write(
        folder.path().join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n  test:\n    needs: lint\n  build:\n    needs: [test]\n",
    )
    .expect("workflow file");
    // A local suite whose report names one of the tests CI's artifact has (passing here).
    std::fs::write(folder.path().join("report.xml"), LOCAL_REPORT).expect("report");
    std::fs::write(
        folder.path().join("quantum.toml"),
        "[tests.unit]\ncommand = \"true\"\nformat = \"junit\"\nreport = \"report.xml\"\n",
    )
    .expect("config");
    let app = common::start(dir.path());
    let project = app.ok(
        "project_create",
        json!({ "input": { "name": "shop", "description": "", "folder": folder.path() } }),
    );
    let project_id = project["id"].as_i64().expect("id");

    let error = app
        .invoke("ci_overview", json!({ "projectId": project_id }))
        .expect_err("no repository yet");
    assert_eq!(error["code"], "ci.no_repository");
    let setup = app.ok("ci_setup", json!({ "projectId": project_id }));
    assert_eq!(setup["candidates"][0]["repository"]["path"], "acme/shop");
    assert_eq!(setup["candidates"][0]["repository"]["provider"], "github");

    let input = |path: &str, token: &str| {
        json!({ "input": { "projectId": project_id, "provider": "github", "apiUrl": fake.1,
                           "path": path, "tokenSource": "keychain", "token": token } })
    };
    let error = app
        .invoke("ci_repository_set", input("acme", "gh-good"))
        .expect_err("a path without its owner");
    assert_eq!(
        (error["code"].as_str(), error["field"].as_str()),
        (Some("ci.path_invalid"), Some("path"))
    );
    let error = app
        .invoke("ci_repository_set", input("acme/shop", "gh-read"))
        .expect_err("a token without repo");
    assert_eq!(
        (error["code"].as_str(), error["field"].as_str()),
        (Some("ci.missing_scopes"), Some("token"))
    );
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("repo scope")),
        "{error}"
    );
    app.ok("ci_repository_set", input("acme/shop", "gh-good"));

    let overview = app.ok("ci_overview", json!({ "projectId": project_id }));
    assert_eq!(overview["currentBranch"], "main");
    let ci = overview["workflows"]
        .as_array()
        .expect("workflows")
        .iter()
        .find(|w| w["workflow"]["name"] == "CI")
        .expect("the CI workflow");
    assert_eq!(
        (
            ci["default"]["number"].as_i64(),
            ci["default"]["status"].as_str()
        ),
        (Some(42), Some("failure"))
    );

    let run = app.ok(
        "ci_run",
        json!({ "projectId": project_id, "runId": RUN_42 }),
    );
    let names: Vec<&str> = run["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .filter_map(|j| j["name"].as_str())
        .collect();
    assert_eq!(names, ["lint", "test", "build"]);
    assert_eq!(run["jobs"][1]["needs"], json!(["lint"]));
    assert_eq!(run["jobs"][2]["needs"], json!(["test"]));
    let log = app.ok(
        "ci_job_log",
        json!({ "projectId": project_id, "jobId": TEST_JOB_42 }),
    );
    let lines = log.as_array().expect("lines");
    assert!(lines.iter().any(|l| l["title"] == true), "groups to fold");
    assert!(lines.iter().any(|l| l["mark"] == "error"), "the error line");

    let local = app.ok(
        "tests_run",
        json!({ "input": { "request": { "projectId": project_id, "suites": [], "tests": [], "rerunFailed": false },
                           "environment": null, "startDatasources": false },
                "onEvent": "__CHANNEL__:7" }),
    );
    assert_eq!(local["status"], "passed");
    let imported = app.ok(
        "ci_import_tests",
        json!({ "projectId": project_id, "runId": RUN_42 }),
    );
    assert!(imported.is_i64(), "the CI run's tests are kept: {imported}");
    assert!(
        app.ok(
            "ci_import_tests",
            json!({ "projectId": project_id, "runId": RUN_42 })
        )
        .is_null(),
        "once"
    );
    let runs = app.ok("tests_runs", json!({ "projectId": project_id }));
    let ci_run = &runs[0];
    assert_eq!(
        (ci_run["trigger"].as_str(), ci_run["message"].as_str()),
        (Some("ci"), Some("CI #42"))
    );
    assert_eq!(
        ci_run["counts"],
        json!({ "passed": 2, "failed": 1, "skipped": 0 })
    );
    let outcomes = app.ok(
        "tests_test_history",
        json!({ "projectId": project_id, "test": { "suite": "unit", "group": "shop::orders", "name": "export_csv" } }),
    );
    let statuses: Vec<&str> = outcomes
        .as_array()
        .expect("outcomes")
        .iter()
        .filter_map(|o| o["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        ["failed", "passed"],
        "CI's failure sits beside the local pass"
    );

    app.ok(
        "ci_rerun",
        json!({ "projectId": project_id, "runId": RUN_42, "failedOnly": true }),
    );
    let page = app.ok(
        "audit_page",
        json!({ "request": { "filter": { "projectId": project_id, "action": "ci.rerun", "resourceType": null },
                             "beforeId": null, "limit": 10 } }),
    );
    let entry: &Value = &page["entries"][0];
    assert_eq!(
        (entry["resourceType"].as_str(), entry["resourceId"].as_i64()),
        (Some("ci_run"), Some(RUN_42))
    );
    assert_eq!(entry["details"]["failedOnly"], true);

    quantum_secrets::SecretStore::open(dir.path())
        .delete(&quantum_ci::tokens::account(
            quantum_ci::ProviderKind::Github,
            &fake.1,
        ))
        .expect("the test's token removed");
}
