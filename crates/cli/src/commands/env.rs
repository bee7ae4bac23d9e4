//! `quantum env`: the project's `.env` as the app exports it from an environment (the Environment
//! section's "Export .env"): shown with secrets masked, or written (`--write`) with the same
//! checks as in the app (a link out of the project folder is refused).

use quantum_core::Core;
use quantum_kernel::ErrorInfo;

use crate::exit;
use crate::output::Output;
use crate::resolve;

pub async fn env(
    core: &Core,
    project: Option<&str>,
    environment: Option<String>,
    write: bool,
    output: &Output,
) -> Result<u8, ErrorInfo> {
    let project = resolve::project(&core.store, project).await?;
    let environments = core.variables.list(project.id).await?.environments;
    let environment = match environment {
        Some(name) => name,
        None => match environments.as_slice() {
            [only] => only.clone(),
            [] => {
                return Err(ErrorInfo::new(
                    "cli.no_environment",
                    format!(
                        "“{}” has no environments yet: add one on its Environment page.",
                        project.name
                    ),
                ))
            }
            many => {
                return Err(ErrorInfo::new(
                    "cli.environment_required",
                    format!(
                        "“{}” has several environments ({}): choose one with --environment.",
                        project.name,
                        many.join(", ")
                    ),
                )
                .with_field("environment"))
            }
        },
    };
    let preview = core
        .variables
        .dotenv_export_preview(project.id, &environment, None)
        .await?;
    if write {
        core.variables
            .dotenv_export_write(
                project.id,
                &environment,
                None,
                preview.current.clone(),
                false,
            )
            .await?;
    }
    // The preview masks the environment's secrets; a database's password that another export
    // put in the file (the compose export's, a datasource's `.env`) is not printed either.
    let mut text = preview.proposed.clone();
    for datasource in core.datasources.list(Some(project.id)).await? {
        if let Ok((_, password)) = core.datasources.connection_details(datasource.id).await {
            if !password.expose().is_empty() {
                text = text.replace(password.expose(), quantum_kernel::dotenv::MASK);
            }
        }
    }
    if output.json() {
        output.document(&serde_json::json!({
            "project": project.name,
            "environment": environment,
            "path": preview.path,
            "written": write,
            "text": text,
        }));
    } else if write {
        println!("Wrote {} from “{environment}”.", preview.path);
    } else {
        print!("{text}");
    }
    Ok(exit::OK)
}
