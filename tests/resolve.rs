//! Types across the files of a package, end to end: the built binary over stdio opens one file
//! of a fixture package (`fixtures/resolve/<case>/`, a Go module with several files) and
//! hovers, with the other files read from disk. See `fixtures/resolve/README.md` for the
//! `// hover WORD: KEY` markers.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Client;
use common::tempfile_dir::TempDir;
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/resolve")
}

fn uri(p: &Path) -> String {
    gonotes::load::path_to_uri(p)
}

/// Notes on a few `sync` types and a few other std types, and none on `sync` itself,
/// `sync.Cond`, `testing.B`, `http.Client` or anything else.
const NOTES: &str = "# 并发\n\n\
## sync.Mutex 互斥锁\n\n加锁与解锁。\n\n\
## sync.RWMutex 读写锁\n\n读多写少时用读写锁。\n\n\
## sync.WaitGroup\n\n等待一组 goroutine 结束。\n\n\
## sync.Once\n\n只执行一次。\n\n\
# 标准库\n\n\
## time.Timer\n\n停止之后再重置。\n\n\
## time.Time\n\n格式用参考时间。\n\n\
## io.Closer\n\n用完要关闭。\n\n\
## bufio.Reader\n\n带缓冲的读。\n\n\
## context.Context\n\n取消时关闭通道。\n\n\
## http.Request\n\n一个请求。\n\n\
## testing.T\n\n测试用。\n";

fn server(notes: &Path) -> Client {
    // the module cache of the fixtures, and no GOPATH tree of the machine's
    let cache = fixtures().join("module_cache").join("gomodcache");
    let no_gopath = std::env::temp_dir().join("gonotes-no-gopath");
    // a GOROOT whose std has a package newer than the compiled-in table
    let goroot = fixtures().join("goroot");
    let mut c = Client::start_with_env(&[
        ("GOROOT", goroot.as_os_str()),
        ("GOMODCACHE", cache.as_os_str()),
        ("GOPATH", no_gopath.as_os_str()),
        ("GOFLAGS", std::ffi::OsStr::new("")),
    ]);
    c.initialize(
        json!({"notes": {"paths": [notes.to_string_lossy()], "builtin": false}}),
        None,
        &["utf-16"],
    );
    c.wait_ready();
    c
}

fn notes_dir() -> TempDir {
    let dir = TempDir::new("resolve-notes");
    std::fs::write(dir.path().join("notes.md"), NOTES).unwrap();
    dir
}

/// The card's key, from its first line (`📓 **sync.Mutex** — ...`), or `None` for no card.
fn card_key(hover: &Value) -> Option<String> {
    let md = hover.get("contents")?.get("value")?.as_str()?;
    let rest = md.strip_prefix("📓 **")?;
    let key = &rest[..rest.find("**")?];
    Some(key.replace('\\', ""))
}

/// A spot to hover and the key expected there (`None`: no card).
struct Spot {
    line: u32,
    col: u32,
    word: String,
    want: Option<String>,
}

fn spots(text: &str) -> Vec<Spot> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("// hover ") else {
            continue;
        };
        let (code, marker) = (&line[..at], &line[at + "// hover ".len()..]);
        let (word, want) = marker.split_once(": ").expect("`// hover WORD: KEY`");
        let start = code
            .rfind(word)
            .unwrap_or_else(|| panic!("{word} not on line {}", i + 1));
        out.push(Spot {
            line: i as u32,
            // inside the word, columns in UTF-16 units
            col: code[..start].encode_utf16().count() as u32 + 1,
            word: word.to_string(),
            want: (want.trim() != "none").then(|| want.trim().to_string()),
        });
    }
    out
}

/// Hovers until the answer is `want` (the package is read in the background) or time is up.
fn hover_until(c: &mut Client, u: &str, line: u32, col: u32, want: &str) -> Option<String> {
    let started = Instant::now();
    loop {
        let got = card_key(&c.hover(u, line, col));
        if got.as_deref() == Some(want) || started.elapsed() > Duration::from_secs(5) {
            return got;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn fixture_packages_resolve_across_files() {
    let notes = notes_dir();
    let mut c = server(notes.path());
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("go.mod").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "fixture packages: {cases:?}");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let files = common::go_files(case);
        assert!(
            files.len() >= 2,
            "{}: one package, several files",
            case.display()
        );
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let spots = spots(&text);
            if spots.is_empty() {
                continue;
            }
            let u = uri(&f);
            c.open(&u, "go", &text);
            // the first spot with a card waits for the package to be read
            if let Some(s) = spots.iter().find(|s| s.want.is_some()) {
                hover_until(&mut c, &u, s.line, s.col, s.want.as_deref().unwrap());
            }
            for s in &spots {
                // a spot may need the package where the first did not
                let got = match &s.want {
                    Some(want) => hover_until(&mut c, &u, s.line, s.col, want),
                    None => card_key(&c.hover(&u, s.line, s.col)),
                };
                checked += 1;
                if got != s.want {
                    failures.push(format!(
                        "{}:{}: hover {}: expected {:?}, got {:?}",
                        f.display(),
                        s.line + 1,
                        s.word,
                        s.want,
                        got
                    ));
                }
            }
            c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        }
    }
    assert!(checked >= 20, "spots checked: {checked}");
    assert!(
        failures.is_empty(),
        "{} spots differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The package follows the disk (through the server's own watch) and open buffers, which win
/// over the disk until they close.
#[test]
fn package_follows_the_disk_and_open_buffers() {
    let notes = notes_dir();
    let dir = TempDir::new("resolve-pkg");
    for name in ["go.mod", "server.go", "conn.go"] {
        std::fs::copy(
            fixtures().join("other_file").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    let mut c = server(notes.path());
    let conn = dir.path().join("conn.go");
    let cu = uri(&conn);
    c.open(&cu, "go", &std::fs::read_to_string(&conn).unwrap());
    // `s.mu.Lock()`: line 4, `Lock` after a tab and `s.mu.`
    let (line, col) = (3, 7);
    assert_eq!(
        hover_until(&mut c, &cu, line, col, "sync.Mutex").as_deref(),
        Some("sync.Mutex")
    );
    // the field's type changes on disk, with no message to the server
    let server_go = dir.path().join("server.go");
    let on_disk = std::fs::read_to_string(&server_go).unwrap();
    let rw = on_disk.replace("mu   stdsync.Mutex", "mu   stdsync.RWMutex");
    assert_ne!(rw, on_disk);
    std::fs::write(&server_go, &rw).unwrap();
    assert_eq!(
        hover_until(&mut c, &cu, line, col, "sync.RWMutex").as_deref(),
        Some("sync.RWMutex"),
        "after server.go changed on disk"
    );
    // an open buffer of server.go wins over the disk
    let su = uri(&server_go);
    c.open(&su, "go", &rw);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": su, "version": 2}, "contentChanges": [{"text": on_disk.replace("mu   stdsync.Mutex", "mu   stdsync.Once")}]}),
    );
    assert_eq!(
        hover_until(&mut c, &cu, line, col, "sync.Once").as_deref(),
        Some("sync.Once"),
        "after the server.go buffer changed"
    );
    // closed: the disk again
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": su}}),
    );
    assert_eq!(
        hover_until(&mut c, &cu, line, col, "sync.RWMutex").as_deref(),
        Some("sync.RWMutex"),
        "after the server.go buffer closed"
    );
    // a new file of the package, reported by the client
    std::fs::write(
        dir.path().join("extra.go"),
        "package server\n\nimport \"sync\"\n\nvar extraGroup sync.WaitGroup\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.path().join("extra.go")), "type": 1}]}),
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": cu, "version": 2}, "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": "\textraGroup.Wait()\n"}]}),
    );
    assert_eq!(
        hover_until(&mut c, &cu, 3, 13, "sync.WaitGroup").as_deref(),
        Some("sync.WaitGroup"),
        "a var declared in a new file"
    );
}

/// An imported package of the module is read from its folder and read again when a file of it
/// changes on disk.
#[test]
fn imported_package_follows_the_disk() {
    let notes = notes_dir();
    let dir = TempDir::new("resolve-import");
    let src = fixtures().join("module_local");
    std::fs::create_dir_all(dir.path().join("store")).unwrap();
    for name in ["go.mod", "main.go", "serve.go", "store/store.go"] {
        std::fs::copy(src.join(name), dir.path().join(name)).unwrap();
    }
    let mut c = server(notes.path());
    let main = dir.path().join("main.go");
    let mu = uri(&main);
    let text = std::fs::read_to_string(&main).unwrap();
    c.open(&mu, "go", &text);
    // `s.Lock()`: line 7, `Lock` after a tab and `s.`
    let (line, col) = (6, 4);
    assert!(text.lines().nth(6).unwrap().starts_with("\ts.Lock()"));
    assert_eq!(
        hover_until(&mut c, &mu, line, col, "sync.Mutex").as_deref(),
        Some("sync.Mutex")
    );
    let store = dir.path().join("store/store.go");
    let on_disk = std::fs::read_to_string(&store).unwrap();
    let rw = on_disk.replacen("\tsync.Mutex\n", "\tsync.RWMutex\n", 1);
    assert_ne!(rw, on_disk);
    std::fs::write(&store, rw).unwrap();
    assert_eq!(
        hover_until(&mut c, &mu, line, col, "sync.RWMutex").as_deref(),
        Some("sync.RWMutex"),
        "after the imported package changed on disk"
    );
}
