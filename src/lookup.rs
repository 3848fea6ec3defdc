//! (index, Go name) -> what the editor shows: hover cards, completion items, note locations.
//!
//! Lookup walks a symbol's keys from the most specific (`sync.WaitGroup.Add`) to the least
//! (`sync`). A key found in headings, aliases, front matter or prose answers at once. A key found
//! only in snippets is weak: it answers only for its exact name, when few sections use it and the
//! section is about the name's package or type (otherwise `fmt.Println` would point everywhere).

use crate::go;
use crate::index::{Hit, Index, SectionRef};
use crate::notes::{Section, Source};

/// A weak key used in more sections than this is noise.
pub const MAX_WEAK_FREQUENCY: usize = 3;
/// How many of a receiver type's sections, and of the member's, are compared to find the type's
/// section that names the member (hovers stay fast on names with thousands of sections).
const MEMBER_SCAN: usize = 128;
/// How many locations `locations` gives at most.
const MAX_LOCATIONS: usize = 50;
/// How many other sections a card names.
const MAX_ALSO: usize = 5;
/// Lines of a snippet a card shows.
const SNIPPET_MAX_LINES: usize = 20;

/// A place in the notes, for links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteLink {
    /// `go-study-notes.md › Go rountine › Sync › sync.Once`
    pub title: String,
    pub uri: String,
    /// Zero-based line of the heading (or of the list item that names the key).
    pub line: u32,
}

impl NoteLink {
    /// `uri#L<1-based line>`, the form VS Code and most Markdown renderers open at a line.
    pub fn target(&self) -> String {
        format!("{}#L{}", self.uri, self.line + 1)
    }
}

/// What a hover shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// The key that matched (`sync.Once`).
    pub key: String,
    pub link: NoteLink,
    pub source: Source,
    pub excerpt: String,
    /// The best Go snippet, bounded.
    pub snippet: Option<String>,
    pub also: Vec<NoteLink>,
}

impl Card {
    /// The card as Markdown.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "📓 **{}** — [{}]({})\n",
            escape_md(&self.key),
            escape_md(&self.link.title),
            self.link.target()
        );
        if !self.excerpt.trim().is_empty() {
            s.push('\n');
            s.push_str(self.excerpt.trim_end());
            s.push('\n');
        }
        if let Some(code) = &self.snippet {
            s.push_str("\n```go\n");
            s.push_str(code.trim_end());
            s.push_str("\n```\n");
        }
        if !self.also.is_empty() {
            let links: Vec<String> = self
                .also
                .iter()
                .map(|l| format!("[{}]({})", escape_md(&l.title), l.target()))
                .collect();
            s.push_str("\nAlso in: ");
            s.push_str(&links.join(" · "));
            s.push('\n');
        }
        s
    }

    /// The card as plain text, for a terminal.
    pub fn plain(&self) -> String {
        let mut s = format!(
            "📓 {} — {}\n   {}\n",
            self.key,
            self.link.title,
            self.link.target()
        );
        if !self.excerpt.trim().is_empty() {
            s.push('\n');
            s.push_str(self.excerpt.trim_end());
            s.push('\n');
        }
        if let Some(code) = &self.snippet {
            s.push_str("\n```go\n");
            s.push_str(code.trim_end());
            s.push_str("\n```\n");
        }
        if !self.also.is_empty() {
            s.push_str("\nAlso in:\n");
            for l in &self.also {
                s.push_str(&format!("  - {} ({})\n", l.title, l.target()));
            }
        }
        s
    }
}

fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '*' | '_' | '`' | '<' | '>' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The keys a card may answer for: the name itself and, for a method or field, its receiver
/// type (`sync.WaitGroup.Add` -> `sync.WaitGroup`), never the package alone: a note about
/// `sync` is no note about `sync.Pool`. The package answers when it is the name hovered.
/// An operator or builtin that works on one kind of value only answers, failing a note of its
/// own, with that kind's note: `<-` and `close` with `chan`'s.
pub fn answering_keys(keys: &[String]) -> Vec<String> {
    let Some(first) = keys.first() else {
        return Vec::new();
    };
    if !first.contains('.') || first.contains(' ') {
        let mut out = keys.to_vec();
        let operand = match first.as_str() {
            "<-" | "close" => Some("chan"),
            _ => None,
        };
        out.extend(operand.map(str::to_string));
        return out;
    }
    let n = keys.iter().take_while(|k| k.contains('.')).count();
    keys[..n.max(1)].to_vec()
}

/// The hits that answer for `keys` (most specific first), at most `limit`, with the key that
/// matched. A key named in a heading, the title, the glossary, front matter or at the head of a
/// list item answers first, the most specific key first; failing all of them, a name mentioned
/// in passing or used in a snippet answers only in a section (or note) about its package or
/// type, and a snippet only when few sections use the name.
pub fn resolve<'i>(
    index: &'i Index,
    keys: &[String],
    limit: usize,
) -> Option<(String, Vec<&'i Hit>)> {
    let keys = answering_keys(keys);
    for (i, key) in keys.iter().enumerate() {
        let hits = index.hits(key);
        let mut strong: Vec<&Hit> = hits
            .iter()
            .take_while(|h| h.source >= Source::Prose)
            .filter(|h| h.answers)
            .take(MEMBER_SCAN.max(limit))
            .collect();
        if strong.is_empty() {
            continue;
        }
        if i > 0 {
            // the receiver type's note that names the member itself first: `t.Stop()` ->
            // the Timer section that shows Stop (looked for among the type's best sections)
            let named: Vec<SectionRef> = index
                .hits(&keys[0])
                .iter()
                .take(MEMBER_SCAN)
                .map(Hit::at)
                .collect();
            if let Some(p) = strong.iter().position(|h| named.contains(&h.at())) {
                let best = strong.remove(p);
                strong.insert(0, best);
            }
        }
        strong.truncate(limit);
        return Some((key.clone(), strong));
    }
    for (i, key) in keys.iter().enumerate() {
        let hits = index.hits(key);
        // how many notes use the name in their code: a name many sections of one note use
        // is that note's subject (`regexp.Compile` in each section of a note on regexps), a
        // name used across many notes is everyday code (`fmt.Println`)
        let mut notes_using: Vec<u32> = hits
            .iter()
            .filter(|h| h.source == Source::Snippet)
            .map(|h| h.at().note)
            .collect();
        notes_using.sort_unstable();
        notes_using.dedup();
        let snippets = notes_using.len();
        let weak: Vec<&Hit> = hits
            .iter()
            .filter(|h| match h.source {
                Source::Mention => h.answers,
                Source::Snippet => i == 0 && snippets <= MAX_WEAK_FREQUENCY,
                _ => false,
            })
            .filter(|h| about_parent(index, h.at(), key))
            .take(limit)
            .collect();
        if !weak.is_empty() {
            return Some((key.clone(), weak));
        }
    }
    None
}

/// The kinds of value a builtin works on, as the notes key them (`slice` from the glossary).
fn operands(builtin: &str) -> &'static [&'static str] {
    match builtin {
        "append" | "copy" => &["slice"],
        "cap" => &["slice", "chan"],
        "len" => &["slice", "map", "chan"],
        "delete" => &["map"],
        "close" | "<-" => &["chan"],
        "clear" => &["map", "slice"],
        _ => &[],
    }
}

/// Whether the section at `at` (or a section above it, or its note's topic) holds a strong
/// key for one of `key`'s qualifiers: `reflect.TypeOf` used in a section about `reflect`.
fn about_parent(index: &Index, at: SectionRef, key: &str) -> bool {
    let mut quals: Vec<String> = go::fallbacks(key).into_iter().skip(1).collect();
    // a builtin is about the kinds of value it works on: `append` in a note about slices
    quals.extend(operands(key).iter().map(|k| k.to_string()));
    if quals.is_empty() {
        return false;
    }
    let Some(entry) = index.note(at.note) else {
        return false;
    };
    if entry
        .note
        .topic
        .iter()
        .any(|t| quals.iter().any(|q| **q == **t))
    {
        return true;
    }
    let mut cur = Some(at.section as usize);
    while let Some(i) = cur {
        let Some(sec) = entry.note.sections.get(i) else {
            break;
        };
        if sec
            .keys
            .iter()
            .any(|k| k.source >= Source::Prose && quals.iter().any(|q| **q == *k.name))
        {
            return true;
        }
        cur = sec.parent.map(|p| p as usize);
    }
    false
}

/// The link to a section.
pub fn link(index: &Index, at: SectionRef) -> Option<NoteLink> {
    let (entry, sec) = index.section(at)?;
    let mut title = vec![&*entry.name];
    title.extend(entry.note.path(at.section as usize));
    Some(NoteLink {
        title: title.join(" › "),
        uri: entry.uri.to_string(),
        line: sec.line,
    })
}

/// The card for a symbol's keys, or `None` when the notes say nothing about it.
pub fn card(index: &Index, keys: &[String]) -> Option<Card> {
    let (key, hits) = resolve(index, keys, MAX_ALSO * 2 + 1)?;
    let best = *hits.first()?;
    let (entry, sec) = index.section(best.at())?;
    let mut link = link(index, best.at())?;
    let focus = sec
        .keys
        .iter()
        .find(|k| *k.name == *key)
        .and_then(|k| k.focus.as_deref().cloned());
    let excerpt = match &focus {
        Some(f) => {
            link.line = f.line;
            f.text.clone()
        }
        None => bound_excerpt(&sec.excerpt),
    };
    let snippet = best_snippet(&entry.note, best.section as usize, &key, focus.is_none());
    let mut also = Vec::new();
    let mut seen = vec![best.at()];
    for h in hits.iter().skip(1) {
        if also.len() >= MAX_ALSO {
            break;
        }
        if seen.contains(&h.at()) {
            continue;
        }
        seen.push(h.at());
        if let Some(l) = link_at_key(index, h, &key) {
            also.push(l);
        }
    }
    Some(Card {
        key,
        link,
        source: best.source,
        excerpt,
        snippet,
        also,
    })
}

fn link_at_key(index: &Index, h: &Hit, key: &str) -> Option<NoteLink> {
    let mut l = link(index, h.at())?;
    let (_, sec) = index.section(h.at())?;
    if let Some(f) = sec
        .keys
        .iter()
        .find(|k| *k.name == *key)
        .and_then(|k| k.focus.as_ref())
    {
        l.line = f.line;
    }
    Some(l)
}

/// The section's own Go snippet that uses `key` (else its first Go snippet); failing that, and
/// when `descend`, the first Go snippet below it that uses `key`.
fn best_snippet(note: &crate::notes::Note, i: usize, key: &str, descend: bool) -> Option<String> {
    let uses = |code: &str| go::scan_names(code).iter().any(|n| n == key);
    let sec: &Section = note.sections.get(i)?;
    let own: Vec<&str> = sec
        .snippets
        .iter()
        .filter(|s| s.is_go() && !s.code.trim().is_empty())
        .map(|s| s.code.as_str())
        .collect();
    let pick = own
        .iter()
        .find(|c| uses(c))
        .or(own.first())
        .map(|c| c.to_string())
        .or_else(|| {
            if !descend {
                return None;
            }
            note.descendants(i)
                .flat_map(|d| note.sections[d].snippets.iter())
                .find(|s| s.is_go() && uses(&s.code))
                .map(|s| s.code.clone())
        })?;
    Some(bound_lines(&pick, SNIPPET_MAX_LINES))
}

/// Lines of prose a card shows.
const EXCERPT_MAX_LINES: usize = 10;

fn bound_excerpt(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= EXCERPT_MAX_LINES {
        return text.to_string();
    }
    let mut s = lines[..EXCERPT_MAX_LINES].join("\n");
    s.push_str(" …");
    s
}

fn bound_lines(code: &str, max: usize) -> String {
    let lines: Vec<&str> = code.lines().collect();
    // drop leading and trailing blank lines
    let start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(start, |e| e + 1);
    let body = &lines[start..end];
    if body.len() <= max {
        return body.join("\n");
    }
    let mut s = body[..max].join("\n");
    s.push_str("\n// …");
    s
}

/// A completion offered after `qualifier.`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberItem {
    /// The member name (`Once`).
    pub label: String,
    /// The full key (`sync.Once`), for the card.
    pub key: String,
    /// The section's title path.
    pub detail: String,
}

/// Members of `qualifier` that the notes cover and whose name starts with `prefix`
/// (case-insensitively), at most `limit`.
pub fn members(index: &Index, qualifier: &str, prefix: &str, limit: usize) -> Vec<MemberItem> {
    let lower = prefix.to_lowercase();
    let mut out = Vec::new();
    for key in index.members(qualifier) {
        let label = &key[qualifier.len() + 1..];
        if !label.to_lowercase().starts_with(&lower) {
            continue;
        }
        let keys = vec![key.to_string()];
        let Some((_, hits)) = resolve(index, &keys, 1) else {
            continue;
        };
        let Some(l) = hits.first().and_then(|h| link(index, h.at())) else {
            continue;
        };
        out.push(MemberItem {
            label: label.to_string(),
            key: key.to_string(),
            detail: l.title,
        });
        if out.len() >= limit {
            break;
        }
    }
    out
}

/// A note snippet offered for the word being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnippetItem {
    /// The key the snippet is filed under (`select`).
    pub label: String,
    /// The code, as written in the note.
    pub code: String,
    /// The section's title path.
    pub detail: String,
}

/// Snippets filed under keys starting with `prefix` (at least one character), at most `limit`.
pub fn snippets(index: &Index, prefix: &str, limit: usize) -> Vec<SnippetItem> {
    if prefix.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<SnippetItem> = Vec::new();
    for e in index.snippets_with_prefix(prefix) {
        let Some((entry, sec)) = index.section(e.at) else {
            continue;
        };
        let Some(snip) = sec.snippets.get(e.snippet as usize) else {
            continue;
        };
        let code = bound_lines(&snip.code, 60);
        if out.iter().any(|o| o.code == code) {
            continue;
        }
        let mut title = vec![&*entry.name];
        title.extend(entry.note.path(e.at.section as usize));
        out.push(SnippetItem {
            label: e.trigger.to_string(),
            code,
            detail: title.join(" › "),
        });
        if out.len() >= limit {
            break;
        }
    }
    out
}

/// Every note location for `keys`, best first.
pub fn locations(index: &Index, keys: &[String]) -> Vec<NoteLink> {
    let Some((key, hits)) = resolve(index, keys, MAX_LOCATIONS) else {
        return Vec::new();
    };
    let mut out: Vec<NoteLink> = Vec::new();
    for h in hits {
        if let Some(l) = link_at_key(index, h, &key) {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    out
}
