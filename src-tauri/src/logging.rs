//! Structured logs: a daily-rotated file in the log dir, and stderr in debug builds.
//! Nothing logs secrets or SQL parameters: the store turns statement logging off.

use std::path::Path;

use quantum_kernel::settings::LogLevel;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, reload, Registry};

const KEPT_FILES: usize = 14;
const QUEUED_LINES: usize = 8_192;

pub struct Logging {
    level: reload::Handle<LevelFilter, Registry>,
    // Flushes the file writer when the app ends.
    _guard: WorkerGuard,
}

impl Logging {
    pub fn init(log_dir: &Path, level: LogLevel) -> Result<Self, Box<dyn std::error::Error>> {
        // The appender prunes old files from this folder as it starts: it must exist by then.
        std::fs::create_dir_all(log_dir)?;
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("quantum-admin")
            .filename_suffix("log")
            .max_log_files(KEPT_FILES)
            .build(log_dir)?;
        // tracing-appender's queue holds 128,000 lines by default, a 4 MB array written through
        // at start and kept for good; 8,192 lines outlast any burst the app logs (past them, lines
        // are dropped rather than the logging thread blocked).
        let (writer, guard) = NonBlockingBuilder::default()
            .buffered_lines_limit(QUEUED_LINES)
            .finish(appender);
        let (filter, handle) = reload::Layer::new(level_filter(level));
        let stderr = cfg!(debug_assertions).then(|| fmt::layer().with_writer(std::io::stderr));
        let installed = tracing_subscriber::registry()
            .with(filter)
            .with(fmt::layer().with_writer(writer).with_ansi(false))
            .with(stderr)
            .try_init();
        if let Err(error) = installed {
            // Only one subscriber per process: a second app in the same test binary keeps the first.
            eprintln!("logging was already set up: {error}");
        }
        Ok(Self {
            level: handle,
            _guard: guard,
        })
    }

    pub fn set_level(&self, level: LogLevel) {
        if let Err(error) = self.level.reload(level_filter(level)) {
            tracing::warn!(%error, "the log level could not be changed");
        }
    }
}

fn level_filter(level: LogLevel) -> LevelFilter {
    match level {
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    }
}
