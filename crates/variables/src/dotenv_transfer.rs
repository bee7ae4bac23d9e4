//! `.env` files in and out: import a file's variables (the user picks which become secrets), and
//! export an environment's resolved variables, secrets included, with a before/after first.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;

use super::{check_environment, record, upsert_secret, Variables};
use crate::{Error, Result};
use quantum_config as config;
use quantum_kernel::audit::{AuditAction, ResourceType};
use quantum_kernel::dotenv::{self, EnvFilePreview, MASK};
use quantum_kernel::events::Change;
use quantum_kernel::files::{self, NewFile, Within};
use quantum_kernel::projects::{self, Project};
use quantum_secrets::Secret;

/// One key of a `.env` file about to be imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DotenvEntry {
    pub name: String,
    /// Its name looks like a credential (`*_PASSWORD`, `*_TOKEN`, …): suggest a secret.
    pub looks_secret: bool,
    /// The value, or a mask when it looks like a secret.
    pub preview: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DotenvImportRequest {
    pub path: String,
    pub environment: String,
    /// The keys to keep as secrets; the others become plain variables.
    pub secret_names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub plain: u32,
    pub secrets: u32,
}

impl Variables {
    pub async fn dotenv_import_preview(&self, path: &str) -> Result<Vec<DotenvEntry>> {
        Ok(read_dotenv(path)?
            .into_iter()
            .map(|(name, value)| {
                let looks_secret = config::looks_secret(&name);
                DotenvEntry {
                    preview: if looks_secret { MASK.to_owned() } else { value },
                    looks_secret,
                    name,
                }
            })
            .collect())
    }

    /// Imports every key of the file into one environment, all or nothing: the secrets go to the
    /// store first and are put back as they were if anything after fails.
    pub async fn dotenv_import(
        &self,
        project_id: i64,
        request: DotenvImportRequest,
    ) -> Result<ImportSummary> {
        let environment = request.environment.trim().to_owned();
        check_environment(&environment)?;
        let vars = read_dotenv(&request.path)?;
        if vars.is_empty() {
            return Err(Error::validation(
                "validation.invalid_variable",
                "path",
                "The file assigns no variables. Choose another file.",
            ));
        }
        let (secrets, plain): (Vec<_>, Vec<_>) = vars
            .into_iter()
            .partition(|(name, _)| request.secret_names.contains(name));
        let secrets: Vec<(String, Secret)> = secrets
            .into_iter()
            .map(|(name, value)| (name, Secret::new(value)))
            .collect();
        let fingerprints = secrets
            .iter()
            .map(|(_, value)| self.fingerprint(value))
            .collect::<Result<Vec<_>>>()?;

        let _writing = self.configs.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let mut previous: Vec<(String, Option<Secret>)> = Vec::new();
        let result = async {
            let mut accounts = Vec::new();
            for (name, value) in &secrets {
                let account = self.account_for(project_id, &environment, name).await?;
                previous.push((account.clone(), self.secrets.find(&account)?));
                self.secrets.set(&account, value)?;
                accounts.push(account);
            }
            let mut tx = self.store.begin_write().await?;
            for (((name, _), fingerprint), account) in
                secrets.iter().zip(&fingerprints).zip(&accounts)
            {
                upsert_secret(
                    &mut tx,
                    project_id,
                    &environment,
                    name,
                    account,
                    fingerprint,
                )
                .await?;
            }
            record(
                &mut tx,
                &project,
                AuditAction::VariablesImport,
                ResourceType::Variable,
                project.id,
                &environment,
                json!({
                    "path": request.path,
                    "environment": environment,
                    "plain": plain.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                    "secrets": secrets.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                }),
            )
            .await?;
            let written = self
                .configs
                .edit(&mut tx, &project, |text| {
                    let mut text = config::add_environment(text, &environment)?;
                    for (name, value) in &plain {
                        text = config::set_variable(&text, Some(&environment), name, value)?;
                    }
                    for (name, _) in &secrets {
                        text = config::add_secret_reference(&text, &environment, name)?;
                    }
                    Ok(text)
                })
                .await?;
            self.finish(tx, written, project_id).await
        }
        .await;
        if let Err(error) = result {
            for (account, value) in &previous {
                self.restore(account, value.as_ref());
            }
            return Err(error);
        }
        Ok(ImportSummary {
            plain: u32::try_from(plain.len()).unwrap_or(u32::MAX),
            secrets: u32::try_from(secrets.len()).unwrap_or(u32::MAX),
        })
    }

    /// The `.env` file before and after writing the environment into it. Secret values are
    /// masked on both sides: a file exported before holds them, and showing it is no reveal.
    pub async fn dotenv_export_preview(
        &self,
        project_id: i64,
        environment: &str,
        path: Option<&str>,
    ) -> Result<EnvFilePreview> {
        let project = projects::get(&self.store, project_id).await?;
        let path = export_path(&project, path)?;
        let resolved = self.resolved(&project, environment).await?;
        let secret_names = secret_names(&resolved);
        let current = files::read_optional(&path)?;
        let masked: Vec<(String, String)> = resolved
            .iter()
            .map(|(name, value)| match value {
                Resolved::Plain(value) => (name.clone(), value.clone()),
                Resolved::Secret(_) => (name.clone(), MASK.to_owned()),
            })
            .collect();
        let current_masked = current
            .as_deref()
            .map(|text| dotenv::mask(text, &secret_names, MASK));
        Ok(EnvFilePreview {
            path: path.display().to_string(),
            proposed: dotenv::merge(
                current_masked.as_deref().unwrap_or_default(),
                &masked,
                &heading(environment),
            ),
            current: current_masked,
        })
    }

    /// Writes the environment, secrets included, provided the file still is what the preview
    /// showed (`expected`, as masked there).
    pub async fn dotenv_export_write(
        &self,
        project_id: i64,
        environment: &str,
        path: Option<&str>,
        expected: Option<String>,
        allow_outside: bool,
    ) -> Result<()> {
        let project = projects::get(&self.store, project_id).await?;
        let path = export_path(&project, path)?;
        let resolved = self.resolved(&project, environment).await?;
        let current = files::read_optional(&path)?;
        let secret_names = secret_names(&resolved);
        if current
            .as_deref()
            .map(|text| dotenv::mask(text, &secret_names, MASK))
            != expected
        {
            return Err(quantum_kernel::Error::EnvFileChanged {
                path: path.display().to_string(),
            }
            .into());
        }
        let vars: Vec<(String, String)> = resolved
            .iter()
            .map(|(name, value)| match value {
                Resolved::Plain(value) => (name.clone(), value.clone()),
                Resolved::Secret(secret) => (name.clone(), secret.expose().to_owned()),
            })
            .collect();
        let mut tx = self.store.begin_write().await?;
        record(
            &mut tx,
            &project,
            AuditAction::VariablesExport,
            ResourceType::Variable,
            project.id,
            environment,
            json!({
                "environment": environment,
                "path": path.display().to_string(),
                "names": vars.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            }),
        )
        .await?;
        files::replace(
            &path,
            dotenv::merge(
                current.as_deref().unwrap_or_default(),
                &vars,
                &heading(environment),
            )
            .as_bytes(),
            NewFile::OwnerOnly,
            within(&project, &path, allow_outside),
        )?;
        tx.commit().await?;
        self.store.announce(Change {
            action: AuditAction::VariablesExport,
            resource_type: ResourceType::Variable,
            resource_id: project_id,
        });
        Ok(())
    }

    /// The environment's variables with their values, secrets read from the keychain: what a
    /// test run puts in its processes' environment, never on disk.
    pub async fn environment_values(
        &self,
        project_id: i64,
        environment: &str,
    ) -> Result<Vec<(String, Secret)>> {
        let project = projects::get(&self.store, project_id).await?;
        Ok(self
            .resolved(&project, environment)
            .await?
            .into_iter()
            .map(|(name, value)| match value {
                Resolved::Plain(value) => (name, Secret::new(value)),
                Resolved::Secret(secret) => (name, secret),
            })
            .collect())
    }

    /// Shared variables, then the environment's own (which win), then its secrets.
    async fn resolved(
        &self,
        project: &Project,
        environment: &str,
    ) -> Result<Vec<(String, Resolved)>> {
        let config = self.parsed_config(project).await?;
        let Some(declared) = config.environments.iter().find(|e| e.name == environment) else {
            return Err(Error::validation(
                "validation.invalid_environment",
                "environment",
                format!("quantum.toml has no environment “{environment}”. Choose one it declares."),
            ));
        };
        let mut resolved: Vec<(String, Resolved)> = Vec::new();
        let mut put = |name: &str, value: Resolved| {
            resolved.retain(|(n, _)| n != name);
            resolved.push((name.to_owned(), value));
        };
        for (name, value) in &config.variables {
            put(name, Resolved::Plain(value.clone()));
        }
        for (name, value) in &declared.variables {
            put(name, Resolved::Plain(value.clone()));
        }
        for name in &declared.secrets {
            put(
                name,
                Resolved::Secret(self.secret_value(project.id, environment, name).await?),
            );
        }
        Ok(resolved)
    }
}

enum Resolved {
    Plain(String),
    Secret(Secret),
}

fn secret_names(resolved: &[(String, Resolved)]) -> Vec<&str> {
    resolved
        .iter()
        .filter(|(_, value)| matches!(value, Resolved::Secret(_)))
        .map(|(name, _)| name.as_str())
        .collect()
}

fn heading(environment: &str) -> String {
    format!("Quantum Admin: environment {environment}")
}

fn read_dotenv(path: &str) -> Result<Vec<(String, String)>> {
    let path = Path::new(path.trim());
    let text = files::read_optional(path)?.ok_or_else(|| {
        Error::validation(
            "validation.invalid_folder",
            "path",
            format!("There is no file at {}. Check the path.", path.display()),
        )
    })?;
    Ok(dotenv::parse(&text)?)
}

/// A file in the project's folder is not written through a link out of it unless the user
/// confirmed (`allow_outside`); a path elsewhere is one the user chose, link and all.
fn within<'a>(project: &'a Project, path: &Path, allow_outside: bool) -> Within<'a> {
    match &project.folder {
        Some(folder) if path.starts_with(folder) => {
            Within::project(Path::new(folder), allow_outside)
        }
        _ => Within::TRUSTED,
    }
}

/// The file to export into: the given path, or `.env` in the project's folder.
fn export_path(project: &Project, path: Option<&str>) -> Result<PathBuf> {
    match path.map(str::trim).filter(|p| !p.is_empty()) {
        Some(path) => Ok(files::output_path(path)?),
        None => project
            .folder
            .as_ref()
            .map(|folder| Path::new(folder).join(".env"))
            .ok_or_else(|| {
                quantum_kernel::Error::ProjectNoFolder {
                    name: project.name.clone(),
                }
                .into()
            }),
    }
}
