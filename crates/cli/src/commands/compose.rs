//! `quantum compose export`: the project's databases as `compose.yaml`, as the app exports them.
//! `quantum compose import`: a compose project's database services as datasources.

use std::time::Duration;

use quantum_core::compose::{self, ComposeImportPreview, ComposeImportRequest, DataVolume};
use quantum_core::Core;
use quantum_datasources::{Datasource, DatasourceStatus};
use quantum_kernel::ErrorInfo;

use crate::exit;
use crate::output::Output;
use crate::resolve;
use crate::ComposeAction;

/// How long an imported datasource may take to be ready (an image pull, a copy of its data).
const READY_WITHIN: Duration = Duration::from_secs(15 * 60);

pub async fn compose(core: &Core, action: ComposeAction, output: &Output) -> Result<u8, ErrorInfo> {
    match action {
        ComposeAction::Export { project, write } => export(core, project, write, output).await,
        ComposeAction::Import {
            project,
            files,
            profiles,
            services,
            replace_passwords,
            apply,
        } => {
            let project = resolve::project(&core.store, project.as_deref()).await?;
            // A path typed in a shell is the shell's: relative to where it was typed.
            let cwd = std::env::current_dir().unwrap_or_default();
            let files = files
                .iter()
                .map(|file| cwd.join(file).display().to_string())
                .collect();
            let request = ComposeImportRequest {
                project_id: project.id,
                files,
                profiles,
            };
            let preview = compose::import_preview(core, &request).await?;
            if !apply {
                if output.json() {
                    output.document(&serde_json::json!({ "preview": preview }));
                } else {
                    print_preview(&preview);
                }
                return Ok(exit::OK);
            }
            let done = compose::import_apply(
                core,
                &request,
                &services,
                replace_passwords,
                &preview.fingerprint,
            )
            .await?;
            let mut settled = Vec::new();
            for datasource in &done.datasources {
                settled.push(settle(core, datasource.id).await?);
            }
            let failed = settled.iter().any(|d| d.status != DatasourceStatus::Ready);
            if output.json() {
                output.document(&serde_json::json!({
                    "datasources": settled,
                    "rewritten": done.rewritten,
                }));
            } else {
                for datasource in &settled {
                    println!(
                        "{}: {}{}",
                        datasource.name,
                        datasource.status.as_str(),
                        datasource
                            .status_reason
                            .as_deref()
                            .map(|reason| format!(" ({reason})"))
                            .unwrap_or_default()
                    );
                }
                for path in &done.rewritten {
                    println!("Rewrote {path}: passwords now read from .env.");
                }
            }
            Ok(if failed { exit::FAILED } else { exit::OK })
        }
    }
}

/// Waits until the new datasource is ready or has failed.
async fn settle(core: &Core, id: i64) -> Result<Datasource, ErrorInfo> {
    let mut events = core.datasources.subscribe();
    let deadline = tokio::time::Instant::now() + READY_WITHIN;
    loop {
        let datasource = core.datasources.get(id).await?;
        if datasource.status.is_settled() || tokio::time::Instant::now() >= deadline {
            return Ok(datasource);
        }
        // Woken by any datasource's change, or once a second to read the record again.
        let _ = tokio::time::timeout(Duration::from_secs(1), events.recv()).await;
    }
}

fn print_preview(preview: &ComposeImportPreview) {
    let read = &preview.read;
    println!(
        "{} (Compose project “{}”):",
        read.files.join(" + "),
        read.project
    );
    for (datasource, planned) in read.datasources.iter().zip(&preview.planned) {
        let port = datasource
            .host_port
            .map_or("a free port".to_owned(), |port| format!("port {port}"));
        println!(
            "  {} → datasource {} ({} {}, {port}, data: {})",
            datasource.service,
            planned.name,
            datasource.engine.label(),
            datasource.version.as_deref().unwrap_or("latest"),
            match &datasource.volume {
                DataVolume::Named { name } if planned.volume_exists =>
                    format!("volume {name}, kept"),
                DataVolume::Named { name } => format!("new volume {name}"),
                DataVolume::Bind { path } => format!("a copy of {path}"),
                DataVolume::None => "a new, empty volume".to_owned(),
            }
        );
        for note in &datasource.notes {
            println!("      {note}");
        }
        if !planned.volume_kept_by.is_empty() {
            println!(
                "      Stopped on its data: {} (`docker compose up` would start it there again; remove it with `docker compose rm`).",
                planned.volume_kept_by.join(", ")
            );
        }
        if !planned.volume_used_by.is_empty() {
            println!(
                "      Its volume is in use by {}: stop it before importing.",
                planned.volume_used_by.join(", ")
            );
        }
    }
    for other in &read.others {
        println!("  {}: {}", other.name, other.reason);
    }
    for key in &read.unknown_keys {
        println!("  Unknown key, kept in the file: {key}");
    }
    for note in &read.notes {
        println!("  {note}");
    }
    for refusal in &preview.rewrite_refusals {
        println!("  --replace-passwords: {refusal}");
    }
    println!("Run again with --apply to import.");
}

async fn export(
    core: &Core,
    project: Option<String>,
    write: bool,
    output: &Output,
) -> Result<u8, ErrorInfo> {
    let project = resolve::project(&core.store, project.as_deref()).await?;
    let preview = compose::export_preview(core, project.id).await?;
    // The command line shows nothing to confirm: what it writes is what it just read.
    let written = if write {
        Some(compose::export_write(core, project.id, &preview, false).await?)
    } else {
        None
    };
    if output.json() {
        output.document(&serde_json::json!({ "preview": preview, "written": write }));
    } else if let Some(written) = written {
        println!(
            "Wrote {} and the passwords it reads into {}.",
            written.compose.path, written.env.path
        );
    } else {
        print!("{}", preview.compose.proposed);
    }
    Ok(exit::OK)
}
