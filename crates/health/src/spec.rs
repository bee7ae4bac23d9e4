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
    /// `kubernetes://SERVICE.NAMESPACE:PORT/PATH@CONTEXT`: a GET of a cluster's Service through
    /// its API server's proxy (the Service answers inside the cluster only). Without
    /// `.NAMESPACE`, the context's namespace.
    Service {
        context: String,
        namespace: Option<String>,
        service: String,
        port: u16,
        path: String,
    },
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
        if let Some(rest) = text.strip_prefix("kubernetes://") {
            return parse_service(text, rest);
        }
        Err(format!(
            "`{text}` is not a target: use http(s)://…, tcp://host:port, datasource:NAME, container:NAME or kubernetes://SERVICE.NAMESPACE:PORT/PATH@CONTEXT"
        ))
    }
}

/// `SERVICE.NAMESPACE:PORT/PATH@CONTEXT` (the context last: an EKS one holds `/` and `:`).
fn parse_service(text: &str, rest: &str) -> Result<Target, String> {
    let form = "kubernetes://SERVICE.NAMESPACE:PORT/PATH@CONTEXT";
    let (address, context) = rest
        .rsplit_once('@')
        .filter(|(_, context)| !context.is_empty())
        .ok_or_else(|| format!("`{text}` names no context: {form}"))?;
    let (authority, path) = match address.find('/') {
        Some(at) => address.split_at(at),
        None => (address, "/"),
    };
    let (host, port) = authority
        .rsplit_once(':')
        .ok_or_else(|| format!("`{text}` needs the Service's port: {form}"))?;
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("`{port}` in `{text}` is not a port (1 to 65535)"))?;
    let (service, namespace) = match host.split_once('.') {
        Some((service, namespace)) => (service, Some(namespace)),
        None => (host, None),
    };
    if service.is_empty() || namespace.is_some_and(str::is_empty) {
        return Err(format!("`{text}` needs the Service's name: {form}"));
    }
    Ok(Target::Service {
        context: context.to_owned(),
        namespace: namespace.map(str::to_owned),
        service: service.to_owned(),
        port,
        path: path.to_owned(),
    })
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Http { url } => f.write_str(url),
            Self::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Self::Datasource { name } => write!(f, "datasource:{name}"),
            Self::Container { name } => write!(f, "container:{name}"),
            Self::Service {
                context,
                namespace,
                service,
                port,
                path,
            } => {
                let namespace = namespace
                    .as_ref()
                    .map_or_else(String::new, |namespace| format!(".{namespace}"));
                write!(
                    f,
                    "kubernetes://{service}{namespace}:{port}{path}@{context}"
                )
            }
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
            Target::Http { .. } | Target::Service { .. } => "[STATUS] < 400",
            _ => "[CONNECTED] == true",
        };
        Condition::parse(text).map(|c| vec![c]).unwrap_or_default()
    }
}
