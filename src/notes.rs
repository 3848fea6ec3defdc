//! Markdown notes -> sections with excerpts, Go snippets and keys, via pulldown-cmark's
//! offset iterator.
//!
//! A section is a heading and what follows it up to the next heading of the same or a higher
//! level; text before the first heading is a level-0 section named after the file. Keys come from
//! five sources, strongest first (see [`Source`]). Bad input is refused with a [`Skip`] reason:
//! bytes that are not UTF-8, binary data, a note over the size cap or over its time budget.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::go;
use crate::stdapi;
use crate::text::LineCounter;

/// Where a key came from; the order is the ranking order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Used in the section's Go snippets: a weak key.
    Snippet = 1,
    /// Named in passing in the section's prose (not at the head of a list item or paragraph):
    /// answers only where the section or its note is about the name's package or type.
    Mention = 2,
    /// Named at the head of a list item or paragraph (`1. runtime.Gosched() 让出当前时间片`),
    /// or mentioned in prose and used in the section's own code.
    Prose = 3,
    /// The note's title: its file or folder name, front matter `title:`/`tags:`.
    Title = 4,
    /// A word of the heading found in the glossary (`互斥锁` -> `sync.Mutex`): ranks with
    /// heading keys.
    Alias = 5,
    /// A Go name in the heading itself (`### sync.Once`, `## select 多路复用`, `### Mutex` over
    /// code that uses `sync.Mutex`, `## Copy` in a note about package `io`).
    Heading = 6,
    /// Front matter `keys:`/`aliases:`, or an HTML comment `<!-- keys: ... -->` on the heading.
    Explicit = 7,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Snippet => "snippet",
            Source::Mention => "mention",
            Source::Prose => "prose",
            Source::Alias => "alias",
            Source::Title => "title",
            Source::Heading => "heading",
            Source::Explicit => "explicit",
        }
    }
}

/// A key of a section.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// Interned: every section naming `sync.Once` shares one `sync.Once`.
    pub name: Arc<str>,
    pub source: Source,
    /// For heading and alias keys: how much of the heading the key's word fills, in percent.
    pub purity: u8,
    /// For prose keys found in a list item: that item, which becomes the card's excerpt.
    pub focus: Option<Arc<Focus>>,
}

impl Key {
    fn new(name: Arc<str>, source: Source, purity: u8, focus: Option<Arc<Focus>>) -> Key {
        Key {
            name,
            source,
            purity,
            focus,
        }
    }
}

/// A list item that speaks of a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Focus {
    pub text: String,
    pub line: u32,
}

/// A fenced code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The fence's language, lowercased (`go` for `go`, `Go`, `golang`).
    pub lang: String,
    /// The code (kept for Go snippets only; empty for others).
    pub code: String,
    /// Line of the opening fence.
    pub line: u32,
}

impl Snippet {
    pub fn is_go(&self) -> bool {
        self.lang == "go"
    }
}

/// A heading and its content.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// The heading text; empty for an empty heading; the file name for the level-0 preamble.
    pub title: String,
    pub level: u8,
    pub parent: Option<u32>,
    /// Line of the heading (0-based) and the line after the section's end.
    pub line: u32,
    pub end_line: u32,
    /// The section's own prose (before its first sub-heading), as Markdown, bounded.
    pub excerpt: String,
    /// The section's own fenced blocks.
    pub snippets: Vec<Snippet>,
    pub keys: Vec<Key>,
    /// The section says something itself: prose or a Go snippet.
    pub has_content: bool,
    /// It or a section below it says something: an empty heading is no answer.
    pub answers: bool,
}

impl Section {
    pub fn has_content(&self) -> bool {
        self.has_content
    }
}

/// One parsed note.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub sections: Vec<Section>,
    pub bytes: usize,
    pub lines: u32,
    /// What the note as a whole is about (its title keys: file or folder name, front matter,
    /// a first heading that opens it): a name mentioned in passing in it counts when its
    /// package or type is here.
    pub topic: Vec<Arc<str>>,
}

impl Note {
    /// The heading path of section `i`: the titles from the top down, empty titles shown as `…`.
    pub fn path(&self, i: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = Some(i);
        while let Some(s) = cur {
            let sec = &self.sections[s];
            if sec.level > 0 {
                out.push(if sec.title.is_empty() {
                    "…"
                } else {
                    sec.title.as_str()
                });
            }
            cur = sec.parent.map(|p| p as usize);
        }
        out.reverse();
        out
    }

    /// Indices of the sections below `i`, in order.
    pub fn descendants(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let level = self.sections[i].level;
        self.sections[i + 1..]
            .iter()
            .take_while(move |s| s.level > level)
            .enumerate()
            .map(move |(k, _)| i + 1 + k)
    }
}

/// Why a note was not indexed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    NotUtf8,
    Binary,
    TooLarge { bytes: usize, cap: usize },
    TooSlow { budget: Duration },
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NotUtf8 => write!(f, "not UTF-8 text"),
            Skip::Binary => write!(f, "binary data (NUL bytes)"),
            Skip::TooLarge { bytes, cap } => write!(f, "{bytes} bytes, over the {cap}-byte cap"),
            Skip::TooSlow { budget } => write!(
                f,
                "took longer than the {} ms budget to parse",
                budget.as_millis()
            ),
        }
    }
}

/// Limits on one note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub time_budget: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 8 * 1024 * 1024,
            time_budget: Duration::from_secs(2),
        }
    }
}

pub use crate::glossary::Aliases;

/// Bounds of what a card carries.
const EXCERPT_MAX_BYTES: usize = 800;

/// Parses a note's bytes.
pub fn parse_bytes(
    bytes: &[u8],
    title: &str,
    aliases: &Aliases,
    limits: Limits,
) -> Result<Note, Skip> {
    if bytes.len() > limits.max_bytes {
        return Err(Skip::TooLarge {
            bytes: bytes.len(),
            cap: limits.max_bytes,
        });
    }
    if bytes.contains(&0) {
        return Err(Skip::Binary);
    }
    // validation is a good part of reading CJK text: simdutf8 does it 16-32 bytes at a step
    let text = simdutf8::basic::from_utf8(bytes).map_err(|_| Skip::NotUtf8)?;
    parse(text, title, aliases, limits)
}

/// What the event loop is inside of. The block's text gathers in a buffer kept across blocks.
enum Block {
    Heading { line: u32, level: u8 },
    Code { line: u32, lang: String },
}

/// What a section's heading holds, kept until the whole note is read: its keys depend on what
/// the section's code uses and on the headings above it.
#[derive(Default)]
struct Head {
    /// The heading's inline code spans.
    code: Vec<String>,
    /// Paragraphs of the section that are one short bold phrase (`**select**`): headings in
    /// all but name.
    bold: Vec<String>,
}

/// Parses a note's text. `title` names the level-0 section: the note's path relative to its
/// folder (`channel/close.md`), whose words are the note's title keys.
pub fn parse(text: &str, title: &str, aliases: &Aliases, limits: Limits) -> Result<Note, Skip> {
    let started = Instant::now();
    let outline = repair_outline(text);
    let text: &str = &outline;
    let fenced = repair_fences(text);
    let admonitions = match repair_admonitions(&fenced) {
        Cow::Owned(s) => Some(s),
        Cow::Borrowed(_) => None,
    };
    let text: &str = admonitions.as_deref().unwrap_or(&fenced);
    let mut lines = LineCounter::new(text);
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(text, opts).into_offset_iter();

    let mut sections = vec![Section {
        title: title.to_string(),
        level: 0,
        parent: None,
        line: 0,
        end_line: 0,
        excerpt: String::new(),
        snippets: Vec::new(),
        keys: Vec::new(),
        has_content: false,
        answers: false,
    }];
    let mut heads: Vec<Head> = vec![Head::default()];
    // names the section's code uses (snippets, inline code, qualified names in prose): the
    // evidence that a word of its heading means Go
    let mut evidence = Gathered::default();
    let mut stack: Vec<u32> = vec![0]; // open sections, outermost first
    let mut front = FrontMatter::default();
    let mut in_metadata = false;
    let mut block: Option<Block> = None;
    let mut depth = 0usize; // block nesting below the section
    // open list items: line, source range, where their names start in `item_names` (one flat
    // list for all open items, an inner item's names after its outer one's)
    let mut items: Vec<(u32, Range<usize>, usize)> = Vec::new();
    let mut item_names: Vec<Arc<str>> = Vec::new();
    let mut para_names: Vec<Arc<str>> = Vec::new();
    let mut para_start: Option<usize> = None;
    // What the last section (the one text goes to) gathers, kept here and moved into it at
    // the next heading with no spare capacity: one allocation each instead of a regrowth per
    // paragraph.
    let mut excerpt = String::new();
    let mut keys: Vec<Key> = Vec::new();
    let mut snippets: Vec<Snippet> = Vec::new();
    // names the current section's own Go snippets use: a name its prose mentions and its code
    // shows is what the section is about
    let mut shown: Vec<Arc<str>> = Vec::new();
    let mut block_text = String::new(); // the heading's text, or the code block's
    let mut head_code: Vec<String> = Vec::new();
    let mut comment = String::new(); // HTML in a heading

    for (n, (event, range)) in parser.enumerate() {
        if n % 1024 == 1023 && started.elapsed() > limits.time_budget {
            return Err(Skip::TooSlow {
                budget: limits.time_budget,
            });
        }
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            Event::Text(t) if in_metadata => front.read(&t),
            Event::Start(Tag::Heading { level, .. }) => {
                block = Some(Block::Heading {
                    line: lines.line_of(range.start),
                    level: level_num(level),
                });
                block_text.clear();
                head_code.clear();
                comment.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(Block::Heading { line, level }) = block.take() {
                    while stack.len() > 1
                        && sections[*stack.last().unwrap_or(&0) as usize].level >= level
                    {
                        stack.pop();
                    }
                    let parent = *stack.last().unwrap_or(&0);
                    let htext = block_text.trim().to_string();
                    promote_shown(&mut keys, &mut shown);
                    settle(&mut sections, &mut excerpt, &mut keys, &mut snippets);
                    for k in comment_keys(&comment) {
                        push_key(&mut keys, Key::new(intern(&k), Source::Explicit, 100, None));
                    }
                    heads.push(Head {
                        code: std::mem::take(&mut head_code),
                        bold: Vec::new(),
                    });
                    evidence.open_section();
                    sections.push(Section {
                        title: htext,
                        level,
                        parent: Some(parent),
                        line,
                        end_line: line + 1,
                        excerpt: String::new(),
                        snippets: Vec::new(),
                        keys: Vec::new(),
                        has_content: false,
                        answers: false,
                    });
                    stack.push(u32::try_from(sections.len() - 1).unwrap_or(u32::MAX));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split([' ', ',', '{'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                let lang = if lang == "golang" {
                    "go".to_string()
                } else {
                    lang
                };
                block = Some(Block::Code {
                    line: lines.line_of(range.start),
                    lang,
                });
                block_text.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(Block::Code { line, lang }) = block.take() {
                    let code = &block_text;
                    // untagged blocks (indented code, a bare fence) count as Go when they read
                    // like it
                    let lang = if lang.is_empty() && looks_like_go(code) {
                        "go".to_string()
                    } else {
                        lang
                    };
                    let is_go = lang == "go";
                    if is_go {
                        // a weak key answers only for a qualified name (see lookup), so only
                        // those become keys (`fmt.Println`, `sync.Mutex.Lock`); keywords and
                        // builtins the code uses are evidence for the headings above it
                        for name in go::scan_evidence(code) {
                            let name = intern(&name);
                            if name.contains('.') && !keys.iter().any(|k| k.name == name) {
                                keys.push(Key::new(Arc::clone(&name), Source::Snippet, 0, None));
                            }
                            if !shown.iter().any(|n| Arc::ptr_eq(n, &name)) {
                                shown.push(Arc::clone(&name));
                            }
                            evidence.add(name);
                        }
                    }
                    snippets.push(Snippet {
                        lang,
                        code: if is_go {
                            code.as_str().into()
                        } else {
                            String::new()
                        },
                        line,
                    });
                }
            }
            Event::Text(t) if matches!(block, Some(Block::Heading { .. })) => {
                block_text.push_str(&t);
            }
            Event::Code(t) if matches!(block, Some(Block::Heading { .. })) => {
                block_text.push_str(&t);
                head_code.push(t.to_string());
            }
            Event::Html(t) | Event::InlineHtml(t)
                if matches!(block, Some(Block::Heading { .. })) =>
            {
                comment.push_str(&t);
            }
            Event::Text(t) if matches!(block, Some(Block::Code { .. })) => {
                block_text.push_str(&t);
            }
            Event::Start(tag) => {
                if depth == 0 && is_prose_block(&tag) {
                    let src = text.get(range.clone()).unwrap_or("").trim_end();
                    append_excerpt(&mut excerpt, src);
                }
                depth += 1;
                match tag {
                    Tag::Item => items.push((lines.line_of(range.start), range, item_names.len())),
                    Tag::Paragraph if items.is_empty() => para_start = Some(range.start),
                    _ => {}
                }
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                match tag {
                    TagEnd::Item => {
                        if let Some((line, src, from)) = items.pop() {
                            if item_names.len() <= from {
                                continue;
                            }
                            let item = text.get(src).unwrap_or("");
                            let focus = Arc::new(Focus {
                                text: first_lines(item, 6),
                                line,
                            });
                            let names = item_names.drain(from..);
                            prose_keys(item, names, Some(&focus), &mut evidence, &mut keys);
                        }
                    }
                    TagEnd::Paragraph | TagEnd::TableCell | TagEnd::BlockQuote(_)
                        if items.is_empty() =>
                    {
                        let para = para_start
                            .take()
                            .and_then(|s| text.get(s..range.end))
                            .unwrap_or("");
                        if let Some(phrase) = bold_phrase(para) {
                            if let Some(h) = heads.last_mut() {
                                h.bold.push(phrase.to_string());
                            }
                        }
                        if !para_names.is_empty() {
                            prose_keys(para, para_names.drain(..), None, &mut evidence, &mut keys);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if !items.is_empty() => {
                let from = items.last().map_or(0, |i| i.2);
                prose_names(&t, false, &mut item_names, from);
            }
            Event::Code(t) if !items.is_empty() => {
                let from = items.last().map_or(0, |i| i.2);
                prose_names(&t, true, &mut item_names, from);
            }
            Event::Text(t) => prose_names(&t, false, &mut para_names, 0),
            Event::Code(t) => prose_names(&t, true, &mut para_names, 0),
            _ => {}
        }
    }
    promote_shown(&mut keys, &mut shown);
    settle(&mut sections, &mut excerpt, &mut keys, &mut snippets);
    // section ends: the next heading of the same or a higher level
    let total = u32::try_from(lines.line_count()).unwrap_or(u32::MAX);
    for i in 0..sections.len() {
        let level = sections[i].level;
        let end = sections[i + 1..]
            .iter()
            .find(|s| level > 0 && s.level <= level)
            .map_or(total, |s| s.line);
        sections[i].end_line = end.max(sections[i].line + 1);
    }
    for s in &mut sections {
        s.has_content = has_prose(&s.excerpt) || s.snippets.iter().any(Snippet::is_go);
    }
    // in a note without Go code, `select` in a code span is SQL's and `map` JavaScript's
    if !sections
        .iter()
        .any(|s| s.snippets.iter().any(Snippet::is_go))
    {
        let go_only = |n: &str| n.contains('.') || !needs_evidence(n);
        evidence.retain(|n| go_only(n));
        for s in &mut sections {
            s.keys
                .retain(|k| k.source > Source::Prose || go_only(&k.name));
        }
    }
    let topic = heading_and_title_keys(&mut sections, &heads, &evidence, &front, aliases);
    for s in &mut sections {
        s.keys
            .sort_by(|a, b| b.source.cmp(&a.source).then_with(|| a.name.cmp(&b.name)));
        s.answers = s.has_content;
        // notes stay in memory for the whole session: no spare capacity
        s.excerpt.shrink_to_fit();
        s.title.shrink_to_fit();
        s.keys.shrink_to_fit();
        s.snippets.shrink_to_fit();
        for snip in &mut s.snippets {
            snip.code.shrink_to_fit();
        }
    }
    sections.shrink_to_fit();
    // a section answers when it or one below it has content: children come after parents
    for i in (0..sections.len()).rev() {
        if sections[i].answers {
            if let Some(p) = sections[i].parent {
                sections[p as usize].answers = true;
            }
        }
    }
    Ok(Note {
        sections,
        bytes: text.len(),
        lines: total,
        topic,
    })
}

/// What front matter says of a note: explicit keys, and its title and tags.
#[derive(Default)]
struct FrontMatter {
    keys: Vec<String>,
    /// `title:` and `tags:` values, one text.
    title: String,
}

impl FrontMatter {
    fn read(&mut self, yaml: &str) {
        self.keys.extend(front_matter_keys(yaml));
        let mut in_tags = false;
        for line in yaml.lines() {
            let t = line.trim();
            let value = |rest: &str| {
                rest.trim()
                    .trim_matches(['[', ']', '"', '\''])
                    .replace([',', '"', '\''], " ")
            };
            if let Some(rest) = t.strip_prefix("title:") {
                self.title.push_str(&value(rest));
                self.title.push(' ');
                in_tags = false;
            } else if let Some(rest) = t.strip_prefix("tags:") {
                self.title.push_str(&value(rest));
                self.title.push(' ');
                in_tags = rest.trim().is_empty();
            } else if in_tags && t.starts_with("- ") {
                self.title.push_str(&value(&t[2..]));
                self.title.push(' ');
            } else if !t.is_empty() {
                in_tags = false;
            }
        }
    }
}

/// The keys of the names a list item or paragraph holds: prose where a line of it starts with
/// the name, a mention elsewhere; each name is evidence for the section's heading too.
fn prose_keys(
    src: &str,
    names: impl Iterator<Item = Arc<str>>,
    focus: Option<&Arc<Focus>>,
    ev: &mut Gathered,
    keys: &mut Vec<Key>,
) {
    let heads = item_heads(src);
    for name in names {
        let source = if heads.iter().any(|h| starts_with_name(h, &name)) {
            Source::Prose
        } else {
            Source::Mention
        };
        ev.add(Arc::clone(&name));
        push_key(keys, Key::new(name, source, 0, focus.cloned()));
    }
}

/// A name the section's prose mentions in passing and its own Go code uses is what the section
/// shows: the mention becomes a prose key. Clears `shown` for the next section.
fn promote_shown(keys: &mut [Key], shown: &mut Vec<Arc<str>>) {
    for k in keys.iter_mut() {
        if k.source == Source::Mention && shown.iter().any(|n| Arc::ptr_eq(n, &k.name)) {
            k.source = Source::Prose;
        }
    }
    shown.clear();
}

/// Moves what the last section gathered into it, exactly sized; the buffers stay for the next.
fn settle(
    sections: &mut [Section],
    excerpt: &mut String,
    keys: &mut Vec<Key>,
    snippets: &mut Vec<Snippet>,
) {
    if let Some(last) = sections.last_mut() {
        last.excerpt = excerpt.as_str().into();
        last.keys = Vec::with_capacity(keys.len());
        last.keys.append(keys);
        last.snippets = Vec::with_capacity(snippets.len());
        last.snippets.append(snippets);
    }
    excerpt.clear();
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn is_prose_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph | Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_)
    )
}

fn append_excerpt(excerpt: &mut String, src: &str) {
    const SEPARATOR: &str = "\n\n";
    let sep = if excerpt.is_empty() { "" } else { SEPARATOR };
    let room = EXCERPT_MAX_BYTES.saturating_sub(excerpt.len() + sep.len());
    if room == 0 || src.is_empty() {
        return;
    }
    excerpt.push_str(sep);
    if src.len() <= room {
        excerpt.push_str(src);
    } else {
        let mut cut = room;
        while !src.is_char_boundary(cut) {
            cut -= 1;
        }
        excerpt.push_str(&src[..cut]);
        excerpt.push('…');
    }
}

fn first_lines(s: &str, n: usize) -> String {
    let mut out = String::new();
    for line in s.lines().filter(|l| !l.trim().is_empty()).take(n) {
        if out.is_empty() {
            out.reserve(s.len().min(512));
            out.push_str(line.trim());
        } else {
            out.push('\n');
            out.push_str(line.trim_end());
        }
    }
    out.shrink_to_fit();
    out
}

/// Adds a key, keeping the strongest source (and its focus) when the name is already there.
fn push_key(keys: &mut Vec<Key>, key: Key) {
    match keys.iter_mut().find(|k| k.name == key.name) {
        Some(k)
            if k.source < key.source
                || (k.source == key.source && k.focus.is_none() && key.focus.is_some()) =>
        {
            *k = key
        }
        Some(_) => {}
        None => keys.push(key),
    }
}

/// Words of a heading or prose: runs of ASCII identifier characters and dots, and `<-`, each
/// with the offset just past it.
struct Words<'t> {
    text: &'t str,
    at: usize,
}

fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

impl<'t> Iterator for Words<'t> {
    type Item = (&'t str, usize);

    fn next(&mut self) -> Option<(&'t str, usize)> {
        let b = self.text.as_bytes();
        let mut i = self.at;
        while i < b.len() {
            if b[i] == b'<' && b.get(i + 1) == Some(&b'-') {
                self.at = i + 2;
                return Some(("<-", self.at));
            }
            if b[i].is_ascii_alphanumeric() || b[i] == b'_' {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || (b[i] == b'.'
                            && b.get(i + 1)
                                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')))
                {
                    i += 1;
                }
                self.at = i;
                return Some((&self.text[start..i], i));
            }
            i += 1;
        }
        self.at = b.len();
        None
    }
}

/// One shared copy of each key name, for the whole process: notes name the same few thousand
/// Go names hundreds of thousands of times. Each thread keeps the names it met in front of the
/// shared table, so that parsing on every core rarely waits for the table's lock.
fn intern(name: &str) -> Arc<str> {
    type Names = std::collections::HashSet<Arc<str>, crate::hash::BuildFast>;
    static NAMES: std::sync::LazyLock<std::sync::Mutex<Names>> =
        std::sync::LazyLock::new(Default::default);
    thread_local! {
        static MET: std::cell::RefCell<Names> = std::cell::RefCell::default();
    }
    if let Some(n) = MET.with_borrow(|met| met.get(name).cloned()) {
        return n;
    }
    let n = {
        let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
        match names.get(name) {
            Some(n) => Arc::clone(n),
            None => {
                let n: Arc<str> = Arc::from(name);
                names.insert(Arc::clone(&n));
                n
            }
        }
    };
    MET.with_borrow_mut(|met| met.insert(Arc::clone(&n)));
    n
}

fn percent(share: f32) -> u8 {
    (share.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// `a.B` where `a` is a lowercase identifier: a package-qualified name.
fn is_qualified(w: &str) -> bool {
    let Some((first, rest)) = w.split_once('.') else {
        return false;
    };
    first.bytes().next().is_some_and(|c| c.is_ascii_lowercase())
        && first
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_')
        && rest.split('.').all(|p| {
            p.bytes()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        })
}

/// The length of a heading in "letters": ASCII word characters and other non-space characters.
fn heading_len(text: &str) -> usize {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        .count()
        .max(1)
}

/// Keys from headings and from the note's title, once the whole note is read. Each section's
/// evidence is widened to its subtree first (a `## Channels` whose code lives in its
/// subsections is still about channels); headings are read top-down, so a heading's context
/// (the keys of the headings above it and the note's title) is known when it is read.
/// Returns the note's topic.
fn heading_and_title_keys(
    sections: &mut [Section],
    heads: &[Head],
    evidence: &Gathered,
    front: &FrontMatter,
    aliases: &Aliases,
) -> Vec<Arc<str>> {
    // where the note's topic is written: its path, its front matter, a heading that opens it
    let path = sections[0].title.replace('_', " ");
    let (folder, stem) = match path.rsplit_once('/') {
        Some((dir, file)) => (dir.rsplit('/').next().unwrap_or(""), file),
        None => ("", path.as_str()),
    };
    let stem = stem
        .strip_suffix(".md")
        .or_else(|| stem.strip_suffix(".markdown"))
        .unwrap_or(stem);
    let generic = matches!(
        stem.to_ascii_lowercase().as_str(),
        "readme" | "index" | "_index" | "main" | "home"
    );
    let opening = sections.len() > 1 && !sections[0].has_content;
    let mut sources: Vec<&str> = Vec::new();
    if generic {
        sources.push(folder);
    } else {
        sources.push(stem);
    }
    sources.push(&front.title);
    if opening {
        sources.push(&sections[1].title);
    }
    // a word written in two of those places is the topic, whatever else it means: evidence
    // for the whole note
    let mut file_evidence: Vec<Arc<str>> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (k, src) in sources.iter().enumerate() {
        let mut mine: Vec<String> = words(src).map(|(w, _)| w.to_ascii_lowercase()).collect();
        mine.sort();
        mine.dedup();
        for w in mine {
            if seen.contains(&w) && !file_evidence.iter().any(|e| **e == *w) {
                file_evidence.push(intern(&w));
            }
            if k + 1 < sources.len() {
                seen.push(w);
            }
        }
    }
    let mut title_keys: Vec<Key> = Vec::new();
    for src in sources[..sources.len() - usize::from(opening)]
        .iter()
        .filter(|s| !s.trim().is_empty())
    {
        let ev = Evidence {
            names: evidence.all(),
            extra: &file_evidence,
        };
        heading_keys(src, &[], aliases, ev, &[], Source::Title, &mut title_keys);
    }
    let mut topic: Vec<Arc<str>> = title_keys.iter().map(|k| Arc::clone(&k.name)).collect();
    for i in 1..sections.len() {
        let mut context: Vec<Arc<str>> = topic.clone();
        let mut cur = sections[i].parent;
        while let Some(p) = cur.filter(|&p| p > 0) {
            for k in &sections[p as usize].keys {
                if k.source >= Source::Title && !context.contains(&k.name) {
                    context.push(Arc::clone(&k.name));
                }
            }
            cur = sections[p as usize].parent;
        }
        let mut keys = std::mem::take(&mut sections[i].keys);
        // the section's evidence and its subsections' (a `## Channels` whose code lives
        // below it is still about channels); the whole note's for a heading that opens it
        let ev = if i == 1 && opening {
            Evidence {
                names: evidence.all(),
                extra: &file_evidence,
            }
        } else {
            let level = sections[i].level;
            let end = i
                + 1
                + sections[i + 1..]
                    .iter()
                    .take_while(|s| s.level > level)
                    .count();
            Evidence {
                names: evidence.sections(i..end),
                extra: &[],
            }
        };
        let head = &heads[i];
        heading_keys(
            &sections[i].title,
            &head.code,
            aliases,
            ev,
            &context,
            Source::Heading,
            &mut keys,
        );
        // a bold phrase standing as a paragraph is a heading inside the section: its keys
        // rank below the section's own heading's
        let mut inner: Vec<Key> = Vec::new();
        for phrase in &head.bold {
            heading_keys(
                phrase,
                &[],
                aliases,
                ev,
                &context,
                Source::Heading,
                &mut inner,
            );
        }
        for mut k in inner {
            k.purity /= 4;
            push_key(&mut keys, k);
        }
        for k in &keys {
            if k.source >= Source::Title && !context.contains(&k.name) {
                context.push(Arc::clone(&k.name));
            }
        }
        bare_members(&sections[i].excerpt, &context, &mut keys);
        snippet_members(&sections[i].snippets, &context, &mut keys);
        sections[i].keys = keys;
        if i == 1 && opening {
            for k in &sections[1].keys {
                if k.source >= Source::Title && !topic.contains(&k.name) {
                    topic.push(Arc::clone(&k.name));
                }
            }
        }
    }
    let mut keys = std::mem::take(&mut sections[0].keys);
    bare_members(&sections[0].excerpt, &topic, &mut keys);
    sections[0].keys = keys;
    let target = if sections.len() > 1 && !sections[0].has_content {
        1
    } else {
        0
    };
    for k in &front.keys {
        push_key(
            &mut sections[target].keys,
            Key::new(intern(k), Source::Explicit, 100, None),
        );
    }
    for k in title_keys {
        push_key(&mut sections[target].keys, k);
    }
    topic
}

/// The names each section's code uses, gathered in one list in document order: a section's
/// names follow its heading, so a subtree's names are one run of the list.
#[derive(Default)]
struct Gathered {
    names: Vec<Arc<str>>,
    /// Where each section's names start; the level-0 section's at 0.
    starts: Vec<u32>,
}

impl Gathered {
    /// The next section's names start here.
    fn open_section(&mut self) {
        self.starts
            .push(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
    }

    /// A name the current section uses, once.
    fn add(&mut self, name: Arc<str>) {
        let from = self.starts.last().map_or(0, |&s| s as usize);
        if !self.names[from..].iter().any(|n| Arc::ptr_eq(n, &name)) {
            self.names.push(name);
        }
    }

    fn all(&self) -> &[Arc<str>] {
        &self.names
    }

    /// The names of sections `range` (section 0 is the text before the first heading).
    fn sections(&self, range: std::ops::Range<usize>) -> &[Arc<str>] {
        let at = |i: usize| match i {
            0 => 0,
            i => self
                .starts
                .get(i - 1)
                .map_or(self.names.len(), |&s| s as usize),
        };
        &self.names[at(range.start)..at(range.end).max(at(range.start))]
    }

    fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        let mut names = Vec::with_capacity(self.names.len());
        let mut starts = Vec::with_capacity(self.starts.len());
        let mut next = self.starts.iter().peekable();
        for (i, n) in self.names.iter().enumerate() {
            while next.peek().is_some_and(|&&s| s as usize <= i) {
                next.next();
                starts.push(u32::try_from(names.len()).unwrap_or(u32::MAX));
            }
            if keep(n) {
                names.push(Arc::clone(n));
            }
        }
        for _ in next {
            starts.push(u32::try_from(names.len()).unwrap_or(u32::MAX));
        }
        self.names = names;
        self.starts = starts;
    }
}

/// What speaks for a word of a heading being Go: the names the section's snippets and code
/// spans use (qualified names, keywords, builtins), widened to its subtree.
#[derive(Clone, Copy)]
struct Evidence<'a> {
    /// The names the sections of the subtree gathered.
    names: &'a [Arc<str>],
    /// More names (words the note's title places agree on).
    extra: &'a [Arc<str>],
}

impl<'a> Evidence<'a> {
    fn names(&self) -> impl Iterator<Item = &'a Arc<str>> + use<'a> {
        self.names.iter().chain(self.extra)
    }

    /// Whether `name` is used: the name itself, or for a package or type a member of it
    /// (`sync.Once` speaks for `sync`); `<-` speaks for `chan`.
    fn has(&self, name: &str) -> bool {
        self.names()
            .any(|e| **e == *name || is_member_of(e, name) || (name == "chan" && &**e == "<-"))
    }
}

/// Go words that are also everyday English: they key a section only when its code (or a code
/// span in the heading) uses them. `chan`, `defer` and `fallthrough` mean nothing else.
fn needs_evidence(word: &str) -> bool {
    !matches!(word, "chan" | "defer" | "fallthrough" | "_" | "<-") && !word.contains('.')
}

/// `word` and the words it may be inflected from: `panics`, `panicking` -> `panic`; `closing`
/// -> `close`; `mapping` -> `map`; `interfaces` -> `interface`.
fn word_forms(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    // most words are no inflection: one allocation, then out
    if !(word.ends_with('s') || word.ends_with("ed") || word.ends_with("ing") || word.len() >= 8) {
        return out;
    }
    // words whose Go spelling is a clipping
    let clipped = match word {
        "constant" | "constants" => Some("const"),
        "variable" | "variables" => Some("var"),
        "function" | "functions" => Some("func"),
        "structure" | "structures" => Some("struct"),
        _ => None,
    };
    out.extend(clipped.map(str::to_string));
    if word.len() < 4 {
        return out;
    }
    let mut stems: Vec<&str> = Vec::new();
    if let Some(b) = word.strip_suffix("ing").or_else(|| word.strip_suffix("ed")) {
        stems.push(b);
    }
    if let Some(b) = word.strip_suffix("es") {
        stems.push(b);
    }
    if let Some(b) = word.strip_suffix('s') {
        stems.push(b);
    }
    for b in stems {
        if b.len() < 2 {
            continue;
        }
        out.push(b.to_string());
        out.push(format!("{b}e"));
        let bytes = b.as_bytes();
        // `mapping` -> `map`, `panicking` -> `panic`
        if bytes.len() >= 3 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] {
            out.push(b[..b.len() - 1].to_string());
        }
        if let Some(c) = b.strip_suffix("ck") {
            out.push(format!("{c}c"));
        }
    }
    out
}

/// The Go name a word of a heading (or title) stands for, if any: a qualified name as written
/// (its member capitalised when a note lowercases it: `strings.join`), a keyword, builtin or
/// package (with evidence where it is also English), or a member written bare, qualified by the
/// section's code (`### Mutex` over code using `sync.Mutex`) or its context (`## Copy` under a
/// heading about package `io`).
fn heading_word(
    word: &str,
    code: bool,
    go_context: bool,
    ev: Evidence<'_>,
    context: &[Arc<str>],
) -> Option<String> {
    if is_qualified(word) {
        return Some(fix_case(word));
    }
    if word == "<-" || word == "_" {
        return Some(word.to_string());
    }
    // keywords, builtins and package names are short runs of letters
    if word.len() > 16 || !word.bytes().all(|c| c.is_ascii_alphabetic()) {
        return member_word(word, ev, context);
    }
    let lower = word.to_ascii_lowercase();
    if lower == "go" || lower == "golang" {
        return None; // the language's name, far more often than the statement
    }
    // a package its code uses by name (`## strings` over `strings.Builder`) before any
    // keyword its plural could be (`errors` is not `error` there)
    if is_std_package(&lower)
        && ((code && word == lower) || ev.names().any(|n| is_member_of(n, &lower)))
    {
        return Some(lower);
    }
    let forms = word_forms(&lower);
    for form in &forms {
        let form = form.as_str();
        if go::is_keyword(form) || go::is_builtin(form) || matches!(form, "error" | "any") {
            // a code span means Go only as Go spells it: `Select` is C#'s
            let ok = (code && word == form)
                || go_context
                || !needs_evidence(form)
                || ev.has(form)
                || ev.has(&lower);
            if ok {
                return Some(form.to_string());
            }
            // `## Copy 和 CopyN 函数` in a note about `io` is `io.Copy`
            return member_word(word, ev, context);
        }
    }
    for form in &forms {
        let form = form.as_str();
        if is_std_package(form) {
            let ok = ev.has(form) || ev.has(&lower) || context.iter().any(|c| **c == *form);
            if ok {
                return Some(form.to_string());
            }
        }
    }
    member_word(word, ev, context)
}

/// The std packages and types among the names a section is about: (`time`, None),
/// (`sync`, Some(`Mutex`)).
fn std_quals(about: &[Arc<str>]) -> Vec<(&str, Option<&str>)> {
    about
        .iter()
        .filter(|c| !c.contains(' '))
        .filter_map(|c| {
            let mut parts = c.split('.');
            let pkg = parts.next()?;
            let ty = parts.next();
            (parts.next().is_none() && is_std_package(pkg)).then_some((pkg, ty))
        })
        .collect()
}

/// Methods of the standard types a section is about, called in its Go code on a value
/// (`t1.Before(t2)` in a section of a note about `time`: `time.Time.Before`, the one type of
/// `time` with that method): snippet keys, as the section's code shows the member.
fn snippet_members(snippets: &[Snippet], about: &[Arc<str>], keys: &mut Vec<Key>) {
    let quals = std_quals(about);
    if quals.is_empty() {
        return;
    }
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for code in snippets
        .iter()
        .filter(|s| s.is_go())
        .map(|s| s.code.as_str())
    {
        let b = code.as_bytes();
        let mut i = 0;
        while let Some(dot) = code[i..].find('.').map(|d| d + i) {
            i = dot + 1;
            if !b.get(dot + 1).is_some_and(u8::is_ascii_uppercase) {
                continue;
            }
            // the value before the dot: an identifier, a call's or index's close
            let mut s = dot;
            while s > 0 && ident(b[s - 1]) {
                s -= 1;
            }
            let before = &code[s..dot];
            let value = matches!(b.get(dot.wrapping_sub(1)), Some(b')' | b']'))
                || (!before.is_empty()
                    && !is_std_package(before)
                    && !before.starts_with(|c: char| c.is_ascii_uppercase()));
            let mut e = dot + 1;
            while e < b.len() && ident(b[e]) {
                e += 1;
            }
            if !value || b.get(e) != Some(&b'(') {
                continue;
            }
            let w = &code[dot + 1..e];
            let found = quals.iter().find_map(|&(pkg, ty)| match ty {
                Some(ty) => stdapi::type_member(pkg, ty, w)
                    .is_some()
                    .then(|| format!("{pkg}.{ty}.{w}")),
                None => match stdapi::types_with_member(pkg, w).as_slice() {
                    [one] => Some(format!("{pkg}.{}.{w}", one.name)),
                    _ => None,
                },
            });
            if let Some(name) = found {
                push_key(keys, Key::new(intern(&name), Source::Snippet, 0, None));
            }
        }
    }
}

/// Members of the standard packages and types a section is about, written bare in its prose
/// (`WithCancel` in a note about `context`, `Broadcast` under `sync.Cond`): mentions, or prose
/// keys where a line starts with them.
fn bare_members(excerpt: &str, about: &[Arc<str>], keys: &mut Vec<Key>) {
    let quals = std_quals(about);
    if quals.is_empty() {
        return;
    }
    let b = excerpt.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        // eight bytes at a time while none is an ASCII capital (most of any text)
        while let Some(chunk) = b.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if !has_ascii_capital(x) {
                i += 8;
            } else {
                break;
            }
        }
        if i >= b.len() {
            break;
        }
        if !b[i].is_ascii_uppercase() || (i > 0 && (ident(b[i - 1]) || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ident(b[i]) {
            i += 1;
        }
        let w = &excerpt[start..i];
        // `Foo.Bar` is a qualified name, not a member written bare; a sentence's `.` is fine
        if w.len() < 3 || (b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(|&c| ident(c))) {
            continue;
        }
        let found = quals.iter().find_map(|&(pkg, ty)| match ty {
            Some(ty) => stdapi::type_member(pkg, ty, w)
                .is_some()
                .then(|| format!("{pkg}.{ty}.{w}")),
            None => stdapi::member(pkg, w)
                .is_some()
                .then(|| format!("{pkg}.{w}")),
        });
        if let Some(name) = found {
            let source = if leads_with(excerpt, w) {
                Source::Prose
            } else {
                Source::Mention
            };
            push_key(keys, Key::new(intern(&name), source, 0, None));
        }
    }
}

/// Whether any of the eight bytes of `x` is an ASCII capital (`A`..=`Z`): the classic test for
/// a byte between two values, on bytes below 0x80 (the others are masked out).
fn has_ascii_capital(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & !HIGH; // each byte's low seven bits
    // a byte b (< 0x80) with 0x40 < b < 0x5B: b + (0x7F - 0x40) sets the high bit when b > 0x40,
    // (0x7F + 0x5B) - b keeps it set when b < 0x5B
    let above = low + ONES * (0x7F - 0x40);
    let below = ONES * (0x7F + 0x5B) - low;
    (above & below & !x & HIGH) != 0
}

/// The phrase of a paragraph that is one short bold phrase and nothing else (`**select**`,
/// `**unbuffered channel**<br/>`), as notes write sub-headings without heading syntax.
fn bold_phrase(para: &str) -> Option<&str> {
    // the paragraph's first line: alone, or ended by a line break (`<br/>`) before the text
    let mut lines = para.trim().lines();
    let first = lines.next()?.trim_end();
    let broken = first.ends_with("<br/>") || first.ends_with("<br>");
    if lines.next().is_some() && !broken {
        return None;
    }
    let t = first
        .strip_suffix("<br/>")
        .or_else(|| first.strip_suffix("<br>"))
        .unwrap_or(first)
        .trim_end();
    let inner = t
        .strip_prefix("**")
        .and_then(|r| r.strip_suffix("**"))
        .or_else(|| t.strip_prefix("__").and_then(|r| r.strip_suffix("__")))?;
    (!inner.is_empty() && inner.len() <= 60 && !inner.contains("**")).then_some(inner)
}

/// Whether `name` is a member of package or type `of` (`sync.Once` of `sync`).
fn is_member_of(name: &str, of: &str) -> bool {
    name.len() > of.len() && name.starts_with(of) && name.as_bytes()[of.len()] == b'.'
}

/// A member written bare in a heading, qualified by what the section's code uses or by the
/// packages and types of its context.
fn member_word(word: &str, ev: Evidence<'_>, context: &[Arc<str>]) -> Option<String> {
    let b = word.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_alphabetic() || word.contains('.') {
        return None;
    }
    let lower_ok = b.len() >= 4; // `## mutex` over code using `sync.Mutex`
    // `x.Word` among the names the code uses, the case ignored for a lower-case word
    let ends_with_member = |n: &str| {
        let (nb, wb) = (n.as_bytes(), word.as_bytes());
        nb.len() > wb.len()
            && nb[nb.len() - wb.len() - 1] == b'.'
            && (n.ends_with(word)
                || (lower_ok
                    && b[0].is_ascii_lowercase()
                    && nb[nb.len() - wb.len()..].eq_ignore_ascii_case(wb)))
            && !n.contains(' ')
    };
    if let Some(n) = ev.names().find(|n| ends_with_member(n)) {
        return Some(n.to_string());
    }
    let cap: Cow<'_, str> = if b[0].is_ascii_uppercase() {
        Cow::Borrowed(word)
    } else if lower_ok {
        let mut c = word.to_string();
        c[..1].make_ascii_uppercase();
        Cow::Owned(c)
    } else {
        return None;
    };
    let cap = &*cap;
    // a member of a package or type above it, as the standard library has it
    for c in context.iter().filter(|c| !c.contains(' ')) {
        let mut parts = c.split('.');
        let pkg = parts.next().unwrap_or("");
        if !stdapi::is_package(pkg) {
            continue;
        }
        if let Some(ty) = parts.next() {
            if stdapi::type_member(pkg, ty, cap).is_some() {
                return Some(format!("{pkg}.{ty}.{cap}"));
            }
        }
        if stdapi::member(pkg, cap).is_some() {
            return Some(format!("{pkg}.{cap}"));
        }
    }
    // a method or field of the one type of such a package that has it
    if let Some(name) = context
        .iter()
        .filter(|c| !c.contains('.') && !c.contains(' '))
        .find_map(|pkg| match stdapi::types_with_member(pkg, cap).as_slice() {
            [one] => Some(format!("{pkg}.{}.{cap}", one.name)),
            _ => None,
        })
    {
        return Some(name);
    }
    // the one standard type of that name, in a section whose code uses its package
    // (`The Stringer Interface` over code calling `fmt.Println`)
    match stdapi::types_named(cap) {
        [one] if b[0].is_ascii_uppercase() && cap.len() >= 4 => {
            let pkg = one.package.rsplit('/').next().unwrap_or(one.package);
            ev.has(pkg).then(|| format!("{pkg}.{cap}"))
        }
        _ => None,
    }
}

/// A standard package's name: the common ones without a table lookup.
fn is_std_package(word: &str) -> bool {
    go::is_std_package(word) || stdapi::is_package(word)
}

/// `strings.join` -> `strings.Join`: notes lowercase exported names of standard packages.
fn fix_case(word: &str) -> String {
    let mut parts = word.split('.');
    let pkg = parts.next().unwrap_or("");
    if !is_std_package(pkg) {
        return word.to_string();
    }
    let mut out = pkg.to_string();
    for (i, p) in parts.enumerate() {
        out.push('.');
        let mut cs = p.chars();
        match cs.next() {
            Some(c) if i < 2 => {
                out.push(c.to_ascii_uppercase());
                out.push_str(cs.as_str());
            }
            _ => out.push_str(p),
        }
    }
    out
}

/// Adds a heading's (or title's) keys to `keys`: Go names among its words (see
/// [`heading_word`]), then glossary words. `code` holds the heading's code spans: a word in
/// one is Go whatever else it means. `source` is `Heading` or `Title`.
fn heading_keys(
    text: &str,
    code: &[String],
    aliases: &Aliases,
    ev: Evidence<'_>,
    context: &[Arc<str>],
    source: Source,
    keys: &mut Vec<Key>,
) {
    let len = heading_len(text) as f32;
    // a heading that names the language (`Maps in Go`, `说说go语言的select机制`) means Go by
    // its everyday words
    let go_context =
        words(text).any(|(w, _)| w.eq_ignore_ascii_case("go") || w.eq_ignore_ascii_case("golang"));
    for (w, end) in words(text) {
        // a builtin called (`delete(m, k) 不会缩容`) is written as Go writes it
        let call = go::is_builtin(w) && text.as_bytes().get(end) == Some(&b'(');
        let in_code = call || code.iter().any(|c| words(c).any(|(x, _)| x == w));
        if let Some(name) = heading_word(w, in_code, go_context, ev, context) {
            // ASCII words: bytes are characters
            let purity = percent(w.bytes().filter(|c| *c != b'.').count() as f32 / len);
            push_key(keys, Key::new(intern(&name), source, purity, None));
        }
    }
    let alias_source = if source == Source::Title {
        Source::Title
    } else {
        Source::Alias
    };
    for m in aliases.find(text) {
        // `struct tag` is one concept, not the keyword `struct`
        if m.word.contains(' ') {
            keys.retain(|k| k.source != source || !m.word.split(' ').any(|w| *w == *k.name));
        }
        if m.needs_evidence && !ev.has(m.key) && !ev.has(m.word) {
            continue;
        }
        push_key(
            keys,
            Key::new(
                intern(m.key),
                alias_source,
                percent(m.chars as f32 / len),
                None,
            ),
        );
    }
}

/// Whether an untagged code block reads like Go.
fn looks_like_go(code: &str) -> bool {
    [
        "func ", ":= ", "package ", "fmt.", "go func", "chan ", "<-", "defer ", "struct {",
    ]
    .iter()
    .any(|m| code.contains(m))
}

/// Whether an excerpt says something: not only images, links to images or HTML.
fn has_prose(excerpt: &str) -> bool {
    excerpt.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with("![") && !t.starts_with("<img") && !t.starts_with("<p")
    })
}

/// Whether a line of a list item or paragraph starts with `name` (after list markers,
/// numbering and emphasis): the text defines or shows the name (`make(chan 元素类型)` on a line
/// of its own, `1. runtime.Gosched() 让出当前时间片`), not a passing mention.
fn leads_with(src: &str, name: &str) -> bool {
    line_heads(src, |head| starts_with_name(head, name))
}

/// The start of each line of a list item or paragraph, after its markers (up to 64 bytes: as
/// much as a name can be).
fn item_heads(src: &str) -> Vec<&[u8]> {
    let mut heads = Vec::new();
    line_heads(src, |h| {
        heads.push(&h[..h.len().min(64)]);
        false
    });
    heads
}

/// Whether `head` (the start of a line after its markers) starts with `name`, or with the member
/// part of a qualified name (`Gosched()` written for `runtime.Gosched`).
fn starts_with_name(head: &[u8], name: &str) -> bool {
    head.starts_with(name.as_bytes())
        || name
            .rsplit_once('.')
            .is_some_and(|(_, m)| m.len() > 2 && head.starts_with(m.as_bytes()))
}

/// Calls `f` with each line of `src` after its list markers, numbering and emphasis, until `f`
/// says yes.
fn line_heads<'s>(src: &'s str, mut f: impl FnMut(&'s [u8]) -> bool) -> bool {
    let marker = |c: u8| {
        c.is_ascii_whitespace()
            || c.is_ascii_digit()
            || matches!(
                c,
                b'-' | b'*' | b'+' | b'.' | b')' | b'>' | b'`' | b'_' | b'(' | b'#' | b'|'
            )
    };
    let b = src.as_bytes();
    let mut start = 0;
    while start <= b.len() {
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |n| start + n);
        let mut t = &b[start..end];
        loop {
            match t {
                [c, rest @ ..] if marker(*c) => t = rest,
                // `1、`
                [0xE3, 0x80, 0x81, rest @ ..] => t = rest,
                _ => break,
            }
        }
        if !t.is_empty() && f(t) {
            return true;
        }
        start = end + 1;
    }
    false
}

/// Names in prose, added to `out` (interned, once each). In inline code every Go name counts;
/// in plain text, qualified names whose package is known, builtin calls (`close(ch)`), and
/// `var _` / `import _`.
fn prose_names(text: &str, code: bool, out: &mut Vec<Arc<str>>, from: usize) {
    let mut add = |name: &str| {
        if !out[from..].iter().any(|n| **n == *name) {
            out.push(intern(name));
        }
    };
    if code {
        match go::scan_simple(text) {
            // `close` in a code span speaks of the builtin
            Some(go::Simple::Nothing) if go::is_builtin(text.trim()) => return add(text.trim()),
            Some(go::Simple::Nothing) => return,
            // `sync.Once` in prose speaks of `sync.Once`, not of package `sync` as a whole
            Some(go::Simple::Member(_, member)) => return add(member),
            Some(go::Simple::One(name)) if !is_declaration(name) => return add(name),
            Some(go::Simple::One(_)) => return,
            None => {}
        }
        let names = go::scan_names(text);
        // `sync.Once` in prose speaks of `sync.Once`, not of package `sync` as a whole
        let qualifies = |n: &str| {
            names
                .iter()
                .any(|m| m.len() > n.len() && m.starts_with(n) && m.as_bytes()[n.len()] == b'.')
        };
        for n in &names {
            if !is_declaration(n) && !qualifies(n) {
                add(n);
            }
        }
        return;
    }
    plain_names(text, &mut add);
}

/// Keywords inline code uses to show a declaration, not to speak of the keyword.
fn is_declaration(name: &str) -> bool {
    matches!(
        name,
        "package" | "func" | "var" | "type" | "import" | "return"
    )
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether a `.` before `c` continues a word (`sync.Once`, not `1.5` or a sentence's end).
fn is_word_head(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// The word of [`words`] that holds byte `q` (a word byte): words are found from where they
/// can be, not by reading the text from its start.
fn word_at(b: &[u8], q: usize) -> Range<usize> {
    let mut start = q;
    // a word byte before, or a `.` between word bytes that goes on with a letter
    while (start > 0 && is_word_byte(b[start - 1]))
        || (start > 1
            && b[start - 1] == b'.'
            && is_word_head(b[start])
            && is_word_byte(b[start - 2]))
    {
        start -= 1;
    }
    let mut end = q + 1;
    while end < b.len()
        && (is_word_byte(b[end])
            || (b[end] == b'.' && b.get(end + 1).is_some_and(|&c| is_word_head(c))))
    {
        end += 1;
    }
    start..end
}

/// The names plain prose holds: qualified names whose package is known, builtin calls
/// (`close(ch)`), `panic` and `recover` even bare, and `var _` / `import _`. Every one of them
/// holds a `.`, `(`, `_` or is `panic`/`recover`: only the words at those are read, so prose
/// without them (most Chinese prose) costs one scan for three bytes.
fn plain_names(text: &str, add: &mut impl FnMut(&str)) {
    let b = text.as_bytes();
    let mut done = 0; // the end of the last word read at a `.`
    for p in memchr::memchr3_iter(b'.', b'(', b'_', b) {
        match b[p] {
            b'.' if p >= done
                && p > 0
                && is_word_byte(b[p - 1])
                && b.get(p + 1).is_some_and(|&c| is_word_head(c)) =>
            {
                let r = word_at(b, p - 1);
                done = r.end;
                let w = &text[r];
                if is_qualified(w) {
                    let first = w.split('.').next().unwrap_or("");
                    if is_std_package(first) || first == "cmd" {
                        add(w);
                    }
                }
            }
            b'(' if p > 0 && is_word_byte(b[p - 1]) => {
                let w = &text[word_at(b, p - 1)];
                if go::is_builtin(w) {
                    add(w);
                }
            }
            b'_' => {
                let r = word_at(b, p);
                if r.len() != 1 {
                    continue;
                }
                // the word before, unless `<-` stands between
                let mut gap = r.start;
                while gap > 0 && !is_word_byte(b[gap - 1]) {
                    gap -= 1;
                }
                let arrow = b[gap..r.start].windows(2).any(|w| w == b"<-");
                if gap > 0 && !arrow {
                    let prev = &text[word_at(b, gap - 1)];
                    if prev == "var" || prev == "import" {
                        add(&format!("{prev} _"));
                    }
                }
            }
            _ => {}
        }
    }
    // `panic` and `recover` both hold a `c` (a few percent of English letters, no byte of CJK
    // text): they are looked for around each one
    for c in memchr::memchr_iter(b'c', b) {
        for (name, at) in [("panic", 4), ("recover", 2)] {
            let Some(start) = c.checked_sub(at) else {
                continue;
            };
            if b[start..].starts_with(name.as_bytes()) && text[word_at(b, start)] == *name {
                add(name);
            }
        }
    }
}

/// `keys: [a, b]`, `keys:` followed by `- a` lines, the same for `aliases:`.
fn front_matter_keys(yaml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_list = false;
    for line in yaml.lines() {
        let t = line.trim();
        if let Some(rest) = t
            .strip_prefix("keys:")
            .or_else(|| t.strip_prefix("aliases:"))
        {
            let rest = rest.trim();
            in_list = rest.is_empty();
            out.extend(
                rest.trim_matches(['[', ']'])
                    .split(',')
                    .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
                    .filter(|s| !s.is_empty()),
            );
        } else if in_list && t.starts_with("- ") {
            out.push(t[2..].trim().trim_matches(['"', '\'']).to_string());
        } else if !t.is_empty() {
            in_list = false;
        }
    }
    out
}

/// `<!-- keys: a, b -->` in a heading.
fn comment_keys(html: &str) -> Vec<String> {
    let Some(start) = html.find("keys:") else {
        return Vec::new();
    };
    let rest = &html[start + 5..];
    let rest = rest.split("-->").next().unwrap_or(rest);
    rest.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A fence line: (indentation in columns, fence character, fence length, the rest of the line).
fn fence(line: &str) -> Option<(usize, u8, usize, &str)> {
    let mut indent = 0;
    let mut i = 0;
    for b in line.bytes() {
        match b {
            b' ' => indent += 1,
            b'\t' => indent += 4 - indent % 4,
            _ => break,
        }
        i += 1;
    }
    let mut rest = &line[i..];
    // a fence that opens a list item (`- ```go`): its code is indented past the marker
    let marker = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("* "))
        .or_else(|| rest.strip_prefix("+ "))
        .or_else(|| {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            (digits > 0)
                .then(|| {
                    rest[digits..]
                        .strip_prefix(". ")
                        .or(rest[digits..].strip_prefix(") "))
                })
                .flatten()
        });
    if let Some(after) = marker {
        indent += rest.len() - after.len();
        rest = after;
    }
    let c = *rest.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = rest.bytes().take_while(|&b| b == c).count();
    if n < 3 {
        return None;
    }
    let info = &rest[n..];
    if c == b'`' && info.contains('`') {
        return None;
    }
    Some((indent, c, n, info))
}

fn indent_of(line: &str) -> usize {
    let mut indent = 0;
    for b in line.bytes() {
        match b {
            b' ' => indent += 1,
            b'\t' => indent += 4 - indent % 4,
            _ => break,
        }
    }
    indent
}

/// Outliners (Logseq) write a note as bullets nested by tabs, with `key:: value` block
/// properties between them. CommonMark reads a tab as four columns, so a child bullet under
/// `- ` (two columns) turns into indented code half the time. In a note that is all bullets,
/// each leading tab becomes two spaces (one nesting level) and property lines are blanked.
/// Lines keep their numbers.
fn repair_outline(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\t', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let property = |t: &str| {
        t.split_once(":: ")
            .or_else(|| t.strip_suffix("::").map(|k| (k, "")))
            .is_some_and(|(k, _)| {
                !k.is_empty()
                    && k.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            })
    };
    // an outline starts with a bullet or a page property; most notes start otherwise
    let first = text
        .lines()
        .map(|l| l.trim_start_matches(['\t', ' ']))
        .find(|t| !t.is_empty());
    if !first.is_some_and(|t| t.starts_with("- ") || property(t)) {
        return Cow::Borrowed(text);
    }
    let (mut bullets, mut other) = (0usize, 0usize);
    for line in text.lines() {
        let t = line.trim_start_matches(['\t', ' ']);
        if t.is_empty() {
            continue;
        }
        if t.starts_with("- ") || t == "-" || property(t) {
            bullets += 1;
        } else {
            other += 1;
        }
    }
    // an outline: nearly every line a bullet or a property
    if bullets < 3 || other * 5 > bullets {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let tabs = line.bytes().take_while(|&c| c == b'\t').count();
        let rest = &line[tabs..];
        if property(rest.trim()) {
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
            continue;
        }
        for _ in 0..tabs {
            out.push_str("  ");
        }
        out.push_str(rest);
    }
    Cow::Owned(out)
}

/// MkDocs admonitions (`!!! note "Title"`, `???+ info "TL;DR"`) hold their body indented by
/// four columns, which CommonMark reads as indented code: the marker line is blanked and the
/// body moved to the margin, so it reads as the prose it is. Lines keep their numbers.
fn repair_admonitions(text: &str) -> Cow<'_, str> {
    let marker = |l: &str| {
        let t = l.trim_end();
        (t.starts_with("!!! ") || t.starts_with("??? ") || t.starts_with("???+ ")) && t.len() > 4
    };
    let b = text.as_bytes();
    if memchr::memmem::find(b, b"!!! ").is_none() && memchr::memmem::find(b, b"???").is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    let mut changed = false;
    for l in text.split_inclusive('\n') {
        if marker(l) {
            inside = true;
            changed = true;
            out.push_str(if l.ends_with('\n') { "\n" } else { "" });
            continue;
        }
        if inside {
            if l.trim().is_empty() {
                out.push_str(l);
                continue;
            }
            if let Some(body) = l.strip_prefix("    ").or_else(|| l.strip_prefix('\t')) {
                out.push_str(body);
                continue;
            }
            inside = false;
        }
        out.push_str(l);
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Notes are often written in editors that read fences leniently: a fence opened inside a list
/// item whose code then starts at the left margin. CommonMark ends the list item there, and the
/// indented closing fence then opens a new block that swallows the headings after it. Where a
/// fence pair (matched leniently, whatever the indentation) holds a line less indented than its
/// opening fence, both fence lines are moved to the margin, so the block reads as its author saw
/// it. Lines keep their numbers; nothing else changes.
fn repair_fences(text: &str) -> Cow<'_, str> {
    // only a fence indented by 1-3 columns can need it: most notes have none
    let b = text.as_bytes();
    let indented = |p: usize| {
        let start = memchr::memrchr(b'\n', &b[..p]).map_or(0, |n| n + 1);
        let prefix = &text[start..p];
        prefix.bytes().all(|c| c == b' ' || c == b'\t') && (1..4).contains(&indent_of(prefix))
    };
    let candidate = ["```", "~~~"]
        .iter()
        .any(|f| memchr::memmem::find_iter(b, f).any(indented));
    if !candidate {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut fix: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, c, n, _)) = fence(lines[i]) else {
            i += 1;
            continue;
        };
        let close = (i + 1..lines.len()).find(|&j| {
            fence(lines[j])
                .is_some_and(|(_, c2, n2, info)| c2 == c && n2 >= n && info.trim().is_empty())
        });
        let end = close.unwrap_or(lines.len());
        let shallower = lines[i + 1..end]
            .iter()
            .any(|l| !l.trim().is_empty() && indent_of(l) < indent);
        if indent > 0 && indent < 4 && shallower {
            fix.push(i);
            fix.extend(close);
        }
        i = end + 1;
    }
    if fix.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (k, l) in lines.iter().enumerate() {
        out.push_str(if fix.contains(&k) {
            l.trim_start_matches([' ', '\t'])
        } else {
            l
        });
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`plain_names`] read word by word from the start: the rule it must keep.
    fn plain_names_by_words(text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut prev = "";
        for (w, end) in words(text) {
            let name = if is_qualified(w) {
                let first = w.split('.').next().unwrap_or("");
                (is_std_package(first) || first == "cmd").then(|| w.to_string())
            } else if go::is_builtin(w) {
                (text[end..].starts_with('(') || matches!(w, "panic" | "recover"))
                    .then(|| w.to_string())
            } else if w == "_" && (prev == "var" || prev == "import") {
                Some(format!("{prev} _"))
            } else {
                None
            };
            if let Some(n) = name.filter(|n| !out.contains(n)) {
                out.push(n);
            }
            prev = w;
        }
        out.sort();
        out
    }

    fn plain(text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        plain_names(text, &mut |n: &str| {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        });
        out.sort();
        out
    }

    #[test]
    fn plain_names_agree_with_reading_word_by_word() {
        let cases = [
            "这和 runtime.GC 的行为一致。",
            "close(ch) 之后 len(ch) 还能读; x.len(3) 不算",
            "var _ io.Reader = x, import _ \"net/http/pprof\", var <- _",
            "sync.WaitGroup.Add 与 sync..Once 与 .sync.Once 与 1.5 与 a.5b",
            "panic 和 recover, panicky, _recover, panic(err)",
            "fmt.Println(x)...os.Exit(1).",
            "cmd.go.build, Foo.Bar, a_b.c_d, __, _x",
        ];
        for text in cases {
            assert_eq!(plain(text), plain_names_by_words(text), "{text:?}");
        }
        for (_, text) in crate::load::BUILTIN {
            for line in text.lines() {
                assert_eq!(plain(line), plain_names_by_words(line), "{line:?}");
            }
        }
    }

    #[test]
    fn gathered_names_by_section_and_subtree() {
        let mut g = Gathered::default();
        g.add(intern("sync.Once"));
        g.open_section(); // section 1: nothing
        g.open_section(); // section 2
        g.add(intern("select"));
        g.add(intern("select"));
        g.add(intern("fmt.Println"));
        g.open_section(); // section 3
        g.add(intern("map"));
        let names = |xs: &[Arc<str>]| xs.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(names(g.sections(0..1)), ["sync.Once"]);
        assert!(g.sections(1..2).is_empty());
        assert_eq!(names(g.sections(2..3)), ["select", "fmt.Println"]);
        assert_eq!(names(g.sections(1..4)), ["select", "fmt.Println", "map"]);
        g.retain(|n| n.contains('.'));
        assert_eq!(names(g.sections(2..3)), ["fmt.Println"]);
        assert!(g.sections(3..4).is_empty());
        assert_eq!(names(g.all()), ["sync.Once", "fmt.Println"]);
    }

    #[test]
    fn capitals_found_eight_bytes_at_a_time() {
        for c in 0u8..=255 {
            let x = u64::from_le_bytes([b'a', b'1', c, b' ', 0x80, 0xFF, b'z', b'.']);
            assert_eq!(has_ascii_capital(x), c.is_ascii_uppercase(), "{c:#x}");
        }
        assert!(!has_ascii_capital(u64::from_le_bytes(*b"abc@[`{~")));
        assert!(has_ascii_capital(u64::from_le_bytes(*b"xxxxxxxZ")));
    }

    #[test]
    fn fences_repaired_only_where_indented() {
        let margin = "# a\n```go\nx := 1\n```\n## b\n";
        assert!(matches!(repair_fences(margin), Cow::Borrowed(_)));
        let item = "- 用法\n  ```go\nonce.Do(f)\n  ```\n## 锁\n";
        assert_eq!(
            repair_fences(item),
            "- 用法\n```go\nonce.Do(f)\n```\n## 锁\n"
        );
        // indented, but its code is too: CommonMark reads it right already
        let nested = "- a\n  ```go\n  x()\n  ```\n";
        assert_eq!(repair_fences(nested), nested);
    }

    proptest! {
        #[test]
        fn plain_names_agree_on_any_text(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("sync"), Just("."), Just("Once"), Just("("), Just(")"), Just("_"),
                    Just("var"), Just("import"), Just(" "), Just("<-"), Just("<"), Just("-"),
                    Just("len"), Just("close"), Just("panic"), Just("recover"), Just("1"),
                    Just("通道"), Just("x"), Just("cmd"), Just("fmt"), Just("\n"),
                ],
                0..24,
            )
        ) {
            let text: String = parts.concat();
            prop_assert_eq!(plain(&text), plain_names_by_words(&text), "{:?}", text);
        }
    }
}
