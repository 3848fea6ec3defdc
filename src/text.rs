//! Positions: byte offsets <-> (line, column) in UTF-8, UTF-16 or UTF-32 code units.
//!
//! This is the only module that counts columns. Lines end at `\n`, `\r\n` or a lone `\r`, as the
//! LSP specification says ("To ensure that both client and server split the string into the same
//! line representation the protocol specifies the following end-of-line sequences: '\n', '\r\n'
//! and '\r'"). Every conversion clamps: a line past the end maps to the end of the text, a column
//! past the end of its line maps to the end of that line, and a column inside a character maps
//! to the start of that character. Nothing here panics on any input.

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: the LSP default.
    #[default]
    Utf16,
    /// Unicode scalar values (characters): what people count, and the CLI's columns.
    Utf32,
}

impl Encoding {
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// A zero-based line and column, the column counted in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The byte offset of `col` (counted in `enc`) within `line`, which must hold no line end.
/// Clamps to the line's length; a column inside a character gives that character's start.
pub fn col_to_byte(line: &str, col: u32, enc: Encoding) -> usize {
    let mut units = 0usize;
    for (i, c) in line.char_indices() {
        let w = enc.width(c);
        if units + w > col as usize {
            return i;
        }
        units += w;
    }
    line.len()
}

/// The column (counted in `enc`) of byte `byte` within `line`; a byte inside a character counts
/// as that character's start, and a byte past the end as the end.
pub fn byte_to_col(line: &str, byte: usize, enc: Encoding) -> u32 {
    let mut end = byte.min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let prefix = &line[..end];
    let n = match enc {
        Encoding::Utf8 => prefix.len(),
        Encoding::Utf16 => prefix.encode_utf16().count(),
        Encoding::Utf32 => prefix.chars().count(),
    };
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Line starts of a string: built once for text that is not edited (notes, files read by the
/// CLI), and kept up to date through [`LineIndex::edit`] for an open document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// Pushes the start of every line that begins in `text[from..to]` (after a line end there).
fn push_line_starts(bytes: &[u8], from: usize, to: usize, starts: &mut Vec<usize>) {
    for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[from..to]) {
        let at = from + i;
        // `\r\n` ends one line, at the `\n`
        if bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n') {
            starts.push(at + 1);
        }
    }
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        push_line_starts(text.as_bytes(), 0, text.len(), &mut starts);
        LineIndex { starts }
    }

    /// Follows an edit: `text` is the new text, in which `start..start + new_len` replaced what
    /// was `start..old_end`. Only the lines the edit touched are read again (and the one before
    /// them, where a `\r` may now meet a `\n`); the starts after them move by the difference.
    pub fn edit(&mut self, text: &str, start: usize, old_end: usize, new_len: usize) {
        let first = (self.line_of(start) as usize).saturating_sub(1);
        let last = self.line_of(old_end) as usize;
        let from = self.starts[first];
        let new_end = start + new_len;
        let delta = |s: usize| s + new_end - old_end;
        // the first unchanged line start after the edit, where the reading stops
        let tail_at = last + 1;
        let to = self.starts.get(tail_at).map_or(text.len(), |&s| delta(s));
        let tail: Vec<usize> = self.starts[tail_at.min(self.starts.len())..]
            .iter()
            .skip(1)
            .map(|&s| delta(s))
            .collect();
        self.starts.truncate(first + 1);
        push_line_starts(text.as_bytes(), from, to, &mut self.starts);
        self.starts.extend(tail);
    }

    /// The zero-based line holding byte `offset` (clamped).
    pub fn line_of(&self, offset: usize) -> u32 {
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The text of line `line` without its line end, or `None` past the end.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let start = *self.starts.get(line as usize)?;
        let end = self
            .starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let s = text.get(start..end)?;
        Some(s.trim_end_matches(['\n', '\r']))
    }

    /// The byte offset of `pos` in `text`, clamped.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        match self.line_text(text, pos.line) {
            Some(line) => self.starts[pos.line as usize] + col_to_byte(line, pos.col, enc),
            None => text.len(),
        }
    }

    /// The position of byte `offset` in `text`, clamped.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line as usize];
        let col = self
            .line_text(text, line)
            .map_or(0, |l| byte_to_col(l, offset - start, enc));
        LineCol { line, col }
    }
}

/// Line numbers of offsets asked for in increasing order, counted on the way (no table): the
/// note parser asks for the line of each heading, fence and list item as it meets them. The
/// same line ends as [`LineIndex`]: `\n`, `\r\n`, a lone `\r`.
#[derive(Clone, Debug)]
pub struct LineCounter<'t> {
    bytes: &'t [u8],
    /// Whether any `\r` is there: without one, lines are counted by `\n` alone, in bulk.
    cr: bool,
    pos: usize,
    line: u32,
}

impl<'t> LineCounter<'t> {
    pub fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            cr: memchr::memchr(b'\r', text.as_bytes()).is_some(),
            pos: 0,
            line: 0,
        }
    }

    /// The zero-based line holding byte `offset` (clamped). An offset before the last one asked
    /// for is counted again from the start: right, only slower.
    pub fn line_of(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.bytes.len());
        if offset < self.pos {
            self.pos = 0;
            self.line = 0;
        }
        let gap = &self.bytes[self.pos..offset];
        let ends = if self.cr {
            memchr::memchr2_iter(b'\n', b'\r', gap)
                .filter(|&i| {
                    let at = self.pos + i;
                    self.bytes[at] == b'\n' || self.bytes.get(at + 1) != Some(&b'\n')
                })
                .count()
        } else {
            memchr::memchr_iter(b'\n', gap).count()
        };
        self.line = self
            .line
            .saturating_add(u32::try_from(ends).unwrap_or(u32::MAX));
        self.pos = offset;
        self.line
    }

    /// How many lines the text has (a final line end starts an empty last line).
    pub fn line_count(&mut self) -> usize {
        self.line_of(self.bytes.len()) as usize + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `$0` marks a spot; each case gives its expected (line, col) in the three encodings.
    fn check(fixture: &str, utf8: (u32, u32), utf16: (u32, u32), utf32: (u32, u32)) {
        let offset = fixture.find("$0").expect("fixture has $0");
        let text = fixture.replace("$0", "");
        let index = LineIndex::new(&text);
        for (enc, (line, col)) in [
            (Encoding::Utf8, utf8),
            (Encoding::Utf16, utf16),
            (Encoding::Utf32, utf32),
        ] {
            let want = LineCol { line, col };
            assert_eq!(
                index.position(&text, offset, enc),
                want,
                "{enc:?} position of {fixture:?}"
            );
            assert_eq!(
                index.offset(&text, want, enc),
                offset,
                "{enc:?} offset of {fixture:?}"
            );
        }
    }

    #[test]
    fn columns() {
        check("$0abc", (0, 0), (0, 0), (0, 0));
        check("ab$0c", (0, 2), (0, 2), (0, 2));
        check("通道$0 ch", (0, 6), (0, 2), (0, 2));
        check("x\n// 让出 😀 $0rt.Gosched()", (1, 15), (1, 9), (1, 8));
        check("a\r\nb$0", (1, 1), (1, 1), (1, 1));
        check("a\rb\r$0c", (2, 0), (2, 0), (2, 0));
        check("😀😀$0", (0, 8), (0, 4), (0, 2));
    }

    #[test]
    fn line_counter_agrees_with_line_index() {
        for text in [
            "",
            "a",
            "a\n",
            "a\r\nb\rc\n\nd",
            "\r\r\n\n通道\r",
            "x\ny😀\r\n",
        ] {
            let index = LineIndex::new(text);
            let mut counter = LineCounter::new(text);
            for offset in 0..=text.len() + 1 {
                assert_eq!(
                    counter.line_of(offset),
                    index.line_of(offset),
                    "{text:?} at {offset}"
                );
            }
            // backwards, then forwards again
            let mut counter = LineCounter::new(text);
            for offset in (0..=text.len()).rev() {
                assert_eq!(
                    counter.line_of(offset),
                    index.line_of(offset),
                    "{text:?} at {offset}"
                );
            }
            assert_eq!(
                LineCounter::new(text).line_count(),
                index.line_count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn clamps() {
        let text = "ab\n通道\n";
        let index = LineIndex::new(text);
        // past the end of a line: the line's end
        assert_eq!(
            index.offset(text, LineCol { line: 1, col: 99 }, Encoding::Utf16),
            9
        );
        // past the last line: the end of the text
        assert_eq!(
            index.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            text.len()
        );
        // inside a surrogate pair: the character's start
        let emoji = "😀x";
        assert_eq!(col_to_byte(emoji, 1, Encoding::Utf16), 0);
        // inside a UTF-8 sequence
        assert_eq!(byte_to_col("通", 1, Encoding::Utf16), 0);
        assert_eq!(
            index.position(text, 999, Encoding::Utf8),
            LineCol { line: 2, col: 0 }
        );
    }
}
