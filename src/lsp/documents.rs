//! Open documents: the text as the editor has it, its line starts for positions, and for Go
//! files a tree-sitter tree re-parsed incrementally after each change.

use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::go;
use crate::text::{Encoding, LineCol, LineIndex};

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

/// An open document: its text, the start of each of its lines (for positions), and for a Go
/// document its syntax tree. The text is held once, changed only by [`Document::apply`], which
/// keeps the lines and the tree in step with it.
pub struct Document {
    lang: Lang,
    version: i32,
    text: String,
    lines: LineIndex,
    tree: Option<Tree>,
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
            lines: LineIndex::new(&text),
            text,
            tree,
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The syntax tree of a Go document (none for other documents, or when the parser gave up).
    pub fn tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
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
                    self.text.clear();
                    self.text.push_str(ch.text);
                    self.lines = LineIndex::new(&self.text);
                    full = true;
                }
                Some((start, end)) => {
                    let s = self.offset(start, enc);
                    let e = self.offset(end, enc).max(s);
                    let start_position = self.point(s);
                    let old_end_position = self.point(e);
                    self.text.replace_range(s..e, ch.text);
                    self.lines.edit(&self.text, s, e, ch.text.len());
                    let new_end = s + ch.text.len();
                    let new_end_position = self.point(new_end);
                    if let Some(tree) = &mut self.tree {
                        tree.edit(&InputEdit {
                            start_byte: s,
                            old_end_byte: e,
                            new_end_byte: new_end,
                            start_position,
                            old_end_position,
                            new_end_position,
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

    /// A tree-sitter point (row, byte column) for a byte offset of the current text.
    fn point(&self, offset: usize) -> Point {
        let p = self.position(offset, Encoding::Utf8);
        Point {
            row: p.line as usize,
            column: p.col as usize,
        }
    }

    pub fn offset(&self, pos: LineCol, enc: Encoding) -> usize {
        self.lines.offset(&self.text, pos, enc)
    }

    pub fn position(&self, offset: usize, enc: Encoding) -> LineCol {
        self.lines.position(&self.text, offset, enc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edits keep the lines and the tree in step with the text (a fresh parse, fresh lines).
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
            assert_eq!(doc.lines, LineIndex::new(&doc.text));
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
