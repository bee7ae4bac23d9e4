//! Every listening port on the machine and who holds it: the process (netstat2 reads the sockets
//! with their TCP state and owning pids: netlink on Linux as `ss` does, the OS's tables on macOS
//! and Windows), or the container that publishes it. Docker's own listener (`docker-proxy` on
//! Linux, the VM's forwarder on macOS and Windows) is resolved to the container it serves.

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use netstat2::{AddressFamilyFlags, ProtocolFlags, ProtocolSocketInfo, TcpState};
use quantum_docker::ContainerEntry;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::processes::{ProcessRef, Processes};
use crate::{Error, Result};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    fn docker_word(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
        }
    }
}

/// Who holds a port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Holder {
    Process {
        process: ProcessRef,
    },
    /// A container publishes it; `via` is the process that listens for it on the host, if any.
    #[serde(rename_all = "camelCase")]
    Container {
        id: String,
        name: String,
        image: String,
        via: Option<ProcessRef>,
    },
    /// The OS does not say whose it is: another user's process, seen without the rights to
    /// read its file descriptors.
    Unknown,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Process { process } => write!(f, "the process {process}"),
            Self::Container { name, .. } => write!(f, "the container “{name}”"),
            Self::Unknown => write!(f, "another user's program"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ListeningPort {
    pub protocol: Protocol,
    /// The local address: `0.0.0.0` and `::` mean every address.
    pub address: String,
    pub port: u16,
    pub holder: Holder,
}

/// A listening socket as the OS reports it, before its holder is named.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Socket {
    pub protocol: Protocol,
    pub address: IpAddr,
    pub port: u16,
    pub pids: Vec<u32>,
}

/// Listening TCP sockets and bound UDP ones. Blocking: call it off the async workers.
pub fn sockets() -> Result<Vec<Socket>> {
    let families = AddressFamilyFlags::IPV4 | AddressFamilyFlags::IPV6;
    let protocols = ProtocolFlags::TCP | ProtocolFlags::UDP;
    let infos = netstat2::get_sockets_info(families, protocols)
        .map_err(|error| Error::Sockets(error.to_string()))?;
    let mut seen = HashSet::new();
    Ok(infos
        .into_iter()
        .filter_map(|info| {
            let (protocol, address, port) = match info.protocol_socket_info {
                ProtocolSocketInfo::Tcp(tcp) if tcp.state == TcpState::Listen => {
                    (Protocol::Tcp, tcp.local_addr, tcp.local_port)
                }
                ProtocolSocketInfo::Tcp(_) => return None,
                ProtocolSocketInfo::Udp(udp) => (Protocol::Udp, udp.local_addr, udp.local_port),
            };
            // SO_REUSEPORT lists one socket per worker: one row per address is enough.
            seen.insert((protocol, address, port)).then_some(Socket {
                protocol,
                address,
                port,
                pids: info.associated_pids,
            })
        })
        .collect())
}

/// Names the holder of every socket, and adds the ports containers publish without a listener
/// on the host (Docker without its userland proxy forwards in the kernel).
pub fn attribute(
    sockets: Vec<Socket>,
    containers: &[ContainerEntry],
    processes: &Processes,
) -> Vec<ListeningPort> {
    let pids: Vec<u32> = sockets
        .iter()
        .flat_map(|socket| socket.pids.iter().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let described: BTreeMap<u32, ProcessRef> = processes
        .describe(&pids)
        .into_iter()
        .map(|process| (process.pid, process))
        .collect();
    let publisher = |protocol: Protocol, port: u16| {
        containers.iter().filter(|c| c.running()).find(|c| {
            c.ports
                .iter()
                .any(|p| p.host_port == port && p.protocol == protocol.docker_word())
        })
    };
    let mut seen_published = HashSet::new();
    let mut ports: Vec<ListeningPort> = sockets
        .into_iter()
        .map(|socket| {
            let process = socket
                .pids
                .iter()
                .find_map(|pid| described.get(pid))
                .cloned();
            let holder = match (publisher(socket.protocol, socket.port), process) {
                (Some(container), via) => {
                    seen_published.insert((socket.protocol, socket.port));
                    Holder::Container {
                        id: container.id.clone(),
                        name: container.name.clone(),
                        image: container.image.clone(),
                        via,
                    }
                }
                (None, Some(process)) => Holder::Process { process },
                (None, None) => Holder::Unknown,
            };
            ListeningPort {
                protocol: socket.protocol,
                address: socket.address.to_string(),
                port: socket.port,
                holder,
            }
        })
        .collect();
    for container in containers.iter().filter(|c| c.running()) {
        for mapping in &container.ports {
            let protocol = match mapping.protocol.as_str() {
                "tcp" => Protocol::Tcp,
                "udp" => Protocol::Udp,
                _ => continue,
            };
            if seen_published.insert((protocol, mapping.host_port)) {
                ports.push(ListeningPort {
                    protocol,
                    address: mapping.host_ip.clone(),
                    port: mapping.host_port,
                    holder: Holder::Container {
                        id: container.id.clone(),
                        name: container.name.clone(),
                        image: container.image.clone(),
                        via: None,
                    },
                });
            }
        }
    }
    ports.sort_by(|a, b| (a.port, a.protocol, &a.address).cmp(&(b.port, b.protocol, &b.address)));
    ports
}

/// The process listening on TCP `port`, where the OS tells (blocking): what a port conflict
/// names when no container or datasource claims the port.
pub fn process_listening_on(port: u16, processes: &Processes) -> Option<ProcessRef> {
    let socket = sockets()
        .ok()?
        .into_iter()
        .find(|s| s.protocol == Protocol::Tcp && s.port == port)?;
    processes.describe(&socket.pids).into_iter().next()
}
