//! The resource manager's port scan with 1,000 listening sockets (held by four processes of 250
//! each), beside `ss -ltnp` listing the same (target: the scan ≤ 100 ms). Run by `scripts/bench`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use quantum_resources::ports::{attribute, sockets};
use quantum_resources::Processes;

const HOLDERS: usize = 4;
const PER_HOLDER: usize = 250;
const RUNS: usize = 10;

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

struct Holder(Child);

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn holder() -> Holder {
    let script = format!(
        "import socket, time\n\
         held = []\n\
         for _ in range({PER_HOLDER}):\n    \
             s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); held.append(s)\n\
         print('ready', flush=True)\n\
         time.sleep(600)"
    );
    let mut child = Command::new("python3")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ready");
    Holder(child)
}

fn main() {
    let _holders: Vec<Holder> = (0..HOLDERS).map(|_| holder()).collect();
    let processes = Processes::new();
    let mut listed = 0;
    let scans: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let ports = attribute(sockets().expect("sockets"), &[], &processes);
            listed = ports.len();
            started.elapsed()
        })
        .collect();
    let ss: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new("ss")
                .arg("-ltnp")
                .stdout(Stdio::null())
                .status()
                .expect("ss runs");
            assert!(status.success());
            started.elapsed()
        })
        .collect();
    println!(
        "{listed} ports listed ({} held here), median of {RUNS} runs (target: the scan ≤ 100 ms)",
        HOLDERS * PER_HOLDER
    );
    println!(
        "quantum port scan (holders named) {:>8.1} ms",
        median(scans)
    );
    println!("ss -ltnp                          {:>8.1} ms", median(ss));
}
