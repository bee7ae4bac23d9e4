//! The local fakes of outside APIs (tests/fakes): GitHub's and GitLab's CI APIs
//! (`ci-server.mjs`) and a Kubernetes API server (`kube-server.mjs`). One process per test, on a
//! free port; its control API spoken over a plain socket.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

pub struct Fake {
    pub url: String,
    port: u16,
    _process: Child,
}

impl Fake {
    /// The CI fake.
    pub async fn start() -> Self {
        Self::start_script("ci-server.mjs").await
    }

    /// One of tests/fakes' servers.
    pub async fn start_script(name: &str) -> Self {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fakes")
            .join(name);
        let mut process = Command::new("node")
            .arg(script)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the fake");
        let stdout = process.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .await
            .expect("the fake says where it listens");
        let url = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("unexpected first line from the fake: {line}"))
            .to_owned();
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        Self {
            url,
            port,
            _process: process,
        }
    }

    pub fn gitlab_api(&self) -> String {
        format!("{}/api/v4", self.url)
    }

    /// A control call: `POST` with a JSON body, or `GET` without; the answer's JSON.
    pub async fn control(
        &self,
        method: &str,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let body = if method == "GET" {
            String::new()
        } else {
            body.to_string()
        };
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("read");
        let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
        assert!(
            head.starts_with("HTTP/1.1 2"),
            "{method} {path}: {head}\n{body}"
        );
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            unchunk(body)
        } else {
            body.to_owned()
        };
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        self.control("POST", path, body).await
    }

    pub async fn get(&self, path: &str) -> serde_json::Value {
        self.control("GET", path, serde_json::Value::Null).await
    }
}

/// A chunked body's data.
fn unchunk(mut body: &str) -> String {
    let mut data = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        data.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    data
}
