//! A test client: starts the built `gonotes lsp` and speaks JSON-RPC over its stdio.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    pub child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications and server requests seen so far, in order.
    pub seen: Vec<Value>,
    pub cache: tempfile_dir::TempDir,
    /// Error replies with a null id seen so far (answers to frames that could not be read).
    pub null_id_errors: usize,
    /// What `workspace/configuration` answers.
    pub configuration: Value,
    /// What `workspace/applyEdit` answers.
    pub apply_edit: Value,
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

pub fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).expect("json");
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).ok()?;
    serde_json::from_slice(&buf).ok()
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
        let mut child = Command::new(bin())
            .arg("lsp")
            .env("XDG_CACHE_HOME", cache.path())
            .env("GONOTES_LOG", level)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start gonotes lsp");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            seen: Vec::new(),
            cache,
            configuration: Value::Null,
            apply_edit: json!({"applied": true}),
            null_id_errors: 0,
        }
    }

    pub fn builtin_dir(&self) -> PathBuf {
        self.cache.path().join("gonotes").join("builtin")
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let w = self.stdin.as_mut().expect("stdin open");
        w.write_all(bytes).expect("write");
        w.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send_raw(&frame(
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        ));
    }

    /// Sends a request and returns its id, without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send_raw(&frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        ));
        id
    }

    /// The next message from the server, answering its requests (configuration, progress,
    /// showDocument) the way an editor would.
    pub fn recv(&mut self, timeout: Duration) -> Option<Value> {
        match self.rx.recv_timeout(timeout) {
            Ok(v) => {
                if v.get("id") == Some(&Value::Null) && v.get("error").is_some() {
                    self.null_id_errors += 1;
                }
                if v.get("method").is_some() {
                    if let Some(id) = v.get("id").cloned() {
                        let result = match v["method"].as_str() {
                            Some("workspace/configuration") => json!([self.configuration.clone()]),
                            Some("window/showDocument") => json!({"success": true}),
                            Some("workspace/applyEdit") => self.apply_edit.clone(),
                            _ => Value::Null,
                        };
                        self.send_raw(&frame(
                            &json!({"jsonrpc": "2.0", "id": id, "result": result}),
                        ));
                    }
                    self.seen.push(v.clone());
                }
                Some(v)
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Waits for the response to `id`; panics after [`TIMEOUT`].
    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(v) = self.recv(deadline - Instant::now()) {
                if v.get("id").and_then(Value::as_i64) == Some(id) && v.get("method").is_none() {
                    return v;
                }
            }
        }
        panic!("no response to request {id} within {TIMEOUT:?}");
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let r = self.response(id);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Waits until a `gonotes/status` "ready" notification arrives (after any seen so far).
    pub fn wait_ready(&mut self) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(v) = self.recv(deadline - Instant::now()) {
                if v["method"] == "gonotes/status" && v["params"]["state"] == "ready" {
                    return v["params"].clone();
                }
            }
        }
        panic!("the index was not ready within {TIMEOUT:?}");
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
        let root_uri = root.map(gonotes::load::path_to_uri);
        let folders = root_uri
            .as_ref()
            .map(|u| json!([{"uri": u, "name": "ws"}]))
            .unwrap_or(Value::Null);
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": folders,
                "initializationOptions": options,
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"configuration": true, "applyEdit": apply_edit, "didChangeConfiguration": {"dynamicRegistration": false}},
                    "window": {"workDoneProgress": true},
                    "textDocument": {"hover": {"contentFormat": ["markdown"]}}
                }
            }),
        );
        self.notify("initialized", json!({}));
        r
    }

    pub fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}));
    }

    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}))
    }

    pub fn shutdown_and_exit(mut self) -> i32 {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Waits (bounded) for the process to end; stdin stays open.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        panic!("the server did not exit within {TIMEOUT:?}");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
