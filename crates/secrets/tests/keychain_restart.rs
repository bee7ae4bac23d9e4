//! GNOME Keyring has gone away in the middle of a call (in CI, now and then). The call it dropped
//! is made again, to the keyring the session bus starts in its place, and nothing is lost.
//! Runs inside `scripts/with-test-session`, whose session bus starts the keyring unlocked.
#![cfg(target_os = "linux")]

use std::process::Command;
use std::time::{Duration, Instant};

use quantum_secrets::{Keychain, Secret};

/// The process that owns the Secret Service name on the session bus.
fn keyring_pid() -> u32 {
    let output = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .expect("dbus-send runs");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .skip_while(|word| *word != "uint32")
        .nth(1)
        .and_then(|pid| pid.parse().ok())
        .expect("a keyring owns the Secret Service name")
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &pid.to_string()])
        .status();
    assert!(
        status.is_ok_and(|status| status.success()),
        "kill -s {name} {pid}"
    );
}

/// Whether a request waits, unread, in the (stopped) keyring's bus connection: `ss` shows the
/// bytes queued for the process.
fn request_waits_for(pid: u32) -> bool {
    let output = Command::new("ss")
        .args(["-xpn"])
        .output()
        .expect("ss (iproute2) runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.contains(&format!("pid={pid},")))
        .any(|line| {
            line.split_whitespace()
                .nth(2)
                .and_then(|queued| queued.parse::<u64>().ok())
                .is_some_and(|queued| queued > 0)
        })
}

#[test]
fn a_call_the_keyring_dropped_by_going_away_is_made_again_and_nothing_is_lost() {
    let keychain = Keychain;
    keychain
        .set("restart-before", &Secret::new("kept"))
        .expect("set before");
    let pid = keyring_pid();
    // Stopped, the keyring holds the next call unanswered; killed then, it drops that call.
    signal(pid, "STOP");
    let writer = std::thread::spawn(move || keychain.set("restart-during", &Secret::new("made")));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !request_waits_for(pid) {
        if Instant::now() > deadline {
            signal(pid, "CONT");
            panic!("the call never reached the stopped keyring");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(pid, "KILL");
    writer
        .join()
        .expect("the writer ends")
        .expect("the dropped call is made again and succeeds");
    assert_ne!(keyring_pid(), pid, "a new keyring answers");
    let keychain = Keychain;
    assert_eq!(
        keychain.get("restart-during").expect("read back").expose(),
        "made"
    );
    assert_eq!(
        keychain
            .get("restart-before")
            .expect("kept before")
            .expose(),
        "kept"
    );
}
