//! The Docker names and labels of an environment's network, proxy and releases. The store's
//! identity is part of each name, so that two data folders (two users, or parallel tests) never
//! reach for each other's containers.

use std::collections::HashMap;

// Defined beside the other labels, so that the resource manager names these containers too.
pub use quantum_docker::{LABEL_ENVIRONMENT, LABEL_RELEASE, LABEL_ROLE};
use quantum_docker::{LABEL_PROJECT, LABEL_STORE};

#[derive(Clone, Debug)]
pub struct Names {
    store: String,
    project_id: i64,
    environment: String,
}

impl Names {
    pub fn new(store: &str, project_id: i64, environment: &str) -> Self {
        Self {
            store: store.to_owned(),
            project_id,
            environment: environment.to_owned(),
        }
    }

    fn prefix(&self) -> String {
        let store: String = self
            .store
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(6)
            .collect();
        format!("qa-{store}-p{}-{}", self.project_id, self.environment)
    }

    pub fn network(&self) -> String {
        self.prefix()
    }

    pub fn proxy(&self) -> String {
        format!("{}-proxy", self.prefix())
    }

    pub fn release(&self, release_id: i64) -> String {
        format!("{}-r{release_id}", self.prefix())
    }

    /// The container of the environment's datasource `name`; its volume is this plus `-data`.
    pub fn datasource(&self, name: &str) -> String {
        format!("{}-ds-{name}", self.prefix())
    }

    pub fn labels(&self, role: &str, release_id: Option<i64>) -> HashMap<String, String> {
        let mut labels = HashMap::from([
            (LABEL_PROJECT.to_owned(), self.project_id.to_string()),
            (LABEL_STORE.to_owned(), self.store.clone()),
            (LABEL_ENVIRONMENT.to_owned(), self.environment.clone()),
            (LABEL_ROLE.to_owned(), role.to_owned()),
        ]);
        if let Some(id) = release_id {
            labels.insert(LABEL_RELEASE.to_owned(), id.to_string());
        }
        labels
    }
}
