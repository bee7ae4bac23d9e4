//! A secret longer than Windows' Credential Manager takes (1,280 UTF-16 units per entry) is kept in
//! parts on every platform: checked here on the real Secret Service, entry by entry, as stored.
//! Runs inside `scripts/with-test-session` (a private D-Bus session with GNOME Keyring).
#![cfg(target_os = "linux")]

use std::sync::Mutex;

use quantum_secrets::{Keychain, Secret, KEYCHAIN_SERVICE, PART_UTF16_UNITS};

/// `secret-tool search` fails as a whole when an entry goes while it lists them: these tests, which
/// delete entries, take turns.
static KEYCHAIN: Mutex<()> = Mutex::new(());

/// Every entry of the app whose account is `account` or one of its parts, as (account, value):
/// listed through Secret Service's `secret-tool`, each value read back through the keychain API.
fn stored_entries(account: &str) -> Vec<(String, String)> {
    let output = std::process::Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", KEYCHAIN_SERVICE])
        .output()
        .expect("secret-tool (libsecret-tools) is needed by this test");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("attribute.username = "))
        .filter(|user| *user == account || user.starts_with(&format!("{account}#")))
        .map(str::to_owned)
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let value = keyring::Entry::new(KEYCHAIN_SERVICE, &name)
                .and_then(|entry| entry.get_password())
                .expect("a listed entry reads back");
            (name, value)
        })
        .collect()
}

fn unique_account(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    format!("test-parts-{label}-{nanos}")
}

#[test]
fn a_long_secret_is_kept_in_parts_windows_accepts_and_reads_back_whole() {
    let _turn = KEYCHAIN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let keychain = Keychain;
    let account = unique_account("long");
    // A PEM-sized value with characters that take two UTF-16 units.
    let long = format!(
        "-----BEGIN KEY-----\n{}\n-----END KEY-----",
        "é🔑Ab3".repeat(900)
    );
    keychain
        .set(&account, &Secret::new(long.clone()))
        .expect("set");

    let entries = stored_entries(&account);
    assert!(entries.len() > 2, "kept in parts: {entries:?}");
    for (name, value) in &entries {
        assert!(
            value.encode_utf16().count() <= 1_280
                && value.encode_utf16().count() <= PART_UTF16_UNITS,
            "{name} holds {} UTF-16 units",
            value.encode_utf16().count()
        );
    }
    assert_eq!(keychain.get(&account).expect("get").expose(), long);

    // A shorter value replaces it, and the old parts go.
    keychain
        .set(&account, &Secret::new("short"))
        .expect("set short");
    assert_eq!(
        stored_entries(&account),
        vec![(account.clone(), "short".to_owned())]
    );
    assert_eq!(keychain.get(&account).expect("get").expose(), "short");

    keychain
        .set(&account, &Secret::new(long.clone()))
        .expect("set long again");
    keychain.delete(&account).expect("delete");
    assert_eq!(stored_entries(&account), vec![]);
    assert!(keychain.find(&account).expect("find").is_none());
}

#[test]
fn a_missing_part_is_an_error_not_a_shorter_secret() {
    let _turn = KEYCHAIN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let keychain = Keychain;
    let account = unique_account("damaged");
    keychain
        .set(&account, &Secret::new("x".repeat(3_000)))
        .expect("set");
    let (part, _) = stored_entries(&account)
        .into_iter()
        .find(|(name, _)| name.ends_with(".2"))
        .expect("a second part");
    keyring::Entry::new(KEYCHAIN_SERVICE, &part)
        .and_then(|entry| entry.delete_credential())
        .expect("remove a part");
    let error = keychain.find(&account).expect_err("incomplete");
    assert!(error.to_string().contains("Set it again"), "{error}");
    keychain.delete(&account).expect("delete");
}

#[test]
fn a_secret_over_64_kib_is_refused_with_what_to_do() {
    let _turn = KEYCHAIN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let error = Keychain
        .set(&unique_account("huge"), &Secret::new("x".repeat(65 * 1024)))
        .expect_err("too large");
    assert_eq!(quantum_kernel::Coded::code(&error), "secrets.too_large");
    assert!(error.to_string().contains("64 KiB"), "{error}");
}
