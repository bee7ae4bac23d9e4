//! The bare window showing the app's own UI (`ui/dist`, with the app's security settings) and
//! no core: no plugins, no commands, no state, so its pages say they could not load. Measured
//! beside the app and the bare window, it tells what running the UI's JavaScript in WebKit costs
//! apart from what the core adds.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!("app-ui/tauri.conf.json"))
        .expect("the bare window with the app's UI could not start");
}
