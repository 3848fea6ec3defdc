//! Shared by the session targets: running `gonotes::lsp::serve` over in-memory streams inside a
//! current-thread tokio runtime, with a bound on the time a session may take, and checking what
//! the server wrote.
//!
//! How a panic is caught: libfuzzer-sys installs a panic hook that aborts the process at the
//! first panic anywhere (the hook runs before unwinding starts), so a panic that the server's own
//! `guard` turns into an error reply, or one inside a spawned tokio task or the indexer thread,
//! still ends the run as a crash, with its message and backtrace. That does not depend on the log
//! level or on what reaches stderr. As a second line, `check_output` fails on any reply that
//! carries the message `guard` writes for a panic ("gonotes: <method> failed: ...").
#![allow(dead_code)]

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWrite;

/// How long one session may take after its input is complete before it counts as a hang.
pub const SESSION_LIMIT: Duration = Duration::from_secs(10);

/// A writer that keeps everything written to it.
#[derive(Clone, Default)]
pub struct Collect(pub Arc<Mutex<Vec<u8>>>);

impl AsyncWrite for Collect {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A message body in its frame (the shared test client's framing).
pub fn frame(body: &[u8]) -> Vec<u8> {
    gonotes_testkit::frame_bytes(body)
}

/// Splits what the server wrote into messages; the server must write only well-formed frames
/// of JSON-RPC messages. A frame cut short at the very end is allowed (the session may end
/// while a write is under way).
pub fn messages(out: &[u8]) -> Vec<Value> {
    gonotes_testkit::messages(out).unwrap_or_else(|e| panic!("server output: {e}"))
}

/// The server's output is well framed, and no reply reports a panic caught by `guard`.
pub fn check_output(out: &[u8]) -> Vec<Value> {
    let msgs = messages(out);
    for m in &msgs {
        if let Some(msg) = m.pointer("/error/message").and_then(Value::as_str) {
            let code = m.pointer("/error/code").and_then(Value::as_i64);
            assert!(
                !(code == Some(-32603)
                    && msg.starts_with("gonotes: ")
                    && msg.contains(" failed: ")),
                "a handler panicked: {m}"
            );
        }
    }
    msgs
}

/// Runs one whole session on `input` as the client's byte stream (ending after it) and returns
/// what the server wrote. Panics when the session does not end within `SESSION_LIMIT`.
pub fn run_bytes(input: Vec<u8>) -> Vec<u8> {
    let out = Collect::default();
    let rt = runtime();
    let writer = out.clone();
    let ended = rt.block_on(async move {
        tokio::time::timeout(
            SESSION_LIMIT,
            gonotes::lsp::serve(io::Cursor::new(input), writer),
        )
        .await
    });
    drop(rt);
    assert!(
        ended.is_ok(),
        "the session did not end within {SESSION_LIMIT:?} of its input's end"
    );
    let bytes = out.0.lock().unwrap().clone();
    bytes
}

/// A workspace folder with a `notes/` folder in it (the server's default notes path) holding one
/// note, made once per process: `/tmp/gonotes-fuzz-workspace` (the seeds use that path).
pub fn workspace() -> &'static PathBuf {
    static WS: OnceLock<PathBuf> = OnceLock::new();
    WS.get_or_init(|| {
        let ws = std::env::temp_dir().join("gonotes-fuzz-workspace");
        let notes = ws.join("notes");
        std::fs::create_dir_all(&notes).expect("a temp workspace");
        let note = "# sync.WaitGroup 等待组\n\n- `wg.Add` before `go`\n\n```go\nvar wg sync.WaitGroup\nwg.Wait()\n```\n\n## 通道\n\nchannels: `chan`, `<-`\n";
        std::fs::write(notes.join("fuzz-seed.md"), note).expect("a seed note");
        ws
    })
}
