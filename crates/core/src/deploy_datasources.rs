//! A Docker environment's own datasources (`datasources` in `[deploy.<name>]`): each set up as the
//! project declares it (engine, version or image, database), with a password of its own that the
//! keychain keeps, and the variables the environment's releases reach them by (`DATABASE_URL`,
//! `<NAME>_URL`, the engine's own) — the same names the project's `.env` gives locally.

use quantum_config::DeployDecl;
use quantum_datasources::connection::{self, Credentials};
use quantum_deploy::{DatasourceState, EnvironmentDatasource};
use quantum_kernel::audit::{self, AuditAction, NewAuditEntry, ResourceType};
use quantum_kernel::{Engine, ErrorInfo};
use quantum_secrets::Secret;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::deploy::{declared, engine_spec};
use crate::Core;

/// A datasource of the project an environment can run on its engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceChoice {
    pub name: String,
    pub engine: Engine,
    pub image: String,
    /// The environment's `datasources` lists it.
    pub listed: bool,
}

/// The project's datasources (those its file declares, then those the app made), and which the
/// environment runs.
pub async fn choices(
    core: &Core,
    project_id: i64,
    environment: &str,
) -> Result<Vec<DatasourceChoice>, ErrorInfo> {
    let declared = declared(core, project_id, environment).await?;
    let known = Known::load(core, project_id).await?;
    let names = known
        .file
        .iter()
        .map(|decl| &decl.name)
        .chain(known.made.iter().map(|made| &made.name));
    let mut choices: Vec<DatasourceChoice> = Vec::new();
    for name in names {
        if choices.iter().any(|choice| choice.name == *name) {
            continue;
        }
        let (engine, image, _) = known.setup(core, environment, name)?;
        choices.push(DatasourceChoice {
            listed: declared.datasources.contains(name),
            name: name.clone(),
            engine,
            image,
        });
    }
    Ok(choices)
}

/// The environment's datasources as its engine has them (connecting to it).
pub async fn states(
    core: &Core,
    project_id: i64,
    environment: &str,
) -> Result<Vec<DatasourceState>, ErrorInfo> {
    let declared = declared(core, project_id, environment).await?;
    let spec = engine_spec(core, project_id, &declared).await?;
    Ok(core
        .deploys
        .datasource_states(project_id, &spec, &declared.datasources)
        .await?)
}

/// The containers of an environment's own datasources that its engine has, as sources of the
/// project's log: (source name, container).
pub(crate) async fn log_sources(
    core: &Core,
    release: &quantum_deploy::Release,
    docker: &quantum_docker::Docker,
) -> Vec<(String, String)> {
    let Ok(declared) = declared(core, release.project_id, &release.environment).await else {
        return Vec::new();
    };
    let names = quantum_deploy::Names::new(
        core.store.identity(),
        release.project_id,
        &release.environment,
    );
    let mut sources = Vec::new();
    for name in &declared.datasources {
        let container = names.datasource(name);
        if let Ok(Some(_)) = docker.inspect(&container).await {
            sources.push((format!("{name} of {}", release.environment), container));
        }
    }
    sources
}

/// Removes the environment's datasource `name` from its engine, and with `with_data` its data
/// volume and the password it was set up with (the next one starts anew); audited. Its states
/// after.
pub async fn remove(
    core: &Core,
    project_id: i64,
    environment: &str,
    name: &str,
    with_data: bool,
) -> Result<Vec<DatasourceState>, ErrorInfo> {
    let declared = declared(core, project_id, environment).await?;
    let spec = engine_spec(core, project_id, &declared).await?;
    core.deploys
        .remove_datasource(project_id, &spec, name, with_data)
        .await?;
    if with_data {
        let secrets = std::sync::Arc::clone(&core.secrets);
        let account = password_entry(project_id, environment, name);
        tokio::task::spawn_blocking(move || secrets.delete(&account))
            .await
            .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))??;
    }
    let mut tx = core.store.begin_write().await?;
    audit::record(
        &mut tx,
        NewAuditEntry {
            action: AuditAction::DatasourceRemove,
            resource_type: ResourceType::Project,
            resource_id: project_id,
            resource_name: &format!("{name} of deploy environment {environment}"),
            project_id: Some(project_id),
            details: serde_json::json!({ "environment": environment, "datasource": name, "dataDeleted": with_data }),
        },
    )
    .await?;
    tx.commit().await.map_err(quantum_kernel::Error::from)?;
    Ok(core
        .deploys
        .datasource_states(project_id, &spec, &declared.datasources)
        .await?)
}

/// Makes the environment's datasources run now, as its next deploy would, telling `on_line`
/// what it does (pulls, creation, readiness); their states after.
pub async fn start(
    core: &Core,
    project_id: i64,
    environment: &str,
    on_line: &(dyn Fn(&str) + Send + Sync),
) -> Result<Vec<DatasourceState>, ErrorInfo> {
    let declared = declared(core, project_id, environment).await?;
    let mut spec = engine_spec(core, project_id, &declared).await?;
    spec.datasources = resolve(core, project_id, &declared).await?.0;
    core.deploys
        .start_datasources(project_id, &spec, |line| {
            tracing::info!(environment, "{line}");
            on_line(line);
        })
        .await?;
    Ok(core
        .deploys
        .datasource_states(project_id, &spec, &declared.datasources)
        .await?)
}

/// The user the app sets each server up with (MySQL's images refuse `root` as the extra user).
const USERNAME: &str = "app";
const PASSWORD_LENGTH: usize = 32;

/// The environment's datasources as its engine runs them, and the variables they give its
/// releases.
pub(crate) async fn resolve(
    core: &Core,
    project_id: i64,
    declared: &DeployDecl,
) -> Result<(Vec<EnvironmentDatasource>, Vec<(String, String)>), ErrorInfo> {
    let known = Known::load(core, project_id).await?;
    let mut resolved = Vec::new();
    for name in &declared.datasources {
        let (engine, image, database) = known.setup(core, &declared.name, name)?;
        let password = password(core, project_id, &declared.name, name).await?;
        resolved.push((name.clone(), engine, image, database, password));
    }
    // Where two give one name, SQL engines first, then the order listed.
    resolved.sort_by_key(|(_, engine, ..)| !is_sql(*engine));
    let mut datasources = Vec::new();
    let mut variables: Vec<(String, String)> = Vec::new();
    for (name, engine, image, database, password) in resolved {
        let username = if engine.has_database_and_user() {
            USERNAME
        } else {
            ""
        };
        let credentials = Credentials {
            database: &database,
            username,
            password: &password,
        };
        let port = engine.default_port();
        variables.push((
            format!("{}_URL", connection::env_name(&name)),
            connection::url_at(engine, &name, port, &credentials),
        ));
        for (variable, value) in connection::env_vars_at(engine, &name, port, &credentials) {
            if !variables.iter().any(|(taken, _)| *taken == variable) {
                variables.push((variable, value));
            }
        }
        let password_fingerprint = core.variables.fingerprint(&password)?;
        datasources.push(EnvironmentDatasource {
            password_fingerprint,
            engine: engine.label().to_owned(),
            image,
            env: connection::container_env(engine, &credentials),
            cmd: connection::container_cmd(engine),
            files: connection::container_files(engine, &credentials),
            data_path: engine.data_path().to_owned(),
            port,
            ready: connection::ready_command(engine),
            name,
        });
    }
    // Listed order: the log says them as the file does.
    datasources.sort_by_key(|datasource| {
        declared
            .datasources
            .iter()
            .position(|name| *name == datasource.name)
    });
    Ok((datasources, variables))
}

fn is_sql(engine: Engine) -> bool {
    matches!(engine, Engine::Postgres | Engine::Mysql | Engine::Mariadb)
}

/// The project's datasources an environment can run: its file's declarations, and the ones the
/// app made (read once for all the names asked about).
struct Known {
    file: Vec<quantum_config::DatasourceDecl>,
    made: Vec<quantum_datasources::Datasource>,
}

impl Known {
    async fn load(core: &Core, project_id: i64) -> Result<Self, ErrorInfo> {
        Ok(Self {
            file: core.configs.file_datasources(project_id).await?,
            made: core.datasources.list(Some(project_id)).await?,
        })
    }

    /// Engine, image and database of the datasource `name`: its `[datasources.<name>]` table,
    /// else the one the app made by that name.
    fn setup(
        &self,
        core: &Core,
        environment: &str,
        name: &str,
    ) -> Result<(Engine, String, String), ErrorInfo> {
        if let Some(decl) = self.file.iter().find(|decl| decl.name == name) {
            let default = core.datasources.default_image(decl.engine);
            let image = decl.named_image(&default).unwrap_or(default);
            let database = decl.database.clone().unwrap_or_else(|| database_name(name));
            return Ok((decl.engine, image, database));
        }
        match self.made.iter().find(|made| made.name == name) {
            Some(made) => {
                let database = if made.database_name.is_empty() {
                    database_name(name)
                } else {
                    made.database_name.clone()
                };
                Ok((made.engine, made.image.clone(), database))
            }
            None => Err(quantum_kernel::Error::validation(
                "deploy.unknown_datasource",
                "datasources",
                format!("[deploy.{environment}] runs datasource `{name}`, which this project does not declare. Add [datasources.{name}] to quantum.toml, or take it out of `datasources`."),
            )
            .into()),
        }
    }
}

/// A database named after the datasource: `main-db` → `main_db`.
fn database_name(name: &str) -> String {
    name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// The keychain entry of an environment datasource's password: the server is set up with it on
/// its first start, so it is made once and kept.
fn password_entry(project_id: i64, environment: &str, name: &str) -> String {
    format!("environment-datasource:{project_id}:{environment}:{name}")
}

async fn password(
    core: &Core,
    project_id: i64,
    environment: &str,
    name: &str,
) -> Result<Secret, ErrorInfo> {
    let secrets = std::sync::Arc::clone(&core.secrets);
    let account = password_entry(project_id, environment, name);
    tokio::task::spawn_blocking(move || {
        if let Some(kept) = secrets.find(&account)? {
            return Ok(kept);
        }
        let password = Secret::generate_password(PASSWORD_LENGTH)?;
        secrets.set(&account, &password)?;
        Ok::<_, quantum_secrets::Error>(password)
    })
    .await
    .map_err(|error| ErrorInfo::new("secrets.failed", error.to_string()))?
    .map_err(Into::into)
}
