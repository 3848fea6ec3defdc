//! Indexing off the message loop: one thread owns the parsed notes, takes requests (new
//! options, changed paths, open note buffers), debounces them, and publishes each new index as
//! an immutable snapshot. Requests meanwhile are answered from the last complete snapshot.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::index::Index;
use crate::load::{self, LoadOptions, NoteSet};

/// How long the indexer waits for more changes before it re-indexes.
const DEBOUNCE: Duration = Duration::from_millis(40);
/// The longest it gathers changes: a steady stream of edits still gets indexed this often.
const MAX_GATHER: Duration = Duration::from_millis(150);

pub enum Job {
    /// New options: walk everything again (and watch the new folders).
    Configure(LoadOptions),
    /// Files changed on disk (from the watcher or the client).
    Changed(Vec<PathBuf>),
    /// An open note's buffer, or `None` when it closes.
    Overlay(PathBuf, Option<String>),
    Stop,
}

/// What the indexer tells the server.
pub enum Event {
    Started {
        full: bool,
    },
    Done {
        notes: usize,
        sections: usize,
        /// Files not indexed (each was logged with its reason when it was found).
        skipped: usize,
        millis: u128,
        /// Where the time went: walk, read + parse, tables.
        phases: String,
        full: bool,
    },
}

/// The latest complete index, shared.
#[derive(Clone, Default)]
pub struct Snapshot(Arc<Mutex<Arc<Index>>>);

impl Snapshot {
    pub fn get(&self) -> Arc<Index> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    fn set(&self, index: Index) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
    }
}

pub fn spawn(
    snapshot: Snapshot,
    jobs: Receiver<Job>,
    jobs_tx: Sender<Job>,
    events: impl Fn(Event) + Send + 'static,
) {
    let spawned = std::thread::Builder::new()
        .name("gonotes-indexer".into())
        .spawn(move || {
            let mut set = NoteSet::new();
            let mut opts: Option<LoadOptions> = None;
            // held so that it keeps watching; replaced when the folders change
            let mut _watcher: Option<notify::RecommendedWatcher> = None;
            // new folders to watch, once the index of them is in place (tried once per set)
            let mut watch_due = false;
            loop {
                let Ok(first) = jobs.recv() else { return };
                // the first options are indexed at once: nothing is served until they are
                let at_once = opts.is_none() && matches!(first, Job::Configure(_));
                let mut batch = vec![first];
                // debounce: gather what else arrives soon, for a bounded time
                let gathering = Instant::now();
                while !at_once && gathering.elapsed() < MAX_GATHER {
                    match jobs
                        .recv_timeout(DEBOUNCE.min(MAX_GATHER.saturating_sub(gathering.elapsed())))
                    {
                        Ok(j) => batch.push(j),
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                let mut full = false;
                let mut changed: Vec<PathBuf> = Vec::new();
                let mut overlays_changed = false;
                for job in batch {
                    match job {
                        Job::Stop => return,
                        // the same options again (an editor sends them at start-up and answers
                        // `workspace/configuration` with them): nothing to do
                        Job::Configure(o) if opts.as_ref() == Some(&o) => {}
                        Job::Configure(o) => {
                            if opts.as_ref().is_none_or(|old| old.paths != o.paths) {
                                _watcher = None; // watched again below, after the index
                                watch_due = true;
                            }
                            opts = Some(o);
                            full = true;
                        }
                        Job::Changed(paths) => changed.extend(paths),
                        Job::Overlay(path, text) => {
                            if let Some(o) = &opts {
                                match text {
                                    Some(t) => set.set_overlay(path, t, o),
                                    None => {
                                        set.clear_overlay(&path);
                                    }
                                }
                                overlays_changed = true;
                            }
                        }
                    }
                }
                let Some(o) = &opts else { continue };
                let started = Instant::now();
                let refresh = if full {
                    events(Event::Started { full: true });
                    set.refresh_all(o)
                } else {
                    changed.sort();
                    changed.dedup();
                    set.refresh_paths(&changed, o)
                };
                if full || refresh.changed() || overlays_changed {
                    publish(&set, &snapshot, &events, started, full, &refresh);
                }
                if std::mem::take(&mut watch_due) && !o.paths.is_empty() {
                    // Watching starts after the first index, so that reading every note does
                    // not queue an open event per file; what changed before the watch began
                    // is caught by checking every file's size and time once more.
                    let tx = jobs_tx.clone();
                    _watcher = match load::watch(&o.paths, move |paths| {
                        let _ = tx.send(Job::Changed(paths));
                    }) {
                        Ok(w) => Some(w),
                        Err(e) => {
                            tracing::warn!("cannot watch note folders: {e}");
                            None
                        }
                    };
                    let started = Instant::now();
                    let refresh = set.refresh_all(o);
                    if refresh.changed() {
                        publish(&set, &snapshot, &events, started, false, &refresh);
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the indexer: {e}");
    }
}

/// Builds the index of what `set` holds and makes it the one requests are answered from.
fn publish(
    set: &NoteSet,
    snapshot: &Snapshot,
    events: &impl Fn(Event),
    started: Instant,
    full: bool,
    refresh: &load::Refresh,
) {
    let tables = Instant::now();
    let index = set.index();
    let tables = tables.elapsed();
    let stats = index.stats();
    snapshot.set(index);
    events(Event::Done {
        notes: stats.notes,
        sections: stats.sections,
        skipped: set.skipped().len(),
        millis: started.elapsed().as_millis(),
        phases: format!(
            "walk {} ms, read + parse {} ms ({} files read), tables {} ms",
            refresh.walk.as_millis(),
            refresh.parse.as_millis(),
            refresh.read,
            tables.as_millis()
        ),
        full,
    });
}
