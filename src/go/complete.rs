//! What is being completed at a spot: a member after `pkg.` or `x.`, or a bare word.

use std::ops::Range;

use tree_sitter::Tree;

use super::package::Package;
use super::scope::Ctx;

/// What is being completed at a spot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompletionContext {
    /// After `pkg.` or `x.` (resolved): the qualifier's key (`sync`, `sync.WaitGroup`) and the
    /// member typed so far.
    Member {
        qualifier: String,
        prefix: String,
        range: Range<usize>,
    },
    /// A bare word being typed (possibly empty).
    Word { prefix: String, range: Range<usize> },
}

/// What is being completed at byte `offset`: looks at the text just before the cursor and
/// resolves the qualifier through the tree. `None` inside comments and strings.
pub fn completion_at(tree: &Tree, text: &str, offset: usize) -> Option<CompletionContext> {
    completion_in_package(tree, text, offset, None)
}

/// [`completion_at`], with the qualifier resolved through `pkg` too (a package-level var of
/// another file: `defaultMu.`).
pub fn completion_in_package(
    tree: &Tree,
    text: &str,
    offset: usize,
    pkg: Option<&Package>,
) -> Option<CompletionContext> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let root = tree.root_node();
    if offset > 0 {
        if let Some(n) = root.descendant_for_byte_range(offset - 1, offset) {
            if Ctx::new(text, root, n).in_comment_or_string(n) {
                return None;
            }
        }
    }
    let before = &text[..offset];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(offset, |(i, _)| i);
    let prefix = text[word_start..offset].to_string();
    if before[..word_start].ends_with('.') {
        let dot = word_start - 1;
        let qual_start = before[..dot]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(dot, |(i, _)| i);
        if qual_start == dot {
            return None;
        }
        let anchor = root.descendant_for_byte_range(qual_start, dot)?;
        let name = &text[qual_start..dot];
        let qualifier = Ctx::new(text, root, anchor)
            .with_package(pkg)
            .qualifier_key(name, anchor)?;
        return Some(CompletionContext::Member {
            qualifier,
            prefix,
            range: word_start..offset,
        });
    }
    Some(CompletionContext::Word {
        prefix,
        range: word_start..offset,
    })
}
