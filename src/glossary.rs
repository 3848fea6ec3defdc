//! The glossary: words people write in headings and titles for Go concepts (`互斥锁`, `ticker`,
//! `goroutines`), and the Go name each stands for. The built-in entries are data
//! (`glossary.txt`), nobody's vocabulary in particular; users add theirs with the `aliases`
//! setting.

/// One entry of the glossary.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    /// Lowercase.
    word: String,
    /// The Go name; empty for a word that keys nothing (it only hides shorter entries).
    key: String,
    /// The word has everyday meanings too: it keys a section only with evidence from code.
    needs_evidence: bool,
}

/// A glossary match in a heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match<'a> {
    pub key: &'a str,
    /// The matched word's length in characters.
    pub chars: usize,
    pub word: &'a str,
    pub needs_evidence: bool,
}

/// Words of a heading that name a key, in any language. Users extend it by configuration.
#[derive(Clone, Debug)]
pub struct Aliases {
    entries: Vec<Entry>,
    /// The entries a typo can stand for: ASCII letters only, six or more, with a key.
    typo_entries: Vec<usize>,
    /// All words at once, ASCII case ignored.
    matcher: Option<aho_corasick::AhoCorasick>,
}

impl PartialEq for Aliases {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}
impl Eq for Aliases {}

const BUILTIN: &str = include_str!("glossary.txt");

impl Default for Aliases {
    /// The built-in glossary, built once per process (its matcher is shared by clones).
    fn default() -> Self {
        static BUILT_IN: std::sync::LazyLock<Aliases> =
            std::sync::LazyLock::new(|| Aliases::with(&[]));
        BUILT_IN.clone()
    }
}

/// The built-in entries: `word = key`, `word = key ?` (needs evidence), `word = -` (no key).
fn builtin_entries() -> Vec<Entry> {
    BUILTIN
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (word, key) = l.split_once(" = ")?;
            let (key, needs_evidence) = match key.trim().strip_suffix(" ?") {
                Some(k) => (k, true),
                None => (key.trim(), false),
            };
            let key = if key == "-" { "" } else { key };
            Some(Entry {
                word: word.trim().to_lowercase(),
                key: key.to_string(),
                needs_evidence,
            })
        })
        .collect()
}

impl Aliases {
    /// The built-in glossary plus `extra` (word -> key), the extra entries winning.
    pub fn with(extra: &[(String, String)]) -> Self {
        let mut entries = builtin_entries();
        for (w, k) in extra {
            let w = w.to_lowercase();
            if w.trim().is_empty() {
                continue;
            }
            entries.retain(|e| e.word != w);
            entries.push(Entry {
                word: w,
                key: k.clone(),
                needs_evidence: false,
            });
        }
        let matcher = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            // a hundred short words: a DFA is small, and the fastest over short headings
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(entries.iter().map(|e| e.word.as_str()))
            .ok();
        let typo_entries = (0..entries.len())
            .filter(|&i| {
                let e = &entries[i];
                e.word.len() >= 6
                    && !e.key.is_empty()
                    && e.word.bytes().all(|b| b.is_ascii_alphabetic())
            })
            .collect();
        Aliases {
            entries,
            typo_entries,
            matcher,
        }
    }

    /// Every glossary word in `text`, once per key. ASCII words match whole words, case
    /// ignored; others match anywhere. A match inside a longer match is dropped (`死锁` hides
    /// `锁`), and so are words whose entry keys nothing. An ASCII word of seven letters or more
    /// that is one edit away from an entry of six or more (a typo: `rountine`) matches it too.
    pub fn find(&self, text: &str) -> Vec<Match<'_>> {
        let mut out: Vec<Match<'_>> = Vec::new();
        let Some(matcher) = &self.matcher else {
            return out;
        };
        let edge = |c: Option<char>| {
            c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        };
        // leftmost-longest: a word inside a longer one is not reported (`死锁` hides `锁`)
        let mut matched_words: Vec<(usize, usize)> = Vec::new();
        for m in matcher.find_iter(text) {
            let e = &self.entries[m.pattern().as_usize()];
            let whole =
                edge(text[..m.start()].chars().next_back()) && edge(text[m.end()..].chars().next());
            if e.word.is_ascii() && !whole {
                continue;
            }
            matched_words.push((m.start(), m.end()));
            if e.key.is_empty() || out.iter().any(|o| o.key == e.key) {
                continue;
            }
            out.push(Match {
                key: &e.key,
                chars: e.word.chars().count(),
                word: &e.word,
                needs_evidence: e.needs_evidence,
            });
        }
        // typos of the longer ASCII words
        for (start, w) in ascii_words(text) {
            if w.len() < 7 || matched_words.iter().any(|&(a, b)| a <= start && start < b) {
                continue;
            }
            if !self
                .typo_entries
                .iter()
                .any(|&i| self.entries[i].word.len().abs_diff(w.len()) <= 1)
            {
                continue;
            }
            let lower = w.to_ascii_lowercase();
            let Some(e) = self
                .typo_entries
                .iter()
                .map(|&i| &self.entries[i])
                .find(|e| e.word.len().abs_diff(lower.len()) <= 1 && one_edit(&lower, &e.word))
            else {
                continue;
            };
            if !out.iter().any(|m| m.key == e.key) {
                out.push(Match {
                    key: &e.key,
                    chars: w.len(),
                    word: &e.word,
                    needs_evidence: e.needs_evidence,
                });
            }
        }
        out
    }
}

/// Runs of ASCII letters, with their byte offsets.
fn ascii_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        Some((start, &text[start..i]))
    })
}

/// Whether `a` and `b` differ by exactly one inserted, deleted or replaced byte.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => ra[1..] == rb[1..],
        std::cmp::Ordering::Greater => ra[1..] == *rb,
        std::cmp::Ordering::Less => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        Aliases::default()
            .find(text)
            .iter()
            .map(|m| m.key.to_string())
            .collect()
    }

    #[test]
    fn words_match_by_language() {
        let cases: &[(&str, &[&str])] = &[
            ("### 互斥锁的用法", &["sync.Mutex"]),
            ("## Mutexes", &["sync.Mutex"]),
            ("## mutexology", &[]),
            ("## 读写锁", &["sync.RWMutex"]),
            ("## 死锁", &[]),
            ("## Go rountine", &["go"]),
            ("## Stopping a Ticker", &["time.Ticker"]),
            ("## 上下文与定时器", &["context", "time.Timer"]),
        ];
        for (text, want) in cases {
            assert_eq!(keys(text), *want, "{text}");
        }
    }

    #[test]
    fn everyday_words_need_evidence() {
        let a = Aliases::default();
        let m = a.find("Changing the channel");
        assert_eq!(m.len(), 1);
        assert!(m[0].needs_evidence);
        assert!(!a.find("## 通道")[0].needs_evidence);
    }

    #[test]
    fn user_entries_win() {
        let a = Aliases::with(&[("通道".to_string(), "my.Chan".to_string())]);
        assert_eq!(a.find("## 通道")[0].key, "my.Chan");
    }

    #[test]
    fn one_edit_apart() {
        assert!(one_edit("rountine", "routine"));
        assert!(one_edit("mutx", "mutex"));
        assert!(one_edit("mutez", "mutex"));
        assert!(!one_edit("mutex", "mutex"));
        assert!(!one_edit("routines", "routine2x"));
    }
}
