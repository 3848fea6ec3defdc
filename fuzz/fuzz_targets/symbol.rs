//! The Go symbol finder at arbitrary offsets of arbitrary text. The input is two little-endian
//! u16 offsets, then the text (lossy UTF-8). The text is parsed with `go::parser()`; `symbol_at`
//! and `completion_at` run at both offsets (taken modulo the length + 2, so the end and just past
//! it are reached too, and offsets may fall inside a character), and at every byte offset of
//! short texts; `names_used` (texts up to 4 KB) and `scan_names` run on the whole text. The same
//! queries run through the text's own package declarations (read from the text and from it
//! without function bodies), as the language server's are. Nothing may panic.
#![no_main]

use std::cell::RefCell;

use gonotes::go;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static PARSER: RefCell<tree_sitter::Parser> = RefCell::new(go::parser());
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let a = u16::from_le_bytes([data[0], data[1]]) as usize;
    let b = u16::from_le_bytes([data[2], data[3]]) as usize;
    let text = String::from_utf8_lossy(&data[4..]);
    let text: &str = &text;
    let Some(tree) = PARSER.with(|p| go::parse(&mut p.borrow_mut(), text, None)) else {
        return;
    };
    let short = go::without_bodies(text);
    let own = go::FileDecls::of(&tree, text);
    let skeleton = PARSER.with(|p| go::parse(&mut p.borrow_mut(), &short, None));
    let skeleton = skeleton.map(|t| go::FileDecls::of(&t, &short));
    let pkg = go::Package::new(std::iter::once(&own).chain(skeleton.as_ref()));
    let n = text.len() + 2;
    let mut offsets = vec![a % n, b % n, a, text.len()];
    if text.len() <= 200 {
        offsets.extend(0..=text.len());
    }
    for off in offsets {
        for sym in [
            go::symbol_at(&tree, text, off),
            go::symbol_in_package(&tree, text, off, Some(&pkg)),
        ]
        .into_iter()
        .flatten()
        {
            // the span a hover shows must lie in the text
            assert!(
                sym.range.start <= sym.range.end && sym.range.end <= text.len(),
                "{sym:?}"
            );
        }
        let _ = go::completion_in_package(&tree, text, off, Some(&pkg));
        match go::completion_at(&tree, text, off) {
            Some(
                go::CompletionContext::Member { range, .. }
                | go::CompletionContext::Word { range, .. },
            ) => {
                assert!(
                    range.start <= range.end && range.end <= text.len(),
                    "{range:?}"
                );
            }
            None => {}
        }
    }
    // `names_used` is quadratic in the file's size (24 ms on a 17 KB file, 2.4 s on 285 KB,
    // release build) and the server does not call it (only tests do): short texts only
    if text.len() <= 4096 {
        let _ = go::names_used(&tree, text);
    }
    let _ = go::scan_names(text);
});
