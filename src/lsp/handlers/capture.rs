//! Capture: the "Add to notes" code action and the `gonotes.capture` command. Planning is done
//! here under the state lock (nothing awaits); the server then asks the editor to apply the
//! edit (`workspace/applyEdit`) or writes the note itself ([`crate::notefile`]).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tower_lsp_server::ls_types::*;

use crate::capture::{self, SourceRef};
use crate::index::Index;
use crate::lsp::State;
use crate::lsp::documents::Lang;
use crate::lsp::ext::{CAPTURE, CaptureArgs};
use crate::notefile;
use crate::text::{LineCol, LineIndex};

/// What executing a capture does next.
pub enum Plan {
    /// The editor applies this edit (the note exists and the client can apply edits).
    Apply { edit: WorkspaceEdit, title: String },
    /// The server writes the note.
    Write {
        read: notefile::Read,
        text: String,
        title: String,
    },
}

fn offset(st: &State, text: &str, lines: &LineIndex, p: Position) -> usize {
    lines.offset(
        text,
        LineCol {
            line: p.line,
            col: p.character,
        },
        st.encoding,
    )
}

/// The "Add to notes" action for a Go document: at a cursor on a known name, for the
/// statement around it; for a selection, for the selection.
pub fn action(st: &State, p: &CodeActionParams) -> Option<CodeActionOrCommand> {
    let doc = super::go_doc(st, &p.text_document.uri)?;
    let tree = doc.tree()?;
    let start = doc.offset(super::super::pos(p.range.start), st.encoding);
    let end = doc.offset(super::super::pos(p.range.end), st.encoding);
    let packages = st.packages.get();
    let pkg = packages.of(p.text_document.uri.as_str());
    let (range, symbol) = if start >= end {
        // a cursor on a name the notes could hold: the statement around it, filed as the
        // command will file it
        capture::symbol_of(tree, doc.text(), start..start, pkg)?;
        let statement = capture::statement_at(tree, start)?;
        let symbol = capture::symbol_of(tree, doc.text(), statement.clone(), pkg);
        (statement, symbol)
    } else {
        if doc
            .text()
            .get(start..end)
            .is_none_or(|s| s.trim().is_empty())
        {
            return None;
        }
        let symbol = capture::symbol_of(tree, doc.text(), start..end, pkg);
        (start..end, symbol)
    };
    let title = match &symbol {
        Some(s) => format!("Add to notes: {s}"),
        None => "Add selection to notes".to_string(),
    };
    let range = super::range_of(doc, range, st.encoding);
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: title.clone(),
        command: Some(Command {
            title,
            command: CAPTURE.into(),
            arguments: serde_json::to_value(CaptureArgs {
                uri: p.text_document.uri.as_str().to_string(),
                range,
                comment: None,
            })
            .ok()
            .map(|a| vec![a]),
        }),
        ..Default::default()
    }))
}

/// The command's argument.
fn args(p: &ExecuteCommandParams) -> Result<CaptureArgs, String> {
    let usage = "gonotes.capture takes one argument { uri, range, comment? }";
    let a = p.arguments.first().ok_or(usage)?;
    CaptureArgs::deserialize(a).map_err(|_| usage.to_string())
}

fn name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
}

/// Plans `gonotes.capture`: where the code goes and the edit; the error is the message the
/// user sees.
pub fn plan(
    st: &State,
    index: &Index,
    p: &ExecuteCommandParams,
    can_apply: bool,
) -> Result<Plan, String> {
    let a = args(p)?;
    let go_path = crate::load::uri_to_path(&a.uri);
    let open = st.docs.get(&a.uri);
    let lang = open.map_or_else(|| Lang::of("", &a.uri), |d| d.lang());
    if lang != Lang::Go {
        return Err(format!(
            "capture works on Go code; {} is not a Go file",
            go_path.as_deref().map_or(a.uri.clone(), name)
        ));
    }
    // the open buffer, else the file on disk
    let (text, tree) = match open {
        Some(d) => (d.text().to_string(), d.tree().cloned()),
        None => {
            let path = go_path.as_deref().ok_or("capture works on files on disk")?;
            let (_, text) = crate::load::read_go(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let tree = crate::go::parse(&mut crate::go::parser(), &text, None);
            (text, tree)
        }
    };
    let lines = LineIndex::new(&text);
    let start = offset(st, &text, &lines, a.range.start);
    let end = offset(st, &text, &lines, a.range.end);
    let snippet = capture::snippet(&text, start..end).map_err(|e| e.to_string())?;
    let packages = st.packages.get();
    let symbol = tree
        .as_ref()
        .and_then(|t| capture::symbol_of(t, &text, start..end, packages.of(&a.uri)));
    let inbox = st.config.inbox(st.root.as_deref(), &st.note_roots).ok_or(
        "no notes folder to write to: the notes are the built-in ones only. Set gonotes.notes.paths \
         to a folder of your own (or gonotes.notes.inbox to a note); nothing was written",
    )?;
    let builtin = crate::load::builtin_dir();
    let roots = &st.note_roots;
    let writable =
        |p: &Path| !p.starts_with(&builtin) && roots.iter().any(|r| p.starts_with(r) || p == r);
    let target = capture::target(index, symbol.as_deref(), &inbox, writable);
    let read = notefile::read_for_capture(&target.note)?;
    let note_uri = crate::load::path_to_uri(&target.note);
    let buffer = st
        .docs
        .get(&note_uri)
        .filter(|d| d.lang() == Lang::Markdown)
        .map(|d| d.text().to_string());
    let current = match buffer {
        Some(b) if can_apply && read.bytes.is_some() => b,
        Some(b) if b != read.text() => {
            return Err(format!(
                "{} has unsaved changes in the editor; save it, then capture again; nothing was written",
                name(&target.note)
            ));
        }
        _ => read.text(),
    };
    let source = source_ref(go_path.as_deref(), st.root.as_deref(), &target.note);
    let date = capture::date(std::time::SystemTime::now());
    let block = capture::entry(&snippet, &source, &date, a.comment.as_deref());
    let ins = capture::insertion(&current, &target.place, &block).map_err(|e| e.to_string())?;
    if can_apply && read.bytes.is_some() {
        let note_lines = LineIndex::new(&current);
        let at = note_lines.position(&current, ins.offset, st.encoding);
        let at = Position {
            line: at.line,
            character: at.col,
        };
        let uri: Uri = note_uri
            .parse()
            .map_err(|_| format!("cannot name {} as a URI", target.note.display()))?;
        let mut changes = std::collections::HashMap::new();
        changes.insert(
            uri,
            vec![TextEdit {
                range: Range { start: at, end: at },
                new_text: ins.text,
            }],
        );
        return Ok(Plan::Apply {
            edit: WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            },
            title: target.title,
        });
    }
    Ok(Plan::Write {
        text: ins.apply(&current),
        read,
        title: target.title,
    })
}

/// The link back: shown relative to the workspace folder, linked relative to the note.
pub fn source_ref(go: Option<&Path>, root: Option<&Path>, note: &Path) -> SourceRef {
    let Some(go) = go else {
        return SourceRef {
            display: String::new(),
            target: String::new(),
        };
    };
    let display = root
        .and_then(|r| go.strip_prefix(r).ok())
        .map_or_else(|| go.display().to_string(), |p| p.display().to_string());
    let folder: PathBuf = note.parent().map(Path::to_path_buf).unwrap_or_default();
    SourceRef {
        display,
        target: capture::relative(&folder, go),
    }
}
