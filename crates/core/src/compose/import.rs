//! A compose project imported into a project: previewed first (what becomes a datasource, under
//! which name, on which data; what stays Compose's), then each chosen service created as a
//! datasource with the file's password moved to the keychain and its data kept. The files are
//! changed only when asked: a password written in them is replaced by `${VARIABLE}`, its value
//! put in `.env` (written first).

use std::path::{Path, PathBuf};

use quantum_compose::import::{self as read, literal};
pub use quantum_compose::import::{
    ComposeImport, DataVolume, ImportedDatasource, OtherService, PasswordSource,
};
use quantum_datasources::service::{name_for_service, ImportedData, Origin};
use quantum_datasources::{Datasource, DatasourceInput};
use quantum_kernel::dotenv::{self, EnvFilePreview};
use quantum_kernel::files::{self, NewFile, Within};
use quantum_kernel::{projects, Coded, ErrorInfo};
use serde::{Deserialize, Serialize};
use specta::Type;

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
    /// Running containers on that volume (Compose's own): the import waits until they stop.
    pub volume_used_by: Vec<String>,
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
        let (volume_exists, volume_used_by) = match &datasource.volume {
            DataVolume::Named { name } => (
                docker.volume_exists(name).await?,
                docker.running_on_volume(name).await?,
            ),
            _ => (false, Vec::new()),
        };
        planned.push(PlannedDatasource {
            service: datasource.service.clone(),
            name: name_for_service(&read.project_name, &datasource.service),
            volume_exists,
            volume_used_by,
        });
    }
    let rewrites = rewrites(&read)?
        .into_iter()
        .map(|rewrite| rewrite.preview(&read.import))
        .collect();
    Ok(ComposeImportPreview {
        read: read.import,
        planned,
        rewrites,
        fingerprint: read.fingerprint,
    })
}

/// A file's text before and after the written passwords are replaced.
struct Rewrite {
    path: PathBuf,
    current: Option<String>,
    proposed: String,
    /// Whether it holds secrets (`.env`): written for its owner only.
    secret: bool,
}

impl Rewrite {
    fn preview(&self, import: &ComposeImport) -> EnvFilePreview {
        let mask = |text: &str| {
            let mut text = text.to_owned();
            for password in import.passwords.values().filter(|p| !p.expose().is_empty()) {
                text = text.replace(password.expose(), dotenv::MASK);
            }
            text
        };
        EnvFilePreview {
            path: self.path.display().to_string(),
            current: self.current.as_deref().map(mask),
            proposed: mask(&self.proposed),
        }
    }
}

/// `.env` with each written password as `<SERVICE>_PASSWORD`, then each compose file that
/// writes one, with `${<SERVICE>_PASSWORD}` in its place.
fn rewrites(read: &Read) -> Result<Vec<Rewrite>, ErrorInfo> {
    let written: Vec<(&str, &str, String)> = read
        .import
        .datasources
        .iter()
        .filter_map(|d| match &d.password {
            PasswordSource::Literal { key } => Some((
                d.service.as_str(),
                key.as_str(),
                quantum_compose::password_variable_name(&d.service),
            )),
            _ => None,
        })
        .collect();
    if written.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let folder = read
        .files
        .first()
        .and_then(|first| first.parent())
        .unwrap_or(Path::new("."));
    let env_path = folder.join(".env");
    let env_current = files::read_optional(&env_path)?;
    let vars: Vec<(String, String)> = written
        .iter()
        .filter_map(|(service, _, variable)| {
            let password = read.import.passwords.get(*service)?;
            Some((variable.clone(), password.expose().to_owned()))
        })
        .collect();
    out.push(Rewrite {
        proposed: dotenv::merge(
            env_current.as_deref().unwrap_or_default(),
            &vars,
            "compose passwords (moved out of the compose files by Quantum Admin)",
        ),
        current: env_current,
        path: env_path,
        secret: true,
    });
    for file in &read.files {
        let current = std::fs::read_to_string(file).map_err(|error| {
            ErrorInfo::from(quantum_compose::Error::Unreadable {
                path: file.display().to_string(),
                message: error.to_string(),
            })
        })?;
        let mut text = current.clone();
        for (service, key, variable) in &written {
            if let Some(replaced) =
                literal::replace(&text, &file.display().to_string(), service, key, variable)?
            {
                text = replaced;
            }
        }
        if text != current {
            out.push(Rewrite {
                path: file.clone(),
                current: Some(current),
                proposed: text,
                secret: false,
            });
        }
    }
    Ok(out)
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
    let rewrites = if replace_passwords {
        rewrites(&read)?
    } else {
        Vec::new()
    };
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
            data: match &imported.volume {
                DataVolume::Named { name } => ImportedData::Volume(name.clone()),
                DataVolume::Bind { path } => ImportedData::Folder(PathBuf::from(path)),
                DataVolume::None => ImportedData::Empty,
            },
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
    for rewrite in &rewrites {
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
            for datasource in &created {
                core.datasources
                    .record_password_written(datasource.id, &rewrite.path)
                    .await?;
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
