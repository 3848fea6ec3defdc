//! The Go standard library's exported API, compiled in, so that gonotes can tell a std name from
//! the user's own without a Go toolchain: whether a word is a std package (`http`, `atomic`,
//! `pprof`; not `errgroup`), what a package-level name is (a func with its result types, a type
//! with its kind, a var with its type, a const), and what a member of a std type is (a method
//! with its result types and receiver, an interface method, a field with its type).
//!
//! The data is `stdapi.txt`, generated from Go's API files by `scripts/gen-std-api.py` (its
//! header says how and from which Go release). It is parsed once, on first use, into tables that
//! answer without allocating. Types are strings as the API files write them, relative to the
//! package that declares the name: `*Timer` in `time`, `io.ReadCloser` in `net/http`, `[]string`,
//! `(int, error)`. [`results`], [`named_type`] and [`resolve_type`] take them apart, e.g. to
//! follow `t := time.NewTimer(d); t.Stop()`:
//!
//! ```
//! use gonotes::stdapi::{self, Kind, TypeMemberKind};
//! let timer = stdapi::member("time", "NewTimer").unwrap();
//! let Kind::Func { results } = timer.kind else { panic!() };
//! let first = stdapi::results(results).next().unwrap(); // "*Timer"
//! let ty = stdapi::resolve_type(timer.package, first).unwrap(); // time.Timer
//! let stop = stdapi::type_member(ty.package, ty.name, "Stop").unwrap();
//! assert_eq!(stop.kind, TypeMemberKind::Method { results: "bool", pointer: true });
//! ```

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use crate::hash::BuildFast;

/// The table, as `scripts/gen-std-api.py` writes it.
const DATA: &str = include_str!("stdapi.txt");

/// What a package-level name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `results` as written: `""`, `"*Timer"`, `"(int, error)"`; see [`results`].
    Func {
        results: &'static str,
    },
    /// `kind`: `struct`, `interface`, the underlying type (`int64` for `time.Duration`), or
    /// `= pkg.Name` for an alias (`os.FileInfo` is `= fs.FileInfo`).
    Type {
        kind: &'static str,
    },
    Var {
        ty: &'static str,
    },
    Const,
}

/// A package-level name of a std package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// The full import path of the package that declares it.
    pub package: &'static str,
    pub name: &'static str,
    pub kind: Kind,
}

/// What a member of a type is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeMemberKind {
    /// A method of a struct or other non-interface type; `pointer`: its receiver is `*T`.
    /// Methods promoted from embedded fields are listed too (the API files list method sets).
    Method {
        results: &'static str,
        pointer: bool,
    },
    /// A method of an interface (its own or from an embedded interface).
    InterfaceMethod { results: &'static str },
    /// A struct field; an embedded one's name is its type's (`*Reader` is field `Reader`).
    Field { ty: &'static str, embedded: bool },
}

/// A method or field of a std type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeMember {
    /// The package and type that declare it: those of the alias's target when the type asked
    /// about is an alias (`os.DirEntry` → `io/fs`, `DirEntry`). Its types are relative to them.
    pub package: &'static str,
    pub type_name: &'static str,
    pub name: &'static str,
    pub kind: TypeMemberKind,
}

/// A std type: its package's full import path and its name. Displays as `sync.Mutex`,
/// `text/template.Template`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeName {
    pub package: &'static str,
    pub name: &'static str,
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.package, self.name)
    }
}

/// Whether `pkg`, a last segment (`http`, `atomic`) or a full import path (`net/http`), names a
/// std package. `errgroup` (golang.org/x) and `syscall` (not in the table) do not.
pub fn is_package(pkg: &str) -> bool {
    !table().packages_of(pkg).is_empty()
}

/// The full import paths whose last segment is `last`, sorted: `rand` → `crypto/rand`,
/// `math/rand`; none for a word that is no std package's name.
pub fn package_paths(last: &str) -> &'static [&'static str] {
    table()
        .by_last
        .get(last)
        .map_or(&[], |g| g.paths.as_slice())
}

/// What the package-level `name` of `pkg` (a last segment or a full path) is. Where several
/// packages share the last segment (`template`), the first of them (by path) that has the name
/// answers.
pub fn member(pkg: &str, name: &str) -> Option<Member> {
    let t = table();
    t.packages_of(pkg).iter().find_map(|&p| {
        let n = t.packages[p].name(name)?;
        Some(Member {
            package: t.packages[p].path,
            name: n.name,
            kind: n.kind,
        })
    })
}

/// The method or field `name` of the type `type_name` of `pkg` (a last segment or a full path),
/// interface methods included. An alias is followed to its target (`os.DirEntry` has `Name`
/// through `fs.DirEntry`); fields of embedded fields are not looked into.
pub fn type_member(pkg: &str, type_name: &str, name: &str) -> Option<TypeMember> {
    let t = table();
    t.packages_of(pkg)
        .iter()
        .find_map(|&p| t.type_member_in(p, type_name, name, 0))
}

/// The std type that declares member `name` of the type `type_name` of `pkg`, as `go doc` and
/// go/types name it: a method promoted from an exported embedded field is that field's type's
/// (`bufio.ReadWriter`'s `ReadString` is `bufio.Reader`'s); an interface method is the smallest
/// other interface of the package whose methods all belong to this one, when there is exactly
/// one (`io.ReadCloser`'s `Read` is `io.Reader`'s: the table does not list the interfaces an
/// interface embeds); otherwise the type itself (an alias followed). `None` when the type has
/// no such member.
pub fn declaring_type(pkg: &str, type_name: &str, name: &str) -> Option<TypeName> {
    let t = table();
    let tm = type_member(pkg, type_name, name)?;
    let p = *t.by_path.get(tm.package)?;
    Some(t.declaring_in(p, tm.type_name, name, 0))
}

/// The exported types of `pkg` (a last segment or a full path) that have a method or field
/// called `name`: `Format` in `time` → `time.Time` (and `time.Month`'s `String` for `String`).
pub fn types_with_member(pkg: &str, name: &str) -> Vec<TypeName> {
    let t = table();
    let paths: Vec<&str> = t
        .packages_of(pkg)
        .iter()
        .map(|&p| t.packages[p].path)
        .collect();
    t.owners.get(name).map_or_else(Vec::new, |owners| {
        owners
            .iter()
            .filter(|o| paths.contains(&o.package))
            .copied()
            .collect()
    })
}

/// Every std type called `name`, sorted by package path: `Mutex` → `sync.Mutex`; `Reader` →
/// `bufio.Reader`, `bytes.Reader`, `compress/flate.Reader`, …. Empty for no std type.
pub fn types_named(name: &str) -> &'static [TypeName] {
    table().types.get(name).map(Vec::as_slice).unwrap_or(&[])
}

/// The std type that `ty`, written in package `pkg` (a last segment or a full path), names:
/// `*Timer` in `time` → `time.Timer`; `io.ReadCloser` in `net/http` → `io.ReadCloser`;
/// `fs.FileInfo` in `os` → `io/fs.FileInfo`. `None` for a predeclared type (`error`), a
/// composite one (`[]string`, `map[string]int`, `func()`), a type parameter, or a name that is no
/// std type. A qualifier shared by several packages (`rand.Source`) picks the first that has
/// the type, other than `pkg` itself: `template.FuncMap` in `html/template` is
/// `text/template.FuncMap`.
pub fn resolve_type(pkg: &str, ty: &str) -> Option<TypeName> {
    let t = table();
    let (p, n) = t.resolve(pkg, ty)?;
    Some(TypeName {
        package: t.packages[p].path,
        name: n.name,
    })
}

/// A named type as written in a type string: `*Timer`, `io.ReadCloser`, `Pointer[$0]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedType<'a> {
    /// Written with one `*` in front.
    pub pointer: bool,
    /// The package name in front of the dot (`io`), if any: a last segment, never a path.
    pub qualifier: Option<&'a str>,
    /// The type's name, without type arguments.
    pub name: &'a str,
}

/// `ty` as a (possibly qualified, possibly pointer) named type; `None` for composite types
/// (`[]T`, `map[K]V`, `chan T`, `func(…)`, `struct{…}`, `interface{…}`, `**T`) and type
/// parameters (`$0`).
pub fn named_type(ty: &str) -> Option<NamedType<'_>> {
    let ty = ty.trim();
    let (pointer, ty) = match ty.strip_prefix('*') {
        Some(rest) => (true, rest),
        None => (false, ty),
    };
    // type arguments: `Pointer[$0]`
    let ty = match ty.find('[') {
        Some(0) => return None,
        Some(i) if ty.ends_with(']') => &ty[..i],
        Some(_) => return None,
        None => ty,
    };
    let (qualifier, name) = match ty.split_once('.') {
        Some((q, n)) => (Some(q), n),
        None => (None, ty),
    };
    let ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    const KEYWORDS: [&str; 5] = ["chan", "func", "interface", "map", "struct"];
    if !ident(name) || qualifier.is_some_and(|q| !ident(q)) || KEYWORDS.contains(&name) {
        return None;
    }
    Some(NamedType {
        pointer,
        qualifier,
        name,
    })
}

/// The types of a result list as written: `""` → none, `"*Timer"` → `*Timer`,
/// `"(int, error)"` → `int`, `error`; commas inside `func(…)`, `map[…]` and the like do not
/// split.
pub fn results(list: &str) -> Results<'_> {
    let list = list.trim();
    let inner = match list.strip_prefix('(') {
        // a list, unless the parentheses close before the end (no Go type starts with one)
        Some(rest) if closing(list) == Some(list.len() - 1) => &rest[..rest.len() - 1],
        _ => list,
    };
    Results { rest: inner }
}

/// The iterator of [`results`].
#[derive(Clone, Debug)]
pub struct Results<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Results<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.trim().is_empty() {
            return None;
        }
        let mut depth = 0usize;
        let mut end = self.rest.len();
        for (i, b) in self.rest.bytes().enumerate() {
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let item = self.rest[..end].trim();
        self.rest = self.rest.get(end + 1..).unwrap_or("");
        Some(item)
    }
}

/// The byte index of the bracket that closes the one `s` starts with.
fn closing(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

// ---- the table ----

/// A package-level name; a type's members are `Table::members[members]`.
#[derive(Debug)]
struct Name {
    name: &'static str,
    kind: Kind,
    members: Range<u32>,
}

#[derive(Debug)]
struct Package {
    path: &'static str,
    /// Sorted by name.
    names: Vec<Name>,
}

impl Package {
    fn name(&self, name: &str) -> Option<&Name> {
        let i = self.names.binary_search_by(|n| n.name.cmp(name)).ok()?;
        Some(&self.names[i])
    }
}

/// A member of a type.
#[derive(Debug)]
struct Part {
    name: &'static str,
    kind: TypeMemberKind,
}

/// The packages that share a last segment, sorted by path.
#[derive(Debug, Default)]
struct Group {
    ids: Vec<usize>,
    paths: Vec<&'static str>,
}

#[derive(Debug)]
struct Table {
    /// Sorted by path.
    packages: Vec<Package>,
    /// The members of all types; each type's run is sorted by name.
    members: Vec<Part>,
    by_path: HashMap<&'static str, usize, BuildFast>,
    by_last: HashMap<&'static str, Group, BuildFast>,
    /// Type name → the std types of that name, sorted by package path.
    types: HashMap<&'static str, Vec<TypeName>, BuildFast>,
    /// Member name → the types that have a member of that name, sorted by package path.
    owners: HashMap<&'static str, Vec<TypeName>, BuildFast>,
    /// Lines of the data that are none of its forms (none, unless the file was edited by hand):
    /// skipped, and checked by the tests.
    #[cfg_attr(not(test), expect(dead_code))]
    bad: Vec<&'static str>,
}

fn table() -> &'static Table {
    static TABLE: LazyLock<Table> = LazyLock::new(|| Table::parse(DATA));
    &TABLE
}

impl Table {
    fn parse(data: &'static str) -> Table {
        let mut packages: Vec<Package> = Vec::with_capacity(160);
        let mut members: Vec<Part> = Vec::with_capacity(data.len() / 40);
        let mut bad = Vec::new();
        for line in data.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(path) = line.strip_prefix("package ") {
                packages.push(Package {
                    path,
                    names: Vec::new(),
                });
                continue;
            }
            let Some(package) = packages.last_mut() else {
                bad.push(line);
                continue;
            };
            if let Some(part) = line.strip_prefix(' ') {
                // a member of the type above
                let owner = package
                    .names
                    .last_mut()
                    .filter(|n| matches!(n.kind, Kind::Type { .. }));
                match (owner, parse_part(part)) {
                    (Some(owner), Some(part)) => {
                        members.push(part);
                        owner.members.end = members.len() as u32;
                    }
                    _ => bad.push(line),
                }
            } else if let Some((name, kind)) = parse_name(line) {
                let at = members.len() as u32;
                package.names.push(Name {
                    name,
                    kind,
                    members: at..at,
                });
            } else {
                bad.push(line);
            }
        }

        // The generator sorts; sorting again (cheap on sorted data) keeps lookups right anyway.
        packages.sort_by(|a, b| a.path.cmp(b.path));
        let mut by_path = HashMap::with_capacity_and_hasher(packages.len(), BuildFast);
        let mut by_last: HashMap<&'static str, Group, BuildFast> = HashMap::default();
        let mut types: HashMap<&'static str, Vec<TypeName>, BuildFast> = HashMap::default();
        let mut owners: HashMap<&'static str, Vec<TypeName>, BuildFast> = HashMap::default();
        for (id, package) in packages.iter_mut().enumerate() {
            package.names.sort_by(|a, b| a.name.cmp(b.name));
            by_path.insert(package.path, id);
            let last = package.path.rsplit('/').next().unwrap_or(package.path);
            let group = by_last.entry(last).or_default();
            group.ids.push(id);
            group.paths.push(package.path);
            for n in &package.names {
                let run = n.members.start as usize..n.members.end as usize;
                members[run].sort_by(|a, b| a.name.cmp(b.name));
                if matches!(n.kind, Kind::Type { .. }) {
                    let owner = TypeName {
                        package: package.path,
                        name: n.name,
                    };
                    types.entry(n.name).or_default().push(owner);
                    for m in &members[n.members.start as usize..n.members.end as usize] {
                        owners.entry(m.name).or_default().push(owner);
                    }
                }
            }
        }
        Table {
            packages,
            members,
            by_path,
            by_last,
            types,
            owners,
            bad,
        }
    }

    /// The ids of the packages `pkg` names: a full path names one, a last segment all that end
    /// with it.
    fn packages_of(&self, pkg: &str) -> &[usize] {
        if pkg.contains('/') {
            self.by_path
                .get(pkg)
                .map(std::slice::from_ref)
                .unwrap_or(&[])
        } else {
            self.by_last.get(pkg).map_or(&[], |g| g.ids.as_slice())
        }
    }

    /// The package id and name of the std type `ty` names, written in `pkg`.
    fn resolve(&self, pkg: &str, ty: &str) -> Option<(usize, &Name)> {
        let named = named_type(ty)?;
        let home = self.packages_of(pkg);
        let candidates = match named.qualifier {
            Some(q) => self.packages_of(q),
            None => home,
        };
        candidates
            .iter()
            // a package never qualifies its own names: `template.FuncMap` in html/template is
            // text/template's
            .filter(|p| named.qualifier.is_none() || !home.contains(p))
            .find_map(|&p| {
                let n = self.packages[p].name(named.name)?;
                matches!(n.kind, Kind::Type { .. }).then_some((p, n))
            })
    }

    fn type_member_in(
        &self,
        p: usize,
        type_name: &str,
        name: &str,
        hops: u8,
    ) -> Option<TypeMember> {
        let package = &self.packages[p];
        let owner = package.name(type_name)?;
        let Kind::Type { kind } = owner.kind else {
            return None;
        };
        let run = &self.members[owner.members.start as usize..owner.members.end as usize];
        if let Ok(i) = run.binary_search_by(|m| m.name.cmp(name)) {
            return Some(TypeMember {
                package: package.path,
                type_name: owner.name,
                name: run[i].name,
                kind: run[i].kind,
            });
        }
        let target = kind.strip_prefix("= ")?;
        if hops >= 4 {
            return None;
        }
        let (q, to) = self.resolve(package.path, target)?;
        self.type_member_in(q, to.name, name, hops + 1)
    }
}

impl Table {
    fn run(&self, n: &Name) -> &[Part] {
        &self.members[n.members.start as usize..n.members.end as usize]
    }

    /// See [`declaring_type`]; `type_name` has member `name`.
    fn declaring_in(&self, p: usize, type_name: &'static str, name: &str, depth: u8) -> TypeName {
        let package = &self.packages[p];
        let here = TypeName {
            package: package.path,
            name: type_name,
        };
        let Some(owner) = package.name(type_name) else {
            return here;
        };
        if depth >= 4 {
            return here;
        }
        if let Kind::Type { kind } = owner.kind {
            if let Some((q, to)) = kind
                .strip_prefix("= ")
                .and_then(|target| self.resolve(package.path, target))
            {
                return self.declaring_in(q, to.name, name, depth + 1);
            }
        }
        let run = self.run(owner);
        let mut embedded = run.iter().filter_map(|part| match part.kind {
            TypeMemberKind::Field { ty, embedded: true } => {
                let (q, n) = self.resolve(package.path, ty)?;
                self.type_member_in(q, n.name, name, 0)?;
                Some((q, n.name))
            }
            _ => None,
        });
        if let (Some((q, n)), None) = (embedded.next(), embedded.next()) {
            return self.declaring_in(q, n, name, depth + 1);
        }
        if owner.kind != (Kind::Type { kind: "interface" }) {
            return here;
        }
        let has = |run: &[Part], m: &str| run.binary_search_by(|x| x.name.cmp(m)).is_ok();
        let mut best: Option<(usize, &'static str)> = None;
        let mut tied = false;
        for n in &package.names {
            if n.name == type_name || n.kind != (Kind::Type { kind: "interface" }) {
                continue;
            }
            let other = self.run(n);
            if other.len() >= run.len()
                || !has(other, name)
                || !other.iter().all(|m| has(run, m.name))
            {
                continue;
            }
            match best {
                Some((len, _)) if len < other.len() => {}
                Some((len, _)) if len == other.len() => tied = true,
                _ => {
                    best = Some((other.len(), n.name));
                    tied = false;
                }
            }
        }
        match best {
            Some((_, n)) if !tied => self.declaring_in(p, n, name, depth + 1),
            _ => here,
        }
    }
}

/// `C Name`, `V Name Type`, `F Name Results`, `T Name Kind`.
fn parse_name(line: &'static str) -> Option<(&'static str, Kind)> {
    let (code, rest) = line.split_once(' ')?;
    let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
    if name.is_empty() {
        return None;
    }
    let kind = match code {
        "C" if tail.is_empty() => Kind::Const,
        "V" if !tail.is_empty() => Kind::Var { ty: tail },
        "F" => Kind::Func { results: tail },
        "T" if !tail.is_empty() => Kind::Type { kind: tail },
        _ => return None,
    };
    Some((name, kind))
}

/// `m Name Results`, `p Name Results`, `i Name Results`, `d Name Type`, `e Type`.
fn parse_part(line: &'static str) -> Option<Part> {
    let (code, rest) = line.split_once(' ')?;
    if code == "e" {
        let name = named_type(rest)?.name;
        return Some(Part {
            name,
            kind: TypeMemberKind::Field {
                ty: rest,
                embedded: true,
            },
        });
    }
    let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
    if name.is_empty() {
        return None;
    }
    let kind = match code {
        "m" | "p" => TypeMemberKind::Method {
            results: tail,
            pointer: code == "p",
        },
        "i" => TypeMemberKind::InterfaceMethod { results: tail },
        "d" if !tail.is_empty() => TypeMemberKind::Field {
            ty: tail,
            embedded: false,
        },
        _ => return None,
    };
    Some(Part { name, kind })
}

#[cfg(test)]
mod member_search_tests {
    use super::*;

    #[test]
    fn types_found_by_member() {
        let names = |pkg: &str, m: &str| -> Vec<String> {
            types_with_member(pkg, m)
                .iter()
                .map(|t| t.to_string())
                .collect()
        };
        assert_eq!(names("time", "Format"), ["time.Time"]);
        assert_eq!(names("sync", "Broadcast"), ["sync.Cond"]);
        assert!(names("sync", "Lock").contains(&"sync.Mutex".to_string()));
        assert!(names("time", "NoSuchMember").is_empty());
        assert!(names("errgroup", "Go").is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Kind::{Const, Func, Type, Var};
    use TypeMemberKind::{Field, InterfaceMethod, Method};

    #[test]
    fn every_line_of_the_table_parses() {
        let t = table();
        assert!(t.bad.is_empty(), "lines of no known form: {:?}", t.bad);
        assert!(t.packages.len() > 140, "{} packages", t.packages.len());
        for p in &t.packages {
            let parts: Vec<_> = p.path.split('/').collect();
            assert!(
                p.path != "syscall"
                    && !parts.contains(&"internal")
                    && !parts.contains(&"vendor")
                    && !p.path.starts_with("golang.org/"),
                "{} should have been dropped",
                p.path
            );
        }
    }

    #[test]
    fn packages_by_last_segment_or_path() {
        for (word, std) in [
            ("http", true),
            ("httptest", true),
            ("atomic", true),
            ("pprof", true),
            ("template", true),
            ("sync", true),
            ("fmt", true),
            ("unsafe", true),
            ("tzdata", true),
            ("net/http", true),
            ("sync/atomic", true),
            ("errgroup", false),
            ("golang", false),
            ("syscall", false),
            ("internal", false),
            ("http2", false),
            ("net/", false),
            ("x/sync/errgroup", false),
            ("", false),
        ] {
            assert_eq!(is_package(word), std, "is_package({word:?})");
        }
        for (last, paths) in [
            ("rand", &["crypto/rand", "math/rand"][..]),
            ("template", &["html/template", "text/template"]),
            ("pprof", &["net/http/pprof", "runtime/pprof"]),
            ("http", &["net/http"]),
            ("sync", &["sync"]),
            ("errgroup", &[]),
            ("net/http", &[]),
        ] {
            assert_eq!(package_paths(last), paths, "package_paths({last:?})");
        }
    }

    #[test]
    fn package_level_names() {
        for (pkg, name, want) in [
            ("sync", "Mutex", Some(("sync", Type { kind: "struct" }))),
            ("sync", "Locker", Some(("sync", Type { kind: "interface" }))),
            (
                "time",
                "NewTimer",
                Some(("time", Func { results: "*Timer" })),
            ),
            ("time", "Duration", Some(("time", Type { kind: "int64" }))),
            ("time", "Sleep", Some(("time", Func { results: "" }))),
            ("os", "Args", Some(("os", Var { ty: "[]string" }))),
            (
                "os",
                "Open",
                Some((
                    "os",
                    Func {
                        results: "(*File, error)",
                    },
                )),
            ),
            // changed in a later release: the newest API file wins
            (
                "os",
                "Stat",
                Some((
                    "os",
                    Func {
                        results: "(fs.FileInfo, error)",
                    },
                )),
            ),
            (
                "os",
                "FileInfo",
                Some((
                    "os",
                    Type {
                        kind: "= fs.FileInfo",
                    },
                )),
            ),
            // listed once per platform
            ("os", "O_SYNC", Some(("os", Const))),
            ("math", "Pi", Some(("math", Const))),
            ("archive/tar", "TypeBlock", Some(("archive/tar", Const))),
            ("io", "Reader", Some(("io", Type { kind: "interface" }))),
            // interfaces with unexported methods, or with a summary line only
            (
                "go/ast",
                "Decl",
                Some(("go/ast", Type { kind: "interface" })),
            ),
            (
                "flate",
                "Reader",
                Some(("compress/flate", Type { kind: "interface" })),
            ),
            (
                "http",
                "HandlerFunc",
                Some((
                    "net/http",
                    Type {
                        kind: "func(ResponseWriter, *Request)",
                    },
                )),
            ),
            (
                "net/http",
                "Get",
                Some((
                    "net/http",
                    Func {
                        results: "(*Response, error)",
                    },
                )),
            ),
            // two packages end with `rand`: any that has the name answers
            ("rand", "Intn", Some(("math/rand", Func { results: "int" }))),
            (
                "rand",
                "Reader",
                Some(("crypto/rand", Var { ty: "io.Reader" })),
            ),
            ("math/rand", "Reader", None),
            // generic type: its type parameters are dropped
            (
                "atomic",
                "Pointer",
                Some(("sync/atomic", Type { kind: "struct" })),
            ),
            (
                "unsafe",
                "Pointer",
                Some((
                    "unsafe",
                    Type {
                        kind: "*ArbitraryType",
                    },
                )),
            ),
            (
                "unsafe",
                "Sizeof",
                Some(("unsafe", Func { results: "uintptr" })),
            ),
            ("unsafe", "ArbitraryType", None),
            ("sync", "mutex", None),
            ("sync", "Lock", None),
            ("syscall", "Getpid", None),
            ("errgroup", "Group", None),
            ("time", "Timer.Stop", None),
        ] {
            let got = member(pkg, name).map(|m| (m.package, m.kind));
            assert_eq!(got, want, "member({pkg:?}, {name:?})");
            if let Some(m) = member(pkg, name) {
                assert_eq!(m.name, name);
            }
        }
    }

    #[test]
    fn members_of_types() {
        let method = |results, pointer| Method { results, pointer };
        for (pkg, ty, name, want) in [
            (
                "sync",
                "Mutex",
                "Lock",
                Some(("sync", "Mutex", method("", true))),
            ),
            (
                "sync",
                "Mutex",
                "TryLock",
                Some(("sync", "Mutex", method("bool", true))),
            ),
            (
                "sync",
                "WaitGroup",
                "Add",
                Some(("sync", "WaitGroup", method("", true))),
            ),
            (
                "time",
                "Timer",
                "Stop",
                Some(("time", "Timer", method("bool", true))),
            ),
            (
                "time",
                "Timer",
                "C",
                Some((
                    "time",
                    "Timer",
                    Field {
                        ty: "<-chan Time",
                        embedded: false,
                    },
                )),
            ),
            (
                "time",
                "Time",
                "Add",
                Some(("time", "Time", method("Time", false))),
            ),
            (
                "time",
                "Duration",
                "String",
                Some(("time", "Duration", method("string", false))),
            ),
            (
                "http",
                "Response",
                "Body",
                Some((
                    "net/http",
                    "Response",
                    Field {
                        ty: "io.ReadCloser",
                        embedded: false,
                    },
                )),
            ),
            (
                "bufio",
                "ReadWriter",
                "Reader",
                Some((
                    "bufio",
                    "ReadWriter",
                    Field {
                        ty: "*Reader",
                        embedded: true,
                    },
                )),
            ),
            // promoted methods are in the API files' method sets
            (
                "bufio",
                "ReadWriter",
                "ReadString",
                Some(("bufio", "ReadWriter", method("(string, error)", false))),
            ),
            (
                "io",
                "Reader",
                "Read",
                Some((
                    "io",
                    "Reader",
                    InterfaceMethod {
                        results: "(int, error)",
                    },
                )),
            ),
            (
                "io",
                "ReadCloser",
                "Close",
                Some(("io", "ReadCloser", InterfaceMethod { results: "error" })),
            ),
            (
                "net/http",
                "Handler",
                "ServeHTTP",
                Some(("net/http", "Handler", InterfaceMethod { results: "" })),
            ),
            // an alias with no members of its own: its target's
            (
                "os",
                "DirEntry",
                "Name",
                Some(("io/fs", "DirEntry", InterfaceMethod { results: "string" })),
            ),
            (
                "html/template",
                "FuncMap",
                "Len",
                None, // a map type has no methods; the alias leads to text/template.FuncMap
            ),
            (
                "atomic",
                "Pointer",
                "Load",
                Some(("sync/atomic", "Pointer", method("*$0", true))),
            ),
            (
                "template",
                "Template",
                "Execute",
                Some(("html/template", "Template", method("error", true))),
            ),
            // promoted from an embedded *parse.Tree
            (
                "text/template",
                "Template",
                "Copy",
                Some(("text/template", "Template", method("*parse.Tree", false))),
            ),
            ("text/template", "Template", "Escape", None),
            ("sync", "Mutex", "lock", None),
            ("sync", "Mutex", "Wait", None),
            ("time", "NewTimer", "Stop", None),
            ("os", "Args", "Len", None),
            // both embedded *Reader and *Writer have Buffered: it is not promoted
            ("bufio", "ReadWriter", "Buffered", None),
        ] {
            let got = type_member(pkg, ty, name).map(|m| (m.package, m.type_name, m.kind));
            assert_eq!(got, want, "type_member({pkg:?}, {ty:?}, {name:?})");
        }
    }

    #[test]
    fn types_by_name() {
        let named = |name| {
            types_named(name)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(named("Mutex"), ["sync.Mutex"]);
        assert_eq!(named("WaitGroup"), ["sync.WaitGroup"]);
        assert_eq!(named("Timer"), ["time.Timer"]);
        assert_eq!(
            named("Template"),
            ["html/template.Template", "text/template.Template"]
        );
        let readers = named("Reader");
        for r in [
            "bufio.Reader",
            "bytes.Reader",
            "io.Reader",
            "strings.Reader",
        ] {
            assert!(readers.iter().any(|x| x == r), "{r} in {readers:?}");
        }
        for not_a_type in ["Lock", "Args", "NewTimer", "Pi", "mutex", ""] {
            assert!(types_named(not_a_type).is_empty(), "{not_a_type}");
        }
    }

    #[test]
    fn result_lists() {
        for (list, want) in [
            ("", &[][..]),
            ("*Timer", &["*Timer"]),
            ("(int, error)", &["int", "error"]),
            ("(*url.URL, error)", &["*url.URL", "error"]),
            (
                "(map[string][]string, bool)",
                &["map[string][]string", "bool"],
            ),
            (
                "(func(int, string) (bool, error), error)",
                &["func(int, string) (bool, error)", "error"],
            ),
            ("func() (int, error)", &["func() (int, error)"]),
            ("(interface{}, bool)", &["interface{}", "bool"]),
            ("<-chan Time", &["<-chan Time"]),
        ] {
            assert_eq!(results(list).collect::<Vec<_>>(), want, "results({list:?})");
        }
    }

    #[test]
    fn named_types() {
        let named = |pointer, qualifier, name| {
            Some(NamedType {
                pointer,
                qualifier,
                name,
            })
        };
        for (ty, want) in [
            ("*Timer", named(true, None, "Timer")),
            ("io.ReadCloser", named(false, Some("io"), "ReadCloser")),
            ("*url.URL", named(true, Some("url"), "URL")),
            ("Pointer[$0]", named(false, None, "Pointer")),
            ("error", named(false, None, "error")),
            ("[]string", None),
            ("map[string][]string", None),
            ("func()", None),
            ("chan int", None),
            ("<-chan Time", None),
            ("interface{}", None),
            ("map[string]Values[int]", None),
            ("struct", None),
            ("*$0", None),
            ("**Timer", None),
            ("a.b.C", None),
            ("", None),
        ] {
            assert_eq!(named_type(ty), want, "named_type({ty:?})");
        }
    }

    #[test]
    fn resolving_types() {
        for (pkg, ty, want) in [
            ("time", "*Timer", Some("time.Timer")),
            ("time", "Time", Some("time.Time")),
            ("net/http", "io.ReadCloser", Some("io.ReadCloser")),
            ("http", "*url.URL", Some("net/url.URL")),
            ("os", "fs.FileInfo", Some("io/fs.FileInfo")),
            (
                "html/template",
                "template.FuncMap",
                Some("text/template.FuncMap"),
            ),
            ("time", "error", None),
            ("time", "[]Time", None),
            ("time", "Sleep", None),
            ("sync/atomic", "*$0", None),
            ("errgroup", "Group", None),
        ] {
            let got = resolve_type(pkg, ty).map(|t| t.to_string());
            assert_eq!(got.as_deref(), want, "resolve_type({pkg:?}, {ty:?})");
        }
    }

    /// What a caller does for `x := pkg.F(…); x.M`: the first result's type, then its member.
    #[test]
    fn following_a_call_to_a_member() {
        for (pkg, func, name, want) in [
            (
                "time",
                "NewTimer",
                "Stop",
                Method {
                    results: "bool",
                    pointer: true,
                },
            ),
            (
                "os",
                "Open",
                "Close",
                Method {
                    results: "error",
                    pointer: true,
                },
            ),
            (
                "http",
                "Get",
                "Body",
                Field {
                    ty: "io.ReadCloser",
                    embedded: false,
                },
            ),
            (
                "rand",
                "New",
                "Intn",
                Method {
                    results: "int",
                    pointer: true,
                },
            ),
            (
                "os",
                "ReadDir",
                "Name",
                InterfaceMethod { results: "string" },
            ),
        ] {
            let m = member(pkg, func).unwrap();
            let Func { results: list } = m.kind else {
                panic!("{pkg}.{func} is {:?}", m.kind)
            };
            let first = results(list).next().unwrap();
            let first = first.strip_prefix("[]").unwrap_or(first); // os.ReadDir: []fs.DirEntry
            let ty = resolve_type(m.package, first).unwrap();
            let got = type_member(ty.package, ty.name, name).map(|tm| tm.kind);
            assert_eq!(got, Some(want), "{pkg}.{func}(…).{name}");
        }
        // and on: http.Get(…).Body.Close()
        let body = type_member("net/http", "Response", "Body").unwrap();
        let Field { ty, .. } = body.kind else {
            panic!()
        };
        let reader = resolve_type(body.package, ty).unwrap();
        assert_eq!(
            type_member(reader.package, reader.name, "Close").map(|tm| tm.kind),
            Some(InterfaceMethod { results: "error" })
        );
    }

    /// `src/stdapi.txt` is what `scripts/gen-std-api.py` makes of this machine's Go API files.
    /// Without Go (or its `api` folder, or Python) there is nothing to compare with; with another
    /// Go release the table would differ by design, so then only the generator's output is
    /// checked to parse.
    #[test]
    fn table_is_generated_from_the_api_files() {
        use std::path::Path;
        use std::process::Command;

        let goroot = match Command::new("go").args(["env", "GOROOT"]).output() {
            Ok(out) if out.status.success() => {
                String::from_utf8_lossy(&out.stdout).trim().to_owned()
            }
            Ok(out) => {
                eprintln!(
                    "skipped: `go env GOROOT` failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                return;
            }
            Err(e) => {
                eprintln!("skipped: no `go` to find the API files: {e}");
                return;
            }
        };
        let api = Path::new(&goroot).join("api");
        if !api.join("go1.txt").is_file() {
            eprintln!("skipped: no Go API files in {}", api.display());
            return;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-std-api.py");
        let out = match Command::new("python3")
            .arg(&script)
            .args(["--goroot", &goroot, "--output", "-"])
            .output()
        {
            Ok(out) => out,
            Err(e) => {
                eprintln!("skipped: no python3 to run {}: {e}", script.display());
                return;
            }
        };
        assert!(
            out.status.success(),
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let generated = String::from_utf8(out.stdout).expect("the generator writes UTF-8");
        let release = |text: &str| text.lines().next().unwrap_or_default().to_owned();
        if release(&generated) != release(DATA) {
            eprintln!(
                "the Go here is another release than the table's:\n  here:  {}\n  table: {}\n\
                 checking only that the generator's output parses",
                release(&generated),
                release(DATA)
            );
            let fresh = Table::parse(Box::leak(generated.into_boxed_str()));
            assert!(
                fresh.bad.is_empty(),
                "lines of no known form: {:?}",
                fresh.bad
            );
            assert!(fresh.by_last.contains_key("http") && !fresh.by_path.contains_key("syscall"));
            return;
        }
        if generated != DATA {
            let first = generated
                .lines()
                .zip(DATA.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| generated.lines().count().min(DATA.lines().count()));
            panic!(
                "src/stdapi.txt is not what {} makes of {}: first difference at line {}:\n  \
                 generated: {:?}\n  committed: {:?}\n\
                 regenerate it with `python3 scripts/gen-std-api.py`",
                script.display(),
                api.display(),
                first + 1,
                generated.lines().nth(first),
                DATA.lines().nth(first),
            );
        }
    }

    #[test]
    fn declaring_types() {
        let d = |p: &str, t: &str, m: &str| declaring_type(p, t, m).map(|t| t.to_string());
        // a method promoted from an exported embedded field
        assert_eq!(
            d("bufio", "ReadWriter", "ReadString").as_deref(),
            Some("bufio.Reader")
        );
        // an interface method, from the one smaller interface that has it
        assert_eq!(d("io", "ReadCloser", "Close").as_deref(), Some("io.Closer"));
        assert_eq!(
            d("io", "ReadWriteCloser", "Read").as_deref(),
            Some("io.Reader")
        );
        // declared on the type itself, or on an unexported embedded type
        assert_eq!(d("time", "Timer", "Stop").as_deref(), Some("time.Timer"));
        assert_eq!(d("testing", "T", "Errorf").as_deref(), Some("testing.T"));
        assert_eq!(
            d("context", "Context", "Done").as_deref(),
            Some("context.Context")
        );
        assert_eq!(d("net", "Conn", "Read").as_deref(), Some("net.Conn"));
        // an alias is followed
        assert_eq!(
            d("os", "FileInfo", "Name").as_deref(),
            Some("io/fs.FileInfo")
        );
        assert_eq!(d("time", "Timer", "Nope"), None);
    }
}
