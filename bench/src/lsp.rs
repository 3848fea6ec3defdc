//! A minimal LSP client over a child's stdio: framed JSON-RPC, requests timed by the caller,
//! server-to-client requests answered so that no server waits on us.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Answer to `workspace/configuration` items.
    pub configuration: Value,
    /// Notifications received, in order (method, params); the caller may clear it.
    pub notifications: Vec<(String, Value)>,
    pub pid: u32,
    out: Vec<u8>,
}

impl Client {
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Client> {
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new().name("lsp-reader".into()).spawn(move || {
            let mut r = BufReader::with_capacity(1 << 16, stdout);
            let mut line = String::new();
            let mut body = Vec::new();
            loop {
                let mut len: Option<usize> = None;
                loop {
                    line.clear();
                    match r.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = l.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.trim().parse().ok();
                        }
                    }
                }
                let Some(len) = len else { continue };
                body.resize(len, 0);
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                match serde_json::from_slice::<Value>(&body) {
                    Ok(v) => {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                    Err(e) => eprintln!("bench: bad JSON from server: {e}"),
                }
            }
        })?;
        let pid = child.id();
        Ok(Client { child, stdin, rx, next_id: 0, configuration: Value::Null, notifications: Vec::new(), pid, out: Vec::new() })
    }

    fn send(&mut self, v: &Value) -> Result<(), String> {
        let body = serde_json::to_vec(v).map_err(|e| e.to_string())?;
        self.out.clear();
        write!(self.out, "Content-Length: {}\r\n\r\n", body.len()).ok();
        self.out.extend_from_slice(&body);
        self.stdin.write_all(&self.out).and_then(|_| self.stdin.flush()).map_err(|e| format!("write to server: {e}"))
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err` with the error or a
    /// timeout. Server requests and notifications that arrive meanwhile are handled.
    pub fn request(&mut self, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = match self.rx.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return Err(format!("{method}: no answer in {timeout:?}")),
                Err(RecvTimeoutError::Disconnected) => return Err(format!("{method}: the server closed its output")),
            };
            if msg.get("method").is_some() {
                self.handle_incoming(msg)?;
                continue;
            }
            if msg.get("id").and_then(Value::as_i64) == Some(id) {
                if let Some(e) = msg.get("error") {
                    return Err(format!("{method}: {e}"));
                }
                return Ok(msg.get("result").cloned().unwrap_or(Value::Null));
            }
        }
    }

    /// Waits for a notification `method` whose params satisfy `pred`.
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool, timeout: Duration) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        loop {
            while seen < self.notifications.len() {
                let (m, p) = &self.notifications[seen];
                seen += 1;
                if m == method && pred(p) {
                    return Ok(p.clone());
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => {
                    if m.get("method").is_some() {
                        self.handle_incoming(m)?;
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Err(format!("no {method} in {timeout:?}")),
                Err(RecvTimeoutError::Disconnected) => return Err("the server closed its output".into()),
            }
        }
    }

    fn handle_incoming(&mut self, msg: Value) -> Result<(), String> {
        let method = msg.get("method").and_then(Value::as_str).unwrap_or("").to_string();
        match msg.get("id") {
            Some(id) => {
                // a server request: answer at once
                let result = match method.as_str() {
                    "workspace/configuration" => {
                        let n = msg.pointer("/params/items").and_then(Value::as_array).map_or(1, Vec::len);
                        Value::Array(vec![self.configuration.clone(); n])
                    }
                    "window/showDocument" => json!({"success": true}),
                    "workspace/applyEdit" => json!({"applied": false}),
                    _ => Value::Null,
                };
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
            }
            None => {
                if method != "window/logMessage" && method != "$/logTrace" {
                    self.notifications.push((method, msg.get("params").cloned().unwrap_or(Value::Null)));
                    if self.notifications.len() > 10_000 {
                        self.notifications.drain(..5_000);
                    }
                }
                Ok(())
            }
        }
    }

    /// `VmHWM` (peak resident set) of the server process, in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        proc_status_kib(self.pid, "VmHWM:")
    }

    /// `shutdown`, `exit`, and waits for the process (killing it after `timeout`).
    pub fn close(mut self, timeout: Duration) {
        let _ = self.request("shutdown", Value::Null, timeout);
        let _ = self.notify("exit", Value::Null);
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return;
                }
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

pub fn position_params(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// `file://` URI of an absolute path (percent-encoding as gonotes does).
pub fn path_uri(path: &std::path::Path) -> String {
    gonotes::load::path_to_uri(path)
}
