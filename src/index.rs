//! All notes -> an immutable, cheaply shared index: key -> ranked section hits, completion
//! tables and the text search.
//!
//! An [`Index`] is built once from parsed notes and never changes; a new set of notes makes a
//! new index (the parsed notes themselves are shared, `Arc`, so only the tables are rebuilt).

use std::collections::HashMap;
use std::sync::Arc;

use crate::hash::BuildFast;
use crate::notes::{Note, Section, Source};

/// A note as the index holds it.
#[derive(Clone, Debug)]
pub struct NoteEntry {
    /// Where the note lives, as a URI an editor can open (`file:///...`).
    pub uri: Arc<str>,
    /// A short display name (`go-study-notes.md`).
    pub name: Arc<str>,
    pub note: Arc<Note>,
}

/// One section that holds a key, with what ranking needs (so ranking never reads sections).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub note: u32,
    pub section: u32,
    pub source: Source,
    /// Found in a list item that becomes the excerpt.
    pub focused: bool,
    /// How much of the heading the key's word fills, in percent.
    pub purity: u8,
    pub level: u8,
    /// The section itself says something.
    pub content: bool,
    /// It, or a section below it, says something.
    pub answers: bool,
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
    pub trigger: Arc<str>,
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
}

/// Counts for reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub notes: usize,
    pub sections: usize,
    pub keys: usize,
    /// Sections filed under keys, over all keys.
    pub hits: usize,
    /// Bytes of excerpt text held.
    pub excerpt_bytes: usize,
    pub snippets: usize,
    pub go_snippets: usize,
    pub bytes: usize,
}

impl Index {
    pub fn build(notes: Vec<NoteEntry>) -> Index {
        // Keys are gathered by name *pointer*: names are interned, so one name is one pointer
        // (and a name that was not interned only costs a merge below). Hashing an address is
        // far cheaper than hashing and comparing the text, 400,000 times for a big vault.
        // (Gathering halves on two cores and merging saved ~15 ms of a first index but left
        // ~10 MB more in the allocator's per-thread heaps after a few re-indexes.)
        let (slot, mut groups) = gather(&notes, 0..notes.len());
        drop(slot);
        // by name, so that snippets come out sorted by trigger (and in place order within one)
        groups.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let mut keys: HashMap<Arc<str>, Vec<Hit>> = HashMap::with_capacity(groups.len());
        let mut snippets = Vec::new();
        // `sync` -> [`sync.Once`, ...]: met in name order, so each list comes out sorted
        let mut members: HashMap<Arc<str>, Vec<Arc<str>>> = HashMap::new();
        for g in groups {
            snippets.extend(g.snippets.into_iter().map(|(at, snippet)| SnippetEntry {
                trigger: Arc::clone(&g.name),
                at,
                snippet,
            }));
            if !g.hits.is_empty() {
                if let Some(dot) = g.name.rfind('.').filter(|_| !g.name.contains(' ')) {
                    let qualifier = &g.name[..dot];
                    match members.get_mut(qualifier) {
                        Some(v) if v.last() == Some(&g.name) => {}
                        Some(v) => v.push(Arc::clone(&g.name)),
                        None => {
                            members.insert(Arc::from(qualifier), vec![Arc::clone(&g.name)]);
                        }
                    }
                }
                match keys.entry(g.name) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(g.hits);
                    }
                    // the same name in two allocations (not interned): one list
                    std::collections::hash_map::Entry::Occupied(mut o) => {
                        o.get_mut().extend(g.hits)
                    }
                }
            }
        }
        for hits in keys.values_mut() {
            // hits are in place order: a stable sort on the ranking fields keeps it for ties
            hits.sort_by_key(rank_key);
        }
        Index {
            notes,
            keys,
            members,
            snippets,
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

    /// Keys one segment below `qualifier` (`sync` -> `sync.Once`, ...), sorted.
    pub fn members(&self, qualifier: &str) -> &[Arc<str>] {
        self.members.get(qualifier).map_or(&[], Vec::as_slice)
    }

    /// Snippets whose trigger starts with `prefix`.
    pub fn snippets_with_prefix(&self, prefix: &str) -> &[SnippetEntry] {
        let start = self.snippets.partition_point(|s| &*s.trigger < prefix);
        let end = start + self.snippets[start..].partition_point(|s| s.trigger.starts_with(prefix));
        &self.snippets[start..end]
    }

    /// Sections matching every word of `query` in their title, keys or prose; best first.
    /// Substring matching needs no word segmentation, so Chinese queries work as typed; ASCII
    /// letters match in either case. Nothing is copied or lowercased ahead of time.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(SectionRef, u32)> {
        let terms: Vec<Vec<u8>> = query
            .split_whitespace()
            .map(|t| t.as_bytes().to_ascii_lowercase())
            .collect();
        let mut out: Vec<(SectionRef, u32)> = Vec::new();
        for (ni, entry) in self.notes.iter().enumerate() {
            for (si, sec) in entry.note.sections.iter().enumerate() {
                let at = SectionRef {
                    note: ni as u32,
                    section: si as u32,
                };
                if sec.level == 0 && sec.title.is_empty() {
                    continue;
                }
                if terms.is_empty() {
                    if sec.level > 0 && !sec.title.is_empty() {
                        out.push((at, 0));
                    }
                    continue;
                }
                let mut score = 0u32;
                let mut all = true;
                for term in &terms {
                    let s = match find_ignore_ascii_case(&sec.title, term) {
                        Some(0) => 40,
                        Some(_) => 30,
                        None if sec.keys.iter().any(|k| {
                            k.source > Source::Snippet
                                && find_ignore_ascii_case(&k.name, term).is_some()
                        }) =>
                        {
                            20
                        }
                        None if find_ignore_ascii_case(&sec.excerpt, term).is_some() => 10,
                        None => 0,
                    };
                    if s == 0 {
                        all = false;
                        break;
                    }
                    score += s;
                }
                if all {
                    // shorter titles are closer matches
                    let bonus = 10u32
                        .saturating_sub(u32::try_from(sec.title.chars().count() / 4).unwrap_or(10));
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
            hits: self.keys.values().map(Vec::len).sum(),
            ..Stats::default()
        };
        for e in &self.notes {
            s.sections += e.note.sections.iter().filter(|x| x.level > 0).count();
            s.excerpt_bytes += e
                .note
                .sections
                .iter()
                .map(|x| x.excerpt.len())
                .sum::<usize>();
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
/// The key groups of `notes[range]`, and where each name's group is.
fn gather(
    notes: &[NoteEntry],
    range: std::ops::Range<usize>,
) -> (HashMap<usize, u32, BuildFast>, Vec<Group>) {
    let mut slot: HashMap<usize, u32, BuildFast> = HashMap::default();
    let mut groups: Vec<Group> = Vec::new();
    for ni in range {
        let entry = &notes[ni];
        let ni = u32::try_from(ni).unwrap_or(u32::MAX);
        for (si, sec) in entry.note.sections.iter().enumerate() {
            let si = u32::try_from(si).unwrap_or(u32::MAX);
            let at = SectionRef {
                note: ni,
                section: si,
            };
            for k in &sec.keys {
                let hit = Hit {
                    note: ni,
                    section: si,
                    source: k.source,
                    focused: k.focus.is_some(),
                    purity: k.purity,
                    level: sec.level,
                    content: sec.has_content,
                    answers: sec.answers,
                };
                Group::of(&mut slot, &mut groups, &k.name).hits.push(hit);
            }
            for (pi, snip) in sec.snippets.iter().enumerate() {
                if !snip.is_go() {
                    continue;
                }
                let pi = u32::try_from(pi).unwrap_or(u32::MAX);
                for k in sec.keys.iter().filter(|k| k.source >= Source::Title) {
                    Group::of(&mut slot, &mut groups, &k.name)
                        .snippets
                        .push((at, pi));
                }
            }
        }
    }
    (slot, groups)
}

/// What the index gathers for one key name while it is built.
struct Group {
    name: Arc<str>,
    hits: Vec<Hit>,
    snippets: Vec<(SectionRef, u32)>,
}

impl Group {
    /// The group of `name`, found by its address (made when new).
    fn of<'g>(
        slot: &mut HashMap<usize, u32, BuildFast>,
        groups: &'g mut Vec<Group>,
        name: &Arc<str>,
    ) -> &'g mut Group {
        let i = *slot.entry(name.as_ptr() as usize).or_insert_with(|| {
            groups.push(Group {
                name: Arc::clone(name),
                hits: Vec::new(),
                snippets: Vec::new(),
            });
            u32::try_from(groups.len() - 1).unwrap_or(u32::MAX)
        });
        &mut groups[i as usize]
    }
}

/// The ranking fields of a hit in one number, best lowest: source, content, focus, purity
/// (higher first), then level (lower first). Ties keep place order (the sort is stable).
fn rank_key(h: &Hit) -> u32 {
    // a glossary word in a heading is as good as the Go name written out
    let source = match h.source {
        Source::Alias => 7 - Source::Heading as u32,
        s => 7 - (s as u32).min(7),
    };
    let content = u32::from(!h.content);
    let focused = u32::from(!h.focused);
    let purity = 255 - u32::from(h.purity);
    (source << 19) | (content << 18) | (focused << 17) | (purity << 9) | u32::from(h.level)
}

/// The first place `needle` (ASCII-lowercased) stands in `hay`, ASCII letters in either case.
pub fn find_ignore_ascii_case(hay: &str, needle: &[u8]) -> Option<usize> {
    let hay = hay.as_bytes();
    let (&first, rest) = needle.split_first()?;
    if hay.len() < needle.len() {
        return None;
    }
    let last_start = hay.len() - needle.len();
    let matches_at = |i: usize| hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest);
    let mut from = 0;
    while from <= last_start {
        let window = &hay[from..=last_start];
        let found = if first.is_ascii_alphabetic() {
            memchr::memchr2(first, first.to_ascii_uppercase(), window)
        } else {
            memchr::memchr(first, window)
        };
        let i = from + found?;
        if matches_at(i) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find_ignore_ascii_case as find;

    #[test]
    fn finds_ignoring_ascii_case() {
        assert_eq!(find("runtime.Gosched() 让出", b"gosched"), Some(8));
        assert_eq!(find("互斥锁", "互斥".as_bytes()), Some(0));
        assert_eq!(find("读写锁", "互斥".as_bytes()), None);
        assert_eq!(find("ab", b"abc"), None);
        assert_eq!(find("xSYNC", b"sync"), Some(1));
        assert_eq!(find("", b"a"), None);
    }
}
