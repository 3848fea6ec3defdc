//! Logs: stderr always (stdout carries the protocol alone); warnings and errors also as
//! `window/logMessage` once a client is attached. `GONOTES_LOG=off|error|warn|info|debug` sets the level (default `info`);
//! without it, the editor's trace setting (`initialize`'s `trace`, `$/setTrace`) does.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;

static LEVEL: AtomicU8 = AtomicU8::new(3);
static FROM_ENV: AtomicBool = AtomicBool::new(false);
static CLIENT: Mutex<Option<(Client, tokio::runtime::Handle)>> = Mutex::new(None);

fn parse(s: &str) -> Option<u8> {
    match s.to_ascii_lowercase().as_str() {
        "off" => Some(0),
        "error" => Some(1),
        "warn" => Some(2),
        "info" | "messages" => Some(3),
        "debug" | "trace" | "verbose" => Some(4),
        _ => None,
    }
}

/// Reads `GONOTES_LOG`.
pub fn init() {
    if let Some(level) = std::env::var("GONOTES_LOG").ok().as_deref().and_then(parse) {
        LEVEL.store(level, Ordering::Relaxed);
        FROM_ENV.store(true, Ordering::Relaxed);
    }
}

/// The editor's trace setting (`off`, `messages`, `verbose`), unless `GONOTES_LOG` is set.
/// `off` keeps the default level: errors, warnings and indexing summaries still matter.
pub fn set_trace(value: &str) {
    if !FROM_ENV.load(Ordering::Relaxed) {
        let level = parse(value).filter(|l| *l > 3).unwrap_or(3);
        LEVEL.store(level, Ordering::Relaxed);
    }
}

/// Sends later log lines to this session's client too.
pub fn attach(client: Client, handle: tokio::runtime::Handle) {
    *CLIENT.lock().unwrap_or_else(|e| e.into_inner()) = Some((client, handle));
}

fn emit(level: u8, typ: MessageType, tag: &str, msg: &str) {
    if level > LEVEL.load(Ordering::Relaxed) {
        return;
    }
    eprintln!("gonotes {tag}: {msg}");
    // editors often show stderr in the same log: only warnings and errors go both ways
    if level > 2 {
        return;
    }
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
