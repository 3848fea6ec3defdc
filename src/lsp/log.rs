//! Logs: stderr always (stdout carries the protocol alone), and `window/logMessage` once a
//! client is attached. `GONOTES_LOG=error|warn|info|debug` sets the level (default `info`).

use std::sync::{Mutex, OnceLock};

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;

static LEVEL: OnceLock<u8> = OnceLock::new();
static CLIENT: Mutex<Option<(Client, tokio::runtime::Handle)>> = Mutex::new(None);

pub fn init() {
    let level = match std::env::var("GONOTES_LOG")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "error" => 1,
        "warn" => 2,
        "debug" | "trace" => 4,
        "off" => 0,
        _ => 3,
    };
    let _ = LEVEL.set(level);
}

/// Sends later log lines to this session's client too.
pub fn attach(client: Client, handle: tokio::runtime::Handle) {
    *CLIENT.lock().unwrap_or_else(|e| e.into_inner()) = Some((client, handle));
}

fn emit(level: u8, typ: MessageType, tag: &str, msg: &str) {
    if level > *LEVEL.get().unwrap_or(&3) {
        return;
    }
    eprintln!("gonotes {tag}: {msg}");
    let attached = CLIENT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some((client, handle)) = attached {
        let msg = msg.to_string();
        handle.spawn(async move { client.log_message(typ, msg).await });
    }
}

pub fn error(msg: &str) {
    emit(1, MessageType::ERROR, "error", msg);
}
pub fn warn(msg: &str) {
    emit(2, MessageType::WARNING, "warn", msg);
}
pub fn info(msg: &str) {
    emit(3, MessageType::INFO, "info", msg);
}
pub fn debug(msg: &str) {
    emit(4, MessageType::LOG, "debug", msg);
}
