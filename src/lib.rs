//! gonotes: what your own Markdown notes say about the Go code under the cursor.
//!
//! The pure core (no protocol, no async runtime, no file IO), in reading order:
//! [`text`] counts columns, [`notes`] turns Markdown into sections with keys, [`go`] finds the
//! Go name at a spot of a source file, [`index`] files every note's sections under their keys,
//! and [`lookup`] turns a name into a card, completion items and locations, and [`capture`]
//! decides where a piece of code is written into the notes. [`stdapi`] is the Go
//! standard library's exported API, compiled in.
//! The edges: [`load`] reads (walking, reading and watching note folders), [`gomod`] finds
//! an import path's folder (the module, its workspace, vendor, the module cache, GOPATH),
//! [`notefile`] writes
//! a captured note atomically, and
//! [`lsp`] is the only code that knows the Language Server Protocol.

pub mod capture;
pub mod glossary;
pub mod go;
pub mod hash;
pub mod index;
pub mod lookup;
pub mod notes;
pub mod stdapi;
pub mod text;

pub mod gomod;
pub mod load;
pub mod log;
pub mod lsp;
pub mod notefile;
