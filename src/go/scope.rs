//! Scopes and declarations: the chain of nodes a query reads, the file's imports, and the
//! declaration of a name visible at a spot, with lexical scoping.

use tree_sitter::Node;

use super::kinds;
use super::names::{is_std_package, package_name_of_path};
use super::package::Package;

/// What a query reads: the text, the tree, and the chain of nodes from the root down to the
/// node asked about. tree-sitter finds a node's parent by walking down from the root, so asking
/// for parents over and over on a large file is slow; the chain answers for every ancestor of
/// that node at once.
pub(super) struct Ctx<'t> {
    pub(super) text: &'t str,
    pub(super) root: Node<'t>,
    pub(super) chain: Vec<Node<'t>>,
    /// The variables the file's top level declares (the last declaration of a name wins, as a
    /// scan in order finds it), read once per request when a name is looked up there.
    pub(super) top_vars: std::cell::OnceCell<std::collections::HashMap<&'t str, Decl<'t>>>,
    /// The functions it declares, the same way.
    pub(super) top_funcs: std::cell::OnceCell<std::collections::HashSet<&'t str>>,
    /// The types it declares: each name's type node (the first declaration of a name).
    pub(super) top_types: std::cell::OnceCell<std::collections::HashMap<&'t str, Node<'t>>>,
    /// The std packages it imports with `.`.
    pub(super) dot_imports: std::cell::OnceCell<Vec<&'t str>>,
    /// The package the file belongs to, when known: what its other files declare.
    pub(super) pkg: Option<&'t Package>,
    /// Whether types are read from the standard library's API table (results of std functions
    /// and methods, std fields); without it, only from what the text states, as the lexical
    /// snippet scan reads it.
    pub(super) std: bool,
}

impl<'t> Ctx<'t> {
    pub(super) fn new(text: &'t str, root: Node<'t>, node: Node<'t>) -> Self {
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
            top_types: std::cell::OnceCell::new(),
            dot_imports: std::cell::OnceCell::new(),
            pkg: None,
            std: true,
        }
    }

    /// The same, resolving through `pkg` what the file does not state.
    pub(super) fn with_package(mut self, pkg: Option<&'t Package>) -> Self {
        self.pkg = pkg;
        self
    }

    pub(super) fn top_vars(&self) -> &std::collections::HashMap<&'t str, Decl<'t>> {
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

    pub(super) fn top_types(&self) -> &std::collections::HashMap<&'t str, Node<'t>> {
        self.top_types.get_or_init(|| {
            let mut types = std::collections::HashMap::new();
            let type_declaration = kinds().type_declaration;
            let mut c = self.root.walk();
            for decl in self.root.named_children(&mut c) {
                if decl.kind_id() != type_declaration {
                    continue;
                }
                let mut c2 = decl.walk();
                for spec in decl.named_children(&mut c2) {
                    if spec.kind() != "type_spec" {
                        continue;
                    }
                    if let (Some(n), Some(t)) = (
                        spec.child_by_field_name("name"),
                        spec.child_by_field_name("type"),
                    ) {
                        types.entry(self.src(n)).or_insert(t);
                    }
                }
            }
            types
        })
    }

    pub(super) fn parent(&self, n: Node<'t>) -> Option<Node<'t>> {
        match self.chain.iter().position(|c| c.id() == n.id()) {
            Some(0) => None,
            Some(i) => Some(self.chain[i - 1]),
            None => self.parent_off_chain(n),
        }
    }

    /// The parent of a node off the chain (an operand beside the cursor, met while resolving
    /// a chain of calls and fields): found by walking down from the deepest node of the chain
    /// that holds it, a few steps, instead of from the root.
    fn parent_off_chain(&self, n: Node<'t>) -> Option<Node<'t>> {
        let (start, end) = (n.start_byte(), n.end_byte());
        let holder = self
            .chain
            .iter()
            .rev()
            .find(|c| c.start_byte() <= start && end <= c.end_byte() && c.id() != n.id());
        let mut cur = match holder {
            Some(c) => *c,
            None => return n.parent(),
        };
        loop {
            match cur.child_with_descendant(n) {
                Some(next) if next.id() == n.id() => return Some(cur),
                Some(next) if next.id() != cur.id() => cur = next,
                // the holder by range is not an ancestor (a node of the same span below it)
                _ => return n.parent(),
            }
        }
    }

    pub(super) fn src(&self, n: Node<'_>) -> &'t str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    /// The canonical package a name in the file refers to: an import (aliases resolved) or an
    /// undeclared standard-library package name.
    pub(super) fn package_of(&self, name: &str) -> Option<String> {
        let mut found = None;
        self.for_each_import(|alias, path| {
            let canon = package_name_of_path(path);
            // an import without a name is known by its package clause, where it was read
            let local = alias
                .or_else(|| self.pkg.and_then(|p| p.dep(canon)).map(|d| d.name()))
                .unwrap_or(canon);
            if local == name && found.is_none() {
                found = Some(canon.to_string());
            }
        });
        if found.is_some() {
            return found;
        }
        is_std_package(name).then(|| name.to_string())
    }

    /// Every import spec: its alias (`_`, `.`, a name) and path.
    fn for_each_spec(&self, mut f: impl FnMut(Option<&'t str>, &'t str)) {
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
                f(spec.child_by_field_name("name").map(|n| self.src(n)), path);
            }
        }
    }

    /// The std packages the file imports with `.` (`import . "net/http"`): their exported names
    /// are the file's own.
    pub(super) fn dot_imports(&self) -> &[&'t str] {
        self.dot_imports.get_or_init(|| {
            let mut out = Vec::new();
            self.for_each_spec(|alias, path| {
                if alias == Some(".") && crate::stdapi::is_package(path) {
                    out.push(path);
                }
            });
            out
        })
    }

    /// The std member `name` of a dot-imported package, when the file and its package do not
    /// declare that name themselves.
    pub(super) fn dot_member(&self, name: &str) -> Option<crate::stdapi::Member> {
        if self.dot_imports().is_empty()
            || self.top_types().contains_key(name)
            || self.declares_function(name)
            || self.top_vars().contains_key(name)
            || self.pkg.is_some_and(|p| p.declares(name))
        {
            return None;
        }
        self.dot_imports()
            .iter()
            .find_map(|path| crate::stdapi::member(path, name))
    }

    pub(super) fn for_each_import(&self, mut f: impl FnMut(Option<&str>, &str)) {
        self.for_each_spec(|alias, path| match alias {
            Some("_") | Some(".") => {}
            other => f(other, path),
        });
    }

    pub(super) fn declares_function(&self, name: &str) -> bool {
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
    pub(super) fn declared(&self, name: &str, at: Node<'t>) -> Option<Decl<'t>> {
        let pos = at.start_byte();
        let mut node = at;
        while let Some(scope) = self.parent(node) {
            let found = match scope.kind() {
                "statement_list" | "block" => self.decl_in_statements(scope, name, Some(pos)),
                "source_file" => self.top_vars().get(name).copied(),
                // `for i, v := range x`, `for i := 0; ...`, `if v, ok := ...; ok`: seen from
                // the body
                "for_statement"
                | "if_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                    if node.kind() != "range_clause" && !self.in_own_value(node, pos) =>
                {
                    self.decl_in_header(scope, name)
                }
                // `switch s := x.(type) { case T: ... }`: s is a T in a case of one type, x's
                // type in the others
                "type_case" | "default_case" => self.type_switch_alias(scope, name),
                // `case v := <-ch:`
                "communication_case" => {
                    let stmt = scope
                        .child_by_field_name("communication")
                        .filter(|s| s.kind() == "receive_statement");
                    stmt.and_then(|stmt| {
                        let left = stmt.child_by_field_name("left")?;
                        let right = stmt.child_by_field_name("right")?;
                        let mut c = left.walk();
                        let names: Vec<Node<'t>> = left.named_children(&mut c).collect();
                        let i = names.iter().position(|n| self.src(*n) == name)?;
                        Some(match names.len() {
                            1 => Decl::Value(right),
                            _ => Decl::Result(right, i),
                        })
                    })
                }
                "function_declaration" | "method_declaration" | "func_literal" => {
                    let mut hit = None;
                    // named results are variables of the body too
                    for field in ["receiver", "parameters", "result"] {
                        if let Some(list) = scope
                            .child_by_field_name(field)
                            .filter(|l| l.kind() == "parameter_list")
                        {
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

    /// A variable declared in the header of a `for`, `if` or `switch`: a range clause's, or
    /// the initializer's.
    fn decl_in_header(&self, stmt: Node<'t>, name: &str) -> Option<Decl<'t>> {
        let mut hit = None;
        let mut c = stmt.walk();
        for ch in stmt.named_children(&mut c) {
            match ch.kind() {
                "range_clause" => {
                    let (Some(left), Some(right)) = (
                        ch.child_by_field_name("left"),
                        ch.child_by_field_name("right"),
                    ) else {
                        continue;
                    };
                    // `for k, v = range` assigns: only `:=` declares
                    let declares = (0..ch.child_count())
                        .filter_map(|i| ch.child(i))
                        .any(|t| t.kind() == ":=");
                    if !declares {
                        continue;
                    }
                    let mut c2 = left.walk();
                    for (i, n) in left.named_children(&mut c2).enumerate() {
                        if self.src(n) == name {
                            hit = Some(Decl::Range(right, i));
                        }
                    }
                }
                "for_clause" => {
                    if let Some(init) = ch.child_by_field_name("initializer") {
                        self.declarations(init, |n, decl| {
                            if n == name {
                                hit = Some(decl);
                            }
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(init) = stmt.child_by_field_name("initializer") {
            self.declarations(init, |n, decl| {
                if n == name {
                    hit = Some(decl);
                }
            });
        }
        hit
    }

    /// `s` of `switch s := x.(type)`, seen from a case clause.
    fn type_switch_alias(&self, case: Node<'t>, name: &str) -> Option<Decl<'t>> {
        let switch = self
            .parent(case)
            .filter(|s| s.kind() == "type_switch_statement")?;
        let alias = switch.child_by_field_name("alias")?;
        let mut c = alias.walk();
        if !alias.named_children(&mut c).any(|n| self.src(n) == name) {
            return None;
        }
        let mut c2 = case.walk();
        let types: Vec<Node<'t>> = case
            .children_by_field_name("type", &mut c2)
            .filter(|t| t.is_named())
            .collect();
        match types.as_slice() {
            [one] if case.kind() == "type_case" => Some(Decl::Type(*one)),
            _ => switch.child_by_field_name("value").map(Decl::Value),
        }
    }

    pub(super) fn decl_in_params(&self, list: Node<'t>, name: &str) -> Option<Decl<'t>> {
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

    pub(super) fn decl_in_statements(
        &self,
        scope: Node<'t>,
        name: &str,
        before: Option<usize>,
    ) -> Option<Decl<'t>> {
        let mut last = None;
        let mut c = scope.walk();
        for stmt in scope.named_children(&mut c) {
            if before.is_some_and(|b| stmt.start_byte() > b || self.in_own_value(stmt, b)) {
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

    /// Whether `pos` lies in a value that `stmt` (a declaration, or a `for` clause with one)
    /// gives its variables: their scope starts after it, so `p, err := p(x)` calls the function
    /// `p`, and `for i := n; i < 9;` sees `i` in the condition.
    pub(super) fn in_own_value(&self, stmt: Node<'t>, pos: usize) -> bool {
        let id = stmt.kind_id();
        let inside = |n: Option<Node<'t>>| n.is_some_and(|n| n.byte_range().contains(&pos));
        if id == kinds().short_var_declaration {
            inside(stmt.child_by_field_name("right"))
        } else if id == kinds().var_declaration {
            if !stmt.byte_range().contains(&pos) {
                return false;
            }
            let mut found = false;
            self.declarations_specs(stmt, |spec| {
                found |= inside(spec.child_by_field_name("value"));
            });
            found
        } else if stmt.kind() == "for_clause" {
            stmt.child_by_field_name("initializer")
                .is_some_and(|i| self.in_own_value(i, pos))
        } else {
            false
        }
    }

    /// Every var_spec of a var declaration.
    fn declarations_specs(&self, decl: Node<'t>, mut f: impl FnMut(Node<'t>)) {
        let mut c2 = decl.walk();
        for ch in decl.named_children(&mut c2) {
            match ch.kind() {
                "var_spec" => f(ch),
                "var_spec_list" => {
                    let mut c3 = ch.walk();
                    for spec in ch.named_children(&mut c3) {
                        if spec.kind() == "var_spec" {
                            f(spec);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Every variable `stmt` declares, in order, with the node that states its type: the
    /// type of its var_spec, or the value it is given.
    pub(super) fn declarations(&self, stmt: Node<'t>, mut f: impl FnMut(&'t str, Decl<'t>)) {
        let id = stmt.kind_id();
        if id == kinds().var_declaration {
            self.declarations_specs(stmt, |spec| self.var_spec_declarations(spec, &mut f));
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
            let names: Vec<Node<'t>> = left.named_children(&mut c2).collect();
            for (i, n) in names.iter().enumerate() {
                let decl = match values.as_slice() {
                    // `p, ok := parentOf(ctx)`: each name is one result of the one value
                    [one] if names.len() > 1 => Decl::Result(*one, i),
                    _ => values.get(i).copied().map_or(Decl::Unknown, Decl::Value),
                };
                f(self.src(*n), decl);
            }
        }
    }

    pub(super) fn var_spec_declarations(
        &self,
        spec: Node<'t>,
        f: &mut impl FnMut(&'t str, Decl<'t>),
    ) {
        let (names, ty, values) = spec_parts(spec);
        for (i, n) in names.iter().enumerate() {
            let decl = match ty {
                Some(t) => Decl::Type(t),
                None if values.is_empty() => return, // `var x` alone states nothing
                None if values.len() == 1 && names.len() > 1 => Decl::Result(values[0], i),
                None => values.get(i).copied().map_or(Decl::Unknown, Decl::Value),
            };
            f(self.src(*n), decl);
        }
    }
}

#[derive(Clone, Copy)]
pub(super) enum Decl<'t> {
    Type(Node<'t>),
    Value(Node<'t>),
    /// One of the results of a value that has several (`a, b := f()`): the index.
    Result(Node<'t>, usize),
    /// The variable at `index` of `for k, v := range x`: the node of x.
    Range(Node<'t>, usize),
    Unknown,
}

/// A `var` or `const` spec's names, its stated type, and (without a type) its values.
pub(super) fn spec_parts<'t>(spec: Node<'t>) -> (Vec<Node<'t>>, Option<Node<'t>>, Vec<Node<'t>>) {
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
    (names, ty, values)
}
