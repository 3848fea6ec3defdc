//! The language server: the only code that knows the protocol. Messages are handled in arrival
//! order (`concurrency_level(1)`); every handler is synchronous inside, runs under a panic guard
//! (a panic becomes an error reply), and never awaits the client while holding state. Indexing
//! runs on its own thread ([`indexer`]), the Go packages of open files on another
//! ([`packages`]), and requests read the last complete snapshot of each.

mod config;
pub mod documents;
pub mod ext;
pub mod frames;
mod handlers;
mod indexer;
mod packages;
mod stdio;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

pub use config::Config;
use documents::{Change, Document, Lang};
use indexer::{Job, Snapshot};

use crate::text::{Encoding, LineCol};

/// The server's mutable state, behind one lock that no handler holds across an await.
pub struct State {
    pub encoding: Encoding,
    pub docs: HashMap<String, Document>,
    pub config: Config,
    pub root: Option<PathBuf>,
    pub parser: tree_sitter::Parser,
    /// Note paths the server indexes (for open-buffer overlays).
    pub note_roots: Vec<PathBuf>,
    /// The packages of open Go files, as last read.
    pub packages: packages::Snapshot,
}

/// What handlers and spawned tasks share.
pub struct Shared {
    state: Mutex<State>,
    /// Jobs for the indexer thread.
    jobs: Sender<Job>,
    /// Open Go buffers and changed Go files, for the package thread.
    go_jobs: Sender<packages::Job>,
    /// The configuration as received so far: each new value is merged over it, so a client
    /// that answers `{}` or sends one field does not reset the rest.
    config_value: Mutex<Value>,
}

/// The server one session talks to: the client, the shared state, the index snapshot, and what
/// the client said it can do.
pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
    snapshot: Snapshot,
    shutdown: Arc<AtomicBool>,
    progress: Arc<AtomicBool>,
    can_configure: AtomicBool,
    /// The client applies workspace edits (`workspace.applyEdit`).
    can_apply: AtomicBool,
}

/// Runs `f`, turning a panic into an internal error reply.
fn guard<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            tracing::error!("{what} panicked: {msg}");
            let mut err = Error::internal_error();
            err.message = format!("gonotes: {what} failed: {msg}").into();
            Err(err)
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&self, job: Job) {
        let _ = self.jobs.send(job);
    }

    fn send_go(&self, job: packages::Job) {
        let _ = self.go_jobs.send(job);
    }

    /// Merges a configuration value over what the server has, and re-indexes with the result.
    /// A value of the wrong shape is logged and ignored.
    fn configure(&self, value: &Value) {
        let value = value.get("gonotes").unwrap_or(value);
        if value.is_null() {
            return;
        }
        let config = {
            let mut cur = self.config_value.lock().unwrap_or_else(|e| e.into_inner());
            let mut merged = cur.clone();
            merge(&mut merged, value);
            match Config::from_value(&merged) {
                Ok(Some(c)) => {
                    *cur = merged;
                    c
                }
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!("configuration ignored: {e}");
                    return;
                }
            }
        };
        let opts = {
            let mut st = self.lock();
            st.config = config;
            let opts = st.config.load_options(st.root.as_deref());
            st.note_roots = opts.paths.clone();
            opts
        };
        let folders: Vec<String> = opts.paths.iter().map(|p| p.display().to_string()).collect();
        tracing::info!(
            "notes: {} (built-in notes {})",
            if folders.is_empty() {
                "no folders".to_string()
            } else {
                folders.join(", ")
            },
            if opts.builtin { "on" } else { "off" }
        );
        self.send(Job::Configure(opts));
    }
}

/// Deep-merges `new` into `base`: objects key by key, anything else replaced.
fn merge(base: &mut Value, new: &Value) {
    match (base, new) {
        (Value::Object(b), Value::Object(n)) => {
            for (k, v) in n {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, n) => *b = n.clone(),
    }
}

impl Backend {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.lock()
    }

    fn send(&self, job: Job) {
        self.shared.send(job);
    }

    /// Asks the client for the `gonotes` section in a task of its own: the message queue goes
    /// on while the client answers.
    fn pull_configuration(&self) {
        if !self.can_configure.load(Ordering::Relaxed) {
            return;
        }
        let client = self.client.clone();
        let shared = self.shared.clone();
        tokio::spawn(async move {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("gonotes".into()),
            };
            match client.configuration(vec![item]).await {
                Ok(values) => {
                    if let Some(v) = values.first() {
                        shared.configure(v);
                    }
                }
                Err(e) => tracing::warn!("workspace/configuration failed: {e}"),
            }
        });
    }

    /// An open Markdown document changed: when it is one of the notes, the indexer reads its
    /// buffer (once per batch of changes, when it gets to it: nothing is copied here).
    fn note_buffer(&self, uri: String) {
        if let Some(path) = self.note_path(&uri) {
            self.send(Job::Buffer { path, uri });
        }
    }

    /// Whether `uri` names a note file the server indexes.
    fn note_path(&self, uri: &str) -> Option<PathBuf> {
        let path = crate::load::uri_to_path(uri)?;
        let st = self.lock();
        st.note_roots
            .iter()
            .any(|r| path.starts_with(r) || path == *r)
            .then_some(path)
    }
}

/// An open Go document changed, for the package thread (which copies the buffer when it gets
/// to it: nothing is copied on the message loop).
fn go_buffer(uri: &str, doc: &Document) -> Option<packages::Job> {
    (doc.lang() == Lang::Go).then(|| packages::Job::Buffer(uri.to_string()))
}

fn pos(p: Position) -> LineCol {
    LineCol {
        line: p.line,
        col: p.character,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encodings = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        let encoding = if encodings.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let ws = params.capabilities.workspace.as_ref();
        self.can_configure.store(
            ws.and_then(|w| w.configuration).unwrap_or(false),
            Ordering::Relaxed,
        );
        self.can_apply.store(
            ws.and_then(|w| w.apply_edit).unwrap_or(false),
            Ordering::Relaxed,
        );
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.progress.store(progress, Ordering::Relaxed);
        if let Some(trace) = params.trace {
            crate::log::set_trace(
                serde_json::to_value(trace)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or("off"),
            );
        }
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| crate::load::uri_to_path(u.as_str()));
        {
            let mut st = self.lock();
            st.encoding = encoding;
            st.root = root;
        }
        let empty = Value::Object(Default::default());
        self.shared
            .configure(params.initialization_options.as_ref().unwrap_or(&empty));
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "gonotes".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(if encoding == Encoding::Utf8 {
                    PositionEncodingKind::UTF8
                } else {
                    PositionEncodingKind::UTF16
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into()]),
                    resolve_provider: Some(true),
                    completion_item: Some(CompletionOptionsCompletionItem {
                        label_details_support: Some(true),
                    }),
                    ..Default::default()
                }),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![ext::OPEN_NOTE.into(), ext::CAPTURE.into()],
                    ..Default::default()
                }),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.pull_configuration();
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        self.send(Job::Stop);
        self.shared.send_go(packages::Job::Stop);
        Ok(())
    }

    async fn did_open(&self, p: DidOpenTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        let lang = Lang::of(&p.text_document.language_id, &uri);
        let _ = guard("didOpen", || {
            let mut st = self.lock();
            let st = &mut *st;
            let doc = Document::new(
                lang,
                p.text_document.version,
                p.text_document.text,
                &mut st.parser,
            );
            if let Some(job) = go_buffer(&uri, &doc) {
                self.shared.send_go(job);
            }
            st.docs.insert(uri.clone(), doc);
            Ok(())
        });
        if lang == Lang::Markdown {
            self.note_buffer(uri);
        }
    }

    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        let note = guard("didChange", || {
            let mut st = self.lock();
            let st = &mut *st;
            let enc = st.encoding;
            let Some(doc) = st.docs.get_mut(&uri) else {
                tracing::info!("didChange for a document that is not open: {uri}");
                return Ok(false);
            };
            let changes: Vec<Change<'_>> = p
                .content_changes
                .iter()
                .map(|c| Change {
                    range: c.range.map(|r| (pos(r.start), pos(r.end))),
                    text: &c.text,
                })
                .collect();
            doc.apply(p.text_document.version, &changes, enc, &mut st.parser);
            if let Some(job) = go_buffer(&uri, doc) {
                self.shared.send_go(job);
            }
            Ok(doc.lang() == Lang::Markdown)
        });
        if matches!(note, Ok(true)) {
            self.note_buffer(uri);
        }
    }

    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        let lang = self.lock().docs.remove(&uri).map(|d| d.lang());
        if lang == Some(Lang::Go) {
            self.shared.send_go(packages::Job::Closed(uri.clone()));
        }
        if lang == Some(Lang::Markdown) {
            if let Some(path) = self.note_path(&uri) {
                self.send(Job::Closed(path));
            }
        }
    }

    async fn did_change_configuration(&self, p: DidChangeConfigurationParams) {
        let settings = p.settings.get("gonotes").unwrap_or(&p.settings);
        if settings.is_null() {
            self.pull_configuration();
        } else {
            self.shared.configure(settings);
        }
    }

    async fn did_change_watched_files(&self, p: DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> = p
            .changes
            .iter()
            .filter_map(|c| crate::load::uri_to_path(c.uri.as_str()))
            .collect();
        let go: Vec<PathBuf> = paths
            .iter()
            .filter(|p| crate::load::is_go_file(p))
            .cloned()
            .collect();
        if !go.is_empty() {
            self.shared.send_go(packages::Job::Changed(go));
        }
        if !paths.is_empty() {
            self.send(Job::Changed(paths));
        }
    }

    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        guard("hover", || {
            Ok(handlers::hover(&self.lock(), &self.snapshot.get(), &p))
        })
    }

    async fn completion(&self, p: CompletionParams) -> Result<Option<CompletionResponse>> {
        guard("completion", || {
            Ok(handlers::completion(&self.lock(), &self.snapshot.get(), &p))
        })
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        guard("completionItem/resolve", || {
            Ok(handlers::completion_resolve(&self.snapshot.get(), item))
        })
    }

    async fn symbol(&self, p: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        guard("workspace/symbol", || {
            Ok(handlers::workspace_symbol(&self.snapshot.get(), &p))
        })
    }

    async fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        guard("codeAction", || {
            Ok(handlers::code_action(
                &self.lock(),
                &self.snapshot.get(),
                &p,
            ))
        })
    }

    async fn goto_definition(
        &self,
        p: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        guard("definition", || {
            let st = self.lock();
            if !st.config.definition {
                return Ok(None);
            }
            Ok(handlers::definition(
                &st,
                &self.snapshot.get(),
                &p.text_document_position_params,
            ))
        })
    }

    async fn execute_command(&self, p: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if p.command == ext::CAPTURE {
            return self.capture(&p);
        }
        let params = guard("executeCommand", || handlers::open_note_params(&p))?;
        // Asked from a task of its own: the client's answer may sit behind messages that the
        // queue takes only once this handler returns.
        let client = self.client.clone();
        tokio::spawn(async move {
            match client.show_document(params).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!("the editor could not show the note"),
                Err(e) => tracing::warn!("window/showDocument failed: {e}"),
            }
        });
        Ok(None)
    }
}

impl Backend {
    /// Shows `message` from a task of its own (the queue goes on meanwhile).
    fn show(&self, typ: MessageType, message: String) {
        let client = self.client.clone();
        tokio::spawn(async move { client.show_message(typ, message).await });
    }

    /// `gonotes.capture { uri, range, comment? }`: the code into the notes, through the editor
    /// (`workspace/applyEdit`) when it can apply edits, else written here atomically. Every
    /// refusal is a `window/showMessage`, with nothing written.
    fn capture(&self, p: &ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let can_apply = self.can_apply.load(Ordering::Relaxed);
        let plan = guard("gonotes.capture", || {
            Ok(handlers::capture::plan(
                &self.lock(),
                &self.snapshot.get(),
                p,
                can_apply,
            ))
        })?;
        match plan {
            Err(message) => {
                tracing::warn!("capture refused: {message}");
                self.show(MessageType::ERROR, format!("gonotes: {message}"));
                Ok(None)
            }
            Ok(handlers::capture::Plan::Write { read, text, title }) => {
                match crate::notefile::write(&read, &text) {
                    Ok(()) => {
                        // in hovers without waiting for the watcher
                        self.send(Job::Changed(vec![read.path.clone()]));
                        self.show(MessageType::INFO, format!("gonotes: added to {title}"));
                        let result = ext::CaptureResult {
                            uri: crate::load::path_to_uri(&read.path),
                            title: Some(title),
                        };
                        Ok(serde_json::to_value(result).ok())
                    }
                    Err(message) => {
                        tracing::warn!("capture not written: {message}");
                        self.show(MessageType::ERROR, format!("gonotes: {message}"));
                        Ok(None)
                    }
                }
            }
            Ok(handlers::capture::Plan::Apply { edit, title }) => {
                let result = edit
                    .changes
                    .as_ref()
                    .and_then(|c| c.keys().next())
                    .map(|u| ext::CaptureResult {
                        uri: u.as_str().to_string(),
                        title: None,
                    });
                // asked from a task of its own: the answer may sit behind queued messages
                let client = self.client.clone();
                tokio::spawn(async move {
                    let refused = match client.apply_edit(edit).await {
                        Ok(r) if r.applied => None,
                        Ok(r) => Some(r.failure_reason.unwrap_or_else(|| "no reason given".into())),
                        Err(e) => Some(e.to_string()),
                    };
                    if let Some(reason) = refused {
                        tracing::warn!("capture not applied: {reason}");
                        client
                            .show_message(
                                MessageType::ERROR,
                                format!(
                                    "gonotes: the editor did not apply the capture to {title} ({reason}); the note is unchanged"
                                ),
                            )
                            .await;
                    }
                });
                Ok(result.and_then(|r| serde_json::to_value(r).ok()))
            }
        }
    }

    /// `$/setTrace`: the editor's trace setting sets the log level.
    async fn set_trace(&self, p: SetTraceParams) {
        crate::log::set_trace(
            serde_json::to_value(p.value)
                .unwrap_or_default()
                .as_str()
                .unwrap_or("off"),
        );
    }

    /// A message the framing layer could not pass on: answered with the JSON-RPC error.
    async fn invalid_message(&self, p: Value) -> Result<()> {
        let code = p.get("code").and_then(Value::as_i64).unwrap_or(-32700);
        let reason = p
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("invalid message")
            .to_string();
        tracing::warn!("invalid message from the client: {reason}");
        let mut e = Error::new(tower_lsp_server::jsonrpc::ErrorCode::from(code));
        e.message = reason.into();
        Err(e)
    }

    /// `gonotes/notesAt`: the note locations for the symbol at a position, best first.
    async fn notes_at(&self, p: TextDocumentPositionParams) -> Result<Vec<ext::NoteAt>> {
        guard("gonotes/notesAt", || {
            Ok(handlers::notes_at(&self.lock(), &self.snapshot.get(), &p))
        })
    }
}

/// Log lines to the editor as `window/logMessage`, each sent from a task of its own.
fn editor_log(client: Client, handle: tokio::runtime::Handle) -> crate::log::Sink {
    use crate::log::Level;
    Arc::new(move |level, message| {
        let typ = match level {
            Level::Error => MessageType::ERROR,
            Level::Warn => MessageType::WARNING,
            Level::Info => MessageType::INFO,
            Level::Debug | Level::Off => MessageType::LOG,
        };
        let client = client.clone();
        let message = message.to_string();
        handle.spawn(async move { client.log_message(typ, message).await });
    })
}

/// Runs the server on stdio until `exit`; the exit status is 0 after a `shutdown`, 1 otherwise.
pub fn run() -> std::process::ExitCode {
    crate::log::init(crate::log::Level::Info);
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let output = stdio::output(std::io::stdout());
    let clean = rt.block_on(serve(stdio::input(std::io::stdin()), output));
    drop(rt);
    // stdin's reader thread may still be blocked: end the process now
    std::process::exit(if clean { 0 } else { 1 });
}

/// Serves one session over `input`/`output` until `exit` or the end of `input`; true when the
/// client asked for `shutdown` first. Must run inside a tokio runtime.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(AtomicBool::new(false));
    let snapshot = Snapshot::default();
    let (jobs_tx, jobs_rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel();
    let go_packages = packages::Snapshot::default();
    let stop_go = go_tx.clone();
    let handle = tokio::runtime::Handle::current();
    let stop = jobs_tx.clone();
    let (service, socket) = LspService::build(|client: Client| {
        crate::log::set_sink(Some(editor_log(client.clone(), handle.clone())));
        let events_client = client.clone();
        let events_handle = handle.clone();
        let progress_flag = progress.clone();
        let token = NumberOrString::String("gonotes/indexing".into());
        let events = move |ev| {
            let client = events_client.clone();
            let token = token.clone();
            let with_progress = progress_flag.load(Ordering::Relaxed);
            events_handle
                .spawn(async move { handlers::report(&client, ev, token, with_progress).await });
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                encoding: Encoding::Utf16,
                docs: HashMap::new(),
                config: Config::default(),
                root: None,
                parser: crate::go::parser(),
                note_roots: Vec::new(),
                packages: go_packages.clone(),
            }),
            jobs: jobs_tx.clone(),
            go_jobs: go_tx.clone(),
            config_value: Mutex::new(Value::Object(Default::default())),
        });
        // the indexer copies an open note's buffer under the state lock
        let state = shared.clone();
        let note_buffer = Box::new(move |uri: &str, text: &mut String| {
            let st = state.lock();
            let doc = st.docs.get(uri).filter(|d| d.lang() == Lang::Markdown);
            doc.map(|d| text.push_str(d.text())).is_some()
        });
        indexer::spawn(
            snapshot.clone(),
            jobs_rx,
            jobs_tx.clone(),
            note_buffer,
            events,
        );
        // the package thread copies an open Go buffer (text and tree) under the state lock
        let state = shared.clone();
        packages::spawn(
            go_packages.clone(),
            go_rx,
            go_tx.clone(),
            Box::new(move |uri, text| {
                let st = state.lock();
                let doc = st.docs.get(uri).filter(|d| d.lang() == Lang::Go)?;
                text.push_str(doc.text());
                doc.tree().cloned()
            }),
        );
        Backend {
            client,
            shared,
            snapshot: snapshot.clone(),
            shutdown: shutdown.clone(),
            progress: progress.clone(),
            can_configure: AtomicBool::new(false),
            can_apply: AtomicBool::new(false),
        }
    })
    .custom_method(
        <ext::NotesAt as request::Request>::METHOD,
        Backend::notes_at,
    )
    .custom_method(frames::INVALID, Backend::invalid_message)
    .custom_method("$/setTrace", Backend::set_trace)
    .finish();
    let (to_server, from_pump) = tokio::io::duplex(1 << 16);
    let exit = Arc::new(tokio::sync::Notify::new());
    tokio::spawn(frames::pump(input, to_server, exit.clone()));
    let server = Server::new(from_pump, output, socket)
        .concurrency_level(1)
        .serve(service);
    // `exit` ends the session even while a handler still waits on a client that will not answer
    tokio::select! {
        () = server => {}
        () = async {
            exit.notified().await;
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        } => {}
    }
    let _ = stop.send(Job::Stop);
    let _ = stop_go.send(packages::Job::Stop);
    crate::log::set_sink(None);
    shutdown.load(Ordering::SeqCst)
}
