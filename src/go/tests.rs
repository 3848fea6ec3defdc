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
    let code = "package p\nvar a = 1\nfunc f() { b := 2; var c int; _ = b; _ = c }\ntype T int\n";
    let tree = parse(&mut parser(), code, None).expect("parses");
    let mut seen = [0; 4];
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        let k = kinds();
        for (i, (name, id)) in [
            ("var_declaration", k.var_declaration),
            ("short_var_declaration", k.short_var_declaration),
            ("function_declaration", k.function_declaration),
            ("type_declaration", k.type_declaration),
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
    assert_eq!(seen, [2, 1, 1, 1]);
}

/// Files of one package: `(name, text)`, one of them with `$0`. The keys at `$0` when the
/// package's declarations are known, and when they are not (the file alone).
fn in_package(files: &[(&str, &str)]) -> (Option<String>, Option<String>) {
    let mut p = parser();
    let mut decls = Vec::new();
    let mut at = None;
    for (name, text) in files {
        let offset = text.find("$0");
        let text = text.replace("$0", "");
        let tree = parse(&mut p, &text, None).expect("parses");
        decls.push(FileDecls::of(&tree, &text));
        if let Some(o) = offset {
            at = Some((name, text, tree, o));
        }
    }
    let (_, text, tree, offset) = at.expect("a file has $0");
    let pkg = Package::new(&decls);
    let keys = |s: Option<Symbol>| s.map(|s| s.keys.join(" > "));
    (
        keys(symbol_in_package(&tree, &text, offset, Some(&pkg))),
        keys(symbol_at(&tree, &text, offset)),
    )
}

fn check_pkg(files: &[(&str, &str)], expect: Option<&str>) {
    let (got, _) = in_package(files);
    assert_eq!(got.as_deref(), expect, "at $0 in {files:#?}");
}

const SERVER: &str = "package srv\n\nimport (\n\t\"context\"\n\tstdsync \"sync\"\n)\n\n\
type Server struct {\n\tmu   stdsync.Mutex\n\twg   *stdsync.WaitGroup\n\tcond *stdsync.Cond\n\tw    *worker\n\tctx  context.Context\n}\n\n\
type worker struct{ n int }\n\nfunc (w *worker) Do() {}\n\n\
func (s *Server) conn() *conn { return nil }\n";

const CONN: &str =
    "package srv\n\nimport \"sync\"\n\ntype conn struct {\n\tsync.RWMutex\n\tonce sync.Once\n}\n";

#[test]
fn fields_of_types_declared_in_other_files() {
    let wait = "package srv\n\nfunc (s *Server) wait() {\n\ts.mu.Lo$0ck()\n}\n";
    let (with, alone) = in_package(&[("server.go", SERVER), ("wait.go", wait)]);
    assert_eq!(
        with.as_deref(),
        Some("sync.Mutex.Lock > sync.Mutex > sync"),
        "the import alias is the declaring file's"
    );
    assert_eq!(alone, None, "the file alone does not know s.mu");
    for (code, expect) in [
        (
            "s.wg.Wa$0it()",
            Some("sync.WaitGroup.Wait > sync.WaitGroup > sync"),
        ),
        ("s.co$0nd.Wait()", None), // a field of a type of the package: no key of its own
        ("s.cond.Wa$0it()", Some("sync.Cond.Wait > sync.Cond > sync")),
        ("s.w.D$0o()", None), // a method of a type of the package
        (
            "s.ctx.Do$0ne()",
            Some("context.Context.Done > context.Context > context"),
        ),
        (
            "s.conn().once.D$0o(nil)",
            Some("sync.Once.Do > sync.Once > sync"),
        ),
        (
            "c := s.conn()\n\tc.once.D$0o(nil)",
            Some("sync.Once.Do > sync.Once > sync"),
        ),
        ("s.nope.Lo$0ck()", None),
    ] {
        let f = format!("package srv\n\nfunc (s *Server) f() {{\n\t{code}\n}}\n");
        check_pkg(
            &[("server.go", SERVER), ("conn.go", CONN), ("f.go", &f)],
            expect,
        );
    }
    // a parameter of a type of the package, and a local of one
    check_pkg(
        &[
            ("server.go", SERVER),
            (
                "g.go",
                "package srv\n\nfunc g(srv *Server) {\n\tx := srv\n\tx.mu.Un$0lock()\n}\n",
            ),
        ],
        Some("sync.Mutex.Unlock > sync.Mutex > sync"),
    );
}

#[test]
fn members_promoted_through_embedded_fields() {
    let cases = [
        // embedded in another file's struct: its methods, and the field itself
        (
            "c.Lo$0ck()",
            Some("sync.RWMutex.Lock > sync.RWMutex > sync"),
        ),
        ("c.RWMu$0tex.RLock()", Some("sync.RWMutex > sync")),
        (
            "c.RWMutex.RLo$0ck()",
            Some("sync.RWMutex.RLock > sync.RWMutex > sync"),
        ),
        // two levels down, through a struct of the package
        (
            "o.RLo$0ck()",
            Some("sync.RWMutex.RLock > sync.RWMutex > sync"),
        ),
        ("o.once.D$0o(nil)", Some("sync.Once.Do > sync.Once > sync")),
        (
            "o.conn.once.D$0o(nil)",
            Some("sync.Once.Do > sync.Once > sync"),
        ),
        // a method declared on the outer type wins over the promoted one
        ("o.Un$0lock()", None),
        // two std types at the same depth: the one the table says has it
        ("two.Lo$0ck()", Some("sync.Mutex.Lock > sync.Mutex > sync")),
        ("two.Re$0ad(nil)", Some("io.Reader.Read > io.Reader > io")),
        // both have it: ambiguous, the code does not compile
        (
            "var l locks
	l.Lo$0ck()",
            None,
        ),
        // a type of a package not read: it may have it
        (
            "var w wrapped
	w.Lo$0ck()",
            None,
        ),
        // a defined type does not take the methods of the type it is defined as
        ("var m myMutex\n\tm.Lo$0ck()", None),
        // an alias is the type itself
        (
            "var m mutexAlias\n\tm.Lo$0ck()",
            Some("sync.Mutex.Lock > sync.Mutex > sync"),
        ),
        // cycles end
        ("var a cycleA\n\ta.Lo$0ck()", None),
        ("var a loopA\n\ta.Lo$0ck()", None),
    ];
    let types = "package srv\n\nimport (\n\t\"io\"\n\t\"sync\"\n\n\t\"example.com/kit\"\n)\n\n\
type outer struct {\n\t*conn\n\tname string\n}\n\nfunc (o outer) Unlock() {}\n\n\
type both struct {\n\tsync.Mutex\n\tio.Reader\n}\n\n\
type locks struct {\n\tsync.Mutex\n\tsync.RWMutex\n}\n\n\
type wrapped struct {\n\tsync.Mutex\n\tkit.Guard\n}\n\n\
type myMutex sync.Mutex\n\ntype mutexAlias = sync.Mutex\n\n\
type cycleA struct{ *cycleB }\n\ntype cycleB struct{ cycleA }\n\n\
type loopA = loopB\n\ntype loopB = loopA\n";
    for (code, expect) in cases {
        let f = format!("package srv\n\nfunc f(c *conn, o *outer, two both) {{\n\t{code}\n}}\n");
        check_pkg(
            &[("conn.go", CONN), ("types.go", types), ("f.go", &f)],
            expect,
        );
    }
}

#[test]
fn results_of_functions_and_methods_of_the_package() {
    let decls = "package ctx\n\nimport \"sync\"\n\n\
type cancelCtx struct {\n\tmu   sync.Mutex\n\tdone *sync.Once\n}\n\n\
func parentOf(parent any) (*cancelCtx, bool) { return nil, false }\n\n\
func pair() (ok bool, wg *sync.WaitGroup) { return }\n\n\
func (c *cancelCtx) self() *cancelCtx { return c }\n\n\
func (c *cancelCtx) both() (a, b *cancelCtx) { return c, c }\n";
    for (code, expect) in [
        (
            "p, ok := parentOf(x)\n\tp.mu.Lo$0ck()",
            Some("sync.Mutex.Lock > sync.Mutex > sync"),
        ),
        ("p, ok := parentOf(x)\n\t_ = o$0k", None),
        (
            "_, wg := pair()\n\twg.Wa$0it()",
            Some("sync.WaitGroup.Wait > sync.WaitGroup > sync"),
        ),
        (
            "var ok, wg = pair()\n\twg.Wa$0it()",
            Some("sync.WaitGroup.Wait > sync.WaitGroup > sync"),
        ),
        (
            "p, _ := parentOf(x)\n\tp.self().done.D$0o(nil)",
            Some("sync.Once.Do > sync.Once > sync"),
        ),
        (
            "p, _ := parentOf(x)\n\t_, q := p.both()\n\tq.mu.Un$0lock()",
            Some("sync.Mutex.Unlock > sync.Mutex > sync"),
        ),
        (
            "c := cancelCtx(*y)\n\tc.mu.Lo$0ck()",
            Some("sync.Mutex.Lock > sync.Mutex > sync"),
        ),
        // a local func value shadows the package's function
        (
            "parentOf := func() *int { return nil }\n\tp := parentOf()\n\tp.mu.Lo$0ck()",
            None,
        ),
        // type assertions, in the file alone too
        (
            "v, ok := x.(*sync.WaitGroup)\n\tv.Wa$0it()",
            Some("sync.WaitGroup.Wait > sync.WaitGroup > sync"),
        ),
    ] {
        let f = format!(
            "package ctx\n\nimport \"sync\"\n\nfunc f(x any, y *cancelCtx) {{\n\t{code}\n}}\n"
        );
        check_pkg(&[("decls.go", decls), ("f.go", &f)], expect);
    }
}

#[test]
fn package_level_vars_and_consts() {
    let vars = "package reg\n\nimport (\n\t\"sync\"\n\t\"time\"\n)\n\n\
var (\n\tdefaultMu sync.Mutex\n\tregistry  = &Registry{}\n\tonce      = new(sync.Once)\n\tcur, _    = current()\n)\n\n\
const tick time.Duration = 5\n\n\
type Registry struct{ mu sync.RWMutex }\n\nfunc current() (*Registry, error) { return nil, nil }\n";
    for (code, expect) in [
        (
            "defaultMu.Lo$0ck()",
            Some("sync.Mutex.Lock > sync.Mutex > sync"),
        ),
        ("default$0Mu.Lock()", Some("sync.Mutex > sync")),
        (
            "registry.mu.RLo$0ck()",
            Some("sync.RWMutex.RLock > sync.RWMutex > sync"),
        ),
        ("once.D$0o(nil)", Some("sync.Once.Do > sync.Once > sync")),
        (
            "cur.mu.RLo$0ck()",
            Some("sync.RWMutex.RLock > sync.RWMutex > sync"),
        ),
        (
            "tick.Seco$0nds()",
            Some("time.Duration.Seconds > time.Duration > time"),
        ),
        // a local of the same name shadows the package's var
        ("defaultMu := registry\n\tdefaultMu.Lo$0ck()", None),
    ] {
        let f = format!("package reg\n\nfunc f() {{\n\t{code}\n}}\n");
        check_pkg(&[("vars.go", vars), ("f.go", &f)], expect);
    }
}

#[test]
fn file_declarations_read_the_package_clause() {
    let mut p = parser();
    let text = "// Package x.\npackage x_test\n\nfunc F() {}\n";
    let tree = parse(&mut p, text, None).unwrap();
    let d = FileDecls::of(&tree, text);
    assert_eq!(d.package(), "x_test");
    let pkg = Package::new([&d]);
    assert_eq!(pkg.name(), "x_test");
    assert_eq!(pkg.counts(), (0, 1, 0, 0));
}

#[test]
fn package_clause_without_a_parse() {
    for (text, expect) in [
        ("package foo\n", Some("foo")),
        (
            "\u{feff}// Copyright\n\n/* doc\n*/ package foo_test // x\n",
            Some("foo_test"),
        ),
        ("//go:build ignore\n\npackage main\n", Some("main")),
        ("packagefoo\n", None),
        ("import \"x\"\npackage foo\n", None),
        ("/* unclosed package foo", None),
        ("", None),
    ] {
        assert_eq!(package_clause(text), expect, "{text:?}");
    }
}

/// Emptying the bodies of top-level functions changes no declaration: over tricky inline code,
/// every Go fixture of the repository, and the Go tree of `GONOTES_GOROOT_SRC` (for example
/// `/usr/share/go-1.19/src`) when that is set.
#[test]
fn declarations_without_bodies_are_the_same() {
    let mut texts: Vec<(String, String)> = [
        "package p\n\nfunc f() { x := struct{ a int }{1}; _ = x; s := \"}\"; r := '}'; _ = `{` }\n\ntype T struct{ mu sync.Mutex }\n",
        "package p\n\nfunc (t *T[K]) M(cb func() error) (r struct{ a int }, err error) {\n\tif true { return }\n\treturn\n}\n\nvar v sync.Once\n",
        "package p\n\nfunc f() interface{ M() } { /* } */ return nil }\n\n// }\nfunc g() func() { return func() {} }\n\nconst c time.Duration = 1\n",
        "package p\n\nfunc asm(x int) int\n\ntype H func(x int) error\n\nfunc h() *sync.WaitGroup {\n\treturn nil\n}\n",
        "package p\n\nvar f = func() {\n}\n\nvar (\n\tg = func() { }\n\tmu sync.Mutex\n)\n\nfunc unclosed() {\n",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| (format!("inline {i}"), t.to_string()))
    .collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs = vec![root];
    if let Some(goroot) = std::env::var_os("GONOTES_GOROOT_SRC") {
        dirs.push(goroot.into());
    }
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "go") {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    texts.push((p.display().to_string(), t));
                }
            }
        }
    }
    assert!(texts.len() > 20, "{}", texts.len());
    let mut p = parser();
    let mut kept = 0;
    let mut total = 0;
    for (name, text) in &texts {
        let short = without_bodies(text);
        kept += short.len();
        total += text.len();
        let full = FileDecls::of(&parse(&mut p, text, None).unwrap(), text);
        let skel = FileDecls::of(&parse(&mut p, &short, None).unwrap(), &short);
        assert_eq!(skel, full, "{name}:\n{short}");
    }
    assert!(kept < total, "{kept} of {total} bytes kept");
}

#[test]
fn generic_types_and_functions_of_the_package() {
    let decls = "package list\n\nimport \"sync\"\n\n\
type List[T any] struct {\n\tmu    sync.Mutex\n\titems []T\n}\n\n\
func New[T any]() *List[T] { return &List[T]{} }\n\n\
func (l *List[T]) Guard() *sync.RWMutex { return nil }\n\nvar shared = New[int]()\n";
    for (code, expect) in [
        (
            "var l List[int]\n\tl.mu.Lo$0ck()",
            Some("sync.Mutex.Lock > sync.Mutex > sync"),
        ),
        (
            "l := New[string]()\n\tl.mu.Lo$0ck()",
            Some("sync.Mutex.Lock > sync.Mutex > sync"),
        ),
        (
            "l := &List[int]{}\n\tl.Guard().RLo$0ck()",
            Some("sync.RWMutex.RLock > sync.RWMutex > sync"),
        ),
        (
            "shared.mu.Lo$0ck()",
            Some("sync.Mutex.Lock > sync.Mutex > sync"),
        ),
    ] {
        let f = format!("package list\n\nfunc f() {{\n\t{code}\n}}\n");
        check_pkg(&[("list.go", decls), ("f.go", &f)], expect);
    }
}

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "package p\n",
        "func ",
        "f",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "struct",
        "interface",
        " ",
        "\n",
        "\"",
        "'",
        "`",
        "//",
        "/*",
        "*/",
        "\\",
        "type T ",
        "var v = ",
        "x.y",
        ".",
        "*",
        "sync.Mutex",
        "a, b := ",
        "g()",
        "T[int]",
        "const c ",
        "= ",
        "😀",
        "通道",
        "\r\n",
        ",",
        "import \"sync\"\n",
        "_",
        "new(",
        "&",
        "mu ",
        "Lock",
        "s.mu.Lock()",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever the text, emptying bodies, reading declarations and resolving through them
        /// never panics.
        #[test]
        fn package_reading_never_panics(
            parts in proptest::collection::vec(0..PIECES.len(), 0..60),
            spots in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            let short = without_bodies(&text);
            let mut p = parser();
            let tree = parse(&mut p, &text, None).unwrap();
            let skel = parse(&mut p, &short, None).unwrap();
            let pkg = Package::new([&FileDecls::of(&tree, &text), &FileDecls::of(&skel, &short)]);
            for s in spots {
                let _ = symbol_in_package(&tree, &text, s.min(text.len()), Some(&pkg));
                let _ = completion_in_package(&tree, &text, s.min(text.len()), Some(&pkg));
            }
        }
    }
}

/// Types through the standard library's API table: results of std functions and methods, std
/// fields and vars, promoted and embedded-interface methods named after their declaring type.
#[test]
fn std_results_fields_and_declaring_types() {
    let head = "package p\nimport (\n\"bufio\"\n\"context\"\n\"net/http\"\n\"os\"\n\"testing\"\n\"time\"\n)\n";
    let cases = [
        (
            "func f(d time.Duration) { t := time.NewTimer(d); t.St$0op() }",
            "time.Timer.Stop > time.Timer > time",
        ),
        (
            "func f(u string) { resp, _ := http.Get(u); resp.Body.Cl$0ose() }",
            "io.Closer.Close > io.Closer > io.ReadCloser > io",
        ),
        (
            "func f(u string) { resp, _ := http.Get(u); resp.Bo$0dy.Close() }",
            "http.Response.Body > http.Response > http",
        ),
        (
            "func f(o *os.File) { r := bufio.NewReader(o); r.ReadSt$0ring('\\n') }",
            "bufio.Reader.ReadString > bufio.Reader > bufio",
        ),
        (
            "func f(r *bufio.Reader) { rw := bufio.NewReadWriter(r, nil); rw.ReadSt$0ring('\\n') }",
            "bufio.Reader.ReadString > bufio.Reader > bufio.ReadWriter > bufio",
        ),
        (
            "func f(p context.Context) { ctx, cancel := context.WithCancel(p); _ = cancel; ctx.Do$0ne() }",
            "context.Context.Done > context.Context > context",
        ),
        (
            "func f() { _ = time.Now().Add(time.Second).For$0mat(\"\") }",
            "time.Time.Format > time.Time > time",
        ),
        (
            "func f(t *testing.T) { t.Err$0orf(\"x\") }",
            "testing.T.Errorf > testing.T > testing",
        ),
        (
            "func f() { http.DefaultClient.D$0o(nil) }",
            "http.Client.Do > http.Client > http",
        ),
        (
            "func f(h http.Header) { for _, v := range h { _ = v }; h.G$0et(\"x\") }",
            "http.Header.Get > http.Header > http",
        ),
        // a local variable named like a package is no package
        (
            "func f(time *os.File) { time.Clo$0se() }",
            "os.File.Close > os.File > os",
        ),
    ];
    for (body, want) in cases {
        check(&format!("{head}{body}"), Some(want));
    }
}

/// `range`, type switches, index expressions, `new`, `&`/`*`, `<-`, composite literals,
/// initializers of `if`/`for`/`switch` and `select` cases.
#[test]
fn expressions_give_types() {
    let head = "package p\nimport \"sync\"\ntype Locks []*sync.Mutex\n";
    let mutex = Some("sync.Mutex.Lock > sync.Mutex > sync");
    let cases = [
        (
            "func f(mus []sync.Mutex) { for _, m := range mus { m.Lo$0ck() } }",
            mutex,
        ),
        (
            "func f(mus []*sync.Mutex) { for i := range mus { mus[i].Lo$0ck() } }",
            mutex,
        ),
        (
            "func f(mus []sync.Mutex) { for m := range mus { m.Lo$0ck() } }",
            None,
        ),
        (
            "func f(m map[string]*sync.Mutex) { m[\"k\"].Lo$0ck() }",
            mutex,
        ),
        (
            "func f(m map[string]*sync.Mutex) { for _, v := range m { v.Lo$0ck() } }",
            mutex,
        ),
        (
            "func f(ch chan *sync.Mutex) { for v := range ch { v.Lo$0ck() } }",
            mutex,
        ),
        ("func f(ch <-chan *sync.Mutex) { (<-ch).Lo$0ck() }", mutex),
        (
            "func f(ch chan *sync.Mutex) { v, ok := <-ch; _ = ok; v.Lo$0ck() }",
            mutex,
        ),
        (
            "func f(ls Locks) { for _, l := range ls { l.Lo$0ck() } }",
            mutex,
        ),
        (
            "func f(x any) { switch s := x.(type) { case *sync.Mutex: s.Lo$0ck() } }",
            mutex,
        ),
        (
            "func f(x any) { switch s := x.(type) { case int, *sync.Mutex: s.Lo$0ck() } }",
            None,
        ),
        (
            "func f(x any) { if m, ok := x.(*sync.Mutex); ok { m.Lo$0ck() } }",
            mutex,
        ),
        ("func f() { m := new(sync.Mutex); m.Lo$0ck() }", mutex),
        ("func f() { ms := []sync.Mutex{}; ms[0].Lo$0ck() }", mutex),
        ("func f(p *sync.Mutex) { (*p).Lo$0ck() }", mutex),
        (
            "func f(ms [4]sync.Mutex) { p := &ms[1]; p.Lo$0ck() }",
            mutex,
        ),
        (
            "func f(ch chan *sync.Mutex) { select { case v := <-ch: v.Lo$0ck() } }",
            mutex,
        ),
        ("func f(m sync.Mutex) { go func() { m.Lo$0ck() }() }", mutex),
        ("func f(m *sync.Mutex) { g := m.Lo$0ck; g() }", mutex),
        (
            "func f() { for m := new(sync.Mutex); ; { m.Lo$0ck() } }",
            mutex,
        ),
    ];
    for (body, want) in cases {
        check(&format!("{head}{body}"), want);
    }
}

/// Completion after `x.` resolves the whole receiver expression.
#[test]
fn completion_resolves_the_receiver_expression() {
    let head = "package p\nimport (\n\"sync\"\n\"time\"\n)\ntype S struct{ mu sync.Mutex }\n";
    let cases = [
        ("func f(s *S) { s.mu.$0 }", Some("sync.Mutex")),
        ("func f(s *S) { s.mu.Lo$0 }", Some("sync.Mutex")),
        ("func f() { time.Now().$0 }", Some("time.Time")),
        (
            "func f(d time.Duration) { t := time.NewTimer(d)\n t.$0 }",
            Some("time.Timer"),
        ),
        (
            "func f(m map[string]*sync.RWMutex) { m[\"a\"].$0 }",
            Some("sync.RWMutex"),
        ),
        ("func f() { sync.$0 }", Some("sync")),
        ("func f(x int) { x.$0 }", None),
    ];
    for (body, want) in cases {
        let fixture = format!("{head}{body}");
        let offset = fixture.find("$0").unwrap();
        let text = fixture.replace("$0", "");
        let mut p = parser();
        let tree = parse(&mut p, &text, None).unwrap();
        let got = match completion_at(&tree, &text, offset) {
            Some(CompletionContext::Member { qualifier, .. }) => Some(qualifier),
            _ => None,
        };
        assert_eq!(got.as_deref(), want, "in {fixture}");
    }
}
