//! One module per group of commands; each returns the exit code, or the error to print.

mod compose;
mod env;
mod migrate;
mod scan;
mod stack;
mod status;
mod templates;
mod test;

use std::path::PathBuf;

use quantum_core::feed::{self, Teller};
use quantum_core::Core;
use quantum_kernel::{ErrorInfo, Store};

use crate::output::Output;
use crate::Command;

pub async fn run(command: Command, output: &Output) -> Result<u8, ErrorInfo> {
    let data_dir = data_dir()?;
    match command {
        Command::Projects => status::projects(&Store::open_in(&data_dir).await?, output).await,
        Command::Status { project, all } => {
            status::status(&data_dir, project.as_deref(), all, output).await
        }
        Command::Scan { project } => {
            scan::scan(
                &Store::open_in(&data_dir).await?,
                project.as_deref(),
                output,
            )
            .await
        }
        Command::Logs {
            datasource,
            follow,
            tail,
        } => {
            let opened = Opened::new(&data_dir).await?;
            let code = stack::logs(&opened.core, &datasource, follow, tail, output).await;
            opened.finish(code).await
        }
        Command::Up { project, only } => {
            let opened = Opened::new(&data_dir).await?;
            let code = stack::up(&opened.core, project.as_deref(), &only, output).await;
            opened.finish(code).await
        }
        Command::Down { project, only } => {
            let opened = Opened::new(&data_dir).await?;
            let code = stack::down(&opened.core, project.as_deref(), &only, output).await;
            opened.finish(code).await
        }
        Command::Env {
            project,
            environment,
            write,
        } => {
            let opened = Opened::new(&data_dir).await?;
            let code = env::env(&opened.core, project.as_deref(), environment, write, output).await;
            opened.finish(code).await
        }
        Command::Compose { action } => {
            let opened = Opened::new(&data_dir).await?;
            let code = compose::compose(&opened.core, action, output).await;
            opened.finish(code).await
        }
        Command::Migrate { action } => {
            let opened = Opened::new(&data_dir).await?;
            let code = migrate::migrate(&opened.core, &data_dir, action, output).await;
            opened.finish(code).await
        }
        Command::Test {
            project,
            suites,
            failed,
            environment,
            start,
        } => {
            let opened = Opened::new(&data_dir).await?;
            let options = test::Options {
                suites,
                failed,
                environment,
                start,
            };
            let code =
                test::test(&opened.core, &data_dir, project.as_deref(), options, output).await;
            opened.finish(code).await
        }
        Command::Templates => {
            let store = Store::open_in(&data_dir).await?;
            templates::list(&quantum_templates::Templates::new(store), output).await
        }
        Command::New {
            template,
            folder,
            name,
            set,
            force,
            dry_run,
            no_datasources,
        } => {
            let opened = Opened::new(&data_dir).await?;
            let request = templates::Request {
                template,
                folder,
                name,
                set,
                force,
                dry_run,
                create_datasources: !no_datasources,
            };
            let code = templates::new(&opened.core, request, output).await;
            opened.finish(code).await
        }
        Command::Completions { .. } => Ok(crate::exit::OK),
    }
}

fn data_dir() -> Result<PathBuf, ErrorInfo> {
    quantum_core::data_dir().ok_or_else(|| {
        ErrorInfo::new(
            "cli.no_data_dir",
            "This system names no data folder for the app: set QUANTUM_DATA_DIR.",
        )
    })
}

/// The whole core, telling the running app what it does until the command ends.
struct Opened {
    core: Core,
    teller: Teller,
}

impl Opened {
    async fn new(data_dir: &std::path::Path) -> Result<Self, ErrorInfo> {
        let settings = quantum_core::read_settings(data_dir);
        let core = Core::open(data_dir, &settings).await?;
        let teller = feed::tell(&core, data_dir);
        Ok(Self { core, teller })
    }

    async fn finish(self, result: Result<u8, ErrorInfo>) -> Result<u8, ErrorInfo> {
        self.teller.finish().await;
        self.core.store.close().await;
        result
    }
}
