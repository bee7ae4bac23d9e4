//! "Write to .env": a datasource's variables merged into its project folder's `.env`, shown as a
//! before/after first, written only if the file is still what the user saw.

use std::path::PathBuf;

use serde_json::json;

use crate::connection::{self, Credentials};
use crate::Result;
use crate::{Datasource, Datasources};
use quantum_kernel::audit::AuditAction;
use quantum_kernel::dotenv::{self, EnvFilePreview};
use quantum_kernel::files::{self, NewFile, Within};
use quantum_kernel::projects;
use quantum_secrets::Secret;

impl Datasources {
    /// The preview shows the password masked, on both sides: the page never receives it, and a
    /// file written before holds it.
    pub async fn env_file_preview(&self, id: i64) -> Result<EnvFilePreview> {
        let (datasource, password) = self.with_password(id).await?;
        let path = self.env_path(&datasource).await?;
        let current = files::read_optional(&path)?;
        let proposed = proposed(
            &datasource,
            &password,
            current.as_deref().unwrap_or_default(),
        );
        Ok(EnvFilePreview {
            path: path.display().to_string(),
            current: current.map(|text| masked(&text, &password)),
            proposed: masked(&proposed, &password),
        })
    }

    /// Writes the variables, provided the file still holds `expected` (what the preview showed,
    /// masked as there); otherwise nothing is written and the user is asked to look again. A
    /// `.env` that is a link out of the project folder is written through only with
    /// `allow_outside`, the user's confirmation.
    pub async fn env_file_write(
        &self,
        id: i64,
        expected: Option<String>,
        allow_outside: bool,
    ) -> Result<()> {
        let (datasource, password) = self.with_password(id).await?;
        let path = self.env_path(&datasource).await?;
        let current = files::read_optional(&path)?;
        if current.as_deref().map(|text| masked(text, &password)) != expected {
            return Err(quantum_kernel::Error::EnvFileChanged {
                path: path.display().to_string(),
            }
            .into());
        }
        // A new .env is readable by its owner only: it holds the password.
        let folder = path.parent().unwrap_or(&path);
        files::replace(
            &path,
            proposed(
                &datasource,
                &password,
                current.as_deref().unwrap_or_default(),
            )
            .as_bytes(),
            NewFile::OwnerOnly,
            Within::project(folder, allow_outside),
        )?;
        self.audit(
            &datasource,
            AuditAction::DatasourceRevealSecret,
            json!({ "format": "env_file", "path": path.display().to_string() }),
        )
        .await?;
        tracing::info!(
            datasource_id = id,
            "variables written to the project's .env"
        );
        Ok(())
    }

    /// Records that the datasource's password was written into a file of the project's (a
    /// compose export's `.env`), as the `.env` writer records its own.
    pub async fn record_password_written(&self, id: i64, path: &std::path::Path) -> Result<()> {
        let datasource = self.get(id).await?;
        self.audit(
            &datasource,
            AuditAction::DatasourceRevealSecret,
            json!({ "format": "compose_env", "path": path.display().to_string() }),
        )
        .await
    }

    async fn env_path(&self, datasource: &Datasource) -> Result<PathBuf> {
        let project = projects::get(self.store(), datasource.project_id).await?;
        let folder = project
            .folder
            .ok_or_else(|| quantum_kernel::Error::ProjectNoFolder {
                name: project.name.clone(),
            })?;
        Ok(PathBuf::from(folder).join(".env"))
    }
}

/// The text with the password masked. Generated passwords are letters and digits, so they appear
/// as themselves in URLs and `.env` lines.
fn masked(text: &str, password: &Secret) -> String {
    if password.expose().is_empty() {
        text.to_owned()
    } else {
        text.replace(password.expose(), dotenv::MASK)
    }
}

fn proposed(datasource: &Datasource, password: &Secret, current: &str) -> String {
    let credentials = Credentials {
        database: &datasource.database_name,
        username: &datasource.username,
        password,
    };
    let vars = connection::env_vars(datasource.engine, datasource.host_port, &credentials);
    dotenv::merge(
        current,
        &vars,
        &format!("{} (Quantum Admin)", datasource.name),
    )
}
