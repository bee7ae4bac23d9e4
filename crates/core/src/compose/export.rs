//! The project's databases exported as `compose.yaml` in its folder, with the passwords it reads
//! added to the folder's `.env`: previewed (passwords masked), then written if both files still
//! hold what the preview showed. The write of the passwords is recorded in the activity log.

use std::path::PathBuf;

use quantum_kernel::dotenv::{self, EnvFilePreview};
use quantum_kernel::files::{self, NewFile, Within};
use quantum_kernel::{projects, ErrorInfo};
use quantum_secrets::Secret;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Core;

/// The compose file written by the export, in the project's folder.
pub const FILE: &str = "compose.yaml";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ComposeExportPreview {
    pub compose: EnvFilePreview,
    /// The `.env` before and after, the passwords masked.
    pub env: EnvFilePreview,
}

struct Planned {
    folder: PathBuf,
    /// The project's secrets' names: their values in `.env` are masked too.
    secret_names: Vec<String>,
    compose_text: String,
    env_current: Option<String>,
    env_proposed: String,
    names: Vec<String>,
    passwords: Vec<Secret>,
    ids: Vec<i64>,
}

async fn plan(core: &Core, project_id: i64) -> Result<Planned, ErrorInfo> {
    let project = projects::get(&core.store, project_id).await?;
    let folder = PathBuf::from(project.folder.clone().ok_or_else(|| {
        ErrorInfo::from(quantum_kernel::Error::ProjectNoFolder {
            name: project.name.clone(),
        })
    })?);
    let datasources = core.datasources.list(Some(project_id)).await?;
    if datasources.is_empty() {
        return Err(ErrorInfo::new(
            "compose.nothing_to_export",
            format!(
                "“{}” has no databases to put in a compose file.",
                project.name
            ),
        ));
    }
    let exported = quantum_compose::export(&project.name, &datasources);
    let mut vars = Vec::new();
    let mut passwords = Vec::new();
    for (variable, id) in &exported.variables {
        let (_, password) = core.datasources.connection_details(*id).await?;
        vars.push((variable.clone(), password.expose().to_owned()));
        passwords.push(password);
    }
    let env_current = files::read_optional(&folder.join(".env"))?;
    let env_proposed = dotenv::merge(
        env_current.as_deref().unwrap_or_default(),
        &vars,
        "compose.yaml passwords (Quantum Admin)",
    );
    Ok(Planned {
        secret_names: core.configs.known_secrets(project_id).await?,
        compose_text: exported.text,
        env_current,
        env_proposed,
        names: exported
            .variables
            .iter()
            .map(|(name, _)| name.clone())
            .collect(),
        ids: exported.variables.iter().map(|(_, id)| *id).collect(),
        passwords,
        folder,
    })
}

fn masked(planned: &Planned, text: &str) -> String {
    let names: Vec<&str> = planned
        .names
        .iter()
        .chain(&planned.secret_names)
        .map(String::as_str)
        .collect();
    let mut text = dotenv::mask(text, &names, dotenv::MASK);
    // A password the user put elsewhere in the file is not shown either.
    for password in planned.passwords.iter().filter(|p| !p.expose().is_empty()) {
        text = text.replace(password.expose(), dotenv::MASK);
    }
    text
}

fn preview_of(planned: &Planned) -> Result<ComposeExportPreview, ErrorInfo> {
    let compose_path = planned.folder.join(FILE);
    Ok(ComposeExportPreview {
        compose: EnvFilePreview {
            path: compose_path.display().to_string(),
            current: files::read_optional(&compose_path)?,
            proposed: planned.compose_text.clone(),
        },
        env: EnvFilePreview {
            path: planned.folder.join(".env").display().to_string(),
            current: planned
                .env_current
                .as_deref()
                .map(|text| masked(planned, text)),
            proposed: masked(planned, &planned.env_proposed),
        },
    })
}

/// What the export would write.
pub async fn export_preview(
    core: &Core,
    project_id: i64,
) -> Result<ComposeExportPreview, ErrorInfo> {
    preview_of(&plan(core, project_id).await?)
}

/// Writes both files, provided they still hold what `expected` (the preview) showed; a link out
/// of the project folder is written through only with `allow_outside`.
pub async fn export_write(
    core: &Core,
    project_id: i64,
    expected: &ComposeExportPreview,
    allow_outside: bool,
) -> Result<ComposeExportPreview, ErrorInfo> {
    let planned = plan(core, project_id).await?;
    let now = preview_of(&planned)?;
    for (file, shown) in [(&now.compose, &expected.compose), (&now.env, &expected.env)] {
        if file.current != shown.current {
            return Err(quantum_kernel::Error::EnvFileChanged {
                path: file.path.clone(),
            }
            .into());
        }
    }
    let within = Within::project(&planned.folder, allow_outside);
    // `.env` first: a compose file naming variables that `.env` lacks is never left behind.
    let env_path = planned.folder.join(".env");
    files::replace(
        &env_path,
        planned.env_proposed.as_bytes(),
        NewFile::OwnerOnly,
        within,
    )?;
    files::replace(
        &planned.folder.join(FILE),
        planned.compose_text.as_bytes(),
        NewFile::Shared,
        within,
    )?;
    for id in &planned.ids {
        core.datasources
            .record_password_written(*id, &env_path)
            .await?;
    }
    tracing::info!(project_id, "compose file exported");
    Ok(now)
}
