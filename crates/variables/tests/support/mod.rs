//! What the variables and bundle tests share: a project with a folder on a fresh store, with
//! its variables on the real keychain, and ways to look for a secret's value where it must not be.
// Each test file compiles this module on its own; not all of them use every helper.
#![allow(dead_code)]

pub mod write_lock;

use std::path::Path;
use std::sync::Arc;

use quantum_config::ProjectConfigs;
use quantum_kernel::audit::{self, AuditAction, AuditPageRequest};
use quantum_kernel::projects::{self, Project, ProjectInput};
use quantum_kernel::Store;
use quantum_secrets::SecretStore;
use quantum_variables::{VariableInput, VariableKind, Variables};

/// A store on a fresh database in its own temporary folder, removed when dropped.
pub struct TestStore {
    pub store: Store,
    pub dir: tempfile::TempDir,
}

pub async fn open() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in(dir.path()).await.expect("store opens");
    TestStore { store, dir }
}

pub struct Fixture {
    pub t: TestStore,
    pub folder: tempfile::TempDir,
    pub project: Project,
    pub variables: Arc<Variables>,
}

pub async fn fixture(name: &str) -> Fixture {
    let t = open().await;
    let folder = tempfile::tempdir().expect("folder");
    let project = projects::create(
        &t.store,
        ProjectInput {
            folder: Some(folder.path().display().to_string()),
            name: name.to_owned(),
            ..Default::default()
        },
    )
    .await
    .expect("project");
    let configs = ProjectConfigs::new(t.store.clone(), t.dir.path());
    let secrets = Arc::new(SecretStore::keychain(t.dir.path()));
    let variables = Variables::new(t.store.clone(), configs, secrets);
    Fixture {
        t,
        folder,
        project,
        variables,
    }
}

/// A value no test shares, so that a hit in a file can only come from this test.
pub fn unique_value(label: &str) -> String {
    let mut bytes = [0u8; 8];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).expect("random");
    format!(
        "{label}-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

pub fn secret_input(environment: &str, name: &str, value: &str) -> VariableInput {
    VariableInput {
        environment: Some(environment.into()),
        name: name.into(),
        kind: VariableKind::Secret,
        value: value.into(),
    }
}

pub async fn actions(store: &Store) -> Vec<(AuditAction, String, serde_json::Value)> {
    audit::page(
        store,
        &AuditPageRequest {
            limit: 500,
            ..Default::default()
        },
    )
    .await
    .expect("audit")
    .entries
    .into_iter()
    .map(|e| (e.action, e.resource_name, e.details))
    .collect()
}

/// Accounts of the app's keychain entries whose value is `value`, found through Secret Service.
#[cfg(target_os = "linux")]
pub fn keychain_accounts_holding(value: &str) -> Vec<String> {
    let output = std::process::Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "service",
            quantum_secrets::KEYCHAIN_SERVICE,
        ])
        .output();
    match output {
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr);
            text.lines()
                .filter(|l| l.contains(value))
                .map(str::to_owned)
                .collect()
        }
        Err(error) => panic!("secret-tool (libsecret-tools) is needed by this test: {error}"),
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}
