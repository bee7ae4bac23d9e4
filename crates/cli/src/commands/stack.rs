//! `quantum up`, `quantum down` (a project's datasources) and `quantum logs`. Each operation
//! takes the datasource's lock shared with the app, so the two never run one at once.

use std::io::Write;
use std::time::Instant;

use futures_util::future::join_all;
use futures_util::StreamExt;
use quantum_core::Core;
use quantum_datasources::streams::LogStream;
use quantum_datasources::{Datasource, DatasourceStatus};
use quantum_docker::Docker;
use quantum_kernel::ErrorInfo;
use serde::Serialize;

use crate::exit;
use crate::output::Output;
use crate::resolve;

#[derive(Clone, Copy)]
enum Move {
    Up,
    Down,
}

/// What became of one datasource.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Outcome {
    name: String,
    /// `started`, `stopped`, `unchanged` or `failed`.
    result: &'static str,
    status: Option<DatasourceStatus>,
    error: Option<ErrorInfo>,
    elapsed_ms: u64,
}

pub async fn up(
    core: &Core,
    project: Option<&str>,
    only: &[String],
    output: &Output,
) -> Result<u8, ErrorInfo> {
    change(core, project, only, Move::Up, output).await
}

pub async fn down(
    core: &Core,
    project: Option<&str>,
    only: &[String],
    output: &Output,
) -> Result<u8, ErrorInfo> {
    change(core, project, only, Move::Down, output).await
}

async fn change(
    core: &Core,
    project: Option<&str>,
    only: &[String],
    to: Move,
    output: &Output,
) -> Result<u8, ErrorInfo> {
    let project = resolve::project(&core.store, project).await?;
    let all = core.datasources.list(Some(project.id)).await?;
    for name in only {
        if !all.iter().any(|d| d.name.eq_ignore_ascii_case(name)) {
            return Err(ErrorInfo::new(
                "datasource.not_found",
                format!("“{}” has no datasource named “{name}”.", project.name),
            ));
        }
    }
    let chosen: Vec<Datasource> = all
        .into_iter()
        .filter(|d| only.is_empty() || only.iter().any(|name| d.name.eq_ignore_ascii_case(name)))
        .collect();
    if chosen.is_empty() && !output.json() {
        println!("“{}” has no datasources.", project.name);
    }
    // Docker's word beside the record: a container that stopped with the machine is not up.
    let docker = Docker::connect().await?;
    let containers = core
        .datasources
        .container_states(&docker)
        .await
        .unwrap_or_default();
    // All at once: each waits on its own container.
    let operations = join_all(chosen.into_iter().map(|datasource| {
        let running = containers
            .get(&datasource.id)
            .is_some_and(|state| state == "running");
        async move {
            let outcome = one(core, datasource, running, to).await;
            if !output.json() {
                print_outcome(&outcome);
            }
            outcome
        }
    }));
    let outcomes = tokio::select! {
        outcomes = operations => outcomes,
        _ = tokio::signal::ctrl_c() => {
            // The operations stopped half-way (their locks went with them): the records are
            // brought in line with Docker, as the app does after a crash, and the app is told.
            core.datasources.reconcile(&docker).await;
            eprintln!("Interrupted: the datasources are recorded as Docker has them now.");
            return Ok(exit::INTERRUPTED);
        }
    };
    let failed = outcomes.iter().find_map(|o| o.error.clone());
    if output.json() {
        output.document(&serde_json::json!({ "project": project.name, "datasources": outcomes }));
    }
    Ok(failed.map_or(exit::OK, |error| exit::code_of(&error)))
}

async fn one(core: &Core, datasource: Datasource, running: bool, to: Move) -> Outcome {
    let started = Instant::now();
    let (result, done) = match (to, datasource.status) {
        (Move::Up, DatasourceStatus::Ready) if running => ("unchanged", Ok(datasource.clone())),
        (Move::Down, DatasourceStatus::Stopped) if !running => {
            ("unchanged", Ok(datasource.clone()))
        }
        (Move::Up, _) => ("started", core.datasources.start(datasource.id).await),
        (Move::Down, _) => ("stopped", core.datasources.stop(datasource.id).await),
    };
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match done {
        Ok(now) => Outcome {
            name: now.name,
            result,
            status: Some(now.status),
            error: None,
            elapsed_ms,
        },
        Err(error) => Outcome {
            name: datasource.name,
            result: "failed",
            status: None,
            error: Some(error.into()),
            elapsed_ms,
        },
    }
}

fn print_outcome(outcome: &Outcome) {
    let seconds = outcome.elapsed_ms as f64 / 1000.0;
    match (&outcome.error, outcome.result) {
        (Some(error), _) => eprintln!(
            "{}: failed [{}]: {}",
            outcome.name, error.code, error.message
        ),
        (None, "unchanged") => {
            println!("{}: already {}", outcome.name, status_word(outcome.status))
        }
        (None, result) => println!(
            "{}: {result}, {} ({seconds:.1} s)",
            outcome.name,
            status_word(outcome.status)
        ),
    }
}

fn status_word(status: Option<DatasourceStatus>) -> String {
    status
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub async fn logs(
    core: &Core,
    datasource: &str,
    follow: bool,
    tail: Option<u32>,
    output: &Output,
) -> Result<u8, ErrorInfo> {
    let datasource = resolve::datasource(&core.datasources, datasource).await?;
    let mut lines = core
        .datasources
        .log_lines(datasource.id, tail, follow)
        .await?;
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    loop {
        tokio::select! {
            line = lines.next() => {
                let Some(line) = line else { break };
                // A reader that went (`quantum logs db | head`) ends the following.
                let written = if output.json() {
                    output.line(&line)
                } else if line.stream == LogStream::Stderr {
                    writeln!(std::io::stderr().lock(), "{}", line.text).is_ok()
                } else {
                    writeln!(std::io::stdout().lock(), "{}", line.text).is_ok()
                };
                if !written {
                    break;
                }
            }
            _ = &mut interrupted => break,
        }
    }
    Ok(exit::OK)
}
