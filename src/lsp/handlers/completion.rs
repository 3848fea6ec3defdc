//! `textDocument/completion` and `completionItem/resolve`: after `pkg.` (or a typed variable),
//! the members the notes cover; elsewhere, the notes' Go snippets filed under the word being
//! typed. The card is filled in lazily on resolve.

use tower_lsp_server::ls_types::*;

use crate::go::{self, CompletionContext};
use crate::index::Index;
use crate::lookup;
use crate::lsp::State;
use crate::lsp::ext::CompletionData;

/// At most this many items: a companion server adds a few, never a flood.
const MAX_ITEMS: usize = 30;

pub fn completion(st: &State, index: &Index, p: &CompletionParams) -> Option<CompletionResponse> {
    let tdp = &p.text_document_position;
    let doc = super::go_doc(st, &tdp.text_document.uri)?;
    let tree = doc.tree()?;
    let offset = doc.offset(crate::lsp::pos(tdp.position), st.encoding);
    let packages = st.packages.get();
    let pkg = packages.of(tdp.text_document.uri.as_str());
    let items: Vec<CompletionItem> = match go::completion_in_package(tree, doc.text(), offset, pkg)?
    {
        CompletionContext::Member {
            qualifier, prefix, ..
        } => lookup::members(index, &qualifier, &prefix, MAX_ITEMS)
            .into_iter()
            .map(|m| CompletionItem {
                label: m.label.clone(),
                label_details: Some(CompletionItemLabelDetails {
                    detail: None,
                    description: Some("📓 notes".into()),
                }),
                kind: Some(if m.label.chars().next().is_some_and(char::is_uppercase) {
                    CompletionItemKind::CLASS
                } else {
                    CompletionItemKind::FIELD
                }),
                detail: Some(m.detail),
                sort_text: Some(format!("~{}", m.label)),
                data: serde_json::to_value(CompletionData { key: m.key }).ok(),
                ..Default::default()
            })
            .collect(),
        CompletionContext::Word { prefix, range } => {
            if prefix.is_empty() {
                return None;
            }
            let edit_range = super::range_of(doc, range, st.encoding);
            lookup::snippets(index, &prefix, MAX_ITEMS)
                .into_iter()
                .map(|s| CompletionItem {
                    label: s.label.clone(),
                    label_details: Some(CompletionItemLabelDetails {
                        detail: Some(" snippet".into()),
                        description: Some("📓 notes".into()),
                    }),
                    kind: Some(CompletionItemKind::SNIPPET),
                    detail: Some(s.detail.clone()),
                    documentation: Some(Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: format!("From {}\n\n```go\n{}\n```", s.detail, s.code),
                    })),
                    insert_text_format: Some(InsertTextFormat::SNIPPET),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                        range: edit_range,
                        new_text: escape_snippet(&s.code),
                    })),
                    filter_text: Some(s.label),
                    sort_text: Some("~".into()),
                    ..Default::default()
                })
                .collect()
        }
    };
    if items.is_empty() {
        return None;
    }
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items,
    }))
}

/// Snippet syntax gives `$`, `}` and `\` meaning: the note's code is inserted as written.
pub fn escape_snippet(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 8);
    for c in code.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn completion_resolve(index: &Index, mut item: CompletionItem) -> CompletionItem {
    if item.documentation.is_some() {
        return item;
    }
    let data = item
        .data
        .clone()
        .and_then(|d| serde_json::from_value::<CompletionData>(d).ok());
    if let Some(card) = data.and_then(|d| lookup::card(index, &[d.key])) {
        item.documentation = Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: card.markdown(),
        }));
    }
    item
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(
            super::escape_snippet("select {\n case x: $a }\\"),
            "select {\n case x: \\$a \\}\\\\"
        );
    }
}
