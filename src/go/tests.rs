//! Symbol finding: `$0` marks the cursor; each case names the keys expected there.
use super::scan::scan_tokens;
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
            assert_eq!(scan_names(code), scan_tokens(code, |_| true), "{code:?}");
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

/// The qualified-only scan keeps exactly the dotted names of the full one, over every Go
/// block of the built-in notes and a few more.
#[test]
fn qualified_scan_is_the_full_scan_filtered() {
    let mut blocks: Vec<String> = Vec::new();
    for (_, text) in crate::load::BUILTIN {
        let mut code: Option<String> = None;
        for line in text.lines() {
            let fence = line.trim_start().starts_with("```");
            match (&mut code, fence) {
                (None, true) => code = Some(String::new()),
                (Some(c), true) => {
                    blocks.push(std::mem::take(c));
                    code = None;
                }
                (Some(c), false) => {
                    c.push_str(line);
                    c.push('\n');
                }
                (None, false) => {}
            }
        }
    }
    assert!(blocks.len() > 20, "{}", blocks.len());
    blocks.extend(
        [
            "sync.Once",
            "var mu sync.Mutex\nmu.Lock()",
            "x := 1",
            "import \"sync\"\nsync",
        ]
        .map(String::from),
    );
    for code in &blocks {
        let full: Vec<String> = scan_names(code)
            .into_iter()
            .filter(|n| n.contains('.') && !n.contains(' '))
            .collect();
        assert_eq!(scan_qualified(code), full, "{code}");
    }
}

/// The kind ids the hot loops compare name the kinds they stand for.
#[test]
fn kind_ids_match_kind_names() {
    let code = "package p\nvar a = 1\nfunc f() { b := 2; var c int; _ = b; _ = c }\n";
    let tree = parse(&mut parser(), code, None).expect("parses");
    let mut seen = [0; 3];
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        let k = kinds();
        for (i, (name, id)) in [
            ("var_declaration", k.var_declaration),
            ("short_var_declaration", k.short_var_declaration),
            ("function_declaration", k.function_declaration),
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(n.kind() == *name, n.kind_id() == *id, "{}", n.kind());
            seen[i] += usize::from(n.kind() == *name);
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    assert_eq!(seen, [2, 1, 1]);
}
