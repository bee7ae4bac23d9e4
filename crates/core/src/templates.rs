//! A new project from a template: its files written, the project made with that folder, and the
//! databases its `quantum.toml` declares created (each in the background, as the Databases page
//! does). The files are taken back when the project cannot be made; a database that cannot be
//! created is reported and left for the Configuration page's "Create".

use quantum_datasources::Datasource;
use quantum_kernel::projects::{self, Project, ProjectInput};
use quantum_kernel::ErrorInfo;
use quantum_templates::NewProject;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Core;

#[derive(Clone, Debug, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedProject {
    pub project: Project,
    pub files: u32,
    /// The declared databases now being created.
    pub datasources: Vec<Datasource>,
    /// Those that could not be (a port taken, Docker not running, …), with why.
    pub not_created: Vec<NotCreated>,
}

#[derive(Clone, Debug, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotCreated {
    pub name: String,
    pub error: ErrorInfo,
}

pub async fn create(
    core: &Core,
    input: NewProject,
    create_datasources: bool,
) -> Result<CreatedProject, ErrorInfo> {
    let name = input.name.trim().to_owned();
    // Refused before a file is written; the insert below still settles a race.
    if projects::list(&core.store)
        .await?
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case(&name))
    {
        return Err(quantum_kernel::Error::ProjectNameTaken { name }.into());
    }
    let templates = core.templates.clone();
    let (written, folder) = tokio::task::spawn_blocking(move || {
        let written = templates.write(&input)?;
        let folder = quantum_templates::folder_path(&input.folder)?;
        Ok::<_, quantum_templates::Error>((written, folder))
    })
    .await
    .map_err(|error| ErrorInfo::new("template.write_failed", error.to_string()))??;
    let files = u32::try_from(written.files()).unwrap_or(u32::MAX);
    let project = match projects::create(
        &core.store,
        ProjectInput {
            name,
            description: String::new(),
            folder: Some(folder.display().to_string()),
        },
    )
    .await
    {
        Ok(project) => project,
        Err(error) => {
            written.undo();
            return Err(error.into());
        }
    };
    let mut created = CreatedProject {
        project,
        files,
        datasources: Vec::new(),
        not_created: Vec::new(),
    };
    if create_datasources {
        let document = core.configs.get(created.project.id).await?;
        for declared in document.pending_datasources {
            let name = declared.name.clone().unwrap_or_default();
            match core.datasources.create(declared).await {
                Ok(datasource) => created.datasources.push(datasource),
                Err(error) => created.not_created.push(NotCreated {
                    name,
                    error: error.into(),
                }),
            }
        }
    }
    Ok(created)
}
