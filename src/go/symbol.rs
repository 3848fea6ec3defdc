//! The Go name at a byte offset of a parsed file, and every name a file uses.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::fallbacks;
use super::names::{STRUCT_TAG, is_builtin, is_keyword};
use super::package::{Member, Package};
use super::scope::Ctx;
use super::types::TypeRef;

/// The Go name found at a spot of a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The keys to look up, most specific first: `sync.WaitGroup.Add`, `sync.WaitGroup`, `sync`.
    pub keys: Vec<String>,
    /// The bytes of the source the name spans (for the hover's range).
    pub range: Range<usize>,
}

/// The name at byte `offset` of `text` (parsed as `tree`), or `None`.
/// A cursor just after a name (at its end) still finds it.
pub fn symbol_at(tree: &Tree, text: &str, offset: usize) -> Option<Symbol> {
    symbol_in_package(tree, text, offset, None)
}

/// [`symbol_at`], resolving through `pkg` (the other files of the file's package) what the file
/// itself does not state: a field of a struct declared elsewhere, a member promoted through an
/// embedded field, the result of a function or method of the package, a package-level var.
pub fn symbol_in_package(
    tree: &Tree,
    text: &str,
    offset: usize,
    pkg: Option<&Package>,
) -> Option<Symbol> {
    let offset = offset.min(text.len());
    let root = tree.root_node();
    let find = |o: usize| {
        let leaf = root.descendant_for_byte_range(o, o)?;
        Ctx::new(text, root, leaf).with_package(pkg).at(leaf)
    };
    let mut symbol = find(offset).or_else(|| if offset > 0 { find(offset - 1) } else { None })?;
    if let Some(pkg) = pkg {
        // notes name a package as its clause does (`dto "…/client_model/go"` is
        // `io_prometheus_client`)
        for (path_name, clause) in pkg.renamed_deps() {
            for k in &mut symbol.keys {
                if let Some(rest) = k.strip_prefix(path_name) {
                    if rest.is_empty() || rest.starts_with('.') {
                        *k = format!("{clause}{rest}");
                    }
                }
            }
        }
    }
    Some(symbol)
}

/// Every name a parsed source uses, in order of first use, without repeats: what the text
/// states, as the lexical snippet scan reads it (no types from the std API table's results).
pub fn names_used(tree: &Tree, text: &str) -> Vec<String> {
    let root = tree.root_node();
    let mut out: Vec<String> = Vec::new();
    let mut cursor = tree.walk();
    let mut visit = true;
    loop {
        let node = cursor.node();
        if visit && node.child_count() == 0 {
            let mut cx = Ctx::new(text, root, node);
            cx.std = false;
            if let Some(sym) = cx.symbol_of_leaf(node) {
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

/// The keys of member `member` of `qualifier` (a package or a type): `sync.WaitGroup.Add`,
/// `sync.WaitGroup`, `sync`. A member of a std type that another std type declares is named
/// after that type, and the receiver's own type follows it: `resp.Body.Close()` on an
/// `io.ReadCloser` is `io.Closer.Close`, `io.Closer`, `io.ReadCloser`, `io`.
/// (`std`: read the table; without it, the plain `qualifier.member` chain.)
fn member_keys(qualifier: &str, member: &str, std: bool) -> Vec<String> {
    if let Some((pkg, ty)) = qualifier.rsplit_once('.').filter(|_| std) {
        if let Some(decl) = crate::stdapi::declaring_type(pkg, ty, member) {
            let decl_pkg = decl.package.rsplit('/').next().unwrap_or(decl.package);
            if (decl_pkg, decl.name) != (pkg, ty) {
                let mut keys = vec![
                    format!("{decl_pkg}.{}.{member}", decl.name),
                    format!("{decl_pkg}.{}", decl.name),
                    qualifier.to_string(),
                ];
                keys.push(pkg.to_string());
                if decl_pkg != pkg {
                    keys.push(decl_pkg.to_string());
                }
                return keys;
            }
        }
    }
    fallbacks(&format!("{qualifier}.{member}"))
}

impl<'t> Ctx<'t> {
    pub(super) fn in_comment_or_string(&self, n: Node<'t>) -> bool {
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

    pub(super) fn at(&self, node: Node<'t>) -> Option<Symbol> {
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

    pub(super) fn struct_tag(&self, node: Node<'t>) -> Option<Symbol> {
        let field = self
            .parent(node)
            .filter(|p| p.kind() == "field_declaration")?;
        let tag = field.child_by_field_name("tag")?;
        (tag.id() == node.id()).then(|| Symbol {
            keys: vec![STRUCT_TAG.to_string()],
            range: node.byte_range(),
        })
    }

    /// The symbol of member `member` of a value of type `owner`: `sync.WaitGroup.Add` for a
    /// std type; for a type of this package or a struct written in place, a member promoted
    /// from an embedded type of another package (`dc.Lock()`) or that embedded field
    /// (`dc.Mutex`).
    fn member_symbol(&self, owner: TypeRef, member: &str, range: Range<usize>) -> Option<Symbol> {
        let keys = match owner {
            // a type of an imported package read from its files may promote the member from
            // a type it embeds
            TypeRef::Qualified(q) => match self.member_of(&TypeRef::Qualified(q.clone()), member) {
                Some(Member::Promoted(from)) => member_keys(&from, member, self.std),
                Some(Member::Field {
                    ty: Some(TypeRef::Qualified(from)),
                    embedded: true,
                }) => fallbacks(&from),
                _ => member_keys(&q, member, self.std),
            },
            owner => match self.member_of(&owner, member)? {
                Member::Promoted(q) => member_keys(&q, member, self.std),
                Member::Field {
                    ty: Some(TypeRef::Qualified(q)),
                    embedded: true,
                } => fallbacks(&q),
                _ => return None,
            },
        };
        Some(Symbol { keys, range })
    }

    /// The type of the composite literal whose key `node` is (`Host` in `url.URL{Host: h}`),
    /// elided element types included (`[]url.URL{{Host: h}}`).
    fn literal_key_owner(&self, node: Node<'t>) -> Option<TypeRef> {
        let element = self
            .parent(node)
            .filter(|p| p.kind() == "literal_element")?;
        let keyed = self
            .parent(element)
            .filter(|p| p.kind() == "keyed_element")?;
        if keyed.child_by_field_name("key")?.id() != element.id() {
            return None;
        }
        self.literal_type(self.parent(keyed)?, 0)
    }

    /// The type of a `literal_value`: its composite literal's, or the element type of the
    /// literal it is an element of.
    fn literal_type(&self, value: Node<'t>, depth: u8) -> Option<TypeRef> {
        if value.kind() != "literal_value" || depth > 8 {
            return None;
        }
        let parent = self.parent(value)?;
        match parent.kind() {
            "composite_literal" => self.type_of_type(parent.child_by_field_name("type")?),
            "literal_element" => {
                // an element, or a keyed element's value (a map's or an indexed array's)
                let mut outer = self.parent(parent)?;
                if outer.kind() == "keyed_element" {
                    if outer.child_by_field_name("value")?.id() != parent.id() {
                        return None;
                    }
                    outer = self.parent(outer)?;
                }
                let t = self.literal_type(outer, depth + 1)?;
                self.container(t)?.index()
            }
            _ => None,
        }
    }

    pub(super) fn symbol_of_leaf(&self, node: Node<'t>) -> Option<Symbol> {
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
                    let member = self.src(node);
                    if let Some(qualifier) = self.expr_key(operand) {
                        return self.member_symbol(TypeRef::Qualified(qualifier), member, range);
                    }
                    let owner = self.type_of_expr(operand, 0)?;
                    return self.member_symbol(owner, member, range);
                }
                None
            }
            "package_identifier" => {
                if parent.kind() == "qualified_type" {
                    let pkg = self.package_of(self.src(node))?;
                    return one(pkg);
                }
                None
            }
            "type_identifier" => {
                if parent.kind() == "qualified_type" {
                    let pkg_node = parent.child_by_field_name("package")?;
                    let pkg = self.package_of(self.src(pkg_node))?;
                    return one(format!("{pkg}.{}", self.src(node)));
                }
                None
            }
            "identifier" => {
                let name = self.src(node);
                // a field's key in a composite literal: `url.URL{Host: h}`
                if let Some(owner) = self.literal_key_owner(node) {
                    if matches!(
                        owner,
                        TypeRef::Qualified(_) | TypeRef::Local(_) | TypeRef::Struct(_)
                    ) {
                        return self.member_symbol(owner, name, range);
                    }
                }
                // a builtin call, not shadowed by the file
                if is_builtin(name)
                    && parent.kind() == "call_expression"
                    && parent.child_by_field_name("function").map(|f| f.id()) == Some(node.id())
                    && self.declared(name, node).is_none()
                    && !self.declares_function(name)
                    && !self.pkg.is_some_and(|p| p.has_func(name))
                {
                    return one(name.to_string());
                }
                // `x` itself: a package, or a variable of a known library type
                self.expr_key(node).and_then(one)
            }
            _ => None,
        }
    }
}
