//! The only file IO: finding note files in folders, reading and parsing them (in parallel),
//! keeping parsed notes by path so that a change re-reads only what changed, the built-in notes,
//! and watching note folders for changes made outside the editor. Also the Go sources of the
//! folders of open Go files ([`go_files`], [`read_go`], [`FolderWatch`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::go;
use crate::index::{Index, NoteEntry};
use crate::notes::{self, Aliases, Limits, Note};

/// The notes compiled into the binary: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[(
    "go-study-notes.md",
    include_str!("../notes/go-study-notes.md"),
)];

/// How notes are read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Folders or files.
    pub paths: Vec<PathBuf>,
    pub builtin: bool,
    pub limits: Limits,
    pub aliases: Aliases,
}

/// A file that was not indexed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: SkipReason,
}

/// Why a note file (or a folder of them) was not indexed: made where it is found, logged as
/// `skipped PATH: REASON`, and shown by `gonotes index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// The note's text was refused by the parser (not UTF-8, binary, too large, too slow).
    Note(notes::Skip),
    /// A FIFO, a device or a folder where a note file was named.
    NotRegularFile,
    /// A link to nothing, or an entry that could not be looked at.
    DanglingLink,
    /// Deeper than [`MAX_DEPTH`] folders.
    TooDeep,
    CannotRead(std::io::ErrorKind),
    CannotReadFolder(std::io::ErrorKind),
    /// The parser panicked on it (a bug; the rest of the notes are indexed).
    ParserFailed,
}

/// Folders nested deeper than this below a notes folder are not walked.
pub const MAX_DEPTH: usize = 64;

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Note(skip) => skip.fmt(f),
            SkipReason::NotRegularFile => f.write_str("not a regular file"),
            SkipReason::DanglingLink => f.write_str("dangling link or unreadable"),
            SkipReason::TooDeep => write!(f, "nested more than {MAX_DEPTH} folders deep"),
            SkipReason::CannotRead(kind) => write!(f, "cannot read: {kind}"),
            SkipReason::CannotReadFolder(kind) => write!(f, "cannot read folder: {kind}"),
            SkipReason::ParserFailed => f.write_str("the parser failed"),
        }
    }
}

impl Skipped {
    fn new(path: PathBuf, reason: SkipReason) -> Skipped {
        tracing::warn!("skipped {}: {reason}", path.display());
        Skipped { path, reason }
    }
}

impl std::fmt::Display for Skipped {
    /// `skipped PATH: REASON`, as logged and as `gonotes index` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "skipped {}: {}", self.path.display(), self.reason)
    }
}

fn is_note_file(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown")
    )
}

/// Every note file under `paths` (folders are walked, symlinks followed once, hidden folders
/// and `node_modules` passed over), sorted, plus what could not be walked.
pub fn note_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut seen_dirs: HashSet<PathBuf> = HashSet::new();
    for root in paths {
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => walk(root, &mut files, &mut skipped, &mut seen_dirs, 0),
            Ok(m) if m.is_file() => files.push(root.clone()),
            Ok(_) => skipped.push(Skipped::new(root.clone(), SkipReason::NotRegularFile)),
            Err(e) => skipped.push(Skipped::new(root.clone(), SkipReason::CannotRead(e.kind()))),
        }
    }
    if !files.is_sorted() {
        files.sort(); // several roots
    }
    files.dedup();
    (files, skipped)
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
    seen: &mut HashSet<PathBuf>,
    depth: usize,
) {
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(real) {
        return; // a symlink loop, or a folder reached twice
    }
    if depth > MAX_DEPTH {
        skipped.push(Skipped::new(dir.to_path_buf(), SkipReason::TooDeep));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            skipped.push(Skipped::new(
                dir.to_path_buf(),
                SkipReason::CannotReadFolder(e.kind()),
            ));
            return;
        }
    };
    // in name order, so that the files come out sorted as paths sort
    let mut entries: Vec<(std::ffi::OsString, std::fs::DirEntry)> =
        entries.flatten().map(|e| (e.file_name(), e)).collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, entry) in entries {
        let path = entry.path();
        let name = name.to_string_lossy();
        // the entry's type costs nothing; a symlink is followed (one stat)
        let kind = match entry.file_type() {
            Ok(t) if !t.is_symlink() => Ok(t),
            _ => std::fs::metadata(&path).map(|m| m.file_type()),
        };
        let Ok(meta) = kind else {
            if is_note_file(&path) {
                skipped.push(Skipped::new(path, SkipReason::DanglingLink));
            }
            continue;
        };
        if meta.is_dir() {
            if name.starts_with('.') || name == "node_modules" {
                continue;
            }
            walk(&path, files, skipped, seen, depth + 1);
        } else if is_note_file(&path) && meta.is_file() {
            // regular files only: a FIFO or a device named `x.md` would block the reader
            files.push(path);
        } else if is_note_file(&path) {
            skipped.push(Skipped::new(path, SkipReason::NotRegularFile));
        }
    }
}

/// `file:///...` for an absolute path, percent-encoding what a URI path cannot hold.
pub fn path_to_uri(path: &Path) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let abs: Cow<'_, Path> = if path.is_absolute() {
        Cow::Borrowed(path)
    } else {
        std::env::current_dir()
            .map(|d| Cow::Owned(d.join(path)))
            .unwrap_or(Cow::Borrowed(path))
    };
    let text = abs.to_string_lossy();
    let mut s = String::with_capacity("file://".len() + text.len() + 8);
    s.push_str("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push('%');
            s.push(HEX[usize::from(b >> 4)] as char);
            s.push(HEX[usize::from(b & 15)] as char);
        }
    }
    s
}

/// The path of a `file:` URI.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    let b = rest.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).ok()?, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    Some(PathBuf::from(s))
}

/// Where the built-in notes are written so editors can open them.
pub fn builtin_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("gonotes").join("builtin")
}

/// The built-in notes, parsed, with URIs of copies written to [`builtin_dir`] (written only
/// when missing or different; when that fails the URI still names that path, and a log line
/// goes to stderr).
pub fn builtin_entries(aliases: &Aliases, limits: Limits) -> Vec<NoteEntry> {
    let dir = builtin_dir();
    BUILTIN
        .iter()
        .filter_map(|(name, text)| {
            let path = dir.join(name);
            let current = std::fs::read(&path).ok();
            if current.as_deref() != Some(text.as_bytes()) {
                if let Err(e) =
                    std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, text))
                {
                    tracing::warn!("cannot write the built-in note {}: {e}", path.display());
                }
            }
            let note = notes::parse(text, name, aliases, limits).ok()?;
            Some(NoteEntry {
                uri: path_to_uri(&path).into(),
                name: (*name).into(),
                note: Arc::new(note),
            })
        })
        .collect()
}

/// A file's identity on disk, to tell whether it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

impl Stamp {
    /// A file that could not be looked at.
    const UNKNOWN: Stamp = Stamp {
        modified: None,
        len: 0,
    };

    /// The stamp of a regular file, or `None` (gone, or not a regular file).
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        Some(Stamp {
            modified: meta.modified().ok(),
            len: meta.len(),
        })
    }
}

#[derive(Clone, Debug)]
struct FileState {
    stamp: Stamp,
    parsed: Result<NoteEntry, SkipReason>,
}

/// The notes of some folders, parsed and kept by path. A refresh re-reads only files whose
/// size or modification time changed; an open editor buffer (an overlay) wins over the disk.
#[derive(Debug, Default)]
pub struct NoteSet {
    files: BTreeMap<PathBuf, FileState>,
    overlays: HashMap<PathBuf, Arc<Note>>,
    walk_skipped: Vec<Skipped>,
    builtin: Vec<NoteEntry>,
    /// The notes folders (and files) of the last full refresh: notes are named below them.
    roots: Vec<PathBuf>,
    /// The aliases and limits the held notes were parsed with.
    shape: Option<(Aliases, Limits)>,
}

/// What a refresh did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refresh {
    pub read: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Time spent finding the files, and checking, reading and parsing them.
    pub walk: Duration,
    pub parse: Duration,
}

impl Refresh {
    pub fn changed(&self) -> bool {
        self.read > 0 || self.removed > 0
    }
}

impl NoteSet {
    pub fn new() -> Self {
        NoteSet::default()
    }

    /// Walks every path again and re-reads what changed (everything, when the aliases or the
    /// limits changed, since they shape every parse).
    pub fn refresh_all(&mut self, opts: &LoadOptions) -> Refresh {
        let shape = (opts.aliases.clone(), opts.limits);
        // notes are named below their folders: other folders, other names
        if self.shape.as_ref() != Some(&shape) || self.roots != opts.paths {
            self.files.clear();
            self.shape = Some(shape);
        }
        let started = Instant::now();
        self.roots = opts.paths.clone();
        let (files, skipped) = note_files(&opts.paths);
        let walk = started.elapsed();
        self.walk_skipped = skipped;
        let before = self.files.len();
        if before > 0 {
            let keep: HashSet<&PathBuf> = files.iter().collect();
            self.files.retain(|p, _| keep.contains(p));
        }
        let removed = before - self.files.len();
        let mut r = self.refresh_files(files, opts);
        r.removed += removed;
        r.walk = walk;
        self.builtin = if opts.builtin {
            builtin_entries(&opts.aliases, opts.limits)
        } else {
            Vec::new()
        };
        r
    }

    /// Re-reads `paths` (files that changed, appeared or vanished).
    pub fn refresh_paths(&mut self, paths: &[PathBuf], opts: &LoadOptions) -> Refresh {
        let mut present = Vec::new();
        let mut removed = 0;
        for p in paths {
            let inside = opts
                .paths
                .iter()
                .any(|root| p.starts_with(root) || p == root);
            let meta = std::fs::metadata(p);
            if inside && meta.as_ref().is_ok_and(|m| m.is_dir()) {
                // a folder created or moved in: its files may have come before its watch did
                present.extend(note_files(std::slice::from_ref(p)).0);
                continue;
            }
            if inside && is_note_file(p) && meta.as_ref().is_ok_and(|m| m.is_file()) {
                present.push(p.clone());
                continue;
            }
            // gone (a file, or a folder with its files), or no longer a note
            let before = self.files.len();
            self.files.retain(|f, _| f != p && !f.starts_with(p));
            removed += before - self.files.len();
        }
        let mut r = self.refresh_files(present, opts);
        r.removed += removed;
        r
    }

    /// Checks `files` (sorted) on every core: a file whose size and time are as before is kept,
    /// any other is read and parsed again.
    fn refresh_files(&mut self, files: Vec<PathBuf>, opts: &LoadOptions) -> Refresh {
        let started = Instant::now();
        let old = &self.files;
        let states =
            par_map(&files, |path| {
                let meta = match std::fs::metadata(path) {
                    Ok(m) => m,
                    Err(e) => return Some((Stamp::UNKNOWN, Err(SkipReason::CannotRead(e.kind())))),
                };
                let stamp = Stamp {
                    modified: meta.modified().ok(),
                    len: meta.len(),
                };
                if old.get(path).is_some_and(|st| st.stamp == stamp) {
                    return None;
                }
                let parsed = read_note_sized(path, &meta, &opts.paths, &opts.aliases, opts.limits)
                    .map(|note| NoteEntry {
                        uri: path_to_uri(path).into(),
                        name: note_name(path, &opts.paths).into(),
                        note: Arc::new(note),
                    });
                if let Err(reason) = &parsed {
                    tracing::warn!("skipped {}: {reason}", path.display());
                }
                Some((stamp, parsed))
            });
        let lost = |path: &PathBuf| {
            let reason = SkipReason::ParserFailed;
            tracing::error!("skipped {}: {reason}", path.display());
            Some((Stamp::UNKNOWN, Err(reason)))
        };
        let mut r = Refresh::default();
        let fresh = self.files.is_empty();
        let changed = files.into_iter().zip(states).filter_map(|(path, state)| {
            let state = state.unwrap_or_else(|| lost(&path));
            match state {
                None => r.unchanged += 1,
                Some((stamp, _)) if stamp != Stamp::UNKNOWN => r.read += 1,
                Some(_) => {}
            }
            state.map(|(stamp, parsed)| (path, FileState { stamp, parsed }))
        });
        if fresh {
            self.files = changed.collect(); // in order already: built in one pass
        } else {
            for (path, st) in changed {
                self.files.insert(path, st);
            }
        }
        r.parse = started.elapsed();
        r
    }

    /// An open editor buffer for a note file: it wins over the disk until closed.
    pub fn set_overlay(&mut self, path: PathBuf, text: &str, opts: &LoadOptions) {
        let name = note_name(&path, &opts.paths);
        match notes::parse(text, &name, &opts.aliases, opts.limits) {
            Ok(note) => {
                self.overlays.insert(path, Arc::new(note));
            }
            Err(e) => {
                tracing::warn!("open note {} not indexed: {e}", path.display());
                self.overlays.remove(&path);
            }
        }
    }

    pub fn clear_overlay(&mut self, path: &Path) -> bool {
        self.overlays.remove(path).is_some()
    }

    /// Files not indexed, with reasons.
    pub fn skipped(&self) -> Vec<Skipped> {
        let mut out = self.walk_skipped.clone();
        for (p, st) in &self.files {
            if let Err(reason) = &st.parsed {
                if !self.overlays.contains_key(p) {
                    out.push(Skipped {
                        path: p.clone(),
                        reason: reason.clone(),
                    });
                }
            }
        }
        out
    }

    /// A new index of everything held: the folders' notes (overlays winning), then the
    /// built-in notes.
    pub fn index(&self) -> Index {
        let mut entries = Vec::with_capacity(self.files.len() + self.builtin.len());
        for (p, st) in &self.files {
            match (self.overlays.get(p), &st.parsed) {
                (None, Ok(entry)) => entries.push(entry.clone()),
                (Some(note), _) => entries.push(NoteEntry {
                    uri: path_to_uri(p).into(),
                    name: note_name(p, &self.roots).into(),
                    note: Arc::clone(note),
                }),
                (None, Err(_)) => {}
            }
        }
        entries.extend(self.builtin.iter().cloned());
        Index::build(entries)
    }
}

/// How a note is named on cards and read for its topic: its path below the notes folder that
/// holds it (`channel/close.md`, so `a/defer.md` and `b/defer.md` differ), else its file name.
fn note_name(p: &Path, roots: &[PathBuf]) -> String {
    // the longest root that holds the file; compared as bytes (`Path::strip_prefix` walks
    // components, a good part of naming every note)
    let path = p.as_os_str().as_encoded_bytes();
    let below = roots
        .iter()
        .filter_map(|r| {
            let root = r.as_os_str().as_encoded_bytes();
            let root = root.strip_suffix(b"/").unwrap_or(root);
            let rest = path.strip_prefix(root)?;
            let rest = rest
                .strip_prefix(b"/")
                .or_else(|| rest.strip_prefix(b"\\"))?;
            (!rest.is_empty()).then_some(rest)
        })
        .min_by_key(|rest| rest.len());
    match below {
        Some(rest) => String::from_utf8_lossy(rest).replace('\\', "/"),
        None => file_name(p),
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The cores this process may use (asked once: the answer reads several files under /proc).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` over `items` on every core (the calling thread one of them), results in order; `None`
/// for items lost to a worker that panicked.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const CHUNK: usize = 16;
    let threads = cores();
    if threads <= 1 || items.len() < 2 * CHUNK {
        return items.iter().map(|t| Some(f(t))).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, R)> = Vec::new();
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= items.len() {
                return done;
            }
            let end = (start + CHUNK).min(items.len());
            done.extend((start..end).map(|i| (i, f(&items[i]))));
        }
    };
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut parts = vec![work()];
        parts.extend(others.into_iter().filter_map(|h| h.join().ok()));
        parts
    });
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (i, r) in parts.drain(..).flatten() {
        slots[i] = Some(r);
    }
    slots
}

/// Reads and parses one note file whose metadata is at hand; the error is why it is skipped.
fn read_note_sized(
    path: &Path,
    meta: &std::fs::Metadata,
    roots: &[PathBuf],
    aliases: &Aliases,
    limits: Limits,
) -> Result<Note, SkipReason> {
    if !meta.is_file() {
        return Err(SkipReason::NotRegularFile);
    }
    if meta.len() > limits.max_bytes as u64 {
        return Err(SkipReason::Note(notes::Skip::TooLarge {
            bytes: meta.len() as usize,
            cap: limits.max_bytes,
        }));
    }
    // A regular file (checked above: opening a FIFO would block), read to the size it had:
    // one `read` for a note, with no second one to see the end (a file that grew since is
    // read to its old size; its new time brings it back). A `File` would also ask its size
    // and position again: two more system calls per note.
    let size = meta.len() as usize;
    let mut bytes = vec![0u8; size];
    let mut filled = 0;
    let mut file = std::fs::File::open(path).map_err(|e| SkipReason::CannotRead(e.kind()))?;
    while filled < size {
        match std::io::Read::read(&mut file, &mut bytes[filled..]) {
            Ok(0) => break, // shrunk since
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(SkipReason::CannotRead(e.kind())),
        }
    }
    bytes.truncate(filled);
    notes::parse_bytes(&bytes, &note_name(path, roots), aliases, limits).map_err(SkipReason::Note)
}

/// Loads everything once: for the CLI.
pub fn load(opts: &LoadOptions) -> (Index, Vec<Skipped>) {
    let mut set = NoteSet::new();
    set.refresh_all(opts);
    (set.index(), set.skipped())
}

/// Watches note folders; `on_change` gets the paths of each batch of file events.
pub fn watch(
    paths: &[PathBuf],
    on_change: impl Fn(Vec<PathBuf>) + Send + 'static,
) -> Result<notify::RecommendedWatcher, notify::Error> {
    use notify::{RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            if !ev.kind.is_access() {
                on_change(ev.paths);
            }
        }
    })?;
    for p in paths {
        // a single file is watched through its folder: editors save by renaming over it
        let (target, mode) = if p.is_dir() {
            (p.as_path(), RecursiveMode::Recursive)
        } else {
            (
                p.parent().unwrap_or(p.as_path()),
                RecursiveMode::NonRecursive,
            )
        };
        if let Err(e) = watcher.watch(target, mode) {
            tracing::warn!("cannot watch {}: {e}", p.display());
        }
    }
    Ok(watcher)
}

/// Go files larger than this are not read for their declarations (generated tables).
pub const MAX_GO_BYTES: u64 = 4 << 20;

/// Whether `p` names a Go source file.
pub fn is_go_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "go")
}

/// The Go files of a folder (not of its subfolders), sorted.
pub fn go_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| e.path())
        .filter(|p| is_go_file(p))
        .collect();
    files.sort();
    files
}

/// A Go file's text, with its stamp; the error is why it was not read.
pub fn read_go(path: &Path) -> Result<(Stamp, String), String> {
    let stamp = Stamp::of(path).ok_or("not a regular file")?;
    if stamp.len > MAX_GO_BYTES {
        return Err(format!("larger than {MAX_GO_BYTES} bytes"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok((stamp, text))
}

/// A Go file's declarations, parsed without its function bodies (a third of Go's bytes or
/// less: the parse is that much shorter).
pub fn read_go_decls(path: &Path, parser: &mut tree_sitter::Parser) -> Option<go::FileDecls> {
    let (_, text) = read_go(path).ok()?;
    let text = go::without_bodies(&text);
    let tree = go::parse(parser, &text, None)?;
    Some(go::FileDecls::of(&tree, &text))
}

/// The package in folder `dir` as another package imports it: the exported declarations of its
/// files (test files left out) with the package clause most of them have. `None` when it has
/// no Go file.
pub fn read_dep_package(
    dir: &Path,
    parser: &mut tree_sitter::Parser,
) -> Option<(go::Package, Vec<String>)> {
    let mut files: Vec<go::FileDecls> = go_files(dir)
        .iter()
        .filter(|p| !p.to_string_lossy().ends_with("_test.go"))
        .filter_map(|p| read_go_decls(p, parser))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in &files {
        if !f.package().is_empty() && f.package() != "main" {
            *counts.entry(f.package()).or_default() += 1;
        }
    }
    let name = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))?
        .0
        .to_string();
    files.retain(|f| f.package() == name);
    let mut imports: Vec<String> = files.iter().flat_map(|f| f.imports()).cloned().collect();
    imports.sort();
    imports.dedup();
    Some((go::Package::new(&files).exported(), imports))
}

/// The imported packages read so far, by folder: the package with the imports it was read
/// with (how many levels down), or `None` where no Go package is.
pub type DepCache = HashMap<PathBuf, Option<(Arc<go::Package>, u8)>>;

/// How many levels of imports are read: the packages a file imports, and the ones those
/// import (a method of an imported type may give a type of a package the file does not
/// import: `s.Follow().Timer`).
const DEP_LEVELS: u8 = 2;

/// The packages `imports` (paths, as Go files of `dir` name them) that are read from their
/// files: not the standard library's, found by [`crate::gomod::Finder`] (the module, its
/// workspace, vendor, the module cache, GOPATH), each with its folder. `cache` keeps each
/// folder's package between calls.
pub fn read_deps<'a>(
    dir: &Path,
    imports: impl IntoIterator<Item = &'a str>,
    parser: &mut tree_sitter::Parser,
    cache: &mut DepCache,
) -> Vec<(String, PathBuf, Arc<go::Package>)> {
    read_deps_levels(dir, imports, parser, cache, DEP_LEVELS)
}

fn read_deps_levels<'a>(
    dir: &Path,
    imports: impl IntoIterator<Item = &'a str>,
    parser: &mut tree_sitter::Parser,
    cache: &mut DepCache,
    levels: u8,
) -> Vec<(String, PathBuf, Arc<go::Package>)> {
    if levels == 0 {
        return Vec::new();
    }
    let mut finder = None;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for import in imports {
        // the table has the std API; the std's own internal packages and `unsafe` hold nothing
        // a note is about (and only the std imports them)
        let std_only = crate::gomod::is_std_path(import)
            && (import == "unsafe" || import.split('/').any(|e| e == "internal" || e == "vendor"));
        if !seen.insert(import) || import == "C" || std_only || crate::stdapi::is_package(import) {
            continue;
        }
        let finder = finder.get_or_insert_with(|| {
            crate::gomod::Finder::for_dir(dir, &crate::gomod::GoEnv::from_env())
        });
        if finder.in_goroot() {
            // Go's own sources: the table has their std imports; what the std vendors
            // (golang.org/x/net, x/text's large tables) is not worth reading for a hover
            break;
        }
        let Some(dep_dir) = finder.dir_of(import) else {
            continue;
        };
        let pkg = match cache.get(&dep_dir) {
            // read with as many levels of its imports, or more
            Some(None) => None,
            Some(Some((p, l))) if *l >= levels => Some(p.clone()),
            _ => {
                // taken before its own imports are read: an import cycle ends here
                cache.insert(dep_dir.clone(), None);
                let read = read_dep_package(&dep_dir, parser).map(|(pkg, its)| {
                    let its = its.iter().map(String::as_str);
                    let deps = read_deps_levels(&dep_dir, its, parser, cache, levels - 1);
                    Arc::new(pkg.with_deps(deps.into_iter().map(|(path, _, p)| (path, p))))
                });
                cache.insert(dep_dir.clone(), read.clone().map(|p| (p, levels)));
                read
            }
        };
        if let Some(p) = pkg {
            out.push((import.to_string(), dep_dir, p));
        }
    }
    out
}

/// The package of the Go file at `path` (its text parsed as `tree`): its declarations and those
/// of the other files of its folder with the same package clause, read now. For the command
/// line; the language server keeps packages up to date on a thread of its own.
pub fn go_package(path: &Path, text: &str, tree: &tree_sitter::Tree) -> go::Package {
    let own = go::FileDecls::of(tree, text);
    let mut files = vec![own];
    let mut parser = go::parser();
    let dir = path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    for other in go_files(dir) {
        if other.file_name() == path.file_name() {
            continue;
        }
        let same =
            read_go(&other).is_ok_and(|(_, t)| go::package_clause(&t) == Some(files[0].package()));
        if same {
            if let Some(d) = read_go_decls(&other, &mut parser) {
                files.push(d);
            }
        }
    }
    let imports: Vec<&str> = files
        .iter()
        .flat_map(|f| f.imports())
        .map(String::as_str)
        .collect();
    let deps = read_deps(dir, imports, &mut parser, &mut Default::default());
    go::Package::new(&files).with_deps(deps.into_iter().map(|(path, _, p)| (path, p)))
}

/// Watches single folders (not their subfolders), added and removed as they are needed.
pub struct FolderWatch {
    watcher: notify::RecommendedWatcher,
}

impl FolderWatch {
    /// `on_change` gets the paths of each batch of file events.
    pub fn new(on_change: impl Fn(Vec<PathBuf>) + Send + 'static) -> Result<Self, notify::Error> {
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if let Ok(ev) = res {
                if !ev.kind.is_access() {
                    on_change(ev.paths);
                }
            }
        })?;
        Ok(FolderWatch { watcher })
    }

    pub fn add(&mut self, dir: &Path) {
        use notify::{RecursiveMode, Watcher};
        if let Err(e) = self.watcher.watch(dir, RecursiveMode::NonRecursive) {
            tracing::warn!("cannot watch {}: {e}", dir.display());
        }
    }

    pub fn remove(&mut self, dir: &Path) {
        use notify::Watcher;
        let _ = self.watcher.unwatch(dir);
    }
}
