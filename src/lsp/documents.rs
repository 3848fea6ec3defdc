//! Open documents: a rope for positions and edits, the text for analysis, and for Go files a
//! tree-sitter tree re-parsed incrementally after each change.

use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::go;
use crate::text::{self, Encoding, LineCol};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Go,
    Markdown,
    Other,
}

impl Lang {
    pub fn of(language_id: &str, uri: &str) -> Lang {
        let path = uri
            .split(['?', '#'])
            .next()
            .unwrap_or(uri)
            .to_ascii_lowercase();
        match language_id {
            "go" => Lang::Go,
            "markdown" => Lang::Markdown,
            _ if path.ends_with(".go") => Lang::Go,
            _ if path.ends_with(".md") || path.ends_with(".markdown") => Lang::Markdown,
            _ => Lang::Other,
        }
    }
}

pub struct Document {
    pub lang: Lang,
    pub version: i32,
    pub rope: Rope,
    pub text: String,
    pub tree: Option<Tree>,
}

/// One change: a range in the client's encoding, or none for the whole text.
pub struct Change<'a> {
    pub range: Option<(LineCol, LineCol)>,
    pub text: &'a str,
}

impl Document {
    pub fn new(lang: Lang, version: i32, text: String, parser: &mut Parser) -> Document {
        let tree = if lang == Lang::Go {
            go::parse(parser, &text, None)
        } else {
            None
        };
        Document {
            lang,
            version,
            rope: Rope::from_str(&text),
            text,
            tree,
        }
    }

    /// Applies changes in order, editing the tree, then re-parses once.
    pub fn apply(
        &mut self,
        version: i32,
        changes: &[Change<'_>],
        enc: Encoding,
        parser: &mut Parser,
    ) {
        let mut full = false;
        for ch in changes {
            match ch.range {
                None => {
                    self.text = ch.text.to_string();
                    self.rope = Rope::from_str(&self.text);
                    full = true;
                }
                Some((start, end)) => {
                    let s = text::rope_offset(&self.rope, start, enc);
                    let e = text::rope_offset(&self.rope, end, enc).max(s);
                    let start_point = self.point(s);
                    let old_end_point = self.point(e);
                    let sc = self.rope.byte_to_char(s);
                    let ec = self.rope.byte_to_char(e);
                    self.rope.remove(sc..ec);
                    self.rope.insert(sc, ch.text);
                    self.text.replace_range(s..e, ch.text);
                    let new_end = s + ch.text.len();
                    let new_end_point = self.point(new_end);
                    if let Some(tree) = &mut self.tree {
                        tree.edit(&InputEdit {
                            start_byte: s,
                            old_end_byte: e,
                            new_end_byte: new_end,
                            start_position: start_point,
                            old_end_position: old_end_point,
                            new_end_position: new_end_point,
                        });
                    }
                }
            }
        }
        self.version = version;
        if self.lang == Lang::Go {
            let old = if full { None } else { self.tree.as_ref() };
            self.tree = go::parse(parser, &self.text, old);
        }
    }

    /// A tree-sitter point (row, byte column) for a byte offset of the current rope.
    fn point(&self, offset: usize) -> Point {
        let p = text::rope_position(&self.rope, offset, Encoding::Utf8);
        Point {
            row: p.line as usize,
            column: p.col as usize,
        }
    }

    pub fn offset(&self, pos: LineCol, enc: Encoding) -> usize {
        text::rope_offset(&self.rope, pos, enc)
    }

    pub fn position(&self, offset: usize, enc: Encoding) -> LineCol {
        text::rope_position(&self.rope, offset, enc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edits keep the rope, the text and the tree in step with a fresh parse.
    #[test]
    fn incremental_edits_match_fresh_parse() {
        let mut p = go::parser();
        let src = "package main\n\n// 通道 😀\nfunc main() {\n\tdefer f()\n}\n";
        let mut doc = Document::new(Lang::Go, 1, src.to_string(), &mut p);
        type Edit<'a> = ((u32, u32), (u32, u32), &'a str);
        let edits: &[Edit<'_>] = &[
            ((4, 1), (4, 6), "go"),
            ((2, 3), (2, 5), "协程"),
            ((2, 6), (2, 8), "🎉x"),
            ((5, 1), (5, 1), "\nvar wg sync.WaitGroup\r\n"),
            ((0, 0), (99, 0), ""),
        ];
        for (i, (s, e, t)) in edits.iter().enumerate() {
            let change = Change {
                range: Some((
                    LineCol {
                        line: s.0,
                        col: s.1,
                    },
                    LineCol {
                        line: e.0,
                        col: e.1,
                    },
                )),
                text: t,
            };
            doc.apply(2 + i as i32, &[change], Encoding::Utf16, &mut p);
            assert_eq!(doc.rope.to_string(), doc.text);
            let fresh = go::parse(&mut p, &doc.text, None).unwrap();
            assert_eq!(
                doc.tree.as_ref().unwrap().root_node().to_sexp(),
                fresh.root_node().to_sexp(),
                "after edit {i}"
            );
        }
        assert_eq!(doc.text, "");
    }
}
