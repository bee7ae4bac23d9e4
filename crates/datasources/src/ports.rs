//! Host ports: which are free, who holds one that is not, and the next free one from a start.

use std::collections::HashMap;
use std::net::TcpListener;

use crate::Result;
use quantum_docker::Docker;
use quantum_docker::Error as DockerError;
use quantum_resources::Processes;

/// Everything that may claim a host port besides a listening process.
pub struct Claims {
    /// Ports the app has promised, by who in the user's words: a datasource's, a deploy
    /// environment's (`publish` in its project's quantum.toml, deployed or not yet).
    pub reserved: HashMap<u16, String>,
    /// Ports published by containers, running or stopped, by container name.
    pub containers: HashMap<u16, String>,
}

impl Claims {
    pub async fn gather(docker: &Docker, reserved: HashMap<u16, String>) -> Result<Self> {
        let containers = docker
            .published_ports()
            .await?
            .into_iter()
            .map(|p| (p.port, p.container_name))
            .collect();
        Ok(Self {
            reserved,
            containers,
        })
    }

    /// Who holds `port`, or `None` when it is free to publish.
    pub fn holder(&self, port: u16) -> Option<String> {
        if let Some(who) = self.reserved.get(&port) {
            return Some(who.clone());
        }
        if let Some(name) = self.containers.get(&port) {
            return Some(format!("the container “{name}”"));
        }
        if bound_on_host(port) {
            return Some(
                process_listening_on(port)
                    .map(|p| format!("the process {p}"))
                    .unwrap_or_else(|| "another program".to_owned()),
            );
        }
        None
    }

    /// Who holds `port` right now so that the datasource whose container is `own` (stopped, its
    /// binding still configured) cannot start on it: a listener on the host, named as a container
    /// publishing it or as its process. A stopped container that would publish it does not count.
    pub fn start_conflict(&self, port: u16, own: &str) -> Option<String> {
        if !bound_on_host(port) {
            return None;
        }
        if let Some(name) = self.containers.get(&port).filter(|name| *name != own) {
            return Some(format!("the container “{name}”"));
        }
        Some(
            process_listening_on(port)
                .map(|p| format!("the process {p}"))
                .unwrap_or_else(|| "another program".to_owned()),
        )
    }

    /// The first port from `start` up that nobody holds.
    pub fn next_free(&self, start: u16) -> Result<u16> {
        (start..=u16::MAX)
            .find(|&port| self.holder(port).is_none())
            .ok_or(
                DockerError::PortTaken {
                    port: start,
                    holder: Some("every port above it".to_owned()),
                }
                .into(),
            )
    }

    /// Checks a port the user chose.
    pub fn check(&self, port: u16) -> Result<()> {
        match self.holder(port) {
            None => Ok(()),
            holder => Err(DockerError::PortTaken { port, holder }.into()),
        }
    }
}

/// Docker publishes on 127.0.0.1, so that is the address to try: trying to bind is the only
/// check that agrees with what the OS will do, and a listener there or on every address (on
/// Linux) refuses it. Never the wildcard: binding 0.0.0.0 raises the firewall prompt on macOS and
/// Windows, and refuses ports held on other addresses only, which Docker can still publish.
pub(crate) fn bound_on_host(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_err()
}

/// The process listening on `port`, named by the resource manager (which reads the OS's socket
/// table on Linux, macOS and Windows alike).
fn process_listening_on(port: u16) -> Option<String> {
    quantum_resources::ports::process_listening_on(port, &Processes::new()).map(|p| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_claims() -> Claims {
        Claims {
            reserved: HashMap::new(),
            containers: HashMap::new(),
        }
    }

    #[test]
    fn a_port_held_by_a_listener_is_skipped_and_its_holder_named() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("listener");
        let port = listener.local_addr().expect("addr").port();
        let claims = no_claims();
        let holder = claims.holder(port).expect("held");
        assert!(
            holder.contains(&format!("pid {}", std::process::id())),
            "{holder}"
        );
        assert_ne!(claims.next_free(port).expect("a free port"), port);
        assert!(matches!(
            claims.check(port),
            Err(crate::Error::Docker(DockerError::PortTaken { .. }))
        ));
    }

    /// What tells a 127.0.0.1 probe from a wildcard one: a port held on another local address
    /// only (127.0.0.2 here; a LAN address alike) refuses a 0.0.0.0 bind on Linux, yet Docker
    /// publishes on 127.0.0.1:port without conflict, so the port is free.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_port_held_on_another_address_only_is_free_to_publish_on_loopback() {
        let elsewhere = TcpListener::bind(("127.0.0.2", 0)).expect("listener on 127.0.0.2");
        let port = elsewhere.local_addr().expect("addr").port();
        assert_eq!(no_claims().holder(port), None);
        // And a listener on 127.0.0.1 itself, or on every address, still holds it.
        drop(elsewhere);
        for address in ["127.0.0.1", "0.0.0.0"] {
            let Ok(held) = TcpListener::bind((address, port)) else {
                continue; // Taken meanwhile by someone else: nothing to learn from this address.
            };
            assert!(no_claims().holder(port).is_some(), "held on {address}");
            drop(held);
        }
    }

    #[test]
    fn reserved_and_published_ports_are_skipped() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("listener");
        let free = listener.local_addr().expect("addr").port();
        drop(listener);
        let claims = Claims {
            reserved: HashMap::from([(free, "the datasource “shop-postgres-1”".to_owned())]),
            containers: HashMap::from([(free.wrapping_add(1), "redis".to_owned())]),
        };
        let error = claims.check(free).expect_err("reserved");
        assert!(error.to_string().contains("shop-postgres-1"), "{error}");
        assert!(claims.next_free(free).expect("free") > free.wrapping_add(1));
    }
}
