//! `workspace/symbol`: note sections by topic, over headings, keys and prose (Chinese too).

use tower_lsp_server::ls_types::*;

use crate::index::Index;
use crate::lookup;

const MAX_RESULTS: usize = 100;

pub fn workspace_symbol(
    index: &Index,
    p: &WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    let hits = index.search(&p.query, MAX_RESULTS);
    let symbols: Vec<WorkspaceSymbol> = hits
        .into_iter()
        .filter_map(|(at, _)| {
            let link = lookup::link(index, at)?;
            let (entry, sec) = index.section(at)?;
            let location = super::location(&link)?;
            let mut container = vec![&*entry.name];
            let path = entry.note.path(at.section as usize);
            container.extend(path.iter().take(path.len().saturating_sub(1)));
            Some(WorkspaceSymbol {
                name: if sec.title.is_empty() {
                    "…".to_string()
                } else {
                    sec.title.clone()
                },
                kind: SymbolKind::STRING,
                tags: None,
                container_name: Some(container.join(" › ")),
                location: OneOf::Left(location),
                data: None,
            })
        })
        .collect();
    Some(WorkspaceSymbolResponse::Nested(symbols))
}
