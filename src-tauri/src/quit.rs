//! Quitting from the tray, the palette or Ctrl+Q. With nothing under way the app exits at once.
//! While datasource operations run (a creation, a start, a snapshot's hold) it waits for them to
//! end, at most [`QUIT_WAIT`], so that they finish rather than leave work for the next start's
//! reconciliation. Quitting again while it waits exits at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;
use crate::tray;

/// How long a quit waits for running operations; past it, the next start settles them.
const QUIT_WAIT: Duration = Duration::from_secs(60);

/// Quits the app it was made for: the commands' handle, which cannot name the runtime.
pub struct Quitter {
    quit: Box<dyn Fn() -> bool + Send + Sync>,
    /// Set once a quit waits, so that a second one does not.
    waiting: AtomicBool,
}

impl Quitter {
    pub fn new<R: Runtime>(app: &AppHandle<R>) -> Self {
        let app = app.clone();
        Self {
            quit: Box::new(move || quit(&app)),
            waiting: AtomicBool::new(false),
        }
    }

    /// Quits now, or once the running operations end; returns whether it waits.
    pub fn quit(&self) -> bool {
        (self.quit)()
    }
}

/// Quits now, or once the running operations end; returns whether it waits.
pub fn quit<R: Runtime>(app: &AppHandle<R>) -> bool {
    let already_waiting = app
        .try_state::<Quitter>()
        .is_some_and(|quitter| quitter.waiting.swap(true, Ordering::SeqCst));
    let datasources = std::sync::Arc::clone(&app.state::<AppState>().datasources);
    if already_waiting || !datasources.busy() {
        app.exit(0);
        return false;
    }
    tracing::info!("quitting once the running datasource operations end");
    tray::show_quitting(app);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if tokio::time::timeout(QUIT_WAIT, datasources.idle())
            .await
            .is_err()
        {
            tracing::warn!("operations still ran after {QUIT_WAIT:?}; quitting anyway");
        }
        app.exit(0);
    });
    true
}
