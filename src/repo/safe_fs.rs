//! Opening files readyctl is told about by name (its config, the baseline,
//! the checklist, a CA bundle, a file a scaffold would replace): regular
//! files only, never blocking, size-capped.
//!
//! A FIFO at `readyctl.yaml` would block `open` forever, a device would be
//! read without end. The file is opened non-blocking (opening a FIFO then
//! returns at once) and its type is checked on the open descriptor, so there
//! is no window between a check and the open.

use std::io::{self, Read};
use std::path::Path;

/// The default cap of [`read_regular`]: the index's text cap.
pub const MAX_BYTES: u64 = crate::repo::index::MAX_TEXT_BYTES;

/// The error kind and message of a file that is not a regular file.
fn not_regular() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a FIFO, device, socket or directory); not read",
    )
}

/// Open `path` (following symlinks) for reading if it is a regular file.
pub fn open_regular(path: &Path) -> io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// Read `path` whole if it is a regular file of at most `max` bytes.
/// `NotFound` is passed through unchanged so callers can tell "absent".
pub fn read_regular(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let len = file.metadata()?.len();
    if len > max {
        return Err(too_large(len, max));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read is still cut at the cap.
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, max: u64) -> io::Result<String> {
    String::from_utf8(read_regular(path, max)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"))
}

fn too_large(len: u64, max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{len} bytes, over the {} KiB cap; not read", max / 1024),
    )
}

/// What is at `path` (not following a final symlink) when it is something a
/// write must not replace: a FIFO, device, socket or directory.
pub fn unwritable_target(path: &Path) -> Option<&'static str> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let t = meta.file_type();
    if t.is_file() || t.is_symlink() {
        return None;
    }
    Some(if t.is_dir() {
        "a directory"
    } else {
        "not a regular file (a FIFO, device or socket)"
    })
}

/// Write `content` to `path` atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &std::path::Path, content: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    // Never replace a FIFO, device, socket or directory by a regular file.
    if let Some(what) = unwritable_target(path) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{what}; not replaced"),
        ));
    }
    // A new file gets the user's umask over 0666 (0644 under the usual 022),
    // not the 0600 of a temporary file; a file that is replaced keeps its mode.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if let Ok(m) = std::fs::metadata(path)
        && m.is_file()
    {
        tmp.as_file().set_permissions(m.permissions())?;
    }
    tmp.write_all(content)?;
    tmp.flush()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "hello").unwrap();
        assert_eq!(read_regular(&p, 5).unwrap(), b"hello");
        let e = read_regular(&p, 4).unwrap_err();
        assert!(e.to_string().contains("over the"), "{e}");
        let e = read_regular(dir.path(), 10).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let e = read_regular(&dir.path().join("none"), 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let e = read_regular(&p, 10).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(unwritable_target(&p).is_some());
    }
}
