//! Looking at a target once: an HTTP GET or a TCP connect here; a datasource's probe and a
//! container's Docker health through the [`Prober`] the shell composes (they need other crates).

use std::time::{Duration, Instant};

use crate::condition::Observation;
use crate::spec::Target;

/// The longest body kept for the conditions (a health endpoint answers in a few bytes).
const BODY_MAX: usize = 1024 * 1024;

/// Checks of targets this crate cannot reach alone: `datasource:` and `container:`.
#[async_trait::async_trait]
pub trait Prober: Send + Sync {
    async fn probe(&self, project_id: i64, target: &Target, timeout: Duration) -> Observation;
}

pub struct Probes {
    /// Made at the first HTTP check: a command line that runs none never pays for it.
    http: std::sync::OnceLock<reqwest::Client>,
    /// The same without certificate checks, for checks declared `insecure`.
    insecure: std::sync::OnceLock<reqwest::Client>,
    others: Box<dyn Prober>,
}

impl Probes {
    pub fn new(others: Box<dyn Prober>) -> Self {
        Self {
            http: std::sync::OnceLock::new(),
            insecure: std::sync::OnceLock::new(),
            others,
        }
    }

    pub fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| client(false))
    }

    fn insecure(&self) -> &reqwest::Client {
        self.insecure.get_or_init(|| client(true))
    }

    pub async fn look(
        &self,
        project_id: i64,
        target: &Target,
        timeout: Duration,
        insecure: bool,
    ) -> Observation {
        let started = Instant::now();
        let mut seen = match target {
            Target::Http { url } => {
                let client = if insecure {
                    self.insecure()
                } else {
                    self.http()
                };
                get(client, url, timeout).await
            }
            Target::Tcp { host, port } => {
                match tokio::time::timeout(
                    timeout,
                    tokio::net::TcpStream::connect((host.as_str(), *port)),
                )
                .await
                {
                    Ok(Ok(_)) => Observation {
                        connected: true,
                        ..Observation::default()
                    },
                    Ok(Err(error)) => failed(error.to_string()),
                    Err(_) => failed(format!("no answer within {} s", timeout.as_secs())),
                }
            }
            _ => self.others.probe(project_id, target, timeout).await,
        };
        seen.response_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        seen
    }
}

fn client(insecure: bool) -> reqwest::Client {
    // reqwest is built without a default crypto provider: ring, as everywhere in the app.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("QuantumAdmin-health/", env!("CARGO_PKG_VERSION")))
        .tls_info(true)
        .danger_accept_invalid_certs(insecure)
        .build()
        .unwrap_or_default()
}

/// Seconds from now until the certificate's notAfter.
fn expires_in(der: &[u8]) -> Option<i64> {
    use x509_cert::der::Decode;
    let certificate = x509_cert::Certificate::from_der(der).ok()?;
    let not_after = certificate
        .tbs_certificate
        .validity
        .not_after
        .to_unix_duration();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(i64::try_from(not_after.as_secs()).ok()? - i64::try_from(now.as_secs()).ok()?)
}

async fn get(client: &reqwest::Client, url: &str, timeout: Duration) -> Observation {
    let response = match client.get(url).timeout(timeout).send().await {
        Ok(response) => response,
        Err(error) if error.is_timeout() => {
            return failed(format!("no answer within {} s", timeout.as_secs()))
        }
        Err(error) => return failed(error_chain(&error)),
    };
    let status = response.status().as_u16();
    let certificate_expires_in = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(reqwest::tls::TlsInfo::peer_certificate)
        .and_then(expires_in);
    let body = match response.bytes().await {
        Ok(bytes) => {
            Some(String::from_utf8_lossy(&bytes[..bytes.len().min(BODY_MAX)]).into_owned())
        }
        Err(error) => return failed(error_chain(&error)),
    };
    Observation {
        connected: true,
        status: Some(status),
        body,
        certificate_expires_in,
        ..Observation::default()
    }
}

pub fn failed(error: String) -> Observation {
    Observation {
        connected: false,
        error: Some(error),
        ..Observation::default()
    }
}

/// reqwest's message with its causes ("error sending request: … Connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
