//! The updater against a local update server, with the plugin's real signature check: keys are
//! made here for each test (minisign, as `tauri signer` does), never committed.

mod common;

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use quantum_admin_lib::updater::{self, UpdateProgress, Updates};
use quantum_admin_lib::AppState;
use serde_json::{json, Value};
use tauri::test::{mock_context, noop_assets};
use tauri::Manager;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use common::{start_with, TestApp};

/// The version the mock context gives the app.
const CURRENT: &str = "0.1.0";

/// A signing key as the release workflow holds it; the app gets only the public half.
struct Key(minisign::KeyPair);

impl Key {
    fn generate() -> Self {
        Self(minisign::KeyPair::generate_unencrypted_keypair().expect("key pair"))
    }

    /// The public key as it goes in `plugins.updater.pubkey`: the base64 of the `.pub` file.
    fn public(&self) -> String {
        let file = self.0.pk.to_box().expect("public key box").to_string();
        base64::engine::general_purpose::STANDARD.encode(file)
    }

    /// A signature as `latest.json` carries it: the base64 of the `.sig` file. Like `tauri build`
    /// (CLI 2.12), it binds the artifact to its version in the signed trusted comment.
    fn sign(&self, data: &[u8], version: &str) -> String {
        let trusted_comment =
            format!("timestamp:0\tfile:quantum-admin.AppImage\tversion:{version}");
        let signature = minisign::sign(
            Some(&self.0.pk),
            &self.0.sk,
            Cursor::new(data),
            Some(&trusted_comment),
            Some("signature from tauri secret key"),
        )
        .expect("signature");
        base64::engine::general_purpose::STANDARD.encode(signature.to_string())
    }
}

/// What the server answers, by path: a status and a body.
type Routes = Arc<Mutex<HashMap<String, (u16, Vec<u8>)>>>;

/// An HTTP server on 127.0.0.1 answering each path with the status and body set for it.
struct UpdateServer {
    base: String,
    routes: Routes,
}

impl UpdateServer {
    fn start() -> Self {
        let listener =
            tauri::async_runtime::block_on(TcpListener::bind("127.0.0.1:0")).expect("a local port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let routes = Routes::default();
        let served = Arc::clone(&routes);
        tauri::async_runtime::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let routes = Arc::clone(&served);
                tauri::async_runtime::spawn(async move {
                    let mut stream = BufReader::new(stream);
                    let mut request_line = String::new();
                    if stream.read_line(&mut request_line).await.is_err() {
                        return;
                    }
                    let mut header = String::new();
                    while stream
                        .read_line(&mut header)
                        .await
                        .is_ok_and(|read| read > 2)
                    {
                        header.clear();
                    }
                    let path = request_line.split(' ').nth(1).unwrap_or("/");
                    let (status, body) = lock(&routes)
                        .get(path)
                        .cloned()
                        .unwrap_or((404, b"not found".to_vec()));
                    let head = format!(
                        "HTTP/1.1 {status} Status\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let stream = stream.get_mut();
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(&body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self { base, routes }
    }

    fn serve(&self, path: &str, status: u16, body: Vec<u8>) {
        lock(&self.routes).insert(path.to_owned(), (status, body));
    }

    /// Announces `version` in `latest.json` for every desktop platform, with `artifact` and
    /// `signature`, as tauri-action publishes them.
    fn release(&self, version: &str, artifact: &[u8], signature: &str) {
        let platform = json!({ "signature": signature, "url": format!("{}/artifact", self.base) });
        let manifest = json!({
            "version": version,
            "notes": NOTES,
            "pub_date": "2026-11-20T10:00:00Z",
            "platforms": {
                "linux-x86_64": platform,
                "linux-aarch64": platform,
                "darwin-x86_64": platform,
                "darwin-aarch64": platform,
                "windows-x86_64": platform,
            }
        });
        self.serve("/latest.json", 200, manifest.to_string().into_bytes());
        self.serve("/artifact", 200, artifact.to_vec());
    }

    fn manifest_url(&self) -> String {
        format!("{}/latest.json", self.base)
    }
}

const NOTES: &str = "Faster start.\n<script>alert(1)</script> stays text.";

/// The bytes of a release's installer, large enough to come in several chunks.
fn artifact() -> Vec<u8> {
    (0..600_000u32).map(|i| (i % 251) as u8).collect()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The app with the data dir it lives in.
struct UpdaterApp {
    app: TestApp,
    _data_dir: tempfile::TempDir,
}

impl std::ops::Deref for UpdaterApp {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// The app as the release workflow configures it: the updater's public key in `plugins.updater`
/// (`None`: a build without one) and signatures bound to their version; Settings point at
/// `endpoint`.
fn start(pubkey: Option<&str>, endpoint: Option<&str>) -> UpdaterApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut context = mock_context(noop_assets());
    if let Some(pubkey) = pubkey {
        context.config_mut().plugins.0.insert(
            "updater".into(),
            json!({ "pubkey": pubkey, "requireSignedVersion": true }),
        );
    }
    let app = UpdaterApp {
        app: start_with(data_dir.path(), context),
        _data_dir: data_dir,
    };
    if let Some(endpoint) = endpoint {
        app.set_endpoint(endpoint)
            .expect("the endpoint is accepted");
    }
    app
}

impl UpdaterApp {
    fn set_endpoint(&self, endpoint: &str) -> Result<Value, Value> {
        let mut settings = self.ok("settings_get", json!({}));
        settings["updateEndpoint"] = json!(endpoint);
        self.invoke("settings_update", json!({ "settings": settings }))
    }

    fn check(&self) -> Result<Value, Value> {
        self.invoke("updates_check", json!({}))
    }

    fn install(&self) -> Result<Value, Value> {
        self.invoke("updates_install", json!({ "onProgress": "__CHANNEL__:1" }))
    }

    fn updates(&self) -> tauri::State<'_, Updates> {
        self.app.app.state::<Updates>()
    }

    fn state(&self) -> tauri::State<'_, AppState> {
        self.app.app.state::<AppState>()
    }
}

/// The app still answers, and asks the update server again without trouble.
fn assert_keeps_running(app: &UpdaterApp) {
    assert_eq!(
        app.ok("app_info", json!({}))["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert!(app.check().is_ok(), "a new check works after the failure");
}

#[test]
fn a_newer_version_is_offered_with_its_notes_and_its_download_verifies() {
    let key = Key::generate();
    let server = UpdateServer::start();
    let artifact = artifact();
    server.release("0.2.0", &artifact, &key.sign(&artifact, "0.2.0"));
    let app = start(Some(&key.public()), Some(&server.manifest_url()));

    let offered = app.check().expect("the check succeeds");
    assert_eq!(
        offered,
        json!({
            "version": "0.2.0",
            "currentVersion": CURRENT,
            "notes": NOTES,
            "date": "2026-11-20T10:00:00Z",
        })
    );

    let progress = Mutex::new(Vec::new());
    let (_, bytes) =
        tauri::async_runtime::block_on(app.updates().download(&|step| lock(&progress).push(step)))
            .expect("a correctly signed update verifies");
    assert_eq!(bytes, artifact);
    let progress = progress.into_inner().expect("progress");
    assert_eq!(progress.first(), Some(&UpdateProgress::Started));
    let total = Some(artifact.len() as u64);
    assert_eq!(
        progress.last(),
        Some(&UpdateProgress::Progress {
            downloaded: artifact.len() as u64,
            total
        })
    );
    assert!(progress.len() > 2, "progress comes in steps: {progress:?}");
}

#[test]
fn the_same_or_an_older_version_is_not_offered() {
    let key = Key::generate();
    let server = UpdateServer::start();
    let artifact = artifact();
    let app = start(Some(&key.public()), Some(&server.manifest_url()));
    for version in [CURRENT, "0.0.9"] {
        server.release(version, &artifact, &key.sign(&artifact, version));
        assert_eq!(app.check(), Ok(Value::Null), "{version} is not offered");
    }
    let error = app.install().expect_err("nothing to install");
    assert_eq!(error["code"], "update.unavailable");
}

#[test]
fn a_tampered_update_is_rejected_and_the_app_keeps_running() {
    let key = Key::generate();
    let server = UpdateServer::start();
    let artifact = artifact();
    let signature = key.sign(&artifact, "0.2.0");
    let mut tampered = artifact.clone();
    tampered[1000] ^= 0xff;
    server.release("0.2.0", &tampered, &signature);
    let app = start(Some(&key.public()), Some(&server.manifest_url()));

    assert_eq!(app.check().expect("offered")["version"], "0.2.0");
    let error = app.install().expect_err("a tampered update is refused");
    assert_eq!(error["code"], "update.signature_invalid");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("discarded") && message.contains("0.1.0 keeps running"),
        "{message}"
    );
    assert_keeps_running(&app);
}

#[test]
fn an_update_signed_with_another_key_is_rejected() {
    let trusted = Key::generate();
    let other = Key::generate();
    let server = UpdateServer::start();
    let artifact = artifact();
    server.release("0.2.0", &artifact, &other.sign(&artifact, "0.2.0"));
    let app = start(Some(&trusted.public()), Some(&server.manifest_url()));

    assert_eq!(app.check().expect("offered")["version"], "0.2.0");
    let error = app
        .install()
        .expect_err("another key's signature is refused");
    assert_eq!(error["code"], "update.signature_invalid");
    assert_keeps_running(&app);
}

/// A tampered `latest.json` announcing a new version with an older release's signed artifact.
#[test]
fn an_update_signed_for_another_version_is_rejected() {
    let key = Key::generate();
    let server = UpdateServer::start();
    let artifact = artifact();
    server.release("0.3.0", &artifact, &key.sign(&artifact, "0.2.0"));
    let app = start(Some(&key.public()), Some(&server.manifest_url()));

    assert_eq!(app.check().expect("offered")["version"], "0.3.0");
    let error = app
        .install()
        .expect_err("the signed version does not match");
    assert_eq!(error["code"], "update.signature_invalid");
    assert_keeps_running(&app);
}

#[test]
fn an_unreachable_or_failing_server_gives_a_clear_message() {
    let key = Key::generate();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let unreachable = format!(
        "http://{}/latest.json",
        closed.local_addr().expect("address")
    );
    drop(closed);
    let app = start(Some(&key.public()), Some(&unreachable));

    let error = app.check().expect_err("nothing answers");
    assert_eq!(error["code"], "update.unavailable");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("could not be reached") && message.contains("keeps running"),
        "{message}"
    );

    let server = UpdateServer::start();
    server.serve("/latest.json", 500, b"internal error".to_vec());
    app.set_endpoint(&server.manifest_url()).expect("endpoint");
    let error = app.check().expect_err("the server fails");
    assert_eq!(error["code"], "update.unavailable");
    assert_eq!(
        app.ok("app_info", json!({}))["version"],
        env!("CARGO_PKG_VERSION")
    );
}

#[test]
fn a_skipped_version_is_not_announced_automatically_but_a_manual_check_shows_it() {
    let key = Key::generate();
    let server = UpdateServer::start();
    let artifact = artifact();
    server.release("0.2.0", &artifact, &key.sign(&artifact, "0.2.0"));
    let app = start(Some(&key.public()), Some(&server.manifest_url()));

    let settings = app.ok("updates_skip", json!({ "version": "0.2.0" }));
    assert_eq!(settings["skippedVersion"], "0.2.0");
    tauri::async_runtime::block_on(updater::check_automatically(&app.updates(), &app.state()));
    assert_eq!(app.ok("updates_pending", json!({})), Value::Null);
    assert_eq!(app.check().expect("manual check")["version"], "0.2.0");

    server.release("0.3.0", &artifact, &key.sign(&artifact, "0.3.0"));
    tauri::async_runtime::block_on(updater::check_automatically(&app.updates(), &app.state()));
    assert_eq!(app.ok("updates_pending", json!({}))["version"], "0.3.0");
}

#[test]
fn a_build_without_an_update_key_does_not_check() {
    let app = start(None, None);
    let error = app.check().expect_err("no key, no check");
    assert_eq!(error["code"], "update.disabled");
    assert_eq!(app.ok("updates_pending", json!({})), Value::Null);
}

#[test]
fn an_update_server_must_be_https_or_this_computer() {
    let app = start(None, None);
    let error = app
        .set_endpoint("http://updates.example.com/latest.json")
        .expect_err("plain http to another computer is refused");
    assert_eq!(error["code"], "validation.invalid_update_endpoint");
    assert_eq!(error["field"], "updateEndpoint");
    assert!(app
        .set_endpoint("https://updates.example.com/latest.json")
        .is_ok());
    assert!(app.set_endpoint("").is_ok());
    assert_eq!(
        app.ok("settings_get", json!({}))["updateEndpoint"],
        Value::Null
    );
}
