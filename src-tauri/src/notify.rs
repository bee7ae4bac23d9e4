//! Desktop notifications for every feature: `notify::send(&app, Notice { .. })`.
//!
//! They go through tauri-plugin-notification from the shell only: the webview has no notification
//! permission, so nothing can bypass the user's "Desktop notifications" setting, which `send`
//! honours. Showing one talks to the desktop's notification service (D-Bus on Linux), so it runs
//! on a blocking thread and a failure is logged, never returned: a notification is a courtesy.

use quantum_ci::{CiRun, CiStatus};
use quantum_datasources::DatasourceStatus;
use quantum_deploy::{Release, ReleaseKind};
use quantum_health::Incident;
use quantum_testruns::{TestRun, TestRunStatus};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

/// What the desktop shows: a title and one or two lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// Whoever shows notices: the desktop through the plugin, or a test's recorder.
pub trait Notifier {
    fn show(&self, notice: &Notice) -> Result<(), String>;
}

impl<R: Runtime> Notifier for AppHandle<R> {
    fn show(&self, notice: &Notice) -> Result<(), String> {
        use tauri_plugin_notification::NotificationExt;
        self.notification()
            .builder()
            .title(&notice.title)
            .body(&notice.body)
            .show()
            .map_err(|error| error.to_string())
    }
}

/// Shows `notice` when the setting allows it; whether it was handed to the notifier.
pub fn deliver(enabled: bool, notifier: &dyn Notifier, notice: &Notice) -> bool {
    if !enabled {
        return false;
    }
    match notifier.show(notice) {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, title = %notice.title, "a desktop notification could not be shown");
            false
        }
    }
}

/// Shows `notice` unless the user turned desktop notifications off. Returns at once.
pub fn send<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    let enabled = app
        .try_state::<AppState>()
        .is_some_and(|state| state.settings().desktop_notifications);
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || deliver(enabled, &app, &notice));
}

/// The longest reason a notification carries; the app shows the rest.
const REASON_CHARS: usize = 200;

/// The notice for a datasource's new status, if it is one the user should hear about while
/// looking elsewhere: a failure (to start, to become ready, to set up).
pub fn datasource_notice(
    name: &str,
    status: DatasourceStatus,
    reason: Option<&str>,
) -> Option<Notice> {
    if status != DatasourceStatus::Error {
        return None;
    }
    // The reason may end with the container's last log lines: the first line says what failed.
    let first_line = reason
        .and_then(|reason| reason.lines().map(str::trim).find(|line| !line.is_empty()))
        .map(|line| line.trim_end_matches("Last log lines:").trim_end())
        .filter(|line| !line.is_empty())
        .unwrap_or("It stopped with an error.");
    let mut body: String = first_line.chars().take(REASON_CHARS).collect();
    if first_line.chars().count() > REASON_CHARS {
        body.push('…');
    }
    Some(Notice {
        title: format!("Database “{name}” failed"),
        body,
    })
}

/// The notice for a finished test run, and the same words for the tray: the outcome and counts.
pub fn test_run_notice(project: &str, run: &TestRun) -> Notice {
    let c = run.counts;
    let (title, body) = match run.status {
        TestRunStatus::Passed => (
            format!("Tests passed — {project}"),
            format!("{} passed, {} skipped", c.passed, c.skipped),
        ),
        TestRunStatus::Failed => (
            format!("Tests failed — {project}"),
            format!(
                "{} failed, {} passed, {} skipped",
                c.failed, c.passed, c.skipped
            ),
        ),
        TestRunStatus::Cancelled => (format!("Tests cancelled — {project}"), run_message(run)),
        TestRunStatus::TimedOut => (format!("Tests timed out — {project}"), run_message(run)),
        TestRunStatus::Error | TestRunStatus::Running => {
            (format!("Tests could not run — {project}"), run_message(run))
        }
    };
    Notice { title, body }
}

/// "Deployed v2 to staging — shop" / "Deploy to staging failed — shop" with the first line of why.
pub fn release_notice(project: &str, release: &Release) -> Notice {
    let verb = match release.kind {
        ReleaseKind::Deploy => "Deploy",
        ReleaseKind::Rollback => "Rollback",
    };
    let environment = &release.environment;
    match &release.error {
        None => Notice {
            title: format!("{verb} to {environment} done — {project}"),
            body: format!("{} is live.", release.version),
        },
        Some(error) => Notice {
            title: format!("{verb} to {environment} failed — {project}"),
            body: error
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(REASON_CHARS)
                .collect(),
        },
    }
}

/// "CI failed — shop" / "CI #44 on feature/login".
pub fn ci_run_notice(project: &str, run: &CiRun) -> Notice {
    let outcome = match run.status {
        CiStatus::Success => "passed",
        CiStatus::Failure => "failed",
        CiStatus::Cancelled => "was cancelled",
        CiStatus::Skipped => "was skipped",
        CiStatus::Queued | CiStatus::Running | CiStatus::Waiting => "is waiting",
    };
    Notice {
        title: format!("{} {outcome} — {project}", run.workflow_name),
        body: format!("#{} on {}: {}", run.number, run.branch, run.title),
    }
}

/// "Check “api” failing — shop" with the condition or error that failed.
pub fn incident_notice(project: &str, incident: &Incident) -> Notice {
    let mut body: String = incident.failing.chars().take(REASON_CHARS).collect();
    if incident.failing.chars().count() > REASON_CHARS {
        body.push('…');
    }
    Notice {
        title: format!("Check “{}” failing — {project}", incident.check),
        body,
    }
}

fn run_message(run: &TestRun) -> String {
    let message = run.message.as_deref().unwrap_or("See the Tests page.");
    let mut body: String = message.chars().take(REASON_CHARS).collect();
    if message.chars().count() > REASON_CHARS {
        body.push('…');
    }
    body
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[derive(Default)]
    struct Recorder {
        shown: RefCell<Vec<Notice>>,
        fails: bool,
    }

    impl Notifier for Recorder {
        fn show(&self, notice: &Notice) -> Result<(), String> {
            if self.fails {
                return Err("no notification service".into());
            }
            self.shown.borrow_mut().push(notice.clone());
            Ok(())
        }
    }

    fn notice() -> Notice {
        Notice {
            title: "Title".into(),
            body: "Body".into(),
        }
    }

    #[test]
    fn notices_are_shown_only_while_the_setting_is_on() {
        let recorder = Recorder::default();
        assert!(!deliver(false, &recorder, &notice()));
        assert!(recorder.shown.borrow().is_empty());
        assert!(deliver(true, &recorder, &notice()));
        assert_eq!(*recorder.shown.borrow(), [notice()]);
    }

    #[test]
    fn a_desktop_without_notifications_is_not_an_error() {
        let recorder = Recorder {
            fails: true,
            ..Recorder::default()
        };
        assert!(!deliver(true, &recorder, &notice()));
    }

    #[test]
    fn only_a_failed_datasource_is_announced() {
        for status in DatasourceStatus::ALL {
            let notice = datasource_notice("shop-postgres-1", status, Some("boom"));
            assert_eq!(
                notice.is_some(),
                status == DatasourceStatus::Error,
                "{status:?}"
            );
        }
    }

    #[test]
    fn a_failure_names_the_database_and_says_why_in_one_line() {
        let notice = datasource_notice(
            "shop-postgres-1",
            DatasourceStatus::Error,
            Some("\n“shop-postgres-1” did not become ready. Last log lines:\nFATAL: bad config\n"),
        )
        .expect("a notice");
        assert_eq!(notice.title, "Database “shop-postgres-1” failed");
        assert_eq!(notice.body, "“shop-postgres-1” did not become ready.");

        let long = "x".repeat(500);
        let notice = datasource_notice("db", DatasourceStatus::Error, Some(&long)).expect("notice");
        assert_eq!(notice.body.chars().count(), REASON_CHARS + 1);
        assert!(notice.body.ends_with('…'));

        let notice = datasource_notice("db", DatasourceStatus::Error, None).expect("notice");
        assert_eq!(notice.body, "It stopped with an error.");
    }

    #[test]
    fn a_finished_test_run_says_how_it_went_with_its_counts() {
        let mut run = TestRun {
            id: 7,
            project_id: 1,
            suites: vec!["rust".to_owned()],
            trigger: quantum_testruns::RunTrigger::All,
            status: TestRunStatus::Failed,
            started_at: "2026-11-29T08:00:00Z".to_owned(),
            duration_ms: Some(1200),
            counts: quantum_testruns::Counts {
                passed: 40,
                failed: 2,
                skipped: 1,
            },
            git: quantum_testruns::GitState::default(),
            message: None,
        };
        let notice = test_run_notice("shop", &run);
        assert_eq!(notice.title, "Tests failed — shop");
        assert_eq!(notice.body, "2 failed, 40 passed, 1 skipped");

        run.status = TestRunStatus::Passed;
        assert_eq!(test_run_notice("shop", &run).body, "40 passed, 1 skipped");

        run.status = TestRunStatus::Error;
        run.message = Some("rust: “cargo” was not found.".to_owned());
        let notice = test_run_notice("shop", &run);
        assert_eq!(notice.title, "Tests could not run — shop");
        assert_eq!(notice.body, "rust: “cargo” was not found.");
    }

    #[test]
    fn a_finished_ci_run_is_told_with_its_workflow_outcome_number_and_branch() {
        let mut run = CiRun {
            id: 12003987215,
            workflow_id: Some(161335),
            workflow_name: "CI".to_owned(),
            workflow_path: None,
            number: 42,
            attempt: 1,
            title: "Add CSV export for orders".to_owned(),
            branch: "main".to_owned(),
            sha: "9fceb02".to_owned(),
            event: "push".to_owned(),
            actor: "octocat".to_owned(),
            status: CiStatus::Failure,
            created_at: "2026-11-28T09:40:00Z".to_owned(),
            updated_at: "2026-11-28T09:44:00Z".to_owned(),
            started_at: None,
            url: String::new(),
        };
        let notice = ci_run_notice("shop", &run);
        assert_eq!(notice.title, "CI failed — shop");
        assert_eq!(notice.body, "#42 on main: Add CSV export for orders");
        run.status = CiStatus::Success;
        assert_eq!(ci_run_notice("shop", &run).title, "CI passed — shop");
    }

    #[test]
    fn an_incident_names_its_check_project_and_what_failed() {
        let incident = Incident {
            id: 1,
            project_id: 2,
            check: "api".into(),
            started_at: "2026-11-29T10:00:00Z".into(),
            ended_at: None,
            failing: "[STATUS] == 200 (was 503)".into(),
            last_response: Some("HTTP 503".into()),
        };
        assert_eq!(
            incident_notice("shop", &incident),
            Notice {
                title: "Check “api” failing — shop".into(),
                body: "[STATUS] == 200 (was 503)".into(),
            }
        );
    }
}
