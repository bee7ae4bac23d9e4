//! What a GitHub workflow file says of its jobs' order: GitHub's jobs API gives no `needs`, the
//! file in the project's folder does. A job shows under its `name` (with a matrix's values in
//! parentheses after it) or else under its key.

use std::collections::HashMap;

use yaml_rust2::{Yaml, YamlLoader};

use crate::model::CiJob;

/// Each job's key → (the name GitHub shows, the keys it needs).
fn jobs_of(text: &str) -> HashMap<String, (String, Vec<String>)> {
    let Ok(documents) = YamlLoader::load_from_str(text) else {
        return HashMap::new();
    };
    let Some(jobs) = documents.first().and_then(|doc| doc["jobs"].as_hash()) else {
        return HashMap::new();
    };
    jobs.iter()
        .filter_map(|(key, job)| {
            let key = key.as_str()?.to_owned();
            // A name with an expression is shown with the expression's value: match on its head.
            let name = job["name"]
                .as_str()
                .map(|name| name.split("${{").next().unwrap_or(name).trim().to_owned())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| key.clone());
            let needs = match &job["needs"] {
                Yaml::String(one) => vec![one.clone()],
                Yaml::Array(many) => many
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            Some((key, (name, needs)))
        })
        .collect()
}

/// Whether the API's job name is the file's job shown as `name` (`test`, `test (ubuntu, 1.80)`).
fn shows_as(api_name: &str, name: &str) -> bool {
    api_name == name
        || api_name
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with(" ("))
}

/// Fills each job's `needs` with the names of the jobs it waits for, from the workflow file.
pub fn fill_needs(jobs: &mut [CiJob], workflow_file: &str) {
    let declared = jobs_of(workflow_file);
    let names: Vec<String> = jobs.iter().map(|job| job.name.clone()).collect();
    for job in jobs.iter_mut() {
        let Some((_, (_, needs))) = declared
            .iter()
            .find(|(_, (name, _))| shows_as(&job.name, name))
        else {
            continue;
        };
        job.needs = needs
            .iter()
            .filter_map(|key| declared.get(key))
            .flat_map(|(name, _)| names.iter().filter(|api| shows_as(api, name)).cloned())
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CiStatus;

    fn job(name: &str) -> CiJob {
        CiJob {
            id: 0,
            name: name.to_owned(),
            stage: None,
            needs: Vec::new(),
            status: CiStatus::Success,
            started_at: None,
            completed_at: None,
            url: String::new(),
            steps: Vec::new(),
            allow_failure: false,
        }
    }

    #[test]
    fn needs_come_from_the_file_by_the_names_github_shows() {
        let file = "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n  test:\n    name: Test ${{ matrix.os }}\n    needs: lint\n    strategy:\n      matrix:\n        os: [ubuntu, macos]\n  build:\n    needs: [lint, test]\n";
        let mut jobs = vec![
            job("lint"),
            job("Test (ubuntu)"),
            job("Test (macos)"),
            job("build"),
        ];
        fill_needs(&mut jobs, file);
        assert!(jobs[0].needs.is_empty());
        assert_eq!(jobs[1].needs, ["lint"]);
        assert_eq!(jobs[2].needs, ["lint"]);
        assert_eq!(jobs[3].needs, ["lint", "Test (ubuntu)", "Test (macos)"]);
    }

    #[test]
    fn a_file_that_does_not_parse_leaves_the_jobs_alone() {
        let mut jobs = vec![job("lint")];
        fill_needs(&mut jobs, "jobs: [unclosed");
        assert!(jobs[0].needs.is_empty());
    }
}
