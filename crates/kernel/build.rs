// `sqlx::migrate!` embeds the migrations at compile time, but on stable Rust the compiler is not
// told about new files in the folder: without this a new migration would not be picked up by a
// build that reuses the kernel's previous output.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
