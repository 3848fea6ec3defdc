#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (committed; run again only to change them).

Sources: the built-in notes (notes/go-study-notes.md), a few hand-written notes with the edge
cases the parser handles (front matter, heading comments, fences in list items, CRLF), the hover
fixtures (tests/fixtures/lsp/hover/*.go), a few real Go files from Debian's golang-1.19-src
(/usr/share/go-1.19/src; BSD-style licence, see their headers), and scripted LSP sessions in the
shape editors send. session_ops has no hand-written seeds: its input is `arbitrary`-decoded, so
its seeds are a minimised corpus from a fuzzing run (see README.md).
"""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GOSRC = "/usr/share/go-1.19/src"
GO_FILES = ["sync/waitgroup.go", "sync/once.go", "context/context.go", "errors/wrap.go",
            "strings/builder.go"]


def out(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(p):
    with open(p, "rb") as f:
        return f.read()


builtin = read(os.path.join(ROOT, "notes", "go-study-notes.md"))
fixtures = sorted(
    p for p in os.listdir(os.path.join(ROOT, "tests/fixtures/lsp/hover")) if p.endswith(".go"))
fixture_src = {p: read(os.path.join(ROOT, "tests/fixtures/lsp/hover", p)) for p in fixtures}
go_src = {}
for p in GO_FILES:
    full = os.path.join(GOSRC, p)
    if not os.path.exists(full):
        sys.exit(f"missing {full}: apt-get install golang-1.19-src")
    go_src[p.replace("/", "_")] = read(full)

# --- notes ---------------------------------------------------------------------------------
out("notes", "go-study-notes.md", builtin)
out("notes", "front-matter.md", "---\nkeys: [sync.WaitGroup, wg]\naliases: {等待: sync.WaitGroup}\n---\n"
    "# 等待组 <!-- keys: sync.WaitGroup.Add -->\n\n- `wg.Add(1)` before `go f()`\n- `wg.Wait()`\n\n"
    "```go\nvar wg sync.WaitGroup\nwg.Add(1)\ngo func() { defer wg.Done() }()\nwg.Wait()\n```\n")
out("notes", "fence-in-list.md", "# Go rountine\n\n1. start:\n   ```go\nfunc main() {\n\tgo f()\n}\n   ```\n"
    "## runtime\n\n`runtime.Gosched()` 让出\n\n## 锁\n### 互斥锁\n```go\nvar mu sync.Mutex\nmu.Lock()\n```\n")
out("notes", "crlf-emoji.md", "# select 多路复用 😀\r\n\r\n| a | b |\r\n|---|---|\r\n| `select` | ~~x~~ |\r\n\r"
    "## struct tag\r```go\r\ntype U struct { ID int `json:\"id\"` }\r\n```\r\n> quote `reflect.TypeOf`\n>> nested\n")
out("notes", "odd.md", "#\n\n```\nunclosed fence\n# not a heading\n\n###### deep `_`\n\n<!-- keys: -->\n"
    "- [ ] `chan` <- `select`\n  - `fmt.Println` `len(x)` `make([]int, 0)`\n")

# --- symbol: two little-endian u16 offsets, then the text -----------------------------------
for name, src in list(fixture_src.items()):
    text = src.replace(b"$0", b"")
    at = src.find(b"$0")
    out("symbol", name, struct.pack("<HH", max(at, 0), len(text) // 2) + text)
for name, src in go_src.items():
    out("symbol", name, struct.pack("<HH", len(src) // 3, len(src) // 2) + src)
out("symbol", "snippet-crlf.go", struct.pack("<HH", 30, 7) +
    "package main\r\nimport \"sync\"\r\nvar mu sync.Mutex\r\nfunc f() { mu.Lock(); x := <-ch; _ = x }\r\n// 通道 😀\r".encode())


# --- edits: text NUL, then steps (h; per change kind sl sc el ec n, n bytes) -----------------
def change(sl, sc, el, ec, text, kind=0):
    t = text.encode() if isinstance(text, str) else text
    return bytes([kind, sl, sc, el, ec, len(t)]) + t


def step(enc, changes):
    return bytes([enc % 3 | ((len(changes) - 1) << 2)]) + b"".join(changes)


small = fixture_src["select.go"].replace(b"$0", b"")
out("edits", "select-typing", small + b"\0" + b"".join([
    step(0, [change(3, 1, 3, 1, "ch := make(chan int)\n\t")]),
    step(0, [change(4, 1, 4, 1, "s"), change(4, 2, 4, 2, "e"), change(4, 3, 4, 3, "l")]),
    step(1, [change(2, 0, 4, 0, "")]),
    step(2, [change(0, 0, 0, 7, "pack 协程 😀")]),
    step(0, [change(1, 0, 1, 0, "\r\n"), change(1, 1, 1, 1, "\n")]),
]))
out("edits", "waitgroup-edits", go_src["sync_waitgroup.go"][:2000] + b"\0" + b"".join([
    step(0, [change(20, 0, 25, 0, "func (wg *WaitGroup) Add(delta int) {\n\twg.state.Add(1)\n}\n")]),
    step(1, [change(30, 5, 30, 9, "")]),
    step(0, [change(255, 0, 255, 0, "\n// end\n")]),
    step(2, [change(0, 0, 0, 0, "", kind=255), change(0, 0, 0, 0, "package x\nfunc y() {")]),
    step(0, [change(1, 10, 1, 10, "}\r")]),
]))
out("edits", "cr-only", b"package main\rfunc main() {\r\tgo f()\r}\r" + b"\0" + b"".join([
    step(0, [change(1, 0, 1, 0, "\n")]),
    step(0, [change(0, 12, 1, 0, "")]),
    step(1, [change(2, 1, 2, 3, "defer")]),
]))
out("edits", "surrogates", "package p\n\nvar s = \"😀😀 通道\"\n".encode() + b"\0" + b"".join([
    step(0, [change(2, 10, 2, 11, "x")]),   # inside a surrogate pair
    step(2, [change(2, 9, 2, 10, "🎉")]),
    step(1, [change(2, 11, 2, 12, "y")]),   # inside a UTF-8 sequence
]))


# --- session: whole client byte streams ----------------------------------------------------
def frame(obj):
    body = json.dumps(obj, ensure_ascii=False).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def session(msgs):
    return b"".join(frame(m) for m in msgs)


def req(i, method, params):
    return {"jsonrpc": "2.0", "id": i, "method": method, "params": params}


def note(method, params):
    return {"jsonrpc": "2.0", "method": method, "params": params}


uri = "file:///tmp/gonotes-fuzz-workspace/main.go"
main_go = fixture_src["mutex_typed_local.go"].replace(b"$0", b"").decode()
init_vscode = req(0, "initialize", {
    "processId": 1, "rootUri": "file:///tmp/gonotes-fuzz-workspace",
    "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                     "workspace": {"configuration": True},
                     "window": {"workDoneProgress": True, "showDocument": {"support": True}},
                     "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}},
    "initializationOptions": {"gonotes": {"notes": {"builtin": True}, "definition": True}}})
out("session", "vscode-like", session([
    init_vscode,
    note("initialized", {}),
    note("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "go", "version": 1,
                                                    "text": main_go}}),
    req(1, "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 5}}),
    note("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
         "text": "\tvar wg sync.WaitGroup\n\twg."}]}),
    req(2, "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 4},
                                       "context": {"triggerKind": 2, "triggerCharacter": "."}}),
    note("$/cancelRequest", {"id": 2}),
    req(3, "completionItem/resolve", {"label": "Add", "data": {"key": "sync.WaitGroup.Add"}}),
    req(4, "workspace/symbol", {"query": "锁"}),
    req(5, "textDocument/codeAction", {"textDocument": {"uri": uri},
                                       "range": {"start": {"line": 6, "character": 2}, "end": {"line": 6, "character": 2}},
                                       "context": {"diagnostics": []}}),
    req(6, "textDocument/definition", {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 2}}),
    req(7, "gonotes/notesAt", {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 2}}),
    note("textDocument/didClose", {"textDocument": {"uri": uri}}),
    req(8, "shutdown", None),
    note("exit", None),
]))
md = "file:///tmp/gonotes-fuzz-workspace/notes/mine.md"
out("session", "neovim-like-utf8", session([
    req(1, "initialize", {"processId": None, "rootUri": None, "workspaceFolders": None,
                          "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
                          "initializationOptions": {"notes": {"paths": ["/tmp/gonotes-fuzz-workspace/notes"]}}}),
    note("initialized", {}),
    note("textDocument/didOpen", {"textDocument": {"uri": md, "languageId": "markdown", "version": 0,
                                                    "text": "# 通道\n\n- `close(ch)` 之后 `<-ch`\n"}}),
    note("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "go", "version": 0,
                                                    "text": "package main\n\nfunc main() {\n\tch := make(chan int)\n\tclose(ch)\n\t<-ch // 😀\n}\n"}}),
    req(2, "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 1}}),
    note("textDocument/didChange", {"textDocument": {"uri": uri, "version": 1}, "contentChanges": [
        {"text": "package main\r\nfunc f() { select {} }\r"}]}),
    req(3, "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 13}}),
    note("workspace/didChangeConfiguration", {"settings": {"gonotes": {"aliases": {"等待": "sync.WaitGroup"}}}}),
    req(4, "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 99, "character": 4294967295}}),
    note("exit", None),
]))
# junk between frames, a bad length, wrong shapes, requests before initialize
junk = (b"garbage line\r\n" + frame(req(1, "textDocument/hover", {})) +
        b"Content-Length: 5\r\n\r\n{\"jso" + b"Content-Length: xx\r\n\r\n" +
        frame({"jsonrpc": "2.0", "id": {"no": 1}, "method": "x"}) + frame([1, 2]) +
        frame(init_vscode) + frame(req(2, "textDocument/hover", {"textDocument": 3})) +
        frame(req(3, "workspace/executeCommand", {"command": "gonotes.openNote", "arguments": [md, 2]})) +
        frame(note("textDocument/didChange", {"textDocument": {"uri": "file:///nope.go", "version": 9},
                                              "contentChanges": [{"text": "x"}]})) +
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}")
out("session", "bad-frames", junk)
print("seeds written")
