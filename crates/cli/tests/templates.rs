//! "Templates create functional apps", measured: each built-in template (and its other database
//! engine) becomes a project through `quantum new`, its databases are created and become ready
//! on the real Docker Engine, its dependencies are installed with its own README's commands
//! (PyPI, npm), its migrations are applied by `quantum migrate up`, and `quantum test` runs its
//! suite (Python from the project's `.venv`, as the app finds it): all green. The local test images stand in for the official ones through the app's
//! Settings (engine images), as a user without a registry would set them.

mod support;

use std::path::Path;
use std::process::Command;

use quantum_datasources::Engine;
use quantum_integration_tests::{test_image, TestApp};
use serde_json::Value;
use support::{code, json, quantum};

/// One project to make: a template, a name, its options.
struct Case {
    template: &'static str,
    name: &'static str,
    set: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        template: "rest-api",
        name: "Rest Pg",
        set: &[],
    },
    Case {
        template: "rest-api",
        name: "Rest Maria",
        set: &["engine=mariadb", "auth=true"],
    },
    Case {
        template: "blog",
        name: "Blog",
        set: &[],
    },
    Case {
        template: "dashboard",
        name: "Dash",
        set: &[],
    },
    Case {
        template: "landing",
        name: "Landing",
        set: &[],
    },
    Case {
        template: "blank",
        name: "Blank",
        set: &[],
    },
    Case {
        template: "blank",
        name: "Blank Pg",
        set: &["database=postgres"],
    },
    Case {
        template: "blank",
        name: "Blank Maria",
        set: &["database=mariadb"],
    },
    Case {
        template: "blank",
        name: "Blank Redis",
        set: &["database=redis"],
    },
    Case {
        template: "blog",
        name: "Blog Bare",
        set: &["comments=false"],
    },
];

fn run(folder: &Path, program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .current_dir(folder)
        .output()
        .unwrap_or_else(|error| panic!("{program} runs: {error}"));
    assert!(
        output.status.success(),
        "{program} {args:?} in {}: {}\n{}",
        folder.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What the template's README says to run before its tests.
fn install_dependencies(folder: &Path) {
    if folder.join("requirements.txt").is_file() {
        run(folder, "python3", &["-m", "venv", ".venv"]);
        run(
            folder,
            ".venv/bin/pip",
            &["install", "-q", "-r", "requirements.txt"],
        );
    }
    if folder.join("package-lock.json").is_file() {
        run(folder, "npm", &["ci", "--no-audit", "--no-fund"]);
    }
}

#[tokio::test]
async fn every_built_in_template_makes_a_project_whose_migrations_apply_and_tests_pass() {
    let app = TestApp::start("templates").await;
    let data_dir = app.dir.path();
    let images: serde_json::Map<String, Value> = [Engine::Postgres, Engine::Mariadb, Engine::Redis]
        .into_iter()
        .map(|engine| {
            let key = serde_json::to_value(engine)
                .expect("engine")
                .as_str()
                .expect("name")
                .to_owned();
            (key, Value::from(test_image(engine)))
        })
        .collect();
    std::fs::write(
        data_dir.join("settings.json"),
        serde_json::json!({ "settings": { "engineImages": images } }).to_string(),
    )
    .expect("settings");
    let parent = tempfile::tempdir().expect("projects folder");
    let _cleanup = Cleanup(app.store.identity().to_owned());

    // The list a script reads: the five built-ins with their options.
    let listed = json(&quantum(data_dir, parent.path(), &["--json", "templates"]));
    let ids: Vec<&str> = listed["templates"]
        .as_array()
        .expect("templates")
        .iter()
        .filter_map(|t| t["reference"]["id"].as_str())
        .collect();
    assert_eq!(ids, ["rest-api", "blog", "dashboard", "landing", "blank"]);

    // A folder that holds a file is refused (input refused: exit 4) and left as it was; the dry
    // run lists what would be written there.
    let taken = parent.path().join("taken");
    std::fs::create_dir(&taken).expect("folder");
    std::fs::write(taken.join("notes.txt"), "mine\n").expect("file");
    let refused = quantum(
        data_dir,
        &taken,
        &["--json", "new", "landing", ".", "--name", "Taken"],
    );
    assert_eq!(
        code(&refused),
        4,
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("template.folder_not_empty"));
    assert_eq!(std::fs::read_dir(&taken).expect("folder").count(), 1);
    let dry = json(&quantum(
        data_dir,
        &taken,
        &[
            "--json",
            "new",
            "landing",
            ".",
            "--name",
            "Taken",
            "--dry-run",
        ],
    ));
    assert_eq!(dry["folderState"]["state"], "notEmpty");
    assert!(dry["files"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["path"] == "site/index.html")));
    assert_eq!(
        std::fs::read_dir(&taken).expect("folder").count(),
        1,
        "a dry run writes nothing"
    );

    for case in CASES {
        // Unique names: a database left by an interrupted run keeps its container's name.
        let name = format!("{} {}", case.name, std::process::id());
        let folder = parent.path().join(name.to_lowercase().replace(' ', "-"));
        let folder_text = folder.display().to_string();
        let mut args = vec![
            "--json",
            "new",
            case.template,
            &folder_text,
            "--name",
            &name,
        ];
        for pair in case.set {
            args.extend(["--set", pair]);
        }
        let made = quantum(data_dir, parent.path(), &args);
        assert_eq!(
            code(&made),
            0,
            "{}: {}\n{}",
            case.name,
            String::from_utf8_lossy(&made.stdout),
            String::from_utf8_lossy(&made.stderr)
        );
        let made = json(&made);
        assert_eq!(made["project"]["folder"], folder_text.as_str());
        assert!(
            made["notCreated"].as_array().is_some_and(Vec::is_empty),
            "{made}"
        );
        let datasources = made["datasources"].as_array().cloned().unwrap_or_default();
        for datasource in &datasources {
            assert_eq!(datasource["status"], "ready", "{}: {datasource}", case.name);
        }

        install_dependencies(&folder);
        for datasource in &datasources {
            let name = datasource["name"].as_str().expect("name");
            // A SQL database comes with its first migration; Redis with none.
            let sql = datasource["engine"] != "redis";
            assert_eq!(folder.join("migrations").is_dir(), sql, "{}", case.name);
            if sql {
                let applied = quantum(data_dir, &folder, &["--json", "migrate", "up", name]);
                assert_eq!(
                    code(&applied),
                    0,
                    "{}: migrate up: {}",
                    case.name,
                    String::from_utf8_lossy(&applied.stderr)
                );
            }
        }
        let tested = quantum(data_dir, &folder, &["--json", "test"]);
        let report = String::from_utf8_lossy(&tested.stdout).into_owned();
        assert_eq!(
            code(&tested),
            0,
            "{}: quantum test: {report}\n{}",
            case.name,
            String::from_utf8_lossy(&tested.stderr)
        );
        let finished: Value = report
            .lines()
            .last()
            .and_then(|line| serde_json::from_str(line).ok())
            .unwrap_or_default();
        assert_eq!(
            finished["run"]["status"], "passed",
            "{}: {report}",
            case.name
        );
        let passed = finished["run"]["counts"]["passed"].as_i64().unwrap_or(0);
        assert!(
            passed >= 1,
            "{}: its tests were not read: {report}",
            case.name
        );
        assert_eq!(
            finished["run"]["counts"]["failed"], 0,
            "{}: {report}",
            case.name
        );
    }
}

/// Removes this data dir's containers and snapshot volumes (by their label) and its databases'
/// data volumes (by the process id in their names) even when the test fails half-way.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let label = format!("label=app.quantumadmin.store={}", self.0);
        let listed = |args: &[&str]| -> Vec<String> {
            Command::new("docker")
                .args(args)
                .args(["--filter", &label])
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        for container in listed(&["ps", "-aq"]) {
            let _ = Command::new("docker")
                .args(["rm", "-fv", &container])
                .output();
        }
        let suffix = format!("-{}-db-data", std::process::id());
        let data = Command::new("docker")
            .args(["volume", "ls", "-q"])
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .filter(|name| name.ends_with(&suffix))
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for volume in listed(&["volume", "ls", "-q"]).into_iter().chain(data) {
            let _ = Command::new("docker")
                .args(["volume", "rm", "-f", &volume])
                .output();
        }
    }
}
