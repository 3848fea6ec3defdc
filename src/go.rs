//! Go source -> the Go name at a byte offset, fully qualified, with tree-sitter-go.
//!
//! A name is a key the notes can hold: a qualified name (`sync.Once`, `sync.WaitGroup.Add`), a
//! package (`runtime`), a keyword or operator (`defer`, `<-`), a builtin (`make`), a blank
//! identifier in context (`var _`, `import _`, `_`) or a struct tag (`struct tag`).
//! Packages resolve through the file's imports, aliases included (`rt "runtime"`); `x.M` resolves
//! through the declared type of `x` where the file states it, with lexical scoping. Nothing
//! inside a comment or a string literal is a name, except a struct tag.
//!
//! [`scan_names`] is the fast lexical pass over the notes' snippets: the same rules on a token
//! stream, without a parse (a full parse runs at a few MB/s; this runs at memory speed).

use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

/// The key for struct tags, in source and in notes.
pub const STRUCT_TAG: &str = "struct tag";

/// Go's keywords.
pub const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Go's builtin functions.
pub const BUILTINS: &[&str] = &[
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover",
];

/// Standard-library package names: an unimported, undeclared `sync.X` in a snippet or an
/// unfinished file still means package `sync`.
pub const STD_PACKAGES: &[&str] = &[
    "atomic", "base64", "big", "binary", "bits", "bufio", "bytes", "cmp", "context", "csv",
    "driver", "embed", "errors", "exec", "expvar", "filepath", "flag", "fmt", "fs", "hash", "heap",
    "hex", "http", "io", "ioutil", "iter", "json", "list", "log", "maps", "math", "mime", "net",
    "os", "path", "pprof", "rand", "reflect", "regexp", "rpc", "runtime", "signal", "slices",
    "slog", "sort", "sql", "strconv", "strings", "sync", "syscall", "template", "testing", "time",
    "trace", "unicode", "unique", "unsafe", "url", "utf16", "utf8", "xml",
];

// `match` on strings compiles to a switch on length, then a compare: the fastest check for
// these small fixed sets, which the indexer asks about for every word of every note. The lists
// above are the same names, for callers that iterate.
pub fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "break"
            | "case"
            | "chan"
            | "const"
            | "continue"
            | "default"
            | "defer"
            | "else"
            | "fallthrough"
            | "for"
            | "func"
            | "go"
            | "goto"
            | "if"
            | "import"
            | "interface"
            | "map"
            | "package"
            | "range"
            | "return"
            | "select"
            | "struct"
            | "switch"
            | "type"
            | "var"
    )
}
pub fn is_builtin(s: &str) -> bool {
    matches!(
        s,
        "append"
            | "cap"
            | "clear"
            | "close"
            | "complex"
            | "copy"
            | "delete"
            | "imag"
            | "len"
            | "make"
            | "max"
            | "min"
            | "new"
            | "panic"
            | "print"
            | "println"
            | "real"
            | "recover"
    )
}
pub fn is_std_package(s: &str) -> bool {
    matches!(
        s,
        "atomic"
            | "base64"
            | "big"
            | "binary"
            | "bits"
            | "bufio"
            | "bytes"
            | "cmp"
            | "context"
            | "csv"
            | "driver"
            | "embed"
            | "errors"
            | "exec"
            | "expvar"
            | "filepath"
            | "flag"
            | "fmt"
            | "fs"
            | "hash"
            | "heap"
            | "hex"
            | "http"
            | "io"
            | "ioutil"
            | "iter"
            | "json"
            | "list"
            | "log"
            | "maps"
            | "math"
            | "mime"
            | "net"
            | "os"
            | "path"
            | "pprof"
            | "rand"
            | "reflect"
            | "regexp"
            | "rpc"
            | "runtime"
            | "signal"
            | "slices"
            | "slog"
            | "sort"
            | "sql"
            | "strconv"
            | "strings"
            | "sync"
            | "syscall"
            | "template"
            | "testing"
            | "time"
            | "trace"
            | "unicode"
            | "unique"
            | "unsafe"
            | "url"
            | "utf16"
            | "utf8"
            | "xml"
    )
}

/// The Go name found at a spot of a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The keys to look up, most specific first: `sync.WaitGroup.Add`, `sync.WaitGroup`, `sync`.
    pub keys: Vec<String>,
    /// The bytes of the source the name spans (for the hover's range).
    pub range: Range<usize>,
}

/// A parser set up for Go.
/// Node kind ids the hot loops compare instead of kind names (`Node::kind` measures and checks
/// a C string each time: 13% of a hover in a 180 KB file went there).
struct Kinds {
    var_declaration: u16,
    short_var_declaration: u16,
    function_declaration: u16,
}

fn kinds() -> &'static Kinds {
    static KINDS: std::sync::LazyLock<Kinds> = std::sync::LazyLock::new(|| {
        let lang: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        let id = |kind: &str| lang.id_for_node_kind(kind, true);
        Kinds {
            var_declaration: id("var_declaration"),
            short_var_declaration: id("short_var_declaration"),
            function_declaration: id("function_declaration"),
        }
    });
    &KINDS
}

pub fn parser() -> Parser {
    let mut p = Parser::new();
    // The grammar and the library are built together: a failure here is a build error.
    p.set_language(&tree_sitter_go::LANGUAGE.into())
        .expect("tree-sitter-go matches tree-sitter");
    p
}

/// Parses `text` (reusing `old`, already edited, when given).
pub fn parse(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Option<Tree> {
    parser.parse(text, old)
}

/// The chain of keys for a fully qualified name: `a.B.C` -> [`a.B.C`, `a.B`, `a`].
pub fn fallbacks(key: &str) -> Vec<String> {
    let mut keys = vec![key.to_string()];
    if key.ends_with(" _") {
        // `var _`, `import _` -> `_`
        keys.push("_".to_string());
        return keys;
    }
    if key.contains(' ') {
        return keys;
    }
    let mut k = key;
    while let Some(dot) = k.rfind('.') {
        k = &k[..dot];
        if k.is_empty() {
            break;
        }
        keys.push(k.to_string());
    }
    keys
}

/// The name at byte `offset` of `text` (parsed as `tree`), or `None`.
/// A cursor just after a name (at its end) still finds it.
pub fn symbol_at(tree: &Tree, text: &str, offset: usize) -> Option<Symbol> {
    let offset = offset.min(text.len());
    let root = tree.root_node();
    let find = |o: usize| {
        let leaf = root.descendant_for_byte_range(o, o)?;
        Ctx::new(text, root, leaf).at(leaf)
    };
    find(offset).or_else(|| if offset > 0 { find(offset - 1) } else { None })
}

/// Every name a parsed source uses, in order of first use, without repeats.
pub fn names_used(tree: &Tree, text: &str) -> Vec<String> {
    let root = tree.root_node();
    let mut out: Vec<String> = Vec::new();
    let mut cursor = tree.walk();
    let mut visit = true;
    loop {
        let node = cursor.node();
        if visit && node.child_count() == 0 {
            if let Some(sym) = Ctx::new(text, root, node).symbol_of_leaf(node) {
                if let Some(first) = sym.keys.into_iter().next() {
                    if !out.contains(&first) {
                        out.push(first);
                    }
                }
            }
        }
        if visit && cursor.goto_first_child() {
            continue;
        }
        if cursor.goto_next_sibling() {
            visit = true;
            continue;
        }
        if !cursor.goto_parent() {
            break;
        }
        visit = false;
    }
    out
}

/// What is being completed at a spot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompletionContext {
    /// After `pkg.` or `x.` (resolved): the qualifier's key (`sync`, `sync.WaitGroup`) and the
    /// member typed so far.
    Member {
        qualifier: String,
        prefix: String,
        range: Range<usize>,
    },
    /// A bare word being typed (possibly empty).
    Word { prefix: String, range: Range<usize> },
}

/// What is being completed at byte `offset`: looks at the text just before the cursor and
/// resolves the qualifier through the tree. `None` inside comments and strings.
pub fn completion_at(tree: &Tree, text: &str, offset: usize) -> Option<CompletionContext> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let root = tree.root_node();
    if offset > 0 {
        if let Some(n) = root.descendant_for_byte_range(offset - 1, offset) {
            if Ctx::new(text, root, n).in_comment_or_string(n) {
                return None;
            }
        }
    }
    let before = &text[..offset];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(offset, |(i, _)| i);
    let prefix = text[word_start..offset].to_string();
    if before[..word_start].ends_with('.') {
        let dot = word_start - 1;
        let qual_start = before[..dot]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(dot, |(i, _)| i);
        if qual_start == dot {
            return None;
        }
        let anchor = root.descendant_for_byte_range(qual_start, dot)?;
        let name = &text[qual_start..dot];
        let qualifier = Ctx::new(text, root, anchor).qualifier_key(name, anchor)?;
        return Some(CompletionContext::Member {
            qualifier,
            prefix,
            range: word_start..offset,
        });
    }
    Some(CompletionContext::Word {
        prefix,
        range: word_start..offset,
    })
}

/// A type as the file states it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum TypeRef {
    /// `pkg.Name`, the package already resolved to its canonical name.
    Qualified(String),
    /// A type declared in this file.
    Local(String),
}

/// What a query reads: the text, the tree, and the chain of nodes from the root down to the
/// node asked about. tree-sitter finds a node's parent by walking down from the root, so asking
/// for parents over and over on a large file is slow; the chain answers for every ancestor of
/// that node at once.
struct Ctx<'t> {
    text: &'t str,
    root: Node<'t>,
    chain: Vec<Node<'t>>,
    /// The variables the file's top level declares (the last declaration of a name wins, as a
    /// scan in order finds it), read once per request when a name is looked up there.
    top_vars: std::cell::OnceCell<std::collections::HashMap<&'t str, Decl<'t>>>,
    /// The functions it declares, the same way.
    top_funcs: std::cell::OnceCell<std::collections::HashSet<&'t str>>,
}

impl<'t> Ctx<'t> {
    fn new(text: &'t str, root: Node<'t>, node: Node<'t>) -> Self {
        let mut chain = vec![root];
        let mut cur = root;
        while cur.id() != node.id() {
            match cur.child_with_descendant(node) {
                Some(c) if c.id() != cur.id() => {
                    chain.push(c);
                    cur = c;
                }
                _ => break,
            }
        }
        Ctx {
            text,
            root,
            chain,
            top_vars: std::cell::OnceCell::new(),
            top_funcs: std::cell::OnceCell::new(),
        }
    }

    fn top_vars(&self) -> &std::collections::HashMap<&'t str, Decl<'t>> {
        self.top_vars.get_or_init(|| {
            let mut vars = std::collections::HashMap::new();
            let mut c = self.root.walk();
            for stmt in self.root.named_children(&mut c) {
                self.declarations(stmt, |name, decl| {
                    vars.insert(name, decl);
                });
            }
            vars
        })
    }

    fn parent(&self, n: Node<'t>) -> Option<Node<'t>> {
        match self.chain.iter().position(|c| c.id() == n.id()) {
            Some(0) => None,
            Some(i) => Some(self.chain[i - 1]),
            None => n.parent(),
        }
    }

    fn in_comment_or_string(&self, n: Node<'t>) -> bool {
        let mut node = Some(n);
        while let Some(x) = node {
            if matches!(
                x.kind(),
                "comment" | "interpreted_string_literal" | "raw_string_literal" | "rune_literal"
            ) {
                return true;
            }
            node = self.parent(x);
        }
        false
    }

    fn src(&self, n: Node<'_>) -> &'t str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn at(&self, node: Node<'t>) -> Option<Symbol> {
        if node.child_count() != 0 {
            // A struct tag: the string is a leaf in some grammars, a node with children in others.
            if matches!(
                node.kind(),
                "raw_string_literal" | "interpreted_string_literal"
            ) {
                return self.struct_tag(node);
            }
            return None;
        }
        self.symbol_of_leaf(node)
    }

    fn struct_tag(&self, node: Node<'t>) -> Option<Symbol> {
        let field = self
            .parent(node)
            .filter(|p| p.kind() == "field_declaration")?;
        let tag = field.child_by_field_name("tag")?;
        (tag.id() == node.id()).then(|| Symbol {
            keys: vec![STRUCT_TAG.to_string()],
            range: node.byte_range(),
        })
    }

    fn symbol_of_leaf(&self, node: Node<'t>) -> Option<Symbol> {
        let parent = self.parent(node)?;
        if self.in_comment_or_string(node) {
            // string content may be a child leaf of the literal
            let lit = if matches!(
                node.kind(),
                "raw_string_literal" | "interpreted_string_literal"
            ) {
                Some(node)
            } else {
                std::iter::successors(Some(node), |n| self.parent(*n)).find(|n| {
                    matches!(
                        n.kind(),
                        "raw_string_literal" | "interpreted_string_literal"
                    )
                })
            };
            return lit.and_then(|l| self.struct_tag(l));
        }
        let range = node.byte_range();
        let one = |key: String| {
            Some(Symbol {
                keys: fallbacks(&key),
                range: range.clone(),
            })
        };
        let kind = node.kind();
        if !node.is_named() {
            if kind == "<-" {
                return one("<-".to_string());
            }
            if is_keyword(kind) {
                return one(kind.to_string());
            }
            return None;
        }
        match kind {
            "blank_identifier" => {
                let key = match parent.kind() {
                    "import_spec" => "import _",
                    _ => "_",
                };
                one(key.to_string())
            }
            "identifier" if self.src(node) == "_" => {
                let key = match parent.kind() {
                    "var_spec" | "const_spec" => "var _",
                    _ => "_",
                };
                one(key.to_string())
            }
            "field_identifier" => {
                let sel = parent.kind() == "selector_expression";
                if sel && parent.child_by_field_name("field").map(|f| f.id()) == Some(node.id()) {
                    let operand = parent.child_by_field_name("operand")?;
                    let qualifier = self.expr_key(operand)?;
                    return one(format!("{qualifier}.{}", self.src(node)));
                }
                None
            }
            "package_identifier" => {
                if parent.kind() == "qualified_type" {
                    let pkg = self.package_of(self.src(node), node)?;
                    return one(pkg);
                }
                None
            }
            "type_identifier" => {
                if parent.kind() == "qualified_type" {
                    let pkg_node = parent.child_by_field_name("package")?;
                    let pkg = self.package_of(self.src(pkg_node), node)?;
                    return one(format!("{pkg}.{}", self.src(node)));
                }
                None
            }
            "identifier" => {
                let name = self.src(node);
                // a builtin call, not shadowed by the file
                if is_builtin(name)
                    && parent.kind() == "call_expression"
                    && parent.child_by_field_name("function").map(|f| f.id()) == Some(node.id())
                    && self.declared(name, node).is_none()
                    && !self.declares_function(name)
                {
                    return one(name.to_string());
                }
                // `x` itself: a package, or a variable of a known library type
                self.expr_key(node).and_then(one)
            }
            _ => None,
        }
    }

    /// The key an expression stands for as a qualifier: a package (`runtime`) or the qualified
    /// type of a variable or field (`sync.WaitGroup`).
    fn expr_key(&self, expr: Node<'t>) -> Option<String> {
        match expr.kind() {
            "identifier" => self.qualifier_key(self.src(expr), expr),
            _ => match self.type_of_expr(expr, 0)? {
                TypeRef::Qualified(q) => Some(q),
                TypeRef::Local(_) => None,
            },
        }
    }

    /// The key a bare name stands for as a qualifier, seen from `at`.
    fn qualifier_key(&self, name: &str, at: Node<'t>) -> Option<String> {
        if let Some(decl) = self.declared(name, at) {
            return match self.decl_type(decl, 0)? {
                TypeRef::Qualified(q) => Some(q),
                TypeRef::Local(_) => None,
            };
        }
        self.package_of(name, at)
    }

    /// The canonical package a name in the file refers to: an import (aliases resolved) or an
    /// undeclared standard-library package name.
    fn package_of(&self, name: &str, _at: Node<'_>) -> Option<String> {
        let mut found = None;
        self.for_each_import(|alias, path| {
            let canon = package_name_of_path(path);
            let local = alias.unwrap_or(canon);
            if local == name && found.is_none() {
                found = Some(canon.to_string());
            }
        });
        if found.is_some() {
            return found;
        }
        is_std_package(name).then(|| name.to_string())
    }

    fn for_each_import(&self, mut f: impl FnMut(Option<&str>, &str)) {
        let mut c = self.root.walk();
        for decl in self.root.named_children(&mut c) {
            match decl.kind() {
                "import_declaration" => {}
                "package_clause" | "comment" => continue,
                // imports come before every other declaration
                _ => break,
            }
            let mut specs = Vec::new();
            let mut c2 = decl.walk();
            for child in decl.named_children(&mut c2) {
                match child.kind() {
                    "import_spec" => specs.push(child),
                    "import_spec_list" => {
                        let mut c3 = child.walk();
                        specs.extend(
                            child
                                .named_children(&mut c3)
                                .filter(|s| s.kind() == "import_spec"),
                        );
                    }
                    _ => {}
                }
            }
            for spec in specs {
                let Some(path) = spec.child_by_field_name("path") else {
                    continue;
                };
                let path = self.src(path).trim_matches(['"', '`']);
                let alias = spec.child_by_field_name("name").map(|n| self.src(n));
                match alias {
                    Some("_") | Some(".") => {}
                    other => f(other, path),
                }
            }
        }
    }

    fn declares_function(&self, name: &str) -> bool {
        let funcs = self.top_funcs.get_or_init(|| {
            let function = kinds().function_declaration;
            let mut c = self.root.walk();
            self.root
                .named_children(&mut c)
                .filter(|d| d.kind_id() == function)
                .filter_map(|d| d.child_by_field_name("name"))
                .map(|n| self.src(n))
                .collect()
        });
        funcs.contains(name)
    }

    /// The declaration of `name` visible at `at`: the innermost scope's last declaration before
    /// it (any position at file level). Returns the node that states the type: a var_spec, a
    /// parameter_declaration, or the value expression of a short variable declaration.
    fn declared(&self, name: &str, at: Node<'t>) -> Option<Decl<'t>> {
        let pos = at.start_byte();
        let mut node = at;
        while let Some(scope) = self.parent(node) {
            let found = match scope.kind() {
                "statement_list" | "block" => self.decl_in_statements(scope, name, Some(pos)),
                "source_file" => self.top_vars().get(name).copied(),
                "function_declaration" | "method_declaration" | "func_literal" => {
                    let mut hit = None;
                    for field in ["receiver", "parameters"] {
                        if let Some(list) = scope.child_by_field_name(field) {
                            hit = hit.or_else(|| self.decl_in_params(list, name));
                        }
                    }
                    hit
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
            node = scope;
        }
        None
    }

    fn decl_in_params(&self, list: Node<'t>, name: &str) -> Option<Decl<'t>> {
        let mut c = list.walk();
        for p in list.named_children(&mut c) {
            let mut c2 = p.walk();
            let names = p.children_by_field_name("name", &mut c2);
            if names.into_iter().any(|n| self.src(n) == name) {
                return p.child_by_field_name("type").map(Decl::Type);
            }
        }
        None
    }

    fn decl_in_statements(
        &self,
        scope: Node<'t>,
        name: &str,
        before: Option<usize>,
    ) -> Option<Decl<'t>> {
        let mut last = None;
        let mut c = scope.walk();
        for stmt in scope.named_children(&mut c) {
            if before.is_some_and(|b| stmt.start_byte() > b) {
                break;
            }
            self.declarations(stmt, |n, decl| {
                if n == name {
                    last = Some(decl);
                }
            });
        }
        last
    }

    /// Every variable `stmt` declares, in order, with the node that states its type: the
    /// type of its var_spec, or the value it is given.
    fn declarations(&self, stmt: Node<'t>, mut f: impl FnMut(&'t str, Decl<'t>)) {
        let id = stmt.kind_id();
        if id == kinds().var_declaration {
            let mut c2 = stmt.walk();
            for ch in stmt.named_children(&mut c2) {
                match ch.kind() {
                    "var_spec" => self.var_spec_declarations(ch, &mut f),
                    "var_spec_list" => {
                        let mut c3 = ch.walk();
                        for spec in ch.named_children(&mut c3) {
                            if spec.kind() == "var_spec" {
                                self.var_spec_declarations(spec, &mut f);
                            }
                        }
                    }
                    _ => {}
                }
            }
        } else if id == kinds().short_var_declaration {
            let (Some(left), Some(right)) = (
                stmt.child_by_field_name("left"),
                stmt.child_by_field_name("right"),
            ) else {
                return;
            };
            let mut c2 = left.walk();
            let mut c3 = right.walk();
            let values: Vec<Node<'t>> = right.named_children(&mut c3).collect();
            for (i, n) in left.named_children(&mut c2).enumerate() {
                f(
                    self.src(n),
                    values.get(i).copied().map_or(Decl::Unknown, Decl::Value),
                );
            }
        }
    }

    fn var_spec_declarations(&self, spec: Node<'t>, f: &mut impl FnMut(&'t str, Decl<'t>)) {
        let mut c = spec.walk();
        let names: Vec<Node<'t>> = spec.children_by_field_name("name", &mut c).collect();
        let ty = spec.child_by_field_name("type");
        let values: Vec<Node<'t>> = match spec.child_by_field_name("value") {
            Some(v) if ty.is_none() => {
                let mut c2 = v.walk();
                v.named_children(&mut c2).collect()
            }
            _ => Vec::new(),
        };
        for (i, n) in names.iter().enumerate() {
            let decl = match ty {
                Some(t) => Decl::Type(t),
                None if values.is_empty() => return, // `var x` alone states nothing
                None => values.get(i).copied().map_or(Decl::Unknown, Decl::Value),
            };
            f(self.src(*n), decl);
        }
    }

    fn decl_type(&self, decl: Decl<'t>, depth: u8) -> Option<TypeRef> {
        match decl {
            Decl::Type(t) => self.type_of_type(t),
            Decl::Value(v) => self.type_of_expr(v, depth + 1),
            Decl::Unknown => None,
        }
    }

    fn type_of_type(&self, t: Node<'t>) -> Option<TypeRef> {
        match t.kind() {
            "qualified_type" => {
                let pkg = t.child_by_field_name("package")?;
                let name = t.child_by_field_name("name")?;
                let pkg = self.package_of(self.src(pkg), t)?;
                Some(TypeRef::Qualified(format!("{pkg}.{}", self.src(name))))
            }
            "type_identifier" => Some(TypeRef::Local(self.src(t).to_string())),
            "pointer_type" | "parenthesized_type" => self.type_of_type(t.named_child(0)?),
            "generic_type" => self.type_of_type(t.child_by_field_name("type")?),
            _ => None,
        }
    }

    fn type_of_expr(&self, e: Node<'t>, depth: u8) -> Option<TypeRef> {
        if depth > 8 {
            return None;
        }
        match e.kind() {
            "composite_literal" => self.type_of_type(e.child_by_field_name("type")?),
            "unary_expression" => {
                let op = e.child_by_field_name("operator")?;
                (op.kind() == "&").then_some(())?;
                self.type_of_expr(e.child_by_field_name("operand")?, depth + 1)
            }
            "parenthesized_expression" => self.type_of_expr(e.named_child(0)?, depth + 1),
            "call_expression" => {
                // new(pkg.T)
                let f = e.child_by_field_name("function")?;
                if f.kind() != "identifier" || self.src(f) != "new" {
                    return None;
                }
                let arg = e.child_by_field_name("arguments")?.named_child(0)?;
                match arg.kind() {
                    "selector_expression" => {
                        let op = arg.child_by_field_name("operand")?;
                        let field = arg.child_by_field_name("field")?;
                        let pkg = self.package_of(self.src(op), arg)?;
                        Some(TypeRef::Qualified(format!("{pkg}.{}", self.src(field))))
                    }
                    _ => self.type_of_type(arg),
                }
            }
            "identifier" => {
                let decl = self.declared(self.src(e), e)?;
                self.decl_type(decl, depth + 1)
            }
            "selector_expression" => {
                // x.f where x is of a struct type declared in this file
                let operand = e.child_by_field_name("operand")?;
                let field = e.child_by_field_name("field")?;
                let TypeRef::Local(owner) = self.type_of_expr(operand, depth + 1)? else {
                    return None;
                };
                let ft = self.field_type(&owner, self.src(field))?;
                self.type_of_type(ft)
            }
            _ => None,
        }
    }

    /// The type node of field `field` of struct type `owner` declared at file level.
    fn field_type(&self, owner: &str, field: &str) -> Option<Node<'t>> {
        let mut c = self.root.walk();
        for decl in self.root.named_children(&mut c) {
            if decl.kind() != "type_declaration" {
                continue;
            }
            let mut c2 = decl.walk();
            for spec in decl.named_children(&mut c2) {
                if spec.kind() != "type_spec"
                    || spec
                        .child_by_field_name("name")
                        .is_none_or(|n| self.src(n) != owner)
                {
                    continue;
                }
                let st = spec
                    .child_by_field_name("type")
                    .filter(|t| t.kind() == "struct_type")?;
                let list = st.named_child(0)?;
                let mut c3 = list.walk();
                for fd in list.named_children(&mut c3) {
                    let mut c4 = fd.walk();
                    if fd
                        .children_by_field_name("name", &mut c4)
                        .any(|n| self.src(n) == field)
                    {
                        return fd.child_by_field_name("type");
                    }
                }
            }
        }
        None
    }
}

#[derive(Clone, Copy)]
enum Decl<'t> {
    Type(Node<'t>),
    Value(Node<'t>),
    Unknown,
}

/// The package name Go gives an import path by default: its last element, without a `go-`
/// prefix or a major-version element (`github.com/mattn/go-sqlite3` -> `sqlite3`).
pub fn package_name_of_path(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    let is_version =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    if is_version {
        last = parts.next().unwrap_or(last);
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    last.strip_suffix(".go").unwrap_or(last)
}

// ---------------------------------------------------------------------------------------------
// The lexical pass for snippets.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a str),
    Punct(&'a str),
    Str { raw: bool, text: &'a str },
    Newline,
    Other,
}

fn lex(code: &str) -> Vec<Tok<'_>> {
    let b = code.as_bytes();
    // about one token in four bytes of Go: grown once or never
    let mut out = Vec::with_capacity(code.len() / 4 + 8);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                out.push(Tok::Newline);
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = code[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                if code[i..end].contains('\n') {
                    out.push(Tok::Newline);
                }
                i = end;
            }
            b'"' | b'\'' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                out.push(if c == b'"' {
                    Tok::Str {
                        raw: false,
                        text: &code[start..i],
                    }
                } else {
                    Tok::Other
                });
            }
            b'`' => {
                let start = i;
                let end = code[i + 1..].find('`').map_or(b.len(), |e| i + 1 + e + 1);
                out.push(Tok::Str {
                    raw: true,
                    text: &code[start..end],
                });
                i = end;
            }
            b'<' if b.get(i + 1) == Some(&b'-') => {
                out.push(Tok::Punct("<-"));
                i += 2;
            }
            b':' if b.get(i + 1) == Some(&b'=') => {
                out.push(Tok::Punct(":="));
                i += 2;
            }
            _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80)
                {
                    i += 1;
                }
                let word = &code[start..i];
                // non-ASCII letters are fine in Go identifiers; a stray byte split is not
                out.push(
                    if code.is_char_boundary(start) && code.is_char_boundary(i) {
                        Tok::Ident(word)
                    } else {
                        Tok::Other
                    },
                );
            }
            _ if c.is_ascii_digit() => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_')
                {
                    i += 1;
                }
                out.push(Tok::Other);
            }
            _ => {
                out.push(Tok::Punct(&code[i..i + 1]));
                i += 1;
            }
        }
    }
    out
}

/// The names a Go snippet uses, by a lexical pass with the rules of [`symbol_at`]: keywords,
/// `<-`, builtin calls, `pkg.Name` through the snippet's imports or standard package names,
/// `x.M` through `x`'s stated type, blank identifiers and struct tags.
pub fn scan_names(code: &str) -> Vec<String> {
    match scan_simple(code) {
        Some(Simple::Nothing) => Vec::new(),
        Some(Simple::One(name)) => vec![name.to_string()],
        Some(Simple::Member(pkg, member)) => vec![pkg.to_string(), member.to_string()],
        None => scan_tokens(code, |_| true),
    }
}

/// The qualified names of [`scan_names`] only (`sync.Once`, `sync.Mutex.Lock`: those with a
/// dot and no space), without making the others.
pub fn scan_qualified(code: &str) -> Vec<String> {
    match scan_simple(code) {
        Some(Simple::Member(_, member)) => vec![member.to_string()],
        Some(_) => Vec::new(),
        None if !code.contains('.') => Vec::new(),
        None => scan_tokens(code, |n| n.contains('.') && !n.contains(' ')),
    }
}

fn scan_tokens<'a>(code: &'a str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let toks = lex(code);
    // functions the snippet declares: calls to them are not builtins
    let declared_funcs: Vec<&str> = toks
        .windows(2)
        .filter_map(|p| match p {
            [Tok::Ident("func"), Tok::Ident(name)] => Some(*name),
            _ => None,
        })
        .collect();
    // imports: `import "x"`, `import a "x"`, blocks
    let mut imports: Vec<(&'a str, &'a str)> = Vec::new();
    let mut in_import_block = false;
    for (i, t) in toks.iter().enumerate() {
        match *t {
            Tok::Ident("import") if toks.get(i + 1) == Some(&Tok::Punct("(")) => {
                in_import_block = true
            }
            Tok::Punct(")") if in_import_block => in_import_block = false,
            Tok::Str { text, .. } => {
                let prev = i.checked_sub(1).map(|p| toks[p]);
                let path = text.trim_matches(['"', '`']);
                let canon = package_name_of_path(path);
                match prev {
                    Some(Tok::Ident("import")) => imports.push((canon, canon)),
                    Some(Tok::Ident(alias)) if alias != "_" => {
                        let before = i.checked_sub(2).map(|p| toks[p]);
                        if in_import_block || before == Some(Tok::Ident("import")) {
                            imports.push((alias, canon));
                        }
                    }
                    Some(Tok::Newline) | Some(Tok::Punct("(")) if in_import_block => {
                        imports.push((canon, canon));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let imported: Vec<&str> = imports.iter().map(|(a, _)| *a).collect();
    let package = |name: &'a str, locals: &[(&str, Option<String>)]| -> Option<&'a str> {
        if let Some((_, canon)) = imports.iter().find(|(a, _)| *a == name) {
            return Some(canon);
        }
        if locals.iter().any(|(n, _)| *n == name) {
            return None;
        }
        is_std_package(name).then_some(name)
    };
    // typed variables: `var x pkg.T`, `x *pkg.T` (params, fields, var blocks), `x := pkg.T{`,
    // `x := &pkg.T{`, `x := new(pkg.T)`, `var x = pkg.T{`
    let mut locals: Vec<(&'a str, Option<String>)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Tok::Ident(name) = *t else { continue };
        if is_keyword(name) || imported.contains(&name) {
            continue;
        }
        let prev = i.checked_sub(1).map(|p| toks[p]);
        let decl_start = matches!(
            prev,
            None | Some(Tok::Newline)
                | Some(Tok::Ident("var"))
                | Some(Tok::Punct("("))
                | Some(Tok::Punct(","))
                | Some(Tok::Punct(";"))
        );
        let mut j = i + 1;
        let short = matches!(toks.get(j), Some(Tok::Punct(":=")) | Some(Tok::Punct("=")));
        if short {
            if !(decl_start || prev == Some(Tok::Ident("var"))) {
                continue;
            }
            j += 1;
            let amp = toks.get(j) == Some(&Tok::Punct("&"));
            let new = toks.get(j) == Some(&Tok::Ident("new"))
                && toks.get(j + 1) == Some(&Tok::Punct("("));
            if amp {
                j += 1;
            } else if new {
                j += 2;
            }
            if let (Some(Tok::Ident(p)), Some(Tok::Punct(".")), Some(Tok::Ident(ty))) =
                (toks.get(j), toks.get(j + 1), toks.get(j + 2))
            {
                let closes = match toks.get(j + 3) {
                    Some(Tok::Punct("{")) => true,
                    Some(Tok::Punct(")")) => new,
                    _ => false,
                };
                if closes {
                    if let Some(pkg) = package(p, &[]) {
                        locals.push((name, Some(dotted(pkg, ty))));
                        continue;
                    }
                }
            }
            if prev != Some(Tok::Ident("var")) && toks.get(i + 1) == Some(&Tok::Punct("=")) {
                continue; // a plain assignment declares nothing
            }
            locals.push((name, None));
            continue;
        }
        if !decl_start {
            continue;
        }
        if toks.get(j) == Some(&Tok::Punct("*")) {
            j += 1;
        }
        if let (Some(Tok::Ident(p)), Some(Tok::Punct(".")), Some(Tok::Ident(ty))) =
            (toks.get(j), toks.get(j + 1), toks.get(j + 2))
        {
            if let Some(pkg) = package(p, &[]) {
                locals.push((name, Some(dotted(pkg, ty))));
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let push = |out: &mut Vec<String>, k: &str| {
        if keep(k) && !out.iter().any(|o| o == k) {
            out.push(k.to_string());
        }
    };
    let mut in_import_block = false;
    for (i, t) in toks.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| toks[p]);
        match *t {
            Tok::Punct("<-") => push(&mut out, "<-"),
            Tok::Punct(")") if in_import_block => in_import_block = false,
            Tok::Str { raw: true, text } => {
                // a struct tag: a raw string after a field's type, ending its line
                let after = toks.get(i + 1);
                let field_line = matches!(prev, Some(Tok::Ident(_)) | Some(Tok::Punct("]")))
                    && matches!(
                        after,
                        None | Some(Tok::Newline) | Some(Tok::Punct("}")) | Some(Tok::Punct(";"))
                    );
                if field_line && text.contains(":\"") {
                    push(&mut out, STRUCT_TAG);
                }
            }
            Tok::Ident(w) => {
                if prev == Some(Tok::Punct(".")) {
                    continue; // a member: handled with its qualifier
                }
                if is_keyword(w) {
                    if w == "import" && toks.get(i + 1) == Some(&Tok::Punct("(")) {
                        in_import_block = true;
                    }
                    push(&mut out, w);
                    continue;
                }
                if w == "_" {
                    let next = toks.get(i + 1);
                    let key = if prev == Some(Tok::Ident("var")) {
                        "var _"
                    } else if matches!(next, Some(Tok::Str { .. }))
                        && (prev == Some(Tok::Ident("import")) || in_import_block)
                    {
                        "import _"
                    } else {
                        "_"
                    };
                    push(&mut out, key);
                    continue;
                }
                if is_builtin(w)
                    && toks.get(i + 1) == Some(&Tok::Punct("("))
                    && !locals.iter().any(|(n, _)| *n == w)
                {
                    if !declared_funcs.contains(&w) {
                        push(&mut out, w);
                    }
                    continue;
                }
                let qualifier = match locals.iter().rev().find(|(n, _)| *n == w) {
                    Some((_, ty)) => ty.as_deref(),
                    None => package(w, &locals),
                };
                let Some(q) = qualifier else { continue };
                push(&mut out, q);
                if let (Some(Tok::Punct(".")), Some(Tok::Ident(m))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    let known = out.iter().any(|o| {
                        o.len() == q.len() + 1 + m.len()
                            && o.starts_with(q)
                            && o.ends_with(m)
                            && o.as_bytes()[q.len()] == b'.'
                    });
                    if !known {
                        let name = dotted(q, m);
                        if keep(&name) {
                            out.push(name);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `a.b`, allocated once.
fn dotted(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + 1 + b.len());
    s.push_str(a);
    s.push('.');
    s.push_str(b);
    s
}

/// What [`scan_names`] finds in simple code, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simple<'a> {
    Nothing,
    One(&'a str),
    /// A standard package and the member named (`sync`, `sync.Once`).
    Member(&'a str, &'a str),
}

/// What [`scan_names`] finds in a lone name or `pkg.Name` (or `pkg.Type.Method`: most inline
/// code in notes), without lexing: `None` when the text is anything else.
pub fn scan_simple(code: &str) -> Option<Simple<'_>> {
    let code = code.trim();
    let ident = |s: &str| {
        s.bytes()
            .next()
            .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
            && s.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
    };
    let mut parts = code.split('.');
    let pkg = parts.next().filter(|p| ident(p))?;
    let name = parts.next();
    if !parts.all(ident) {
        return None;
    }
    match name {
        None => Some(if is_keyword(pkg) || pkg == "_" || is_std_package(pkg) {
            Simple::One(pkg)
        } else {
            Simple::Nothing
        }),
        // a member of a member (`sync.WaitGroup.Add`) is named through its first member
        Some(name) if ident(name) && pkg != "_" => Some(if is_keyword(pkg) {
            Simple::One(pkg)
        } else if is_std_package(pkg) {
            Simple::Member(pkg, &code[..pkg.len() + 1 + name.len()])
        } else {
            Simple::Nothing
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn name_checks_match_the_lists() {
        assert!(KEYWORDS.iter().all(|k| is_keyword(k)) && BUILTINS.iter().all(|b| is_builtin(b)));
        assert!(STD_PACKAGES.iter().all(|p| is_std_package(p)));
        assert!(!is_keyword("Go") && !is_builtin("makes") && !is_std_package("syncs"));
    }
}
