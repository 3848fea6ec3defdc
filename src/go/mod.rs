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
//!
//! The parts: name tables (`names.rs`), scopes and declarations (`scope.rs`), type
//! expressions (`types.rs`), the symbol at an offset (`symbol.rs`), the completion context
//! (`complete.rs`), the lexical snippet scan (`scan.rs`), and a package's declarations across
//! its files (`package.rs`), which the resolver reads where the file does not state a type.

mod complete;
mod names;
mod package;
mod scan;
mod scope;
mod symbol;
mod types;

use tree_sitter::{Parser, Tree};

pub use complete::{CompletionContext, completion_at, completion_in_package};
pub use names::{
    BUILTINS, KEYWORDS, STD_PACKAGES, STRUCT_TAG, is_builtin, is_keyword, is_std_package,
    package_name_of_path,
};
pub use package::{FileDecls, Package};
pub use scan::{
    Simple, package_clause, scan_evidence, scan_names, scan_qualified, scan_simple, without_bodies,
};
pub use symbol::{Symbol, names_used, symbol_at, symbol_in_package};

/// Node kind ids the hot loops compare instead of kind names (`Node::kind` measures and checks
/// a C string each time: 13% of a hover in a 180 KB file went there).
struct Kinds {
    var_declaration: u16,
    short_var_declaration: u16,
    function_declaration: u16,
    type_declaration: u16,
}

fn kinds() -> &'static Kinds {
    static KINDS: std::sync::LazyLock<Kinds> = std::sync::LazyLock::new(|| {
        let lang: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        let id = |kind: &str| lang.id_for_node_kind(kind, true);
        Kinds {
            var_declaration: id("var_declaration"),
            short_var_declaration: id("short_var_declaration"),
            function_declaration: id("function_declaration"),
            type_declaration: id("type_declaration"),
        }
    });
    &KINDS
}

/// A parser set up for Go.
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

#[cfg(test)]
mod tests;
