//! The repository's own rules, checked over its files (as rust-analyzer's tidy test does): every
//! Rust source file opens with a `//!` header saying what it is for, and the server writes to
//! stderr only through its logger (`src/log.rs`) or, for the command line, `src/main.rs`.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Rust files below `dir`, build output and dependencies left out.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(
                name.as_ref(),
                "target" | "node_modules" | "corpus" | "artifacts"
            ) && !name.starts_with('.')
            {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "src",
        "tests",
        "bench/src",
        "testkit/src",
        "fuzz/fuzz_targets",
        "editors/zed/src",
    ] {
        rust_files(&root().join(dir), &mut files);
    }
    files.sort();
    files
}

fn relative(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

#[test]
fn every_rust_file_opens_with_a_header() {
    let files = sources();
    assert!(files.len() > 40, "found only {} Rust files", files.len());
    let missing: Vec<String> = files
        .iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let first = text.lines().next().unwrap_or("");
            // a header that says something, not an empty `//!`
            !(first.starts_with("//! ") && first.len() > 12)
        })
        .map(|p| relative(p))
        .collect();
    assert!(
        missing.is_empty(),
        "no `//!` header saying what the file is for:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn stderr_is_written_by_the_logger_alone() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let allowed = ["src/main.rs", "src/log.rs"];
    let mut found = Vec::new();
    for p in &files {
        let rel = relative(p);
        if allowed.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap_or_default();
        // test code may print what it skipped
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, line) in code.lines().enumerate() {
            if line.contains("eprintln!") || line.contains("eprint!") {
                found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "stderr written outside the logger (use tracing's macros):\n  {}",
        found.join("\n  ")
    );
}
