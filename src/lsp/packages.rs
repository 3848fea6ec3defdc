//! The Go packages of open files, off the message loop. For a Go file the server has open, the
//! other `.go` files of its folder with the same package clause are read and parsed on this
//! thread (open files count with their buffers, read with the tree the message loop already
//! has), and each package's declarations are published as an immutable snapshot, like the
//! notes index. An edit only names the document: the buffer is copied here, once per batch of
//! edits, into a string kept for that document (no allocation on the way). The folders are watched; `workspace/didChangeWatchedFiles` reaches here too. A hover
//! reads the last snapshot and never parses another file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tree_sitter::{Parser, Tree};

use crate::go::{self, FileDecls, Package};
use crate::load::{self, FolderWatch, Stamp};

/// How long the thread waits for more changes before it publishes: a pause in typing. The file
/// being edited resolves its own declarations from its own tree on every hover; the package
/// snapshot only brings the other files, so it need not follow each keystroke, and re-reading
/// a large package between keystrokes competes with the server for the second core
/// (edit-then-hover p99 on the runtime package 1.5 -> 3.9 ms with a 20 ms wait).
const DEBOUNCE: Duration = Duration::from_millis(250);
/// The wait when a batch starts with a document the thread has not seen: a file just opened
/// wants its package at once, before the first hovers.
const OPEN_DEBOUNCE: Duration = Duration::from_millis(20);
/// The longest it gathers changes.
const MAX_GATHER: Duration = Duration::from_millis(1000);

pub enum Job {
    /// A Go document opened or changed.
    Buffer(String),
    /// A Go document closed.
    Closed(String),
    /// Files changed on disk (the watcher, or the client).
    Changed(Vec<PathBuf>),
    Stop,
}

/// The package of each open Go document.
#[derive(Debug, Default)]
pub struct Packages {
    by_uri: HashMap<String, Arc<Package>>,
}

impl Packages {
    /// The package of the open document `uri`, once read.
    pub fn of(&self, uri: &str) -> Option<&Package> {
        self.by_uri.get(uri).map(|p| &**p)
    }
}

/// The latest packages, shared.
#[derive(Clone, Default)]
pub struct Snapshot(Arc<Mutex<Arc<Packages>>>);

impl Snapshot {
    pub fn get(&self) -> Arc<Packages> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    fn set(&self, p: Packages) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(p);
    }
}

/// A Go file of a watched folder, as on disk.
struct DiskFile {
    stamp: Stamp,
    package: String,
    /// Read when its package is wanted.
    decls: Option<Arc<FileDecls>>,
}

struct OpenFile {
    /// Its folder on disk, when it has one.
    dir: Option<PathBuf>,
    path: Option<PathBuf>,
    decls: Arc<FileDecls>,
}

#[derive(Default)]
struct Workspace {
    open: HashMap<String, OpenFile>,
    folders: HashMap<PathBuf, BTreeMap<PathBuf, DiskFile>>,
    published: HashMap<String, Arc<Package>>,
    /// The imported packages read from their folders (not std), by folder; `None`: no Go
    /// package there.
    deps: load::DepCache,
    /// For each such folder, the folders of open files whose packages import it.
    dep_users: HashMap<PathBuf, HashSet<PathBuf>>,
    /// Folders of imported packages not watched yet.
    new_dep_dirs: Vec<PathBuf>,
}

/// Copies an open Go document's text into the string given and returns its tree (`None` when
/// the document is not open, or not Go).
pub type Fetch = dyn Fn(&str, &mut String) -> Option<Tree> + Send;

pub fn spawn(snapshot: Snapshot, jobs: Receiver<Job>, jobs_tx: Sender<Job>, fetch: Box<Fetch>) {
    let spawned = std::thread::Builder::new()
        .name("gonotes-go".into())
        .spawn(move || {
            let mut parser = go::parser();
            let mut ws = Workspace::default();
            // the text of each open document, as last copied
            let mut texts: HashMap<String, String> = HashMap::new();
            // started with the first folder: no watcher thread for a session without Go files
            let mut watch: Option<FolderWatch> = None;
            let mut watch_failed = false;
            loop {
                let Ok(first) = jobs.recv() else { return };
                let wait = match &first {
                    Job::Buffer(uri) if !ws.open.contains_key(uri) => OPEN_DEBOUNCE,
                    _ => DEBOUNCE,
                };
                let mut batch = vec![first];
                let gathering = Instant::now();
                while gathering.elapsed() < MAX_GATHER {
                    match jobs
                        .recv_timeout(wait.min(MAX_GATHER.saturating_sub(gathering.elapsed())))
                    {
                        Ok(j) => batch.push(j),
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                if batch.iter().any(|j| matches!(j, Job::Stop)) {
                    return;
                }
                let mut dirty: HashSet<Option<PathBuf>> = HashSet::new();
                let mut new_dirs: Vec<PathBuf> = Vec::new();
                let mut gone_dirs: Vec<PathBuf> = Vec::new();
                // documents whose buffers changed, each read once
                let mut buffers: HashSet<String> = HashSet::new();
                for job in batch {
                    match job {
                        Job::Buffer(uri) => {
                            buffers.insert(uri);
                        }
                        Job::Closed(uri) => {
                            buffers.remove(&uri);
                            texts.remove(&uri);
                            if let Some(f) = ws.open.remove(&uri) {
                                dirty.insert(f.dir.clone());
                                ws.published.remove(&uri);
                                if let Some(d) = f.dir {
                                    if !ws.open.values().any(|o| o.dir.as_ref() == Some(&d)) {
                                        ws.folders.remove(&d);
                                        gone_dirs.push(d);
                                    }
                                }
                            }
                        }
                        Job::Changed(paths) => {
                            for p in paths {
                                if let Some(d) = ws.file_changed(&p) {
                                    dirty.insert(Some(d));
                                }
                                // a file of an imported package: read it again, and the
                                // packages that import it
                                dirty.extend(ws.dep_changed(&p).into_iter().map(Some));
                            }
                        }
                        Job::Stop => return,
                    }
                }
                for uri in buffers {
                    let text = texts.entry(uri.clone()).or_default();
                    text.clear();
                    let Some(tree) = fetch(&uri, text) else {
                        continue; // closed since: its Closed job follows
                    };
                    let text = &*text;
                    let path = load::uri_to_path(&uri);
                    let dir = path
                        .as_deref()
                        .and_then(Path::parent)
                        .map(Path::to_path_buf);
                    if let Some(d) = &dir {
                        if !ws.folders.contains_key(d) {
                            ws.folders.insert(d.clone(), read_folder(d));
                            if d.is_dir() {
                                new_dirs.push(d.clone());
                            }
                        }
                    }
                    let Some(decls) = guarded(|| FileDecls::of(&tree, text)) else {
                        continue;
                    };
                    let decls = Arc::new(decls);
                    dirty.insert(dir.clone());
                    ws.open.insert(uri, OpenFile { dir, path, decls });
                }
                if !new_dirs.is_empty() && watch.is_none() && !watch_failed {
                    let tx = jobs_tx.clone();
                    match FolderWatch::new(move |paths| {
                        let _ = tx.send(Job::Changed(paths));
                    }) {
                        Ok(w) => watch = Some(w),
                        Err(e) => {
                            watch_failed = true;
                            tracing::warn!("cannot watch Go folders: {e}");
                        }
                    }
                }
                if let Some(w) = &mut watch {
                    for d in &gone_dirs {
                        if !ws.dep_users.contains_key(d) {
                            w.remove(d);
                        }
                    }
                    for d in &new_dirs {
                        w.add(d);
                    }
                }
                if dirty.is_empty() {
                    continue;
                }
                for dir in &dirty {
                    guarded(|| ws.rebuild(dir.as_deref(), &mut parser));
                }
                if let Some(w) = &mut watch {
                    for d in ws.new_dep_dirs.drain(..) {
                        w.add(&d);
                    }
                }
                snapshot.set(Packages {
                    by_uri: ws.published.clone(),
                });
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the Go package thread: {e}");
    }
}

/// Runs `f`; a panic (a bug on some input) is logged and the thread goes on with what it had.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(t) => Some(t),
        Err(_) => {
            tracing::error!("reading a Go package failed; its previous declarations stay");
            None
        }
    }
}

/// The Go files of a folder with their package clauses (declarations read later, for the
/// packages open files belong to).
fn read_folder(dir: &Path) -> BTreeMap<PathBuf, DiskFile> {
    let mut files = BTreeMap::new();
    for path in load::go_files(dir) {
        if let Some(f) = read_clause(&path) {
            files.insert(path, f);
        }
    }
    files
}

fn read_clause(path: &Path) -> Option<DiskFile> {
    let (stamp, text) = load::read_go(path).ok()?;
    let package = go::package_clause(&text)?.to_string();
    Some(DiskFile {
        stamp,
        package,
        decls: None,
    })
}

impl Workspace {
    /// A file changed in the folder of an imported package: that package is read again when
    /// next wanted; the folders of the open files whose packages import it.
    fn dep_changed(&mut self, path: &Path) -> Vec<PathBuf> {
        let Some(dir) = path.parent() else {
            return Vec::new();
        };
        if !load::is_go_file(path) || self.deps.remove(dir).is_none() {
            return Vec::new();
        }
        self.dep_users
            .get(dir)
            .map(|u| u.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// A file of a watched folder changed, appeared or went: its folder, when it is watched.
    fn file_changed(&mut self, path: &Path) -> Option<PathBuf> {
        if !load::is_go_file(path) {
            return None;
        }
        let dir = path.parent()?;
        let files = self.folders.get_mut(dir)?;
        match Stamp::of(path) {
            Some(stamp) if files.get(path).is_some_and(|f| f.stamp == stamp) => None,
            Some(_) => {
                match read_clause(path) {
                    Some(f) => files.insert(path.to_path_buf(), f),
                    None => files.remove(path),
                };
                Some(dir.to_path_buf())
            }
            None => files.remove(path).map(|_| dir.to_path_buf()),
        }
    }

    /// The packages of the open files of `dir` (or of a document with no folder), again.
    fn rebuild(&mut self, dir: Option<&Path>, parser: &mut Parser) {
        let open: Vec<(&String, &OpenFile)> = self
            .open
            .iter()
            .filter(|(_, f)| f.dir.as_deref() == dir)
            .collect();
        let Some(dir) = dir else {
            // documents with no folder: each is its own package
            for (uri, f) in open {
                self.published
                    .insert(uri.clone(), Arc::new(Package::new([&*f.decls])));
            }
            return;
        };
        let wanted: HashSet<&str> = open.iter().map(|(_, f)| f.decls.package()).collect();
        let open_paths: HashSet<&Path> =
            open.iter().filter_map(|(_, f)| f.path.as_deref()).collect();
        let files = self.folders.entry(dir.to_path_buf()).or_default();
        for (path, f) in files.iter_mut() {
            if f.decls.is_none()
                && wanted.contains(f.package.as_str())
                && !open_paths.contains(path.as_path())
            {
                f.decls = load::read_go_decls(path, parser).map(Arc::new);
            }
        }
        let mut built: HashMap<&str, Arc<Package>> = HashMap::new();
        for name in &wanted {
            let decls = files
                .iter()
                .filter(|(p, f)| f.package == *name && !open_paths.contains(p.as_path()))
                .filter_map(|(_, f)| f.decls.as_deref())
                .chain(
                    open.iter()
                        .map(|(_, f)| &*f.decls)
                        .filter(|d| d.package() == *name),
                );
            let decls: Vec<&FileDecls> = decls.collect();
            let imports: Vec<&str> = decls
                .iter()
                .flat_map(|d| d.imports())
                .map(String::as_str)
                .collect();
            let deps = load::read_deps(dir, imports, parser, &mut self.deps);
            for (_, dep_dir, _) in &deps {
                let users = self.dep_users.entry(dep_dir.clone()).or_default();
                if users.is_empty() {
                    self.new_dep_dirs.push(dep_dir.clone());
                }
                users.insert(dir.to_path_buf());
            }
            let pkg = Package::new(decls).with_deps(deps.into_iter().map(|(p, _, d)| (p, d)));
            built.insert(name, Arc::new(pkg));
        }
        let updates: Vec<(String, Arc<Package>)> = open
            .iter()
            .filter_map(|(uri, f)| Some(((*uri).clone(), built.get(f.decls.package())?.clone())))
            .collect();
        self.published.extend(updates);
    }
}
