//! One small file per method. Each takes the state and the index snapshot, and returns plain
//! protocol values; nothing here awaits.

pub mod capture;
mod code_action;
mod completion;
mod hover;
mod progress;
mod workspace_symbol;

pub use code_action::{code_action, definition, notes_at, open_note_params};
pub use completion::{completion, completion_resolve};
pub use hover::hover;
pub use progress::report;
pub use workspace_symbol::workspace_symbol;

use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

use super::State;
use super::documents::{Document, Lang};
use crate::go;
use crate::lookup::NoteLink;

/// The open Go document at `uri`, or `None` (with a log line) when it is not open.
pub(crate) fn go_doc<'s>(st: &'s State, uri: &Uri) -> Option<&'s Document> {
    match st.docs.get(uri.as_str()) {
        Some(d) if d.lang() == Lang::Go => Some(d),
        Some(_) => None,
        None => {
            tracing::debug!("request for a document that is not open: {}", uri.as_str());
            None
        }
    }
}

/// The Go symbol at a position of an open Go document, resolved through the other files of its
/// package as last read.
pub(crate) fn symbol_at<'s>(
    st: &'s State,
    uri: &Uri,
    p: Position,
) -> Option<(&'s Document, go::Symbol)> {
    let doc = go_doc(st, uri)?;
    let tree = doc.tree()?;
    let offset = doc.offset(super::pos(p), st.encoding);
    let packages = st.packages.get();
    go::symbol_in_package(tree, doc.text(), offset, packages.of(uri.as_str())).map(|s| (doc, s))
}

/// A note link as an LSP location (the line's start).
pub(crate) fn location(l: &NoteLink) -> Option<Location> {
    let uri: Uri = l.uri.parse().ok()?;
    let p = Position {
        line: l.line,
        character: 0,
    };
    Some(Location {
        uri,
        range: Range { start: p, end: p },
    })
}

pub(crate) fn range_of(
    doc: &Document,
    r: std::ops::Range<usize>,
    enc: crate::text::Encoding,
) -> Range {
    let s = doc.position(r.start, enc);
    let e = doc.position(r.end, enc);
    Range {
        start: Position {
            line: s.line,
            character: s.col,
        },
        end: Position {
            line: e.line,
            character: e.col,
        },
    }
}
