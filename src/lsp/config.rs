//! The one configuration shape, from `initializationOptions`, `workspace/configuration` and
//! `workspace/didChangeConfiguration`, turned into load options.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::load::LoadOptions;
use crate::notes::{Aliases, Limits};

/// gonotes' configuration (`initializationOptions`, the `gonotes` section): one of the protocol's
/// own shapes, mirrored by the extension's settings (`lsp_ext.ts` checks them against each other).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Config {
    pub notes: NotesConfig,
    pub definition: bool,
    /// Extra alias words: `{ "等待": "sync.WaitGroup" }`.
    pub aliases: std::collections::BTreeMap<String, String>,
    /// Notes larger than this many bytes are skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_note_bytes: Option<usize>,
}

/// The `notes` part of [`Config`].
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct NotesConfig {
    pub paths: Vec<String>,
    pub builtin: bool,
    /// Where captures without a section of their own go; relative to the first notes folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbox: Option<String>,
}

impl Default for NotesConfig {
    fn default() -> Self {
        NotesConfig {
            paths: Vec::new(),
            builtin: true,
            inbox: None,
        }
    }
}

impl Config {
    /// Reads a configuration value; `{"gonotes": {...}}` and `{...}` are both accepted. A value
    /// of the wrong shape gives `Err` with the reason, and the caller keeps what it had.
    pub fn from_value(v: &serde_json::Value) -> Result<Option<Config>, String> {
        if v.is_null() {
            return Ok(None);
        }
        let v = v.get("gonotes").unwrap_or(v);
        if v.is_null() {
            return Ok(None);
        }
        Config::deserialize(v).map(Some).map_err(|e| e.to_string())
    }

    /// The load options for this configuration, relative paths against `root`.
    pub fn load_options(&self, root: Option<&Path>) -> LoadOptions {
        let mut paths: Vec<PathBuf> = self
            .notes
            .paths
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| resolve(p, root))
            .collect();
        if self.notes.paths.is_empty() {
            if let Some(r) = root {
                let default = r.join("notes");
                if default.is_dir() {
                    paths.push(default);
                }
            }
        }
        let extra: Vec<(String, String)> = self
            .aliases
            .iter()
            .map(|(a, k)| (a.clone(), k.clone()))
            .collect();
        let mut limits = Limits::default();
        if let Some(m) = self.max_note_bytes {
            limits.max_bytes = m;
        }
        LoadOptions {
            paths,
            builtin: self.notes.builtin,
            limits,
            aliases: Aliases::with(&extra),
        }
    }
}

impl Config {
    /// The inbox note for captures, given the notes paths in use: `notes.inbox` (relative to the
    /// first notes folder), else `inbox.md` in the first notes folder, else the first notes
    /// file; `None` when the notes are the built-in ones only.
    pub fn inbox(&self, root: Option<&Path>, paths: &[PathBuf]) -> Option<PathBuf> {
        let folder = paths.iter().find(|p| p.is_dir());
        match self.notes.inbox.as_deref().map(str::trim) {
            Some(i) if !i.is_empty() => {
                let base = folder.map(PathBuf::as_path).or(root);
                let p = resolve(i, base);
                p.is_absolute().then_some(p)
            }
            _ => folder
                .map(|f| f.join("inbox.md"))
                .or_else(|| paths.first().cloned()),
        }
    }
}

fn resolve(p: &str, root: Option<&Path>) -> PathBuf {
    let p = p.trim();
    let expanded = if p == "~" || p.starts_with("~/") {
        match std::env::var_os("HOME") {
            Some(h) => PathBuf::from(h).join(p.trim_start_matches('~').trim_start_matches('/')),
            None => PathBuf::from(p),
        }
    } else {
        PathBuf::from(p)
    };
    if expanded.is_absolute() {
        expanded
    } else {
        root.map_or(expanded.clone(), |r| r.join(&expanded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let v = serde_json::json!({"gonotes": {"notes": {"paths": ["docs/notes", "/abs"], "builtin": false}, "definition": true}});
        let c = Config::from_value(&v).unwrap().unwrap();
        assert_eq!(c.notes.paths, vec!["docs/notes", "/abs"]);
        assert!(!c.notes.builtin && c.definition);
        let o = c.load_options(Some(Path::new("/ws")));
        assert_eq!(
            o.paths,
            vec![PathBuf::from("/ws/docs/notes"), PathBuf::from("/abs")]
        );
        assert!(Config::from_value(&serde_json::json!({"notes": {"paths": 3}})).is_err());
        assert_eq!(Config::from_value(&serde_json::Value::Null).unwrap(), None);
        let d = Config::from_value(&serde_json::json!({})).unwrap().unwrap();
        assert!(d.notes.builtin && !d.definition);
    }
}
