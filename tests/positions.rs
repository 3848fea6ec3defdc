//! Property tests of position conversion: byte offsets <-> UTF-8 / UTF-16 / UTF-32 positions
//! round-trip on text with Chinese, emoji (surrogate pairs in UTF-16), CRLF and lone CR, on
//! plain strings and on ropes alike; out-of-range positions clamp.

use gonotes::text::{Encoding, LineCol, LineIndex, rope_offset, rope_position};
use proptest::prelude::*;
use ropey::Rope;

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
        let rope = Rope::from_str(&t);
        prop_assert_eq!(index.line_count(), rope.len_lines());
        for (offset, _) in t.char_indices().chain(std::iter::once((t.len(), ' '))) {
            // a position inside a CRLF pair has no column of its own
            if offset > 0 && t.as_bytes()[offset - 1] == b'\r' && t.as_bytes().get(offset) == Some(&b'\n') {
                continue;
            }
            for enc in ENCODINGS {
                let p = index.position(&t, offset, enc);
                prop_assert_eq!(rope_position(&rope, offset, enc), p);
                prop_assert_eq!(index.offset(&t, p, enc), offset, "{:?} {:?}", enc, p);
                prop_assert_eq!(rope_offset(&rope, p, enc), offset);
            }
        }
    }

    #[test]
    fn any_position_clamps(t in text(), line in 0u32..20, col in 0u32..80) {
        let index = LineIndex::new(&t);
        let rope = Rope::from_str(&t);
        for enc in ENCODINGS {
            let pos = LineCol { line, col };
            let o = index.offset(&t, pos, enc);
            prop_assert!(o <= t.len() && t.is_char_boundary(o));
            prop_assert_eq!(rope_offset(&rope, pos, enc), o);
            // the position of a clamped offset is never past what was asked
            let back = index.position(&t, o, enc);
            prop_assert!(back <= pos || line as usize >= index.line_count());
        }
    }
}
