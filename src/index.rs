//! All notes -> an immutable, cheaply shared index: key -> ranked section hits, completion
//! tables and the text search.
//!
//! An [`Index`] is built once from parsed notes and never changes; a new set of notes makes a
//! new index (the parsed notes themselves are shared, `Arc`, so only the tables are rebuilt).

use std::collections::HashMap;
use std::sync::Arc;

use crate::notes::{Note, Section, Source};

/// A note as the index holds it.
#[derive(Clone, Debug)]
pub struct NoteEntry {
    /// Where the note lives, as a URI an editor can open (`file:///...`).
    pub uri: String,
    /// A short display name (`go-study-notes.md`).
    pub name: String,
    pub note: Arc<Note>,
}

/// One section that holds a key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub note: u32,
    pub section: u32,
    pub source: Source,
    /// Found in a list item that becomes the excerpt.
    pub focused: bool,
    pub purity: f32,
}

/// A place in the notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SectionRef {
    pub note: u32,
    pub section: u32,
}

impl Hit {
    pub fn at(&self) -> SectionRef {
        SectionRef {
            note: self.note,
            section: self.section,
        }
    }
}

/// A snippet offered as a completion for a word.
#[derive(Clone, Debug)]
pub struct SnippetEntry {
    pub trigger: String,
    pub at: SectionRef,
    pub snippet: u32,
}

#[derive(Debug, Default)]
pub struct Index {
    notes: Vec<NoteEntry>,
    keys: HashMap<Arc<str>, Vec<Hit>>,
    /// `sync` -> [`sync.Once`, `sync.Map`, ...]: keys one segment below a qualifier.
    members: HashMap<Arc<str>, Vec<Arc<str>>>,
    /// Sorted by trigger, for prefix lookups.
    snippets: Vec<SnippetEntry>,
    /// Lowercased `title \x1f keys \x1f excerpt` of each section, for the text search.
    search_text: Vec<Vec<String>>,
}

/// Counts for reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub notes: usize,
    pub sections: usize,
    pub keys: usize,
    pub snippets: usize,
    pub go_snippets: usize,
    pub bytes: usize,
}

impl Index {
    pub fn build(notes: Vec<NoteEntry>) -> Index {
        let mut keys: HashMap<Arc<str>, Vec<Hit>> = HashMap::new();
        let mut snippets = Vec::new();
        let mut search_text = Vec::with_capacity(notes.len());
        for (ni, entry) in notes.iter().enumerate() {
            let ni = u32::try_from(ni).unwrap_or(u32::MAX);
            let mut texts = Vec::with_capacity(entry.note.sections.len());
            for (si, sec) in entry.note.sections.iter().enumerate() {
                let si = u32::try_from(si).unwrap_or(u32::MAX);
                for k in &sec.keys {
                    let hit = Hit {
                        note: ni,
                        section: si,
                        source: k.source,
                        focused: k.focus.is_some(),
                        purity: k.purity,
                    };
                    match keys.get_mut(k.name.as_str()) {
                        Some(v) => v.push(hit),
                        None => {
                            keys.insert(Arc::from(k.name.as_str()), vec![hit]);
                        }
                    }
                }
                for (pi, snip) in sec.snippets.iter().enumerate() {
                    if !snip.is_go() {
                        continue;
                    }
                    for k in sec.keys.iter().filter(|k| k.source >= Source::Alias) {
                        snippets.push(SnippetEntry {
                            trigger: k.name.clone(),
                            at: SectionRef {
                                note: ni,
                                section: si,
                            },
                            snippet: u32::try_from(pi).unwrap_or(u32::MAX),
                        });
                    }
                }
                let mut t = sec.title.to_lowercase();
                t.push('\x1f');
                for k in sec.keys.iter().filter(|k| k.source > Source::Snippet) {
                    t.push_str(&k.name.to_lowercase());
                    t.push(' ');
                }
                t.push('\x1f');
                t.push_str(&sec.excerpt.to_lowercase());
                texts.push(t);
            }
            search_text.push(texts);
        }
        for hits in keys.values_mut() {
            hits.sort_by(|a, b| rank(&notes, a, b));
        }
        let mut members: HashMap<Arc<str>, Vec<Arc<str>>> = HashMap::new();
        for k in keys.keys() {
            if k.contains(' ') {
                continue;
            }
            if let Some(dot) = k.rfind('.') {
                members
                    .entry(Arc::from(&k[..dot]))
                    .or_default()
                    .push(k.clone());
            }
        }
        for v in members.values_mut() {
            v.sort();
        }
        snippets.sort_by(|a, b| {
            a.trigger
                .cmp(&b.trigger)
                .then(a.at.note.cmp(&b.at.note))
                .then(a.at.section.cmp(&b.at.section))
        });
        Index {
            notes,
            keys,
            members,
            snippets,
            search_text,
        }
    }

    pub fn notes(&self) -> &[NoteEntry] {
        &self.notes
    }

    pub fn note(&self, i: u32) -> Option<&NoteEntry> {
        self.notes.get(i as usize)
    }

    pub fn section(&self, at: SectionRef) -> Option<(&NoteEntry, &Section)> {
        let entry = self.notes.get(at.note as usize)?;
        let sec = entry.note.sections.get(at.section as usize)?;
        Some((entry, sec))
    }

    /// The sections holding `key`, best first.
    pub fn hits(&self, key: &str) -> &[Hit] {
        self.keys.get(key).map_or(&[], Vec::as_slice)
    }

    /// How many sections hold `key`.
    pub fn frequency(&self, key: &str) -> usize {
        self.hits(key).len()
    }

    /// Keys one segment below `qualifier` (`sync` -> `sync.Once`, ...), sorted.
    pub fn members(&self, qualifier: &str) -> &[Arc<str>] {
        self.members.get(qualifier).map_or(&[], Vec::as_slice)
    }

    /// Snippets whose trigger starts with `prefix`.
    pub fn snippets_with_prefix(&self, prefix: &str) -> &[SnippetEntry] {
        let start = self
            .snippets
            .partition_point(|s| s.trigger.as_str() < prefix);
        let end = start + self.snippets[start..].partition_point(|s| s.trigger.starts_with(prefix));
        &self.snippets[start..end]
    }

    /// Sections matching every word of `query` in their title, keys or prose; best first.
    /// Substring matching needs no word segmentation, so Chinese queries work as typed.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(SectionRef, u32)> {
        let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut out: Vec<(SectionRef, u32)> = Vec::new();
        for (ni, texts) in self.search_text.iter().enumerate() {
            for (si, t) in texts.iter().enumerate() {
                let at = SectionRef {
                    note: ni as u32,
                    section: si as u32,
                };
                let sec = &self.notes[ni].note.sections[si];
                if terms.is_empty() {
                    if sec.level > 0 && !sec.title.is_empty() {
                        out.push((at, 0));
                    }
                    continue;
                }
                let mut fields = t.split('\x1f');
                let (title, keys, prose) = (
                    fields.next().unwrap_or(""),
                    fields.next().unwrap_or(""),
                    fields.next().unwrap_or(""),
                );
                let mut score = 0u32;
                let mut all = true;
                for term in &terms {
                    let s = if title.contains(term.as_str()) {
                        if title.starts_with(term.as_str()) {
                            40
                        } else {
                            30
                        }
                    } else if keys.contains(term.as_str()) {
                        20
                    } else if prose.contains(term.as_str()) {
                        10
                    } else {
                        0
                    };
                    if s == 0 {
                        all = false;
                        break;
                    }
                    score += s;
                }
                if all && !(sec.level == 0 && sec.title.is_empty()) {
                    // shorter titles are closer matches
                    let bonus = 10u32
                        .saturating_sub(u32::try_from(title.chars().count() / 4).unwrap_or(10));
                    out.push((at, score + bonus));
                }
            }
        }
        out.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(a.0.note.cmp(&b.0.note))
                .then(a.0.section.cmp(&b.0.section))
        });
        out.truncate(limit);
        out
    }

    pub fn stats(&self) -> Stats {
        let mut s = Stats {
            notes: self.notes.len(),
            keys: self.keys.len(),
            ..Stats::default()
        };
        for e in &self.notes {
            s.sections += e.note.sections.iter().filter(|x| x.level > 0).count();
            s.bytes += e.note.bytes;
            for sec in &e.note.sections {
                s.snippets += sec.snippets.len();
                s.go_snippets += sec.snippets.iter().filter(|x| x.is_go()).count();
            }
        }
        s
    }
}

/// The ranking: source strength, then sections with content, then a list item that names the
/// key, then how much of the heading the key fills, then shallower headings, then order.
fn rank(notes: &[NoteEntry], a: &Hit, b: &Hit) -> std::cmp::Ordering {
    let sec = |h: &Hit| &notes[h.note as usize].note.sections[h.section as usize];
    let (sa, sb) = (sec(a), sec(b));
    b.source
        .cmp(&a.source)
        .then(sb.has_content().cmp(&sa.has_content()))
        .then(b.focused.cmp(&a.focused))
        .then(
            b.purity
                .partial_cmp(&a.purity)
                .unwrap_or(std::cmp::Ordering::Equal),
        )
        .then(sa.level.cmp(&sb.level))
        .then(a.note.cmp(&b.note))
        .then(a.section.cmp(&b.section))
}
