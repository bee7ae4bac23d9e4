//! `quantum compose export`: the project's databases as `compose.yaml`, as the app exports them.

use quantum_core::{compose, Core};
use quantum_kernel::ErrorInfo;

use crate::exit;
use crate::output::Output;
use crate::resolve;
use crate::ComposeAction;

pub async fn compose(core: &Core, action: ComposeAction, output: &Output) -> Result<u8, ErrorInfo> {
    let ComposeAction::Export { project, write } = action;
    let project = resolve::project(&core.store, project.as_deref()).await?;
    let preview = compose::export_preview(core, project.id).await?;
    // The command line shows nothing to confirm: what it writes is what it just read.
    let written = if write {
        Some(compose::export_write(core, project.id, &preview, false).await?)
    } else {
        None
    };
    if output.json() {
        output.document(&serde_json::json!({ "preview": preview, "written": write }));
    } else if let Some(written) = written {
        println!(
            "Wrote {} and the passwords it reads into {}.",
            written.compose.path, written.env.path
        );
    } else {
        print!("{}", preview.compose.proposed);
    }
    Ok(exit::OK)
}
