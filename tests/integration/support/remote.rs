//! A remote Docker host on this machine: a second Docker Engine (its own data, exec root and
//! containerd) reachable over TCP with TLS (certificates made here by `openssl`) and over SSH
//! (Debian's `sshd` on a loopback port, a key made here by `ssh-keygen`), with a client home
//! folder that holds the key and a Docker context for the TLS endpoint. Everything stops and is
//! removed when it is dropped.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::deploy::free_port;

/// The images a deploy needs on the remote host (nothing is pulled here: no registry).
const IMAGES: &[&str] = &["testdb/haproxy:2.6", "testdb/web:1", "testdb/redis:7"];

/// The passphrase of [`RemoteHost::encrypted_key`].
pub const PASSPHRASE: &str = "correct horse battery";

/// The second engine's networks.
const ADDRESS_POOL: &str = "10.213.0.0/16";

/// The machine's own daemon sets the FORWARD chain's policy to DROP, and bridged traffic passes
/// through it; the second engine makes no rules of its own (so that the two do not fight over
/// Docker's chains), so its containers are let through to each other here.
fn forward_rule(action: &str) -> Vec<String> {
    [
        action,
        "FORWARD",
        "-s",
        ADDRESS_POOL,
        "-d",
        ADDRESS_POOL,
        "-j",
        "ACCEPT",
    ]
    .map(str::to_owned)
    .to_vec()
}

pub struct RemoteHost {
    dir: tempfile::TempDir,
    pub socket: PathBuf,
    pub tls_port: u16,
    pub ssh_port: u16,
    /// The client's home: `.ssh/id_ed25519`, and `.docker` with the context `remote-tls`.
    pub home: PathBuf,
    /// `SHA256:…` of the SSH server's host key, as `ssh-keygen -l` prints it.
    pub host_key_fingerprint: String,
    /// The second engine's default bridge, made here: with `--bridge=none` a Docker Engine
    /// deletes `docker0` at start, which is the machine's own engine's.
    bridge: String,
    dockerd: Child,
    sshd: Child,
}

/// `program` as root: directly when the tests run as root (this machine), through `sudo -n`
/// otherwise (GitHub's runners): a second engine, its bridge and sshd need it.
fn as_root(program: &str) -> Command {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0\n"));
    if root {
        Command::new(program)
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("-n").arg(program);
        sudo
    }
}

fn run(program: &str, args: &[&str]) -> Output {
    finish(program, args, Command::new(program))
}

fn run_as_root(program: &str, args: &[&str]) -> Output {
    finish(program, args, as_root(program))
}

fn finish(program: &str, args: &[&str], mut command: Command) -> Output {
    let output = command
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program} runs: {error}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn wait_until(what: &str, within: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ready() {
        assert!(Instant::now() < deadline, "{what} within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, as `dockerd --tlsverify`
/// and `docker --tlsverify` use them.
fn make_certificates(dir: &Path) {
    let path = |name: &str| dir.join(name).display().to_string();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", "/CN=qa-remote-ca"];
    ca.extend(ec);
    let (ca_key, ca_pem) = (path("ca-key.pem"), path("ca.pem"));
    ca.extend(["-keyout", &ca_key, "-out", &ca_pem]);
    run("openssl", &ca);
    for (name, usage) in [
        (
            "server",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        ),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ] {
        let (key, csr, cert, ext) = (
            path(&format!("{name}-key.pem")),
            path(&format!("{name}.csr")),
            path(&format!("{name}-cert.pem")),
            path(&format!("{name}.ext")),
        );
        std::fs::write(&ext, usage).expect("extensions");
        let subject = format!("/CN={name}");
        let mut request = vec!["req", "-subj", &subject, "-keyout", &key, "-out", &csr];
        request.extend(ec);
        run("openssl", &request);
        run(
            "openssl",
            &[
                "x509",
                "-req",
                "-days",
                "2",
                "-in",
                &csr,
                "-CA",
                &ca_pem,
                "-CAkey",
                &ca_key,
                "-CAcreateserial",
                "-extfile",
                &ext,
                "-out",
                &cert,
            ],
        );
    }
}

/// The CLI's context `remote-tls` in `home/.docker`, its certificates stored where the CLI
/// stores them (under the SHA-256 of the name, computed by the shell's tool).
fn make_context(home: &Path, certs: &Path, tls_port: u16) {
    let name = "remote-tls";
    let digest = run("sh", &["-c", &format!("printf %s '{name}' | sha256sum")]);
    let id = String::from_utf8_lossy(&digest.stdout)
        .split_whitespace()
        .next()
        .expect("digest")
        .to_owned();
    let docker = home.join(".docker");
    let meta = docker.join("contexts/meta").join(&id);
    std::fs::create_dir_all(&meta).expect("meta dir");
    let body = format!(
        r#"{{"Name":"{name}","Metadata":{{"Description":"the test's remote host"}},"Endpoints":{{"docker":{{"Host":"tcp://127.0.0.1:{tls_port}","SkipTLSVerify":false}}}}}}"#
    );
    std::fs::write(meta.join("meta.json"), body).expect("meta.json");
    let tls = docker.join("contexts/tls").join(&id).join("docker");
    std::fs::create_dir_all(&tls).expect("tls dir");
    for (from, to) in [
        ("ca.pem", "ca.pem"),
        ("client-cert.pem", "cert.pem"),
        ("client-key.pem", "key.pem"),
    ] {
        std::fs::copy(certs.join(from), tls.join(to)).expect("copy certificate");
    }
}

impl RemoteHost {
    pub fn start() -> Self {
        // Short: a Unix socket's path has a length limit.
        let dir = tempfile::Builder::new()
            .prefix("qa-remote-")
            .tempdir_in("/tmp")
            .expect("temp dir");
        let root = dir.path();
        let certs = root.join("certs");
        std::fs::create_dir_all(&certs).expect("certs dir");
        make_certificates(&certs);

        let socket = root.join("docker.sock");
        let tls_port = free_port();
        let path = |name: &str| root.join(name).display().to_string();
        let cert = |name: &str| certs.join(name).display().to_string();
        let bridge = format!("qa-remote{}", std::process::id() % 100_000);
        run_as_root("ip", &["link", "add", &bridge, "type", "bridge"]);
        run_as_root("ip", &["addr", "add", "10.214.0.1/24", "dev", &bridge]);
        run_as_root("ip", &["link", "set", &bridge, "up"]);
        let log = std::fs::File::create(root.join("dockerd.log")).expect("log");
        // Its socket's group is `docker`, as the machine's own: the tests' user can use it.
        let dockerd = as_root("dockerd")
            .args(["--data-root", &path("data"), "--exec-root", &path("exec")])
            .args(["--pidfile", &path("docker.pid")])
            .args(["-H", &format!("unix://{}", socket.display())])
            .args(["-H", &format!("tcp://127.0.0.1:{tls_port}")])
            .args(["--tlsverify", "--tlscacert", &cert("ca.pem")])
            .args([
                "--tlscert",
                &cert("server-cert.pem"),
                "--tlskey",
                &cert("server-key.pem"),
            ])
            // Beside the machine's own daemon: a default bridge of its own, no iptables rules of
            // its own, networks from another range.
            .args(["--bridge", &bridge, "--iptables=false"])
            .args([
                "--default-address-pool",
                &format!("base={ADDRESS_POOL},size=24"),
            ])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("dockerd starts");

        let insert: Vec<String> = forward_rule("-I");
        run(
            "iptables",
            &insert.iter().map(String::as_str).collect::<Vec<_>>(),
        );

        let ssh_dir = root.join("home/.ssh");
        std::fs::create_dir_all(&ssh_dir).expect(".ssh");
        let host_key = path("ssh_host_ed25519_key");
        run(
            "ssh-keygen",
            &["-q", "-t", "ed25519", "-N", "", "-f", &host_key],
        );
        let identity = ssh_dir.join("id_ed25519").display().to_string();
        run(
            "ssh-keygen",
            &["-q", "-t", "ed25519", "-N", "", "-f", &identity],
        );
        // A second key, encrypted, outside ~/.ssh: named by `ssh_identity`, unlocked by a passphrase.
        let encrypted = path("deploy_key");
        run(
            "ssh-keygen",
            &["-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", &encrypted],
        );
        let keys = [format!("{identity}.pub"), format!("{encrypted}.pub")]
            .map(|file| std::fs::read_to_string(file).expect("public key"))
            .concat();
        std::fs::write(root.join("authorized_keys"), keys).expect("authorized_keys");
        let listed = run("ssh-keygen", &["-l", "-f", &format!("{host_key}.pub")]);
        let host_key_fingerprint = String::from_utf8_lossy(&listed.stdout)
            .split_whitespace()
            .nth(1)
            .expect("fingerprint")
            .to_owned();
        let ssh_port = free_port();
        let config = format!(
            "Port {ssh_port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {}\n\
             AuthorizedKeysFile {}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
             AllowStreamLocalForwarding yes\n",
            path("sshd.pid"),
            path("authorized_keys"),
        );
        std::fs::write(root.join("sshd_config"), config).expect("sshd_config");
        // sshd's privilege separation needs this folder, which its service would make.
        run_as_root("mkdir", &["-p", "/run/sshd"]);
        let sshd = as_root("/usr/sbin/sshd")
            .args(["-D", "-e", "-f", &path("sshd_config")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join("sshd.log")).expect("log"))
            .spawn()
            .expect("sshd starts");

        let home = root.join("home");
        make_context(&home, &certs, tls_port);
        let host = Self {
            socket,
            tls_port,
            ssh_port,
            home,
            host_key_fingerprint,
            bridge,
            dockerd,
            sshd,
            dir,
        };
        wait_until(
            "the second Docker Engine answers",
            Duration::from_secs(60),
            || host.docker_status(&["info"]),
        );
        wait_until("sshd listens", Duration::from_secs(20), || {
            TcpStream::connect(("127.0.0.1", ssh_port)).is_ok()
        });
        let loaded = Command::new("sh")
            .args([
                "-c",
                &format!(
                    "docker save {} | docker -H unix://{} load -q >/dev/null",
                    IMAGES.join(" "),
                    host.socket.display()
                ),
            ])
            .status()
            .expect("docker save | load");
        assert!(
            loaded.success(),
            "the test images are loaded on the remote host"
        );
        host
    }

    fn docker_status(&self, args: &[&str]) -> bool {
        Command::new("docker")
            .arg("-H")
            .arg(format!("unix://{}", self.socket.display()))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    /// What the Docker CLI prints for `args` run against the remote engine (it must succeed).
    pub fn docker_output(&self, args: &[&str]) -> String {
        let output = Command::new("docker")
            .arg("-H")
            .arg(format!("unix://{}", self.socket.display()))
            .args(args)
            .output()
            .expect("docker runs");
        assert!(
            output.status.success(),
            "docker {args:?} on the remote engine: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Whether the remote engine has `image`.
    pub fn has_image(&self, image: &str) -> bool {
        self.docker_status(&["image", "inspect", image])
    }

    /// An encrypted key the server accepts too (its passphrase: [`PASSPHRASE`]).
    pub fn encrypted_key(&self) -> PathBuf {
        self.dir.path().join("deploy_key")
    }

    /// `ssh://root@127.0.0.1:<port>/…/docker.sock`: the remote engine through sshd.
    pub fn ssh_address(&self) -> String {
        format!(
            "ssh://root@127.0.0.1:{}{}",
            self.ssh_port,
            self.socket.display()
        )
    }

    /// What the servers logged, for a failing test's message.
    pub fn logs(&self) -> String {
        ["dockerd.log", "sshd.log"]
            .iter()
            .map(|name| {
                let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(20).collect();
                format!(
                    "--- {name}\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for RemoteHost {
    fn drop(&mut self) {
        let pid = |file: &str| {
            std::fs::read_to_string(self.dir.path().join(file))
                .map(|pid| pid.trim().to_owned())
                .unwrap_or_default()
        };
        let _ = as_root("kill").arg(pid("sshd.pid")).status();
        let _ = self.sshd.wait();
        // Its containers go with it; the daemon unmounts its layers on a clean stop.
        let _ = Command::new("sh")
            .args([
                "-c",
                &format!(
                    "docker -H unix://{0} rm -f $(docker -H unix://{0} ps -aq) 2>/dev/null",
                    self.socket.display()
                ),
            ])
            .stdout(Stdio::null())
            .status();
        let _ = as_root("kill").arg(pid("docker.pid")).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && matches!(self.dockerd.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.dockerd.kill();
        let _ = self.dockerd.wait();
        let _ = as_root("iptables").args(forward_rule("-D")).status();
        let _ = as_root("ip").args(["link", "del", &self.bridge]).status();
    }
}

/// A container registry on a loopback port (Debian's `docker-registry`): both engines push to
/// and pull from it over plain HTTP, as Docker allows for 127.0.0.0/8. Open, or behind a login.
pub struct Registry {
    _dir: tempfile::TempDir,
    pub port: u16,
    server: Child,
}

impl Registry {
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Behind HTTP Basic for `username` and `password` (htpasswd, bcrypt as the registry wants).
    pub fn start_with_login(username: &str, password: &str) -> Self {
        Self::start_with(Some((username, password)))
    }

    fn start_with(login: Option<(&str, &str)>) -> Self {
        let dir = tempfile::tempdir().expect("registry dir");
        let port = free_port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.path().join("data").display()
        );
        if let Some((username, password)) = login {
            let htpasswd = dir.path().join("htpasswd");
            let hash = bcrypt::hash(password, 4).expect("bcrypt");
            std::fs::write(&htpasswd, format!("{username}:{hash}\n")).expect("htpasswd");
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: quantum-test\n    path: {}\n",
                htpasswd.display()
            ));
        }
        let file = dir.path().join("config.yml");
        std::fs::write(&file, config).expect("config.yml");
        let server = Command::new("docker-registry")
            .arg("serve")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("registry.log")).expect("log"))
            .spawn()
            .expect("docker-registry starts");
        wait_until("the registry listens", Duration::from_secs(20), || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Self {
            _dir: dir,
            port,
            server,
        }
    }

    /// `127.0.0.1:<port>`, the host part of the images pushed there.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
