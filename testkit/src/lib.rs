//! The one LSP client that drives gonotes in its tests, its benchmark and its fuzz targets:
//! framing ([`frame`], [`messages`], [`Decoder`]), the answers an editor gives to the server's
//! own requests ([`Answers`]), the params of the messages every driver sends
//! ([`initialize_params`], [`did_open_params`], [`position_params`]), and [`Client`], the spawned
//! `gonotes lsp` over its stdio with typed requests ([`Client::request_typed`]). Every wait is
//! bounded by a timeout the caller gives; errors are `Err(String)` for the caller to report.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::request::Request;

/// A message body in its frame: `Content-Length: N\r\n\r\n` and the body.
pub fn frame_bytes(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON-RPC message in its frame.
pub fn frame(message: &Value) -> Vec<u8> {
    frame_bytes(&serde_json::to_vec(message).unwrap_or_default())
}

/// Frames out of a byte stream, as they complete.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    at: usize,
}

impl Decoder {
    pub fn push(&mut self, bytes: &[u8]) {
        // what was read is dropped (a frame cut short moves to the front)
        self.buf.drain(..self.at);
        self.at = 0;
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete message: `None` until one is complete; `Err` for a frame that is not
    /// a JSON-RPC 2.0 message (the stream cannot be trusted after it).
    pub fn next_message(&mut self) -> Option<Result<Value, String>> {
        let rest = &self.buf[self.at..];
        let end = rest.windows(4).position(|w| w == b"\r\n\r\n")?;
        let header = String::from_utf8_lossy(&rest[..end]);
        let len = header.split("\r\n").find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        });
        let Some(len) = len else {
            return Some(Err(format!("a header without Content-Length: {header:?}")));
        };
        let body = rest.get(end + 4..end + 4 + len)?;
        self.at += end + 4 + len;
        Some(match serde_json::from_slice::<Value>(body) {
            Ok(v) if v.get("jsonrpc").and_then(Value::as_str) == Some("2.0") => Ok(v),
            Ok(v) => Err(format!("not a JSON-RPC 2.0 message: {v}")),
            Err(e) => Err(format!(
                "a body that is not JSON ({e}): {:?}",
                String::from_utf8_lossy(body)
            )),
        })
    }
}

/// Every complete message in `out` (a frame cut short at the very end is left out: a session
/// may end while a write is under way); `Err` at the first malformed frame.
pub fn messages(out: &[u8]) -> Result<Vec<Value>, String> {
    let mut d = Decoder::default();
    d.push(out);
    let mut all = Vec::new();
    while let Some(m) = d.next_message() {
        all.push(m?);
    }
    Ok(all)
}

/// What the client answers to the server's own requests, as an editor would.
#[derive(Clone, Debug)]
pub struct Answers {
    /// The `gonotes` section, for each item of `workspace/configuration`.
    pub configuration: Value,
    /// The answer to `workspace/applyEdit`.
    pub apply_edit: Value,
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            configuration: Value::Null,
            apply_edit: json!({ "applied": true }),
        }
    }
}

impl Answers {
    /// The result for a request `method` from the server (`null` for any other).
    pub fn answer(&self, method: &str, params: &Value) -> Value {
        match method {
            "workspace/configuration" => {
                let n = params
                    .get("items")
                    .and_then(Value::as_array)
                    .map_or(1, Vec::len);
                Value::Array(vec![self.configuration.clone(); n])
            }
            "window/showDocument" => json!({ "success": true }),
            "workspace/applyEdit" => self.apply_edit.clone(),
            _ => Value::Null,
        }
    }
}

/// `initialize`'s params: a client that pulls configuration, reports work-done progress, reads
/// Markdown hovers, and offers `encodings` (`utf-8`, `utf-16`).
pub fn initialize_params(
    options: Value,
    root: Option<&Path>,
    encodings: &[&str],
    apply_edit: bool,
) -> Value {
    let root_uri = root.map(path_uri);
    let folders = root_uri
        .as_ref()
        .map(|u| json!([{ "uri": u, "name": "ws" }]))
        .unwrap_or(Value::Null);
    json!({
        "processId": null,
        "rootUri": root_uri,
        "workspaceFolders": folders,
        "initializationOptions": options,
        "capabilities": {
            "general": { "positionEncodings": encodings },
            "workspace": {
                "configuration": true,
                "applyEdit": apply_edit,
                "didChangeConfiguration": { "dynamicRegistration": false }
            },
            "window": { "workDoneProgress": true },
            "textDocument": { "hover": { "contentFormat": ["markdown"] } }
        }
    })
}

pub fn did_open_params(uri: &str, language: &str, version: i64, text: &str) -> Value {
    json!({ "textDocument": { "uri": uri, "languageId": language, "version": version, "text": text } })
}

pub fn position_params(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// `file://` URI of a path, percent-encoded as gonotes writes them.
pub fn path_uri(path: &Path) -> String {
    gonotes::load::path_to_uri(path)
}

/// `gonotes lsp` (or any server) spawned, spoken to over its stdio. Messages from the server
/// are read on a thread of their own; the server's requests are answered from [`Answers`] as
/// they arrive, whatever the client is waiting for.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    out: Vec<u8>,
    /// Notifications and requests from the server so far, in order.
    pub seen: Vec<Value>,
    /// Error replies with a null id so far (answers to frames the server could not read).
    pub null_id_errors: usize,
    /// What `workspace/configuration` answers.
    pub configuration: Value,
    /// What `workspace/applyEdit` answers.
    pub apply_edit: Value,
}

impl Client {
    /// Spawns `cmd` with piped stdin and stdout (stderr as `cmd` says).
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Client> {
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        let stdout = child.stdout.take().expect("piped stdout");
        let stdin = child.stdin.take();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("lsp-client-reader".into())
            .spawn(move || {
                let mut r = BufReader::with_capacity(1 << 16, stdout);
                let mut d = Decoder::default();
                loop {
                    let n = match r.fill_buf() {
                        Ok([]) | Err(_) => return,
                        Ok(b) => {
                            d.push(b);
                            b.len()
                        }
                    };
                    r.consume(n);
                    while let Some(m) = d.next_message() {
                        let Ok(v) = m else { return };
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            })?;
        let answers = Answers::default();
        Ok(Client {
            child,
            stdin,
            rx,
            next_id: 0,
            out: Vec::new(),
            seen: Vec::new(),
            null_id_errors: 0,
            configuration: answers.configuration,
            apply_edit: answers.apply_edit,
        })
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send_raw(&mut self, bytes: &[u8]) -> Result<(), String> {
        let w = self.stdin.as_mut().ok_or("the server's input is closed")?;
        w.write_all(bytes)
            .and_then(|_| w.flush())
            .map_err(|e| format!("write to the server: {e}"))
    }

    fn send(&mut self, message: &Value) -> Result<(), String> {
        let body = serde_json::to_vec(message).map_err(|e| e.to_string())?;
        self.out.clear();
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n", body.len());
        self.out.extend_from_slice(&body);
        let out = std::mem::take(&mut self.out);
        let sent = self.send_raw(&out);
        self.out = out;
        sent
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
    }

    pub fn notify_typed<N: Notification>(&mut self, params: N::Params) -> Result<(), String>
    where
        N::Params: Serialize,
    {
        let params = serde_json::to_value(params).map_err(|e| e.to_string())?;
        self.notify(N::METHOD, params)
    }

    /// Sends a request without waiting; its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> Result<i64, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        Ok(id)
    }

    /// The next message from the server within `timeout`, after answering it when it is a
    /// request and noting it in [`Client::seen`] when it is not a response.
    pub fn recv(&mut self, timeout: Duration) -> Option<Value> {
        let v = match self.rx.recv_timeout(timeout) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        if v.get("id") == Some(&Value::Null) && v.get("error").is_some() {
            self.null_id_errors += 1;
        }
        if let Some(method) = v.get("method").and_then(Value::as_str) {
            if let Some(id) = v.get("id").cloned() {
                let answers = Answers {
                    configuration: self.configuration.clone(),
                    apply_edit: self.apply_edit.clone(),
                };
                let result = answers.answer(method, v.get("params").unwrap_or(&Value::Null));
                let _ = self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
            }
            self.seen.push(v.clone());
        }
        Some(v)
    }

    /// The response to request `id` (the whole message, `result` or `error`).
    pub fn response(&mut self, id: i64, timeout: Duration) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("no response to request {id} within {timeout:?}"));
            }
            let Some(v) = self.recv(left) else {
                if self.child.try_wait().is_ok_and(|s| s.is_some()) {
                    return Err(format!("the server exited before answering request {id}"));
                }
                continue;
            };
            if v.get("method").is_none() && v.get("id").and_then(Value::as_i64) == Some(id) {
                return Ok(v);
            }
        }
    }

    /// Sends a request and waits for its result; an error reply is `Err`.
    pub fn request(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, String> {
        let id = self.send_request(method, params)?;
        let r = self.response(id, timeout)?;
        match r.get("error") {
            Some(e) => Err(format!("{method}: {e}")),
            None => Ok(r.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// [`Client::request`] with the request's types: `R::Params` in, `R::Result` out.
    pub fn request_typed<R: Request>(
        &mut self,
        params: R::Params,
        timeout: Duration,
    ) -> Result<R::Result, String>
    where
        R::Params: Serialize,
        R::Result: DeserializeOwned,
    {
        let params = serde_json::to_value(params).map_err(|e| e.to_string())?;
        let result = self.request(R::METHOD, params, timeout)?;
        serde_json::from_value(result).map_err(|e| format!("{}: {e}", R::METHOD))
    }

    /// Waits for a notification or request from the server, among those seen from `from` on
    /// (an index into [`Client::seen`]), that `pred` accepts.
    pub fn wait_for(
        &mut self,
        from: usize,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        let mut checked = from;
        loop {
            if let Some(v) = self
                .seen
                .get(checked..)
                .and_then(|s| s.iter().find(|m| pred(m)))
            {
                return Ok(v.clone());
            }
            checked = self.seen.len().max(from);
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("not seen within {timeout:?}"));
            }
            self.recv(left);
        }
    }

    /// Waits for a notification `method` (seen at any time) whose params `pred` accepts.
    pub fn wait_notification(
        &mut self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Result<Value, String> {
        self.wait_for(0, |m| m["method"] == method && pred(&m["params"]), timeout)
            .map(|m| m["params"].clone())
            .map_err(|e| format!("no {method}: {e}"))
    }

    /// Closes the server's input (it then sees the end of its stream).
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to end: its exit code, or `None` after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// `shutdown`, `exit`, and the exit code (the process is killed after `timeout`).
    pub fn shutdown_and_exit(&mut self, timeout: Duration) -> Result<i32, String> {
        self.request("shutdown", Value::Null, timeout)?;
        self.notify("exit", Value::Null)?;
        match self.wait_exit(timeout) {
            Some(code) => Ok(code),
            None => {
                self.kill();
                Err(format!("the server did not exit within {timeout:?}"))
            }
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_decode_as_they_complete() {
        let a = json!({ "jsonrpc": "2.0", "method": "x", "params": { "通": 1 } });
        let b = json!({ "jsonrpc": "2.0", "id": 2, "result": null });
        let mut bytes = frame(&a);
        bytes.extend(frame(&b));
        let mut d = Decoder::default();
        let (first, second) = bytes.split_at(7);
        d.push(first);
        assert!(d.next_message().is_none());
        d.push(second);
        assert_eq!(d.next_message(), Some(Ok(a.clone())));
        assert_eq!(d.next_message(), Some(Ok(b.clone())));
        assert_eq!(d.next_message(), None);
        // a frame cut short at the end is left out; a body that is not JSON is an error
        assert_eq!(messages(&bytes[..bytes.len() - 3]), Ok(vec![a]));
        assert!(messages(&frame_bytes(b"not json")).is_err());
    }

    #[test]
    fn answers_every_configuration_item() {
        let answers = Answers {
            configuration: json!({ "definition": true }),
            ..Answers::default()
        };
        let items = json!({ "items": [{ "section": "gonotes" }, { "section": "x" }] });
        assert_eq!(
            answers.answer("workspace/configuration", &items),
            json!([{ "definition": true }, { "definition": true }])
        );
        assert_eq!(
            answers.answer("window/showDocument", &Value::Null)["success"],
            true
        );
        assert_eq!(answers.answer("unknown/request", &Value::Null), Value::Null);
    }
}
