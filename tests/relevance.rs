//! The matching model's rules, one or more inline fixtures each: a few notes (path and
//! Markdown), a Go line with `$0` at the cursor, and the card expected there
//! (`key @ end of the card's title`) or `-` for none. Each rule's cases stand on their own
//! notes, so they do not move when the built-in notes change.

use std::sync::Arc;

use gonotes::index::{Index, NoteEntry};
use gonotes::notes::{self, Aliases, Limits};
use gonotes::{go, lookup};

const PRELUDE: &str = "package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"io\"\n\t\"sync\"\n\t\"time\"\n\t\"unsafe\"\n)\n\n";

fn index(notes: &[(&str, &str)]) -> Index {
    let entries = notes
        .iter()
        .map(|(path, text)| NoteEntry {
            uri: format!("file:///notes/{path}").into(),
            name: (*path).into(),
            note: Arc::new(
                notes::parse(text, path, &Aliases::default(), Limits::default()).expect("parses"),
            ),
        })
        .collect();
    Index::build(entries)
}

/// The card at `$0` of `go_line` (after a prelude importing io, sync and time), as
/// `key @ title`, or `-`.
fn card_at(index: &Index, go_line: &str) -> (String, Option<lookup::Card>) {
    let fixture = format!("{PRELUDE}{go_line}");
    let offset = fixture.find("$0").expect("a $0 in the Go line");
    let text = fixture.replace("$0", "");
    let mut parser = go::parser();
    let tree = go::parse(&mut parser, &text, None).expect("parses");
    let card = go::symbol_at(&tree, &text, offset).and_then(|s| lookup::card(index, &s.keys));
    let shown = card
        .as_ref()
        .map_or("-".to_string(), |c| format!("{} @ {}", c.key, c.link.title));
    (shown, card)
}

fn check(notes: &[(&str, &str)], go_line: &str, expect: &str) {
    let (shown, _) = card_at(&index(notes), go_line);
    if expect == "-" {
        assert_eq!(shown, "-", "{go_line:?} over {notes:?}");
    } else {
        let (key, title) = expect.split_once(" @ ").expect("`key @ title`");
        assert!(
            shown.starts_with(&format!("{key} @ ")) && shown.ends_with(title),
            "{go_line:?}: got {shown}, want {expect}"
        );
    }
}

#[test]
fn no_package_fallback() {
    let notes = [(
        "sync.md",
        "## sync\n\nThe package has sync.Mutex and sync.Once.\n",
    )];
    check(&notes, "var p sync.Po$0ol", "-");
    check(&notes, "var p sy$0nc.Pool", "sync @ sync");
}

#[test]
fn everyday_words_need_code() {
    let tutorial = [(
        "tdd.md",
        "## Make the test pass\n\nWrite just enough code.\n",
    )];
    check(&tutorial, "func f() { _ = ma$0ke([]int, 1) }", "-");
    let go_note = [("slices.md", "## make\n\n```go\ns := make([]int, 3)\n```\n")];
    check(&go_note, "func f() { _ = ma$0ke([]int, 1) }", "make @ make");
    // a code span counts only as Go spells it: `Select` is C#'s
    let csharp = [(
        "linq.md",
        "## Use `Select` wisely\n\n```csharp\nxs.Select(x => x)\n```\n\n```go\nfmt.Println(1)\n```\n",
    )];
    check(&csharp, "func f() { sel$0ect {} }", "-");
    // a note without Go code: `select` is SQL's
    let sql = [(
        "db.md",
        "## select for update\n\n`select * from t for update`\n",
    )];
    check(&sql, "func f() { sel$0ect {} }", "-");
    // a builtin called in the heading is code, as Go writes it
    let call = [(
        "maps.md",
        "## 5) delete(m, key) does not shrink

The buckets stay allocated.
",
    )];
    check(
        &call,
        "func f(m map[int]int) { del$0ete(m, 1) }",
        "delete @ delete(m, key) does not shrink",
    );
    let prose = [(
        "files.md",
        "## Delete old files

Clean the folder up.
",
    )];
    check(&prose, "func f(m map[int]int) { del$0ete(m, 1) }", "-");
}

#[test]
fn a_heading_that_names_go_means_go() {
    let notes = [(
        "q.md",
        "## 说说go语言的select机制\n\nselect 让 goroutine 等待多个通道。\n",
    )];
    check(
        &notes,
        "func f() { sel$0ect {} }",
        "select @ 说说go语言的select机制",
    );
}

#[test]
fn inflected_words() {
    let notes = [(
        "errors.md",
        "## Deferring cleanup\n\nClose files when done.\n\n```go\ndefer f.Close()\n```\n",
    )];
    check(
        &notes,
        "func f() { de$0fer g() }",
        "defer @ Deferring cleanup",
    );
}

#[test]
fn members_named_bare() {
    // under a heading about the package: checked against the standard library
    let book = [(
        "io.md",
        "# 1.1 io — 基本的 IO 接口\n\n```go\nio.Copy(dst, src)\n```\n\n## Copy 和 CopyN 函数\n\n复制数据。\n\n## Notes\n\n随手记。\n",
    )];
    check(
        &book,
        "func f() { io.Co$0py(nil, nil) }",
        "io.Copy @ Copy 和 CopyN 函数",
    );
    check(
        &book,
        "func f() { io.Co$0pyN(nil, nil, 1) }",
        "io.CopyN @ Copy 和 CopyN 函数",
    );
    // over code that uses the qualified name
    let guide = [(
        "guide.md",
        "# Concurrency\n\n## Mutex\n\nGuards state.\n\n```go\nvar mu sync.Mutex\nmu.Lock()\n```\n",
    )];
    check(&guide, "var m sync.Mu$0tex", "sync.Mutex @ Mutex");
    // a method of the one type of the package that has it
    let dates = [(
        "dates.md",
        "# Working with time\n\n```go\nnow := time.Now()\n```\n\n## Format Date\n\nLayouts use the reference time.\n",
    )];
    check(
        &dates,
        "var t time.Time\nfunc f() { t.For$0mat(\"\") }",
        "time.Time.Format @ Format Date",
    );
}

#[test]
fn titles_from_paths_and_front_matter() {
    let qa = [(
        "channel/close-a-closed-channel.md",
        "Closing a closed channel panics.\n\n```go\nclose(ch)\nclose(ch)\n```\n",
    )];
    check(
        &qa,
        "func f(c chan int) { clo$0se(c) }",
        "close @ channel/close-a-closed-channel.md",
    );
    let article = [(
        "hpg-once.md",
        "---\ntitle: Go sync.Once\n---\n\n![cover](cover.png)\n\n## 1 使用场景\n\n只执行一次。\n",
    )];
    check(&article, "var o sync.On$0ce", "sync.Once @ 1 使用场景");
}

#[test]
fn passing_mentions() {
    let channels = (
        "channels.md",
        "## Channels\n\n- close it only once: use sync.Once for that\n\n```go\nch := make(chan int)\n```\n",
    );
    // alone, a passing mention is no note about sync.Once
    check(&[channels], "var o sync.On$0ce", "-");
    // and it never beats the section about it
    let once = ("once.md", "## sync.Once\n\n只执行一次。\n");
    check(
        &[channels, once],
        "var o sync.On$0ce",
        "sync.Once @ sync.Once",
    );
    // in a note about the package, a mention answers
    let pkg = (
        "context/README.md",
        "## Context - Standard Library\n\nThe package context.\n\n## Notes\n\n* Replace a Context using context.WithCancel.\n",
    );
    check(
        &[pkg],
        "func f() { context.WithCan$0cel(nil) }",
        "context.WithCancel @ Notes",
    );
    // a member written bare, in a note about its package
    let bare = (
        "context/README.md",
        "## Context - Standard Library\n\nThe package context.\n\n## Notes\n\n* Derive one using WithTimeout or WithValue.\n",
    );
    check(
        &[bare],
        "func f() { context.WithTime$0out(nil, 0) }",
        "context.WithTimeout @ Notes",
    );
    // the same words in a note about something else are nothing
    let other = ("misc.md", "## Misc\n\nDerive one using WithTimeout.\n");
    check(&[other], "func f() { context.WithTime$0out(nil, 0) }", "-");
}

#[test]
fn methods_answer_with_their_receiver_type() {
    let notes = [
        ("wg.md", "## sync.WaitGroup\n\nWaits for goroutines.\n"),
        ("sync.md", "## sync\n\nAll of sync.Mutex, sync.WaitGroup.\n"),
    ];
    check(
        &notes,
        "var wg sync.WaitGroup\nfunc f() { wg.A$0dd(1) }",
        "sync.WaitGroup @ sync.WaitGroup",
    );
    check(&notes, "var c sync.Cond\nfunc f() { c.Wa$0it() }", "-");
}

#[test]
fn glossary_words() {
    let notes = [(
        "timers.md",
        "## 定时器\n\n```go\nt := time.NewTimer(d)\n```\n\n## 死锁\n\n两个协程互相等待。\n",
    )];
    check(&notes, "var t *time.Ti$0mer", "time.Timer @ 定时器");
    check(&notes, "var m sync.Mu$0tex", "-");
}

#[test]
fn mkdocs_admonitions_read_as_prose() {
    let notes = [(
        "mistakes.md",
        "## Avoid panics\n\n???+ info \"TL;DR\"\n\n    Return errors instead of calling `panic`.\n\n```go\npanic(err)\n```\n",
    )];
    let (shown, card) = card_at(&index(&notes), "func f() { pan$0ic(1) }");
    assert!(
        shown.starts_with("panic @ ") && shown.ends_with("Avoid panics"),
        "{shown}"
    );
    let md = card.expect("a card").markdown();
    assert!(
        md.contains("Return errors instead") && !md.contains("???"),
        "{md}"
    );
}

#[test]
fn bold_phrases_are_headings_inside_a_section() {
    let guide = [(
        "guide.md",
        "## Channels\n\nChannels connect goroutines.\n\n**select**<br/>\n\nWaits on several channels.\n\n```go\nselect {\ncase v := <-a:\n\t_ = v\n}\n```\n",
    )];
    check(&guide, "func f() { sel$0ect {} }", "select @ Channels");
}

#[test]
fn the_one_std_type_of_a_name() {
    // one std type is called Stringer; the note's code uses its package
    let obsidian = [(
        "go/The Stringer Interface.md",
        "Types that describe themselves.\n\n```go\nfunc (p Person) String() string { return p.Name }\nfmt.Println(p)\n```\n",
    )];
    check(
        &obsidian,
        "var s fmt.Strin$0ger",
        "fmt.Stringer @ go/The Stringer Interface.md",
    );
    // a note that never touches the package: no claim on the name
    let other = [("ui/Stringer.md", "A UI widget that strings beads.\n")];
    check(&other, "var s fmt.Strin$0ger", "-");
}

#[test]
fn a_line_that_is_a_link_only_names() {
    let readme = [(
        "context/README.md",
        "## Context - Standard Library\n\nThe package context.\n\n## Notes\n\n* Derive one with WithCancel.\n\n## Code Review\n\n[WithCancel](example2/example2.go)\n",
    )];
    check(
        &readme,
        "func f() { context.WithCan$0cel(nil) }",
        "context.WithCancel @ Notes",
    );
}

#[test]
fn outlines_of_bullets() {
    // Logseq: bullets nested by tabs, block properties between them, a fence opening an item
    let page = [(
        "pages/caveats.md",
        "- ```go\n  for _, x := range xs { p = &x }\n  ```\n- 6. uintptr 和 unsafe.Pointer 的区别 #interview\n  id:: 640d674f\n\t- unsafe.Pointer 是通用指针类型，不能参与指针运算；\n\t- uintptr 可以参与运算。\n",
    )];
    check(
        &page,
        "var p unsafe.Poin$0ter",
        "unsafe.Pointer @ pages/caveats.md",
    );
}

#[test]
fn builtins_in_notes_about_their_operands() {
    let slices = [(
        "slices/README.md",
        "## Slices\n\nSlices are views of arrays.\n\n```go\ns := []int{1}\n```\n\n## Notes\n\n* Grow one with append(s, x) when full.\n",
    )];
    check(
        &slices,
        "func f() { _ = appe$0nd([]int{}, 1) }",
        "append @ Notes",
    );
    let http = [(
        "http/README.md",
        "## Handlers\n\nA handler can grow a buffer with append(b, x) too.\n\n```go\nhttp.HandleFunc(\"/\", h)\n```\n",
    )];
    check(&http, "func f() { _ = appe$0nd([]int{}, 1) }", "-");
}

#[test]
fn a_name_the_code_of_one_note_keeps_using() {
    // every section of a note about `time` uses time.NewTimer: the first one answers
    let sections: String = ["Basics", "Second look", "Third look", "Fourth look"]
        .iter()
        .map(|h| format!("## {h}\n\nSee below.\n\n```go\nt := time.NewTimer(d)\n```\n\n"))
        .collect();
    let one_note = [("time.md", sections.as_str())];
    check(
        &one_note,
        "func f() { time.NewT$0imer(1) }",
        "time.NewTimer @ Basics",
    );
    // used in the code of four notes: everyday code, no card
    let snippet = "## Print\n\nSee below.\n\n```go\nfmt.Println(x)\n```\n";
    let many = [
        ("fmt.md", snippet),
        ("a.md", snippet),
        ("b.md", snippet),
        ("c.md", snippet),
    ];
    check(&many, "func f() { fmt.Print$0ln(1) }", "-");
}

#[test]
fn methods_called_in_the_code_of_a_note_about_their_package() {
    // `t1.Before(t2)` in a note about `time`: time.Time.Before, the one type of `time` with it
    let notes = [(
        "time.md",
        "## Now\n\nThe clock.\n\n```go\nt := time.Now()\n```\n\n\
         ## Comparisons\n\nWhich comes first.\n\n```go\nif t1.Before(t2) {\n}\n```\n",
    )];
    check(
        &notes,
        "func f(t time.Time) { t.Bef$0ore(t) }",
        "time.Time.Before @ Comparisons",
    );
    // `mu.Lock()` in a note about `sync`: Mutex or RWMutex, the code does not say
    let locks = [(
        "sync.md",
        "## Locking\n\nTake it.\n\n```go\nmu.Lock()\nsync.OnceFunc(f)\n```\n",
    )];
    check(&locks, "func f(mu *sync.Mutex) { mu.Lo$0ck() }", "-");
}
