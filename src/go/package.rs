//! A Go package's declarations across its files: struct types with their fields (embedded ones
//! included), methods and functions with their result types, package-level vars and consts with
//! their types, named types and aliases.
//!
//! [`FileDecls::of`] reads one parsed file (types written as the file names them, packages
//! resolved through that file's imports); [`Package::new`] merges the files of one package.
//! A `Package` never changes once built: the per-file resolver reads it where the file itself
//! does not state a type (`s.mu.Lock()` with `s *Server` declared in another file).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use super::names::package_name_of_path;
use super::scope::Ctx;
use super::types::TypeRef;

/// Result types of a function or method, in order; `None` where the type is not a named one
/// (`[]int`, `func()`, `map[K]V`).
type Results = Vec<Option<TypeRef>>;

/// A type declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum TypeDef {
    Struct(Vec<Field>),
    /// `type A = B`: A is B.
    Alias(TypeRef),
    /// `type A B`: A has B's fields (and, for a struct, the methods its embedded fields
    /// promote), not B's own methods.
    Named(TypeRef),
    /// An interface: the interfaces it embeds (its own methods are filed with the methods).
    Interface(Vec<Field>),
    /// Any other type.
    Other,
}

/// A field of a struct type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Field {
    name: String,
    ty: Option<TypeRef>,
    embedded: bool,
}

/// How the type of a package-level var or const is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Typing {
    Known(TypeRef),
    /// Result `index` of a call to the package's function `func`.
    Result {
        func: String,
        index: usize,
    },
}

/// What one file of a package declares at its top level.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileDecls {
    package: String,
    types: Vec<(String, TypeDef)>,
    /// (receiver type, method, results); interface methods too.
    methods: Vec<(String, String, Results)>,
    funcs: Vec<(String, Results)>,
    values: Vec<(String, Typing)>,
    /// The paths it imports (`_` and `.` imports included).
    imports: Vec<String>,
}

impl FileDecls {
    /// The declarations of a parsed Go file.
    pub fn of(tree: &Tree, text: &str) -> FileDecls {
        let root = tree.root_node();
        let cx = Ctx::new(text, root, root);
        let mut out = FileDecls::default();
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            match decl.kind() {
                "package_clause" => {
                    if let Some(name) = decl.named_child(0) {
                        out.package = cx.src(name).to_string();
                    }
                }
                "type_declaration" => {
                    let mut c2 = decl.walk();
                    for spec in decl.named_children(&mut c2) {
                        out.type_spec(&cx, spec);
                    }
                }
                "function_declaration" => {
                    if let Some(name) = decl.child_by_field_name("name") {
                        let results = results(&cx, decl.child_by_field_name("result"));
                        out.funcs.push((cx.src(name).to_string(), results));
                    }
                }
                "method_declaration" => {
                    let recv = decl
                        .child_by_field_name("receiver")
                        .and_then(|r| r.named_child(0))
                        .and_then(|p| p.child_by_field_name("type"))
                        .and_then(|t| cx.type_of_type(t));
                    let name = decl.child_by_field_name("name");
                    if let (Some(TypeRef::Local(recv)), Some(name)) = (recv, name) {
                        let results = results(&cx, decl.child_by_field_name("result"));
                        out.methods.push((recv, cx.src(name).to_string(), results));
                    }
                }
                "var_declaration" | "const_declaration" => out.values(&cx, decl),
                "import_declaration" => {
                    let mut c2 = decl.walk();
                    for spec in decl.named_children(&mut c2) {
                        let mut c3 = spec.walk();
                        let specs: Vec<Node<'_>> = match spec.kind() {
                            "import_spec" => vec![spec],
                            _ => spec.named_children(&mut c3).collect(),
                        };
                        for sp in specs {
                            if let Some(path) = sp.child_by_field_name("path") {
                                let path = cx.src(path).trim_matches(['"', '`']);
                                out.imports.push(path.to_string());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The package clause's name (empty when the file has none).
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The import paths it names.
    pub fn imports(&self) -> &[String] {
        &self.imports
    }

    fn type_spec<'t>(&mut self, cx: &Ctx<'t>, spec: Node<'t>) {
        let (Some(name), Some(ty)) = (
            spec.child_by_field_name("name"),
            spec.child_by_field_name("type"),
        ) else {
            return;
        };
        let name = cx.src(name).to_string();
        let def = match (spec.kind(), ty.kind()) {
            ("type_alias", _) => cx.type_of_type(ty).map_or(TypeDef::Other, TypeDef::Alias),
            (_, "struct_type") => TypeDef::Struct(struct_fields(cx, ty)),
            (_, "interface_type") => {
                let mut embedded = Vec::new();
                let mut c = ty.walk();
                for elem in ty.named_children(&mut c) {
                    if elem.kind() == "type_elem" {
                        // an embedded interface: `io.Closer` in `interface { io.Closer; ... }`
                        let mut c2 = elem.walk();
                        let types: Vec<Node<'t>> = elem.named_children(&mut c2).collect();
                        if let [one] = types.as_slice() {
                            if let Some(f) = embedded_field(cx.type_of_type(*one)) {
                                embedded.push(f);
                            }
                        }
                        continue;
                    }
                    if elem.kind() != "method_elem" {
                        continue;
                    }
                    if let Some(m) = elem.child_by_field_name("name") {
                        let results = results(cx, elem.child_by_field_name("result"));
                        self.methods
                            .push((name.clone(), cx.src(m).to_string(), results));
                    }
                }
                TypeDef::Interface(embedded)
            }
            _ => cx.type_of_type(ty).map_or(TypeDef::Other, TypeDef::Named),
        };
        self.types.push((name, def));
    }

    fn values<'t>(&mut self, cx: &Ctx<'t>, decl: Node<'t>) {
        let mut specs = Vec::new();
        let mut c = decl.walk();
        for ch in decl.named_children(&mut c) {
            match ch.kind() {
                "var_spec" | "const_spec" => specs.push(ch),
                "var_spec_list" | "const_spec_list" => {
                    let mut c2 = ch.walk();
                    specs.extend(
                        ch.named_children(&mut c2)
                            .filter(|s| matches!(s.kind(), "var_spec" | "const_spec")),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            let (names, ty, values) = super::scope::spec_parts(spec);
            for (i, n) in names.iter().enumerate() {
                let name = cx.src(*n);
                if name == "_" {
                    continue;
                }
                let typing = match ty {
                    Some(t) => cx.type_of_type(t).map(Typing::Known),
                    None if values.len() == 1 && names.len() > 1 => call_typing(cx, values[0], i),
                    None => values.get(i).and_then(|v| {
                        call_typing(cx, *v, 0).or_else(|| cx.type_of_expr(*v, 0).map(Typing::Known))
                    }),
                };
                if let Some(t) = typing {
                    self.values.push((name.to_string(), t));
                }
            }
        }
    }
}

/// `f(...)`: result `index` of the package's function `f`.
fn call_typing<'t>(cx: &Ctx<'t>, value: Node<'t>, index: usize) -> Option<Typing> {
    if value.kind() != "call_expression" {
        return None;
    }
    let mut f = value.child_by_field_name("function")?;
    if f.kind() == "index_expression" {
        f = f.child_by_field_name("operand")?; // `New[int]()`
    }
    let name = cx.src(f);
    (f.kind() == "identifier" && name != "new").then(|| Typing::Result {
        func: name.to_string(),
        index,
    })
}

/// `t`, a type as package `pkg` writes it, as another package names it: its own types
/// qualified (`Conn` -> `pkg.Conn`).
fn qualify(t: TypeRef, pkg: &str) -> TypeRef {
    match t {
        TypeRef::Local(l) => TypeRef::Qualified(format!("{pkg}.{l}")),
        TypeRef::Slice(t) => TypeRef::Slice(Box::new(qualify(*t, pkg))),
        TypeRef::Map(k, v) => TypeRef::Map(
            k.map(|k| Box::new(qualify(*k, pkg))),
            v.map(|v| Box::new(qualify(*v, pkg))),
        ),
        TypeRef::Chan(t) => TypeRef::Chan(Box::new(qualify(*t, pkg))),
        TypeRef::Struct(fields) => TypeRef::Struct(
            fields
                .into_iter()
                .map(|f| Field {
                    ty: f.ty.map(|t| qualify(t, pkg)),
                    ..f
                })
                .collect(),
        ),
        TypeRef::Func(results) => TypeRef::Func(
            results
                .into_iter()
                .map(|r| r.map(|t| qualify(t, pkg)))
                .collect(),
        ),
        q @ TypeRef::Qualified(_) => q,
    }
}

/// Whether the type `q` of another package may have member `name`: a std type has it when the
/// std table lists it (the table lists promoted methods too); a type of any other package may.
fn may_have(q: &str, name: &str) -> bool {
    let Some((pkg, ty)) = q.rsplit_once('.') else {
        return true;
    };
    let std_type = crate::stdapi::member(pkg, ty)
        .is_some_and(|m| matches!(m.kind, crate::stdapi::Kind::Type { .. }));
    !std_type || crate::stdapi::type_member(pkg, ty, name).is_some()
}

/// An embedded field of type `ty`, named after its type (`sync.Mutex` -> `Mutex`, `*T` -> `T`).
fn embedded_field(ty: Option<TypeRef>) -> Option<Field> {
    let name = match &ty {
        Some(TypeRef::Qualified(q)) => q.rsplit('.').next().unwrap_or(q).to_string(),
        Some(TypeRef::Local(l)) => l.clone(),
        _ => return None,
    };
    Some(Field {
        name,
        ty,
        embedded: true,
    })
}

/// The fields of a struct type node (embedded ones named after their type).
pub(super) fn struct_fields<'t>(cx: &Ctx<'t>, st: Node<'t>) -> Vec<Field> {
    let mut fields = Vec::new();
    let Some(list) = st.named_child(0) else {
        return fields;
    };
    let mut c = list.walk();
    for fd in list.named_children(&mut c) {
        if fd.kind() != "field_declaration" {
            continue;
        }
        let Some(tn) = fd.child_by_field_name("type") else {
            continue;
        };
        let ty = cx.type_of_type(tn);
        let mut c2 = fd.walk();
        let names: Vec<Node<'t>> = fd.children_by_field_name("name", &mut c2).collect();
        if names.is_empty() {
            fields.extend(embedded_field(ty));
        } else {
            for n in names {
                fields.push(Field {
                    name: cx.src(n).to_string(),
                    ty: ty.clone(),
                    embedded: false,
                });
            }
        }
    }
    fields
}

/// The result types a signature's `result` states: one type, or a parameter list (each
/// declaration counting once per name: `(a, b int, err error)` is three results).
pub(super) fn results<'t>(cx: &Ctx<'t>, result: Option<Node<'t>>) -> Results {
    let Some(r) = result else {
        return Vec::new();
    };
    if r.kind() != "parameter_list" {
        return vec![cx.type_of_type(r)];
    }
    let mut out = Vec::new();
    let mut c = r.walk();
    for p in r.named_children(&mut c) {
        if !matches!(
            p.kind(),
            "parameter_declaration" | "variadic_parameter_declaration"
        ) {
            continue;
        }
        let ty = p
            .child_by_field_name("type")
            .and_then(|t| cx.type_of_type(t));
        let mut c2 = p.walk();
        let names = p.children_by_field_name("name", &mut c2).count().max(1);
        out.extend(std::iter::repeat_n(ty, names));
    }
    out
}

/// What a name after `x.` is, for `x` of a type of this package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Member {
    /// A field (declared on the type, or promoted from an embedded struct of this package).
    Field { ty: Option<TypeRef>, embedded: bool },
    /// A method declared on a type of this package, with its results.
    Method(Results),
    /// Promoted from the embedded type of another package named here: the member is that
    /// type's (`dc.Lock()` with `sync.Mutex` embedded is `sync.Mutex.Lock`).
    Promoted(String),
}

/// The declarations of one package (one folder, one package clause), merged from its files.
#[derive(Debug, Default)]
pub struct Package {
    name: String,
    types: HashMap<String, TypeDef>,
    methods: HashMap<String, HashMap<String, Results>>,
    funcs: HashMap<String, Results>,
    values: HashMap<String, Typing>,
    /// The packages it imports that are read from their files (not the standard library's),
    /// by the name the resolver gives them ([`package_name_of_path`] of the import path).
    deps: HashMap<String, Arc<Package>>,
}

/// How deep embedded fields and alias chains are followed.
const MAX_DEPTH: usize = 8;

impl Package {
    /// Merges the declarations of a package's files; the first declaration of a name wins
    /// (files declaring the same name differ by build constraints).
    pub fn new<'a>(files: impl IntoIterator<Item = &'a FileDecls>) -> Package {
        let mut p = Package::default();
        for f in files {
            if p.name.is_empty() {
                p.name = f.package.clone();
            }
            for (name, def) in &f.types {
                p.types.entry(name.clone()).or_insert_with(|| def.clone());
            }
            for (recv, name, results) in &f.methods {
                p.methods
                    .entry(recv.clone())
                    .or_default()
                    .entry(name.clone())
                    .or_insert_with(|| results.clone());
            }
            for (name, results) in &f.funcs {
                p.funcs
                    .entry(name.clone())
                    .or_insert_with(|| results.clone());
            }
            for (name, typing) in &f.values {
                p.values
                    .entry(name.clone())
                    .or_insert_with(|| typing.clone());
            }
        }
        p
    }

    /// The package clause's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same package, with the packages it imports (import path, declarations) that are
    /// read from their files.
    pub fn with_deps(mut self, deps: impl IntoIterator<Item = (String, Arc<Package>)>) -> Package {
        for (path, p) in deps {
            self.deps.insert(package_name_of_path(&path).to_string(), p);
        }
        self
    }

    /// What another package can use of it: exported functions, values and methods; every
    /// type (an unexported one may be embedded in an exported one and promote its methods).
    pub fn exported(mut self) -> Package {
        let public = |n: &String| n.starts_with(|c: char| c.is_uppercase());
        self.funcs.retain(|n, _| public(n));
        self.values.retain(|n, _| public(n));
        for m in self.methods.values_mut() {
            m.retain(|n, _| public(n));
        }
        self.methods.retain(|_, m| !m.is_empty());
        self
    }

    /// The imported package the resolver names `name`, when read from its files: one this
    /// package imports, or one of those imports.
    pub(super) fn dep(&self, name: &str) -> Option<&Package> {
        self.deps
            .get(name)
            .or_else(|| self.deps.values().find_map(|d| d.deps.get(name)))
            .map(|p| &**p)
    }

    /// Each imported package whose clause names it differently from its import path
    /// (`io_prometheus_client` at `.../client_model/go`): (the resolver's name, the clause's).
    pub(super) fn renamed_deps(&self) -> impl Iterator<Item = (&str, &str)> {
        self.deps
            .iter()
            .filter(|(k, p)| !p.name.is_empty() && p.name != **k)
            .map(|(k, p)| (k.as_str(), p.name.as_str()))
    }

    /// Member `name` of `q`, a type of an imported package read from its files, with the types
    /// it states qualified by that package (`pkg.T`).
    pub(super) fn foreign_member(&self, q: &str, name: &str) -> Option<Member> {
        let (pkg, ty) = q.rsplit_once('.')?;
        let dep = self.dep(pkg)?;
        Some(match dep.member(ty, name)? {
            Member::Field { ty, embedded } => Member::Field {
                ty: ty.map(|t| qualify(t, pkg)),
                embedded,
            },
            Member::Method(results) => Member::Method(
                results
                    .into_iter()
                    .map(|r| r.map(|t| qualify(t, pkg)))
                    .collect(),
            ),
            Member::Promoted(other) => Member::Promoted(other),
        })
    }

    /// Result `index` of function `func` of the imported package `pkg`, or its type `func`
    /// converted to (`index` 0); qualified.
    pub(super) fn foreign_call(&self, pkg: &str, func: &str, index: usize) -> Option<TypeRef> {
        let dep = self.dep(pkg)?;
        if dep.has_type(func) {
            return (index == 0)
                .then(|| qualify(dep.unalias(TypeRef::Local(func.to_string())), pkg));
        }
        Some(qualify(dep.func_result(func, index)?, pkg))
    }

    /// The type of the package-level var or const `name` of the imported package `pkg`.
    pub(super) fn foreign_value(&self, pkg: &str, name: &str) -> Option<TypeRef> {
        Some(qualify(self.dep(pkg)?.value_type(name)?, pkg))
    }

    /// `pkg.T`, with an alias of the imported package `pkg` followed.
    pub(super) fn foreign_unalias(&self, q: String) -> TypeRef {
        let Some((pkg, ty)) = q.rsplit_once('.') else {
            return TypeRef::Qualified(q);
        };
        match self.dep(pkg) {
            Some(dep) => qualify(dep.unalias(TypeRef::Local(ty.to_string())), pkg),
            None => TypeRef::Qualified(q),
        }
    }

    /// How many types, functions, methods and package-level values it declares.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.types.len(),
            self.funcs.len(),
            self.methods.values().map(HashMap::len).sum(),
            self.values.len(),
        )
    }

    pub(super) fn has_type(&self, name: &str) -> bool {
        self.types.contains_key(name)
    }

    /// Whether it declares a package-level var or const `name` whose type is known.
    pub(super) fn has_value(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Whether it declares `name` at package level: a type, a function or a value.
    pub(super) fn declares(&self, name: &str) -> bool {
        self.types.contains_key(name)
            || self.funcs.contains_key(name)
            || self.values.contains_key(name)
    }

    pub(super) fn has_func(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }

    /// A type with its aliases followed: `type M = sync.Mutex` makes `M` `sync.Mutex`.
    pub(super) fn unalias(&self, t: TypeRef) -> TypeRef {
        let mut t = t;
        for _ in 0..MAX_DEPTH {
            match &t {
                TypeRef::Local(l) => match self.types.get(l) {
                    Some(TypeDef::Alias(target)) => t = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        t
    }

    /// What local type `name` is defined as, when that is a slice, map or channel type
    /// (`type Locks []sync.Mutex`).
    pub(super) fn container(&self, name: &str) -> Option<TypeRef> {
        let mut name = name;
        for _ in 0..MAX_DEPTH {
            match self.types.get(name)? {
                TypeDef::Alias(TypeRef::Local(l)) | TypeDef::Named(TypeRef::Local(l)) => name = l,
                TypeDef::Alias(t) | TypeDef::Named(t) => {
                    return matches!(t, TypeRef::Slice(_) | TypeRef::Map(..) | TypeRef::Chan(_))
                        .then(|| t.clone());
                }
                _ => return None,
            }
        }
        None
    }

    /// Result `index` of the package's function `name`.
    pub(super) fn func_result(&self, name: &str, index: usize) -> Option<TypeRef> {
        let t = self.funcs.get(name)?.get(index)?.clone()?;
        Some(self.unalias(t))
    }

    /// The type of the package-level var or const `name`.
    pub(super) fn value_type(&self, name: &str) -> Option<TypeRef> {
        let t = match self.values.get(name)? {
            Typing::Known(t) => t.clone(),
            Typing::Result { func, index } => return self.func_result(func, *index),
        };
        Some(self.unalias(t))
    }

    /// The fields of local type `name`: a struct's, or those of the struct a named type is
    /// defined as (`type A B` has B's fields, not B's methods).
    fn fields_of(&self, name: &str) -> &[Field] {
        let mut name = name;
        for _ in 0..MAX_DEPTH {
            match self.types.get(name) {
                Some(TypeDef::Struct(fields) | TypeDef::Interface(fields)) => return fields,
                Some(TypeDef::Alias(TypeRef::Local(l)) | TypeDef::Named(TypeRef::Local(l))) => {
                    name = l
                }
                _ => break,
            }
        }
        &[]
    }

    /// Member `name` of local type `owner`, by Go's rule: the shallowest depth of embedding
    /// that has it, found once there. A type of another package embedded at a depth is taken to
    /// have the member when no type of this package has it at that depth and it is the only
    /// such type there (its members are not known here).
    pub(super) fn member(&self, owner: &str, name: &str) -> Option<Member> {
        let owner = match self.unalias(TypeRef::Local(owner.to_string())) {
            TypeRef::Local(l) => l,
            _ => return None,
        };
        self.search(vec![owner], Vec::new(), name)
    }

    /// Member `name` of a struct type written in place (`var mu struct { sync.Mutex }`): one of
    /// its fields, or a member its embedded fields promote.
    pub(super) fn struct_member(&self, fields: &[Field], name: &str) -> Option<Member> {
        let mut found = None;
        let (mut local, mut outside) = (Vec::new(), Vec::new());
        for f in fields {
            if f.name == name {
                if found.is_some() {
                    return None; // twice: the code does not compile
                }
                found = Some(Member::Field {
                    ty: f.ty.clone().map(|t| self.unalias(t)),
                    embedded: f.embedded,
                });
            }
            if f.embedded {
                self.embed(f, &mut local, &mut outside);
            }
        }
        found.or_else(|| self.search(local, outside, name))
    }

    /// Files an embedded field's type with the next depth's types of this package (`local`) or
    /// of another (`outside`).
    fn embed(&self, f: &Field, local: &mut Vec<String>, outside: &mut Vec<String>) {
        match f.ty.clone().map(|t| self.unalias(t)) {
            Some(TypeRef::Local(l)) => local.push(l),
            Some(TypeRef::Qualified(q)) => outside.push(q),
            _ => {}
        }
    }

    /// The breadth-first search behind [`Package::member`], from one depth's local types and
    /// types of other packages.
    fn search(
        &self,
        mut level: Vec<String>,
        mut outside: Vec<String>,
        name: &str,
    ) -> Option<Member> {
        let mut seen: HashSet<String> = HashSet::new();
        for _ in 0..MAX_DEPTH {
            let mut found: Vec<Member> = Vec::new();
            let mut next_level: Vec<String> = Vec::new();
            let mut next_outside: Vec<String> = Vec::new();
            for ty in &level {
                if !seen.insert(ty.clone()) {
                    continue;
                }
                if let Some(r) = self.methods.get(ty.as_str()).and_then(|m| m.get(name)) {
                    found.push(Member::Method(r.clone()));
                }
                for f in self.fields_of(ty) {
                    if f.name == name {
                        found.push(Member::Field {
                            ty: f.ty.clone().map(|t| self.unalias(t)),
                            embedded: f.embedded,
                        });
                    }
                    if f.embedded {
                        self.embed(f, &mut next_level, &mut next_outside);
                    }
                }
            }
            match found.len() {
                1 => return found.pop(),
                0 => {}
                _ => return None, // ambiguous: the code does not compile
            }
            // a std type that does not have the member is out of the running (its members are
            // known); another package's type may have it
            outside.retain(|q| may_have(q, name));
            match outside.len() {
                1 => return Some(Member::Promoted(outside.remove(0))),
                0 => {}
                _ => return None,
            }
            if next_level.is_empty() && next_outside.is_empty() {
                return None;
            }
            level = next_level;
            outside = next_outside;
        }
        None
    }
}
