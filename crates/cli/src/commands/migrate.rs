//! `quantum migrate status|up|down DATASOURCE`: the same runs as the Migrations section, each
//! after a snapshot of the data, recorded in the activity log.

use std::path::Path;

use quantum_core::{migrate, read_settings, Core};
use quantum_kernel::ErrorInfo;
use quantum_migrations::{Direction, MigrationState};

use crate::exit;
use crate::output::Output;
use crate::resolve;
use crate::MigrateAction;

pub async fn migrate(
    core: &Core,
    data_dir: &Path,
    action: MigrateAction,
    output: &Output,
) -> Result<u8, ErrorInfo> {
    let (given, direction, to) = match action {
        MigrateAction::Status { datasource } => {
            let datasource = resolve::datasource(&core.datasources, &datasource).await?;
            let migrations = migrate::status(core, datasource.id).await?;
            if output.json() {
                output.document(&migrations);
            } else {
                print_status(&datasource.name, &migrations, output);
            }
            return Ok(exit::OK);
        }
        MigrateAction::Up { datasource, to } => (datasource, Direction::Apply, to),
        MigrateAction::Down { datasource, to } => (datasource, Direction::Rollback, to),
    };
    let datasource = resolve::datasource(&core.datasources, &given).await?;
    let keep = read_settings(data_dir).snapshots_kept;
    let run = migrate::run(core, datasource.id, direction, to, keep).await?;
    if output.json() {
        output.document(&run);
        return Ok(exit::OK);
    }
    let done = match direction {
        Direction::Apply => "Applied",
        Direction::Rollback => "Rolled back",
    };
    if run.versions.is_empty() {
        println!("{}: nothing to do.", datasource.name);
    } else {
        let versions: Vec<String> = run.versions.iter().map(i64::to_string).collect();
        println!("{done} on {}: {}", datasource.name, versions.join(", "));
    }
    if let Some(taken) = &run.snapshot {
        println!(
            "The data as it was before is in the snapshot of {}.",
            taken.snapshot.created_at
        );
    }
    Ok(exit::OK)
}

fn print_status(name: &str, migrations: &quantum_migrations::Migrations, output: &Output) {
    println!(
        "{name}: {}{}",
        migrations.folder,
        if migrations.exists {
            ""
        } else {
            " (no folder yet)"
        }
    );
    if migrations.migrations.is_empty() {
        println!("  no migrations");
        return;
    }
    let mut rows = vec![vec![
        "VERSION".to_owned(),
        "NAME".to_owned(),
        "STATE".to_owned(),
        "APPLIED AT".to_owned(),
    ]];
    rows.extend(migrations.migrations.iter().map(|m| {
        vec![
            m.version.to_string(),
            m.name.clone(),
            state_word(m.state).to_owned(),
            m.applied_at.clone().unwrap_or_default(),
        ]
    }));
    output.table("  ", &rows);
}

fn state_word(state: MigrationState) -> &'static str {
    match state {
        MigrationState::Applied => "applied",
        MigrationState::Pending => "pending",
        MigrationState::Changed => "changed since applied",
        MigrationState::Missing => "file missing",
        MigrationState::Failed => "failed half-way",
    }
}
