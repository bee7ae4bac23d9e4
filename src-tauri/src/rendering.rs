//! WebKitGTK's accelerated compositing on a Linux machine without a GPU (a VM, a remote desktop, a
//! CI runner) goes through Mesa's software GL, which costs far more than painting without it:
//! measured here, the Tests page drew 16–18 frames a second while 10,000 results streamed with
//! compositing on and 86–89 with it off (`scripts/tests-bench.mjs`), and the 500-table schema
//! diagram took gigabytes (`scripts/erd-bench.mjs`). So without a GPU render node the app turns
//! compositing off before GTK starts, unless the user has chosen: `WEBKIT_DISABLE_COMPOSITING_MODE`
//! set either way is left alone, and `QUANTUM_COMPOSITING=on` keeps compositing on.

use std::path::Path;

/// What the app did about compositing, for the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compositing {
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` was set by the user: WebKitGTK does as it says.
    UserChose,
    /// `QUANTUM_COMPOSITING=on`: kept on without a GPU.
    KeptOn,
    /// A GPU render node is there: WebKitGTK's default.
    Hardware,
    /// No GPU render node: turned off.
    TurnedOff,
}

/// The choice, from what the environment says and whether a render node exists.
fn decide(user_set: bool, keep_on: bool, render_node: bool) -> Compositing {
    match (user_set, keep_on, render_node) {
        (true, _, _) => Compositing::UserChose,
        (false, true, _) => Compositing::KeptOn,
        (false, false, true) => Compositing::Hardware,
        (false, false, false) => Compositing::TurnedOff,
    }
}

/// Whether `dri` (`/dev/dri`) holds a render node (`renderD128`…), which hardware GL needs.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Decides and, when compositing goes off, sets the variable WebKitGTK reads. Call it first in
/// `main`, before any thread starts: the environment is not for changing once threads read it.
#[cfg(target_os = "linux")]
pub fn configure() -> Compositing {
    let choice = decide(
        std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some(),
        std::env::var("QUANTUM_COMPOSITING").is_ok_and(|value| value == "on"),
        has_render_node(Path::new("/dev/dri")),
    );
    if choice == Compositing::TurnedOff {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    choice
}

#[cfg(not(target_os = "linux"))]
pub fn configure() -> Compositing {
    Compositing::Hardware
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_goes_off_only_without_a_render_node_and_without_a_choice() {
        assert_eq!(decide(false, false, false), Compositing::TurnedOff);
        assert_eq!(decide(false, false, true), Compositing::Hardware);
        assert_eq!(decide(false, true, false), Compositing::KeptOn);
        assert_eq!(decide(true, false, false), Compositing::UserChose);
        assert_eq!(decide(true, true, true), Compositing::UserChose);
    }

    #[test]
    fn a_render_node_is_found_among_the_dri_devices() {
        let dri = tempfile::tempdir().expect("dir");
        assert!(!has_render_node(dri.path()), "empty");
        std::fs::write(dri.path().join("card0"), "").expect("card");
        assert!(
            !has_render_node(dri.path()),
            "a card alone is no render node"
        );
        std::fs::write(dri.path().join("renderD128"), "").expect("node");
        assert!(has_render_node(dri.path()));
        assert!(!has_render_node(&dri.path().join("missing")));
    }
}
