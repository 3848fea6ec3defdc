//! gonotes' own protocol: every example in `docs/protocol.md` reads into its type in
//! `src/lsp/ext.rs` and writes back unchanged, and every type has one. The extension's
//! `test/lsp_ext.test.ts` checks the same examples against `lsp_ext.ts`, so a field renamed on
//! one side only fails one of the two.

use std::collections::BTreeMap;
use std::path::Path;

use gonotes::lsp::ext::{
    CaptureArgs, CaptureResult, CompletionData, Config, NoteAt, NotesConfig, OpenNoteArgs,
    StatusParams, WIRE_TYPES,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The examples of `docs/protocol.md`: a `<!-- example: NAME -->` line, then a `json` block.
fn examples() -> BTreeMap<String, Value> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/protocol.md"))
            .expect("docs/protocol.md");
    let mut out = BTreeMap::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .trim()
            .strip_prefix("<!-- example: ")
            .and_then(|r| r.strip_suffix(" -->"))
        else {
            continue;
        };
        let open = lines.next().map(str::trim);
        assert_eq!(open, Some("```json"), "a json block after example {name}");
        let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        let value: Value = serde_json::from_str(&body.join("\n"))
            .unwrap_or_else(|e| panic!("example {name} is not JSON: {e}"));
        assert!(
            out.insert(name.to_string(), value).is_none(),
            "two examples named {name}"
        );
    }
    out
}

/// Reads `example` as `T` and writes it back: a field the type does not know (or names
/// otherwise) is missing from the copy, and a field it needs and the example lacks fails.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str, example: &Value) -> Result<(), String> {
    let typed: T = serde_json::from_value(example.clone())
        .map_err(|e| format!("{name}: the example does not read as the type: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    if back == *example {
        Ok(())
    } else {
        Err(format!(
            "{name}: the type writes {back}\n  where the example has {example}"
        ))
    }
}

fn check(name: &str, example: &Value) -> Result<(), String> {
    match name {
        "NoteAt" => round_trip::<NoteAt>(name, example),
        "StatusParams" => round_trip::<StatusParams>(name, example),
        "CompletionData" => round_trip::<CompletionData>(name, example),
        "OpenNoteArgs" => round_trip::<OpenNoteArgs>(name, example),
        "CaptureArgs" => round_trip::<CaptureArgs>(name, example),
        "CaptureResult" => round_trip::<CaptureResult>(name, example),
        "Config" => round_trip::<Config>(name, example),
        "NotesConfig" => round_trip::<NotesConfig>(name, example),
        other => Err(format!("{other}: no such type in src/lsp/ext.rs")),
    }
}

#[test]
fn every_wire_type_has_one_example_and_no_example_is_extra() {
    let examples = examples();
    let named: Vec<&str> = examples.keys().map(String::as_str).collect();
    let mut types = WIRE_TYPES.to_vec();
    types.sort_unstable();
    assert_eq!(named, types);
}

#[test]
fn examples_read_into_the_server_types_and_back_unchanged() {
    let failures: Vec<String> = examples()
        .iter()
        .filter_map(|(name, example)| check(name, example).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_renamed_field_is_caught() {
    // the check itself: the NoteAt example with `uri` spelled otherwise, and without `range`
    let examples = examples();
    let mut renamed = examples["NoteAt"].clone();
    let uri = renamed
        .as_object_mut()
        .and_then(|o| o.remove("uri"))
        .expect("uri");
    renamed["url"] = uri;
    assert!(check("NoteAt", &renamed).is_err());
    let mut extra = examples["CaptureArgs"].clone();
    extra["note"] = Value::from("x");
    assert!(check("CaptureArgs", &extra).is_err());
}

#[test]
fn open_note_arguments_are_read_leniently() {
    let args = [Value::from("file:///n/a.md"), Value::from(7)];
    assert_eq!(
        OpenNoteArgs::from_arguments(&args),
        Some(OpenNoteArgs("file:///n/a.md".into(), 7))
    );
    assert_eq!(
        OpenNoteArgs::from_arguments(&args[..1]),
        Some(OpenNoteArgs("file:///n/a.md".into(), 0))
    );
    assert_eq!(OpenNoteArgs::from_arguments(&[Value::from(3)]), None);
    let written = OpenNoteArgs("file:///n/a.md".into(), 7).to_arguments();
    assert_eq!(written, args);
}
