//! What sealing and opening an encrypted bundle costs: almost all of it is the key derivation.
//! Prints figures; asserts nothing. Run with `cargo bench -p quantum-bundle --bench bundle_crypto`.

use std::time::{Duration, Instant};

use quantum_secrets::Secret;

const RUNS: usize = 10;

fn measure(label: &str, mut f: impl FnMut()) {
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    samples.sort();
    println!(
        "{label}: median {:.2} ms, max {:.2} ms",
        samples[samples.len() / 2].as_secs_f64() * 1000.0,
        samples[samples.len() - 1].as_secs_f64() * 1000.0
    );
}

fn main() {
    let passphrase = Secret::new("a passphrase for the benchmark");
    let payload = vec![b'x'; 64 * 1024];
    measure("bundle seal (PBKDF2 600,000 + AES-256-GCM, 64 KiB)", || {
        let _ = quantum_bundle::seal(&payload, &passphrase).expect("seal");
    });
    let sealed = quantum_bundle::seal(&payload, &passphrase).expect("seal");
    measure("bundle open", || {
        let _ = quantum_bundle::open(&sealed, &passphrase).expect("open");
    });
}
