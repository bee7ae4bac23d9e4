//! The project's test suites in its file: read, added or changed, removed (the Tests page's form).

use quantum_kernel::projects;

use super::ProjectConfigs;
use crate::Result;

impl ProjectConfigs {
    /// The test suites the project's file declares (none while it has errors: the Configuration
    /// page shows them).
    pub async fn test_suites(&self, project_id: i64) -> Result<Vec<crate::TestSuiteDecl>> {
        let project = projects::get(&self.store, project_id).await?;
        let (text, _) = self.current_text(&project).await?;
        let (config, _) = crate::check(&text, &self.known_secrets(project_id).await?);
        Ok(config.map(|config| config.tests).unwrap_or_default())
    }

    /// The health checks the project's file declares (none while it has errors).
    pub async fn health_checks(&self, project_id: i64) -> Result<Vec<crate::HealthCheckDecl>> {
        let project = projects::get(&self.store, project_id).await?;
        let (text, _) = self.current_text(&project).await?;
        let (config, _) = crate::check(&text, &self.known_secrets(project_id).await?);
        Ok(config.map(|config| config.health).unwrap_or_default())
    }

    /// Adds or changes a health check in the project's file (`previous`: its old name, when the
    /// form renamed it), kept in its history.
    pub async fn set_health_check(
        &self,
        project_id: i64,
        check: &crate::HealthCheckDecl,
        previous: Option<&str>,
    ) -> Result<()> {
        self.edit_file(project_id, |text| {
            crate::edit::set_health_check(text, check, previous)
        })
        .await
    }

    /// Removes a health check from the project's file, kept in its history.
    pub async fn remove_health_check(&self, project_id: i64, name: &str) -> Result<()> {
        self.edit_file(project_id, |text| {
            crate::edit::remove_health_check(text, name)
        })
        .await
    }

    /// Adds or changes a test suite in the project's file (made when missing), kept in its history.
    pub async fn set_test_suite(
        &self,
        project_id: i64,
        suite: &crate::TestSuiteDecl,
    ) -> Result<()> {
        self.edit_file(project_id, |text| crate::edit::set_test_suite(text, suite))
            .await
    }

    /// Removes a test suite from the project's file, kept in its history.
    pub async fn remove_test_suite(&self, project_id: i64, name: &str) -> Result<()> {
        self.edit_file(project_id, |text| {
            crate::edit::remove_test_suite(text, name)
        })
        .await
    }

    /// Changes the file (made when missing) through `change` (a form's edit), kept in its
    /// history.
    pub(super) async fn edit_file(
        &self,
        project_id: i64,
        change: impl FnOnce(&str) -> Result<String>,
    ) -> Result<()> {
        let _writing = self.lock().await;
        let project = projects::get(&self.store, project_id).await?;
        let mut tx = self.store.begin_write().await?;
        match self.edit(&mut tx, &project, change).await? {
            Some(written) => self.commit(tx, written, project_id).await,
            None => {
                tx.commit().await?;
                Ok(())
            }
        }
    }
}
