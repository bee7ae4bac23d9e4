//! A compose project imported into a project: previewed first (what becomes a datasource, under
//! which name, on which data; what stays Compose's), then each chosen service created as a
//! datasource with the file's password moved to the keychain and its data kept. The files are
//! changed only when asked: a password written in them is replaced by `${VARIABLE}`, its value
//! put in `.env` (written first).

use std::path::PathBuf;

use quantum_compose::import::{self as read};
pub use quantum_compose::import::{
    ComposeImport, DataVolume, ImportedDatasource, OtherService, PasswordSource,
};
use quantum_datasources::service::{name_for_service, ImportedData, Origin};
use quantum_datasources::{Datasource, DatasourceInput};
use quantum_kernel::dotenv::EnvFilePreview;
use quantum_kernel::files::{self, NewFile, Within};
use quantum_kernel::{projects, Coded, ErrorInfo};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::rewrite;
use crate::Core;

/// Which compose files, and which of their services.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ComposeImportRequest {
    pub project_id: i64,
    /// The compose files in order; empty: the one in the project's folder with its override.
    pub files: Vec<String>,
    /// The profiles switched on.
    pub profiles: Vec<String>,
}

/// What an import would do.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ComposeImportPreview {
    pub read: ComposeImport,
    /// Each datasource as the app would make it, in the order of `read.datasources`.
    pub planned: Vec<PlannedDatasource>,
    /// The files a replacement of the written passwords would change (`.env` first), passwords
    /// masked; empty when no password is written in the files.
    pub rewrites: Vec<EnvFilePreview>,
    /// Services whose written password the replacement cannot move, and why.
    pub rewrite_refusals: Vec<String>,
    /// SHA-256 of the files read (and `.env`): the import refuses files changed since.
    pub fingerprint: String,
}

#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlannedDatasource {
    pub service: String,
    /// Its name in the app (and its container's).
    pub name: String,
    /// A named volume that exists already: its data is kept.
    pub volume_exists: bool,
    /// Containers running (or paused) on its data, Compose's own: the import waits until they
    /// stop.
    pub volume_used_by: Vec<String>,
    /// Stopped containers on its data: `docker compose up` would start them on it again.
    pub volume_kept_by: Vec<String>,
}

/// What the import did.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ComposeImportResult {
    pub datasources: Vec<Datasource>,
    /// Files whose written passwords were replaced (`.env` among them).
    pub rewritten: Vec<String>,
}

struct Read {
    project_name: String,
    files: Vec<PathBuf>,
    import: ComposeImport,
    fingerprint: String,
}

async fn read_project(core: &Core, request: &ComposeImportRequest) -> Result<Read, ErrorInfo> {
    let project = projects::get(&core.store, request.project_id).await?;
    let folder = || {
        project.folder.as_deref().map(PathBuf::from).ok_or_else(|| {
            ErrorInfo::from(quantum_kernel::Error::ProjectNoFolder {
                name: project.name.clone(),
            })
        })
    };
    let files = if request.files.is_empty() {
        read::files_in(&folder()?)?
    } else {
        // A relative path (as the folder's scan lists them) is in the project's folder.
        let mut files = Vec::new();
        for file in &request.files {
            let path = PathBuf::from(file);
            files.push(if path.is_absolute() {
                path
            } else {
                folder()?.join(path)
            });
        }
        if files.len() == 1 {
            files = read::with_override(files.remove(0));
        }
        files
    };
    let profiles = request.profiles.clone();
    let (import, fingerprint) = {
        let files = files.clone();
        tokio::task::spawn_blocking(move || {
            let import = read::read(&files, &profiles)?;
            Ok::<_, ErrorInfo>((import, fingerprint_of(&files)))
        })
        .await
        .map_err(|error| ErrorInfo::new("compose.unreadable", error.to_string()))??
    };
    Ok(Read {
        project_name: project.name,
        files,
        import,
        fingerprint,
    })
}

/// SHA-256 over the files and the `.env` beside the first, each with its name.
fn fingerprint_of(files: &[PathBuf]) -> String {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let env = files
        .first()
        .and_then(|first| first.parent())
        .map(|folder| folder.join(".env"));
    for path in files.iter().chain(env.as_ref()) {
        context.update(path.display().to_string().as_bytes());
        context.update(&std::fs::read(path).unwrap_or_default());
    }
    quantum_kernel::hex(context.finish().as_ref())
}

/// What importing `request`'s files would do.
pub async fn import_preview(
    core: &Core,
    request: &ComposeImportRequest,
) -> Result<ComposeImportPreview, ErrorInfo> {
    let read = read_project(core, request).await?;
    let docker = quantum_docker::Docker::connect()
        .await
        .map_err(ErrorInfo::from)?;
    let mut planned = Vec::new();
    for datasource in &read.import.datasources {
        let (volume_exists, on_data) = match &datasource.volume {
            DataVolume::Named { name } => (
                docker.volume_exists(name).await?,
                docker.containers_on(name).await?,
            ),
            DataVolume::Bind { path } => (false, docker.containers_on(path).await?),
            DataVolume::None => (false, Vec::new()),
        };
        let (active, stopped): (Vec<_>, Vec<_>) = on_data
            .into_iter()
            .partition(|(_, state)| matches!(state.as_str(), "running" | "paused" | "restarting"));
        planned.push(PlannedDatasource {
            service: datasource.service.clone(),
            name: name_for_service(&read.project_name, &datasource.service),
            volume_exists,
            volume_used_by: active.into_iter().map(|(name, _)| name).collect(),
            volume_kept_by: stopped.into_iter().map(|(name, _)| name).collect(),
        });
    }
    let plan = rewrite::plan(&read.import, &read.files, None)?;
    Ok(ComposeImportPreview {
        rewrites: plan.previews(&read.import),
        rewrite_refusals: plan.refused,
        read: read.import,
        planned,
        fingerprint: read.fingerprint,
    })
}

/// Imports `services` (all of the preview's datasources when empty), provided the files still
/// hold what the preview read (`fingerprint`); with `replace_passwords`, the passwords written
/// in the files are moved to `.env`.
pub async fn import_apply(
    core: &Core,
    request: &ComposeImportRequest,
    services: &[String],
    replace_passwords: bool,
    fingerprint: &str,
) -> Result<ComposeImportResult, ErrorInfo> {
    let read = read_project(core, request).await?;
    if read.fingerprint != fingerprint {
        return Err(ErrorInfo::new(
            "compose.changed",
            "The compose files changed since they were read. Read them again and check the preview.",
        ));
    }
    let chosen: Vec<_> = read
        .import
        .datasources
        .iter()
        .filter(|d| services.is_empty() || services.contains(&d.service))
        .collect();
    if chosen.is_empty() {
        return Err(ErrorInfo::new(
            "compose.nothing_to_import",
            "Choose at least one database service to import.",
        )
        .with_field("services"));
    }
    // Everything that can refuse does so before anything is made.
    let chosen_services: Vec<String> = chosen.iter().map(|d| d.service.clone()).collect();
    let plan = if replace_passwords {
        let plan = rewrite::plan(&read.import, &read.files, Some(&chosen_services))?;
        if let Some(refused) = plan.refused.first() {
            return Err(ErrorInfo::new(
                "compose.literal_not_rewritable",
                refused.clone(),
            ));
        }
        Some(plan)
    } else {
        None
    };
    let data_of = |imported: &ImportedDatasource| match &imported.volume {
        DataVolume::Named { name } => ImportedData::Volume(name.clone()),
        DataVolume::Bind { path } => ImportedData::Folder(PathBuf::from(path)),
        DataVolume::None => ImportedData::Empty,
    };
    for imported in &chosen {
        core.datasources.check_import(&data_of(imported)).await?;
    }
    let from = read
        .files
        .first()
        .map(|file| file.display().to_string())
        .unwrap_or_default();
    let mut created = Vec::new();
    for imported in chosen {
        let input = DatasourceInput {
            project_id: request.project_id,
            engine: imported.engine,
            name: Some(name_for_service(&read.project_name, &imported.service)),
            image: Some(imported.image.clone()),
            host_port: imported.host_port.map(|port| i64::from(port).into()),
            database_name: Some(imported.database_name.clone()),
            username: Some(imported.username.clone()),
            ..Default::default()
        };
        let origin = || Origin::Imported {
            password: read.import.passwords.get(&imported.service).cloned(),
            data: data_of(imported),
            from: from.clone(),
        };
        let datasource = match core.datasources.create_from(input.clone(), origin()).await {
            // The file's port is held by something else: the next free one will do.
            Err(error) if error.code() == "datasource.port_taken" => {
                let input = DatasourceInput {
                    host_port: None,
                    ..input
                };
                core.datasources.create_from(input, origin()).await
            }
            other => other,
        };
        created.push(datasource.map_err(|error| {
            let mut info = ErrorInfo::from(error);
            if !created.is_empty() {
                info.message = format!(
                    "{} (imported before it: {})",
                    info.message,
                    created
                        .iter()
                        .map(|d: &Datasource| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            info
        })?);
    }
    let mut rewritten = Vec::new();
    for rewrite in plan.iter().flat_map(|plan| &plan.files) {
        // Changed since it was read (the keychain or Docker may have kept us a while): not
        // overwritten.
        if files::read_optional(&rewrite.path)? != rewrite.current {
            return Err(quantum_kernel::Error::EnvFileChanged {
                path: rewrite.path.display().to_string(),
            }
            .into());
        }
        let kind = if rewrite.secret {
            NewFile::OwnerOnly
        } else {
            NewFile::Shared
        };
        // Files the user chose: a link among them is theirs to follow.
        files::replace(
            &rewrite.path,
            rewrite.proposed.as_bytes(),
            kind,
            Within::TRUSTED,
        )?;
        if rewrite.secret {
            let moved = plan.iter().flat_map(|plan| &plan.moved);
            for service in moved {
                let name = name_for_service(&read.project_name, service);
                if let Some(datasource) = created.iter().find(|d| d.name == name) {
                    core.datasources
                        .record_password_written(datasource.id, &rewrite.path)
                        .await?;
                }
            }
        }
        rewritten.push(rewrite.path.display().to_string());
    }
    tracing::info!(
        project_id = request.project_id,
        count = created.len(),
        "compose services imported"
    );
    Ok(ComposeImportResult {
        datasources: created,
        rewritten,
    })
}
