//! Small files put into a container before it starts, for what must not be in its command line
//! or environment (both visible to `docker inspect`, and the command line to `ps` on the host).

use bollard::query_parameters::UploadToContainerOptionsBuilder;

use crate::{api_error, Error, Result};

/// A file to place in a container, owned by `uid`/`gid` with `mode`; its folder is created for
/// it with the same owner, readable by that owner only.
#[derive(Clone, PartialEq, Eq)]
pub struct ContainerFile {
    /// An absolute path in the container, in a folder of its own (created, not shared).
    pub path: String,
    pub contents: Vec<u8>,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
}

// The contents may be a secret: never printed.
impl std::fmt::Debug for ContainerFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerFile")
            .field("path", &self.path)
            .field("mode", &format_args!("{:o}", self.mode))
            .field("uid", &self.uid)
            .finish_non_exhaustive()
    }
}

/// A tar archive of `files`, to be extracted at `/`. Docker keeps the owner and mode recorded in
/// each entry.
pub(crate) fn archive(files: &[ContainerFile]) -> Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for file in files {
        let relative = file.path.trim_start_matches('/');
        let Some((folder, _)) = relative.rsplit_once('/') else {
            return Err(Error::ContainerFile {
                path: file.path.clone(),
                reason: "it must be in a folder of its own".to_owned(),
            });
        };
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o700);
        header.set_uid(file.uid);
        header.set_gid(file.gid);
        header.set_size(0);
        builder
            .append_data(&mut header, format!("{folder}/"), std::io::empty())
            .map_err(|error| archive_error(file, &error))?;
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(file.mode);
        header.set_uid(file.uid);
        header.set_gid(file.gid);
        header.set_size(file.contents.len() as u64);
        builder
            .append_data(&mut header, relative, file.contents.as_slice())
            .map_err(|error| archive_error(file, &error))?;
    }
    builder.into_inner().map_err(|error| Error::ContainerFile {
        path: "/".to_owned(),
        reason: error.to_string(),
    })
}

fn archive_error(file: &ContainerFile, error: &std::io::Error) -> Error {
    Error::ContainerFile {
        path: file.path.clone(),
        reason: error.to_string(),
    }
}

/// Extracts `files` into the created container `id`.
pub(crate) async fn upload(api: &bollard::Docker, id: &str, files: &[ContainerFile]) -> Result<()> {
    let tar = archive(files)?;
    let options = UploadToContainerOptionsBuilder::new().path("/").build();
    api.upload_to_container(id, Some(options), bollard::body_full(tar.into()))
        .await
        .map_err(api_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_the_folder_and_file_with_their_owner_and_mode() {
        let file = ContainerFile {
            path: "/etc/quantum-admin/redis.conf".to_owned(),
            contents: b"requirepass x\n".to_vec(),
            mode: 0o600,
            uid: 999,
            gid: 999,
        };
        let bytes = archive(&[file]).expect("archive");
        let mut archive = tar::Archive::new(bytes.as_slice());
        let entries: Vec<(String, u32, u64)> = archive
            .entries()
            .expect("entries")
            .map(|entry| {
                let entry = entry.expect("entry");
                let header = entry.header();
                (
                    entry.path().expect("path").display().to_string(),
                    header.mode().expect("mode"),
                    header.uid().expect("uid"),
                )
            })
            .collect();
        assert_eq!(
            entries,
            [
                ("etc/quantum-admin/".to_owned(), 0o700, 999),
                ("etc/quantum-admin/redis.conf".to_owned(), 0o600, 999)
            ]
        );
    }
}
