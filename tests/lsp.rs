//! The server end to end: the built binary over stdio, real files on disk.
//!
//! Hover snapshots: every `fixtures/lsp/hover/NAME.go` has a `$0` cursor, and `NAME.md` beside it
//! holds the expected hover Markdown (`null` for none), with the notes' folders written as
//! `$NOTES` and `$BUILTIN`. `UPDATE_EXPECT=1 cargo test` rewrites them.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Client, cursor};
use gonotes::lsp::ext::{NoteAt, NotesAt, TITLE_DASH};
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp")
}

fn uri(p: &Path) -> String {
    gonotes::load::path_to_uri(p)
}

/// A server indexing the fixture notes and the built-in notes, ready.
fn server_with_notes(notes: &Path, encodings: &[&str]) -> Client {
    let mut c = Client::start();
    c.initialize(
        json!({"notes": {"paths": [notes.to_string_lossy()], "builtin": true}}),
        None,
        encodings,
    );
    c.wait_ready();
    c
}

fn hover_text(v: &Value) -> Option<String> {
    v.get("contents")
        .and_then(|c| c.get("value"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

#[test]
fn hover_snapshots() {
    let notes = fixtures().join("notes");
    let mut c = server_with_notes(&notes, &["utf-16"]);
    let builtin = c.builtin_dir();
    let dir = fixtures().join("hover");
    let files = common::go_files(&dir);
    assert!(files.len() >= 15, "hover fixtures: {}", files.len());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for f in &files {
        let (text, line, col) = cursor(&std::fs::read_to_string(f).unwrap());
        let u = uri(f);
        c.open(&u, "go", &text);
        let got = c.hover(&u, line, col);
        let got = match hover_text(&got) {
            Some(md) => md
                .replace(&uri(&notes), "$NOTES")
                .replace(&uri(&builtin), "$BUILTIN"),
            None => {
                assert!(
                    got.is_null(),
                    "{}: not null and no text: {got}",
                    f.display()
                );
                "null".to_string()
            }
        };
        let expect_path = f.with_extension("md");
        if update {
            std::fs::write(&expect_path, format!("{got}\n")).unwrap();
            continue;
        }
        let expect = std::fs::read_to_string(&expect_path).unwrap_or_else(|_| {
            panic!(
                "missing {}; run with UPDATE_EXPECT=1",
                expect_path.display()
            )
        });
        if expect.trim_end() != got.trim_end() {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- got\n{}",
                f.display(),
                expect.trim_end(),
                got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} hover snapshots differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn hover_range_and_null() {
    let mut c = server_with_notes(&fixtures().join("notes"), &["utf-16"]);
    let src = "package main\n\nimport rt \"runtime\"\n\nfunc main() {\n\t/* 让出 😀 */ rt.Gosched()\n\tfmt.Println(\"sync.Once\")\n}\n";
    c.open("file:///ws/a.go", "go", src);
    // `Gosched` starts after `\t/* 让出 😀 */ rt.`: 1+2+1+2+1+2+1+2+1+3 = 16 UTF-16 units
    let h = c.hover("file:///ws/a.go", 5, 18);
    assert_eq!(
        h["range"],
        json!({"start": {"line": 5, "character": 16}, "end": {"line": 5, "character": 23}})
    );
    assert!(hover_text(&h).unwrap().contains("让出当前时间片"));
    for (line, col) in [(6, 3), (6, 17), (0, 0), (99, 0), (5, 999), (3, 0)] {
        assert!(
            c.hover("file:///ws/a.go", line, col).is_null(),
            "hover at {line}:{col} should be null"
        );
    }
    // a document never opened: null, not an error
    assert!(c.hover("file:///ws/never-opened.go", 0, 0).is_null());
}

#[test]
fn utf8_when_negotiated() {
    let mut c = Client::start();
    let r = c.initialize(json!({}), None, &["utf-8", "utf-16"]);
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-8");
    c.wait_ready();
    let src = "package main\nimport rt \"runtime\"\nfunc main() { /* 通道😀 */ rt.Gosched() }\n";
    c.open("file:///ws/u.go", "go", src);
    let line = src.lines().nth(2).unwrap();
    let byte_col = line.find("Gosched").unwrap() as u32;
    let h = c.hover("file:///ws/u.go", 2, byte_col + 2);
    assert_eq!(h["range"]["start"]["character"], byte_col);
    assert!(hover_text(&h).unwrap().contains("让出当前时间片"));
    // a UTF-16 client on the same line lands elsewhere: columns really are bytes here
    let mut c16 = Client::start();
    let r16 = c16.initialize(json!({}), None, &["utf-16"]);
    assert_eq!(r16["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn incremental_edits_then_hover() {
    let mut c = server_with_notes(&fixtures().join("notes"), &["utf-16"]);
    let u = "file:///ws/edit.go";
    c.open(
        u,
        "go",
        "package main\n\nimport \"sync\"\n\nfunc main() {\n}\n",
    );
    // insert a typed local and a call after a line of Chinese and emoji
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": u, "version": 2},
        "contentChanges": [
            {"range": {"start": {"line": 4, "character": 13}, "end": {"line": 4, "character": 13}}, "text": "\n\t// 读写锁 🔒\n\tvar rw sync.RWMutex"},
            {"range": {"start": {"line": 6, "character": 20}, "end": {"line": 6, "character": 20}}, "text": "\n\t/* 😀 */ rw.RLock()"}
        ]
    }));
    let h = c.hover(u, 7, 14);
    assert!(
        hover_text(&h).is_some_and(|t| t.contains("读写锁")),
        "after edits: {h}"
    );
    // replace `RLock` by `Lock` and hover again on the edited token
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": u, "version": 3},
        "contentChanges": [{"range": {"start": {"line": 7, "character": 13}, "end": {"line": 7, "character": 18}}, "text": "Lock"}]
    }));
    let h = c.hover(u, 7, 14);
    assert!(
        hover_text(&h).is_some_and(|t| t.contains("sync.RWMutex")),
        "after second edit: {h}"
    );
    // a full replacement
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": u, "version": 4}, "contentChanges": [{"text": "package main\nfunc f() { defer g() }\n"}]}));
    let h = c.hover(u, 1, 12);
    assert!(
        hover_text(&h).is_some_and(|t| t.contains("defer")),
        "after full change: {h}"
    );
}

fn labels(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn completion_members_snippets_and_resolve() {
    let mut c = server_with_notes(&fixtures().join("notes"), &["utf-16"]);
    let u = "file:///ws/c.go";
    c.open(u, "go", "package main\n\nimport (\n\t\"sync\"\n\trt \"runtime\"\n)\n\nfunc main() {\n\tsync.\n\trt.Go\n\tsel\n}\n");
    let pos = |l: u32, ch: u32| json!({"textDocument": {"uri": u}, "position": {"line": l, "character": ch}});
    let r = c.request("textDocument/completion", pos(8, 6));
    let l = labels(&r);
    for want in ["Once", "Map", "Mutex", "RWMutex", "WaitGroup"] {
        assert!(l.contains(&want.to_string()), "sync. offers {want}: {l:?}");
    }
    assert!(l.len() <= 30);
    assert_eq!(r["items"][0]["labelDetails"]["description"], "📓 notes");
    let r = c.request("textDocument/completion", pos(9, 6));
    let l = labels(&r);
    assert!(
        l.contains(&"Gosched".to_string()) && l.contains(&"GOMAXPROCS".to_string()),
        "rt.Go offers: {l:?}"
    );
    // resolve fills the card
    let once = c.request("textDocument/completion", pos(8, 6))["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Once")
        .cloned()
        .unwrap();
    let resolved = c.request("completionItem/resolve", once);
    assert!(
        resolved["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("只执行一次")
    );
    // `sel` -> the select template from the notes, escaped as a snippet
    let r = c.request("textDocument/completion", pos(10, 4));
    let item = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "select")
        .cloned()
        .unwrap_or_else(|| panic!("no select snippet: {r}"));
    assert_eq!(item["insertTextFormat"], 2);
    let body = item["textEdit"]["newText"].as_str().unwrap();
    assert!(
        body.starts_with("select {") && body.contains("\\}"),
        "{body}"
    );
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": 10, "character": 1}, "end": {"line": 10, "character": 4}})
    );
    // nothing inside a comment
    c.open("file:///ws/d.go", "go", "package main\n// sync.\n");
    let r = c.request("textDocument/completion", json!({"textDocument": {"uri": "file:///ws/d.go"}, "position": {"line": 1, "character": 8}}));
    assert!(r.is_null(), "{r}");
}

#[test]
fn workspace_symbols_in_chinese() {
    let mut c = server_with_notes(&fixtures().join("notes"), &["utf-16"]);
    let names = |c: &mut Client, q: &str| -> Vec<String> {
        c.request("workspace/symbol", json!({"query": q}))
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&mut c, "互斥").first().map(String::as_str),
        Some("互斥锁")
    );
    assert_eq!(
        names(&mut c, "gosched").first().map(String::as_str),
        Some("runtime")
    );
    assert_eq!(
        names(&mut c, "原子").first().map(String::as_str),
        Some("atomic 原子操作")
    );
    let r = c.request("workspace/symbol", json!({"query": "互斥"}));
    assert!(
        r[0]["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("go-study-notes.md")
    );
    assert_eq!(r[0]["location"]["range"]["start"]["line"], 315);
}

#[test]
fn note_written_on_disk_shows_within_a_second() {
    let dir = common::tempfile_dir::TempDir::new("notes");
    std::fs::write(dir.path().join("a.md"), "# unrelated\n\ntext\n").unwrap();
    let mut c = server_with_notes(dir.path(), &["utf-16"]);
    let u = "file:///ws/w.go";
    c.open(
        u,
        "go",
        "package main\n\nimport \"strings\"\n\nvar r strings.Replacer\n",
    );
    assert!(c.hover(u, 4, 17).is_null());
    // no notification to the server: only the file system knows
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/new.md"),
        "## strings.Replacer 替换\n\n一次替换多个子串。\n",
    )
    .unwrap();
    let written = Instant::now();
    let mut shown = None;
    while written.elapsed() < Duration::from_secs(1) {
        if let Some(t) = hover_text(&c.hover(u, 4, 17)) {
            shown = Some(t);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let t = shown.unwrap_or_else(|| panic!("the new note was not in hovers within a second"));
    assert!(t.contains("一次替换多个子串"));
    // edited on disk: the new text replaces the old
    std::fs::write(
        dir.path().join("sub/new.md"),
        "## strings.Replacer 替换\n\n改过的说明。\n",
    )
    .unwrap();
    let edited = Instant::now();
    while edited.elapsed() < Duration::from_secs(1)
        && !hover_text(&c.hover(u, 4, 17)).is_some_and(|t| t.contains("改过的说明"))
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(hover_text(&c.hover(u, 4, 17)).is_some_and(|t| t.contains("改过的说明")));
    // deleted: silence again
    std::fs::remove_file(dir.path().join("sub/new.md")).unwrap();
    let removed = Instant::now();
    while removed.elapsed() < Duration::from_secs(1) && !c.hover(u, 4, 17).is_null() {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(c.hover(u, 4, 17).is_null());
}

#[test]
fn open_note_buffer_wins_over_disk() {
    let dir = common::tempfile_dir::TempDir::new("buf");
    let note = dir.path().join("n.md");
    std::fs::write(&note, "## strings.Builder\n\n磁盘上的文字。\n").unwrap();
    let mut c = server_with_notes(dir.path(), &["utf-16"]);
    let u = "file:///ws/b.go";
    c.open(
        u,
        "go",
        "package main\n\nimport \"strings\"\n\nvar b strings.Builder\n",
    );
    assert!(
        hover_text(&c.hover(u, 4, 16))
            .unwrap()
            .contains("磁盘上的文字")
    );
    let nu = uri(&note);
    c.open(&nu, "markdown", "## strings.Builder\n\n磁盘上的文字。\n");
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": nu, "version": 2}, "contentChanges": [{"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 7}}, "text": "未保存的文字。"}]}));
    c.wait_ready();
    let t = hover_text(&c.hover(u, 4, 16)).unwrap();
    assert!(t.contains("未保存的文字"), "{t}");
    // closing the buffer goes back to the disk
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": nu}}),
    );
    c.wait_ready();
    assert!(
        hover_text(&c.hover(u, 4, 16))
            .unwrap()
            .contains("磁盘上的文字")
    );
}

#[test]
fn configuration_changes_reindex() {
    let mut c = server_with_notes(&fixtures().join("notes"), &["utf-16"]);
    let u = "file:///ws/cfg.go";
    c.open(
        u,
        "go",
        "package main\n\nimport \"sync\"\n\nvar o sync.Once\n",
    );
    assert!(hover_text(&c.hover(u, 4, 12)).is_some());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gonotes": {"notes": {"paths": [], "builtin": false}}}}),
    );
    c.wait_ready();
    assert!(c.hover(u, 4, 12).is_null());
    // a push without settings makes the server ask (workspace/configuration)
    c.configuration = json!({"notes": {"builtin": true}});
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    c.wait_ready();
    assert!(
        hover_text(&c.hover(u, 4, 12))
            .unwrap()
            .contains("只执行一次")
    );
    assert!(
        c.seen
            .iter()
            .any(|m| m["method"] == "workspace/configuration")
    );
    // a value of the wrong shape is ignored, with a log line, and the server keeps serving
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gonotes": {"notes": {"paths": 42}}}}),
    );
    assert!(hover_text(&c.hover(u, 4, 12)).is_some());
}

#[test]
fn open_note_action_definition_and_notes_at() {
    let mut c = Client::start();
    c.initialize(json!({"notes": {"builtin": true}}), None, &["utf-16"]);
    c.wait_ready();
    let u = "file:///ws/o.go";
    c.open(
        u,
        "go",
        "package main\n\nimport \"sync\"\n\nvar o sync.Once\n",
    );
    let at = json!({"textDocument": {"uri": u}, "position": {"line": 4, "character": 12}});
    // definition is off by default: gopls owns it
    assert!(c.request("textDocument/definition", at.clone()).is_null());
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": u}, "range": {"start": {"line": 4, "character": 12}, "end": {"line": 4, "character": 12}}, "context": {"diagnostics": []}}));
    let a = &actions[0];
    assert!(
        a["title"]
            .as_str()
            .unwrap()
            .starts_with("Open note: go-study-notes.md › Go rountine › Sync › sync.Once")
    );
    let cmd = a["command"].clone();
    assert_eq!(cmd["command"], "gonotes.openNote");
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": cmd["command"], "arguments": cmd["arguments"]}),
    );
    assert!(r.is_null(), "{r}");
    // the server asks the editor to show the note (the test client answers it)
    let deadline = std::time::Instant::now() + common::TIMEOUT;
    while !c.seen.iter().any(|m| m["method"] == "window/showDocument")
        && std::time::Instant::now() < deadline
    {
        c.recv(Duration::from_millis(100));
    }
    let shown = c
        .seen
        .iter()
        .find(|m| m["method"] == "window/showDocument")
        .cloned()
        .expect("showDocument sent");
    assert!(
        shown["params"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("go-study-notes.md")
    );
    assert_eq!(shown["params"]["selection"]["start"]["line"], 411);
    let at_params = serde_json::from_value(at.clone()).expect("position params");
    let notes: Vec<NoteAt> = c
        .request_typed::<NotesAt>(at_params, common::TIMEOUT)
        .expect("gonotes/notesAt");
    assert_eq!(notes[0].range.start.line, 411);
    // the name the note answers for, the dash, then where: an editor splits it there
    assert_eq!(
        notes[0].title,
        format!("sync.Once{TITLE_DASH}go-study-notes.md › Go rountine › Sync › sync.Once")
    );
    // with definition on
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gonotes": {"definition": true}}}),
    );
    // not a load option: it holds from the next request on, with no re-index
    let d = c.request("textDocument/definition", at);
    assert_eq!(d[0]["range"]["start"]["line"], 411);
}

#[test]
fn bad_messages_get_errors_and_the_server_keeps_serving() {
    let mut c = Client::start();
    c.initialize(json!({}), None, &["utf-16"]);
    c.wait_ready();
    // not JSON
    c.send_raw(b"Content-Length: 9\r\n\r\nnot json!");
    // params of the wrong shape
    let id = c.send_request("textDocument/hover", json!({"textDocument": 5}));
    assert!(c.response(id).get("error").is_some());
    // an unknown method
    let id = c.send_request("gonotes/nope", json!({}));
    assert!(c.response(id).get("error").is_some());
    // edits to a document that is not open, and out of range
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///ws/x.go", "version": 2}, "contentChanges": [{"range": {"start": {"line": 90, "character": 0}, "end": {"line": 99, "character": 0}}, "text": "x"}]}));
    c.open(
        "file:///ws/y.go",
        "go",
        "package main\nimport \"sync\"\nvar o sync.Once\n",
    );
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///ws/y.go", "version": 2}, "contentChanges": [{"range": {"start": {"line": 90, "character": 5}, "end": {"line": 2, "character": 0}}, "text": "// 😀\n"}]}));
    // still answering correctly
    let t = hover_text(&c.hover("file:///ws/y.go", 2, 12)).unwrap();
    assert!(t.contains("只执行一次"));
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn exit_codes_with_stdin_open() {
    let c = Client::start();
    let mut c = c;
    c.initialize(json!({}), None, &["utf-16"]);
    assert_eq!(c.shutdown_and_exit(), 0);
    // exit without shutdown: status 1, per the specification
    let mut c = Client::start();
    c.initialize(json!({}), None, &["utf-16"]);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);
}
