//! Commands run inside a running container, and what the app's own containers share: networks and
//! files put in place. These work the same over every transport to the daemon (socket, SSH, TLS),
//! which is why the deploy proxy is driven through them rather than through a published port.

use std::collections::HashMap;

use bollard::exec::{CreateExecOptions, StartExecResults};
use bollard::models::NetworkCreateRequest;
use futures_util::StreamExt;

use crate::{api_error, files, status, ContainerFile, Docker, Error, Result};

/// The most output kept from one command: a health probe or a reload says little.
const MAX_OUTPUT_BYTES: usize = 64 * 1024;

/// How a command run in a container ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecOutput {
    pub exit_code: i64,
    /// Its standard output and error, interleaved as written (at most 64 KiB).
    pub output: String,
}

impl ExecOutput {
    pub fn succeeded(&self) -> bool {
        self.exit_code == 0
    }

    /// The output of a command that succeeded; a failure says its code and output.
    pub fn into_result(self) -> Result<String> {
        if self.succeeded() {
            Ok(self.output)
        } else {
            Err(Error::Docker(format!(
                "the command exited with code {}: {}",
                self.exit_code,
                self.output.trim()
            )))
        }
    }
}

impl Docker {
    /// Runs `cmd` in the running container and waits for it to end.
    pub async fn exec(&self, container: &str, cmd: &[&str]) -> Result<ExecOutput> {
        let options = CreateExecOptions {
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            cmd: Some(cmd.to_vec()),
            ..Default::default()
        };
        let created = self
            .api
            .create_exec(container, options)
            .await
            .map_err(api_error)?;
        let mut output = Vec::new();
        match self
            .api
            .start_exec(&created.id, None)
            .await
            .map_err(api_error)?
        {
            StartExecResults::Attached {
                output: mut stream, ..
            } => {
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(api_error)?;
                    let bytes = chunk.into_bytes();
                    let room = MAX_OUTPUT_BYTES.saturating_sub(output.len());
                    output.extend_from_slice(&bytes[..bytes.len().min(room)]);
                }
            }
            StartExecResults::Detached => {}
        }
        let inspected = self
            .api
            .inspect_exec(&created.id)
            .await
            .map_err(api_error)?;
        Ok(ExecOutput {
            exit_code: inspected.exit_code.unwrap_or(-1),
            output: String::from_utf8_lossy(&output).into_owned(),
        })
    }

    /// Puts files into a container (created or running), replacing any at the same paths.
    pub async fn put_files(&self, container: &str, files: &[ContainerFile]) -> Result<()> {
        files::upload(&self.api, container, files).await
    }

    /// Creates a bridge network with the labels unless one of that name exists. Containers on a
    /// user-defined network reach each other by container name.
    pub async fn ensure_network(&self, name: &str, labels: HashMap<String, String>) -> Result<()> {
        match self
            .api
            .inspect_network(
                name,
                None::<bollard::query_parameters::InspectNetworkOptions>,
            )
            .await
        {
            Ok(_) => return Ok(()),
            Err(error) if status(&error) == Some(404) => {}
            Err(error) => return Err(api_error(error)),
        }
        let request = NetworkCreateRequest {
            name: name.to_owned(),
            driver: Some("bridge".to_owned()),
            labels: Some(labels),
            ..Default::default()
        };
        match self.api.create_network(request).await {
            Ok(_) => Ok(()),
            // Made meanwhile by another caller: the same network.
            Err(error) if status(&error) == Some(409) => Ok(()),
            Err(error) => Err(api_error(error)),
        }
    }

    /// The container's last `lines` lines of output, for an error that must say why it stopped.
    pub async fn last_log_lines(&self, container: &str, lines: usize) -> Result<Vec<String>> {
        let options = bollard::query_parameters::LogsOptionsBuilder::new()
            .stdout(true)
            .stderr(true)
            .tail(&lines.to_string())
            .build();
        let mut stream = self.api.logs(container, Some(options));
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => text.push_str(&String::from_utf8_lossy(&chunk.into_bytes())),
                Err(error) if status(&error) == Some(404) => break,
                Err(error) => return Err(api_error(error)),
            }
        }
        Ok(text.lines().map(str::to_owned).collect())
    }
}
