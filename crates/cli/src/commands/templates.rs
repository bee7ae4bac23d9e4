//! `quantum templates` and `quantum new`: a new project from a template, as the app's New
//! project dialog makes one (the same preview, the same refusal of a folder that holds files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quantum_core::Core;
use quantum_datasources::DatasourceStatus;
use quantum_kernel::ErrorInfo;
use quantum_templates::{FolderState, NewProject, OptionKind, OptionValue, TemplateRef, Templates};

use crate::exit;
use crate::output::Output;

pub async fn list(templates: &Templates, output: &Output) -> Result<u8, ErrorInfo> {
    let all = templates.list().await?;
    if output.json() {
        output.document(&serde_json::json!({ "templates": all }));
        return Ok(exit::OK);
    }
    let mut rows = vec![vec!["TEMPLATE".into(), "NAME".into(), "OPTIONS".into()]];
    for template in &all {
        let options = template
            .options
            .iter()
            .map(|option| match &option.kind {
                OptionKind::Choice { choices } => format!("{}={}", option.key, choices.join("|")),
                _ => format!("{}={}", option.key, shown(&option.default)),
            })
            .collect::<Vec<_>>()
            .join(" ");
        let name = match &template.problem {
            Some(problem) => format!("{} (cannot be used: {problem})", template.name),
            None => template.name.clone(),
        };
        rows.push(vec![template.reference.to_string(), name, options]);
    }
    output.table("", &rows);
    Ok(exit::OK)
}

pub struct Request {
    pub template: String,
    pub folder: Option<String>,
    pub name: Option<String>,
    pub set: Vec<String>,
    pub force: bool,
    pub dry_run: bool,
    pub create_datasources: bool,
}

pub async fn new(core: &Core, request: Request, output: &Output) -> Result<u8, ErrorInfo> {
    let input = input_of(&request)?;
    if request.dry_run {
        let preview = core.templates.preview(&input)?;
        if output.json() {
            output.document(&preview);
        } else {
            let state = match preview.folder_state {
                FolderState::Missing => "will be created".to_owned(),
                FolderState::Empty => "is empty".to_owned(),
                FolderState::NotEmpty { entries } => format!("holds {entries} entries"),
            };
            println!("{} into {} ({state}):", preview.template, preview.folder);
            for file in &preview.files {
                let mark = if file.replaces { "~" } else { "+" };
                println!("  {mark} {} ({} bytes)", file.path, file.size);
            }
        }
        return Ok(exit::OK);
    }
    let created = quantum_core::templates::create(core, input, request.create_datasources).await?;
    // The databases are made in the background, as in the app: this process waits for them.
    core.datasources.idle().await;
    let mut datasources = Vec::new();
    for datasource in &created.datasources {
        datasources.push(core.datasources.get(datasource.id).await?);
    }
    let failed = datasources
        .iter()
        .any(|d| d.status != DatasourceStatus::Ready)
        || !created.not_created.is_empty();
    if output.json() {
        output.document(&serde_json::json!({
            "project": created.project,
            "files": created.files,
            "datasources": datasources,
            "notCreated": created.not_created,
        }));
    } else {
        println!(
            "Created “{}” in {}: {} files.",
            created.project.name,
            created.project.folder.as_deref().unwrap_or_default(),
            created.files
        );
        for datasource in &datasources {
            let status = serde_json::to_value(datasource.status).unwrap_or_default();
            println!(
                "  database {}: {}",
                datasource.name,
                status.as_str().unwrap_or_default()
            );
            if let Some(message) = &datasource.status_reason {
                println!("    {message}");
            }
        }
        for missing in &created.not_created {
            eprintln!(
                "  database {} not created [{}]: {}",
                missing.name, missing.error.code, missing.error.message
            );
        }
    }
    Ok(if failed { exit::FAILED } else { exit::OK })
}

fn input_of(request: &Request) -> Result<NewProject, ErrorInfo> {
    let here = std::env::current_dir().unwrap_or_default();
    let as_folder = Path::new(&request.template);
    let template = if request.template.contains(['/', '\\']) || request.template == "." {
        TemplateRef::Folder {
            path: absolute(&here, as_folder).display().to_string(),
        }
    } else {
        TemplateRef::Builtin {
            id: request.template.clone(),
        }
    };
    let (name, folder) = match (&request.name, &request.folder) {
        (Some(name), Some(folder)) => (name.clone(), absolute(&here, Path::new(folder))),
        (Some(name), None) => (name.clone(), here.join(quantum_templates::slug(name, '-'))),
        (None, Some(folder)) => {
            let folder = absolute(&here, Path::new(folder));
            let name = folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, folder)
        }
        (None, None) => {
            return Err(ErrorInfo::new(
                "cli.usage",
                "Give the new project a folder or a --name (or both).",
            ))
        }
    };
    let mut options = BTreeMap::new();
    for pair in &request.set {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(ErrorInfo::new(
                "cli.usage",
                format!("--set {pair}: write it as KEY=VALUE, e.g. --set port=8080."),
            ));
        };
        options.insert(key.trim().to_owned(), OptionValue::Text(value.to_owned()));
    }
    Ok(NewProject {
        template,
        name,
        folder: folder.display().to_string(),
        options,
        force: request.force,
    })
}

fn absolute(here: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else {
        here.join(path)
    }
}

fn shown(value: &OptionValue) -> String {
    match value {
        OptionValue::Bool(b) => b.to_string(),
        OptionValue::Number(n) => n.to_string(),
        OptionValue::Text(text) => text.clone(),
    }
}
