//! Symbol finding: `$0` marks the cursor; each case names the keys expected there.
use super::*;

fn check(fixture: &str, expect: Option<&str>) {
    let offset = fixture.find("$0").expect("fixture has $0");
    let text = fixture.replace("$0", "");
    let mut p = parser();
    let tree = parse(&mut p, &text, None).expect("parses");
    let got = symbol_at(&tree, &text, offset).map(|s| s.keys.join(" > "));
    assert_eq!(got.as_deref(), expect, "at $0 in:\n{fixture}");
}

#[test]
fn symbols() {
    check(
        "package p\nimport rt \"runtime\"\nfunc f() { rt.Gos$0ched() }",
        Some("runtime.Gosched > runtime"),
    );
    check(
        "package p\nimport \"sync\"\nvar wg sync.WaitGroup\nfunc f() { wg.A$0dd(1) }",
        Some("sync.WaitGroup.Add > sync.WaitGroup > sync"),
    );
}

/// The shortcut for lone names agrees with the full lexical pass.
#[test]
fn simple_names_take_the_same_rules() {
    for code in [
        "sync",
        "sync.Once",
        " sync.Once ",
        "defer",
        "_",
        "make",
        "wg.Add",
        "chan.X",
        "_.x",
        "x",
        "go",
        "runtime.Gosched",
        "fmt",
        "Foo.Bar",
        "a1.b2",
        "reflect.TypeOf",
        "sync.WaitGroup.Add",
        "context.Context.Done",
        "wg.Add.x",
        "select.x.y",
        "sync._.x",
        "_.a.b",
    ] {
        if scan_simple(code).is_some() {
            assert_eq!(scan_names(code), scan_tokens(code), "{code:?}");
        }
    }
    assert!(scan_simple("sync.Once()").is_none());
    assert!(scan_simple("1.5").is_none());
    assert!(scan_simple("sync.Once.").is_none() && scan_simple("a..b").is_none());
    assert_eq!(
        scan_simple("sync.WaitGroup.Add"),
        Some(Simple::Member("sync", "sync.WaitGroup"))
    );
}
