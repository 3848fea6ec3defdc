//! Capture end to end: the "Add to notes" code action and `gonotes.capture` over stdio (the
//! built binary, real files), every refusal with its message and the note's bytes unchanged,
//! and `gonotes capture` then `gonotes lookup` on the command line.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::tempfile_dir::TempDir;
use common::{Client, TIMEOUT};
use serde_json::{Value, json};

const NOTE: &str = "# sync\n\n## sync.Once\n\n只执行一次。\n\n## sync.Mutex\n\n锁\n";

const MAIN: &str = "package main\n\nimport (\n\t\"sync\"\n\t\"time\"\n)\n\nvar once sync.Once\n\nfunc main() {\n\tonce.Do(func() {})\n\ttk := time.NewTicker(time.Second)\n\t// stop it when done\n\tdefer tk.Stop()\n\n}\n";

/// A workspace: `notes/sync.md` and `main.go`.
fn workspace(tag: &str) -> TempDir {
    let ws = TempDir::new(tag);
    std::fs::create_dir_all(ws.path().join("notes")).unwrap();
    std::fs::write(ws.path().join("notes/sync.md"), NOTE).unwrap();
    std::fs::write(ws.path().join("main.go"), MAIN).unwrap();
    ws
}

fn uri(p: &Path) -> String {
    gonotes::load::path_to_uri(p)
}

fn server(ws: &Path, options: Value, apply_edit: bool) -> Client {
    let mut c = Client::start();
    c.initialize_with(options, Some(ws), &["utf-16"], apply_edit);
    c.wait_ready();
    c.open(&uri(&ws.join("main.go")), "go", MAIN);
    c
}

fn notes_options() -> Value {
    json!({"notes": {"paths": ["notes"], "builtin": false}})
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

fn actions(c: &mut Client, u: &str, r: Value) -> Vec<Value> {
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": r, "context": {"diagnostics": []}}),
    );
    a.as_array().cloned().unwrap_or_default()
}

fn capture_action(c: &mut Client, u: &str, r: Value) -> Value {
    actions(c, u, r)
        .into_iter()
        .find(|a| a["command"]["command"] == "gonotes.capture")
        .expect("a capture action")
}

fn execute(c: &mut Client, args: Value) -> Value {
    c.request(
        "workspace/executeCommand",
        json!({"command": "gonotes.capture", "arguments": [args]}),
    )
}

/// The first server message with `method` after `from` messages seen, waiting for it.
fn wait_for(c: &mut Client, method: &str, from: usize) -> Value {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(m) = c.seen[from.min(c.seen.len())..]
            .iter()
            .find(|m| m["method"] == method)
        {
            return m.clone();
        }
        assert!(Instant::now() < deadline, "no {method} within {TIMEOUT:?}");
        c.recv(Duration::from_millis(50));
    }
}

fn hover_text(c: &mut Client, u: &str, line: u32, col: u32) -> String {
    c.hover(u, line, col)["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn offered_at_a_symbol_and_at_a_selection() {
    let ws = workspace("cap-offer");
    let mut c = server(ws.path(), notes_options(), true);
    let u = uri(&ws.path().join("main.go"));
    // a cursor on `Do`: the statement around it, filed under the type
    let a = capture_action(&mut c, &u, range(10, 7, 10, 7));
    assert_eq!(a["title"], "Add to notes: sync.Once");
    let arg = &a["command"]["arguments"][0];
    assert_eq!(arg["uri"], u);
    assert_eq!(arg["range"], range(10, 1, 10, 19));
    // a selection
    let a = capture_action(&mut c, &u, range(11, 0, 13, 16));
    assert!(
        a["title"].as_str().unwrap().starts_with("Add to notes: "),
        "{a}"
    );
    assert_eq!(a["command"]["arguments"][0]["range"], range(11, 0, 13, 16));
    // a selection without a Go name the notes could hold
    let a = capture_action(&mut c, &u, range(12, 1, 12, 20));
    assert_eq!(a["title"], "Add selection to notes");
    // a blank selection gets no action
    assert!(
        actions(&mut c, &u, range(14, 0, 14, 0))
            .iter()
            .all(|a| a["command"]["command"] != "gonotes.capture")
    );
}

#[test]
fn apply_edit_into_the_existing_section_and_the_inbox() {
    let ws = workspace("cap-apply");
    let inbox = ws.path().join("notes/inbox.md");
    std::fs::write(&inbox, "# Inbox\n").unwrap();
    let mut c = server(ws.path(), notes_options(), true);
    let u = uri(&ws.path().join("main.go"));
    let note = ws.path().join("notes/sync.md");
    let a = capture_action(&mut c, &u, range(10, 7, 10, 7));
    let mut args = a["command"]["arguments"][0].clone();
    args["comment"] = json!("runs setup once");
    let from = c.seen.len();
    execute(&mut c, args);
    let req = wait_for(&mut c, "workspace/applyEdit", from);
    let edits = &req["params"]["edit"]["changes"][uri(&note)];
    let edit = &edits[0];
    // at the end of the sync.Once section: before `## sync.Mutex` (line 6), after its text
    assert_eq!(edit["range"], range(5, 0, 5, 0), "{req}");
    let text = edit["newText"].as_str().unwrap();
    assert!(
        text.starts_with(
            "\n```go\nonce.Do(func() {})\n```\n\nruns setup once — [main.go:11](../main.go#L11) · "
        ),
        "{text:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&note).unwrap(),
        NOTE,
        "the editor writes"
    );
    // the editor applies it to the note's buffer: the next hover shows the snippet
    let mut applied = NOTE.to_string();
    let at = NOTE.find("\n## sync.Mutex").unwrap();
    applied.insert_str(at, text);
    c.open(&uri(&note), "markdown", &applied);
    let started = Instant::now();
    while !hover_text(&mut c, &u, 10, 7).contains("once.Do(func() {})") {
        assert!(started.elapsed() < Duration::from_secs(5), "no snippet");
        std::thread::sleep(Duration::from_millis(10));
    }
    eprintln!("buffer edit in hovers after {:?}", started.elapsed());
    // a name no section answers: the inbox, under a new heading
    let a = capture_action(&mut c, &u, range(11, 12, 11, 12));
    assert_eq!(a["title"], "Add to notes: time.Ticker");
    let from = c.seen.len();
    execute(&mut c, a["command"]["arguments"][0].clone());
    let req = wait_for(&mut c, "workspace/applyEdit", from);
    let edit = &req["params"]["edit"]["changes"][uri(&inbox)][0];
    assert_eq!(edit["range"], range(1, 0, 1, 0), "{req}");
    assert!(
        edit["newText"]
            .as_str()
            .unwrap()
            .starts_with("\n## time.Ticker\n\n```go\ntk := time.NewTicker(time.Second)\n```\n\n[main.go:12](../main.go#L12) · "),
        "{req}"
    );
}

#[test]
fn without_apply_edit_the_note_is_written_and_hovers_show_it() {
    let ws = workspace("cap-write");
    let mut c = server(ws.path(), notes_options(), false);
    let u = uri(&ws.path().join("main.go"));
    let note = ws.path().join("notes/sync.md");
    let a = capture_action(&mut c, &u, range(10, 7, 10, 7));
    let r = execute(&mut c, a["command"]["arguments"][0].clone());
    assert_eq!(r["uri"], uri(&note), "{r}");
    let started = Instant::now();
    let written = std::fs::read_to_string(&note).unwrap();
    let date = gonotes::capture::date(std::time::SystemTime::now());
    assert_eq!(
        written,
        NOTE.replace(
            "\n## sync.Mutex",
            &format!(
                "\n```go\nonce.Do(func() {{}})\n```\n\n[main.go:11](../main.go#L11) · {date}\n\n## sync.Mutex"
            )
        )
    );
    while !hover_text(&mut c, &u, 10, 7).contains("once.Do(func() {})") {
        assert!(started.elapsed() < Duration::from_secs(5), "no snippet");
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = started.elapsed();
    eprintln!("written note in hovers after {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    // the inbox is made
    let a = capture_action(&mut c, &u, range(11, 12, 11, 12));
    execute(&mut c, a["command"]["arguments"][0].clone());
    let inbox = std::fs::read_to_string(ws.path().join("notes/inbox.md")).unwrap();
    assert!(
        inbox.starts_with("## time.Ticker\n\n```go\ntk := time.NewTicker(time.Second)\n```\n"),
        "{inbox}"
    );
    let leftovers: Vec<PathBuf> = std::fs::read_dir(ws.path().join("notes"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Runs a capture that must be refused: the error message holds `says`, and every note keeps
/// its bytes.
fn refused(c: &mut Client, ws: &Path, args: Value, says: &str) {
    let before = snapshot(ws);
    let from = c.seen.len();
    let r = execute(c, args);
    // an edit sent to the editor is answered before the editor's reply: only that names a note
    assert!(r.is_null() || c.apply_edit["applied"] == false, "{r}");
    let m = wait_for(c, "window/showMessage", from);
    assert_eq!(m["params"]["type"], 1, "{m}");
    let text = m["params"]["message"].as_str().unwrap();
    assert!(text.contains(says), "{text:?} lacks {says:?}");
    // a late applyEdit or write would show here
    c.recv(Duration::from_millis(100));
    assert_eq!(snapshot(ws), before, "after {says:?}");
}

/// Every file of the notes folder, with its bytes.
fn snapshot(ws: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out: Vec<(PathBuf, Option<Vec<u8>>)> = std::fs::read_dir(ws.join("notes"))
        .map(|d| {
            d.flatten()
                .map(|e| (e.path(), std::fs::read(e.path()).ok()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn set_readonly(p: &Path, ro: bool) {
    let mut perm = std::fs::metadata(p).unwrap().permissions();
    perm.set_readonly(ro);
    std::fs::set_permissions(p, perm).unwrap();
}

fn once_args(ws: &Path) -> Value {
    json!({"uri": uri(&ws.join("main.go")), "range": range(10, 1, 10, 19)})
}

fn ticker_args(ws: &Path) -> Value {
    json!({"uri": uri(&ws.join("main.go")), "range": range(11, 1, 11, 34)})
}

#[test]
fn bad_input_is_refused_with_a_message_and_nothing_written() {
    // only the built-in notes
    let ws = workspace("cap-bad-builtin");
    let mut c = Client::start();
    c.initialize(json!({"notes": {"builtin": true}}), None, &["utf-16"]);
    c.wait_ready();
    c.open(&uri(&ws.path().join("main.go")), "go", MAIN);
    refused(
        &mut c,
        ws.path(),
        once_args(ws.path()),
        "no notes folder to write to",
    );
    drop(c);

    let ws = workspace("cap-bad");
    let w = ws.path();
    let mut c = server(w, notes_options(), false);
    let go = uri(&w.join("main.go"));
    // an empty selection, a file that is not Go
    refused(
        &mut c,
        w,
        json!({"uri": go, "range": range(14, 0, 14, 0)}),
        "the selection is empty",
    );
    std::fs::write(w.join("readme.txt"), "sync.Once\n").unwrap();
    c.open(&uri(&w.join("readme.txt")), "plaintext", "sync.Once\n");
    refused(
        &mut c,
        w,
        json!({"uri": uri(&w.join("readme.txt")), "range": range(0, 0, 0, 9)}),
        "readme.txt is not a Go file",
    );
    // a read-only note
    let note = w.join("notes/sync.md");
    set_readonly(&note, true);
    refused(&mut c, w, once_args(w), "is read-only");
    set_readonly(&note, false);
    // the note open in the editor with unsaved changes (this client writes no edits)
    c.open(&uri(&note), "markdown", &format!("{NOTE}\nunsaved\n"));
    refused(&mut c, w, once_args(w), "has unsaved changes");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&note)}}),
    );
    // a read-only notes folder
    set_readonly(&w.join("notes"), true);
    refused(&mut c, w, ticker_args(w), "is read-only");
    set_readonly(&w.join("notes"), false);
    // an inbox that is a folder, or a link to nothing
    std::fs::create_dir_all(w.join("notes/inbox.md")).unwrap();
    refused(&mut c, w, ticker_args(w), "is a folder, not a note");
    std::fs::remove_dir(w.join("notes/inbox.md")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(w.join("gone.md"), w.join("notes/inbox.md")).unwrap();
        refused(&mut c, w, ticker_args(w), "which does not exist");
        std::fs::remove_file(w.join("notes/inbox.md")).unwrap();
    }
    drop(c);

    // notes.inbox naming a folder
    let ws = workspace("cap-bad-inbox");
    let w = ws.path();
    std::fs::create_dir_all(w.join("notes/box")).unwrap();
    let mut c = server(
        w,
        json!({"notes": {"paths": ["notes"], "builtin": false, "inbox": "box"}}),
        false,
    );
    refused(&mut c, w, ticker_args(w), "box is a folder, not a note");
    drop(c);

    // a client that does not apply the edit
    let ws = workspace("cap-bad-reject");
    let w = ws.path();
    let mut c = server(w, notes_options(), true);
    c.apply_edit =
        json!({"applied": false, "failureReason": "the note is read-only in the editor"});
    refused(
        &mut c,
        w,
        once_args(w),
        "did not apply the capture to sync.md › sync › sync.Once (the note is read-only in the editor)",
    );
}

#[test]
fn cli_capture_then_lookup() {
    let ws = workspace("cap-cli");
    let run = |args: &[&str]| {
        std::process::Command::new(common::bin())
            .args(args)
            .current_dir(ws.path())
            .env("XDG_CACHE_HOME", ws.path().join("cache"))
            .output()
            .unwrap()
    };
    let o = run(&[
        "capture",
        "main.go:11",
        "--notes",
        "notes",
        "--comment",
        "setup runs once",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("sync.Once"), "{out}");
    let o = run(&["lookup", "sync.Once", "--notes", "notes"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("once.Do(func() {})"), "{out}");
    // lines with no section of their own: the inbox, under the name's heading
    let o = run(&["capture", "main.go:12-14", "--notes", "notes"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let inbox = std::fs::read_to_string(ws.path().join("notes/inbox.md")).unwrap();
    assert!(inbox.starts_with("## time.Ticker\n\n```go\ntk := time.NewTicker(time.Second)\n// stop it when done\ndefer tk.Stop()\n```\n\n[main.go:12-14](../main.go#L12) · "), "{inbox}");
    let o = run(&["lookup", "time.Ticker", "--notes", "notes"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("defer tk.Stop()"));
    // no notes folder, a file that is not Go: exit 2, nothing written
    let o = run(&["capture", "main.go:11"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no notes folder to write to"));
    let o = run(&["capture", "notes/sync.md:1", "--notes", "notes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a Go file"));
}
