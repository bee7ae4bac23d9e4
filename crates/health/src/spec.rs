//! One check as `quantum.toml` declares it (`[[health]]`), read and checked.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::condition::Condition;

pub const DEFAULT_INTERVAL_SECS: u32 = 60;
pub const DEFAULT_TIMEOUT_SECS: u32 = 10;
/// Failures in a row that open an incident.
pub const DEFAULT_FAILURES: u32 = 3;

/// What a check looks at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Target {
    /// `http://…` or `https://…`: a GET.
    Http { url: String },
    /// `tcp://host:port`: a connection.
    Tcp { host: String, port: u16 },
    /// `datasource:NAME`: the datasource's own readiness probe.
    Datasource { name: String },
    /// `container:NAME`: Docker's health of the container (or that it runs, without one).
    Container { name: String },
}

impl Target {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(rest) = text
            .strip_prefix("http://")
            .or_else(|| text.strip_prefix("https://"))
        {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            return if host.is_empty() {
                Err(format!("`{text}` names no host"))
            } else {
                Ok(Self::Http {
                    url: text.to_owned(),
                })
            };
        }
        if let Some(rest) = text.strip_prefix("tcp://") {
            let (host, port) = rest
                .rsplit_once(':')
                .ok_or_else(|| format!("`{text}` needs a port: tcp://host:port"))?;
            let port: u16 = port
                .parse()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("`{port}` in `{text}` is not a port (1 to 65535)"))?;
            let host = host.trim_start_matches('[').trim_end_matches(']');
            if host.is_empty() {
                return Err(format!("`{text}` names no host"));
            }
            return Ok(Self::Tcp {
                host: host.to_owned(),
                port,
            });
        }
        if let Some(name) = text.strip_prefix("datasource:").filter(|n| !n.is_empty()) {
            return Ok(Self::Datasource {
                name: name.to_owned(),
            });
        }
        if let Some(name) = text.strip_prefix("container:").filter(|n| !n.is_empty()) {
            return Ok(Self::Container {
                name: name.to_owned(),
            });
        }
        Err(format!(
            "`{text}` is not a target: use http(s)://…, tcp://host:port, datasource:NAME or container:NAME"
        ))
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Http { url } => f.write_str(url),
            Self::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Self::Datasource { name } => write!(f, "datasource:{name}"),
            Self::Container { name } => write!(f, "container:{name}"),
        }
    }
}

/// A declared check, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckSpec {
    pub name: String,
    pub target: Target,
    pub interval_secs: u32,
    pub timeout_secs: u32,
    pub failures: u32,
    pub conditions: Vec<Condition>,
    /// HTTPS without checking the certificate (a development server's self-signed one); its
    /// expiry is still read.
    pub insecure: bool,
}

impl CheckSpec {
    /// The conditions a check has when it declares none: HTTP answers below 400, the rest
    /// connects.
    pub fn default_conditions(target: &Target) -> Vec<Condition> {
        let text = match target {
            Target::Http { .. } => "[STATUS] < 400",
            _ => "[CONNECTED] == true",
        };
        Condition::parse(text).map(|c| vec![c]).unwrap_or_default()
    }
}
