//! Inputs found by the fuzz targets under `fuzz/` (cargo-fuzz, see fuzz/README.md), replayed
//! through the same APIs on the stable toolchain, and replays of the committed seed corpora of
//! the `notes`, `symbol` and `session` targets. Each regression test names the target that found
//! it and what went wrong.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gonotes::index::{Index, NoteEntry};
use gonotes::lookup;
use gonotes::notes::{self, Aliases, Limits};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// What the `notes` target does with one input: parse, index, look up.
fn notes_target(data: &[u8]) {
    let Ok(note) = notes::parse_bytes(data, "fuzz.md", &Aliases::default(), Limits::default())
    else {
        return;
    };
    let keys: Vec<String> = note
        .sections
        .iter()
        .flat_map(|s| s.keys.iter().map(|k| k.name.to_string()))
        .take(12)
        .collect();
    let index = Index::build(vec![NoteEntry {
        uri: "file:///fuzz/0.md".into(),
        name: "0.md".into(),
        note: Arc::new(note),
    }]);
    for k in &keys {
        if let Some(card) = lookup::card(&index, &gonotes::go::fallbacks(k)) {
            let _ = card.markdown();
        }
    }
}

/// Found by `notes`: a section's excerpt is one byte short of the cap (`EXCERPT_MAX_BYTES`)
/// when its next prose block arrives. `notes::append_excerpt` pushes the "\n\n" separator (now
/// one byte over the cap) and then computes `EXCERPT_MAX_BYTES - excerpt.len()`: "attempt to
/// subtract with overflow" in builds with overflow checks (debug, tests, the fuzz build).
/// Without them (release) `room` wraps to a huge number and the whole next block is appended,
/// so the excerpt bound does not hold (a card can carry a paragraph of any size).
/// The first paragraph takes every length up to 3,000 bytes, so that one of them is the cap
/// less one whatever the cap is. Found on fcab10a; fixed in 1f4439f (`saturating_sub`, the
/// separator counted in the room).
#[test]
fn notes_excerpt_separator_past_the_cap() {
    let big = "b".repeat(5000);
    for n in 1..=3000 {
        let text = format!("# sync\n\n{}\n\n{big}\n", "a".repeat(n));
        let note =
            notes::parse(&text, "x.md", &Aliases::default(), Limits::default()).expect("a note");
        for s in &note.sections {
            assert!(
                !s.excerpt.contains(&big),
                "a first paragraph of {n} bytes: the excerpt of {:?} holds all of the second \
                 ({} bytes)",
                s.title,
                s.excerpt.len()
            );
        }
    }
}

/// The committed seeds of the `notes` target go through the same code without a panic.
#[test]
fn notes_seed_corpus_replays() {
    let dir = fuzz_dir().join("corpus/notes");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("fuzz/corpus/notes") {
        let p = e.expect("an entry").path();
        notes_target(&std::fs::read(&p).expect("a seed"));
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

/// The committed seeds of the `symbol` target (two little-endian u16 offsets, then the text).
#[test]
fn symbol_seed_corpus_replays() {
    let mut parser = gonotes::go::parser();
    let dir = fuzz_dir().join("corpus/symbol");
    for e in std::fs::read_dir(&dir).expect("fuzz/corpus/symbol") {
        let data = std::fs::read(e.expect("an entry").path()).expect("a seed");
        let Some((head, rest)) = data.split_at_checked(4) else {
            continue;
        };
        let text = String::from_utf8_lossy(rest);
        let tree = gonotes::go::parse(&mut parser, &text, None).expect("a parse");
        let a = usize::from(u16::from_le_bytes([head[0], head[1]]));
        let b = usize::from(u16::from_le_bytes([head[2], head[3]]));
        for off in [a, b, a % (text.len() + 2), b % (text.len() + 2), text.len()] {
            if let Some(sym) = gonotes::go::symbol_at(&tree, &text, off) {
                assert!(sym.range.end <= text.len(), "{sym:?}");
            }
            let _ = gonotes::go::completion_at(&tree, &text, off);
        }
        let _ = gonotes::go::scan_names(&text);
    }
}

/// The committed client streams of the `session` target, through `lsp::serve` on in-memory
/// streams: the session ends, every frame the server writes is JSON, and no reply reports a
/// handler that panicked (the server's guard answers "gonotes: <method> failed: ...").
#[test]
fn session_seed_corpus_replays() {
    let dir = fuzz_dir().join("corpus/session");
    for e in std::fs::read_dir(&dir).expect("fuzz/corpus/session") {
        let path = e.expect("an entry").path();
        let input = std::fs::read(&path).expect("a seed");
        let (client, mut server_out) = tokio::io::duplex(1 << 20);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let name = path.display().to_string();
        let out = rt.block_on(async move {
            let serve = gonotes::lsp::serve(std::io::Cursor::new(input), client);
            let read = async {
                let mut out = Vec::new();
                let _ = tokio::io::AsyncReadExt::read_to_end(&mut server_out, &mut out).await;
                out
            };
            let (_, out) = tokio::time::timeout(std::time::Duration::from_secs(20), async {
                tokio::join!(serve, read)
            })
            .await
            .unwrap_or_else(|_| panic!("{name}: the session did not end"));
            out
        });
        let mut rest = &out[..];
        while let Some(h) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
            let header = String::from_utf8_lossy(&rest[..h]).to_string();
            let len: usize = header
                .trim()
                .strip_prefix("Content-Length: ")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a header: {header:?}"));
            let body = &rest[h + 4..h + 4 + len];
            let v: serde_json::Value = serde_json::from_slice(body).expect("a JSON body");
            if let Some(msg) = v.pointer("/error/message").and_then(|m| m.as_str()) {
                assert!(
                    !(msg.starts_with("gonotes: ") && msg.contains(" failed: ")),
                    "{}: a handler panicked: {v}",
                    path.display()
                );
            }
            rest = &rest[h + 4 + len..];
        }
    }
}
