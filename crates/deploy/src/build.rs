//! Builds the project's image through the Docker API, the context sent as `docker build` sends
//! it, the daemon's output passed on line by line. No labels are added: with the classic builder
//! each would be one more step, and the build would cost more than `docker build` of the same
//! folder. Releases find their images by ID.

use std::path::Path;

use bollard::query_parameters::BuildImageOptionsBuilder;
use futures_util::StreamExt;
use quantum_docker::Docker;

use crate::context;
use crate::{Error, Result};

/// A built image.
pub struct Built {
    pub image_id: String,
}

/// Builds `folder`'s image tagged `tag`, calling `on_line` with each line of the build's output.
pub async fn build(
    docker: &Docker,
    folder: &Path,
    dockerfile: &str,
    tag: &str,
    mut on_line: impl FnMut(&str),
) -> Result<Built> {
    let root = folder.to_owned();
    let file = dockerfile.to_owned();
    let archived = tokio::task::spawn_blocking(move || context::archive(&root, &file))
        .await
        .map_err(|error| Error::Context {
            reason: error.to_string(),
        })??;
    on_line(&format!(
        "Sending the build context: {} files, {} KiB",
        archived.files,
        archived.bytes.div_ceil(1024)
    ));
    let options = BuildImageOptionsBuilder::new()
        .dockerfile(dockerfile)
        .t(tag)
        .rm(true)
        .forcerm(true)
        .build();
    let mut stream =
        docker
            .api()
            .build_image(options, None, Some(bollard::body_full(archived.tar.into())));
    let mut image_id = None;
    let mut partial = String::new();
    while let Some(item) = stream.next().await {
        let info = item.map_err(|error| Error::Build {
            reason: match error {
                bollard::errors::Error::DockerResponseServerError { message, .. } => message,
                other => other.to_string(),
            },
        })?;
        if let Some(error) = info.error_detail.and_then(|detail| detail.message) {
            on_line(&error);
            return Err(Error::Build { reason: error });
        }
        if let Some(text) = info.stream {
            partial.push_str(&text);
            while let Some(newline) = partial.find('\n') {
                let line: String = partial.drain(..=newline).collect();
                on_line(line.trim_end());
            }
        }
        if let Some(id) = info.aux.and_then(|aux| aux.id) {
            image_id = Some(id);
        }
    }
    if !partial.trim().is_empty() {
        on_line(partial.trim_end());
    }
    // The legacy builder names the image in its output only; the tag finds it either way.
    let image_id = match image_id {
        Some(id) => id,
        None => docker
            .api()
            .inspect_image(tag)
            .await
            .ok()
            .and_then(|image| image.id)
            .ok_or_else(|| Error::Build {
                reason: "the daemon reported no image".to_owned(),
            })?,
    };
    Ok(Built { image_id })
}
