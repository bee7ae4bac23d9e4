//! The user's preferences. The shell persists them (tauri-plugin-store); the core owns their shape
//! and defaults so that every layer agrees on them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::engine::Engine;
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    /// Follows the operating system's light or dark mode.
    #[default]
    System,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub theme: Theme,
    /// Closing the window hides it to the tray instead of quitting.
    pub close_to_tray: bool,
    pub log_level: LogLevel,
    /// Images that replace the official default per engine, e.g. a company mirror or a pinned tag.
    pub engine_images: BTreeMap<Engine, String>,
    /// Check for updates at start and every six hours (release builds only).
    pub auto_check_updates: bool,
    /// Install a found update without asking, once no operation is under way.
    pub auto_install_updates: bool,
    /// A version the user chose to skip: automatic checks do not offer it, a manual check does.
    pub skipped_version: Option<String>,
    /// The `latest.json` of an update server that replaces the default one (a company's own).
    pub update_endpoint: Option<String>,
    /// Start the app, in the tray, when the user logs in (the OS's own autostart entry).
    pub start_at_login: bool,
    /// Tell the user through the desktop's notifications when something needs them.
    pub desktop_notifications: bool,
    /// Snapshots kept per datasource; taking one more deletes the oldest (and says so).
    pub snapshots_kept: u32,
    /// Test runs kept per project; a new run deletes the oldest.
    pub test_runs_kept: u32,
    /// How to open a file at a line from a test failure: `{file}` and `{line}` are replaced
    /// (each as one argument). Empty: VS Code's `code --goto {file}:{line}`.
    pub editor_command: Option<String>,
    /// Where the sidebar's Docs entry leads: a team's handbook, the project's wiki. http(s).
    pub docs_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            close_to_tray: true,
            log_level: LogLevel::Info,
            engine_images: BTreeMap::new(),
            auto_check_updates: true,
            auto_install_updates: false,
            skipped_version: None,
            update_endpoint: None,
            start_at_login: false,
            desktop_notifications: true,
            snapshots_kept: 10,
            test_runs_kept: 100,
            editor_command: None,
            docs_url: None,
        }
    }
}

impl Settings {
    /// Reads saved settings. Missing fields take their defaults, so a file written by an older
    /// version still loads; unknown fields are ignored.
    pub fn from_saved(saved: serde_json::Value) -> Result<Self, serde_json::Error> {
        let mut merged = serde_json::to_value(Self::default())?;
        if let (Some(merged), serde_json::Value::Object(saved)) = (merged.as_object_mut(), saved) {
            merged.extend(saved);
        }
        serde_json::from_value(merged)
    }

    /// Checks what the user typed; an empty update server means the default one.
    pub fn validated(mut self) -> Result<Self> {
        self.update_endpoint = match self.update_endpoint.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(endpoint) => Some(parse_update_endpoint(endpoint)?.to_string()),
        };
        if !(1..=100).contains(&self.snapshots_kept) {
            return Err(Error::validation(
                "validation.invalid_snapshots_kept",
                "snapshotsKept",
                "Keep from 1 to 100 snapshots per datasource.",
            ));
        }
        if !(1..=1000).contains(&self.test_runs_kept) {
            return Err(Error::validation(
                "validation.invalid_test_runs_kept",
                "testRunsKept",
                "Keep from 1 to 1000 test runs per project.",
            ));
        }
        self.editor_command = match self.editor_command.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(command) if command.contains("{file}") => Some(command.to_owned()),
            Some(_) => {
                return Err(Error::validation(
                    "validation.invalid_editor_command",
                    "editorCommand",
                    "Put {file} (and {line}) where the file goes, e.g. code --goto {file}:{line} or subl {file}:{line}.",
                ))
            }
        };
        self.docs_url = match self.docs_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(address) => match url::Url::parse(address) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
                    Some(parsed.to_string())
                }
                _ => return Err(Error::validation(
                    "validation.invalid_docs_url",
                    "docsUrl",
                    "Give the documentation's web address, starting with https:// (or http://).",
                )),
            },
        };
        Ok(self)
    }
}

/// An update server's URL: https, or http to this computer only (a local mirror or a test server).
pub fn parse_update_endpoint(endpoint: &str) -> Result<url::Url> {
    let invalid = |message: &str| {
        Error::validation(
            "validation.invalid_update_endpoint",
            "updateEndpoint",
            format!("{message} Example: https://updates.example.com/quantum-admin/latest.json"),
        )
    };
    let url = url::Url::parse(endpoint.trim())
        .map_err(|_| invalid("Enter the full address of the update server's latest.json."))?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(invalid(
            "Use https: plain http is accepted only for this computer (localhost or 127.0.0.1).",
        )),
        _ => Err(invalid("Enter an https address.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded;

    #[test]
    fn a_partial_settings_file_keeps_the_defaults_for_what_it_lacks() {
        let settings = Settings::from_saved(serde_json::json!({ "theme": "dark", "removed": 1 }))
            .expect("partial settings parse");
        assert_eq!(settings.theme, Theme::Dark);
        assert!(settings.close_to_tray);
        assert_eq!(settings.log_level, LogLevel::Info);
    }

    #[test]
    fn a_wrong_value_is_an_error_not_a_silent_default() {
        assert!(Settings::from_saved(serde_json::json!({ "theme": "neon" })).is_err());
    }

    #[test]
    fn settings_saved_before_the_updater_get_its_defaults() {
        let settings = Settings::from_saved(serde_json::json!({ "theme": "light" }))
            .expect("older settings parse");
        assert!(settings.auto_check_updates);
        assert!(!settings.auto_install_updates);
        assert_eq!(settings.skipped_version, None);
        assert_eq!(settings.update_endpoint, None);
    }

    #[test]
    fn settings_saved_before_the_desktop_settings_get_their_defaults() {
        let settings = Settings::from_saved(serde_json::json!({ "theme": "light" }))
            .expect("older settings parse");
        assert!(!settings.start_at_login, "start at login is opt-in");
        assert!(settings.desktop_notifications);
    }

    #[test]
    fn update_servers_must_be_https_or_this_computer() {
        let with = |endpoint: &str| {
            Settings {
                update_endpoint: Some(endpoint.to_owned()),
                ..Settings::default()
            }
            .validated()
        };
        for accepted in [
            "https://updates.example.com/latest.json",
            "http://127.0.0.1:8080/latest.json",
            "http://localhost/latest.json",
            "http://[::1]:9000/latest.json",
        ] {
            assert!(with(accepted).is_ok(), "{accepted} is accepted");
        }
        for refused in [
            "http://updates.example.com/latest.json",
            "http://127.0.0.2/latest.json",
            "ftp://example.com/latest.json",
            "updates.example.com/latest.json",
            "file:///tmp/latest.json",
        ] {
            let error = with(refused).expect_err(refused);
            assert_eq!(
                error.code(),
                "validation.invalid_update_endpoint",
                "{refused}"
            );
        }
        let blank = with("  ").expect("blank means the default server");
        assert_eq!(blank.update_endpoint, None);
    }
}
