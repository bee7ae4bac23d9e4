//! The project's deploy environments in its file.

use quantum_kernel::projects;

use super::ProjectConfigs;
use crate::Result;

impl ProjectConfigs {
    /// The `[deploy.*]` environments the project's file declares (none while it has errors: the
    /// Configuration page shows them).
    pub async fn deploy_environments(&self, project_id: i64) -> Result<Vec<crate::DeployDecl>> {
        let project = projects::get(&self.store, project_id).await?;
        let (text, _) = self.current_text(&project).await?;
        let (config, _) = crate::check(&text, &self.known_secrets(project_id).await?);
        Ok(config.map(|config| config.deploy).unwrap_or_default())
    }

    /// Points an environment at another Docker Engine in the project's file, kept in its history.
    pub async fn set_deploy_target(
        &self,
        project_id: i64,
        environment: &str,
        target: &quantum_deploy::DockerTarget,
        ssh_identity: Option<&str>,
    ) -> Result<()> {
        self.edit_file(project_id, |text| {
            crate::edit::set_deploy_target(text, environment, target, ssh_identity)
        })
        .await
    }

    /// Sets the datasources an environment runs on its engine, kept in the file's history.
    pub async fn set_deploy_datasources(
        &self,
        project_id: i64,
        environment: &str,
        names: &[String],
    ) -> Result<()> {
        self.edit_file(project_id, |text| {
            crate::edit::set_deploy_datasources(text, environment, names)
        })
        .await
    }

    /// Points an environment at a Kubernetes cluster in the project's file, kept in its history.
    pub async fn set_kubernetes_target(
        &self,
        project_id: i64,
        environment: &str,
        context: &str,
        namespace: Option<&str>,
    ) -> Result<()> {
        self.edit_file(project_id, |text| {
            crate::edit::set_kubernetes_target(text, environment, context, namespace)
        })
        .await
    }
}
