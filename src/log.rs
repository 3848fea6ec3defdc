//! The one log path. Every part of gonotes logs with `tracing`'s macros (`tracing::warn!`); this
//! module is the subscriber that receives them, and writes each line that passes the level to
//! stderr as `gonotes LEVEL: message` and, in a language server session, to the editor as
//! `window/logMessage` (through the sink that [`crate::lsp`] sets). `GONOTES_LOG=off|error|
//! warn|info|debug` sets the level; without it the editor's trace setting does, in a session.
//!
//! `tracing` comes with the protocol library (which logs through it too); its `tracing-subscriber`
//! would bring a dozen crates for what the few lines below do. The library's own events pass at
//! `debug` only and never go to the editor (a message sent to the editor may log again).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// How much is logged: each level includes the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    /// `off`, `error`, `warn`, `info`, `debug`, and the editor's trace values (`messages`,
    /// `verbose`).
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Some(Level::Off),
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" | "messages" => Some(Level::Info),
            "debug" | "trace" | "verbose" => Some(Level::Debug),
            _ => None,
        }
    }

    fn of(level: &tracing::Level) -> Level {
        match *level {
            tracing::Level::ERROR => Level::Error,
            tracing::Level::WARN => Level::Warn,
            tracing::Level::INFO => Level::Info,
            _ => Level::Debug,
        }
    }

    fn from_u8(v: u8) -> Level {
        match v {
            0 => Level::Off,
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            _ => Level::Debug,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// Where log lines go besides stderr: the editor, in a session.
pub type Sink = Arc<dyn Fn(Level, &str) + Send + Sync>;

static LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);
static FROM_ENV: AtomicBool = AtomicBool::new(false);
static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// The level now.
pub fn level() -> Level {
    Level::from_u8(LEVEL.load(Ordering::Relaxed))
}

/// Installs the subscriber (once per process) with `default` as the level, unless
/// `GONOTES_LOG` names another.
pub fn init(default: Level) {
    let env = std::env::var("GONOTES_LOG").ok();
    let level = env.as_deref().and_then(Level::parse);
    FROM_ENV.store(level.is_some(), Ordering::Relaxed);
    LEVEL.store(level.unwrap_or(default) as u8, Ordering::Relaxed);
    // a second call (a second session in one process) keeps the subscriber it installed
    let _ = tracing::subscriber::set_global_default(Logger);
}

/// The editor's trace setting (`off`, `messages`, `verbose`), unless `GONOTES_LOG` is set.
/// `off` keeps `info`: errors, warnings and indexing summaries still matter.
pub fn set_trace(value: &str) {
    if !FROM_ENV.load(Ordering::Relaxed) {
        let level = Level::parse(value)
            .filter(|l| *l > Level::Info)
            .unwrap_or(Level::Info);
        LEVEL.store(level as u8, Ordering::Relaxed);
    }
}

/// Sends later lines to `sink` too (`None`: stderr alone).
pub fn set_sink(sink: Option<Sink>) {
    *SINK.write().unwrap_or_else(|e| e.into_inner()) = sink;
}

/// Whether an event of `level` from `target` is written.
fn passes(level: Level, target: &str) -> bool {
    let ours = target == "gonotes" || target.starts_with("gonotes::");
    let needed = if ours { level } else { Level::Debug };
    needed != Level::Off && needed <= self::level()
}

/// The subscriber: events only (spans are not kept).
struct Logger;

/// An event's text: its `message`, then any other fields as `name=value`.
#[derive(Default)]
struct Text(String);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            self.record_debug(field, &value);
        }
    }
}

impl Subscriber for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event() && passes(Level::of(metadata.level()), metadata.target())
    }

    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // the level changes at run time: asked at every event
        tracing::subscriber::Interest::sometimes()
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let level = Level::of(meta.level());
        let mut text = Text::default();
        event.record(&mut text);
        let ours = meta.target().starts_with("gonotes");
        // stdout carries the protocol: stderr only
        eprintln!("gonotes {}: {}", level.name(), text.0);
        if ours {
            let sink = SINK.read().unwrap_or_else(|e| e.into_inner()).clone();
            if let Some(sink) = sink {
                sink(level, &text.0);
            }
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_and_order() {
        assert_eq!(Level::parse("DEBUG"), Some(Level::Debug));
        assert_eq!(Level::parse("messages"), Some(Level::Info));
        assert_eq!(Level::parse("verbose"), Some(Level::Debug));
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Error < Level::Warn && Level::Info < Level::Debug);
    }
}
