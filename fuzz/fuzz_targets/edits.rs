//! A sequence of LSP edits applied to an open Go `Document`, checked against a plain `String`
//! model that applies the same edits, clamped the same way, with positions converted by a
//! `text::LineIndex` built afresh on the model (the document keeps its own up to date edit by
//! edit). After every step (one `didChange`, possibly several changes) the document's text
//! equals the model, the two converters agree, and the incrementally re-parsed tree equals a
//! fresh parse of the text: the same S-expression and the same node byte ranges.
#![no_main]

use gonotes::go;
use gonotes::lsp::documents::{Change, Document, Lang};
use gonotes::text::{Encoding, LineCol, LineIndex};
use libfuzzer_sys::fuzz_target;
use tree_sitter::{InputEdit, Point};

/// The input, decoded from bytes so that seeds are easy to write (see `decode`).
#[derive(Debug)]
struct Input {
    initial: String,
    steps: Vec<Step>,
}

/// One `didChange`: the client's encoding for it and its changes, applied in order.
#[derive(Debug)]
struct Step {
    encoding: u8,
    changes: Vec<Edit>,
}

#[derive(Debug)]
struct Edit {
    /// 255 replaces the whole text (a change without a range); anything else is a range edit.
    kind: u8,
    start: (u8, u8),
    end: (u8, u8),
    text: String,
}

/// At most this many steps per input (each re-parses twice).
const MAX_STEPS: usize = 48;

/// The bytes up to the first NUL are the initial text (lossy UTF-8). Then steps: a byte `h`
/// (encoding `h % 3`: UTF-16, UTF-8, UTF-32; `1 + (h >> 2) % 4` changes), and per change six bytes
/// `kind, start line, start col, end line, end col, n` and `n` bytes of text (lossy UTF-8).
/// A change whose six bytes are cut short by the end of the input is dropped; its text may be short.
fn decode(data: &[u8]) -> Input {
    let (initial, mut rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut steps = Vec::new();
    while let Some((&h, r)) = rest.split_first() {
        rest = r;
        let mut changes = Vec::new();
        for _ in 0..1 + (h >> 2) % 4 {
            if rest.len() < 6 {
                rest = &[];
                break;
            }
            let (head, r) = rest.split_at(6);
            let n = (head[5] as usize).min(r.len());
            changes.push(Edit {
                kind: head[0],
                start: (head[1], head[2]),
                end: (head[3], head[4]),
                text: String::from_utf8_lossy(&r[..n]).into_owned(),
            });
            rest = &r[n..];
        }
        if changes.is_empty() || steps.len() == MAX_STEPS {
            break;
        }
        steps.push(Step {
            encoding: h,
            changes,
        });
    }
    Input {
        initial: String::from_utf8_lossy(initial).into_owned(),
        steps,
    }
}

fn encoding(b: u8) -> Encoding {
    match b % 3 {
        0 => Encoding::Utf16,
        1 => Encoding::Utf8,
        _ => Encoding::Utf32,
    }
}

fn lc((line, col): (u8, u8)) -> LineCol {
    LineCol {
        line: u32::from(line),
        col: u32::from(col),
    }
}

/// Every node of a tree with its byte range, in document order.
fn nodes(tree: &tree_sitter::Tree) -> Vec<(&'static str, usize, usize)> {
    let mut out = Vec::new();
    let mut c = tree.walk();
    let mut visit = true;
    loop {
        if visit {
            let n = c.node();
            out.push((n.kind(), n.start_byte(), n.end_byte()));
            if c.goto_first_child() {
                continue;
            }
        }
        if c.goto_next_sibling() {
            visit = true;
            continue;
        }
        if !c.goto_parent() {
            break;
        }
        visit = false;
    }
    out
}

/// tree-sitter's position of a byte: rows end at `\n` only, columns count bytes.
fn ts_point(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Point {
        row,
        column: offset - line_start,
    }
}

fuzz_target!(|data: &[u8]| {
    let input = decode(data);
    let mut parser = go::parser();
    let mut doc = Document::new(Lang::Go, 1, input.initial.clone(), &mut parser);
    let mut model = input.initial.clone();
    // the reference: a tree edited with tree-sitter's own positions, computed on the model
    let mut reference = go::parse(&mut parser, &model, None).expect("a parse");
    for (si, step) in input.steps.iter().enumerate() {
        let enc = encoding(step.encoding);
        let mut changes = Vec::with_capacity(step.changes.len());
        let mut full = false;
        for e in &step.changes {
            let li = LineIndex::new(&model);
            if e.kind == 255 {
                model = e.text.clone();
                full = true;
                changes.push(Change {
                    range: None,
                    text: &e.text,
                });
                continue;
            }
            let (start, end) = (lc(e.start), lc(e.end));
            let s = li.offset(&model, start, enc);
            let t = li.offset(&model, end, enc).max(s);
            let (start_position, old_end_position) = (ts_point(&model, s), ts_point(&model, t));
            model.replace_range(s..t, &e.text);
            reference.edit(&InputEdit {
                start_byte: s,
                old_end_byte: t,
                new_end_byte: s + e.text.len(),
                start_position,
                old_end_position,
                new_end_position: ts_point(&model, s + e.text.len()),
            });
            changes.push(Change {
                range: Some((start, end)),
                text: &e.text,
            });
        }
        let version = 2 + si as i32;
        doc.apply(version, &changes, enc, &mut parser);
        assert_eq!(doc.version(), version);
        assert_eq!(doc.text(), model, "step {si}: text differs from the model");

        // the document's conversions agree with a fresh index's
        let li = LineIndex::new(&model);
        let mut probes: Vec<usize> = step.changes.iter().map(|e| e.text.len()).collect();
        probes.extend([0, model.len(), model.len() / 2]);
        for &off in &probes {
            let off = off.min(model.len());
            let p = doc.position(off, enc);
            assert_eq!(
                p,
                li.position(&model, off, enc),
                "step {si}: position of byte {off}"
            );
            assert_eq!(
                doc.offset(p, enc),
                li.offset(&model, p, enc),
                "step {si}: offset of {p:?}"
            );
        }
        for e in &step.changes {
            for pos in [lc(e.start), lc(e.end)] {
                assert_eq!(
                    doc.offset(pos, enc),
                    li.offset(&model, pos, enc),
                    "step {si}: offset of {pos:?}"
                );
            }
        }

        // the incremental tree is the fresh tree
        reference = go::parse(&mut parser, &model, (!full).then_some(&reference)).expect("a parse");
        let fresh = go::parse(&mut parser, &model, None).expect("a fresh parse");
        let tree = doc.tree().expect("a Go document keeps a tree");
        let (sexp, fresh_sexp) = (tree.root_node().to_sexp(), fresh.root_node().to_sexp());
        if reference.root_node().to_sexp() == fresh_sexp {
            assert_eq!(
                sexp, fresh_sexp,
                "step {si}: the incremental parse differs from a fresh parse of {model:?}"
            );
            assert_eq!(
                nodes(tree),
                nodes(&fresh),
                "step {si}: node ranges differ from a fresh parse"
            );
        } else {
            // tree-sitter's own incremental parse, given exact edits, differs from a fresh parse:
            // that happens on text with syntax errors (error recovery depends on what is
            // reused), and is not the document's doing. The document must then give the tree
            // that exact edits give.
            assert!(
                fresh.root_node().has_error(),
                "step {si}: exact edits differ from a fresh parse on error-free text {model:?}"
            );
            assert_eq!(
                sexp,
                reference.root_node().to_sexp(),
                "step {si}: the incremental parse differs from one with exact edits of {model:?}"
            );
            assert_eq!(
                nodes(tree),
                nodes(&reference),
                "step {si}: node ranges differ from a parse with exact edits"
            );
        }
    }
});
