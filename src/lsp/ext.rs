//! gonotes' own protocol, as types: the `gonotes/notesAt` request, the `gonotes/status`
//! notification, the completion items' `data`, the arguments and results of the commands
//! `gonotes.openNote` and `gonotes.capture`, and the configuration ([`Config`]). The server builds and reads these messages only
//! through them. `editors/vscode/src/lsp_ext.ts` mirrors them field for field, and
//! `tests/protocol.rs` and the extension's `test/lsp_ext.test.ts` check both sides against the
//! examples in `docs/protocol.md`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::request::Request;
use tower_lsp_server::ls_types::{Range, TextDocumentPositionParams};

/// The configuration, as `initializationOptions`, `workspace/configuration` (section
/// `gonotes`) and `workspace/didChangeConfiguration` carry it.
pub use super::config::{Config, NotesConfig};

/// `gonotes/notesAt`, client → server: the notes about the Go name at a position, best first
/// (possibly none).
pub enum NotesAt {}

impl Request for NotesAt {
    type Params = TextDocumentPositionParams;
    type Result = Vec<NoteAt>;
    const METHOD: &'static str = "gonotes/notesAt";
}

/// One note location of a `gonotes/notesAt` result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAt {
    /// `<name> — <note> › <heading> › …`: the Go name the note answers for, ` — `, then where
    /// the section is (`sync.Once — go-study-notes.md › Go rountine › Sync › sync.Once`).
    pub title: String,
    pub uri: String,
    /// The heading's line (or the list item's that names the key), at its start.
    pub range: Range,
}

/// The separator between the name and the place in [`NoteAt::title`].
pub const TITLE_DASH: &str = " — ";

/// `gonotes/status`, server → client: indexing started, or a new index is in place.
pub enum Status {}

impl Notification for Status {
    type Params = StatusParams;
    const METHOD: &'static str = "gonotes/status";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexState {
    Indexing,
    Ready,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusParams {
    pub state: IndexState,
    /// Notes and sections in the index (0 while indexing).
    pub notes: usize,
    pub sections: usize,
    /// Files not indexed (the reasons are in the log).
    pub skipped: usize,
    /// One line for people: `12 notes, 340 sections indexed in 41 ms; 0 skipped`.
    pub message: String,
}

/// The `data` of a member completion item, read back by `completionItem/resolve`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionData {
    /// The key whose card documents the item (`sync.WaitGroup.Add`).
    pub key: String,
}

/// `workspace/executeCommand` `gonotes.openNote`: the server asks the editor to show the note
/// (`window/showDocument`).
pub const OPEN_NOTE: &str = "gonotes.openNote";

/// `gonotes.openNote`'s arguments: `[uri, line]`, the line 0-based.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenNoteArgs(pub String, pub u32);

impl OpenNoteArgs {
    /// From a command's argument list; a missing or odd line is the note's first.
    pub fn from_arguments(args: &[Value]) -> Option<OpenNoteArgs> {
        let uri = args.first()?.as_str()?.to_string();
        let line = args
            .get(1)
            .and_then(Value::as_u64)
            .and_then(|l| u32::try_from(l).ok());
        Some(OpenNoteArgs(uri, line.unwrap_or(0)))
    }

    /// As a command's argument list.
    pub fn to_arguments(&self) -> Vec<Value> {
        vec![Value::from(self.0.as_str()), Value::from(self.1)]
    }
}

/// `workspace/executeCommand` `gonotes.capture`: Go code into the notes.
pub const CAPTURE: &str = "gonotes.capture";

/// `gonotes.capture`'s one argument.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureArgs {
    /// The Go file.
    pub uri: String,
    /// The code, in the negotiated position encoding; empty for the statement at a name.
    pub range: Range,
    /// A line written under the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// What `gonotes.capture` answers when it wrote or sent the capture (`null` when it refused).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureResult {
    /// The note written to.
    pub uri: String,
    /// Where in the notes it went, when the server wrote the note itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The names of every type above that goes over the wire, as `docs/protocol.md` labels their
/// examples; the protocol test checks each against its example.
pub const WIRE_TYPES: &[&str] = &[
    "NoteAt",
    "StatusParams",
    "CompletionData",
    "OpenNoteArgs",
    "CaptureArgs",
    "CaptureResult",
    "Config",
    "NotesConfig",
];
