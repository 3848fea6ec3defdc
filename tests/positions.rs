//! Property tests of position conversion: byte offsets <-> UTF-8 / UTF-16 / UTF-32 positions
//! round-trip on text with Chinese, emoji (surrogate pairs in UTF-16), CRLF and lone CR;
//! out-of-range positions clamp; a line index kept up to date edit by edit (as an open
//! document's is) equals one built afresh.

use gonotes::text::{Encoding, LineCol, LineIndex};
use proptest::prelude::*;

const ALPHABET: &[char] = &[
    'a', 'Z', ' ', '\t', '.', '通', '道', '😀', '🎉', 'é', '\n', '\r', '\u{2028}', '\u{85}',
];
const ENCODINGS: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..60)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn offsets_round_trip(t in text()) {
        let index = LineIndex::new(&t);
        // lines end at `\n`, `\r\n` or a lone `\r`, and nothing else
        let ends = t.replace("\r\n", "\n").chars().filter(|&c| c == '\n' || c == '\r').count();
        prop_assert_eq!(index.line_count(), ends + 1);
        for (offset, _) in t.char_indices().chain(std::iter::once((t.len(), ' '))) {
            // a position inside a CRLF pair has no column of its own
            if offset > 0 && t.as_bytes()[offset - 1] == b'\r' && t.as_bytes().get(offset) == Some(&b'\n') {
                continue;
            }
            for enc in ENCODINGS {
                let p = index.position(&t, offset, enc);
                prop_assert_eq!(index.offset(&t, p, enc), offset, "{:?} {:?}", enc, p);
            }
        }
    }

    #[test]
    fn any_position_clamps(t in text(), line in 0u32..20, col in 0u32..80) {
        let index = LineIndex::new(&t);
        for enc in ENCODINGS {
            let pos = LineCol { line, col };
            let o = index.offset(&t, pos, enc);
            prop_assert!(o <= t.len() && t.is_char_boundary(o));
            // the position of a clamped offset is never past what was asked
            let back = index.position(&t, o, enc);
            prop_assert!(back <= pos || line as usize >= index.line_count());
        }
    }

    #[test]
    fn an_edited_index_equals_a_fresh_one(
        t in text(),
        edits in prop::collection::vec((0usize..80, 0usize..80, text()), 1..8),
    ) {
        let mut t = t;
        let mut index = LineIndex::new(&t);
        for (a, b, new) in edits {
            let boundary = |i: usize| (0..=i.min(t.len())).rev().find(|&j| t.is_char_boundary(j)).unwrap_or(0);
            let (start, end) = (boundary(a.min(b)), boundary(a.max(b)));
            let new: String = new.chars().take(6).collect();
            t.replace_range(start..end, &new);
            index.edit(&t, start, end, new.len());
            prop_assert_eq!(&index, &LineIndex::new(&t), "{:?}", t);
        }
    }
}
