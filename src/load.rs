//! The only file IO: finding note files in folders, reading and parsing them (in parallel),
//! keeping parsed notes by path so that a change re-reads only what changed, the built-in notes,
//! and watching note folders for changes made outside the editor.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

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
    pub reason: String,
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
            Ok(_) => skipped.push(Skipped {
                path: root.clone(),
                reason: "not a regular file".into(),
            }),
            Err(e) => skipped.push(Skipped {
                path: root.clone(),
                reason: format!("cannot read: {e}"),
            }),
        }
    }
    files.sort();
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
    if depth > 64 {
        skipped.push(Skipped {
            path: dir.to_path_buf(),
            reason: "nested more than 64 folders deep".into(),
        });
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            skipped.push(Skipped {
                path: dir.to_path_buf(),
                reason: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // follow symlinks: metadata, not symlink_metadata
        let Ok(meta) = std::fs::metadata(&path) else {
            if is_note_file(&path) {
                skipped.push(Skipped {
                    path,
                    reason: "dangling link or unreadable".into(),
                });
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
            skipped.push(Skipped {
                path,
                reason: "not a regular file".into(),
            });
        }
    }
}

/// `file:///...` for an absolute path, percent-encoding what a URI path cannot hold.
pub fn path_to_uri(path: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut s = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
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
                    eprintln!(
                        "gonotes: cannot write the built-in note {}: {e}",
                        path.display()
                    );
                }
            }
            let note = notes::parse(text, name, aliases, limits).ok()?;
            Some(NoteEntry {
                uri: path_to_uri(&path),
                name: name.to_string(),
                note: Arc::new(note),
            })
        })
        .collect()
}

/// A file's identity on disk, to tell whether it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

#[derive(Clone, Debug)]
struct FileState {
    stamp: Stamp,
    parsed: Result<Arc<Note>, String>,
}

/// The notes of some folders, parsed and kept by path. A refresh re-reads only files whose
/// size or modification time changed; an open editor buffer (an overlay) wins over the disk.
#[derive(Debug, Default)]
pub struct NoteSet {
    files: BTreeMap<PathBuf, FileState>,
    overlays: HashMap<PathBuf, (Arc<Note>, String)>,
    walk_skipped: Vec<Skipped>,
    builtin: Vec<NoteEntry>,
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
        if self.shape.as_ref() != Some(&shape) {
            self.files.clear();
            self.shape = Some(shape);
        }
        let started = Instant::now();
        let (files, skipped) = note_files(&opts.paths);
        let walk = started.elapsed();
        self.walk_skipped = skipped;
        let keep: HashSet<&PathBuf> = files.iter().collect();
        let before = self.files.len();
        self.files.retain(|p, _| keep.contains(p));
        let removed = before - self.files.len();
        let mut r = self.refresh_files(&files, opts);
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
        let mut r = self.refresh_files(&present, opts);
        r.removed += removed;
        r
    }

    fn refresh_files(&mut self, files: &[PathBuf], opts: &LoadOptions) -> Refresh {
        let started = Instant::now();
        let mut todo = Vec::new();
        let mut r = Refresh::default();
        for p in files {
            let stamp = std::fs::metadata(p).map(|m| Stamp {
                modified: m.modified().ok(),
                len: m.len(),
            });
            match (stamp, self.files.get(p)) {
                (Ok(s), Some(st)) if st.stamp == s => r.unchanged += 1,
                (Ok(s), _) => todo.push((p.clone(), s)),
                (Err(e), _) => {
                    let stamp = Stamp {
                        modified: None,
                        len: 0,
                    };
                    self.files.insert(
                        p.clone(),
                        FileState {
                            stamp,
                            parsed: Err(format!("cannot read: {e}")),
                        },
                    );
                }
            }
        }
        r.read = todo.len();
        for (path, stamp, parsed) in parse_files(todo, opts) {
            self.files.insert(path, FileState { stamp, parsed });
        }
        r.parse = started.elapsed();
        r
    }

    /// An open editor buffer for a note file: it wins over the disk until closed.
    pub fn set_overlay(&mut self, path: PathBuf, text: String, opts: &LoadOptions) {
        let name = file_name(&path);
        match notes::parse(&text, &name, &opts.aliases, opts.limits) {
            Ok(note) => {
                self.overlays.insert(path, (Arc::new(note), text));
            }
            Err(e) => {
                eprintln!("gonotes: open note {} not indexed: {e}", path.display());
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
            let note = match (self.overlays.get(p), &st.parsed) {
                (Some((n, _)), _) => n.clone(),
                (None, Ok(n)) => n.clone(),
                (None, Err(_)) => continue,
            };
            entries.push(NoteEntry {
                uri: path_to_uri(p),
                name: file_name(p),
                note,
            });
        }
        entries.extend(self.builtin.iter().cloned());
        Index::build(entries)
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Reads and parses files on every core.
fn parse_files(
    todo: Vec<(PathBuf, Stamp)>,
    opts: &LoadOptions,
) -> Vec<(PathBuf, Stamp, Result<Arc<Note>, String>)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(todo.len().max(1));
    let one = |(path, stamp): (PathBuf, Stamp)| {
        let parsed = read_note(&path, &opts.aliases, opts.limits).map(Arc::new);
        if let Err(reason) = &parsed {
            eprintln!("gonotes: skipped {}: {reason}", path.display());
        }
        (path, stamp, parsed)
    };
    if threads <= 1 || todo.len() < 8 {
        return todo.into_iter().map(one).collect();
    }
    let chunk = todo.len().div_ceil(threads);
    let mut chunks: Vec<Vec<(PathBuf, Stamp)>> = Vec::new();
    let mut it = todo.into_iter();
    loop {
        let c: Vec<_> = it.by_ref().take(chunk).collect();
        if c.is_empty() {
            break;
        }
        chunks.push(c);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || c.into_iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Reads one note file; the error is the reason it is skipped.
pub fn read_note(path: &Path, aliases: &Aliases, limits: Limits) -> Result<Note, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > limits.max_bytes as u64 {
        return Err(notes::Skip::TooLarge {
            bytes: meta.len() as usize,
            cap: limits.max_bytes,
        }
        .to_string());
    }
    // a regular file (checked above: opening a FIFO would block), read to its known size
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
        .map_err(|e| format!("cannot read: {e}"))?;
    notes::parse_bytes(&bytes, &file_name(path), aliases, limits).map_err(|e| e.to_string())
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
            eprintln!("gonotes: cannot watch {}: {e}", p.display());
        }
    }
    Ok(watcher)
}
