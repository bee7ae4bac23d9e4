//! The JUnit reports among a run's artifacts, for the Tests history.

use crate::error::{Error, Result};
use crate::Ci;

impl Ci {
    /// The JUnit reports among a run's artifacts: every `.xml` file holding `<testsuite` in a zip
    /// that has not expired, as (artifact name, report).
    pub async fn junit_reports(
        &self,
        project_id: i64,
        run_id: i64,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let provider = self.provider(project_id).await?;
        let mut reports = Vec::new();
        for artifact in provider.artifacts(run_id).await? {
            if artifact.expired {
                continue;
            }
            let zip = provider.artifact(artifact.id).await?;
            let found = tokio::task::spawn_blocking(move || junit_files(&zip))
                .await
                .map_err(|error| Error::io("an artifact", std::io::Error::other(error)))?;
            reports.extend(
                found
                    .into_iter()
                    .map(|report| (artifact.name.clone(), report)),
            );
        }
        Ok(reports)
    }
}

/// The JUnit XML files of a zip; an archive that cannot be read holds none.
fn junit_files(zip: &[u8]) -> Vec<Vec<u8>> {
    use std::io::Read;
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(zip)) else {
        return Vec::new();
    };
    let mut reports = Vec::new();
    for index in 0..archive.len() {
        let Ok(mut file) = archive.by_index(index) else {
            continue;
        };
        if !file.is_file() || !file.name().to_ascii_lowercase().ends_with(".xml") {
            continue;
        }
        let mut bytes = Vec::new();
        // A report of more than 64 MiB is not one to merge.
        if (&mut file).take(64 << 20).read_to_end(&mut bytes).is_ok()
            && bytes.windows(10).any(|w| w == b"<testsuite")
        {
            reports.push(bytes);
        }
    }
    reports
}
