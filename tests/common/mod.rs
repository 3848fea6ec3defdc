//! The tests' side of the shared test client (`gonotes-testkit`): the built `gonotes lsp`,
//! spawned with a private cache folder, whose calls panic with the reason when the server does
//! not answer as it should (a test's failure), plus fixture helpers.
#![allow(dead_code)]

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

#[allow(unused_imports)]
pub use gonotes_testkit::frame;

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The shared client, started on the built binary.
pub struct Client {
    inner: gonotes_testkit::Client,
    pub cache: tempfile_dir::TempDir,
}

impl Deref for Client {
    type Target = gonotes_testkit::Client;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl DerefMut for Client {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

pub mod tempfile_dir {
    use std::path::{Path, PathBuf};

    /// A folder removed when dropped.
    pub struct TempDir(PathBuf);
    impl TempDir {
        pub fn new(tag: &str) -> TempDir {
            let p = std::env::temp_dir().join(format!(
                "gonotes-test-{tag}-{}-{:?}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos()
            ));
            std::fs::create_dir_all(&p).expect("temp dir");
            TempDir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gonotes"))
}

impl Client {
    /// Starts the server with a private cache folder (where built-in notes are written).
    pub fn start() -> Client {
        Client::start_with_env(&[])
    }

    /// [`Client::start`] with more environment variables (`GOMODCACHE`, `GOPATH`, ...).
    pub fn start_with_env(env: &[(&str, &std::ffi::OsStr)]) -> Client {
        Client::spawn_with("warn", env)
    }

    /// [`Client::start`] with `GONOTES_LOG` set to `level`.
    pub fn start_logging(level: &str) -> Client {
        Client::spawn_with(level, &[])
    }

    fn spawn_with(level: &str, env: &[(&str, &std::ffi::OsStr)]) -> Client {
        let cache = tempfile_dir::TempDir::new("cache");
        let inner = gonotes_testkit::Client::spawn(
            Command::new(bin())
                .arg("lsp")
                .env("XDG_CACHE_HOME", cache.path())
                .env("GONOTES_LOG", level)
                .envs(env.iter().copied())
                .stderr(Stdio::inherit()),
        )
        .expect("start gonotes lsp");
        Client { inner, cache }
    }

    pub fn builtin_dir(&self) -> PathBuf {
        self.cache.path().join("gonotes").join("builtin")
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.inner.send_raw(bytes).expect("write to the server");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.inner
            .notify(method, params)
            .expect("write to the server");
    }

    /// Sends a request and returns its id, without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.inner
            .send_request(method, params)
            .expect("write to the server")
    }

    /// Waits for the response to `id` (the whole message); panics after [`TIMEOUT`].
    pub fn response(&mut self, id: i64) -> Value {
        self.inner
            .response(id, TIMEOUT)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A request's result; panics on an error reply or after [`TIMEOUT`].
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.inner
            .request(method, params, TIMEOUT)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// Waits until a `gonotes/status` "ready" notification arrives (after any seen so far).
    pub fn wait_ready(&mut self) -> Value {
        let from = self.inner.seen.len();
        self.inner
            .wait_for(
                from,
                |m| m["method"] == "gonotes/status" && m["params"]["state"] == "ready",
                TIMEOUT,
            )
            .map(|m| m["params"].clone())
            .unwrap_or_else(|e| panic!("the index was not ready: {e}"))
    }

    pub fn initialize(&mut self, options: Value, root: Option<&Path>, encodings: &[&str]) -> Value {
        self.initialize_with(options, root, encodings, false)
    }

    /// [`Client::initialize`], saying whether the client applies workspace edits.
    pub fn initialize_with(
        &mut self,
        options: Value,
        root: Option<&Path>,
        encodings: &[&str],
        apply_edit: bool,
    ) -> Value {
        let params = gonotes_testkit::initialize_params(options, root, encodings, apply_edit);
        let r = self.request("initialize", params);
        self.notify("initialized", serde_json::json!({}));
        r
    }

    pub fn open(&mut self, uri: &str, language: &str, text: &str) {
        let params = gonotes_testkit::did_open_params(uri, language, 1, text);
        self.notify("textDocument/didOpen", params);
    }

    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        let params = gonotes_testkit::position_params(uri, line, character);
        self.request("textDocument/hover", params)
    }

    pub fn shutdown_and_exit(mut self) -> i32 {
        self.inner
            .shutdown_and_exit(TIMEOUT)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Waits (bounded) for the process to end; stdin stays open.
    pub fn wait_exit(&mut self) -> i32 {
        match self.inner.wait_exit(TIMEOUT) {
            Some(code) => code,
            None => {
                self.inner.kill();
                panic!("the server did not exit within {TIMEOUT:?}");
            }
        }
    }
}

/// `$0` marks the cursor: the text without it, and the (line, utf-16 column) of the mark.
pub fn cursor(fixture: &str) -> (String, u32, u32) {
    let at = fixture.find("$0").expect("fixture has $0");
    let before = &fixture[..at];
    let line = before.matches('\n').count() as u32;
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .encode_utf16()
        .count() as u32;
    (fixture.replacen("$0", "", 1), line, col)
}

/// The `.go` files of `dir`, sorted.
pub fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "go"))
        .collect();
    files.sort();
    files
}
