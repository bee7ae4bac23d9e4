//! Where no keychain answers, the app says so and keeps secrets only in the encrypted vault. The
//! check runs in a child process whose session bus address leads nowhere, as on a Linux machine
//! without a desktop session. Linux only: elsewhere the keychain needs no session bus.
#![cfg(target_os = "linux")]

use quantum_secrets::Error;
use quantum_secrets::{Secret, SecretStore, SecretStoreKind, VaultKey};

#[test]
fn without_a_keychain_the_store_says_so_and_uses_only_the_encrypted_vault() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "in_a_session_without_keychain",
            "--ignored",
            "--nocapture",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/quantum-admin-test-bus",
        )
        .env("QUANTUM_TEST_DATA_DIR", dir.path())
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the child test ran: {text}");
}

/// Run by the test above, in a child process without a keychain.
#[test]
#[ignore = "run by without_a_keychain_the_store_says_so_and_uses_only_the_encrypted_vault"]
fn in_a_session_without_keychain() {
    let dir = std::path::PathBuf::from(
        std::env::var("QUANTUM_TEST_DATA_DIR").expect("run by the parent test"),
    );
    let store = SecretStore::open(&dir);
    let status = store.status();
    assert_eq!(status.kind, SecretStoreKind::Unavailable);
    assert!(
        status.message.contains("No system keychain"),
        "{}",
        status.message
    );
    assert!(matches!(
        store.set("account", &Secret::new("value-never-in-clear")),
        Err(Error::SecretStoreUnavailable)
    ));

    let key = VaultKey::Passphrase("a passphrase of some length".into());
    let status = store.create_vault(&key).expect("vault");
    assert_eq!(status.kind, SecretStoreKind::Vault);
    store
        .set("account", &Secret::new("value-never-in-clear"))
        .expect("set in the vault");
    for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
        let bytes = std::fs::read(entry.path()).expect("read");
        assert!(
            !bytes.windows(20).any(|w| w == b"value-never-in-clear"),
            "{} holds the value in clear",
            entry.path().display()
        );
    }
    let restarted = SecretStore::open(&dir);
    assert!(matches!(restarted.find("account"), Err(Error::VaultLocked)));
    assert!(matches!(
        restarted.unlock_vault(&VaultKey::Passphrase("the wrong passphrase".into())),
        Err(Error::VaultWrongKey)
    ));
    restarted.unlock_vault(&key).expect("unlock");
    assert_eq!(
        restarted
            .find("account")
            .expect("find")
            .map(|s| s.expose().to_owned()),
        Some("value-never-in-clear".to_owned())
    );
}
