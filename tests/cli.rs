//! The command line, as a person runs it: `gonotes lookup`, `hover`, `search` and `index` on the
//! built-in notes.

use std::process::{Command, Output};

fn gonotes(args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("gonotes-cli-cache-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_gonotes"))
        .args(args)
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .expect("run gonotes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Each symbol's card: the heading path it must name and a line of its text.
#[test]
fn lookup_prints_the_right_section() {
    for (symbol, path, text) in [
        ("sync.Once", "Go rountine › Sync › sync.Once", "只执行一次"),
        ("runtime.Gosched", "Go rountine › runtime", "让出当前时间片"),
        (
            "runtime.GOMAXPROCS",
            "Go rountine › runtime",
            "runtime.GOMAXPROCS 确定需要使用多少个OS线程",
        ),
        ("defer", "go defer 实现", "defer fmt.Println(i)"),
        ("sync.Mutex", "锁 › 互斥锁", "lock.Lock() // 加锁"),
        ("sync.RWMutex", "锁 › 读写锁", "rwlock.RLock()"),
        ("sync.Map", "Sync › sync.Map", "var m = sync.Map{}"),
        (
            "sync.WaitGroup",
            "Go rountine › Sync",
            "sync.WaitGroup有以下几个方法",
        ),
        ("select", "channel › select 多路复用", "多路复用"),
        ("chan", "go-study-notes.md › channel\n", "通道是引用类型"),
    ] {
        let o = gonotes(&["lookup", symbol]);
        let out = stdout(&o);
        assert!(o.status.success(), "{symbol}: {out}");
        let first = out.lines().next().unwrap_or_default().to_string() + "\n";
        assert!(
            first.contains(path),
            "{symbol}: title {first:?} lacks {path:?}"
        );
        assert!(out.contains(text), "{symbol}: card lacks {text:?}:\n{out}");
    }
}

#[test]
fn lookup_exits_1_where_the_notes_say_nothing() {
    for symbol in ["fmt.Println", "time.Ticker"] {
        let o = gonotes(&["lookup", symbol]);
        assert_eq!(o.status.code(), Some(1), "{symbol}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("no note for {symbol}")));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn hover_at_a_spot_of_a_go_file() {
    let dir = std::env::temp_dir().join(format!("gonotes-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.go");
    std::fs::write(
        &file,
        "package main\n\nimport (\n\trt \"runtime\"\n\t\"sync\"\n)\n\nvar wg sync.WaitGroup\n\nfunc main() {\n\t/* 让出 😀 */ rt.Gosched()\n\twg.Add(1)\n}\n",
    )
    .unwrap();
    let f = file.to_string_lossy();
    // line 11 col 17 (characters): the `G` of Gosched after Chinese and an emoji
    let o = gonotes(&["hover", &format!("{f}:11:17")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("让出当前时间片"));
    let o = gonotes(&["hover", &format!("{f}:12:6")]);
    assert!(
        stdout(&o).starts_with("📓 sync.WaitGroup — go-study-notes.md › Go rountine › Sync"),
        "{}",
        stdout(&o)
    );
    let o = gonotes(&["hover", &format!("{f}:1:3")]);
    assert_eq!(o.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `gonotes hover` reads the other files of the file's package: `s.mu` is declared in
/// server.go.
#[test]
fn hover_reads_the_files_package() {
    let dir = std::env::temp_dir().join(format!("gonotes-cli-pkg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let notes = dir.join("notes.md");
    std::fs::write(&notes, "## sync.Mutex 互斥锁\n\n加锁。\n").unwrap();
    let conn = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/resolve/other_file/conn.go"
    );
    // line 4: `\ts.mu.Lock()`, column 8 is in `Lock`
    let o = gonotes(&[
        "hover",
        &format!("{conn}:4:8"),
        "--notes",
        &notes.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).starts_with("📓 sync.Mutex — notes.md"),
        "{}",
        stdout(&o)
    );
    // `s.cond.Wait()`: a sync.Cond, with no note
    let o = gonotes(&[
        "hover",
        &format!("{conn}:7:10"),
        "--notes",
        &notes.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no note for sync.Cond.Wait"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `gonotes index notes/` lists every heading of the notes, and none of the `#` comment lines
/// inside shell fences.
#[test]
fn index_reports_every_section_and_no_fenced_comment() {
    let notes = concat!(env!("CARGO_MANIFEST_DIR"), "/notes");
    let o = gonotes(&["index", notes]);
    assert!(o.status.success());
    let out = stdout(&o);
    let text = std::fs::read_to_string(format!("{notes}/go-study-notes.md")).unwrap();
    // headings outside fences, found by a plain line scan that tracks fences leniently
    let mut in_fence = false;
    let mut headings = 0;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence && line.starts_with('#') {
            headings += 1;
            let title = line.trim_start_matches('#').trim();
            if !title.is_empty() {
                assert!(
                    out.lines()
                        .any(|l| l.contains("keys:") && l.contains(title)),
                    "section {title:?} missing:\n{out}"
                );
            }
        }
    }
    let listed = out.lines().filter(|l| l.contains("keys:")).count();
    assert_eq!(listed, headings, "sections listed vs headings in the file");
    for comment in [
        "# 在 ~/.bashrc 最后加入",
        "# 编译单个组建",
        "# Install the latest release",
        "# for launch",
        "# 添加环境变量",
    ] {
        let words = comment.trim_start_matches("# ");
        assert!(
            !out.lines()
                .any(|l| l.contains("keys:") && l.contains(words)),
            "{comment:?} was taken for a heading"
        );
    }
    assert!(out.contains("indexed 1 note, 49 sections"), "{out}");
}

#[test]
fn search_finds_notes_by_topic() {
    let o = gonotes(&["search", "互斥"]);
    assert!(
        stdout(&o)
            .lines()
            .next()
            .unwrap_or_default()
            .contains("互斥锁")
    );
    let o = gonotes(&["search", "没有这个词"]);
    assert_eq!(o.status.code(), Some(1));
}
