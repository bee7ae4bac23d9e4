//! `quantum test`: the project's suites run as from the Tests section (the datasources'
//! variables, an environment's if asked), the output streamed as it comes, the run kept in the
//! history. Exit 0 when every test passed, 1 otherwise.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use quantum_core::{read_settings, testruns, Core};
use quantum_kernel::ErrorInfo;
use quantum_testruns::{RunEvent, RunOrigin, RunRequest, TestRunStatus, TestStatus};

use crate::exit;
use crate::output::Output;
use crate::resolve;

pub struct Options {
    pub suites: Vec<String>,
    pub failed: bool,
    pub environment: Option<String>,
    pub start: bool,
}

pub async fn test(
    core: &Core,
    data_dir: &Path,
    project: Option<&str>,
    options: Options,
    output: &Output,
) -> Result<u8, ErrorInfo> {
    let project = resolve::project(&core.store, project).await?;
    let keep = read_settings(data_dir).test_runs_kept;
    let context = testruns::run_context(
        core,
        project.id,
        options.environment.as_deref(),
        options.start,
        keep,
        RunOrigin::Cli,
    )
    .await?;
    let request = RunRequest {
        project_id: project.id,
        suites: options.suites,
        tests: Vec::new(),
        rerun_failed: options.failed,
    };
    let json = output.json();
    // People see the runners' own output as it comes; scripts get one JSON line per event.
    let emit = Arc::new(move |event: RunEvent| {
        if json {
            let text = serde_json::to_string(&event).unwrap_or_default();
            println!("{text}");
            return;
        }
        match event {
            RunEvent::SuiteStarted { suite, command } => eprintln!("── {suite}: {command}"),
            RunEvent::Output { text } => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
            RunEvent::Results { results, .. } => {
                for result in results.iter().filter(|r| r.status == TestStatus::Failed) {
                    eprintln!("✗ {} › {}", result.suite, result.name);
                }
            }
            RunEvent::Started { .. } | RunEvent::Finished { .. } => {}
        }
    });
    let run = core.testruns.run(&request, context, emit).await?;
    if !json {
        let counts = &run.counts;
        let seconds = run.duration_ms.unwrap_or_default() as f64 / 1000.0;
        eprintln!(
            "{}: {} passed, {} failed, {} skipped in {seconds:.1} s{}",
            run.status.as_str(),
            counts.passed,
            counts.failed,
            counts.skipped,
            run.message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default(),
        );
    }
    Ok(if run.status == TestRunStatus::Passed {
        exit::OK
    } else {
        exit::FAILED
    })
}
