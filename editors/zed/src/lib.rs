//! Zed extension for gonotes: starts `gonotes lsp` for Go buffers, beside gopls.
//!
//! Configuration comes from Zed's settings.json, `lsp.gonotes`:
//! - `binary.path` / `binary.arguments` / `binary.env`: how to start the server
//!   (default: `gonotes` found on the worktree's PATH, with `lsp`);
//! - `settings`: the gonotes configuration object of docs/protocol.md,
//!   `{ "notes": { "paths": [...], "builtin": true }, "definition": false }`. It is sent
//!   as initializationOptions and answered to workspace/configuration (section
//!   `gonotes`).
//!
//! Not compiled here: see README.md.

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

const SERVER: &str = "gonotes";

struct GonotesExtension;

fn default_config() -> serde_json::Value {
    serde_json::json!({
        "notes": { "paths": [], "builtin": true },
        "definition": false
    })
}

/// The user's `lsp.gonotes.settings`, or the defaults.
fn gonotes_config(worktree: &zed::Worktree) -> serde_json::Value {
    LspSettings::for_worktree(SERVER, worktree)
        .ok()
        .and_then(|s| s.settings)
        .unwrap_or_else(default_config)
}

impl zed::Extension for GonotesExtension {
    fn new() -> Self {
        GonotesExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.binary);
        let command = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("gonotes"))
            .ok_or_else(|| {
                "gonotes not found: put it on PATH or set lsp.gonotes.binary.path in settings.json"
                    .to_string()
            })?;
        let args = binary
            .as_ref()
            .and_then(|b| b.arguments.clone())
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        let mut env = worktree.shell_env();
        if let Some(extra) = binary.and_then(|b| b.env) {
            env.extend(extra);
        }
        Ok(zed::Command { command, args, env })
    }

    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(Some(gonotes_config(worktree)))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        // Zed answers workspace/configuration by section from this object, and pushes it
        // as workspace/didChangeConfiguration `settings`: both want it under `gonotes`.
        Ok(Some(serde_json::json!({ "gonotes": gonotes_config(worktree) })))
    }
}

zed::register_extension!(GonotesExtension);
