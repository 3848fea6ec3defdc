//! Whole LSP sessions from structured message sequences: the fuzz input decodes (with
//! `arbitrary`) into a list of operations (initialize with chosen capabilities and options,
//! didOpen of Go and Markdown documents, didChange with random ranges, hover, completion and
//! resolve, workspace symbol, code action, definition, `gonotes/notesAt`, executeCommand,
//! configuration changes, `$/cancelRequest`, shutdown, exit, raw junk and params of the wrong
//! shape). They are sent as framed JSON-RPC to `gonotes::lsp::serve` on in-memory streams in a
//! current-thread tokio runtime, by a client that answers the server's own requests
//! (`workspace/configuration`, `window/showDocument`, progress creation) as an editor would.
//!
//! Checked: no panic anywhere (see `common`), the session ends within a bounded time once the
//! client's stream ends, the output is well framed, and every request sent before `shutdown`
//! and `exit` gets exactly one reply when the session ends by the input's end.
#![no_main]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Arbitrary, Debug)]
struct Session {
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Pos {
    line: u8,
    col: u8,
}

#[derive(Arbitrary, Debug)]
struct Init {
    utf8: bool,
    configuration: bool,
    progress: bool,
    with_root: bool,
    options: u8,
    initialized: bool,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Initialize(Init),
    /// A Go document: one of a few real preludes, then the fuzzer's text.
    OpenGo {
        doc: u8,
        prelude: u8,
        text: String,
    },
    /// A Markdown document: in the notes folder (an overlay the indexer reads) or elsewhere.
    OpenMarkdown {
        doc: u8,
        in_notes: bool,
        text: String,
    },
    Change {
        doc: u8,
        version: u8,
        changes: Vec<(Option<(Pos, Pos)>, String)>,
    },
    Close {
        doc: u8,
    },
    Hover {
        doc: u8,
        at: Pos,
    },
    Completion {
        doc: u8,
        at: Pos,
        dot: bool,
    },
    Resolve {
        from_last: u8,
        key: String,
    },
    Symbol {
        query: String,
    },
    CodeAction {
        doc: u8,
        start: Pos,
        end: Pos,
    },
    Definition {
        doc: u8,
        at: Pos,
    },
    NotesAt {
        doc: u8,
        at: Pos,
    },
    OpenNote {
        which: u8,
        line: u8,
    },
    Configuration {
        value: u8,
    },
    WatchedFiles,
    Cancel {
        back: u8,
    },
    /// Waits (a bounded time) until the server has published an index: requests then see notes.
    WaitIndex,
    /// Params of the wrong shape for a known method (as a request, or a notification).
    BadParams {
        method: u8,
        params: String,
        request: bool,
    },
    /// Bytes written as they are: junk, broken frames.
    Raw(Vec<u8>),
    Shutdown,
    Exit,
}

/// The longest a session waits for the index, in all.
const WAIT_BUDGET: Duration = Duration::from_millis(600);

const PRELUDES: &[&str] = &[
    "",
    "package main\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\nfunc main() {\n\tvar wg sync.WaitGroup\n\twg.Add(1)\n\tgo func() { defer wg.Done() }()\n\tch := make(chan int)\n\tselect {\n\tcase <-ch:\n\t}\n\tfmt.Println(len(ch))\n}\n",
    "package p\n\nimport \"reflect\"\n\ntype T struct {\n\tName string `json:\"name\"`\n}\n\nvar _ = reflect.TypeOf(T{})\n// 通道 😀 协程\nfunc f(mu *sync.Mutex) { mu.Lock(); defer mu.Unlock() }\n",
    "package main\r\n\r\nimport \"context\"\r\n\r\nfunc g(ctx context.Context) {\r\n\tctx.Done()\r\n}\r",
];

const METHODS: &[&str] = &[
    "initialize",
    "textDocument/hover",
    "textDocument/completion",
    "completionItem/resolve",
    "workspace/symbol",
    "textDocument/codeAction",
    "textDocument/definition",
    "gonotes/notesAt",
    "workspace/executeCommand",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "workspace/didChangeConfiguration",
    "workspace/didChangeWatchedFiles",
    "$/cancelRequest",
    "shutdown",
    "gonotes/invalidMessage",
    "no/such/method",
];

fn ws_uri() -> String {
    format!("file://{}", common::workspace().display())
}

fn go_uri(doc: u8) -> String {
    match doc % 4 {
        0 => format!("{}/main.go", ws_uri()),
        1 => format!("{}/pkg/b.go", ws_uri()),
        2 => format!("{}/notes/fuzz-seed.md", ws_uri()), // a Markdown document, when opened as one
        _ => "untitled:Untitled-1".to_string(),
    }
}

fn md_uri(doc: u8, in_notes: bool) -> String {
    if in_notes {
        format!("{}/notes/n{}.md", ws_uri(), doc % 3)
    } else {
        format!("{}/README{}.md", ws_uri(), doc % 2)
    }
}

fn pos(p: Pos) -> Value {
    // 255 stands for a far position (past any line or column)
    let line = if p.line == 255 {
        u32::MAX
    } else {
        u32::from(p.line)
    };
    let col = if p.col == 255 {
        u32::MAX
    } else {
        u32::from(p.col)
    };
    json!({ "line": line, "character": col })
}

fn options(n: u8) -> Value {
    let ws = common::workspace().display().to_string();
    match n % 9 {
        0 => Value::Null,
        1 => json!({}),
        2 => json!({ "notes": { "builtin": false } }),
        3 => json!({ "definition": true }),
        4 => json!({ "gonotes": { "aliases": { "等待": "sync.WaitGroup", "x": "" } } }),
        5 => json!({ "maxNoteBytes": 64 }),
        6 => json!({ "notes": { "paths": "not a list" } }),
        7 => {
            json!({ "notes": { "paths": ["notes", format!("{ws}/notes/fuzz-seed.md"), "", "missing"] }, "definition": true })
        }
        _ => json!(["not", "an", "object"]),
    }
}

/// What the client side knows while the session runs.
#[derive(Default)]
struct Seen {
    ready: AtomicUsize,
    /// Items of the last completion reply.
    items: Mutex<Vec<Value>>,
}

struct Client {
    tx: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
    next_id: i64,
    /// Requests sent while the server was expected to answer them: id -> method.
    pending: HashMap<i64, &'static str>,
    /// Raw bytes were sent.
    raw: bool,
    /// Time spent in `WaitIndex` so far.
    waited: Duration,
    /// An operation since the last `WaitIndex` makes the server index (initialize, a note
    /// buffer, configuration, watched files).
    expect_index: bool,
    /// Indexes published when the last `WaitIndex` ended.
    ready_seen: usize,
    /// `initialize` was sent: only then does the server index.
    initialize_sent: bool,
    versions: HashMap<String, i32>,
}

impl Client {
    fn send(&self, v: Value) {
        let _ = self
            .tx
            .send(common::frame(&serde_json::to_vec(&v).unwrap()));
    }
    fn notify(&self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }
    fn request(&mut self, method: &'static str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.pending.insert(id, method);
        id
    }
    fn doc(uri: &str) -> Value {
        json!({ "uri": uri })
    }
    /// `didOpen` at version 1.
    fn open(&mut self, uri: String, language: &str, text: &str) {
        self.versions.insert(uri.clone(), 1);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }
}

fn run(session: &Session) {
    let rt = common::runtime();
    rt.block_on(async {
        let (mut client_w, server_r) = tokio::io::duplex(1 << 16);
        let (server_w, mut client_r) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(gonotes::lsp::serve(server_r, server_w));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        // the client's writer: an empty frame closes the stream
        let writer = tokio::spawn(async move {
            while let Some(f) = rx.recv().await {
                if f.is_empty() || client_w.write_all(&f).await.is_err() {
                    break;
                }
            }
            drop(client_w);
        });
        // the client's reader: answers the server's requests, notes readiness and items
        let seen = Arc::new(Seen::default());
        let reader = {
            let seen = seen.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut all = Vec::new();
                let mut buf = vec![0u8; 1 << 14];
                let mut done = 0usize;
                loop {
                    let n = match client_r.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    all.extend_from_slice(&buf[..n]);
                    // act on the messages complete so far
                    let msgs = common::messages(&all);
                    for m in &msgs[done..] {
                        on_message(m, &seen, &tx);
                    }
                    done = msgs.len();
                }
                all
            })
        };

        let mut c = Client {
            tx: tx.clone(),
            next_id: 0,
            pending: HashMap::new(),
            raw: false,
            waited: Duration::ZERO,
            expect_index: false,
            ready_seen: 0,
            initialize_sent: false,
            versions: HashMap::new(),
        };
        let mut exited = false;
        for op in &session.ops {
            step(&mut c, op, &seen).await;
            if matches!(op, Op::Exit) {
                exited = true;
                break;
            }
            for _ in 0..8 {
                tokio::task::yield_now().await;
            }
        }
        let _ = tx.send(Vec::new());
        drop(tx);
        drop(c.tx.clone());
        let ended = tokio::time::timeout(common::SESSION_LIMIT, server).await;
        assert!(
            ended.is_ok(),
            "the session did not end within {:?} of its input's end",
            common::SESSION_LIMIT
        );
        ended.unwrap().expect("the server task");
        let _ = writer.await;
        let out = tokio::time::timeout(Duration::from_secs(5), reader)
            .await
            .expect("the server's output ends with the session")
            .expect("the reader task");
        let msgs = common::check_output(&out);
        if !exited && !c.raw {
            // the input ended: every request sent while the server was serving got one reply
            let mut replies: HashMap<i64, usize> = HashMap::new();
            for m in &msgs {
                if m.get("method").is_none() {
                    if let Some(id) = m.get("id").and_then(Value::as_i64) {
                        *replies.entry(id).or_default() += 1;
                    }
                }
            }
            for (id, method) in &c.pending {
                let n = replies.get(id).copied().unwrap_or(0);
                assert_eq!(n, 1, "request {id} ({method}) got {n} replies");
            }
        }
    });
}

fn on_message(m: &Value, seen: &Seen, tx: &tokio::sync::mpsc::UnboundedSender<Vec<u8>>) {
    let method = m.get("method").and_then(Value::as_str);
    match (method, m.get("id")) {
        (Some(method), Some(id)) => {
            // a request from the server: answer as an editor would (the shared client's answers)
            let answers = gonotes_testkit::Answers {
                configuration: json!({ "notes": { "builtin": true } }),
                apply_edit: Value::Null,
            };
            let result = answers.answer(method, m.get("params").unwrap_or(&Value::Null));
            let reply = json!({ "jsonrpc": "2.0", "id": id, "result": result });
            let _ = tx.send(common::frame(&serde_json::to_vec(&reply).unwrap()));
        }
        (Some("gonotes/status"), None)
            if m.pointer("/params/state").and_then(Value::as_str) == Some("ready") =>
        {
            seen.ready.fetch_add(1, Ordering::SeqCst);
        }
        (None, Some(_)) => {
            if let Some(items) = m.pointer("/result/items").and_then(Value::as_array) {
                *seen.items.lock().unwrap() = items.clone();
            } else if let Some(items) = m.get("result").and_then(Value::as_array) {
                if items.first().is_some_and(|i| i.get("label").is_some()) {
                    *seen.items.lock().unwrap() = items.clone();
                }
            }
        }
        _ => {}
    }
}

async fn step(c: &mut Client, op: &Op, seen: &Seen) {
    // requests before `initialize` or after `shutdown` get an error reply, still one reply
    match op {
        Op::Initialize(init) => {
            let mut params = json!({
                "processId": null,
                "capabilities": {
                    "general": { "positionEncodings": if init.utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) } },
                    "workspace": { "configuration": init.configuration },
                    "window": { "workDoneProgress": init.progress, "showDocument": { "support": true } }
                },
                "initializationOptions": options(init.options),
            });
            if init.with_root {
                params["rootUri"] = json!(ws_uri());
                params["workspaceFolders"] = json!([{ "uri": ws_uri(), "name": "ws" }]);
            }
            c.request("initialize", params);
            c.expect_index = true;
            c.initialize_sent = true;
            if init.initialized {
                c.notify("initialized", json!({}));
            }
        }
        Op::OpenGo { doc, prelude, text } => {
            let uri = go_uri(*doc);
            let text = format!("{}{}", PRELUDES[*prelude as usize % PRELUDES.len()], text);
            c.open(uri, "go", &text);
        }
        Op::OpenMarkdown {
            doc,
            in_notes,
            text,
        } => {
            let uri = md_uri(*doc, *in_notes);
            c.expect_index |= *in_notes;
            c.open(uri, "markdown", text);
        }
        Op::Change {
            doc,
            version,
            changes,
        } => {
            // the Go documents and the notes-folder Markdown documents share the doc number
            c.expect_index |= doc % 2 == 1;
            let uri = if doc % 2 == 0 {
                go_uri(doc / 2)
            } else {
                md_uri(doc / 2, true)
            };
            let v = c.versions.entry(uri.clone()).or_insert(1);
            *v += 1 + i32::from(*version % 2);
            let version = *v;
            let content: Vec<Value> = changes
                .iter()
                .map(|(range, text)| match range {
                    Some((s, e)) => {
                        json!({ "range": { "start": pos(*s), "end": pos(*e) }, "text": text })
                    }
                    None => json!({ "text": text }),
                })
                .collect();
            c.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": content }),
            );
        }
        Op::Close { doc } => {
            let uri = if doc % 2 == 0 {
                go_uri(doc / 2)
            } else {
                md_uri(doc / 2, true)
            };
            c.notify(
                "textDocument/didClose",
                json!({ "textDocument": Client::doc(&uri) }),
            );
        }
        Op::Hover { doc, at } => {
            c.request(
                "textDocument/hover",
                json!({ "textDocument": Client::doc(&go_uri(*doc)), "position": pos(*at) }),
            );
        }
        Op::Completion { doc, at, dot } => {
            let context = if *dot {
                json!({ "triggerKind": 2, "triggerCharacter": "." })
            } else {
                json!({ "triggerKind": 1 })
            };
            c.request(
                "textDocument/completion",
                json!({ "textDocument": Client::doc(&go_uri(*doc)), "position": pos(*at), "context": context }),
            );
        }
        Op::Resolve { from_last, key } => {
            let item = {
                let items = seen.items.lock().unwrap();
                if items.is_empty() {
                    None
                } else {
                    Some(items[*from_last as usize % items.len()].clone())
                }
            };
            let item = item.unwrap_or_else(|| json!({ "label": key, "data": { "key": key } }));
            c.request("completionItem/resolve", item);
        }
        Op::Symbol { query } => {
            c.request("workspace/symbol", json!({ "query": query }));
        }
        Op::CodeAction { doc, start, end } => {
            c.request(
                "textDocument/codeAction",
                json!({ "textDocument": Client::doc(&go_uri(*doc)), "range": { "start": pos(*start), "end": pos(*end) }, "context": { "diagnostics": [] } }),
            );
        }
        Op::Definition { doc, at } => {
            c.request(
                "textDocument/definition",
                json!({ "textDocument": Client::doc(&go_uri(*doc)), "position": pos(*at) }),
            );
        }
        Op::NotesAt { doc, at } => {
            c.request(
                "gonotes/notesAt",
                json!({ "textDocument": Client::doc(&go_uri(*doc)), "position": pos(*at) }),
            );
        }
        Op::OpenNote { which, line } => {
            let args = match which % 4 {
                0 => json!([format!("{}/notes/fuzz-seed.md", ws_uri()), line]),
                1 => json!(["not a uri", line]),
                2 => json!([]),
                _ => json!([42, "x"]),
            };
            let command = if which % 5 == 4 {
                "no.such.command"
            } else {
                "gonotes.openNote"
            };
            c.request(
                "workspace/executeCommand",
                json!({ "command": command, "arguments": args }),
            );
        }
        Op::Configuration { value } => {
            let settings = match value % 3 {
                0 => json!({ "gonotes": options(*value / 3) }),
                1 => options(*value / 3),
                _ => Value::Null,
            };
            c.notify(
                "workspace/didChangeConfiguration",
                json!({ "settings": settings }),
            );
            c.expect_index = true;
        }
        Op::WatchedFiles => {
            c.expect_index = true;
            c.notify(
                "workspace/didChangeWatchedFiles",
                json!({ "changes": [
                    { "uri": format!("{}/notes/fuzz-seed.md", ws_uri()), "type": 2 },
                    { "uri": format!("{}/notes/gone.md", ws_uri()), "type": 3 },
                    { "uri": "file:///%ff%fe/x.md", "type": 1 }
                ] }),
            );
        }
        Op::Cancel { back } => {
            let id = c.next_id - i64::from(*back % 4);
            c.notify("$/cancelRequest", json!({ "id": id }));
        }
        Op::WaitIndex => {
            // waits for the next index only when something since the last wait asks for one,
            // and for at most WAIT_BUDGET in all per session (an input of many waits is no hang)
            if c.expect_index && c.initialize_sent {
                let started = std::time::Instant::now();
                while c.waited + started.elapsed() < WAIT_BUDGET
                    && seen.ready.load(Ordering::SeqCst) <= c.ready_seen
                {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                c.waited += started.elapsed();
                c.ready_seen = seen.ready.load(Ordering::SeqCst);
                c.expect_index = false;
            }
        }
        Op::BadParams {
            method,
            params,
            request,
        } => {
            let method = METHODS[*method as usize % METHODS.len()];
            let params: Value =
                serde_json::from_str(params).unwrap_or_else(|_| Value::String(params.clone()));
            let mut msg = json!({ "jsonrpc": "2.0", "method": method, "params": params });
            if *request {
                c.next_id += 1;
                msg["id"] = json!(c.next_id);
                // shape errors are answered too, but whether `params` is even forwarded by the
                // framing layer (a string is not) decides if a reply comes: not tracked
            }
            c.send(msg);
        }
        Op::Raw(bytes) => {
            // junk may swallow the frames after it (a large Content-Length): replies are not
            // counted from here on
            c.raw = true;
            if !bytes.is_empty() {
                let _ = c.tx.send(bytes.clone());
            }
        }
        Op::Shutdown => {
            c.request("shutdown", Value::Null);
        }
        Op::Exit => {
            c.notify("exit", Value::Null);
        }
    }
}

fuzz_target!(|session: Session| {
    // GONOTES_FUZZ_DEBUG=1: print the operations an input decodes to, and the session's time
    let debug = std::env::var_os("GONOTES_FUZZ_DEBUG").is_some();
    if debug {
        eprintln!("{session:#?}");
    }
    let started = std::time::Instant::now();
    run(&session);
    if debug {
        eprintln!("session: {:?}", started.elapsed());
    }
});
