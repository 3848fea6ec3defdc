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
        let qualifier = if qual_start == dot {
            // `f().`, `m[k].`, `(<-ch).`: the expression alone says
            receiver_key(tree, text, dot, pkg)?
        } else {
            // `s.mu.`: the whole receiver where the tree holds it, else the word before the dot
            match receiver_key(tree, text, dot, pkg) {
                Some(q) => q,
                None => {
                    let anchor = root.descendant_for_byte_range(qual_start, dot)?;
                    let name = &text[qual_start..dot];
                    Ctx::new(text, root, anchor)
                        .with_package(pkg)
                        .qualifier_key(name, anchor)?
                }
            }
        };
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

/// The key of the receiver expression that ends at the dot at byte `dot` (`s.mu`, `f()`,
/// `m[k]`), resolved like a hover's qualifier: a package or a type. `None` for a lone word
/// (the caller resolves it) or where the tree holds no such expression.
fn receiver_key(tree: &Tree, text: &str, dot: usize, pkg: Option<&Package>) -> Option<String> {
    if dot == 0 {
        return None;
    }
    let root = tree.root_node();
    let leaf = root.descendant_for_byte_range(dot - 1, dot)?;
    let cx = Ctx::new(text, root, leaf).with_package(pkg);
    let mut expr = leaf;
    while let Some(p) = cx.parent(expr) {
        let through = matches!(
            p.kind(),
            "selector_expression"
                | "call_expression"
                | "index_expression"
                | "parenthesized_expression"
                | "type_assertion_expression"
                | "argument_list"
        );
        if !through || p.end_byte() != dot {
            break;
        }
        expr = p;
    }
    match expr.kind() {
        "selector_expression"
        | "call_expression"
        | "index_expression"
        | "parenthesized_expression"
        | "type_assertion_expression" => cx.expr_key(expr),
        _ => None,
    }
}
