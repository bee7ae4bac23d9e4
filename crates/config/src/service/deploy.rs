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
}
