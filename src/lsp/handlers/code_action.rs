//! Going to the note: the "Open note: <title>" code action (with "Add to notes" after it) and the `gonotes.openNote` command
//! (answered with `window/showDocument`), `textDocument/definition` when configured, and
//! `gonotes/notesAt` for editors' own commands.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::index::Index;
use crate::lookup;
use crate::lsp::State;
use crate::lsp::ext::{NoteAt, OPEN_NOTE, OpenNoteArgs, TITLE_DASH};

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
                    arguments: Some(OpenNoteArgs(l.uri, l.line).to_arguments()),
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

/// The notes about the name at a position, each titled `<name> — <where>` with the name the
/// notes answer for (the card's: `sync.WaitGroup` for `wg.Add` when the type's note answers).
pub fn notes_at(st: &State, index: &Index, tdp: &TextDocumentPositionParams) -> Vec<NoteAt> {
    let Some((_, symbol)) = super::symbol_at(st, &tdp.text_document.uri, tdp.position) else {
        return Vec::new();
    };
    let Some((name, _)) = lookup::resolve(index, &symbol.keys, 1) else {
        return Vec::new();
    };
    lookup::locations(index, &symbol.keys)
        .into_iter()
        .filter_map(|l| {
            let loc = super::location(&l)?;
            Some(NoteAt {
                title: format!("{name}{TITLE_DASH}{}", l.title),
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
    let args = OpenNoteArgs::from_arguments(&p.arguments);
    let Some((uri, line)) = args.and_then(|a| Some((a.0.parse::<Uri>().ok()?, a.1))) else {
        return Err(Error::invalid_params("gonotes.openNote takes [uri, line]"));
    };
    let at = Position { line, character: 0 };
    Ok(ShowDocumentParams {
        uri,
        external: Some(false),
        take_focus: Some(true),
        selection: Some(Range { start: at, end: at }),
    })
}
