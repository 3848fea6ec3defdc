//! Indexing off the message loop: one thread owns the parsed notes, takes jobs (new options,
//! changed paths, open note buffers), and runs in named steps: [`Indexer::gather`] a batch of
//! jobs (debounced), [`Indexer::apply`] it (merged: one read per path per batch),
//! [`Indexer::refresh`] the notes and [`Indexer::publish`] the new index as an immutable
//! snapshot, then [`Indexer::watch`] new folders. Requests meanwhile are answered from the last
//! complete snapshot.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::index::Index;
use crate::load::{self, LoadOptions, NoteSet, Refresh};

/// How long the indexer waits for more changes before it re-indexes.
const DEBOUNCE: Duration = Duration::from_millis(40);
/// The longest it gathers changes: a steady stream of edits still gets indexed this often.
const MAX_GATHER: Duration = Duration::from_millis(150);

pub enum Job {
    /// New options: walk everything again (and watch the new folders).
    Configure(LoadOptions),
    /// Files changed on disk (from the watcher or the client).
    Changed(Vec<PathBuf>),
    /// An open note's buffer changed (or opened): the indexer copies it when it gets to it.
    Buffer {
        path: PathBuf,
        uri: String,
    },
    /// An open note was closed: the disk's version counts again.
    Closed(PathBuf),
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

/// Copies the open note buffer at a URI into the string; false when it is not open.
pub type NoteBuffer = Box<dyn Fn(&str, &mut String) -> bool + Send>;

/// What one batch of jobs asks for.
#[derive(Default)]
struct Work {
    /// New options: everything is walked again.
    full: bool,
    /// Files changed on disk.
    changed: Vec<PathBuf>,
    /// Open notes by path, with the URI of the buffer to read: the last job for a path wins
    /// (`None`: closed).
    buffers: BTreeMap<PathBuf, Option<String>>,
}

struct Indexer<E> {
    snapshot: Snapshot,
    jobs: Receiver<Job>,
    /// For the watcher, which sends its changes as jobs.
    jobs_tx: Sender<Job>,
    note_buffer: NoteBuffer,
    events: E,
    set: NoteSet,
    opts: Option<LoadOptions>,
    /// Held so that it keeps watching; replaced when the folders change.
    watcher: Option<notify::RecommendedWatcher>,
    /// New folders to watch, once the index of them is in place (tried once per set).
    watch_due: bool,
    /// An open note's text, copied here (the buffer is reused from note to note).
    text: String,
}

pub fn spawn(
    snapshot: Snapshot,
    jobs: Receiver<Job>,
    jobs_tx: Sender<Job>,
    note_buffer: NoteBuffer,
    events: impl Fn(Event) + Send + 'static,
) {
    let indexer = Indexer {
        snapshot,
        jobs,
        jobs_tx,
        note_buffer,
        events,
        set: NoteSet::new(),
        opts: None,
        watcher: None,
        watch_due: false,
        text: String::new(),
    };
    let spawned = std::thread::Builder::new()
        .name("gonotes-indexer".into())
        .spawn(move || indexer.run());
    if let Err(e) = spawned {
        tracing::error!("cannot start the indexer: {e}");
    }
}

impl<E: Fn(Event)> Indexer<E> {
    fn run(mut self) {
        while let Some(batch) = self.gather() {
            let Some(work) = self.apply(batch) else {
                return;
            };
            self.refresh(work);
            self.watch();
        }
    }

    /// Waits for a job, then gathers what else arrives soon, for a bounded time; `None` when
    /// the server is gone. The first options are taken at once: nothing is served until they
    /// are indexed.
    fn gather(&self) -> Option<Vec<Job>> {
        let first = self.jobs.recv().ok()?;
        let at_once = self.opts.is_none() && matches!(first, Job::Configure(_));
        let mut batch = vec![first];
        let gathering = Instant::now();
        while !at_once && gathering.elapsed() < MAX_GATHER {
            let wait = DEBOUNCE.min(MAX_GATHER.saturating_sub(gathering.elapsed()));
            match self.jobs.recv_timeout(wait) {
                Ok(j) => batch.push(j),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some(batch)
    }

    /// Merges a batch into one piece of work: the options, the changed paths, and each open
    /// note once (however many edits it had); `None` on `Stop`.
    fn apply(&mut self, batch: Vec<Job>) -> Option<Work> {
        let mut work = Work::default();
        for job in batch {
            match job {
                Job::Stop => return None,
                // the same options again (an editor sends them at start-up and answers
                // `workspace/configuration` with them): nothing to do
                Job::Configure(o) if self.opts.as_ref() == Some(&o) => {}
                Job::Configure(o) => {
                    if self.opts.as_ref().is_none_or(|old| old.paths != o.paths) {
                        self.watcher = None; // watched again, after the index
                        self.watch_due = true;
                    }
                    self.opts = Some(o);
                    work.full = true;
                }
                Job::Changed(paths) => work.changed.extend(paths),
                Job::Buffer { path, uri } => {
                    work.buffers.insert(path, Some(uri));
                }
                Job::Closed(path) => {
                    work.buffers.insert(path, None);
                }
            }
        }
        Some(work)
    }

    /// Re-reads what the work names (everything, for new options), reads each open note's
    /// buffer once (copied under the server's lock into a reused string), and publishes a new
    /// index when anything changed.
    fn refresh(&mut self, mut work: Work) {
        let Some(opts) = &self.opts else { return };
        let started = Instant::now();
        let refresh = if work.full {
            (self.events)(Event::Started { full: true });
            self.set.refresh_all(opts)
        } else {
            work.changed.sort();
            work.changed.dedup();
            self.set.refresh_paths(&work.changed, opts)
        };
        let buffers_changed = !work.buffers.is_empty();
        for (path, uri) in work.buffers {
            self.text.clear();
            // a note closed since its edit reads as closed
            if uri.is_some_and(|u| (self.note_buffer)(&u, &mut self.text)) {
                self.set.set_overlay(path, &self.text, opts);
            } else {
                self.set.clear_overlay(&path);
            }
        }
        if work.full || refresh.changed() || buffers_changed {
            self.publish(started, work.full, &refresh);
        }
    }

    /// Builds the index of what the set holds and makes it the one requests are answered from.
    fn publish(&self, started: Instant, full: bool, refresh: &Refresh) {
        let tables = Instant::now();
        let index = self.set.index();
        let tables = tables.elapsed();
        let stats = index.stats();
        self.snapshot.set(index);
        (self.events)(Event::Done {
            notes: stats.notes,
            sections: stats.sections,
            skipped: self.set.skipped().len(),
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

    /// Starts watching new folders. Watching starts after the first index, so that reading
    /// every note does not queue an open event per file; what changed before the watch began
    /// is caught by checking every file's size and time once more.
    fn watch(&mut self) {
        let Some(opts) = &self.opts else { return };
        if !std::mem::take(&mut self.watch_due) || opts.paths.is_empty() {
            return;
        }
        let tx = self.jobs_tx.clone();
        self.watcher = match load::watch(&opts.paths, move |paths| {
            let _ = tx.send(Job::Changed(paths));
        }) {
            Ok(w) => Some(w),
            Err(e) => {
                tracing::warn!("cannot watch note folders: {e}");
                None
            }
        };
        let started = Instant::now();
        let refresh = self.set.refresh_all(opts);
        if refresh.changed() {
            self.publish(started, false, &refresh);
        }
    }
}
