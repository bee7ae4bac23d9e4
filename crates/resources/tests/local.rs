//! Ports and processes on this machine, without Docker: a real listener is named by its process,
//! and a process picked from the list is ended (and a reused pid is not).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use quantum_resources::ports::{attribute, process_listening_on, sockets};
use quantum_resources::{Error, Holder, Processes, Protocol};

/// A child process, killed when dropped even if the test fails.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Python listening on a free TCP port of 127.0.0.1, which it prints.
fn python_listener() -> (Spawned, u16) {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import socket, sys, time\n\
             s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n\
             print(s.getsockname()[1], flush=True)\n\
             time.sleep(600)",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the port is printed");
    let port = line.trim().parse().expect("a port number");
    (Spawned(child), port)
}

#[test]
fn a_process_listening_on_a_port_is_named_with_its_pid_user_and_command() {
    let (listener, port) = python_listener();
    let processes = Processes::new();
    let ports = attribute(sockets().expect("sockets are read"), &[], &processes);
    let row = ports
        .iter()
        .find(|p| p.port == port && p.protocol == Protocol::Tcp)
        .unwrap_or_else(|| panic!("port {port} is listed among {} ports", ports.len()));
    assert_eq!(row.address, "127.0.0.1");
    let Holder::Process { process } = &row.holder else {
        panic!("held by a process: {:?}", row.holder);
    };
    assert_eq!(process.pid, listener.0.id());
    assert!(process.name.starts_with("python3"), "{process:?}");
    assert!(process.command.contains("socket.socket()"), "{process:?}");
    assert!(process.user.is_some(), "{process:?}");

    // What a datasource's port conflict names.
    let named = process_listening_on(port, &processes).expect("named");
    assert_eq!(named.pid, listener.0.id());
    assert!(
        named
            .to_string()
            .starts_with(&format!("python3 (pid {}", named.pid)),
        "{named}"
    );
    drop(listener);
    assert!(
        !sockets()
            .expect("sockets are read")
            .iter()
            .any(|s| s.port == port && s.protocol == Protocol::Tcp),
        "the port is free once its process ends"
    );
}

#[test]
fn a_process_from_the_list_is_ended_and_a_reused_pid_is_refused() {
    let child = Spawned(
        Command::new("sleep")
            .arg("600")
            .spawn()
            .expect("sleep runs"),
    );
    let pid = child.0.id();
    let processes = Processes::new();
    let listed = processes.list();
    let entry = listed
        .iter()
        .find(|p| p.pid == pid)
        .expect("the child is listed");
    assert_eq!(entry.command, "sleep 600");
    assert!(!entry.own);
    assert!(listed.iter().any(|p| p.own), "the app itself is marked");

    // Same pid, another start time: another process, which is not ended.
    let error = processes
        .end(pid, entry.started_at + 1, false)
        .expect_err("not that process");
    assert!(matches!(error, Error::ProcessGone { .. }), "{error:?}");

    let outcome = processes.end(pid, entry.started_at, false).expect("ended");
    assert!(outcome.ended, "{outcome:?}");
    assert_eq!(outcome.name, "sleep");

    let own = std::process::id();
    assert!(matches!(
        processes.end(own, 0, true),
        Err(Error::OwnProcess)
    ));
}
