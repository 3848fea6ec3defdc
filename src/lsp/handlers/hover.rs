//! `textDocument/hover`: the note card for the Go name under the cursor, or `null`.

use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::index::Index;
use crate::lookup;
use crate::lsp::State;

pub fn hover(st: &State, index: &Index, p: &HoverParams) -> Option<Hover> {
    let tdp = &p.text_document_position_params;
    let (doc, symbol) = super::symbol_at(st, &tdp.text_document.uri, tdp.position)?;
    let card = lookup::card(index, &symbol.keys)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: card.markdown(),
        }),
        range: Some(super::range_of(doc, symbol.range, st.encoding)),
    })
}
