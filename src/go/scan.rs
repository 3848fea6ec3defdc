//! The lexical pass for snippets: the rules of the symbol finder on a token stream, without a
//! parse.

use super::names::{STRUCT_TAG, is_builtin, is_keyword, is_std_package, package_name_of_path};

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

/// The names of [`scan_names`] that say what a snippet is about: the qualified ones, and the
/// packages, builtins, `<-` and the keywords that are also everyday words it uses (`select`, `range`,
/// `map`, `make`, `close`), without making the others (`if`, `for`, `return` say nothing).
pub fn scan_evidence(code: &str) -> Vec<String> {
    match scan_simple(code) {
        Some(Simple::Member(_, member)) => vec![member.to_string()],
        Some(Simple::One(name)) => vec![name.to_string()],
        Some(Simple::Nothing) => Vec::new(),
        None => scan_tokens(code, |n| {
            (n.contains('.') && !n.contains(' '))
                || n == "<-"
                || is_builtin(n)
                || is_std_package(n)
                || matches!(
                    n,
                    "chan"
                        | "go"
                        | "map"
                        | "range"
                        | "select"
                        | "switch"
                        | "struct"
                        | "interface"
                        | "const"
                        | "defer"
                )
        }),
    }
}

pub(super) fn scan_tokens<'a>(code: &'a str, keep: impl Fn(&str) -> bool) -> Vec<String> {
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

/// The package clause's name, read without a parse: the first token after comments must be
/// `package`. `None` when the text does not start that way.
pub fn package_clause(text: &str) -> Option<&str> {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.find('\n').map_or("", |n| &r[n..]);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = &r[r.find("*/")? + 2..];
        } else {
            break;
        }
    }
    let rest = rest.strip_prefix("package")?;
    let name = rest.trim_start_matches([' ', '\t']);
    if name.len() == rest.len() {
        return None; // `packagex`
    }
    let end = name
        .find(|c: char| !(c == '_' || c.is_alphanumeric()))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// The text with the bodies of functions declared at the top level emptied (`{}`): what a
/// package's declarations need, for a parse several times faster. Signatures, types, vars and
/// consts are kept as written; offsets are not.
pub fn without_bodies(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() / 3);
    let mut copied = 0; // text[..copied] is in `out` or dropped
    let mut i = 0;
    // nesting of (), [] and {} outside bodies
    let mut depth = 0usize;
    // in a `func` signature at the top level: the depth it started at
    let mut signature = false;
    // the last identifier or keyword seen, for `struct {` and `interface {`
    let mut last_word: &str = "";
    while i < b.len() {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'"' | b'\'' => {
                i = skip_quoted(b, i);
                last_word = "";
                continue;
            }
            b'`' => {
                i = memchr::memchr(b'`', &b[i + 1..]).map_or(b.len(), |e| i + 1 + e + 1);
                last_word = "";
                continue;
            }
            b'\n' if signature && depth == 0 => signature = false, // a declaration with no body
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'{' if signature && depth == 0 && !matches!(last_word, "struct" | "interface") => {
                // the body: keep `{}`, drop what is inside
                let after = (matching_brace(b, i) + 1).min(b.len());
                out.push_str(&text[copied..=i]);
                out.push('}');
                copied = after;
                i = after;
                signature = false;
                last_word = "";
                continue;
            }
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80)
                {
                    i += 1;
                }
                last_word = text.get(start..i).unwrap_or("");
                if last_word == "func" && depth == 0 && !signature {
                    signature = true;
                }
                continue;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            last_word = "";
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// The end of a quoted string or rune starting at `i` (past its closing quote, or at the end
/// of its line when it has none).
fn skip_quoted(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() && b[j] != q && b[j] != b'\n' {
        if b[j] == b'\\' {
            j += 1;
        }
        j += 1;
    }
    (j + 1).min(b.len())
}

/// The offset of the `}` that closes the `{` at `open` (the end of the text when none does).
fn matching_brace(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'"' | b'\'' => {
                i = skip_quoted(b, i);
                continue;
            }
            b'`' => {
                i = memchr::memchr(b'`', &b[i + 1..]).map_or(b.len(), |e| i + 1 + e + 1);
                continue;
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}
