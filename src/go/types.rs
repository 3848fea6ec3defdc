//! Type expressions: the type a declaration, a type node or an expression states, as far as
//! the file says.

use tree_sitter::Node;

use super::package::{Field, Member, Package, results, struct_fields};
use super::scope::{Ctx, Decl};

/// A type as the file states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum TypeRef {
    /// `pkg.Name`, the package already resolved to its canonical name.
    Qualified(String),
    /// A type declared in this package (this file, or another file of its package).
    Local(String),
    /// A slice or an array of the type (`[]*sync.Mutex`: pointers collapse).
    Slice(Box<TypeRef>),
    /// A map: its key and value types, where named (`map[*pflag.Flag]func()`: the key only).
    Map(Option<Box<TypeRef>>, Option<Box<TypeRef>>),
    /// A channel of the type.
    Chan(Box<TypeRef>),
    /// A function type, by its results (`func() *time.Timer`, a func literal).
    Func(Vec<Option<TypeRef>>),
    /// A struct type written in place (`var mu struct { sync.Mutex; n int }`, a field of such
    /// a type): its fields.
    Struct(Vec<Field>),
}

impl TypeRef {
    /// The type of an element: `s[i]`, `m[k]` (a channel has no index).
    pub(super) fn index(self) -> Option<TypeRef> {
        match self {
            TypeRef::Slice(t) | TypeRef::Map(_, Some(t)) => Some(*t),
            _ => None,
        }
    }
}

/// How deep the type of an expression is followed (each variable, call and selector on the way
/// is a step or two: `c := ts.Client(); resp, _ := c.Get(u); resp.Body` takes ten). The bound
/// only stops cycles (`x := x.Next()`), so it is generous.
const MAX_EXPR_DEPTH: u8 = 40;

/// The package name a std import path is written with: `net/http` -> `http`.
fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A type as the std API table writes it, in the package `pkg` (a full path) that declares the
/// name it belongs to: `*Timer` in `time` is `time.Timer`, `[]*Cookie` in `net/http` a slice of
/// `http.Cookie`, `io.ReadCloser` is `io.ReadCloser`; `None` for predeclared and function types.
pub(super) fn std_type(pkg: &str, ty: &str) -> Option<TypeRef> {
    let ty = ty.trim();
    let ty = ty.strip_prefix('*').unwrap_or(ty);
    if let Some(rest) = ty.strip_prefix("[]") {
        return Some(TypeRef::Slice(Box::new(std_type(pkg, rest)?)));
    }
    if let Some(rest) = ty.strip_prefix("map[") {
        let mut depth = 1usize;
        let close = rest.bytes().position(|b| {
            match b {
                b'[' => depth += 1,
                b']' => depth -= 1,
                _ => {}
            }
            depth == 0
        })?;
        let key = std_type(pkg, &rest[..close]).map(Box::new);
        let value = std_type(pkg, &rest[close + 1..]).map(Box::new);
        return (key.is_some() || value.is_some()).then_some(TypeRef::Map(key, value));
    }
    if let Some(rest) = ty.strip_prefix('[') {
        // an array: `[16]uint8`
        let close = rest.find(']')?;
        return Some(TypeRef::Slice(Box::new(std_type(pkg, &rest[close + 1..])?)));
    }
    for chan in ["<-chan ", "chan<- ", "chan "] {
        if let Some(rest) = ty.strip_prefix(chan) {
            return Some(TypeRef::Chan(Box::new(std_type(pkg, rest)?)));
        }
    }
    let t = crate::stdapi::resolve_type(pkg, ty)?;
    Some(TypeRef::Qualified(format!(
        "{}.{}",
        last_segment(t.package),
        t.name
    )))
}

/// The type of member `name` of the std type `q` (`http.Response`): a field's type
/// (`index` `None`) or result `index` of a method.
pub(super) fn std_member_type(q: &str, name: &str, index: Option<usize>) -> Option<TypeRef> {
    use crate::stdapi::TypeMemberKind;
    let (pkg, ty) = split_qualified(q)?;
    let m = crate::stdapi::type_member(pkg, ty, name)?;
    match (m.kind, index) {
        (TypeMemberKind::Field { ty, .. }, None) => std_type(m.package, ty),
        (
            TypeMemberKind::Method { results, .. } | TypeMemberKind::InterfaceMethod { results },
            Some(i),
        ) => std_type(m.package, crate::stdapi::results(results).nth(i)?),
        _ => None,
    }
}

/// Result `index` of a call to the std member `m`: a function's result, or a conversion to a
/// type (`time.Duration(n)`).
fn std_call_result(m: &crate::stdapi::Member, index: usize) -> Option<TypeRef> {
    match m.kind {
        crate::stdapi::Kind::Func { results } => {
            std_type(m.package, crate::stdapi::results(results).nth(index)?)
        }
        crate::stdapi::Kind::Type { .. } if index == 0 => std_type(m.package, m.name),
        _ => None,
    }
}

/// A qualified type's package and name: `sync.Mutex` -> (`sync`, `Mutex`).
pub(super) fn split_qualified(q: &str) -> Option<(&str, &str)> {
    q.rsplit_once('.')
}

impl<'t> Ctx<'t> {
    /// The key an expression stands for as a qualifier: a package (`runtime`) or the qualified
    /// type of a variable or field (`sync.WaitGroup`).
    pub(super) fn expr_key(&self, expr: Node<'t>) -> Option<String> {
        match expr.kind() {
            "identifier" => self.qualifier_key(self.src(expr), expr),
            _ => match self.type_of_expr(expr, 0)? {
                TypeRef::Qualified(q) => Some(q),
                _ => None,
            },
        }
    }

    /// The key a bare name stands for as a qualifier, seen from `at`.
    pub(super) fn qualifier_key(&self, name: &str, at: Node<'t>) -> Option<String> {
        if let Some(decl) = self.declared(name, at) {
            return match self.decl_type(decl, 0)? {
                TypeRef::Qualified(q) => Some(q),
                _ => None,
            };
        }
        if let Some(t) = self.pkg.and_then(|p| p.value_type(name)) {
            return match t {
                TypeRef::Qualified(q) => Some(q),
                _ => None,
            };
        }
        self.package_of(name)
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
            // `for i, v := range x`: a slice's or map's value, a channel's element
            Decl::Range(x, index) => {
                match (self.container(self.type_of_expr(x, depth + 1)?)?, index) {
                    (TypeRef::Slice(t) | TypeRef::Map(_, Some(t)), 1)
                    | (TypeRef::Chan(t) | TypeRef::Map(Some(t), _), 0) => Some(*t),
                    _ => None,
                }
            }
            Decl::Unknown => None,
        }
    }

    pub(super) fn type_of_type(&self, t: Node<'t>) -> Option<TypeRef> {
        match t.kind() {
            "qualified_type" => {
                let pkg = t.child_by_field_name("package")?;
                let name = t.child_by_field_name("name")?;
                let pkg = self.package_of(self.src(pkg))?;
                let q = format!("{pkg}.{}", self.src(name));
                Some(match self.pkg {
                    Some(p) => p.foreign_unalias(q),
                    None => TypeRef::Qualified(q),
                })
            }
            "type_identifier" => {
                if let Some(m) = self.dot_member(self.src(t)) {
                    // `Request` with `import . "net/http"`
                    return match m.kind {
                        crate::stdapi::Kind::Type { .. } => std_type(m.package, m.name),
                        _ => None,
                    };
                }
                let name = self.src(t);
                if !self.top_types().contains_key(name)
                    && !self.pkg.is_some_and(|p| p.has_type(name))
                {
                    // a type declared in a function: what it is defined as (it has no methods)
                    if let Some(def) = self.block_type(name, t) {
                        return self.type_of_type(def);
                    }
                }
                let t = TypeRef::Local(name.to_string());
                // `type M = sync.Mutex` in the package: M is sync.Mutex
                Some(match self.pkg {
                    Some(p) => p.unalias(t),
                    None => t,
                })
            }
            "pointer_type" | "parenthesized_type" => self.type_of_type(t.named_child(0)?),
            "generic_type" => self.type_of_type(t.child_by_field_name("type")?),
            "slice_type" | "array_type" | "implicit_length_array_type" => Some(TypeRef::Slice(
                Box::new(self.type_of_type(t.child_by_field_name("element")?)?),
            )),
            "map_type" => {
                let side = |f: &str| {
                    t.child_by_field_name(f)
                        .and_then(|n| self.type_of_type(n))
                        .map(Box::new)
                };
                let (key, value) = (side("key"), side("value"));
                (key.is_some() || value.is_some()).then_some(TypeRef::Map(key, value))
            }
            "channel_type" => Some(TypeRef::Chan(Box::new(
                self.type_of_type(t.child_by_field_name("value")?)?,
            ))),
            "struct_type" => Some(TypeRef::Struct(struct_fields(self, t))),
            "function_type" => Some(TypeRef::Func(results(
                self,
                t.child_by_field_name("result"),
            ))),
            _ => None,
        }
    }

    pub(super) fn type_of_expr(&self, e: Node<'t>, depth: u8) -> Option<TypeRef> {
        if depth > MAX_EXPR_DEPTH {
            return None;
        }
        match e.kind() {
            "composite_literal" => self.type_of_type(e.child_by_field_name("type")?),
            "unary_expression" => {
                let op = e.child_by_field_name("operator")?;
                let operand = self.type_of_expr(e.child_by_field_name("operand")?, depth + 1);
                match op.kind() {
                    // pointers collapse: `&x` and `*p` have the type of `x` and `p`
                    "&" | "*" => operand,
                    "<-" => match self.container(operand?)? {
                        TypeRef::Chan(t) => Some(*t),
                        _ => None,
                    },
                    _ => None,
                }
            }
            "index_expression" => self
                .container(self.type_of_expr(e.child_by_field_name("operand")?, depth + 1)?)?
                .index(),
            "parenthesized_expression" => self.type_of_expr(e.named_child(0)?, depth + 1),
            "func_literal" => Some(TypeRef::Func(results(
                self,
                e.child_by_field_name("result"),
            ))),
            "call_expression" => self.call_result(e, 0, depth + 1),
            "type_assertion_expression" => self.type_of_type(e.child_by_field_name("type")?),
            "identifier" => {
                let name = self.src(e);
                match self.declared(name, e) {
                    Some(decl) => self.decl_type(decl, depth + 1),
                    // a var or const of another file of the package, or of a dot import
                    None => match self.pkg.and_then(|p| p.value_type(name)) {
                        Some(t) => Some(t),
                        // a type's name, as in a method expression (`(*T).Close`)
                        None if self.top_types().contains_key(name)
                            || self.pkg.is_some_and(|p| p.has_type(name)) =>
                        {
                            Some(TypeRef::Local(name.to_string()))
                        }
                        None => {
                            let m = self.dot_member(name)?;
                            match m.kind {
                                crate::stdapi::Kind::Var { ty } => std_type(m.package, ty),
                                crate::stdapi::Kind::Type { .. } => std_type(m.package, m.name),
                                _ => None,
                            }
                        }
                    },
                }
            }
            "selector_expression" => {
                // x.f where x is of a struct type of this package or of the standard library,
                // or pkg.V, a var of a std package
                let operand = e.child_by_field_name("operand")?;
                let field = self.src(e.child_by_field_name("field")?);
                let owner = match self.type_of_expr(operand, depth + 1) {
                    Some(t) => t,
                    None => {
                        if let Some(dep) = self.dep_operand(operand) {
                            return self.pkg?.foreign_value(&dep, field);
                        }
                        let pkg = self.std_package_operand(operand)?;
                        let m = crate::stdapi::member(&pkg, field)?;
                        return match m.kind {
                            crate::stdapi::Kind::Var { ty } => std_type(m.package, ty),
                            // a method expression: `(*http.Client).Get`
                            crate::stdapi::Kind::Type { .. } => std_type(m.package, m.name),
                            _ => None,
                        };
                    }
                };
                if let TypeRef::Local(local) = &owner {
                    if let Some(ft) = self.field_type(local, field) {
                        return self.type_of_type(ft);
                    }
                }
                // declared in another file or package, or promoted through an embedded field
                self.member_type(&owner, field, None, 0)
            }
            _ => None,
        }
    }

    /// `t` as a slice, map or channel: a local named type by its definition (a file-level
    /// one, or one of the package's).
    pub(super) fn container(&self, t: TypeRef) -> Option<TypeRef> {
        match t {
            TypeRef::Local(l) => match self.top_types().get(l.as_str()) {
                Some(node) if node.kind() != "struct_type" && node.kind() != "interface_type" => {
                    self.type_of_type(*node)
                        .filter(|t| !matches!(t, TypeRef::Local(_) | TypeRef::Qualified(_)))
                }
                _ => self.pkg?.container(&l),
            },
            // `http.Header` is a `map[string][]string`
            TypeRef::Qualified(q) => {
                self.std.then_some(())?;
                let (pkg, name) = split_qualified(&q)?;
                let m = crate::stdapi::member(pkg, name)?;
                let crate::stdapi::Kind::Type { kind } = m.kind else {
                    return None;
                };
                std_type(m.package, kind)
                    .filter(|t| !matches!(t, TypeRef::Local(_) | TypeRef::Qualified(_)))
            }
            t => Some(t),
        }
    }

    /// Result `index` of a call: `new(T)`, a conversion to a type of the package, a function
    /// of the package, or a method of a type of the package.
    pub(super) fn call_result(&self, call: Node<'t>, index: usize, depth: u8) -> Option<TypeRef> {
        if depth > MAX_EXPR_DEPTH {
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
                if name == "make" && index == 0 && self.declared(name, f).is_none() {
                    // make(chan *time.Timer, 1)
                    let arg = call.child_by_field_name("arguments")?.named_child(0)?;
                    return self.type_of_type(arg);
                }
                if name == "new" && index == 0 {
                    // new(pkg.T)
                    let arg = call.child_by_field_name("arguments")?.named_child(0)?;
                    return match arg.kind() {
                        "selector_expression" => {
                            let op = arg.child_by_field_name("operand")?;
                            let field = arg.child_by_field_name("field")?;
                            let pkg = self.package_of(self.src(op))?;
                            Some(TypeRef::Qualified(format!("{pkg}.{}", self.src(field))))
                        }
                        _ => self.type_of_type(arg),
                    };
                }
                if let Some(decl) = self.declared(name, f) {
                    // a func value held in a variable
                    return match self.decl_type(decl, depth + 1)? {
                        TypeRef::Func(results) => results.get(index)?.clone(),
                        _ => None,
                    };
                }
                if let Some(m) = self.dot_member(name) {
                    return std_call_result(&m, index);
                }
                let pkg = self.pkg?;
                if pkg.has_type(name) {
                    return (index == 0).then(|| pkg.unalias(TypeRef::Local(name.to_string())));
                }
                pkg.func_result(name, index)
            }
            "selector_expression" => {
                let operand = f.child_by_field_name("operand")?;
                let method = self.src(f.child_by_field_name("field")?);
                match self.type_of_expr(operand, depth + 1) {
                    Some(owner) => self.member_type(&owner, method, Some(index), 0),
                    None => {
                        if let Some(dep) = self.dep_operand(operand) {
                            return self.pkg?.foreign_call(&dep, method, index);
                        }
                        // `time.NewTimer(d)`, `time.Duration(n)`: a func or a type of a std
                        // package
                        let pkg = self.std_package_operand(operand)?;
                        std_call_result(&crate::stdapi::member(&pkg, method)?, index)
                    }
                }
            }
            _ => None,
        }
    }

    /// The definition of type `name` declared in a block around `at` before it.
    fn block_type(&self, name: &str, at: Node<'t>) -> Option<Node<'t>> {
        let mut node = at;
        while let Some(scope) = self.parent(node) {
            if scope.kind() == "statement_list" {
                let mut c = scope.walk();
                for stmt in scope.named_children(&mut c) {
                    if stmt.start_byte() > at.start_byte() {
                        break;
                    }
                    if stmt.kind() != "type_declaration" {
                        continue;
                    }
                    let mut c2 = stmt.walk();
                    for spec in stmt.named_children(&mut c2) {
                        let named = spec.child_by_field_name("name");
                        if spec.kind() == "type_spec" && named.is_some_and(|n| self.src(n) == name)
                        {
                            return spec.child_by_field_name("type");
                        }
                    }
                }
            }
            if matches!(scope.kind(), "function_declaration" | "method_declaration") {
                break;
            }
            node = scope;
        }
        None
    }

    /// The type of field `name` of `owner` (`index` `None`), or of result `index` of its method
    /// `name`: a type of this package, of a package it imports, of the standard library, or a
    /// struct written in place.
    fn member_type(
        &self,
        owner: &TypeRef,
        name: &str,
        index: Option<usize>,
        depth: u8,
    ) -> Option<TypeRef> {
        if depth > 4 {
            return None;
        }
        let Some(m) = self.member_of(owner, name) else {
            return match owner {
                TypeRef::Qualified(q) => self.std_member(q, name, index),
                _ => None,
            };
        };
        match (m, index) {
            (Member::Field { ty, .. }, None) => ty,
            // a field of a function type, called
            (
                Member::Field {
                    ty: Some(TypeRef::Func(results)),
                    ..
                },
                Some(i),
            ) => results.get(i)?.clone(),
            (Member::Method(results), Some(i)) => {
                let t = results.get(i)?.clone()?;
                Some(match (owner, self.pkg) {
                    (TypeRef::Local(_), Some(p)) => p.unalias(t),
                    _ => t,
                })
            }
            (Member::Promoted(q), _) => {
                self.member_type(&TypeRef::Qualified(q), name, index, depth + 1)
            }
            _ => None,
        }
    }

    /// The imported package (read from its files) an operand names.
    fn dep_operand(&self, operand: Node<'t>) -> Option<String> {
        let pkg = self.pkg?;
        if operand.kind() != "identifier" {
            return None;
        }
        let name = self.src(operand);
        if self.declared(name, operand).is_some() || pkg.has_value(name) {
            return None;
        }
        self.package_of(name).filter(|p| pkg.dep(p).is_some())
    }

    /// Member `name` of a type of this package, of a package it imports (read from its files)
    /// or of a struct type written in place, by Go's rule of the shallowest embedding (see
    /// [`Package::member`]).
    pub(super) fn member_of(&self, owner: &TypeRef, name: &str) -> Option<Member> {
        match owner {
            TypeRef::Qualified(q) => self.pkg?.foreign_member(q, name),
            TypeRef::Local(l) => self.pkg?.member(l, name),
            TypeRef::Struct(fields) => match self.pkg {
                Some(p) => p.struct_member(fields, name),
                None => Package::default().struct_member(fields, name),
            },
            _ => None,
        }
    }

    /// [`std_member_type`], unless the table is not read.
    fn std_member(&self, q: &str, name: &str, index: Option<usize>) -> Option<TypeRef> {
        self.std.then(|| std_member_type(q, name, index))?
    }

    /// The std package an operand names: an identifier that is no variable in scope and names
    /// an imported package (or an unimported std one).
    pub(super) fn std_package_operand(&self, operand: Node<'t>) -> Option<String> {
        if !self.std || operand.kind() != "identifier" {
            return None;
        }
        let name = self.src(operand);
        if self.declared(name, operand).is_some() || self.pkg.is_some_and(|p| p.has_value(name)) {
            return None;
        }
        self.package_of(name)
            .filter(|p| crate::stdapi::is_package(p))
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
