//! Type expressions: the type a declaration, a type node or an expression states, as far as
//! the file says.

use tree_sitter::Node;

use super::scope::{Ctx, Decl};

/// A type as the file states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum TypeRef {
    /// `pkg.Name`, the package already resolved to its canonical name.
    Qualified(String),
    /// A type declared in this package (this file, or another file of its package).
    Local(String),
}

impl<'t> Ctx<'t> {
    /// The key an expression stands for as a qualifier: a package (`runtime`) or the qualified
    /// type of a variable or field (`sync.WaitGroup`).
    pub(super) fn expr_key(&self, expr: Node<'t>) -> Option<String> {
        match expr.kind() {
            "identifier" => self.qualifier_key(self.src(expr), expr),
            _ => match self.type_of_expr(expr, 0)? {
                TypeRef::Qualified(q) => Some(q),
                TypeRef::Local(_) => None,
            },
        }
    }

    /// The key a bare name stands for as a qualifier, seen from `at`.
    pub(super) fn qualifier_key(&self, name: &str, at: Node<'t>) -> Option<String> {
        if let Some(decl) = self.declared(name, at) {
            return match self.decl_type(decl, 0)? {
                TypeRef::Qualified(q) => Some(q),
                TypeRef::Local(_) => None,
            };
        }
        if let Some(t) = self.pkg.and_then(|p| p.value_type(name)) {
            return match t {
                TypeRef::Qualified(q) => Some(q),
                TypeRef::Local(_) => None,
            };
        }
        self.package_of(name, at)
    }

    pub(super) fn decl_type(&self, decl: Decl<'t>, depth: u8) -> Option<TypeRef> {
        match decl {
            Decl::Type(t) => self.type_of_type(t),
            Decl::Value(v) => self.type_of_expr(v, depth + 1),
            Decl::Result(v, index) => match v.kind() {
                "call_expression" => self.call_result(v, index, depth + 1),
                // `v, ok := x.(T)`, `v, ok := m[k]`, `v, ok := <-ch`: the first is the value
                _ if index == 0 => self.type_of_expr(v, depth + 1),
                _ => None,
            },
            Decl::Unknown => None,
        }
    }

    pub(super) fn type_of_type(&self, t: Node<'t>) -> Option<TypeRef> {
        match t.kind() {
            "qualified_type" => {
                let pkg = t.child_by_field_name("package")?;
                let name = t.child_by_field_name("name")?;
                let pkg = self.package_of(self.src(pkg), t)?;
                Some(TypeRef::Qualified(format!("{pkg}.{}", self.src(name))))
            }
            "type_identifier" => {
                let t = TypeRef::Local(self.src(t).to_string());
                // `type M = sync.Mutex` in the package: M is sync.Mutex
                Some(match self.pkg {
                    Some(p) => p.unalias(t),
                    None => t,
                })
            }
            "pointer_type" | "parenthesized_type" => self.type_of_type(t.named_child(0)?),
            "generic_type" => self.type_of_type(t.child_by_field_name("type")?),
            _ => None,
        }
    }

    pub(super) fn type_of_expr(&self, e: Node<'t>, depth: u8) -> Option<TypeRef> {
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
            "call_expression" => self.call_result(e, 0, depth + 1),
            "type_assertion_expression" => self.type_of_type(e.child_by_field_name("type")?),
            "identifier" => {
                let name = self.src(e);
                match self.declared(name, e) {
                    Some(decl) => self.decl_type(decl, depth + 1),
                    // a var or const of another file of the package
                    None => self.pkg?.value_type(name),
                }
            }
            "selector_expression" => {
                // x.f where x is of a struct type declared in this file
                let operand = e.child_by_field_name("operand")?;
                let field = e.child_by_field_name("field")?;
                let TypeRef::Local(owner) = self.type_of_expr(operand, depth + 1)? else {
                    return None;
                };
                let field = self.src(field);
                match self.field_type(&owner, field) {
                    Some(ft) => self.type_of_type(ft),
                    // declared in another file, or promoted through an embedded field
                    None => self.pkg?.field_type(&owner, field),
                }
            }
            _ => None,
        }
    }

    /// Result `index` of a call: `new(T)`, a conversion to a type of the package, a function
    /// of the package, or a method of a type of the package.
    pub(super) fn call_result(&self, call: Node<'t>, index: usize, depth: u8) -> Option<TypeRef> {
        if depth > 8 {
            return None;
        }
        let mut f = call.child_by_field_name("function")?;
        if f.kind() == "index_expression" {
            // an instantiation: `New[string]()`
            f = f
                .child_by_field_name("operand")
                .filter(|o| o.kind() == "identifier")?;
        }
        match f.kind() {
            "identifier" => {
                let name = self.src(f);
                if name == "new" && index == 0 {
                    // new(pkg.T)
                    let arg = call.child_by_field_name("arguments")?.named_child(0)?;
                    return match arg.kind() {
                        "selector_expression" => {
                            let op = arg.child_by_field_name("operand")?;
                            let field = arg.child_by_field_name("field")?;
                            let pkg = self.package_of(self.src(op), arg)?;
                            Some(TypeRef::Qualified(format!("{pkg}.{}", self.src(field))))
                        }
                        _ => self.type_of_type(arg),
                    };
                }
                let pkg = self.pkg?;
                if self.declared(name, f).is_some() {
                    return None; // a func value held in a variable
                }
                if pkg.has_type(name) {
                    return (index == 0).then(|| pkg.unalias(TypeRef::Local(name.to_string())));
                }
                pkg.func_result(name, index)
            }
            "selector_expression" => {
                let pkg = self.pkg?;
                let operand = f.child_by_field_name("operand")?;
                let method = f.child_by_field_name("field")?;
                let TypeRef::Local(owner) = self.type_of_expr(operand, depth + 1)? else {
                    return None;
                };
                pkg.method_result(&owner, self.src(method), index)
            }
            _ => None,
        }
    }

    /// The type node of field `field` of struct type `owner` declared at file level.
    pub(super) fn field_type(&self, owner: &str, field: &str) -> Option<Node<'t>> {
        let st = self
            .top_types()
            .get(owner)
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
        None
    }
}
