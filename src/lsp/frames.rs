//! Framing in front of the protocol library: reads the client's byte stream, and passes on only
//! well-formed messages. A frame whose body is not a JSON-RPC message (bad JSON, wrong shape, a
//! wrong `Content-Length`) becomes a `gonotes/invalidMessage` request with a null id, which the
//! server answers with a JSON-RPC error and keeps serving; garbage between frames is skipped up
//! to the next `Content-Length` header. (The library alone ends the session at the first
//! undecodable message.)

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Largest message accepted: more is read and dropped, and reported as invalid.
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

pub const INVALID: &str = "gonotes/invalidMessage";

/// Copies frames from `input` to `output` until `input` ends or an `exit` notification has
/// passed, which it signals on `exit`.
pub async fn pump(
    input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    exit: std::sync::Arc<tokio::sync::Notify>,
) {
    let mut r = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        // headers
        let mut len: Option<usize> = None;
        let mut saw_header = false;
        loop {
            line.clear();
            match r.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let t = text.trim();
            if t.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            if let Some(i) = t.to_ascii_lowercase().find("content-length:") {
                saw_header = true;
                len = t[i + "content-length:".len()..].trim().parse().ok();
            } else if is_header(t) {
                // another header (Content-Type): a frame starts, with or without a length
                saw_header = true;
            } else {
                // garbage between frames: skip the line
                saw_header = false;
                len = None;
            }
        }
        let Some(n) = len else {
            forward(
                &mut output,
                invalid(-32700, "missing or unreadable Content-Length"),
            )
            .await;
            continue;
        };
        let take = n.min(MAX_MESSAGE);
        let mut body = vec![0u8; take];
        if r.read_exact(&mut body).await.is_err() {
            return;
        }
        if n > take {
            let mut rest = (&mut r).take((n - take) as u64);
            let _ = tokio::io::copy(&mut rest, &mut tokio::io::sink()).await;
            forward(&mut output, invalid(-32600, "message too large")).await;
            continue;
        }
        let mut is_exit = false;
        let msg = match serde_json::from_slice::<Value>(&body) {
            Ok(v) if is_message(&v) => {
                is_exit = v.get("method").and_then(Value::as_str) == Some("exit");
                body
            }
            Ok(_) => invalid(
                -32600,
                "not a JSON-RPC 2.0 request, notification or response",
            ),
            Err(e) => invalid(-32700, &format!("not JSON: {e}")),
        };
        if !forward(&mut output, msg).await {
            return;
        }
        if is_exit {
            exit.notify_one();
            return;
        }
    }
}

/// `Name: value`, the name a token.
fn is_header(line: &str) -> bool {
    line.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

fn is_message(v: &Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    if o.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return false;
    }
    let id_ok = o
        .get("id")
        .is_none_or(|id| id.is_string() || id.is_i64() || id.is_u64() || id.is_null());
    match o.get("method") {
        Some(m) => {
            m.is_string()
                && id_ok
                && o.get("params")
                    .is_none_or(|p| p.is_object() || p.is_array() || p.is_null())
        }
        None => {
            o.contains_key("id") && id_ok && (o.contains_key("result") || o.contains_key("error"))
        }
    }
}

fn invalid(code: i64, reason: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": null, "method": INVALID, "params": {"code": code, "reason": reason}}))
        .unwrap_or_default()
}

async fn forward(out: &mut (impl AsyncWrite + Unpin), body: Vec<u8>) -> bool {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend(body);
    out.write_all(&frame).await.is_ok() && out.flush().await.is_ok()
}
