//! Whole LSP sessions from arbitrary bytes: the input is the client's entire byte stream, fed
//! through `gonotes::lsp::serve` (the framing layer, tower-lsp-server and the server's own
//! handlers) on in-memory streams in a current-thread tokio runtime. The session must end within
//! a bounded time once its input ends, write only well-formed frames, and never panic (see
//! `common` for how a panic is caught).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::workspace();
    let out = common::run_bytes(data.to_vec());
    common::check_output(&out);
});
