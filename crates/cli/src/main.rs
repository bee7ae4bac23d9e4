//! `quantum`: the app's command line. It opens the same data dir, SQLite file and keychain as the
//! app, safely while the app runs (WAL, a busy timeout, one operation at a time per datasource
//! across both), and tells the running app what it did through the change feed.

mod commands;
mod exit;
mod output;
mod resolve;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::Shell;

use crate::output::Output;

const AFTER_HELP: &str = "\
Exit codes: 0 done; 1 failed (a test or migration failed, an operation went wrong); 2 wrong usage;
3 not found; 4 input refused (the message says what to fix); 5 Docker cannot be reached;
6 secrets cannot be read (keychain unavailable or vault locked); 130 interrupted (Ctrl+C).
The data dir is the app's (QUANTUM_DATA_DIR overrides it).";

#[derive(Parser)]
#[command(name = "quantum", version, about = "Quantum Admin from a terminal: the local stack of each of your projects.", after_help = AFTER_HELP)]
struct Cli {
    /// Print JSON for scripts instead of text (errors too, on stderr, as {"error":{code,message,field}}).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the projects.
    Projects,
    /// Show a project's datasources and their state (every project's without PROJECT and outside one's folder).
    Status {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
        /// Every project, even inside one's folder.
        #[arg(long, conflicts_with = "project")]
        all: bool,
    },
    /// What the project's folder holds: languages, package managers, frameworks, test commands,
    /// Dockerfiles, compose files, migration folders, .env files, git.
    Scan {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
    },
    /// Start a project's datasources and wait until they answer.
    Up {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
        /// Only these datasources (by name).
        #[arg(long = "only", value_name = "DATASOURCE")]
        only: Vec<String>,
    },
    /// Stop a project's datasources (their data stays).
    Down {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
        #[arg(long = "only", value_name = "DATASOURCE")]
        only: Vec<String>,
    },
    /// Print a datasource's log.
    Logs {
        /// The datasource's name or id.
        datasource: String,
        /// Keep printing new lines until interrupted.
        #[arg(short, long)]
        follow: bool,
        /// Only the last N lines.
        #[arg(long, value_name = "N")]
        tail: Option<u32>,
    },
    /// Show the project's .env as the app would write it from an environment (secrets masked), or write it.
    Env {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
        /// The environment; may be left out when the project has only one.
        #[arg(short, long)]
        environment: Option<String>,
        /// Write the project folder's .env (secrets included, the file readable by you only).
        #[arg(long)]
        write: bool,
    },
    /// The project's databases as a compose file.
    Compose {
        #[command(subcommand)]
        action: ComposeAction,
    },
    /// A datasource's migrations: status, up, down.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Run the project's tests, with its datasources' variables; exit 1 when a test fails.
    Test {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
        /// Only these suites.
        #[arg(long = "suite", value_name = "SUITE")]
        suites: Vec<String>,
        /// Only the tests that failed in the last run.
        #[arg(long)]
        failed: bool,
        /// Add this environment's variables and secrets.
        #[arg(short, long)]
        environment: Option<String>,
        /// Start the project's stopped datasources first.
        #[arg(long)]
        start: bool,
    },
    /// List the templates a new project can start from: the built-ins and your template folders.
    Templates,
    /// Make a new project from a template: its files, the project, and its databases.
    New {
        /// A built-in template's id (`quantum templates`), or a template folder's path.
        template: String,
        /// The folder to write (created when missing); by default ./<the name, as a slug>.
        folder: Option<String>,
        /// The project's name; by default the folder's name.
        #[arg(long)]
        name: Option<String>,
        /// An option of the template, e.g. --set engine=mariadb --set port=8080.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Write into a folder that already holds files (files of the same names are replaced).
        #[arg(long)]
        force: bool,
        /// Only list the files it would write.
        #[arg(long)]
        dry_run: bool,
        /// Do not create the databases its quantum.toml declares.
        #[arg(long)]
        no_datasources: bool,
    },
    /// Print a shell completion script: bash, zsh, fish or powershell.
    Completions { shell: Shell },
}

#[derive(Subcommand)]
enum ComposeAction {
    /// Print compose.yaml as the export would write it, or write it (--write) with the passwords
    /// it reads added to the folder's .env.
    Export {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
        #[arg(long)]
        write: bool,
    },
    /// Show what importing a compose project would make datasources of (its database services),
    /// or import them (--apply), their passwords into the keychain and their data kept.
    Import {
        /// A project's name or id; by default the project whose folder you are in.
        project: Option<String>,
        /// The compose files in order (one file: its override file is read too); by default the
        /// project folder's compose file.
        #[arg(short = 'f', long = "file", value_name = "FILE")]
        files: Vec<String>,
        /// Switch on a profile's services.
        #[arg(long = "profile", value_name = "PROFILE")]
        profiles: Vec<String>,
        /// Only these services (by default every database service).
        #[arg(long = "service", value_name = "SERVICE")]
        services: Vec<String>,
        /// Replace the passwords written in the compose files with variables read from .env.
        #[arg(long)]
        replace_passwords: bool,
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Every migration and whether it is applied.
    Status { datasource: String },
    /// Apply the pending migrations (up to --to), after a snapshot of the data.
    Up {
        datasource: String,
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
    },
    /// Roll back the newest applied migration (or all above --to), after a snapshot of the data.
    Down {
        datasource: String,
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let output = Output::new(cli.json);
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "quantum",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            output.error(&quantum_kernel::ErrorInfo::new(
                "io.failed",
                format!("No async runtime: {error}"),
            ));
            return ExitCode::from(exit::FAILED);
        }
    };
    match runtime.block_on(commands::run(cli.command, &output)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            output.error(&error);
            ExitCode::from(exit::code_of(&error))
        }
    }
}

/// Warnings and errors of the core go to stderr; `QUANTUM_LOG=debug` shows more.
fn init_logging() {
    let level = std::env::var("QUANTUM_LOG")
        .ok()
        .and_then(|level| level.parse().ok())
        .unwrap_or(tracing::Level::ERROR);
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .without_time()
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
