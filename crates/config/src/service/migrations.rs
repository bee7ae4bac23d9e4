//! Where a datasource's migrations are: a folder found by the project's scan adopted into its
//! file (`migrations`, `migrations_format` of its table).

use super::ProjectConfigs;
use crate::{DatasourceDecl, Result};

impl ProjectConfigs {
    /// Points the datasource at `folder` (relative to the project's) in the file, made when
    /// missing; `datasource` makes its table when the file has none.
    pub async fn adopt_migrations(
        &self,
        project_id: i64,
        datasource: &DatasourceDecl,
        folder: &str,
        format: Option<&str>,
    ) -> Result<()> {
        self.edit_file(project_id, |text| {
            crate::edit::set_datasource_migrations(text, datasource, folder, format)
        })
        .await
    }
}
