//! Files the app writes for the user (`.env`, `quantum.toml`, the vault): read when present, and
//! replaced in one step (a temporary file renamed over the old one), so that a failure never
//! leaves half a file and a program watching the file sees one change.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Who may read a file that does not exist yet. An existing file keeps its permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewFile {
    /// As the user's other files (the umask decides): `quantum.toml`, meant to be committed.
    Shared,
    /// The owner only: files that hold secrets (`.env`, the vault and its key file).
    OwnerOnly,
}

/// A path the user typed for a file the app is to write: absolute, in a folder that exists.
pub fn output_path(path: &str) -> Result<PathBuf> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() || !path.parent().is_some_and(Path::is_dir) {
        return Err(Error::validation(
            "validation.invalid_folder",
            "path",
            format!(
                "{} is not a file path in an existing folder. Enter a full path.",
                path.display()
            ),
        ));
    }
    Ok(path)
}

/// The file's text; `None` when there is no file.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::io(
            format!("Could not read {}", path.display()),
            source,
        )),
    }
}

/// Writes `bytes` as the whole file, creating its folder when needed.
pub fn replace(path: &Path, bytes: &[u8], new_file: NewFile) -> Result<()> {
    let io = |source| Error::io(format!("Could not write {}", path.display()), source);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".quantum-admin.tmp");
    let temporary = path.with_file_name(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let mode = match std::fs::metadata(path) {
            Ok(metadata) => metadata.permissions().mode(),
            Err(_) if new_file == NewFile::OwnerOnly => 0o600,
            Err(_) => 0o666,
        };
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = new_file;
    {
        let mut file = options.open(&temporary).map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    // `mode` at creation is filtered by the umask; an existing file's mode is set as it was.
    #[cfg(unix)]
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(&temporary, metadata.permissions()).map_err(io)?;
    }
    std::fs::rename(&temporary, path).map_err(io)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn a_new_secret_file_is_owner_only_and_an_existing_file_keeps_its_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let secret = dir.path().join("nested").join(".env");
        replace(&secret, b"A=1\n", NewFile::OwnerOnly).expect("write");
        assert_eq!(mode(&secret), 0o600);
        assert_eq!(
            read_optional(&secret).expect("read").as_deref(),
            Some("A=1\n")
        );

        let shared = dir.path().join("quantum.toml");
        std::fs::write(&shared, "old").expect("write");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        replace(&shared, b"new", NewFile::OwnerOnly).expect("replace");
        assert_eq!(mode(&shared), 0o640);
        assert_eq!(std::fs::read_to_string(&shared).expect("read"), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            2,
            "no temporary file left"
        );
        assert_eq!(
            read_optional(&dir.path().join("absent")).expect("read"),
            None
        );
    }
}
