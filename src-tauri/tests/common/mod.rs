//! The app on tauri's mock runtime, driven through real IPC as the UI drives it.

use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Context, WebviewWindow, WebviewWindowBuilder};

/// The data dir is read from the environment while the app sets up; set-ups take turns.
static BUILDING: Mutex<()> = Mutex::new(());

pub struct TestApp {
    #[allow(
        dead_code,
        reason = "keeps the app alive; not every test binary reads it"
    )]
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

/// The app on `data_dir` with the mock runtime's default configuration.
#[allow(
    dead_code,
    reason = "each test binary compiles this module; not all use every helper"
)]
pub fn start(data_dir: &Path) -> TestApp {
    start_with(data_dir, mock_context(noop_assets()))
}

/// The app on `data_dir` with `context` (a test may change its configuration first).
pub fn start_with(data_dir: &Path, context: Context<MockRuntime>) -> TestApp {
    let app = {
        let _turn = BUILDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::env::set_var("QUANTUM_DATA_DIR", data_dir);
        let mut app = quantum_admin_lib::configure(mock_builder())
            .build(context)
            .expect("app builds");
        quantum_admin_lib::setup(&mut app, false).expect("app sets up");
        app
    };
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    TestApp { app, window }
}

impl TestApp {
    /// Invokes a command as the UI does; `Err` holds the error value the UI would receive.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke(&self.window, cmd, args)
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|error| panic!("{cmd} failed: {error}"))
    }
}

/// Invokes a command through `window` (which, unlike the app, other threads may hold).
pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json response"))
}
