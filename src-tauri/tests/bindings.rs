//! `ui/src/bindings.ts` is generated from the commands and committed; this fails when it is stale.

use std::path::PathBuf;

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
}

#[test]
fn committed_bindings_match_the_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh = dir.path().join("bindings.ts");
    quantum_admin_lib::export_bindings(&fresh).expect("bindings export");
    let fresh = std::fs::read_to_string(fresh).expect("fresh bindings");
    let committed = std::fs::read_to_string(committed()).unwrap_or_default();
    assert!(
        fresh == committed,
        "ui/src/bindings.ts is stale: run `npm run bindings` and commit the result"
    );
}

/// Regenerates the bindings: `npm run bindings`.
#[test]
#[ignore = "writes ui/src/bindings.ts; run through `npm run bindings`"]
fn write_bindings() {
    quantum_admin_lib::export_bindings(&committed()).expect("bindings export");
}
