//! How fast the editor's markers and completions come back for a large quantum.toml. Prints
//! figures; asserts nothing. Run with `cargo bench -p quantum-config --bench config_editing`.

use std::time::{Duration, Instant};

use quantum_config as config;

const RUNS: usize = 25;

/// A file with `datasources` datasources and `environments` environments of 20 variables each,
/// with a typo at the end, as while typing.
fn large_file(datasources: usize, environments: usize) -> String {
    let mut text = String::from(
        "# A large stack.\n[project]\nname = \"big\"\n\n[variables]\nLOG_FORMAT = \"json\"\n\n",
    );
    for i in 0..datasources {
        text.push_str(&format!(
            "[datasources.db-{i}]\nengine = \"postgres\"\nversion = \"16-alpine\"\nport = {}\ndatabase = \"db_{i}\"\n\n",
            20_000 + i
        ));
    }
    for e in 0..environments {
        text.push_str(&format!("[environments.env-{e}]\nvariables = {{ "));
        let vars: Vec<String> = (0..20)
            .map(|v| format!("VAR_{v} = \"value {v}\""))
            .collect();
        text.push_str(&vars.join(", "));
        text.push_str(" }\nsecrets = [\"API_TOKEN\", \"DB_PASSWORD\"]\n\n");
    }
    text.push_str("[datasources.last]\nengnie = \"postgres\"\n");
    text
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(label: &str, mut f: impl FnMut()) {
    let samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    let max = samples.iter().max().copied().unwrap_or_default();
    println!(
        "{label}: median {:.2} ms, max {:.2} ms",
        median(samples).as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0
    );
}

fn main() {
    let known = vec!["API_TOKEN".to_owned()];
    for (datasources, environments) in [(10, 5), (200, 50)] {
        let text = large_file(datasources, environments);
        let lines = text.lines().count();
        println!("-- {lines} lines, {} bytes", text.len());
        measure("  validate (markers)", || {
            let diagnostics = config::validate(&text, &known);
            assert!(!diagnostics.is_empty());
        });
        let last_line = u32::try_from(lines).expect("lines");
        measure("  completions at the end", || {
            let _ = config::completions(&text, last_line, 3);
        });
        measure("  format", || {
            let _ = config::format(&text);
        });
    }
}
