//! Going to the note: the "Open note: <title>" code action (with "Add to notes" after it) and the `gonotes.openNote` command
//! (answered with `window/showDocument`), `textDocument/definition` when configured, and
//! `gonotes/notesAt` for editors' own commands.

use serde::Serialize;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::index::Index;
use crate::lookup;
use crate::lsp::State;

pub const OPEN_NOTE: &str = "gonotes.openNote";

/// A note location for `gonotes/notesAt`.
#[derive(Clone, Debug, Serialize)]
pub struct NoteAt {
    pub title: String,
    pub uri: String,
    pub range: Range,
}

fn links(st: &State, index: &Index, tdp: &TextDocumentPositionParams) -> Vec<lookup::NoteLink> {
    match super::symbol_at(st, &tdp.text_document.uri, tdp.position) {
        Some((_, symbol)) => lookup::locations(index, &symbol.keys),
        None => Vec::new(),
    }
}

pub fn code_action(st: &State, index: &Index, p: &CodeActionParams) -> Option<CodeActionResponse> {
    let tdp = TextDocumentPositionParams {
        text_document: p.text_document.clone(),
        position: p.range.start,
    };
    let mut actions: Vec<CodeActionOrCommand> = links(st, index, &tdp)
        .into_iter()
        .take(3)
        .map(|l| {
            let title = format!("Open note: {}", l.title);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                command: Some(Command {
                    title,
                    command: OPEN_NOTE.into(),
                    arguments: Some(vec![json!(l.uri), json!(l.line)]),
                }),
                ..Default::default()
            })
        })
        .collect();
    actions.extend(super::capture::action(st, p));
    (!actions.is_empty()).then_some(actions)
}

pub fn definition(
    st: &State,
    index: &Index,
    tdp: &TextDocumentPositionParams,
) -> Option<GotoDefinitionResponse> {
    let locs: Vec<Location> = links(st, index, tdp)
        .iter()
        .filter_map(super::location)
        .collect();
    (!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs))
}

pub fn notes_at(st: &State, index: &Index, tdp: &TextDocumentPositionParams) -> Vec<NoteAt> {
    links(st, index, tdp)
        .into_iter()
        .filter_map(|l| {
            let loc = super::location(&l)?;
            Some(NoteAt {
                title: l.title,
                uri: l.uri,
                range: loc.range,
            })
        })
        .collect()
}

/// The `window/showDocument` request for `gonotes.openNote [uri, line]`.
pub fn open_note_params(p: &ExecuteCommandParams) -> Result<ShowDocumentParams> {
    if p.command != OPEN_NOTE {
        let mut e = Error::invalid_params(format!("unknown command {}", p.command));
        e.message = format!("unknown command {}", p.command).into();
        return Err(e);
    }
    let uri = p
        .arguments
        .first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Uri>().ok());
    let line = p.arguments.get(1).and_then(Value::as_u64).unwrap_or(0);
    let Some(uri) = uri else {
        return Err(Error::invalid_params("gonotes.openNote takes [uri, line]"));
    };
    let at = Position {
        line: u32::try_from(line).unwrap_or(0),
        character: 0,
    };
    Ok(ShowDocumentParams {
        uri,
        external: Some(false),
        take_focus: Some(true),
        selection: Some(Range { start: at, end: at }),
    })
}
