//! The notes indexer on arbitrary bytes: `notes::parse_bytes` (default limits and aliases), an
//! `Index` built from the result, and lookups, completion tables and the text search over it.
//! Nothing may panic.
#![no_main]

use std::sync::Arc;

use gonotes::index::{Index, NoteEntry};
use gonotes::notes::{self, Aliases, Limits};
use gonotes::{go, lookup};
use libfuzzer_sys::fuzz_target;

/// Keys every run looks up, whatever the note holds.
const FIXED: &[&str] = &["sync.WaitGroup.Add", "go", "chan", "fmt.Println", "_", ""];

fuzz_target!(|data: &[u8]| {
    let aliases = Aliases::default();
    let Ok(note) = notes::parse_bytes(data, "fuzz.md", &aliases, Limits::default()) else {
        return;
    };
    // the note's own structure
    for i in 0..note.sections.len() {
        let _ = note.path(i);
        let _ = note.descendants(i).count();
    }
    let mut keys: Vec<String> = note
        .sections
        .iter()
        .flat_map(|s| s.keys.iter().map(|k| k.name.to_string()))
        .take(12)
        .collect();
    keys.extend(FIXED.iter().map(|s| s.to_string()));
    let query: String = note
        .sections
        .iter()
        .find_map(|s| s.title.chars().next().map(String::from))
        .unwrap_or_default();
    // two copies of the note: ranking compares hits across notes
    let note = Arc::new(note);
    let entry = |n: u32| NoteEntry {
        uri: format!("file:///fuzz/{n}.md").into(),
        name: format!("{n}.md").into(),
        note: note.clone(),
    };
    let index = Index::build(vec![entry(0), entry(1)]);
    let _ = index.stats();
    for k in &keys {
        let chain = go::fallbacks(k);
        if let Some(card) = lookup::card(&index, &chain) {
            let _ = card.markdown();
            let _ = card.plain();
        }
        let _ = lookup::locations(&index, &chain);
        let _ = lookup::members(&index, k, "", 50);
        let _ = lookup::snippets(&index, k, 50);
        let _ = index.search(k, 20);
    }
    let _ = index.search(&query, 20);
});
