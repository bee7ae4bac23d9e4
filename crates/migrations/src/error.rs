//! What can go wrong reading or running migrations, said so that the user knows what to fix.

use quantum_kernel::{domain_error, Coded};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kernel(#[from] quantum_kernel::Error),
    #[error(transparent)]
    Schema(#[from] quantum_schema::Error),
    #[error("No migrations folder for “{datasource}”: looked in {looked}. Create one, or set `migrations` for it in quantum.toml.")]
    NoFolder { datasource: String, looked: String },
    #[error("The migrations in {folder} could not be read: {message}")]
    Files { folder: String, message: String },
    #[error("The database holds the history table of {format}, not sqlx's, while the files in {folder} are named as sqlx's. Set `migrations_format` for this database in quantum.toml to the tool that applied them.")]
    Unsupported { folder: String, format: String },
    #[error("Migration {version} ({name}) failed: {message}{at}. Nothing of it is recorded as applied; the migrations before it stay applied.", at = line.map(|l| format!(" (line {l} of its file)")).unwrap_or_default())]
    Failed {
        version: i64,
        name: String,
        message: String,
        line: Option<u32>,
    },
    #[error("Migration {version} ({name}) has no down file, so it cannot be rolled back by SQL. Write its down file (what undoes it), or restore the snapshot taken before it was applied (the datasource's snapshots list).")]
    NotReversible { version: i64, name: String },
    #[error("A migration named “{0}” is not possible: use letters, digits, spaces, '-' and '_' (at most 80).")]
    BadName(String),
    #[error("Migration {0} failed half-way earlier and is marked failed in the history table: restore the snapshot taken before it (the datasource's snapshots list), or finish or undo its statements by hand and fix its row in the history table.")]
    Dirty(i64),
    #[error("Migration {0} was changed since it was applied (its checksum differs): put the file back as it was, and write the change as a new migration.")]
    Changed(i64),
    #[error("There is no migration {0} in the folder.")]
    NoSuchVersion(i64),
    #[error("The database's migration history could not be read or written: {0}")]
    History(String),
}

impl Coded for Error {
    fn is_fault(&self) -> bool {
        matches!(self, Self::Kernel(error) if error.is_fault())
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::BadName(_) => Some("name"),
            Self::Kernel(error) => error.field(),
            _ => None,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Kernel(error) => error.code(),
            Self::Schema(error) => error.code(),
            Self::NoFolder { .. } => "migrations.no_folder",
            Self::Files { .. } => "migrations.files",
            Self::Unsupported { .. } => "migrations.unsupported_format",
            Self::Failed { .. } => "migrations.failed",
            Self::NotReversible { .. } => "migrations.not_reversible",
            Self::Dirty(_) => "migrations.dirty",
            Self::BadName(_) => "migrations.bad_name",
            Self::Changed(_) => "migrations.changed",
            Self::NoSuchVersion(_) => "migrations.no_such_version",
            Self::History(_) => "migrations.history",
        }
    }
}

domain_error!(Error);
