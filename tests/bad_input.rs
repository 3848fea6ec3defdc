//! Bad input through the binary over stdio: notes nobody should have to clean up, and messages
//! no client should send. After each, the server still answers a correct hover.

mod common;

use std::path::Path;

use common::Client;
use common::tempfile_dir::TempDir;
use gonotes::load::{LoadOptions, SkipReason, Skipped};
use gonotes::notes::{Limits, Skip};
use serde_json::{Value, json};

const GO: &str = "package main\n\nimport \"sync\"\n\nvar o sync.Once\n";

fn assert_serving(c: &mut Client) {
    c.open("file:///ws/serving.go", "go", GO);
    let h = c.hover("file:///ws/serving.go", 4, 12);
    let text = h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        text.contains("只执行一次"),
        "not serving a correct hover: {h}"
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn bad_notes_are_skipped_with_reasons() {
    let dir = TempDir::new("badnotes");
    let d = dir.path();
    write(d, "latin1.md", b"# caf\xe9\n\nnot utf-8 \xff\xfe\n");
    write(d, "binary.md", b"# x\n\0\0\0\x01\x02");
    write(d, "empty.md", b"");
    write(d, "hash.md", b"#");
    write(
        d,
        "unclosed.md",
        b"# sync.Cond\n\n```go\nvar c sync.Cond\n# not a heading\n",
    );
    write(d, "quotes.md", "> ".repeat(5000).as_bytes());
    let mut lists = String::new();
    for i in 0..5000 {
        lists.push_str(&" ".repeat(i.min(200) * 2));
        lists.push_str("- item\n");
    }
    write(d, "lists.md", lists.as_bytes());
    write(
        d,
        "deep/nest/nest/ok.md",
        "## strings.Builder\n\n拼接字符串。\n".as_bytes(),
    );
    // a FIFO named like a note would block a reader forever
    let fifo = d.join("pipe.md");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // a symlink loop and a dangling link
    std::os::unix::fs::symlink(d, d.join("deep/loop")).unwrap();
    std::os::unix::fs::symlink(d.join("missing.md"), d.join("dangling.md")).unwrap();
    // tens of MB in one file: over the default 8 MiB cap
    let big = "# big\n\n".to_string() + &"一行中文和 sync.Once 的说明。\n".repeat(700_000);
    write(d, "big.md", big.as_bytes());
    assert!(big.len() > 20_000_000);

    let mut c = Client::start();
    c.initialize(json!({"notes": {"paths": [d.to_string_lossy(), d.join("gone").to_string_lossy()], "builtin": true}}), None, &["utf-16"]);
    let status = c.wait_ready();
    assert_serving(&mut c);
    // the good note in a deep folder is there
    c.open(
        "file:///ws/b.go",
        "go",
        "package main\nimport \"strings\"\nvar b strings.Builder\n",
    );
    let h = c.hover("file:///ws/b.go", 2, 16);
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("拼接字符串"),
        "{h}"
    );
    // the reasons, as values, from the loader and through the CLI that reports them
    let expected = [
        ("latin1.md", SkipReason::Note(Skip::NotUtf8)),
        ("binary.md", SkipReason::Note(Skip::Binary)),
        (
            "big.md",
            SkipReason::Note(Skip::TooLarge {
                bytes: big.len(),
                cap: Limits::default().max_bytes,
            }),
        ),
        ("pipe.md", SkipReason::NotRegularFile),
        ("dangling.md", SkipReason::DanglingLink),
        ("gone", SkipReason::CannotRead(std::io::ErrorKind::NotFound)),
    ]
    .map(|(file, reason)| Skipped {
        path: d.join(file),
        reason,
    });
    let (_, skipped) = gonotes::load::load(&LoadOptions {
        paths: vec![d.to_path_buf(), d.join("gone")],
        builtin: false,
        limits: Limits::default(),
        aliases: Default::default(),
    });
    for s in &expected {
        assert!(skipped.contains(s), "{s:?} not in {skipped:#?}");
    }
    let out = std::process::Command::new(common::bin())
        .args(["index", "--summary"])
        .arg(d)
        .arg(d.join("gone"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = report.lines().collect();
    for s in &expected {
        let line = s.to_string();
        assert!(lines.contains(&line.as_str()), "{line:?} not in\n{report}");
    }
    assert!(status["skipped"].as_u64().unwrap() >= 5, "{status}");
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// `GONOTES_LOG=debug`: a note that breaks during a session is logged to the editor
/// (`window/logMessage`, a warning) with its reason, and debug lines reach the editor too.
#[test]
fn a_note_broken_during_a_session_is_logged_to_the_editor() {
    let dir = TempDir::new("logskip");
    let d = dir.path();
    write(d, "ok.md", "## sync.Once\n\n只执行一次。\n".as_bytes());
    let mut c = Client::start_logging("debug");
    c.initialize(
        json!({"notes": {"paths": [d.to_string_lossy()], "builtin": false}}),
        None,
        &["utf-16"],
    );
    assert_eq!(c.wait_ready()["skipped"], 0);
    let broken = d.join("broken.md");
    write(d, "broken.md", b"# x\n\0\0\0\x01\x02");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": gonotes::load::path_to_uri(&broken), "type": 1}]}),
    );
    assert_eq!(c.wait_ready()["skipped"], 1);
    let skip = Skipped {
        path: broken,
        reason: SkipReason::Note(Skip::Binary),
    };
    let logged = |c: &Client, typ: u64, message: &str| {
        c.seen.iter().any(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["type"] == typ
                && m["params"]["message"] == message
        })
    };
    // the log line may follow the status notification: wait for it, bounded
    let deadline = std::time::Instant::now() + common::TIMEOUT;
    while !logged(&c, 2, &skip.to_string()) && std::time::Instant::now() < deadline {
        c.recv(std::time::Duration::from_millis(100));
    }
    assert!(
        logged(&c, 2, &skip.to_string()),
        "no warning {skip} in {:#?}",
        c.seen
    );
    // a debug line: a hover in a document that is not open
    let h = c.hover("file:///ws/never-opened.go", 0, 0);
    assert!(h.is_null());
    let debug = "request for a document that is not open: file:///ws/never-opened.go";
    let deadline = std::time::Instant::now() + common::TIMEOUT;
    while !logged(&c, 4, debug) && std::time::Instant::now() < deadline {
        c.recv(std::time::Duration::from_millis(100));
    }
    assert!(logged(&c, 4, debug), "no debug line in {:#?}", c.seen);
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn a_notes_folder_that_vanishes() {
    let dir = TempDir::new("vanish");
    write(
        dir.path(),
        "n/a.md",
        "## strings.Builder\n\n会消失的笔记。\n".as_bytes(),
    );
    let mut c = Client::start();
    c.initialize(
        json!({"notes": {"paths": [dir.path().join("n").to_string_lossy()], "builtin": true}}),
        None,
        &["utf-16"],
    );
    c.wait_ready();
    std::fs::remove_dir_all(dir.path().join("n")).unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": gonotes::load::path_to_uri(&dir.path().join("n/a.md")), "type": 3}]}));
    c.wait_ready();
    c.open(
        "file:///ws/b.go",
        "go",
        "package main\nimport \"strings\"\nvar b strings.Builder\n",
    );
    assert!(c.hover("file:///ws/b.go", 2, 16).is_null());
    assert_serving(&mut c);
}

#[test]
fn requests_before_initialize_are_refused_then_served() {
    let mut c = Client::start();
    let id = c.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.go"}, "position": {"line": 0, "character": 0}}),
    );
    let r = c.response(id);
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.initialize(json!({}), None, &["utf-16"]);
    c.wait_ready();
    assert_serving(&mut c);
}

#[test]
fn frames_with_wrong_lengths_and_garbage() {
    let mut c = Client::start();
    c.initialize(json!({}), None, &["utf-16"]);
    c.wait_ready();
    // too short: the body is cut, the rest is garbage until the next header
    let body =
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 900, "method": "shutdown"})).unwrap();
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len() - 10).into_bytes();
    bytes.extend(&body);
    bytes.extend(b"\r\nrandom garbage line\r\n\r\n");
    // no length at all
    bytes.extend(b"Content-Type: application/json\r\n\r\n{}");
    c.send_raw(&bytes);
    // valid JSON of the wrong shape
    let odd = br#"[1,2,3]"#;
    c.send_raw(format!("Content-Length: {}\r\n\r\n", odd.len()).as_bytes());
    c.send_raw(odd);
    // too long: swallows the next frame, which is then answered as invalid
    let next = serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 901, "method": "workspace/symbol", "params": {"query": "x"}})).unwrap();
    let first = br#"{"jsonrpc":"2.0","method":"$/noop"}"#;
    let swallowed = format!("Content-Length: {}\r\n\r\n", next.len());
    c.send_raw(
        format!(
            "Content-Length: {}\r\n\r\n",
            first.len() + swallowed.len() + next.len()
        )
        .as_bytes(),
    );
    c.send_raw(first);
    c.send_raw(swallowed.as_bytes());
    c.send_raw(&next);
    assert_serving(&mut c);
    // the cut frame, the frame without a length, the array and the overlong frame each got an
    // error reply with a null id
    assert!(c.null_id_errors >= 4, "error replies: {}", c.null_id_errors);
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn a_burst_of_pipelined_requests_with_cancellations() {
    let mut c = Client::start();
    c.initialize(json!({}), None, &["utf-16"]);
    c.wait_ready();
    let src = "package main\n\nimport (\n\t\"sync\"\n\trt \"runtime\"\n)\n\nfunc main() {\n\tvar wg sync.WaitGroup\n\twg.Add(1)\n\trt.Gosched()\n\tdefer wg.Done()\n}\n";
    c.open("file:///ws/burst.go", "go", src);
    let mut ids = Vec::new();
    let mut bytes = Vec::new();
    for i in 0..3000i64 {
        let id = 10_000 + i;
        let (line, ch) = [(8, 14), (9, 5), (10, 6), (11, 2), (12, 0), (99, 99)][i as usize % 6];
        let method = if i % 7 == 0 {
            "textDocument/completion"
        } else {
            "textDocument/hover"
        };
        bytes.extend(common::frame(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": {"textDocument": {"uri": "file:///ws/burst.go"}, "position": {"line": line, "character": ch}}})));
        if i % 5 == 0 {
            bytes.extend(common::frame(
                &json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": id}}),
            ));
        }
        ids.push(id);
    }
    c.send_raw(&bytes);
    let mut answered = std::collections::HashSet::new();
    while answered.len() < ids.len() {
        let Some(v) = c.recv(common::TIMEOUT) else {
            break;
        };
        if let (Some(id), None) = (v.get("id").and_then(Value::as_i64), v.get("method")) {
            if (10_000..13_000).contains(&id) {
                if let Some(e) = v.get("error") {
                    assert_eq!(e["code"], -32800, "only cancellations may fail: {v}");
                }
                assert!(answered.insert(id), "two answers to {id}");
            }
        }
    }
    assert_eq!(answered.len(), ids.len(), "every request answered once");
    assert_serving(&mut c);
}

/// A command that makes the server ask the editor something, with many requests pipelined
/// behind it: the editor's answer queues behind them, so the server must not wait for it.
#[test]
fn open_note_command_with_requests_pipelined_behind_it() {
    let mut c = Client::start();
    c.initialize(json!({}), None, &["utf-16"]);
    c.wait_ready();
    c.open("file:///ws/p.go", "go", GO);
    let uri = format!(
        "file://{}/gonotes/builtin/go-study-notes.md",
        c.cache.path().display()
    );
    let mut bytes = common::frame(
        &json!({"jsonrpc": "2.0", "id": 50_000, "method": "workspace/executeCommand", "params": {"command": "gonotes.openNote", "arguments": [uri, 411]}}),
    );
    for i in 0..300 {
        bytes.extend(common::frame(&json!({"jsonrpc": "2.0", "id": 50_001 + i, "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///ws/p.go"}, "position": {"line": 4, "character": 12}}})));
    }
    c.send_raw(&bytes);
    let mut answered = std::collections::HashSet::new();
    while answered.len() < 301 {
        let Some(v) = c.recv(common::TIMEOUT) else {
            break;
        };
        if let (Some(id), None) = (v.get("id").and_then(Value::as_i64), v.get("method")) {
            assert!(v.get("error").is_none(), "{v}");
            answered.insert(id);
        }
    }
    assert_eq!(answered.len(), 301, "all answered");
    assert!(c.seen.iter().any(|m| m["method"] == "window/showDocument"));
    assert_serving(&mut c);
}
