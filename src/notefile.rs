//! Writing a note: the checks before a capture, and the atomic write that refuses to overwrite
//! a note changed on disk since it was read. A note is never truncated or left half-written:
//! the new text goes to a temporary file in the same folder, which then replaces the note
//! (or becomes it, for a new note) in one rename or link.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A note as read before a capture: its bytes, or `None` when it does not exist yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub path: PathBuf,
    pub bytes: Option<Vec<u8>>,
}

impl Read {
    /// The note's text (empty for a new note).
    pub fn text(&self) -> String {
        self.bytes
            .as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Checks that `path` can take a capture and reads it. The reasons for a refusal are written
/// for the user: a folder, a link to nothing, a read-only note or folder, a missing folder.
pub fn read_for_capture(path: &Path) -> Result<Read, String> {
    let shown = path.display();
    let folder = folder_of(path);
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() && std::fs::metadata(path).is_err() => {
            let to = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(format!(
                "the note {shown} is a link to {to}, which does not exist; nothing was written"
            ));
        }
        _ => {}
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read the note {shown}: {e}")),
    };
    match std::fs::metadata(folder) {
        Ok(m) if m.is_dir() => {
            if m.permissions().readonly() {
                return Err(format!(
                    "the notes folder {} is read-only; nothing was written",
                    folder.display()
                ));
            }
        }
        Ok(_) => return Err(format!("{} is not a folder", folder.display())),
        Err(e) => {
            return Err(format!(
                "the notes folder {} cannot be used: {e}",
                folder.display()
            ));
        }
    }
    let Some(meta) = meta else {
        return Ok(Read {
            path: path.to_path_buf(),
            bytes: None,
        });
    };
    if meta.is_dir() {
        return Err(format!(
            "{shown} is a folder, not a note; set notes.inbox to a .md file"
        ));
    }
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    if meta.permissions().readonly() {
        return Err(format!(
            "the note {shown} is read-only; nothing was written"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the note {shown}: {e}"))?;
    Ok(Read {
        path: path.to_path_buf(),
        bytes: Some(bytes),
    })
}

/// Replaces the note read as `read` with `text`, atomically, unless it changed on disk since
/// (then nothing is written). A note that did not exist is created, unless one appeared since.
pub fn write(read: &Read, text: &str) -> Result<(), String> {
    let path = &read.path;
    let shown = path.display();
    let folder = folder_of(path);
    let name = path
        .file_name()
        .map_or_else(|| "note".into(), |n| n.to_string_lossy().into_owned());
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = folder.join(format!(
        ".{name}.gonotes-{}-{stamp}.tmp",
        std::process::id()
    ));
    let result = write_via(&tmp, read, text);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| e.replace("{note}", &shown.to_string()))
}

fn write_via(tmp: &Path, read: &Read, text: &str) -> Result<(), String> {
    let path = &read.path;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| {
            format!(
                "cannot write in the notes folder {}: {e}; nothing was written",
                folder_of(path).display()
            )
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {{note}}: {e}; nothing was written"))?;
    drop(file);
    match &read.bytes {
        Some(before) => {
            if let Ok(m) = std::fs::metadata(path) {
                let _ = std::fs::set_permissions(tmp, m.permissions());
            }
            let now = std::fs::read(path).ok();
            if now.as_deref() != Some(before.as_slice()) {
                return Err(
                    "the note {note} changed on disk since it was read; nothing was written".into(),
                );
            }
            std::fs::rename(tmp, path)
                .map_err(|e| format!("cannot replace {{note}}: {e}; nothing was written"))
        }
        None => {
            // a link, not a rename: it fails when a note of that name appeared meanwhile
            let linked = std::fs::hard_link(tmp, path);
            let _ = std::fs::remove_file(tmp);
            match linked {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(
                    "the note {note} appeared on disk since it was read; nothing was written"
                        .into(),
                ),
                Err(e) => Err(format!("cannot create {{note}}: {e}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("gonotes-notefile-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn leftovers(d: &Path) -> usize {
        std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count()
    }

    #[test]
    fn writes_and_creates() {
        let d = dir("write");
        let note = d.join("a.md");
        std::fs::write(&note, "# a\n").unwrap();
        let r = read_for_capture(&note).unwrap();
        write(&r, "# a\nmore\n").unwrap();
        assert_eq!(std::fs::read_to_string(&note).unwrap(), "# a\nmore\n");
        let new = d.join("inbox.md");
        let r = read_for_capture(&new).unwrap();
        assert_eq!(r.bytes, None);
        write(&r, "## x\n").unwrap();
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "## x\n");
        assert_eq!(leftovers(&d), 0);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn refuses_a_note_changed_on_disk_since_it_was_read() {
        let d = dir("changed");
        let note = d.join("a.md");
        std::fs::write(&note, "# a\n").unwrap();
        let r = read_for_capture(&note).unwrap();
        std::fs::write(&note, "# a\nedited elsewhere\n").unwrap();
        let e = write(&r, "# a\ncapture\n").unwrap_err();
        assert!(e.contains("changed on disk since it was read"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&note).unwrap(),
            "# a\nedited elsewhere\n"
        );
        // a new note that appeared meanwhile is not replaced either
        let new = d.join("inbox.md");
        let r = read_for_capture(&new).unwrap();
        std::fs::write(&new, "mine\n").unwrap();
        let e = write(&r, "## x\n").unwrap_err();
        assert!(e.contains("appeared on disk"), "{e}");
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "mine\n");
        assert_eq!(leftovers(&d), 0);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn refusals_before_reading() {
        let d = dir("refuse");
        std::fs::create_dir_all(d.join("folder.md")).unwrap();
        let e = read_for_capture(&d.join("folder.md")).unwrap_err();
        assert!(e.contains("is a folder, not a note"), "{e}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d.join("nowhere.md"), d.join("dangling.md")).unwrap();
            let e = read_for_capture(&d.join("dangling.md")).unwrap_err();
            assert!(e.contains("which does not exist"), "{e}");
        }
        let ro = d.join("ro.md");
        std::fs::write(&ro, "x").unwrap();
        let mut p = std::fs::metadata(&ro).unwrap().permissions();
        p.set_readonly(true);
        std::fs::set_permissions(&ro, p).unwrap();
        let e = read_for_capture(&ro).unwrap_err();
        assert!(e.contains("is read-only"), "{e}");
        let e = read_for_capture(&d.join("missing").join("inbox.md")).unwrap_err();
        assert!(e.contains("cannot be used"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
