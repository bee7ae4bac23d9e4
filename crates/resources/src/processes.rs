//! The machine's processes through sysinfo (Linux, macOS and Windows alike): what each uses,
//! who runs it, and ending one the user picked.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use specta::Type;
use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, Signal, System, UpdateKind, Users};

use crate::{Error, Result};

/// How long an ended process gets to exit before the answer says it is still running.
const EXIT_WAIT: Duration = Duration::from_secs(3);
const EXIT_POLL: Duration = Duration::from_millis(50);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProcessEntry {
    pub pid: u32,
    pub parent: Option<u32>,
    pub name: String,
    pub user: Option<String>,
    /// Of one core, since the previous listing (so above 100 % on several cores).
    pub cpu_percent: f32,
    pub memory_bytes: u64,
    /// Seconds since the Unix epoch; with the pid, what names one process for good (pids are
    /// reused).
    pub started_at: u64,
    pub command: String,
    /// The app itself, which cannot be ended from here.
    pub own: bool,
}

/// The process a port's holder or a listing names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProcessRef {
    pub pid: u32,
    /// Seconds since the Unix epoch: what ending it from a port's row names it by, with the pid.
    pub started_at: u64,
    pub name: String,
    pub user: Option<String>,
    pub command: String,
}

impl std::fmt::Display for ProcessRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (pid {}", self.name, self.pid)?;
        if let Some(user) = &self.user {
            write!(f, ", user {user}")?;
        }
        write!(f, ")")
    }
}

/// Whether an ended process is gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EndOutcome {
    pub pid: u32,
    pub name: String,
    /// False when it is still running after being asked to end: it may be shutting down
    /// slowly or ignore the request; the user can force it.
    pub ended: bool,
}

/// One table for the app's life: CPU use is measured between two listings.
pub struct Processes {
    inner: Mutex<Table>,
}

struct Table {
    system: System,
    users: Users,
    /// When every process was last read; `None` before the first listing.
    listed_at: Option<Instant>,
}

impl Default for Processes {
    fn default() -> Self {
        Self::new()
    }
}

fn details() -> ProcessRefreshKind {
    ProcessRefreshKind::nothing()
        .with_cpu()
        .with_memory()
        .with_user(UpdateKind::OnlyIfNotSet)
        .with_cmd(UpdateKind::OnlyIfNotSet)
}

impl Processes {
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(Table {
                system: System::new(),
                users: Users::new(),
                listed_at: None,
            }),
        }
    }

    /// Every process. Blocking (it reads the OS's process table): call it off the async workers.
    pub fn list(&self) -> Vec<ProcessEntry> {
        let mut table = self.lock();
        let first = table.listed_at.is_none();
        table.refresh_all();
        if first {
            // CPU use is a difference between two readings; the first listing takes its own pair.
            std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
            table.refresh_all();
        }
        let own = sysinfo::get_current_pid().ok();
        let mut entries: Vec<ProcessEntry> = table
            .system
            .processes()
            .values()
            // Threads show as processes on Linux; the listing is of processes.
            .filter(|process| process.thread_kind().is_none())
            .map(|process| ProcessEntry {
                pid: process.pid().as_u32(),
                parent: process.parent().map(Pid::as_u32),
                name: process.name().to_string_lossy().into_owned(),
                user: table.user_name(process),
                cpu_percent: process.cpu_usage(),
                memory_bytes: process.memory(),
                started_at: process.start_time(),
                command: command_line(process),
                own: Some(process.pid()) == own,
            })
            .collect();
        entries.sort_by_key(|entry| entry.pid);
        entries
    }

    /// Names and users of the given pids, read afresh (blocking, like [`Self::list`]).
    pub fn describe(&self, pids: &[u32]) -> Vec<ProcessRef> {
        let mut table = self.lock();
        let pids: Vec<Pid> = pids.iter().copied().map(Pid::from_u32).collect();
        let kind = ProcessRefreshKind::nothing()
            .with_user(UpdateKind::OnlyIfNotSet)
            .with_cmd(UpdateKind::OnlyIfNotSet);
        table
            .system
            .refresh_processes_specifics(ProcessesToUpdate::Some(&pids), true, kind);
        table.refresh_users_once();
        pids.iter()
            .filter_map(|pid| {
                let process = table.system.process(*pid)?;
                Some(ProcessRef {
                    pid: pid.as_u32(),
                    started_at: process.start_time(),
                    name: process.name().to_string_lossy().into_owned(),
                    user: table.user_name(process),
                    command: command_line(process),
                })
            })
            .collect()
    }

    /// Ends the process `pid` that started at `started_at`: asks it to stop (SIGTERM; on
    /// Windows, which has no such request, it is terminated), or kills it when `force`. Then
    /// waits a little for it to be gone. Blocking.
    pub fn end(&self, pid: u32, started_at: u64, force: bool) -> Result<EndOutcome> {
        if sysinfo::get_current_pid().ok().map(Pid::as_u32) == Some(pid) {
            return Err(Error::OwnProcess);
        }
        let mut table = self.lock();
        let target = Pid::from_u32(pid);
        table.refresh_one(target);
        let process = table
            .system
            .process(target)
            .filter(|process| process.start_time() == started_at)
            .ok_or(Error::ProcessGone { pid })?;
        let name = process.name().to_string_lossy().into_owned();
        let sent = if force {
            process
                .kill_with(Signal::Kill)
                .unwrap_or_else(|| process.kill())
        } else {
            process
                .kill_with(Signal::Term)
                .unwrap_or_else(|| process.kill())
        };
        if !sent {
            return Err(Error::NotPermitted { pid, name });
        }
        let deadline = Instant::now() + EXIT_WAIT;
        loop {
            table.refresh_one(target);
            let alive = table
                .system
                .process(target)
                .is_some_and(|p| p.start_time() == started_at && !is_zombie(p));
            if !alive {
                return Ok(EndOutcome {
                    pid,
                    name,
                    ended: true,
                });
            }
            if Instant::now() >= deadline {
                return Ok(EndOutcome {
                    pid,
                    name,
                    ended: false,
                });
            }
            std::thread::sleep(EXIT_POLL);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Table {
    fn refresh_all(&mut self) {
        self.system
            .refresh_processes_specifics(ProcessesToUpdate::All, true, details());
        self.refresh_users_once();
        self.listed_at = Some(Instant::now());
    }

    fn refresh_one(&mut self, pid: Pid) {
        self.system.refresh_processes_specifics(
            ProcessesToUpdate::Some(&[pid]),
            true,
            ProcessRefreshKind::nothing(),
        );
    }

    /// Accounts are read once; a user added while the app runs shows by uid until it restarts.
    fn refresh_users_once(&mut self) {
        if self.users.list().is_empty() {
            self.users.refresh();
        }
    }

    fn user_name(&self, process: &sysinfo::Process) -> Option<String> {
        let uid = process.user_id()?;
        Some(
            self.users
                .get_user_by_id(uid)
                .map(|user| user.name().to_owned())
                .unwrap_or_else(|| uid.to_string()),
        )
    }
}

/// A process that has exited but whose parent has not yet read its status is gone for the user.
fn is_zombie(process: &sysinfo::Process) -> bool {
    matches!(process.status(), sysinfo::ProcessStatus::Zombie)
}

fn command_line(process: &sysinfo::Process) -> String {
    let parts: Vec<String> = process
        .cmd()
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        // Kernel threads and processes of other users on macOS have no readable command line.
        process.name().to_string_lossy().into_owned()
    } else {
        parts.join(" ")
    }
}
