//! Go's name tables: keywords, builtins, standard-library package names, the struct tag key,
//! and the package name an import path gives by default.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_checks_match_the_lists() {
        assert!(KEYWORDS.iter().all(|k| is_keyword(k)) && BUILTINS.iter().all(|b| is_builtin(b)));
        assert!(STD_PACKAGES.iter().all(|p| is_std_package(p)));
        assert!(!is_keyword("Go") && !is_builtin("makes") && !is_std_package("syncs"));
    }
}
