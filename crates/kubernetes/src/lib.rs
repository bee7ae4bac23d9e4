//! Kubernetes for deploys: the user's kubeconfig contexts, the manifests a release applies
//! (generated from the environment's settings, or the project's own folder or kustomization), and
//! the cluster calls — server-side apply, the rollout watched until it is done, and why it stalls.
//! No Tauri and no history here: the deploy crate records releases and decides what to apply.

mod cluster;
mod error;
pub mod manifests;
mod rollout;

use std::path::{Path, PathBuf};

use kube::config::Kubeconfig;
use serde::{Deserialize, Serialize};
use specta::Type;

pub use cluster::{Applied, Cluster};
pub use error::{Error, Result};
pub use kube::api::DynamicObject;
pub use manifests::{Probe, Workload};
pub use rollout::{WorkloadKind, WorkloadRef};

/// The field manager the app applies as: `kubectl` users see its fields owned by this name.
pub const FIELD_MANAGER: &str = "quantum-admin";

/// Where the kubeconfig is read from: `KUBECONFIG` (a list of files, merged in order, as kubectl
/// does), else `~/.kube/config`.
#[derive(Clone, Debug, Default)]
pub struct Kubeconfigs {
    files: Vec<PathBuf>,
}

impl Kubeconfigs {
    pub fn from_process() -> Self {
        match std::env::var_os("KUBECONFIG").filter(|value| !value.is_empty()) {
            Some(list) => Self {
                files: std::env::split_paths(&list).collect(),
            },
            None => Self::in_home(std::env::home_dir().as_deref()),
        }
    }

    /// `~/.kube/config` of the home folder given (tests give one of their own).
    pub fn in_home(home: Option<&Path>) -> Self {
        Self {
            files: home
                .map(|home| home.join(".kube").join("config"))
                .into_iter()
                .collect(),
        }
    }

    pub fn files(files: Vec<PathBuf>) -> Self {
        Self { files }
    }

    /// The files merged; `None` when none of them exists (no Kubernetes set up).
    pub fn read(&self) -> Result<Option<Kubeconfig>> {
        let mut merged: Option<Kubeconfig> = None;
        for file in self.files.iter().filter(|file| file.is_file()) {
            let config = Kubeconfig::read_from(file).map_err(|error| Error::Kubeconfig {
                reason: format!("{}: {error}", file.display()),
            })?;
            merged = Some(match merged {
                Some(before) => before.merge(config).map_err(|error| Error::Kubeconfig {
                    reason: error.to_string(),
                })?,
                None => config,
            });
        }
        Ok(merged)
    }

    fn described(&self) -> String {
        match self.files.as_slice() {
            [] => "no kubeconfig (set KUBECONFIG or create ~/.kube/config)".to_owned(),
            files => files
                .iter()
                .map(|file| file.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A context of the user's kubeconfig, as `kubectl config get-contexts` lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KubeContext {
    pub name: String,
    pub cluster: String,
    /// The cluster's API server.
    pub server: Option<String>,
    pub namespace: Option<String>,
    pub current: bool,
}

/// The contexts of the kubeconfig, the current one marked; none without a kubeconfig.
pub fn contexts(kubeconfigs: &Kubeconfigs) -> Result<Vec<KubeContext>> {
    let Some(config) = kubeconfigs.read()? else {
        return Ok(Vec::new());
    };
    let server_of = |cluster: &str| {
        config
            .clusters
            .iter()
            .find(|named| named.name == cluster)
            .and_then(|named| named.cluster.as_ref())
            .and_then(|cluster| cluster.server.clone())
    };
    Ok(config
        .contexts
        .iter()
        .filter_map(|named| {
            let context = named.context.as_ref()?;
            Some(KubeContext {
                name: named.name.clone(),
                cluster: context.cluster.clone(),
                server: server_of(&context.cluster),
                namespace: context.namespace.clone(),
                current: config.current_context.as_deref() == Some(named.name.as_str()),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "apiVersion: v1
kind: Config
current-context: kind-dev
clusters:
- name: kind-dev
  cluster: { server: 'https://127.0.0.1:6443' }
- name: prod
  cluster: { server: 'https://prod.example.com' }
contexts:
- name: kind-dev
  context: { cluster: kind-dev, user: dev }
- name: prod-shop
  context: { cluster: prod, user: ops, namespace: shop }
users:
- name: dev
  user: { token: x }
- name: ops
  user: { token: y }
";

    #[test]
    fn contexts_are_listed_with_their_server_and_namespace() {
        let dir = tempfile::tempdir().expect("test input");
        std::fs::create_dir(dir.path().join(".kube")).expect("test input");
        std::fs::write(dir.path().join(".kube/config"), CONFIG).expect("test input");
        let listed = contexts(&Kubeconfigs::in_home(Some(dir.path()))).expect("test input");
        assert_eq!(
            listed,
            vec![
                KubeContext {
                    name: "kind-dev".into(),
                    cluster: "kind-dev".into(),
                    server: Some("https://127.0.0.1:6443".into()),
                    namespace: None,
                    current: true,
                },
                KubeContext {
                    name: "prod-shop".into(),
                    cluster: "prod".into(),
                    server: Some("https://prod.example.com".into()),
                    namespace: Some("shop".into()),
                    current: false,
                },
            ]
        );
    }

    #[test]
    fn no_kubeconfig_means_no_contexts() {
        let dir = tempfile::tempdir().expect("test input");
        assert_eq!(
            contexts(&Kubeconfigs::in_home(Some(dir.path()))).expect("test input"),
            []
        );
    }

    #[test]
    fn a_broken_kubeconfig_names_its_file() {
        let dir = tempfile::tempdir().expect("test input");
        let file = dir.path().join("config");
        std::fs::write(&file, "clusters: [").expect("test input");
        let error = contexts(&Kubeconfigs::files(vec![file.clone()])).expect_err("an error");
        assert!(
            error.to_string().contains(&file.display().to_string()),
            "{error}"
        );
    }
}
