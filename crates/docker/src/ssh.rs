//! Docker over SSH without the `ssh` binary: a pure-Rust client (russh) opens, for each HTTP
//! connection, a `direct-streamlocal` channel to the remote daemon's socket, as `ssh -L` would.
//! The CLI's way (`ssh host docker system dial-stdio`) needs OpenSSH and a Docker CLI on both
//! ends; this needs only sshd and the daemon on the server, and works the same on Windows.
//!
//! The host key is checked against `known_hosts` (a changed key is refused, an unknown one is
//! shown to the user, who may trust its fingerprint); keys come from the SSH agent or key files,
//! a passphrase from the caller (the keychain): nothing of it is stored here.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Duration;

use bollard::BollardRequest;
use hyper_util::rt::TokioIo;
use russh::client::{self, Handle};
use russh::keys::{HashAlg, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};

use crate::{Error, Result};

/// Where a remote daemon is: `ssh://[user@]host[:port][/socket]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshAddress {
    pub user: String,
    pub host: String,
    pub port: u16,
    /// The daemon's socket on the server.
    pub socket: String,
}

/// The socket a remote daemon listens on unless the address names another (rootless Docker's
/// is `/run/user/<uid>/docker.sock`).
pub const REMOTE_SOCKET: &str = "/var/run/docker.sock";

impl SshAddress {
    pub fn parse(url: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::SshAddress {
            address: url.to_owned(),
            reason: reason.to_owned(),
        };
        let rest = url
            .strip_prefix("ssh://")
            .ok_or_else(|| invalid("it must start with ssh://"))?;
        let (authority, socket) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        let (user, host_port) = match authority.rsplit_once('@') {
            Some((user, host_port)) => (user.to_owned(), host_port),
            None => (local_user(), authority),
        };
        // `[v6]:port` or `[v6]`, else `host:port` or `host`.
        let (host, port) = match host_port.strip_prefix('[') {
            Some(bracketed) => {
                let (host, after) = bracketed
                    .split_once(']')
                    .ok_or_else(|| invalid("the IPv6 address lacks its closing ]"))?;
                (host, after.strip_prefix(':'))
            }
            None => match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            },
        };
        let port = match port {
            None => 22,
            Some(port) => port
                .parse::<u16>()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| invalid("the port must be a number from 1 to 65535"))?,
        };
        if host.is_empty() {
            return Err(invalid("it names no host"));
        }
        if user.is_empty() {
            return Err(invalid("the user before @ is empty"));
        }
        let socket = if socket.is_empty() || socket == "/" {
            REMOTE_SOCKET.to_owned()
        } else {
            socket.to_owned()
        };
        Ok(Self {
            user,
            host: host.to_owned(),
            port,
            socket,
        })
    }
}

impl std::fmt::Display for SshAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ssh://{}@{}", self.user, self.host)?;
        if self.port != 22 {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

/// The user SSH logs in as when the address names none, as `ssh` does.
fn local_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "root".to_owned())
}

/// How to log in and which host keys to trust.
#[derive(Clone, Debug, Default)]
pub struct SshOptions {
    /// A private key file to try first; then the agent's keys, then `~/.ssh/id_ed25519`,
    /// `id_ecdsa` and `id_rsa`.
    pub identity: Option<PathBuf>,
    /// The passphrase of an encrypted key file.
    pub passphrase: Option<String>,
    /// `~/.ssh/known_hosts` unless given.
    pub known_hosts: Option<PathBuf>,
    /// A host key not yet known whose SHA-256 fingerprint the user confirmed: it is recorded in
    /// `known_hosts` and trusted.
    pub trust_fingerprint: Option<String>,
    /// The user's home folder, where `.ssh` is.
    pub home: Option<PathBuf>,
}

impl SshOptions {
    fn ssh_dir(&self) -> Option<PathBuf> {
        self.home.as_ref().map(|home| home.join(".ssh"))
    }

    fn known_hosts(&self) -> Option<PathBuf> {
        self.known_hosts
            .clone()
            .or_else(|| self.ssh_dir().map(|dir| dir.join("known_hosts")))
    }
}

/// Checks the server's key, and keeps why it refused for the error the user sees.
struct HostCheck {
    host: String,
    port: u16,
    known_hosts: Option<PathBuf>,
    trust: Option<String>,
    refusal: Arc<SyncMutex<Option<Error>>>,
}

impl HostCheck {
    fn judge(&self, key: &PublicKey) -> Result<bool> {
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        let Some(file) = &self.known_hosts else {
            return Err(Error::SshHostUnknown {
                host: self.host.clone(),
                fingerprint,
            });
        };
        match russh::keys::check_known_hosts_path(&self.host, self.port, key, file) {
            Ok(true) => Ok(true),
            Ok(false) if self.trust.as_deref() == Some(fingerprint.as_str()) => {
                russh::keys::known_hosts::learn_known_hosts_path(&self.host, self.port, key, file)
                    .map_err(|error| Error::SshConnect {
                        address: self.host.clone(),
                        reason: format!("{} could not be written: {error}", file.display()),
                    })?;
                Ok(true)
            }
            Ok(false) => Err(Error::SshHostUnknown {
                host: self.host.clone(),
                fingerprint,
            }),
            Err(russh::keys::Error::KeyChanged { line }) => Err(Error::SshHostChanged {
                host: self.host.clone(),
                file: format!("{}:{line}", file.display()),
            }),
            Err(error) => Err(Error::SshConnect {
                address: self.host.clone(),
                reason: format!("{} could not be read: {error}", file.display()),
            }),
        }
    }
}

impl client::Handler for HostCheck {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> std::result::Result<bool, Self::Error> {
        let key = match key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            PublicKeyOrCertificate::Certificate(certificate) => {
                PublicKey::new(certificate.public_key().clone(), "")
            }
        };
        match self.judge(&key) {
            Ok(trusted) => Ok(trusted),
            Err(error) => {
                *lock(&self.refusal) = Some(error);
                Ok(false)
            }
        }
    }
}

fn lock<T>(mutex: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A TCP connect, key exchange or login that has not finished by then has failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// Connects and logs in.
async fn open(address: &SshAddress, options: &SshOptions) -> Result<Handle<HostCheck>> {
    let connect_error = |reason: String| Error::SshConnect {
        address: address.to_string(),
        reason,
    };
    let refusal = Arc::new(SyncMutex::new(None));
    let check = HostCheck {
        host: address.host.clone(),
        port: address.port,
        known_hosts: options.known_hosts(),
        trust: options.trust_fingerprint.clone(),
        refusal: Arc::clone(&refusal),
    };
    let config = Arc::new(client::Config {
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        ..client::Config::default()
    });
    let connecting = client::connect(config, (address.host.as_str(), address.port), check);
    let mut handle = match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
        Err(_) => return Err(connect_error("no answer within 20 s".to_owned())),
        Ok(Err(error)) => {
            return Err(lock(&refusal)
                .take()
                .unwrap_or_else(|| connect_error(error.to_string())))
        }
        Ok(Ok(handle)) => handle,
    };
    let tried = tokio::time::timeout(CONNECT_TIMEOUT, log_in(&mut handle, address, options))
        .await
        .map_err(|_| connect_error("the login did not finish within 20 s".to_owned()))??;
    match tried {
        None => Ok(handle),
        Some(tried) => Err(Error::SshAuth {
            address: address.to_string(),
            tried: if tried.is_empty() {
                "no key was found (no agent, no ~/.ssh/id_* file)".to_owned()
            } else {
                format!("tried {}", tried.join(", "))
            },
        }),
    }
}

/// Logs in with the first key the server accepts; `Some(what was tried)` when none was.
async fn log_in(
    handle: &mut Handle<HostCheck>,
    address: &SshAddress,
    options: &SshOptions,
) -> Result<Option<Vec<String>>> {
    let mut tried = Vec::new();
    if let Some(file) = &options.identity {
        let key = load_key(file, options.passphrase.as_deref())?;
        if with_key(handle, address, key).await? {
            return Ok(None);
        }
        tried.push(file.display().to_string());
    }
    if agent::log_in(handle, address, &mut tried).await {
        return Ok(None);
    }
    let defaults = ["id_ed25519", "id_ecdsa", "id_rsa"];
    for file in options
        .ssh_dir()
        .into_iter()
        .flat_map(|dir| defaults.map(|name| dir.join(name)))
        .filter(|file| file.is_file() && Some(file) != options.identity.as_ref())
    {
        // An encrypted default key without its passphrase is passed over, as ssh does in batch mode.
        let Ok(key) = load_key(&file, options.passphrase.as_deref()) else {
            tried.push(format!("{} (encrypted)", file.display()));
            continue;
        };
        if with_key(handle, address, key).await? {
            return Ok(None);
        }
        tried.push(file.display().to_string());
    }
    Ok(Some(tried))
}

fn load_key(file: &Path, passphrase: Option<&str>) -> Result<russh::keys::PrivateKey> {
    russh::keys::load_secret_key(file, passphrase).map_err(|error| match error {
        russh::keys::Error::KeyIsEncrypted => Error::SshKeyPassphrase {
            path: file.display().to_string(),
        },
        other => Error::SshKey {
            path: file.display().to_string(),
            reason: other.to_string(),
        },
    })
}

async fn with_key(
    handle: &mut Handle<HostCheck>,
    address: &SshAddress,
    key: russh::keys::PrivateKey,
) -> Result<bool> {
    let hash = rsa_hash(handle, key.algorithm().is_rsa()).await;
    let key = PrivateKeyWithHashAlg::new(Arc::new(key), hash);
    handle
        .authenticate_publickey(&address.user, key)
        .await
        .map(|result| result.success())
        .map_err(|error| Error::SshConnect {
            address: address.to_string(),
            reason: error.to_string(),
        })
}

/// The SHA-2 signature an RSA key signs with, as the server allows (SHA-1 is refused by
/// current OpenSSH).
async fn rsa_hash(handle: &Handle<HostCheck>, is_rsa: bool) -> Option<HashAlg> {
    if !is_rsa {
        return None;
    }
    handle
        .best_supported_rsa_hash()
        .await
        .ok()
        .flatten()
        .flatten()
}

mod agent {
    //! The user's SSH agent: `SSH_AUTH_SOCK` on macOS and Linux; Windows' OpenSSH agent pipe,
    //! then Pageant, on Windows.

    use russh::keys::agent::client::AgentClient;

    use super::{rsa_hash, HostCheck, SshAddress};

    pub(super) async fn log_in(
        handle: &mut russh::client::Handle<HostCheck>,
        address: &SshAddress,
        tried: &mut Vec<String>,
    ) -> bool {
        #[cfg(unix)]
        if let Ok(agent) = AgentClient::connect_env().await {
            return with_agent(handle, address, agent, tried).await;
        }
        #[cfg(windows)]
        {
            if let Ok(agent) = AgentClient::connect_named_pipe(r"\\.\pipe\openssh-ssh-agent").await
            {
                if with_agent(handle, address, agent, tried).await {
                    return true;
                }
            }
            if let Ok(agent) = AgentClient::connect_pageant().await {
                return with_agent(handle, address, agent, tried).await;
            }
        }
        false
    }

    async fn with_agent<S>(
        handle: &mut russh::client::Handle<HostCheck>,
        address: &SshAddress,
        mut agent: AgentClient<S>,
        tried: &mut Vec<String>,
    ) -> bool
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let Ok(identities) = agent.request_identities().await else {
            return false;
        };
        for identity in identities {
            let key = identity.public_key().into_owned();
            let hash = rsa_hash(handle, key.algorithm().is_rsa()).await;
            let comment = key.comment().to_owned();
            let accepted = handle
                .authenticate_publickey_with(&address.user, key, hash, &mut agent)
                .await
                .is_ok_and(|result| result.success());
            if accepted {
                return true;
            }
            tried.push(format!("the agent's key {comment}"));
        }
        false
    }
}

/// bollard's transport: each request gets its own channel to the remote socket (Docker's
/// streaming calls keep theirs open), over one SSH session, opened again if it dropped.
#[derive(Clone)]
pub(crate) struct SshTransport {
    address: Arc<SshAddress>,
    options: Arc<SshOptions>,
    session: Arc<tokio::sync::Mutex<Arc<Handle<HostCheck>>>>,
}

impl SshTransport {
    /// Connects now, so that a refused key or login is said before the first Docker call.
    pub(crate) async fn connect(address: SshAddress, options: SshOptions) -> Result<Self> {
        let handle = open(&address, &options).await?;
        Ok(Self {
            address: Arc::new(address),
            options: Arc::new(options),
            session: Arc::new(tokio::sync::Mutex::new(Arc::new(handle))),
        })
    }

    async fn channel(&self) -> std::io::Result<russh::ChannelStream<client::Msg>> {
        let mut session = self.session.lock().await;
        if !session.is_closed() {
            if let Ok(channel) = session
                .channel_open_direct_streamlocal(self.address.socket.as_str())
                .await
            {
                return Ok(channel.into_stream());
            }
        }
        let handle = open(&self.address, &self.options)
            .await
            .map_err(std::io::Error::other)?;
        *session = Arc::new(handle);
        let channel = session
            .channel_open_direct_streamlocal(self.address.socket.as_str())
            .await
            .map_err(|error| {
                std::io::Error::other(format!(
                    "{} refused a channel to {}: {error}",
                    self.address, self.address.socket
                ))
            })?;
        Ok(channel.into_stream())
    }

    pub(crate) async fn request(
        &self,
        request: BollardRequest,
    ) -> std::result::Result<hyper::Response<hyper::body::Incoming>, bollard::errors::Error> {
        let stream = self.channel().await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        // Upgrades carry `docker exec`'s and attach's streams.
        tokio::spawn(async move {
            if let Err(error) = connection.with_upgrades().await {
                tracing::debug!(%error, "SSH-tunnelled Docker connection ended");
            }
        });
        Ok(sender.send_request(origin_form(request)?).await?)
    }
}

/// The request as a server behind a socket expects it: a path, and `Host: docker` as the CLI
/// sends over its own tunnels.
fn origin_form(
    request: BollardRequest,
) -> std::result::Result<BollardRequest, bollard::errors::Error> {
    let (mut parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", hyper::http::uri::PathAndQuery::as_str)
        .to_owned();
    parts.uri = path.parse().map_err(hyper::http::Error::from)?;
    parts.headers.insert(
        hyper::header::HOST,
        hyper::header::HeaderValue::from_static("docker"),
    );
    Ok(BollardRequest::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_as_the_cli_reads_them() {
        let full = SshAddress::parse("ssh://deploy@build.example.com:2222").expect("valid");
        assert_eq!(full.user, "deploy");
        assert_eq!(full.host, "build.example.com");
        assert_eq!(full.port, 2222);
        assert_eq!(full.socket, REMOTE_SOCKET);
        assert_eq!(full.to_string(), "ssh://deploy@build.example.com:2222");

        let rootless =
            SshAddress::parse("ssh://me@[::1]/run/user/1000/docker.sock").expect("valid");
        assert_eq!(rootless.host, "::1");
        assert_eq!(rootless.port, 22);
        assert_eq!(rootless.socket, "/run/user/1000/docker.sock");

        let bare = SshAddress::parse("ssh://10.0.0.5").expect("valid");
        assert_eq!(bare.host, "10.0.0.5");
        assert!(!bare.user.is_empty(), "the local user logs in by default");
    }

    #[test]
    fn bad_addresses_say_what_to_fix() {
        for (url, says) in [
            ("tcp://host", "ssh://"),
            ("ssh://me@host:99999", "port"),
            ("ssh://me@", "no host"),
            ("ssh://@host", "user"),
        ] {
            let error = SshAddress::parse(url).expect_err("invalid").to_string();
            assert!(error.contains(says), "{url}: {error}");
        }
    }
}
