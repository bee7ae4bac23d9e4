//! Files the app writes for the user (`.env`, `quantum.toml`, the vault): read when present, and
//! replaced in one step (a temporary file renamed over the old one), so that a failure never
//! leaves half a file and a program watching the file sees one change.
//!
//! A project folder is not the app's: a cloned repository can carry symlinks. The temporary file
//! gets a random name and is created exclusively, so a planted link is never followed; a file that
//! is itself a link leading out of the project folder is written through only when confirmed.

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

/// Where a file may lead when it is a symlink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Within<'a> {
    /// The project folder the file belongs to; `None` for the app's data dir or a path the user
    /// chose, where a link is the user's own doing and is written through.
    pub folder: Option<&'a Path>,
    /// The user confirmed writing through a link that leads out of `folder`.
    pub allow_outside: bool,
}

impl<'a> Within<'a> {
    /// A file of the app's own, or one the user chose: links are followed.
    pub const TRUSTED: Within<'static> = Within {
        folder: None,
        allow_outside: false,
    };

    pub fn project(folder: &'a Path, allow_outside: bool) -> Self {
        Self {
            folder: Some(folder),
            allow_outside,
        }
    }
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

/// Writes `bytes` as the whole file, creating its folder when needed. When `path` is a symlink,
/// the file it leads to is replaced and the link kept; one leading out of `within.folder` is
/// refused unless the user confirmed.
pub fn replace(path: &Path, bytes: &[u8], new_file: NewFile, within: Within<'_>) -> Result<()> {
    let io = |source| Error::io(format!("Could not write {}", path.display()), source);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let target = resolve(path).map_err(io)?;
    if let (Some(folder), false) = (within.folder, within.allow_outside) {
        if !target.starts_with(std::fs::canonicalize(folder).map_err(io)?) {
            return Err(Error::SymlinkOutside {
                path: path.display().to_string(),
                target: target.display().to_string(),
            });
        }
    }
    let mut builder = temporary_builder();
    #[cfg(unix)]
    let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Filtered by the umask at creation, as any new file of the user's.
        let mode = match new_file {
            NewFile::OwnerOnly => 0o600,
            NewFile::Shared => 0o666,
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = new_file;
    // Created exclusively under a random name, in the folder of the file it replaces so that
    // the rename stays on one file system.
    let folder = target.parent().unwrap_or(Path::new("."));
    let mut temporary = builder.tempfile_in(folder).map_err(io)?;
    #[cfg(unix)]
    if let Some(permissions) = existing {
        temporary
            .as_file()
            .set_permissions(permissions)
            .map_err(io)?;
    }
    temporary.write_all(bytes).map_err(io)?;
    temporary.as_file().sync_all().map_err(io)?;
    temporary
        .persist(&target)
        .map_err(|error| io(error.error))?;
    Ok(())
}

/// A file that becomes `path` when persisted, for writers that stream into it (exports). Created
/// exclusively under a random name beside `path`: a planted link is never followed and the rename
/// stays on one file system.
pub fn temporary_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    temporary_builder().tempfile_in(folder)
}

/// The app's temporary files are named alike, so that a leftover is recognisable.
fn temporary_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".quantum-admin-").suffix(".tmp");
    builder
}

/// Where writing `path` lands: its symlinks followed (a link to a missing file leads to where that
/// file would be), in canonical form.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        resolved => return resolved,
    }
    let mut path = path.to_owned();
    // The bound on the chain, as the kernel's own (ELOOP).
    for _ in 0..40 {
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
                break;
            };
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            return Ok(std::fs::canonicalize(parent)?.join(name));
        }
        let link = std::fs::read_link(&path)?;
        path = match path.parent() {
            Some(parent) => parent.join(link),
            None => link,
        };
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "the path is not a file, or its links go round in a loop",
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{symlink, PermissionsExt};

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).expect("read")
    }

    #[test]
    fn a_new_secret_file_is_owner_only_and_an_existing_file_keeps_its_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let secret = dir.path().join("nested").join(".env");
        replace(&secret, b"A=1\n", NewFile::OwnerOnly, Within::TRUSTED).expect("write");
        assert_eq!(mode(&secret), 0o600);
        assert_eq!(
            read_optional(&secret).expect("read").as_deref(),
            Some("A=1\n")
        );

        let shared = dir.path().join("quantum.toml");
        std::fs::write(&shared, "old").expect("write");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        replace(&shared, b"new", NewFile::OwnerOnly, Within::TRUSTED).expect("replace");
        assert_eq!(mode(&shared), 0o640);
        assert_eq!(read(&shared), "new");
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

    #[test]
    fn a_planted_link_at_the_old_temporary_name_is_not_followed() {
        let outside = tempfile::tempdir().expect("temp dir");
        let bashrc = outside.path().join(".bashrc");
        std::fs::write(&bashrc, "alias ll='ls -l'\n").expect("write");
        let project = tempfile::tempdir().expect("temp dir");
        let planted = project.path().join("quantum.toml.quantum-admin.tmp");
        symlink(&bashrc, &planted).expect("symlink");
        let file = project.path().join("quantum.toml");

        replace(
            &file,
            b"[project]\n",
            NewFile::Shared,
            Within::project(project.path(), false),
        )
        .expect("write");

        assert_eq!(read(&bashrc), "alias ll='ls -l'\n", "the outside file");
        assert_eq!(read(&file), "[project]\n");
        assert!(!std::fs::symlink_metadata(&file)
            .expect("metadata")
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_file_linking_out_of_the_project_is_refused_unless_confirmed() {
        let outside = tempfile::tempdir().expect("temp dir");
        let bashrc = outside.path().join(".bashrc");
        std::fs::write(&bashrc, "outside\n").expect("write");
        let project = tempfile::tempdir().expect("temp dir");
        let env = project.path().join(".env");
        symlink(&bashrc, &env).expect("symlink");

        let error = replace(
            &env,
            b"A=1\n",
            NewFile::OwnerOnly,
            Within::project(project.path(), false),
        )
        .expect_err("refused");
        assert!(matches!(error, Error::SymlinkOutside { .. }), "{error:?}");
        assert_eq!(crate::Coded::code(&error), "files.symlink_outside");
        assert_eq!(crate::Coded::field(&error), Some("path"));
        assert!(error.to_string().contains(".bashrc"), "{error}");
        assert_eq!(read(&bashrc), "outside\n");

        replace(
            &env,
            b"A=1\n",
            NewFile::OwnerOnly,
            Within::project(project.path(), true),
        )
        .expect("confirmed");
        assert_eq!(read(&bashrc), "A=1\n", "written through the link");
        assert!(std::fs::symlink_metadata(&env)
            .expect("metadata")
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_dir(outside.path()).expect("dir").count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn a_link_inside_the_project_is_written_through() {
        let project = tempfile::tempdir().expect("temp dir");
        let shared = project.path().join("config");
        std::fs::create_dir(&shared).expect("mkdir");
        let real = shared.join("app.env");
        std::fs::write(&real, "A=0\n").expect("write");
        let env = project.path().join(".env");
        symlink("config/app.env", &env).expect("symlink");
        let dangling = project.path().join(".env.local");
        symlink("config/local.env", &dangling).expect("symlink");

        let within = Within::project(project.path(), false);
        replace(&env, b"A=1\n", NewFile::OwnerOnly, within).expect("write");
        replace(&dangling, b"B=1\n", NewFile::OwnerOnly, within).expect("write");

        assert_eq!(read(&real), "A=1\n");
        assert_eq!(read(&shared.join("local.env")), "B=1\n");
        assert!(std::fs::symlink_metadata(&env)
            .expect("metadata")
            .file_type()
            .is_symlink());
    }
}
