//! The core against the built-in notes: one Go fixture per case, `$0` marking the cursor, and
//! the card expected there: `key @ end of the heading path | text the card shows`, or `-` for
//! no card. Columns are exercised on lines with Chinese and emoji before the cursor.

use gonotes::index::Index;
use gonotes::load::{self, LoadOptions};
use gonotes::{go, lookup};

fn builtin() -> Index {
    load::load(&LoadOptions {
        builtin: true,
        ..LoadOptions::default()
    })
    .0
}

const PRELUDE: &str = "package main\n\nimport (\n\t\"fmt\"\n\trt \"runtime\"\n\t\"reflect\"\n\t\"sync\"\n\t\"time\"\n\t_ \"github.com/mattn/go-sqlite3\"\n)\n\n";

fn check(index: &Index, case: &str, expect: &str) -> Result<(), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_one(index, case, expect)
    }))
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

fn check_one(index: &Index, case: &str, expect: &str) {
    let fixture = if case.starts_with("package ") {
        case.to_string()
    } else {
        format!("{PRELUDE}{case}")
    };
    let offset = fixture
        .find("$0")
        .unwrap_or_else(|| panic!("no $0 in {case}"));
    let text = fixture.replace("$0", "");
    let mut parser = go::parser();
    let tree = go::parse(&mut parser, &text, None).expect("parses");
    let symbol = go::symbol_at(&tree, &text, offset);
    // the file as its own package: what the file states, it states alone
    let own = go::Package::new([&go::FileDecls::of(&tree, &text)]);
    assert_eq!(
        go::symbol_in_package(&tree, &text, offset, Some(&own)),
        symbol,
        "with the file's own package declarations, for {case:?}"
    );
    let card = symbol.as_ref().and_then(|s| lookup::card(index, &s.keys));
    if expect == "-" {
        assert!(
            card.is_none(),
            "expected no card for {case:?}, got {:?} (symbol {:?})",
            card.map(|c| c.link.title),
            symbol
        );
        return;
    }
    let (head, text_part) = expect
        .split_once(" | ")
        .map_or((expect, None), |(h, t)| (h, Some(t)));
    let (key, title) = head.split_once(" @ ").expect("expect is `key @ title`");
    let card = card
        .unwrap_or_else(|| panic!("no card for {case:?} (symbol {symbol:?}), expected {expect}"));
    assert_eq!(card.key, key, "key for {case:?}");
    assert!(
        card.link.title.ends_with(title),
        "title for {case:?}: {} does not end with {title}",
        card.link.title
    );
    if let Some(t) = text_part {
        let md = card.markdown();
        assert!(md.contains(t), "card for {case:?} lacks {t:?}:\n{md}");
    }
}

#[test]
fn hover_cases() {
    let index = builtin();
    let cases: &[(&str, &str)] = &[
        // qualified names through imports and aliases
        (
            "var once sync.On$0ce",
            "sync.Once @ Sync › sync.Once | 只执行一次",
        ),
        (
            "var once sync.Once\nfunc f() { once.D$0o(func() {}) }",
            "sync.Once @ Sync › sync.Once | 只执行一次",
        ),
        (
            "func f() { rt.Gos$0ched() }",
            "runtime.Gosched @ Go rountine › runtime | 让出当前时间片",
        ),
        (
            "func f() { rt.Gosched$0() }",
            "runtime.Gosched @ Go rountine › runtime | 让出当前时间片",
        ),
        (
            "func f() { rt.Goe$0xit() }",
            "runtime.Goexit @ Go rountine › runtime | 退出当前go-routine",
        ),
        (
            "func f() { rt.GOMAX$0PROCS(2) }",
            "runtime.GOMAXPROCS @ Go rountine › runtime | 多少个OS线程",
        ),
        (
            "func f() { r$0t.Gosched() }",
            "runtime @ Go rountine › runtime | 控制协程得库",
        ),
        (
            "package p\nimport \"runtime\"\nfunc f() { runtime.Gos$0ched() }",
            "runtime.Gosched @ Go rountine › runtime | 让出当前时间片",
        ),
        (
            "package p\nimport goruntime \"runtime\"\nfunc f() { goruntime.Gos$0ched() }",
            "runtime.Gosched @ Go rountine › runtime | 让出当前时间片",
        ),
        (
            "var m sync.Ma$0p",
            "sync.Map @ Sync › sync.Map | sync.Map{}",
        ),
        ("var m = sync.Ma$0p{}", "sync.Map @ Sync › sync.Map"),
        (
            "var mu sync.Mu$0tex",
            "sync.Mutex @ 锁 › 互斥锁 | lock.Lock()",
        ),
        (
            "var mu sync.RWMu$0tex",
            "sync.RWMutex @ 锁 › 读写锁 | rwlock.RLock()",
        ),
        (
            "var wg sync.WaitGr$0oup",
            "sync.WaitGroup @ Go rountine › Sync | 计数器",
        ),
        (
            "func f() { reflect.Type$0Of(1) }",
            "reflect.TypeOf @ struct tag & 反射 | reflect.TypeOf",
        ),
        (
            "func f() { refl$0ect.TypeOf(1) }",
            "reflect @ struct tag & 反射",
        ),
        // a type the notes do not cover: never the package's section
        ("var p sync.Po$0ol", "-"),
        // typed locals: methods through the declared type
        (
            "var wg sync.WaitGroup\nfunc f() { wg.A$0dd(1) }",
            "sync.WaitGroup @ Go rountine › Sync | 计数器",
        ),
        (
            "var wg sync.WaitGroup\nfunc f() { w$0g.Wait() }",
            "sync.WaitGroup @ Go rountine › Sync",
        ),
        (
            "func f() { mu := &sync.Mutex{}\n mu.Lo$0ck() }",
            "sync.Mutex @ 锁 › 互斥锁",
        ),
        (
            "func f() { once := sync.Once{}\n once.D$0o(nil) }",
            "sync.Once @ Sync › sync.Once",
        ),
        (
            "func f() { m := new(sync.Map)\n m.Sto$0re(1, 2) }",
            "sync.Map @ Sync › sync.Map",
        ),
        (
            "func f(wg *sync.WaitGroup) { wg.Do$0ne() }",
            "sync.WaitGroup @ Go rountine › Sync",
        ),
        (
            "type S struct { mu sync.RWMutex }\nfunc (s *S) f() { s.mu.RLo$0ck() }",
            "sync.RWMutex @ 锁 › 读写锁",
        ),
        (
            "var (\n\tx int\n\trw sync.RWMutex\n)\nfunc f() { rw.Unl$0ock() }",
            "sync.RWMutex @ 锁 › 读写锁",
        ),
        (
            "func f() { var once sync.Once\n func() { once.D$0o(nil) }() }",
            "sync.Once @ Sync › sync.Once",
        ),
        // keywords and operators
        (
            "func f() { def$0er fmt.Println() }",
            "defer @ go defer 实现 | 后进先出",
        ),
        (
            "func f() { defer$0 fmt.Println() }",
            "defer @ go defer 实现 | defer fmt.Println(i)",
        ),
        ("func f() { g$0o f() }", "go @ Go rountine | GPM"),
        (
            "func f(c chan int) { sel$0ect { case <-c: } }",
            "select @ select 多路复用 | 多路复用",
        ),
        (
            "func f(c chan int) { select { case <-c: } }\nvar c2 ch$0an int",
            "chan @ channel | 通道是引用类型",
        ),
        ("func f(c <-ch$0an int) {}", "chan @ channel"),
        (
            "func f(c chan int) { c <$0- 1 }",
            "<- @ channel 符号 <- | 发送值v到Channel",
        ),
        (
            "func f(c chan int) { v := <$0-c; _ = v }",
            "<- @ channel 符号 <-",
        ),
        ("func f(c chan int) { for ra$0nge c {} }", "-"),
        (
            "func f() { for i := 0; i < 3; i++ {} }\nfunc g() { fo$0r {} }",
            "-",
        ),
        // builtins
        (
            "func f() { c := ma$0ke(chan int); _ = c }",
            "make @ channel | make(chan",
        ),
        (
            "func f(c chan int) { clo$0se(c) }",
            "close @ channel | close(ch)",
        ),
        // the channel section names panic only in passing: silence
        ("func f() { pan$0ic(1) }", "-"),
        ("func f() { recov$0er() }", "-"),
        ("func make() {}\nfunc f() { ma$0ke() }", "-"),
        ("func f() { len$0(\"x\") }", "-"),
        // blank identifiers
        (
            "type I interface{}\ntype T struct{}\nvar $0_ I = (*T)(nil)",
            "var _ @ Go module › _ 占位符 | PodAdminHandler",
        ),
        (
            "package p\nimport $0_ \"github.com/mattn/go-sqlite3\"",
            "import _ @ _ 占位符 › 在import 中使用 | go-sqlite3",
        ),
        (
            "func f() { x, $0_ := 1, 2; _ = x }",
            "_ @ Go module › _ 占位符",
        ),
        // struct tags
        (
            "type User struct {\n\tID int `json:\"i$0d\"`\n}",
            "struct tag @ struct tag & 反射 | reflect",
        ),
        (
            "type User struct {\n\tName string $0`json:\"name\" db:\"full_name\"`\n}",
            "struct tag @ struct tag & 反射",
        ),
        // silence: comments, strings, noise, the user's own names
        ("// defer sync.On$0ce\nfunc f() {}", "-"),
        ("/* rt.Gos$0ched() */\nfunc f() {}", "-"),
        ("func f() { fmt.Println(\"sync.On$0ce\") }", "-"),
        ("func f() { fmt.Println(`def$0er`) }", "-"),
        ("func f() { fmt.Prin$0tln(1) }", "-"),
        ("func f() { fm$0t.Println(1) }", "-"),
        ("func f() { time.Sle$0ep(1) }", "-"),
        ("func f() { var t *time.Tic$0ker; _ = t }", "-"),
        ("func myFunc() {}\nfunc f() { myFu$0nc() }", "-"),
        (
            "type T struct{}\nfunc (T) Do() {}\nfunc f(t T) { t.D$0o() }",
            "-",
        ),
        ("func f() { x := 1\n x$0 += 1 }", "-"),
        ("func f() { if true {} $0 }", "-"),
        ("var i interfa$0ce{}", "-"),
        // columns after Chinese and emoji on the same line
        (
            "func f() { /* 让出 😀 */ rt.Gos$0ched() }",
            "runtime.Gosched @ Go rountine › runtime",
        ),
        (
            "func f() { s := \"通道😀\"; de$0fer fmt.Println(s) }",
            "defer @ go defer 实现",
        ),
        (
            "func f() { s := \"😀😀😀\"; var o sync.On$0ce; _, _ = s, o }",
            "sync.Once @ Sync › sync.Once",
        ),
        (
            "func f() { _ = \"互斥锁\"; mu := sync.Mutex{}; mu.L$0ock() }",
            "sync.Mutex @ 锁 › 互斥锁",
        ),
        // fallbacks: member -> type -> package
        (
            "var wg sync.WaitGroup\nfunc f() { wg.Go$0Away() }",
            "sync.WaitGroup @ Go rountine › Sync",
        ),
        ("func f() { sync.NewC$0ond(nil) }", "-"),
    ];
    assert!(cases.len() >= 60, "at least 60 cases, have {}", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(case, expect)| check(&index, case, expect).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// `gonotes lookup`'s answers for the names the notes cover.
#[test]
fn lookup_cases() {
    let index = builtin();
    let cases: &[(&str, &str)] = &[
        ("sync.Once", "sync.Once @ Sync › sync.Once | 只执行一次"),
        (
            "runtime.Gosched",
            "runtime.Gosched @ Go rountine › runtime | 让出当前时间片",
        ),
        (
            "runtime.GOMAXPROCS",
            "runtime.GOMAXPROCS @ Go rountine › runtime | runtime.GOMAXPROCS",
        ),
        ("defer", "defer @ go defer 实现 | 后进先出"),
        ("sync.Mutex", "sync.Mutex @ 锁 › 互斥锁 | lock.Lock()"),
        (
            "sync.RWMutex",
            "sync.RWMutex @ 锁 › 读写锁 | rwlock.RLock()",
        ),
        ("sync.Map", "sync.Map @ Sync › sync.Map | m.Store"),
        (
            "sync.WaitGroup",
            "sync.WaitGroup @ Go rountine › Sync | wg.Wait()",
        ),
        ("sync.WaitGroup.Add", "sync.WaitGroup @ Go rountine › Sync"),
        ("select", "select @ channel › select 多路复用 | 多路复用"),
        ("chan", "chan @ channel | 通道是引用类型"),
        ("struct tag", "struct tag @ struct tag & 反射"),
        ("fmt.Println", "-"),
        ("time.Ticker", "-"),
        ("time.Sleep", "-"),
        ("interface", "-"),
    ];
    for (symbol, expect) in cases {
        let card = lookup::card(&index, &go::fallbacks(symbol));
        if *expect == "-" {
            assert!(
                card.is_none(),
                "{symbol}: expected none, got {:?}",
                card.map(|c| c.link.title)
            );
            continue;
        }
        let (head, t) = expect
            .split_once(" | ")
            .map_or((*expect, None), |(h, t)| (h, Some(t)));
        let (key, title) = head.split_once(" @ ").expect("key @ title");
        let card = card.unwrap_or_else(|| panic!("{symbol}: no card"));
        assert_eq!(card.key, key, "{symbol}");
        assert!(
            card.link.title.ends_with(title),
            "{symbol}: {}",
            card.link.title
        );
        if let Some(t) = t {
            assert!(
                card.markdown().contains(t),
                "{symbol}: card lacks {t:?}:\n{}",
                card.markdown()
            );
        }
    }
}

/// The lexical pass over snippets finds what the tree-sitter analysis finds, on every Go
/// snippet of the built-in notes.
#[test]
fn snippet_scan_agrees_with_parse() {
    let index = builtin();
    let mut parser = go::parser();
    let mut compared = 0;
    for entry in index.notes() {
        for sec in &entry.note.sections {
            for snip in sec.snippets.iter().filter(|s| s.is_go()) {
                let tree = go::parse(&mut parser, &snip.code, None).expect("parses");
                let mut parsed = go::names_used(&tree, &snip.code);
                let mut scanned = go::scan_names(&snip.code);
                parsed.sort();
                scanned.sort();
                assert_eq!(
                    scanned,
                    parsed,
                    "snippet at line {} of {}:\n{}",
                    snip.line + 1,
                    entry.name,
                    snip.code
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 10, "compared {compared} snippets");
}

/// Text search over headings, keys and prose, Chinese included.
#[test]
fn search_cases() {
    let index = builtin();
    for (query, expect_title_end) in [
        ("互斥", "互斥锁"),
        ("读写", "读写锁"),
        ("gosched", "runtime"),
        ("多路复用", "select 多路复用"),
        (
            "后进先出",
            "defer 关键字的调用时机以及多次调用 defer 时执行顺序是如何确定的； 如果有多个 defer 语句，它们会按照后进先出的顺序执行，最晚定义的 defer 语句最先执行, 类似栈",
        ),
        ("sync once", "sync.Once"),
    ] {
        let hits = index.search(query, 10);
        let first = hits
            .first()
            .and_then(|(at, _)| lookup::link(&index, *at))
            .map(|l| l.title);
        assert!(
            first
                .as_deref()
                .is_some_and(|t| t.ends_with(expect_title_end)),
            "{query}: first hit {first:?}"
        );
    }
    assert!(index.search("没有这个词", 10).is_empty());
}
