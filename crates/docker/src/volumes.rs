//! Whole-volume copies through a short-lived helper container, and which volume a container has
//! mounted: what snapshots and restores are made of.

use std::collections::HashMap;

use bollard::errors::Error as ApiError;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    InspectContainerOptions, ListContainersOptionsBuilder, LogsOptionsBuilder,
};
use futures_util::StreamExt;

use crate::{api_error, container_name, state_word, status, Docker, Error, Result};

/// On the helper containers that copy volumes, so that one left by a crash is found and removed.
pub const LABEL_HELPER: &str = "app.quantumadmin.helper";

/// Copies /from into /to keeping owners, modes and times (a server refuses a data directory it
/// does not own). With GNU tools (Debian-based images) the directories go first through `tar`,
/// then the files four `cp` at a time: a virtual disk copies about twice as fast with several
/// writes in flight (measured: 2 GB in 3.1 s instead of 6.6 s); the directories go again at the
/// end, since writing files into them moved their times. With busybox (Alpine images) it is one
/// `cp -a`. `sync` puts the copy on disk before the caller records it; `du -sk` is its size.
const COPY_SCRIPT: &str = r#"set -e
cd /from
if cp --version >/dev/null 2>&1 && find --version >/dev/null 2>&1 && tar --version >/dev/null 2>&1; then
  tree() { find . -type d -print0 | tar --null --no-recursion -H posix -T - -cf - | tar -C /to -xpf -; }
  tree
  find . ! -type d -print0 | xargs -0 -r -P 4 -n 32 cp -a --parents -t /to
  tree
else
  cp -a /from/. /to/
fi
sync
du -sk /to | cut -f1"#;

impl Docker {
    /// Whether a volume of that name exists.
    pub async fn volume_exists(&self, name: &str) -> Result<bool> {
        match self.api.inspect_volume(name).await {
            Ok(_) => Ok(true),
            Err(error) if status(&error) == Some(404) => Ok(false),
            Err(error) => Err(api_error(error)),
        }
    }

    /// A volume's labels; `None` when there is no such volume.
    pub async fn volume_labels(&self, name: &str) -> Result<Option<HashMap<String, String>>> {
        match self.api.inspect_volume(name).await {
            Ok(volume) => Ok(Some(volume.labels)),
            Err(error) if status(&error) == Some(404) => Ok(None),
            Err(error) => Err(api_error(error)),
        }
    }

    /// Copies every file of volume `from` into volume `to` (made empty beforehand) through a
    /// helper container of `image`, run as root without a network, `from` mounted read-only.
    /// The image is the datasource's own: it is on the machine already, and its files' owners
    /// mean the same inside it. Returns the copy's size in bytes.
    pub async fn copy_volume(
        &self,
        image: &str,
        from: &str,
        to: &str,
        labels: HashMap<String, String>,
    ) -> Result<u64> {
        let mut labels = labels;
        labels.insert(LABEL_HELPER.to_owned(), "copy".to_owned());
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            entrypoint: Some(vec!["sh".into(), "-c".into(), COPY_SCRIPT.into()]),
            cmd: Some(Vec::new()),
            user: Some("0:0".to_owned()),
            labels: Some(labels),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                binds: Some(vec![format!("{from}:/from:ro"), format!("{to}:/to")]),
                network_mode: Some("none".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let id = self
            .api
            .create_container(
                None::<bollard::query_parameters::CreateContainerOptions>,
                body,
            )
            .await
            .map_err(api_error)?
            .id;
        let result = self.run_copy(&id).await;
        let _ = self.remove_container(&id).await;
        result
    }

    async fn run_copy(&self, id: &str) -> Result<u64> {
        self.api
            .start_container(id, None::<bollard::query_parameters::StartContainerOptions>)
            .await
            .map_err(api_error)?;
        let mut waited = self.api.wait_container(id, None);
        let exit = match waited.next().await {
            Some(Ok(_)) | None => None,
            Some(Err(ApiError::DockerContainerWaitError { code, .. })) => Some(code),
            Some(Err(error)) => return Err(api_error(error)),
        };
        let output = self.output(id).await?;
        if let Some(code) = exit {
            return Err(Error::Docker(format!(
                "copying the volume failed (exit code {code}): {}",
                output.trim()
            )));
        }
        output
            .lines()
            .rev()
            .find_map(|line| line.trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
            .ok_or_else(|| {
                Error::Docker(format!(
                    "the volume copy said nothing of its size: {output}"
                ))
            })
    }

    /// Everything a stopped container wrote, stdout and stderr together.
    async fn output(&self, id: &str) -> Result<String> {
        let options = LogsOptionsBuilder::new().stdout(true).stderr(true).build();
        let mut logs = self.api.logs(id, Some(options));
        let mut text = String::new();
        while let Some(chunk) = logs.next().await {
            text.push_str(&String::from_utf8_lossy(
                &chunk.map_err(api_error)?.into_bytes(),
            ));
        }
        Ok(text)
    }

    /// Removes the copy helpers carrying every `with` label (one left running by a crash would
    /// keep writing into a volume and hold it in use).
    pub async fn remove_helpers(&self, with: &[(&str, &str)]) -> Result<usize> {
        let helpers = self.labelled_containers(LABEL_HELPER, with).await?;
        for helper in &helpers {
            self.remove_container(&helper.id).await?;
        }
        Ok(helpers.len())
    }

    /// The name of the volume a container has mounted at `path`, if any; `None` also when the
    /// container is gone.
    pub async fn mounted_volume(&self, container: &str, path: &str) -> Result<Option<String>> {
        match self
            .api
            .inspect_container(container, None::<InspectContainerOptions>)
            .await
        {
            Ok(inspected) => Ok(inspected
                .mounts
                .unwrap_or_default()
                .into_iter()
                .find(|m| m.destination.as_deref() == Some(path))
                .and_then(|m| m.name)),
            Err(error) if status(&error) == Some(404) => Ok(None),
            Err(error) => Err(api_error(error)),
        }
    }

    /// The containers, running or not, that mount `source` (a volume's name or a host folder),
    /// with Docker's state word for each (`running`, `paused`, `exited`, …): a second server on
    /// the same data would corrupt it.
    pub async fn containers_on(&self, source: &str) -> Result<Vec<(String, String)>> {
        let options = ListContainersOptionsBuilder::new().all(true).build();
        let containers = self
            .api
            .list_containers(Some(options))
            .await
            .map_err(api_error)?;
        Ok(containers
            .into_iter()
            .filter(|container| {
                container.mounts.iter().flatten().any(|mount| {
                    mount.name.as_deref() == Some(source) || mount.source.as_deref() == Some(source)
                })
            })
            .map(|container| {
                let name = container_name(&container)
                    .or(container.id.clone())
                    .unwrap_or_default();
                (name, state_word(&container))
            })
            .collect())
    }
}
