//! One window showing a static page and nothing else: no plugins, no commands, no state.
//! `scripts/bench` measures its idle memory beside the app's, in the same run.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the bare window could not start");
}
