//! Capture: a piece of Go code written into the notes, where the next hover finds it.
//!
//! Pure: given the Go source, a byte range of it, the notes index and the note's current text,
//! it decides where the capture goes and what is inserted. The caller reads and writes files
//! ([`crate::notefile`]) or asks the editor to apply the edit.
//!
//! Where: the section that already answers the symbol's hover (in a note the user can write),
//! at the end of its own text (before the next heading); else the inbox note, under a heading
//! that keys the symbol (`## sync.Once`), made when missing; a selection without one clear
//! symbol goes under `## Unsorted`.
//! What: a fenced `go` block with the selected code de-indented, then a line with the optional
//! comment, a link back to `path:line` of the source and the date.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use tree_sitter::Tree;

use crate::go;
use crate::index::Index;
use crate::lookup;
use crate::text::LineIndex;

/// The heading of the inbox section for a selection without one clear symbol.
pub const UNSORTED: &str = "Unsorted";

/// Why nothing is captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The selection holds no code.
    Empty,
    /// The note's heading is no longer where the index saw it (the note is being edited).
    Moved,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Empty => f.write_str("nothing to capture: the selection is empty"),
            Refusal::Moved => f.write_str(
                "the note changed since it was indexed; nothing was written, try again in a moment",
            ),
        }
    }
}

/// The selected code, ready to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// De-indented, without leading or trailing blank lines.
    pub code: String,
    /// 1-based lines of the source the selection spans.
    pub first_line: u32,
    pub last_line: u32,
}

/// The code in `range` of `text`. A selection that starts after the indentation of its line
/// takes that indentation too, so that its lines de-indent together.
pub fn snippet(text: &str, range: Range<usize>) -> Result<Snippet, Refusal> {
    let end = range.end.min(text.len());
    let mut start = range.start.min(end);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..start].trim().is_empty() {
        start = line_start;
    }
    let Some(selected) = text.get(start..end) else {
        return Err(Refusal::Empty);
    };
    if selected.trim().is_empty() {
        return Err(Refusal::Empty);
    }
    let lines: Vec<&str> = selected.lines().map(|l| l.trim_end()).collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let last = lines.iter().rposition(|l| !l.is_empty()).unwrap_or(first);
    let body = &lines[first..=last];
    let indent = body
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| &l[..l.len() - l.trim_start().len()])
        .reduce(|a, b| common_prefix(a, b))
        .unwrap_or("");
    let code: Vec<&str> = body
        .iter()
        .map(|l| l.strip_prefix(indent).unwrap_or(l))
        .collect();
    let lines_before = |o: usize| text[..o].matches('\n').count() as u32;
    let first_byte = start
        + selected
            .split_inclusive('\n')
            .take(first)
            .map(str::len)
            .sum::<usize>();
    let first_line = lines_before(first_byte) + 1;
    Ok(Snippet {
        code: code.join("\n"),
        first_line,
        last_line: first_line + (last - first) as u32,
    })
}

fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    &a[..n]
}

/// The topic a symbol is filed under: a method or field answers with its type's note, so it
/// is captured there (`sync.WaitGroup.Add` -> `sync.WaitGroup`).
fn topic(symbol: &go::Symbol) -> Option<String> {
    let first = symbol.keys.first()?;
    if first.matches('.').count() >= 2 && !first.contains(' ') {
        if let Some(ty) = symbol.keys.get(1) {
            return Some(ty.clone());
        }
    }
    Some(first.clone())
}

/// The symbol a capture of `range` is about: the name at the cursor for an empty range; for a
/// selection, the one topic every name in it shares, else the topic of the first name in it
/// that has one; `None` when there is no clear one. A package that qualifies a member also in
/// the selection is no topic of its own (`rt.Gosched()` is about `runtime.Gosched`), and the
/// blank identifier `_` files a selection only when it is the only topic there
/// (`_ = strings.Repeat(s, n)` is about `strings.Repeat`).
pub fn symbol_of(
    tree: &Tree,
    text: &str,
    range: Range<usize>,
    pkg: Option<&go::Package>,
) -> Option<String> {
    if range.is_empty() {
        return go::symbol_in_package(tree, text, range.start, pkg).and_then(|s| topic(&s));
    }
    let root = tree.root_node();
    // the distinct topics, in the order their names come
    let mut topics: Vec<String> = Vec::new();
    let mut cursor = root.walk();
    let mut visit = true;
    loop {
        let node = cursor.node();
        let overlaps = node.start_byte() < range.end && node.end_byte() > range.start;
        if visit && overlaps && node.child_count() == 0 && node.start_byte() >= range.start {
            let t = go::symbol_in_package(tree, text, node.start_byte(), pkg)
                .filter(|s| s.range.start >= range.start && s.range.start < range.end)
                .and_then(|s| topic(&s));
            if let Some(t) = t {
                if !topics.contains(&t) {
                    topics.push(t);
                }
            }
        }
        if visit && overlaps && cursor.goto_first_child() {
            continue;
        }
        if cursor.goto_next_sibling() {
            visit = true;
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return main_topic(topics);
            }
            if cursor.goto_next_sibling() {
                visit = true;
                break;
            }
        }
    }
}

/// Of a selection's topics (in order), the one it is filed under: see [`symbol_of`].
fn main_topic(topics: Vec<String>) -> Option<String> {
    let qualifies = |t: &str| {
        topics
            .iter()
            .any(|u| u.len() > t.len() && u.starts_with(t) && u.as_bytes()[t.len()] == b'.')
    };
    let kept: Vec<&String> = topics.iter().filter(|t| !qualifies(t)).collect();
    kept.iter()
        .find(|t| t.as_str() != "_")
        .or_else(|| kept.first())
        .map(|t| (*t).clone())
}

/// The statement or declaration around byte `offset`: what a capture at a cursor takes.
pub fn statement_at(tree: &Tree, offset: usize) -> Option<Range<usize>> {
    let mut node = tree.root_node().descendant_for_byte_range(offset, offset)?;
    loop {
        let parent = node.parent()?;
        if matches!(
            parent.kind(),
            "source_file"
                | "block"
                | "statement_list"
                | "expression_case"
                | "default_case"
                | "type_case"
                | "communication_case"
        ) {
            return Some(node.byte_range());
        }
        node = parent;
    }
}

/// Where in the notes a capture goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// An existing section of a note: its heading line and the next heading's (0-based).
    Section {
        heading_line: u32,
        next_heading: Option<u32>,
    },
    /// The inbox, under this heading (found or made).
    Heading(String),
}

/// A capture's target: the note file and the place in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub note: PathBuf,
    pub place: Place,
    /// `inbox.md › sync.Once`, for messages.
    pub title: String,
}

/// The section that answers `topic`'s hover in a note for which `writable` holds, best first.
pub fn existing_section(
    index: &Index,
    topic: &str,
    writable: impl Fn(&Path) -> bool,
) -> Option<Target> {
    let (_, hits) = lookup::resolve(index, &go::fallbacks(topic), 50)?;
    hits.iter().find_map(|h| {
        let (entry, sec) = index.section(h.at())?;
        let path = crate::load::uri_to_path(&entry.uri)?;
        if !writable(&path) || sec.level == 0 {
            return None;
        }
        let next = entry
            .note
            .sections
            .get(h.section as usize + 1)
            .map(|s| s.line);
        Some(Target {
            note: path,
            place: Place::Section {
                heading_line: sec.line,
                next_heading: next,
            },
            title: lookup::link(index, h.at()).map_or_else(String::new, |l| l.title),
        })
    })
}

/// The target for `topic`: its existing section, else the inbox under its heading.
pub fn target(
    index: &Index,
    topic: Option<&str>,
    inbox: &Path,
    writable: impl Fn(&Path) -> bool,
) -> Target {
    if let Some(t) = topic.and_then(|t| existing_section(index, t, &writable)) {
        return t;
    }
    let heading = topic.unwrap_or(UNSORTED).to_string();
    let name = inbox.file_name().map_or_else(
        || inbox.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    Target {
        title: format!("{name} › {heading}"),
        note: inbox.to_path_buf(),
        place: Place::Heading(heading),
    }
}

/// Where the source is, for the link back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRef {
    /// The path as shown (relative to the workspace folder).
    pub display: String,
    /// The link's target (relative to the note's folder).
    pub target: String,
}

/// What is written: the fenced block, then the comment, the link back and the date.
pub fn entry(snippet: &Snippet, source: &SourceRef, date: &str, comment: Option<&str>) -> String {
    let longest = snippet
        .code
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let lines = if snippet.last_line > snippet.first_line {
        format!("{}-{}", snippet.first_line, snippet.last_line)
    } else {
        snippet.first_line.to_string()
    };
    let comment = comment
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|c| !c.is_empty())
        .map(|c| format!("{c} — "))
        .unwrap_or_default();
    format!(
        "{fence}go\n{}\n{fence}\n\n{comment}[{}:{lines}]({}#L{}) · {date}\n",
        snippet.code,
        source.display.replace(['[', ']'], ""),
        source.target.replace(' ', "%20").replace(['(', ')'], ""),
        snippet.first_line
    )
}

/// One insertion into a note's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insert {
    /// Byte offset in the note's text.
    pub offset: usize,
    pub text: String,
}

impl Insert {
    /// The note's text with the insertion made.
    pub fn apply(&self, text: &str) -> String {
        let mut s = String::with_capacity(text.len() + self.text.len());
        s.push_str(&text[..self.offset]);
        s.push_str(&self.text);
        s.push_str(&text[self.offset..]);
        s
    }
}

/// The insertion of `block` (from [`entry`]) at `place` in the note's current `text`.
pub fn insertion(text: &str, place: &Place, block: &str) -> Result<Insert, Refusal> {
    let lines = LineIndex::new(text);
    match place {
        Place::Section {
            heading_line,
            next_heading,
        } => {
            let heading = lines.line_text(text, *heading_line).ok_or(Refusal::Moved)?;
            let underline = lines
                .line_text(text, heading_line + 1)
                .map(str::trim)
                .is_some_and(|u| {
                    !u.is_empty() && (u.chars().all(|c| c == '=') || u.chars().all(|c| c == '-'))
                });
            if !heading.trim_start().starts_with('#') && !underline {
                return Err(Refusal::Moved);
            }
            Ok(at_section_end(
                text,
                &lines,
                *heading_line,
                *next_heading,
                block,
            ))
        }
        Place::Heading(key) => {
            let headings = atx_headings(text, &lines);
            let found = headings.iter().position(|(_, title)| title == key);
            match found {
                Some(i) => {
                    let next = headings.get(i + 1).map(|h| h.0);
                    Ok(at_section_end(text, &lines, headings[i].0, next, block))
                }
                None => {
                    let mut s = String::new();
                    if !text.is_empty() && !text.ends_with('\n') {
                        s.push('\n');
                    }
                    if !text.trim().is_empty() {
                        s.push('\n');
                    }
                    s.push_str(&format!("## {key}\n\n{block}"));
                    Ok(Insert {
                        offset: text.len(),
                        text: s,
                    })
                }
            }
        }
    }
}

/// Before the next heading, after the section's last line that holds something.
fn at_section_end(
    text: &str,
    lines: &LineIndex,
    heading_line: u32,
    next_heading: Option<u32>,
    block: &str,
) -> Insert {
    let line_start = |l: u32| -> usize {
        if l as usize >= lines.line_count() {
            return text.len();
        }
        lines.offset(
            text,
            crate::text::LineCol { line: l, col: 0 },
            crate::text::Encoding::Utf8,
        )
    };
    let mut end_line = next_heading.map_or(lines.line_count() as u32, |n| n.max(heading_line + 1));
    let mut backed = false;
    while end_line > heading_line + 1
        && lines
            .line_text(text, end_line - 1)
            .is_some_and(|l| l.trim().is_empty())
    {
        end_line -= 1;
        backed = true;
    }
    let mut offset = line_start(end_line);
    if end_line as usize >= lines.line_count() {
        offset = text.len();
    }
    let mut s = String::new();
    if offset == text.len() && !text.is_empty() && !text.ends_with('\n') {
        s.push('\n');
    }
    // `backed` over a trailing empty "line" after the last newline does not count
    let backed = backed && offset < text.len();
    s.push('\n');
    s.push_str(block);
    if !backed && offset < text.len() {
        s.push('\n');
    }
    Insert { offset, text: s }
}

/// The ATX headings outside fenced blocks: (line, title without `#`s and backticks).
fn atx_headings(text: &str, lines: &LineIndex) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for l in 0..lines.line_count() as u32 {
        let Some(line) = lines.line_text(text, l) else {
            break;
        };
        let t = line.trim_start();
        let marker = t.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(m) = marker {
            let n = t.chars().take_while(|c| *c == m).count();
            if n >= 3 {
                match fence {
                    None => fence = Some((m, n)),
                    Some((fm, fnn)) if fm == m && n >= fnn && t[n..].trim().is_empty() => {
                        fence = None
                    }
                    _ => {}
                }
                continue;
            }
        }
        if fence.is_some() || line.len() - t.len() > 3 {
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].chars().next().is_none_or(char::is_whitespace) {
            let title = t[hashes..]
                .trim()
                .trim_end_matches('#')
                .trim()
                .replace('`', "");
            out.push((l, title));
        }
    }
    out
}

/// `to` as a path relative to the folder `from` (both absolute), with `/` separators.
pub fn relative(from: &Path, to: &Path) -> String {
    let a: Vec<Component<'_>> = from.components().collect();
    let b: Vec<Component<'_>> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return to.display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".into(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The UTC date of `t` as `YYYY-MM-DD`.
pub fn date(t: std::time::SystemTime) -> String {
    let days = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // civil from days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, NoteSet};

    fn src() -> &'static str {
        "package main\n\nimport (\n\t\"sync\"\n\t\"time\"\n)\n\nvar once sync.Once\n\nfunc main() {\n\tonce.Do(func() {\n\t\tsetup()\n\t})\n\tt := time.NewTicker(time.Second)\n\tdefer t.Stop()\n}\n"
    }

    fn parse(text: &str) -> Tree {
        go::parse(&mut go::parser(), text, None).unwrap()
    }

    #[test]
    fn snippets_are_de_indented_with_their_lines() {
        let text = src();
        let start = text.find("once.Do").unwrap();
        let end = text.find("\tt :=").unwrap();
        let s = snippet(text, start..end).unwrap();
        assert_eq!(s.code, "once.Do(func() {\n\tsetup()\n})");
        assert_eq!((s.first_line, s.last_line), (11, 13));
        // a whole-line selection with its indentation and the line end
        let line = text.find("\tdefer").unwrap();
        let s = snippet(text, line..text.find("\n}").unwrap() + 1).unwrap();
        assert_eq!(s.code, "defer t.Stop()");
        assert_eq!((s.first_line, s.last_line), (15, 15));
        assert_eq!(snippet(text, 5..5), Err(Refusal::Empty));
        assert_eq!(snippet(text, 12..14), Err(Refusal::Empty));
    }

    #[test]
    fn the_symbol_of_a_selection() {
        let text = src();
        let tree = parse(text);
        let at = |s: &str| text.find(s).unwrap();
        // a cursor on a method: its type
        assert_eq!(
            symbol_of(&tree, text, at("Do(")..at("Do("), None).as_deref(),
            Some("sync.Once")
        );
        // the once.Do statement: every name in it is about sync.Once
        let r = statement_at(&tree, at("Do(")).unwrap();
        assert_eq!(&text[r.clone()], "once.Do(func() {\n\t\tsetup()\n\t})");
        assert_eq!(
            symbol_of(&tree, text, r, None).as_deref(),
            Some("sync.Once")
        );
        // two topics: the one the selection starts with
        let r = at("\tdefer")..at("\n}");
        assert_eq!(symbol_of(&tree, text, r, None).as_deref(), Some("defer"));
        // nothing known
        let r = at("setup()")..at("setup()") + 7;
        assert_eq!(symbol_of(&tree, text, r, None), None);
    }

    #[test]
    fn a_qualified_call_is_about_its_member_and_the_blank_identifier_comes_last() {
        let text = "package main\n\nimport (\n\trt \"runtime\"\n\t\"strings\"\n)\n\nfunc main() {\n\trt.Gosched()\n\t_ = strings.Repeat(\"ab\", 3)\n\t_ = x\n}\n";
        let tree = parse(text);
        let line = |s: &str| {
            let start = text.find(s).unwrap();
            start..start + text[start..].find('\n').unwrap()
        };
        assert_eq!(
            symbol_of(&tree, text, line("rt.Gosched"), None).as_deref(),
            Some("runtime.Gosched")
        );
        assert_eq!(
            symbol_of(&tree, text, line("_ = strings"), None).as_deref(),
            Some("strings.Repeat")
        );
        // the package alone still files a selection of it alone
        let r = text.find("rt.").unwrap()..text.find("rt.").unwrap() + 2;
        assert_eq!(symbol_of(&tree, text, r, None).as_deref(), Some("runtime"));
        assert_eq!(
            main_topic(vec!["_".into()]).as_deref(),
            Some("_"),
            "the blank identifier alone"
        );
        assert_eq!(
            main_topic(vec![
                "_".into(),
                "sync".into(),
                "sync.Once".into(),
                "defer".into()
            ])
            .as_deref(),
            Some("sync.Once")
        );
        assert_eq!(main_topic(Vec::new()), None);
    }

    const NOTE: &str = "# sync\n\n## sync.Once\n\n只执行一次。\n\n```go\nvar once sync.Once\n```\n\n## sync.Mutex\n\n锁\n";

    fn index_of(dir: &Path) -> Index {
        let mut set = NoteSet::new();
        let opts = LoadOptions {
            paths: vec![dir.to_path_buf()],
            builtin: true,
            ..Default::default()
        };
        set.refresh_all(&opts);
        set.index()
    }

    #[test]
    fn an_existing_section_or_the_inbox() {
        let dir = std::env::temp_dir().join(format!("gonotes-capture-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("sync.md"), NOTE).unwrap();
        let index = index_of(&dir);
        let inbox = dir.join("inbox.md");
        let mine = |p: &Path| p.starts_with(&dir);
        let t = target(&index, Some("sync.Once"), &inbox, mine);
        assert_eq!(t.note, dir.join("sync.md"));
        assert_eq!(
            t.place,
            Place::Section {
                heading_line: 2,
                next_heading: Some(10)
            }
        );
        assert!(t.title.ends_with("sync.Once"), "{}", t.title);
        // the built-in notes answer sync.WaitGroup, but they are not the user's: the inbox
        let t = target(&index, Some("sync.WaitGroup"), &inbox, mine);
        assert_eq!(t.note, inbox);
        assert_eq!(t.place, Place::Heading("sync.WaitGroup".into()));
        let t = target(&index, None, &inbox, mine);
        assert_eq!(t.place, Place::Heading(UNSORTED.into()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn block() -> String {
        let s = Snippet {
            code: "once.Do(setup)".into(),
            first_line: 11,
            last_line: 12,
        };
        let src = SourceRef {
            display: "cmd/main.go".into(),
            target: "../cmd/main.go".into(),
        };
        entry(&s, &src, "2026-12-03", Some("  only  once\n"))
    }

    #[test]
    fn what_is_written() {
        assert_eq!(
            block(),
            "```go\nonce.Do(setup)\n```\n\nonly once — [cmd/main.go:11-12](../cmd/main.go#L11) · 2026-12-03\n"
        );
        let s = Snippet {
            code: "s := \"```\"".into(),
            first_line: 3,
            last_line: 3,
        };
        let src = SourceRef {
            display: "a.go".into(),
            target: "a.go".into(),
        };
        assert!(entry(&s, &src, "2026-01-01", None).starts_with("````go\n"));
        assert!(
            entry(&s, &src, "2026-01-01", None).ends_with("\n[a.go:3](a.go#L3) · 2026-01-01\n")
        );
    }

    #[test]
    fn inserted_at_the_section_end_before_the_next_heading() {
        let place = Place::Section {
            heading_line: 2,
            next_heading: Some(10),
        };
        let ins = insertion(NOTE, &place, &block()).unwrap();
        let out = ins.apply(NOTE);
        assert_eq!(
            out,
            NOTE.replace(
                "```\n\n## sync.Mutex",
                &format!("```\n\n{}\n## sync.Mutex", block())
            )
        );
        // a heading straight after text, and the last section of a note without a line end
        let text = "## a\ntext\n## b\nmore";
        let a = Place::Section {
            heading_line: 0,
            next_heading: Some(2),
        };
        let out = insertion(text, &a, "B\n").unwrap().apply(text);
        assert_eq!(out, "## a\ntext\n\nB\n\n## b\nmore");
        let b = Place::Section {
            heading_line: 2,
            next_heading: None,
        };
        let out = insertion(text, &b, "B\n").unwrap().apply(text);
        assert_eq!(out, "## a\ntext\n## b\nmore\n\nB\n");
        // the index saw a heading that is no longer there
        let gone = Place::Section {
            heading_line: 1,
            next_heading: Some(2),
        };
        assert_eq!(insertion(text, &gone, "B\n"), Err(Refusal::Moved));
    }

    #[test]
    fn the_inbox_heading_is_found_or_made() {
        let key = Place::Heading("sync.Once".into());
        let out = insertion("", &key, "B\n").unwrap().apply("");
        assert_eq!(out, "## sync.Once\n\nB\n");
        let out2 = insertion(&out, &key, "C\n").unwrap().apply(&out);
        assert_eq!(out2, "## sync.Once\n\nB\n\nC\n");
        let other = Place::Heading("time.Ticker".into());
        let out3 = insertion(&out2, &other, "D\n").unwrap().apply(&out2);
        assert_eq!(out3, "## sync.Once\n\nB\n\nC\n\n## time.Ticker\n\nD\n");
        // a heading inside a fence is no heading; `## \`sync.Once\`` is
        let text = "```md\n## sync.Once\n```\n### `sync.Once` ##\nx\n# next\n";
        let out = insertion(text, &key, "B\n").unwrap().apply(text);
        assert_eq!(
            out,
            "```md\n## sync.Once\n```\n### `sync.Once` ##\nx\n\nB\n\n# next\n"
        );
    }

    #[test]
    fn paths_and_dates() {
        assert_eq!(
            relative(Path::new("/ws/notes"), Path::new("/ws/cmd/main.go")),
            "../cmd/main.go"
        );
        assert_eq!(relative(Path::new("/ws"), Path::new("/ws/a.go")), "a.go");
        let day = |secs: u64| date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(951_782_400), "2000-02-29");
        assert_eq!(day(1_798_675_200), "2026-12-31");
    }
}
