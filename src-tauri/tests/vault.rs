//! The vault's key derivation (PBKDF2, 600,000 iterations) keeps the app answering: while as many
//! unlocks as the async runtime has workers derive their keys, other commands still complete.
//! Derived on the async workers instead, every worker would be busy and the window's other calls
//! would wait for the derivations to end.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

#[test]
fn other_commands_answer_while_the_vault_derives_its_key() {
    // Its own test binary: the environment variable is read once, when the app sets up.
    std::env::set_var("QUANTUM_SECRET_STORE", "vault");
    let dir = tempfile::tempdir().expect("temp dir");
    let app = common::start(dir.path());
    let key = json!({ "key": { "passphrase": "correct horse battery staple" } });
    let created = app.ok("vault_create", key.clone());
    assert_eq!(created["vaultUnlocked"], true);

    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let running = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let unlocks: Vec<_> = (0..workers)
        .map(|_| {
            let (window, key) = (app.window.clone(), key.clone());
            let (running, finished) = (Arc::clone(&running), Arc::clone(&finished));
            std::thread::spawn(move || {
                running.fetch_add(1, Ordering::SeqCst);
                let unlocked = common::invoke(&window, "vault_unlock", key).expect("unlocked");
                finished.fetch_add(1, Ordering::SeqCst);
                unlocked
            })
        })
        .collect();

    let deadline = Instant::now() + Duration::from_secs(10);
    while running.load(Ordering::SeqCst) < workers {
        assert!(Instant::now() < deadline, "the unlocks did not start");
        std::thread::yield_now();
    }
    // Answers that arrived while every unlock was still deriving.
    let mut answered_meanwhile = 0;
    while finished.load(Ordering::SeqCst) == 0 {
        app.ok("project_list", json!({}));
        if finished.load(Ordering::SeqCst) == 0 {
            answered_meanwhile += 1;
        }
    }
    for unlock in unlocks {
        assert_eq!(unlock.join().expect("unlock thread")["vaultUnlocked"], true);
    }
    assert!(
        answered_meanwhile >= 10,
        "only {answered_meanwhile} commands answered during {workers} key derivations"
    );
}
