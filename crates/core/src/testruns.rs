//! A project's test suites (found in its folder, declared in quantum.toml) and what a run gets
//! from the rest of the stack: the ready datasources' variables with their passwords, and the
//! chosen environment's variables and secrets. Nothing of it is written to disk.

use std::path::{Path, PathBuf};

use quantum_config::TestSuiteDecl;
use quantum_datasources::connection::{self, Credentials};
use quantum_datasources::{Datasource, DatasourceStatus};
use quantum_kernel::{projects, Engine, ErrorInfo};
use quantum_secrets::Secret;
use quantum_testruns::{
    default_format, detect, runner_of, ReportFormat, RunContext, RunOrigin, Suite, SuiteSource,
    TestRuns,
};

use crate::Core;

/// Found suites, then declared ones: a declared suite replaces the found one of its name.
pub async fn suites(core: &Core, project_id: i64, folder: &Path) -> Result<Vec<Suite>, ErrorInfo> {
    let mut suites = detect(folder, TestRuns::nextest_installed().await);
    for declared in core.configs.test_suites(project_id).await? {
        let suite = from_declaration(declared);
        match suites.iter_mut().find(|s| s.name == suite.name) {
            Some(found) => *found = suite,
            None => suites.push(suite),
        }
    }
    Ok(suites)
}

fn from_declaration(declared: TestSuiteDecl) -> Suite {
    let runner = runner_of(&declared.command);
    Suite {
        name: declared.name,
        runner,
        format: declared
            .format
            .as_deref()
            .and_then(ReportFormat::parse)
            .unwrap_or_else(|| default_format(runner)),
        command: declared.command,
        working_dir: declared.dir.unwrap_or_default(),
        env: declared.env,
        report_path: declared.report,
        timeout_secs: declared.timeout,
        source: SuiteSource::Config,
        hint: None,
    }
}

/// What a run of the project's tests needs: its folder, suites and variables. With
/// `start_datasources`, its stopped datasources are started first.
pub async fn run_context(
    core: &Core,
    project_id: i64,
    environment: Option<&str>,
    start_datasources: bool,
    keep: u32,
    origin: RunOrigin,
) -> Result<RunContext, ErrorInfo> {
    let project = projects::get(&core.store, project_id).await?;
    let folder = PathBuf::from(
        project
            .folder
            .ok_or_else(|| ErrorInfo::from(quantum_testruns::Error::NoFolder))?,
    );
    if start_datasources {
        for datasource in core.datasources.list(Some(project_id)).await? {
            if matches!(datasource.status, DatasourceStatus::Stopped) {
                core.datasources.start(datasource.id).await?;
            }
        }
    }
    let mut env = datasource_env(core, project_id).await?;
    if let Some(environment) = environment {
        env.extend(
            core.variables
                .environment_values(project_id, environment)
                .await?,
        );
    }
    Ok(RunContext {
        suites: suites(core, project_id, &folder).await?,
        folder,
        env,
        keep,
        origin,
        output_lines: None,
    })
}

/// The variables the `.env` export gives each ready datasource (`DATABASE_URL`, `PGHOST`, …),
/// passwords from the keychain. Where two datasources give one name, SQL engines come first,
/// then the order they were made; every datasource also gets `<NAME>_URL` of its own.
pub async fn datasource_env(
    core: &Core,
    project_id: i64,
) -> Result<Vec<(String, Secret)>, ErrorInfo> {
    let mut datasources: Vec<Datasource> = core
        .datasources
        .list(Some(project_id))
        .await?
        .into_iter()
        .filter(|d| d.status == DatasourceStatus::Ready)
        .collect();
    datasources.sort_by_key(|d| {
        (
            !matches!(d.engine, Engine::Postgres | Engine::Mysql | Engine::Mariadb),
            d.id,
        )
    });
    let mut env: Vec<(String, Secret)> = Vec::new();
    for datasource in datasources {
        let (datasource, password) = core.datasources.connection_details(datasource.id).await?;
        let credentials = Credentials {
            database: &datasource.database_name,
            username: &datasource.username,
            password: &password,
        };
        let own = format!("{}_URL", connection::env_name(&datasource.name));
        let url = connection::url(datasource.engine, datasource.host_port, &credentials);
        env.push((own, Secret::new(url)));
        for (name, value) in
            connection::env_vars(datasource.engine, datasource.host_port, &credentials)
        {
            if !env.iter().any(|(taken, _)| *taken == name) {
                env.push((name, Secret::new(value)));
            }
        }
    }
    Ok(env)
}
