//! Deploys composed: an environment's settings from the project's `quantum.toml`, its variables
//! (shared ones, then `[environments.<name>]`'s, secrets from the keychain) resolved only for the
//! release's container, and who asked.

use std::path::PathBuf;

use quantum_config::DeployDecl;
use quantum_deploy::{DataStep, DeployEvent, DeployRequest, EnvironmentSpec, Release};
use quantum_kernel::{projects, ErrorInfo};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Core;

/// A deploy environment as the Deploy page lists it: what the file declares, and what serves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeployEnvironment {
    pub declared: DeployDecl,
    /// The release serving now, if any.
    pub live: Option<Release>,
    /// Where the live release runs when the environment's target was changed since (it serves
    /// there until the next deploy, which starts on the new target).
    pub live_elsewhere: Option<String>,
    /// `http://<bind>:<publish>`, where the environment answers.
    pub url: String,
}

/// A live release as the Dashboard lists it: where, what, and how its check is doing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ServingRelease {
    pub project_name: String,
    pub release: Release,
    /// Its environment's `deploy-<name>` check (or the file's check of that name); none before
    /// its first run or when the environment is no longer declared.
    pub health: Option<quantum_health::CheckState>,
}

/// Every project's live releases with their checks' state, for the Dashboard.
pub async fn serving(core: &Core) -> Result<Vec<ServingRelease>, ErrorInfo> {
    let mut serving = Vec::new();
    let mut overviews: std::collections::HashMap<i64, quantum_health::HealthOverview> =
        std::collections::HashMap::new();
    for release in core.deploys.live_releases().await? {
        let Ok(project) = projects::get(&core.store, release.project_id).await else {
            continue;
        };
        let overview = match overviews.entry(project.id) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(core.health.overview(project.id).await?)
            }
        };
        let check = format!("deploy-{}", release.environment);
        let health = overview
            .checks
            .iter()
            .find(|status| status.name == check)
            .map(|status| status.state)
            .filter(|state| *state != quantum_health::CheckState::Pending);
        serving.push(ServingRelease {
            project_name: project.name,
            release,
            health,
        });
    }
    Ok(serving)
}

/// The project's deploy environments, with their live releases.
pub async fn environments(
    core: &Core,
    project_id: i64,
) -> Result<Vec<DeployEnvironment>, ErrorInfo> {
    let history = core.deploys.history(project_id, None).await?;
    Ok(core
        .configs
        .deploy_environments(project_id)
        .await?
        .into_iter()
        .map(|declared| {
            let url = url_of(&declared);
            let live = history
                .iter()
                .find(|release| {
                    release.environment == declared.name
                        && release.status == quantum_deploy::ReleaseStatus::Live
                })
                .cloned();
            let live_elsewhere = live
                .as_ref()
                .and_then(|live| live.moved(&declared.to_spec(Vec::new())))
                .map(|(was, _)| was);
            DeployEnvironment {
                url,
                declared,
                live,
                live_elsewhere,
            }
        })
        .collect())
}

/// `http://<address>:<publish>`: where the environment answers from this machine (an
/// environment bound to every address answers on the loopback one too; one on another Docker
/// host answers at that host).
pub fn url_of(declared: &DeployDecl) -> String {
    if let Some(context) = &declared.kube_context {
        let namespace = declared
            .kube_namespace
            .as_deref()
            .unwrap_or("its namespace");
        return format!(
            "port {} of its Service in {namespace} (context {context})",
            declared.publish
        );
    }
    let remote = declared.to_spec(Vec::new()).target.remote_machine();
    let host = match (remote, declared.bind.as_deref()) {
        (Some(machine), None | Some("0.0.0.0" | "::")) => machine,
        (_, None | Some("0.0.0.0")) => "127.0.0.1".to_owned(),
        (_, Some("::")) => "[::1]".to_owned(),
        (_, Some(address)) => address.to_owned(),
    };
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host
    };
    format!("http://{host}:{}", declared.publish)
}

/// The environment as the file declares it.
pub(crate) async fn declared(
    core: &Core,
    project_id: i64,
    environment: &str,
) -> Result<DeployDecl, ErrorInfo> {
    core
        .configs
        .deploy_environments(project_id)
        .await?
        .into_iter()
        .find(|declared| declared.name == environment)
        .ok_or_else(|| {
            ErrorInfo::from(quantum_kernel::Error::validation(
                "deploy.no_environment",
                "environment",
                format!("quantum.toml declares no [deploy.{environment}]. Add it on the Configuration page."),
            ))
        })
}

/// What reaching the environment's Docker Engine takes: its target, certificate and key paths
/// made absolute, the key's passphrase from the keychain. No variable is resolved (no secret
/// read) for a connection alone.
pub(crate) async fn engine_spec(
    core: &Core,
    project_id: i64,
    declared: &DeployDecl,
) -> Result<EnvironmentSpec, ErrorInfo> {
    let mut spec = declared.to_spec(Vec::new());
    let folder = projects::get(&core.store, project_id).await?.folder;
    let absolute = |path: &str| absolute_path(folder.as_deref(), path);
    if let quantum_deploy::DockerTarget::Host { tls: Some(tls), .. } = &mut spec.target {
        *tls = absolute(tls);
    }
    if let Some(identity) = spec.ssh_identity.take() {
        let identity = absolute(&identity);
        spec.ssh_passphrase = ssh_passphrase(core, &identity).await?;
        spec.ssh_identity = Some(identity);
    }
    Ok(spec)
}

/// The environment's settings for a release: [`engine_spec`]'s, with its variables resolved
/// (and fingerprinted for the diff) and the registry login the app keeps.
async fn spec(
    core: &Core,
    project_id: i64,
    declared: &DeployDecl,
) -> Result<EnvironmentSpec, ErrorInfo> {
    let environment = declared.name.as_str();
    let declared_environments = core.variables.list(project_id).await?.environments;
    let variables: Vec<(String, String)> =
        if declared_environments.iter().any(|name| name == environment) {
            core.variables
                .environment_values(project_id, environment)
                .await?
                .into_iter()
                .map(|(name, value)| (name, value.expose().to_owned()))
                .collect()
        } else {
            let text = core.configs.get(project_id).await?.text;
            quantum_config::parse(&text)
                .map(|config| config.variables.into_iter().collect())
                .unwrap_or_default()
        };
    let (datasources, given) =
        crate::deploy_datasources::resolve(core, project_id, declared).await?;
    // The environment's own values win over what its datasources give.
    let given: Vec<(String, String)> = given
        .into_iter()
        .filter(|(name, _)| !variables.iter().any(|(set, _)| set == name))
        .collect();
    let variables: Vec<(String, String)> = variables.into_iter().chain(given).collect();
    let mut spec = engine_spec(core, project_id, declared).await?;
    spec.datasources = datasources;
    if spec.push {
        let registry = quantum_deploy::registry_of(&spec.image);
        spec.registry_login = kept_login(core, &registry).await?;
    }
    for (name, value) in &variables {
        let secret = quantum_secrets::Secret::new(value.as_str());
        if let Ok(fingerprint) = core.variables.fingerprint(&secret) {
            spec.fingerprints.insert(name.clone(), fingerprint);
        }
    }
    spec.variables = variables;
    Ok(spec)
}

/// A path the file gives: `~/` is the home folder, a relative one is inside the project.
fn absolute_path(project_folder: Option<&str>, path: &str) -> String {
    // The home folder as the Docker CLI's settings are found (USERPROFILE on Windows).
    let home = quantum_docker::host::Environment::from_process().home;
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ if std::path::Path::new(path).is_absolute() => path.to_owned(),
        _ => match project_folder {
            Some(folder) => PathBuf::from(folder).join(path).display().to_string(),
            None => path.to_owned(),
        },
    }
}

/// The keychain entry holding the app's login to a registry: one per registry, shared by
/// projects.
fn login_entry(registry: &str) -> String {
    format!("registry-login:{registry}")
}

async fn kept_login(
    core: &Core,
    registry: &str,
) -> Result<Option<quantum_deploy::RegistryLogin>, ErrorInfo> {
    let secrets = std::sync::Arc::clone(&core.secrets);
    let account = login_entry(registry);
    let found = tokio::task::spawn_blocking(move || secrets.find(&account))
        .await
        .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))??;
    Ok(found.and_then(|secret| serde_json::from_str(secret.expose()).ok()))
}

/// The registry an environment pushes to, and who the app logs in to it as (none: the Docker
/// CLI's login is used).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RegistryLoginInfo {
    pub registry: String,
    pub username: Option<String>,
}

pub async fn registry_login(
    core: &Core,
    project_id: i64,
    environment: &str,
) -> Result<RegistryLoginInfo, ErrorInfo> {
    let registry =
        quantum_deploy::registry_of(&declared(core, project_id, environment).await?.image);
    let username = kept_login(core, &registry)
        .await?
        .map(|login| login.username);
    Ok(RegistryLoginInfo { registry, username })
}

/// Logs in to the environment's registry with `login` and, once it answers yes, keeps it in
/// the keychain: a wrong password is said now, and is not kept. `None` forgets the kept login.
pub async fn set_registry_login(
    core: &Core,
    project_id: i64,
    environment: &str,
    login: Option<quantum_deploy::RegistryLogin>,
) -> Result<RegistryLoginInfo, ErrorInfo> {
    let registry =
        quantum_deploy::registry_of(&declared(core, project_id, environment).await?.image);
    let account = login_entry(&registry);
    let secrets = std::sync::Arc::clone(&core.secrets);
    let username = match login {
        Some(login) => {
            if login.username.trim().is_empty() {
                return Err(quantum_kernel::Error::validation(
                    "deploy.invalid_login",
                    "username",
                    "Give the user name the registry knows you by.",
                )
                .into());
            }
            quantum_deploy::check_login(&registry, &login).await?;
            let kept = serde_json::to_string(&login)
                .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))?;
            tokio::task::spawn_blocking(move || {
                secrets.set(&account, &quantum_secrets::Secret::new(kept))
            })
            .await
            .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))??;
            Some(login.username)
        }
        None => {
            tokio::task::spawn_blocking(move || secrets.delete(&account))
                .await
                .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))??;
            None
        }
    };
    Ok(RegistryLoginInfo { registry, username })
}

/// The keychain entry holding an SSH key's passphrase: one per key file, shared by projects.
fn passphrase_entry(identity: &str) -> String {
    format!("ssh-passphrase:{identity}")
}

async fn ssh_passphrase(core: &Core, identity: &str) -> Result<Option<String>, ErrorInfo> {
    let secrets = std::sync::Arc::clone(&core.secrets);
    let account = passphrase_entry(identity);
    tokio::task::spawn_blocking(move || secrets.find(&account))
        .await
        .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))?
        .map(|found| found.map(|secret| secret.expose().to_owned()))
        .map_err(Into::into)
}

/// Keeps the passphrase of the environment's SSH key in the keychain, then logs in with it: a
/// wrong passphrase is said now, and is not kept.
pub async fn set_ssh_passphrase(
    core: &Core,
    project_id: i64,
    environment: &str,
    passphrase: String,
) -> Result<String, ErrorInfo> {
    let declared = declared(core, project_id, environment).await?;
    let mut spec = engine_spec(core, project_id, &declared).await?;
    let Some(identity) = spec.ssh_identity.clone() else {
        return Err(quantum_kernel::Error::validation(
            "deploy.no_identity",
            "passphrase",
            format!("[deploy.{environment}] names no `ssh_identity`: the SSH agent's keys need no passphrase here."),
        )
        .into());
    };
    spec.ssh_passphrase = Some(passphrase.clone());
    let endpoint = core.deploys.connect(&spec, None).await?;
    let secrets = std::sync::Arc::clone(&core.secrets);
    let account = passphrase_entry(&identity);
    tokio::task::spawn_blocking(move || {
        secrets.set(&account, &quantum_secrets::Secret::new(passphrase))
    })
    .await
    .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))??;
    Ok(endpoint)
}

/// Connects to the environment's Docker Engine and says which it is; with `trust`, an SSH host
/// key the user confirmed by its fingerprint is recorded first.
pub async fn connect(
    core: &Core,
    project_id: i64,
    environment: &str,
    trust: Option<String>,
) -> Result<String, ErrorInfo> {
    let declared = declared(core, project_id, environment).await?;
    let spec = engine_spec(core, project_id, &declared).await?;
    Ok(core.deploys.connect(&spec, trust.as_deref()).await?)
}

/// The Docker Engine a release runs on, connected with its environment's settings (its SSH key
/// and passphrase); refused when the environment has moved to another engine since.
pub async fn release_engine(
    core: &Core,
    release: &Release,
) -> Result<quantum_docker::Docker, ErrorInfo> {
    let declared = declared(core, release.project_id, &release.environment).await?;
    let spec = engine_spec(core, release.project_id, &declared).await?;
    if spec.target != release.target() {
        return Err(ErrorInfo::from(quantum_deploy::Error::TargetChanged {
            version: release.version.clone(),
            was: release.target().label(),
            now: spec.target.label(),
        }));
    }
    Ok(core.deploys.engine(&spec).await?)
}

/// The contexts of the user's kubeconfig, as `kubectl config get-contexts` lists them.
pub fn kube_contexts() -> Result<Vec<quantum_deploy::kubernetes::KubeContext>, ErrorInfo> {
    Ok(quantum_deploy::kubernetes::contexts(
        &quantum_deploy::kubernetes::Kubeconfigs::from_process(),
    )
    .map_err(quantum_deploy::Error::from)?)
}

/// The user's Docker contexts, as `docker context ls` lists them.
pub fn docker_contexts() -> Result<Vec<quantum_docker::host::DockerContext>, ErrorInfo> {
    Ok(quantum_docker::host::contexts(
        &quantum_docker::host::Environment::from_process(),
    )?)
}

fn actor() -> String {
    whoami::fallible::username().unwrap_or_else(|_| "unknown".to_owned())
}

/// Builds the project and releases it to `environment`, applying the pending migrations of the
/// datasources its `migrate` names first (after a snapshot; `keep` snapshots kept).
pub async fn deploy(
    core: &Core,
    project_id: i64,
    environment: &str,
    keep: u32,
    on_event: &(dyn Fn(DeployEvent) + Send + Sync),
) -> Result<Release, ErrorInfo> {
    let project = projects::get(&core.store, project_id).await?;
    let folder = PathBuf::from(project.folder.clone().ok_or_else(|| {
        ErrorInfo::from(quantum_kernel::Error::validation(
            "deploy.no_folder",
            "project",
            "This project has no folder, so there is nothing to build. Link its folder in the project's settings.",
        ))
    })?);
    let declared = declared(core, project_id, environment).await?;
    let spec = spec(core, project_id, &declared).await?;
    let datasources =
        crate::deploy_data::migrated_datasources(core, project_id, environment, &declared.migrate)
            .await?;
    let step = crate::deploy_data::MigrateStep {
        core,
        datasources,
        keep,
    };
    let actor = actor();
    Ok(core
        .deploys
        .deploy(
            DeployRequest {
                project_id,
                project_name: &project.name,
                project_dir: &folder,
                spec: &spec,
                actor: &actor,
                data: (!step.datasources.is_empty()).then_some(&step as &dyn DataStep),
            },
            on_event,
        )
        .await?)
}

/// How a rollback treats the data the releases it goes back past migrated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataChoice {
    /// The data stays as it is.
    Keep,
    /// Each datasource goes back to its snapshot from before those migrations (`keep`
    /// snapshots kept): what was written since is lost.
    Restore { keep: u32 },
}

/// Releases a kept release of the project again, and its data with it when asked.
pub async fn rollback(
    core: &Core,
    project_id: i64,
    release_id: i64,
    data: DataChoice,
    on_event: &(dyn Fn(DeployEvent) + Send + Sync),
) -> Result<Release, ErrorInfo> {
    let project = projects::get(&core.store, project_id).await?;
    let target = core
        .deploys
        .history(project_id, None)
        .await?
        .into_iter()
        .find(|release| release.id == release_id)
        .ok_or_else(|| ErrorInfo::from(quantum_deploy::Error::NotFound(release_id)))?;
    let declared = declared(core, project_id, &target.environment).await?;
    let spec = spec(core, project_id, &declared).await?;
    let step = match data {
        DataChoice::Keep => None,
        DataChoice::Restore { keep } => {
            let offers = crate::deploy_data::rollback_data(core, project_id, release_id).await?;
            let step = crate::deploy_data::RestoreStep { core, offers, keep };
            step.check()?;
            (!step.offers.is_empty()).then_some(step)
        }
    };
    let data = step.as_ref().map(|step| step as &dyn DataStep);
    Ok(core
        .deploys
        .rollback(&project.name, release_id, &spec, (&actor(), data), on_event)
        .await?)
}

/// A one-click rollback the tray offers: an environment's live release, and the last release
/// before it that is still kept.
#[derive(Clone, Debug, PartialEq)]
pub struct RollbackOffer {
    pub project_name: String,
    pub live: Release,
    pub target: Release,
}

/// For each environment serving now, its last kept release before the live one (on the same
/// engine), newest deploys first.
pub async fn rollback_offers(core: &Core) -> Result<Vec<RollbackOffer>, ErrorInfo> {
    let mut offers = Vec::new();
    for live in core.deploys.live_releases().await? {
        let history = core
            .deploys
            .history(live.project_id, Some(&live.environment))
            .await?;
        let target = history.into_iter().find(|release| {
            release.id != live.id
                && release.status == quantum_deploy::ReleaseStatus::Replaced
                && release.image_id.is_some()
                && release.target() == live.target()
        });
        let (Some(target), Ok(project)) =
            (target, projects::get(&core.store, live.project_id).await)
        else {
            continue;
        };
        offers.push(RollbackOffer {
            project_name: project.name,
            live,
            target,
        });
    }
    offers.sort_by_key(|offer| std::cmp::Reverse(offer.live.started_at));
    Ok(offers)
}
