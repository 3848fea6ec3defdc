//! A Go package's declarations across its files: struct types with their fields (embedded ones
//! included), methods and functions with their result types, package-level vars and consts with
//! their types, named types and aliases.
//!
//! [`FileDecls::of`] reads one parsed file (types written as the file names them, packages
//! resolved through that file's imports); [`Package::new`] merges the files of one package.
//! A `Package` never changes once built: the per-file resolver reads it where the file itself
//! does not state a type (`s.mu.Lock()` with `s *Server` declared in another file).

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

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
    /// An interface (its methods are filed with the methods) or any other type.
    Other,
}

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
                _ => {}
            }
        }
        out
    }

    /// The package clause's name (empty when the file has none).
    pub fn package(&self) -> &str {
        &self.package
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
                let mut c = ty.walk();
                for elem in ty.named_children(&mut c) {
                    if elem.kind() != "method_elem" {
                        continue;
                    }
                    if let Some(m) = elem.child_by_field_name("name") {
                        let results = results(cx, elem.child_by_field_name("result"));
                        self.methods
                            .push((name.clone(), cx.src(m).to_string(), results));
                    }
                }
                TypeDef::Other
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

fn struct_fields<'t>(cx: &Ctx<'t>, st: Node<'t>) -> Vec<Field> {
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
            // embedded: the field is named after its type (`sync.Mutex` -> `Mutex`, `*T` -> `T`)
            let name = match &ty {
                Some(TypeRef::Qualified(q)) => q.rsplit('.').next().unwrap_or(q).to_string(),
                Some(TypeRef::Local(l)) => l.clone(),
                _ => continue,
            };
            fields.push(Field {
                name,
                ty,
                embedded: true,
            });
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
fn results<'t>(cx: &Ctx<'t>, result: Option<Node<'t>>) -> Results {
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
                    return matches!(t, TypeRef::Slice(_) | TypeRef::Map(_) | TypeRef::Chan(_))
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
                Some(TypeDef::Struct(fields)) => return fields,
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
        let mut level: Vec<String> = vec![owner];
        let mut outside: Vec<String> = Vec::new();
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
                        match f.ty.clone().map(|t| self.unalias(t)) {
                            Some(TypeRef::Local(l)) => next_level.push(l),
                            Some(TypeRef::Qualified(q)) => next_outside.push(q),
                            _ => {}
                        }
                    }
                }
            }
            match found.len() {
                1 => return found.pop(),
                0 => {}
                _ => return None, // ambiguous: the code does not compile
            }
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
