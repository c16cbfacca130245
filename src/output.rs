//! Writing a command's files: all or nothing, and reproducible.
//!
//! A command computes every file in memory first. [`write_all`] then swaps the whole set
//! into place, so that a reader of the output folder sees the previous set or the new one
//! and never a mixture:
//! 1. it locks the output folder (the empty file `.NAME.lock` beside it, with `flock`):
//!    a second command writing the same folder fails at once with [`OutputError::Busy`]
//!    (exit 1) rather than wait or splice; a shard ([`write_all_waiting`]) waits its turn
//!    instead, up to [`SHARD_PATIENCE`], since a job array's tasks write one folder at once. The lock file exists only during the write: it
//!    is removed while still locked, and a writer that locked a removed file opens the
//!    name again (on Unix; elsewhere it is kept, since that check cannot be made);
//! 2. it writes every file into a fresh, uniquely named sibling folder
//!    `.NAME.diplosim-stage-XXXXXX` (made by `mkdir` and filled with files opened
//!    exclusively, so a symlink planted at any temporary name is never followed);
//! 3. it hard-links the other files already in the output folder (those not in the set)
//!    into the staging folder;
//! 4. it swaps the two folders in one step (`renameat2` with `RENAME_EXCHANGE` on Linux;
//!    elsewhere two renames, between which the folder is briefly absent);
//! 5. it moves into the new folder whatever else the old one held (the folders of other
//!    commands, such as `ensemble/` inside a run's folder) and deletes the old set file
//!    by file: only the files the new set replaces and those linked in step 3. Anything
//!    else found there (a folder another command put in the old one meanwhile, a file of
//!    a name now taken) is kept in the hidden folder and named in an error
//!    ([`OutputError::Carry`]), never deleted.
//!
//! A failure before step 4 leaves the previous output untouched and removes the staging
//! folder. A command killed during the write (Ctrl-C) leaves at most a hidden staging
//! folder and its record beside it (`.NAME.diplosim-stage-XXXXXX.set`, written before
//! anything goes into the folder: the folder's device and inode numbers as made, and the
//! names of the new set). Killed before the swap, the folder is still the one its record
//! names and holds only new files and links: the next write to the same folder removes
//! it. Killed after the swap, it is the previous set: the next write removes from it the
//! files the killed one replaced (named in the record) and the links, and leaves the rest
//! alone (it may hold the user's files and folders being carried over). The manifest
//! records what produced the files, without timestamps, so
//! the same inputs give the same bytes.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Why files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The folder could not be created or a file could not be written or renamed.
    #[error(
        "cannot write {}: {}\n  = help: choose a folder you can write to with --out",
        shown(path),
        crate::scenario::error::io_reason(source)
    )]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Another command holds the lock of the output folder.
    #[error(
        "cannot write {}: another diplosim command is writing this folder now; nothing was written\n  = help: run this command again when the other has finished, or choose another folder with --out",
        shown(dir)
    )]
    Busy {
        /// The output folder.
        dir: PathBuf,
    },
    /// A symbolic link stands at the name of the folder's lock, which is never followed.
    #[error(
        "cannot write {}: it is a symbolic link, and diplosim never follows a link at its lock's name; nothing was written\n  = help: remove the link, or choose another folder with --out",
        shown(path)
    )]
    Link {
        /// The lock's path.
        path: PathBuf,
    },
    /// Something that is not a plain file stands where a file of the set goes.
    #[error(
        "cannot write {}: a folder is in the way of the file of that name; nothing was written\n  = help: move it away, or choose another folder with --out",
        shown(path)
    )]
    InTheWay {
        /// The path of the file that could not be written.
        path: PathBuf,
    },
    /// Something other than a regular file (a device, a FIFO, a socket) stands where a
    /// single file is written: it is never replaced.
    #[error(
        "cannot write {}: it is not a regular file (a device, a FIFO or a socket), and diplosim replaces only files; nothing was written\n  = help: name a file to write",
        shown(path)
    )]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// A folder inside the output folder is a mount point: it cannot be carried into the
    /// new folder (a rename cannot move it), so nothing is written.
    #[error(
        "cannot write {}: {} is a mount point, which cannot be moved into the new folder that replaces it; nothing was written\n  = help: unmount it, or choose another folder with --out",
        shown(dir),
        shown(path)
    )]
    Mount {
        /// The output folder.
        dir: PathBuf,
        /// The mount point.
        path: PathBuf,
    },
    /// The new set is in place, but an entry of the old folder could not be moved into it.
    #[error(
        "wrote {}, but could not move {} into it: {}; it is kept in {}\n  = help: move it back by hand",
        shown(dir),
        shown(name),
        crate::scenario::error::io_reason(source),
        shown(kept)
    )]
    Carry {
        /// The output folder.
        dir: PathBuf,
        /// The entry that stayed behind.
        name: PathBuf,
        /// The hidden folder that still holds it.
        kept: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A CSV table could not be formed.
    #[error("cannot form {name}: {source}")]
    Csv {
        /// The file's name.
        name: String,
        /// The reason.
        source: csv::Error,
    },
}

/// A path as messages show it: as it is, or, when it holds a character that would act on
/// the terminal instead of being seen (a newline, an escape, a bidirectional override),
/// quoted and escaped the way Rust's `{:?}` does, e.g. `"out\nfolder"`.
pub fn shown<P: AsRef<Path> + ?Sized>(path: &P) -> Shown<'_> {
    Shown(path.as_ref())
}

/// See [`shown`].
pub struct Shown<'a>(&'a Path);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.to_string_lossy();
        if text.chars().any(acts_on_a_terminal) {
            write!(f, "{text:?}")
        } else {
            write!(f, "{}", self.0.display())
        }
    }
}

/// Text as messages show it when it quotes a user's file: each character that would act
/// on the terminal (see [`acts_on_a_terminal`]) escaped as Rust's `{:?}` writes it (`\0`,
/// `\t`, `\u{1b}`, `\u{202e}`), every other character as it is.
pub fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(acts_on_a_terminal) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts_on_a_terminal(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a character would act on a terminal (a control character moves the cursor or
/// sets colours, a bidirectional mark or override reorders the line) instead of being seen.
pub fn acts_on_a_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A file to write: its name in the output folder and its bytes.
pub type File = (String, Vec<u8>);

/// What marks a staging folder, after `.NAME`: `.NAME.diplosim-stage-XXXXXX`.
pub const STAGE: &str = ".diplosim-stage-";

/// The empty file that marked a staging folder as new until its swap, in earlier versions
/// (the record beside the folder, [`RECORD`], took its place): never linked nor carried, and
/// a stale staging folder that has it holds only what a killed writer made.
const NEW: &str = ".diplosim-new";

/// What follows a staging folder's name to name its record, the file beside it
/// (`.NAME.diplosim-stage-XXXXXX.set`) written before anything goes into the folder and
/// removed once the folder is gone. It holds the folder's identity as made (its device
/// and inode numbers) and the names of the new set, so the next write tells a staging
/// folder left before its swap (the same folder: only new files and links, it goes
/// whole) from one left after it (another folder: the previous set, whose files the new
/// set replaced go, with the links; the rest is kept).
const RECORD: &str = ".set";

/// The last field of a whole record.
const RECORD_END: &str = "end";

/// The record's path of the staging folder `stage`.
fn record_path(stage: &Path) -> PathBuf {
    let mut p = stage.as_os_str().to_os_string();
    p.push(RECORD);
    PathBuf::from(p)
}

/// The device and inode numbers of a folder (not followed if a link).
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<(u64, u64)> {
    None
}

/// A staging folder's record, as read back: its identity as made and the set's names.
struct Record {
    made: Option<(u64, u64)>,
    names: Vec<OsString>,
}

/// The record's bytes: fields separated by NUL (which no name holds), the last `end`.
fn record_bytes(made: Option<(u64, u64)>, files: &[File]) -> Vec<u8> {
    let mut fields: Vec<String> = vec!["diplosim-stage".into()];
    match made {
        Some((dev, ino)) => fields.extend([dev.to_string(), ino.to_string()]),
        None => fields.extend(["-".to_string(), "-".to_string()]),
    }
    fields.extend(files.iter().map(|(n, _)| n.clone()));
    fields.push(RECORD_END.into());
    let mut bytes = fields.join("\0").into_bytes();
    bytes.push(0);
    bytes
}

/// Reads a record; `None` if it is missing, not a plain file, or not whole.
fn read_record(path: &Path) -> Option<Record> {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut fields: Vec<&str> = text.strip_suffix('\0')?.split('\0').collect();
    if fields.len() < 4 || fields[0] != "diplosim-stage" || fields.pop()? != RECORD_END {
        return None;
    }
    let made = match (fields[1].parse(), fields[2].parse()) {
        (Ok(dev), Ok(ino)) => Some((dev, ino)),
        _ => None,
    };
    let names = fields[3..].iter().map(OsString::from).collect();
    Some(Record { made, names })
}

/// Removes a staging folder's record when dropped, unless told to keep it.
struct RecordGuard {
    path: PathBuf,
    keep: bool,
}

impl Drop for RecordGuard {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + use<> {
    let path = path.to_path_buf();
    move |source| OutputError::Io { path, source }
}

/// Writes every file into the folder `dir` (created if missing) as one set: the previous
/// set is replaced in a single step, or left untouched if anything fails. Entries of `dir`
/// that are not in the set (other commands' folders, other files) are kept.
pub fn write_all(dir: &Path, files: &[File]) -> Result<(), OutputError> {
    write_set(dir, files, std::time::Duration::ZERO)
}

/// How long a shard's write waits for another writer of its folder.
pub const SHARD_PATIENCE: std::time::Duration = std::time::Duration::from_secs(300);

/// As [`write_all`], but waits its turn (up to [`SHARD_PATIENCE`]) while another command
/// writes the folder, instead of failing at once. For shard files: the tasks of a job
/// array finish together and each adds its own file to the same folder, so the second of
/// two tasks that end in the same millisecond must not lose its work.
pub fn write_all_waiting(dir: &Path, files: &[File]) -> Result<(), OutputError> {
    write_set(dir, files, SHARD_PATIENCE)
}

fn write_set(dir: &Path, files: &[File], patience: std::time::Duration) -> Result<(), OutputError> {
    // `out`, `out/` and `a/b` name their last part; `.` or `..` are resolved first.
    let named = match dir.file_name() {
        Some(_) => dir.to_path_buf(),
        None => dir.canonicalize().map_err(io(dir))?,
    };
    let (Some(name), Some(parent)) = (named.file_name(), named.parent()) else {
        return Err(io(dir)(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the root cannot be replaced",
        )));
    };
    let name = name.to_os_string();
    let parent = if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent.to_path_buf()
    };
    // A symlink the user made to name the output folder is followed: the set goes where
    // it points.
    let (parent, name) = match std::fs::symlink_metadata(parent.join(&name)) {
        Ok(m) if m.file_type().is_symlink() => {
            let real = parent.join(&name).canonicalize().map_err(io(dir))?;
            match (real.parent(), real.file_name()) {
                (Some(p), Some(n)) => (p.to_path_buf(), n.to_os_string()),
                _ => (parent, name),
            }
        }
        _ => (parent, name),
    };
    // Folders this call creates, deepest first, so a failure can take them away again.
    let created: Vec<PathBuf> = parent
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    let result = std::fs::create_dir_all(&parent)
        .map_err(io(dir))
        .and_then(|()| swap_in(dir, &parent, &name, files, patience));
    if result.is_err() && !created.is_empty() {
        // The lock file went with the lock (unless another command made the folders at
        // the same moment and holds it, when they are not empty).
        for d in &created {
            // Only empty folders go; anything else was not ours.
            let _ = std::fs::remove_dir(d);
        }
    }
    result
}

fn lock_path(parent: &Path, name: &OsStr) -> PathBuf {
    let mut n = OsString::from(".");
    n.push(name);
    n.push(".lock");
    parent.join(n)
}

/// How many times a writer opens the lock file again after finding that the file it locked
/// had been removed by the writer before it (each time means another writer finished).
const LOCK_TRIES: usize = 16;

/// The lock of an output folder, held while its set is written. Its file is removed when
/// the lock is dropped, while still held: a writer that opened the file before (and then
/// locks a file no longer at the lock's name) finds it removed and opens the name again,
/// so two writers never hold two different files as the same lock.
#[derive(Debug)]
struct Lock {
    file: std::fs::File,
    path: PathBuf,
    /// Whether the file system took the lock (and the file may be removed).
    held: bool,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The file is closed (and the lock released) after this, with the fields.
        if self.held && names(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` still names the open `file` (not a file that replaced it, nor nothing).
/// Where this cannot be known, the lock file is never removed.
#[cfg(unix)]
fn names(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn names(_: &std::fs::File, _: &Path) -> bool {
    false
}

/// Takes the lock of the output folder `parent/name`, without following a symlink.
fn lock(
    dir: &Path,
    parent: &Path,
    name: &OsStr,
    patience: std::time::Duration,
) -> Result<Lock, OutputError> {
    let path = lock_path(parent, name);
    lock_opening(dir, &path, patience, || {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true);
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        options.open(&path).map_err(|source| {
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) {
                OutputError::Link { path: path.clone() }
            } else {
                io(&path)(source)
            }
        })
    })
}

/// How often a writer that waits for the lock tries it again.
const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// Locks the file `open` gives, until it is the one at `path` (see [`Lock`]). Another
/// writer holding it is waited for up to `patience` (none: refused at once).
fn lock_opening(
    dir: &Path,
    path: &Path,
    patience: std::time::Duration,
    mut open: impl FnMut() -> Result<std::fs::File, OutputError>,
) -> Result<Lock, OutputError> {
    let deadline = std::time::Instant::now() + patience;
    let mut reopened = 0;
    loop {
        let file = open()?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                if std::time::Instant::now() >= deadline {
                    break;
                }
                drop(file);
                std::thread::sleep(LOCK_POLL);
                continue;
            }
            // A file system without locks: write unlocked rather than not at all.
            Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                return Ok(Lock {
                    file,
                    path: path.to_path_buf(),
                    held: false,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(path)(e)),
        }
        #[cfg(unix)]
        if !names(&file, path) {
            // Removed by the writer before, between our open and our lock: open again.
            reopened += 1;
            if reopened >= LOCK_TRIES {
                if std::time::Instant::now() >= deadline {
                    break;
                }
                // Past a few writers in a row, a waiting writer polls instead of spinning.
                std::thread::sleep(LOCK_POLL);
            }
            continue;
        }
        return Ok(Lock {
            file,
            path: path.to_path_buf(),
            held: true,
        });
    }
    Err(OutputError::Busy {
        dir: dir.to_path_buf(),
    })
}

/// The prefix of the staging folders of `name`.
fn stage_prefix(name: &OsStr) -> OsString {
    let mut p = OsString::from(".");
    p.push(name);
    p.push(STAGE);
    p
}

/// Removes staging folders left by commands that were killed while writing `name`, and
/// their records. Called under the lock, so none of them belongs to a live command. A
/// folder left before its swap (it is still the folder its record names, or it is marked
/// as new by an earlier version) holding only files goes whole. From a folder left after
/// its swap (the previous set) go the files its record names (those the new set
/// replaced) and the files that are surely copies (see [`retire`]); the rest is left
/// alone, with the record: it may be the user's, interrupted while being carried over.
fn clean_stale(parent: &Path, name: &OsStr) {
    let prefix = stage_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let target = parent.join(name);
    let mut records = Vec::new();
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let n = entry.file_name();
        if !n.as_encoded_bytes().starts_with(prefix.as_encoded_bytes()) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_file() && n.as_encoded_bytes().ends_with(RECORD.as_bytes()) {
            records.push(path);
            continue;
        }
        folders.push(path.clone());
        if !meta.is_dir() {
            continue;
        }
        let record = read_record(&record_path(&path));
        let before_swap = match &record {
            Some(r) => r.made.is_some() && r.made == identity(&path),
            None => std::fs::symlink_metadata(path.join(NEW)).is_ok_and(|m| m.is_file()),
        };
        let only_files = std::fs::read_dir(&path).is_ok_and(|inner| {
            inner
                .flatten()
                .all(|e| e.file_type().is_ok_and(|t| t.is_file()))
        });
        if before_swap {
            if only_files {
                // Best effort: a leftover that cannot go is harmless, and hidden.
                let _ = std::fs::remove_dir_all(&path);
            }
        } else {
            let replaced = record.map(|r| r.names).unwrap_or_default();
            let _ = retire(&path, &target, &|n| replaced.iter().any(|r| r == n));
        }
    }
    // A record goes once its folder is gone (a record whose folder is still there is
    // kept, with what is left in it).
    let still_there: Vec<PathBuf> = folders
        .into_iter()
        .filter(|f| std::fs::symlink_metadata(f).is_ok())
        .map(|f| record_path(&f))
        .collect();
    for record in records {
        if !still_there.contains(&record) {
            let _ = std::fs::remove_file(&record);
        }
    }
}

/// Deletes the previous set `old` (a folder swapped out of the output folder `target`),
/// file by file: a file goes only if it is in the new set (`in_set`, replaced on
/// purpose) or is the same file as the one of its name in `target` (a link made in step
/// 3). Anything else is left, and then `old` is not removed: the first entry left is
/// returned, so nothing is ever deleted that is not surely a copy or replaced.
fn retire(
    old: &Path,
    target: &Path,
    in_set: &dyn Fn(&OsStr) -> bool,
) -> Result<(), (OsString, std::io::Error)> {
    let entries = std::fs::read_dir(old).map_err(|e| (OsString::new(), e))?;
    let mut left = None;
    for entry in entries.flatten() {
        let n = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && (n == NEW || in_set(&n) || same_file(&entry.path(), &target.join(&n))) {
            if let Err(e) = std::fs::remove_file(entry.path()) {
                left.get_or_insert((n, e));
            }
        } else {
            left.get_or_insert((
                n,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "something of that name is already in the new folder",
                ),
            ));
        }
    }
    if let Some(l) = left {
        return Err(l);
    }
    std::fs::remove_dir(old).map_err(|e| (OsString::new(), e))
}

/// Whether the folder `inner` of `outer` is on another file system (a mount point).
#[cfg(unix)]
fn mounted(outer: &Path, inner: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(outer), std::fs::symlink_metadata(inner)) {
        (Ok(a), Ok(b)) => a.dev() != b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn mounted(_: &Path, _: &Path) -> bool {
    false
}

/// Whether two paths name the same file (a link to a file is not the file).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether two paths lead to the same file, through symbolic links and hard links alike.
pub fn same_target(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Without inode numbers, a file of the same name in the new folder counts.
#[cfg(not(unix))]
fn same_file(_: &Path, b: &Path) -> bool {
    b.is_file()
}

fn swap_in(
    dir: &Path,
    parent: &Path,
    name: &OsStr,
    files: &[File],
    patience: std::time::Duration,
) -> Result<(), OutputError> {
    let _lock = lock(dir, parent, name, patience)?;
    clean_stale(parent, name);
    let target = parent.join(name);
    let mut kept_permissions = None;
    let existed = match std::fs::symlink_metadata(&target) {
        Ok(m) if m.is_dir() => {
            kept_permissions = Some(m.permissions());
            true
        }
        Ok(_) => {
            return Err(io(dir)(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "it is a file, not a folder",
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io(dir)(e)),
    };
    let in_set = |n: &OsStr| files.iter().any(|(f, _)| OsStr::new(f) == n);
    let prefix = stage_prefix(name);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        // As `mkdir` does by default, so the new folder has the permissions a folder made
        // by hand would have (the staging folder is not shared before the swap anyway).
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    // Declared before the staging folder, so that on a failure the folder goes first.
    let mut record: Option<RecordGuard> = None;
    let stage = builder.tempdir_in(parent).map_err(io(dir))?;
    // The record beside the staging folder, before anything goes into it (see [`RECORD`]).
    let record_at = record_path(stage.path());
    let mut r = std::fs::File::create_new(&record_at).map_err(io(dir))?;
    let record = record.insert(RecordGuard {
        path: record_at,
        keep: false,
    });
    r.write_all(&record_bytes(identity(stage.path()), files))
        .map_err(io(dir))?;
    drop(r);
    for (file, bytes) in files {
        let path = stage.path().join(file);
        let mut f = std::fs::File::create_new(&path).map_err(io(&dir.join(file)))?;
        f.write_all(bytes).map_err(io(&dir.join(file)))?;
        f.sync_all().map_err(io(&dir.join(file)))?;
    }
    if existed {
        for entry in std::fs::read_dir(&target).map_err(io(dir))? {
            let entry = entry.map_err(io(dir))?;
            let n = entry.file_name();
            let kind = entry.file_type().map_err(io(&entry.path()))?;
            if n == NEW {
                continue;
            }
            if in_set(&n) {
                if kind.is_dir() {
                    return Err(OutputError::InTheWay { path: dir.join(&n) });
                }
                continue;
            }
            // Files not in the set are linked, so they never leave the output folder;
            // folders are moved after the swap (step 5). A file that cannot be linked is
            // moved like a folder.
            if kind.is_file() {
                let _ = std::fs::hard_link(entry.path(), stage.path().join(&n));
            } else if kind.is_dir() && mounted(&target, &entry.path()) {
                return Err(OutputError::Mount {
                    dir: dir.to_path_buf(),
                    path: dir.join(&n),
                });
            }
        }
    }
    if let Some(p) = kept_permissions {
        // The folder keeps the permissions its owner gave it.
        std::fs::set_permissions(stage.path(), p).map_err(io(dir))?;
    }
    exchange(stage.path(), &target, existed).map_err(io(dir))?;
    // From here on, a staging folder left is the previous set, and its record says which
    // of its files the new set replaced: what is kept after an error keeps its record.
    record.keep = true;
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    if existed {
        // `stage` now holds the previous set, and what else the old folder held.
        let entries = std::fs::read_dir(stage.path()).map_err(io(dir))?;
        for entry in entries.flatten() {
            let n = entry.file_name();
            if in_set(&n) || std::fs::symlink_metadata(target.join(&n)).is_ok() {
                continue;
            }
            if let Err(source) = std::fs::rename(entry.path(), target.join(&n)) {
                return Err(OutputError::Carry {
                    dir: dir.to_path_buf(),
                    name: PathBuf::from(n),
                    kept: stage.keep(),
                    source,
                });
            }
        }
    }
    if !existed {
        // `stage` is the name the new folder left: nothing is there.
        let _ = stage.keep();
        record.keep = false;
        return Ok(());
    }
    // The previous set goes, file by file; what else is there (a folder that arrived
    // after the carrying, a file of a name now taken) is kept, and said.
    let old = stage.keep();
    retire(&old, &target, &in_set).map_err(|(name, source)| OutputError::Carry {
        dir: dir.to_path_buf(),
        name: PathBuf::from(name),
        kept: old.clone(),
        source,
    })?;
    record.keep = false;
    Ok(())
}

/// Puts the folder `new` at `target` and the folder that was at `target` (if `existed`) at
/// `new`, in one step where the system can.
fn exchange(new: &Path, target: &Path, existed: bool) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        let flags = if existed {
            RenameFlags::EXCHANGE
        } else {
            RenameFlags::NOREPLACE
        };
        match renameat_with(CWD, new, CWD, target, flags) {
            Ok(()) => return Ok(()),
            // A file system without renameat2's flags: fall back to plain renames.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    if !existed {
        return std::fs::rename(new, target);
    }
    let mut aside = new.as_os_str().to_os_string();
    aside.push(".old");
    let aside = PathBuf::from(aside);
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(new, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(e);
    }
    std::fs::rename(&aside, new)
}

/// An input file named in a manifest, with its SHA-256.
#[derive(Clone, Debug, Serialize)]
pub struct Input {
    /// The path as given on the command line.
    pub path: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

impl Input {
    /// Hashes a file's bytes.
    pub fn new(path: &Path, bytes: &[u8]) -> Input {
        Input {
            path: path.display().to_string(),
            sha256: sha256(bytes),
        }
    }
}

/// What produced a set of files.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    /// "diplosim".
    pub program: String,
    /// The program's version.
    pub version: String,
    /// The subcommand.
    pub command: String,
    /// The scenario (and counterfactuals), with hashes.
    pub inputs: Vec<Input>,
    /// The first seed.
    pub seed: u64,
    /// Runs per variant.
    pub runs: u64,
    /// The command line as typed.
    pub command_line: Vec<String>,
    /// The files written beside the manifest.
    pub files: Vec<String>,
    /// Which readings of the contested events and checkpoints the runs took (`default`,
    /// `all`, or the pinned `ID=NAME`s), for the commands that take `--readings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readings: Option<String>,
    /// The coupling between the pairs' rate, per year, of each scenario or variant run
    /// that couples its pairs, by its name (`baseline` and the variants' names for
    /// `compare`); left out when none does.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub coupling: std::collections::BTreeMap<String, f64>,
}

impl Manifest {
    /// The manifest of `files`, written by `command` of this program from `inputs` with
    /// `runs` seeds from `seed`; `argv` is the command line as typed.
    pub fn new(
        command: &str,
        inputs: Vec<Input>,
        seed: u64,
        runs: u64,
        argv: &[String],
        files: &[File],
    ) -> Manifest {
        Manifest {
            program: "diplosim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            inputs,
            seed,
            runs,
            command_line: argv.to_vec(),
            files: files.iter().map(|(n, _)| n.clone()).collect(),
            readings: None,
            coupling: std::collections::BTreeMap::new(),
        }
    }

    /// The manifest, saying which of `runs` (name and scenario) couple their pairs.
    pub fn coupled<'a>(
        mut self,
        runs: impl IntoIterator<Item = (&'a str, &'a crate::scenario::Scenario)>,
    ) -> Manifest {
        for (name, sc) in runs {
            if let Some(c) = sc.coupling {
                self.coupling.insert(name.to_string(), c.rate);
            }
        }
        self
    }

    /// `files` with this manifest after them, as `manifest.json`.
    pub fn append_to(&self, mut files: Vec<File>) -> Vec<File> {
        files.push(("manifest.json".to_string(), self.to_json()));
        files
    }

    /// The manifest as pretty JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing plain strings and numbers cannot fail.
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// Hex SHA-256.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    fn set(a: &str, b: &str) -> Vec<File> {
        vec![
            ("x.csv".into(), a.as_bytes().to_vec()),
            ("y.txt".into(), b.as_bytes().to_vec()),
        ]
    }

    #[test]
    fn writes_all_files_and_leaves_no_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b");
        write_all(&out, &set("1\n", "2")).unwrap();
        assert_eq!(names(&out), ["x.csv", "y.txt"]);
        assert_eq!(names(&dir.path().join("a")), ["b"]);
    }

    #[test]
    fn a_second_write_replaces_the_set_and_keeps_everything_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &set("old", "old")).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        std::fs::create_dir_all(out.join("ensemble")).unwrap();
        std::fs::write(out.join("ensemble/e.csv"), "e").unwrap();
        write_all(&out, &set("new", "new")).unwrap();
        assert_eq!(names(&out), ["ensemble", "notes.txt", "x.csv", "y.txt"]);
        assert_eq!(std::fs::read_to_string(out.join("x.csv")).unwrap(), "new");
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("ensemble/e.csv")).unwrap(),
            "e"
        );
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o710)).unwrap();
        write_all(&out, &set("new", "new")).unwrap();
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o710);
    }

    #[test]
    fn a_failed_write_leaves_the_previous_set_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &set("old", "old")).unwrap();
        // No file system takes a NUL byte in a name, so the second file's write fails.
        let mut files = set("new", "new");
        files.push(("bad\0name".into(), b"1".to_vec()));
        assert!(write_all(&out, &files).is_err());
        assert_eq!(names(&out), ["x.csv", "y.txt"]);
        assert_eq!(std::fs::read_to_string(out.join("x.csv")).unwrap(), "old");
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn a_folder_in_the_way_of_a_file_fails_before_the_swap() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("y.txt")).unwrap();
        let r = write_all(&out, &set("new", "new"));
        assert!(matches!(r, Err(OutputError::InTheWay { .. })), "{r:?}");
        assert_eq!(names(&out), ["y.txt"]);
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn a_failed_write_removes_the_folders_it_made() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("made/here");
        let r = write_all(&out, &[("bad\0name".into(), b"1".to_vec())]);
        assert!(r.is_err());
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_folder_another_command_is_writing_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &set("old", "old")).unwrap();
        let held = lock(
            &out,
            dir.path(),
            OsStr::new("out"),
            std::time::Duration::ZERO,
        )
        .unwrap();
        let r = write_all(&out, &set("new", "new"));
        assert!(matches!(r, Err(OutputError::Busy { .. })), "{r:?}");
        assert_eq!(std::fs::read_to_string(out.join("x.csv")).unwrap(), "old");
        // The refused writer leaves the holder's lock file alone.
        assert_eq!(names(dir.path()), [".out.lock", "out"]);
        drop(held);
        write_all(&out, &set("new", "new")).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("x.csv")).unwrap(), "new");
        assert_eq!(names(dir.path()), ["out"]);
    }

    /// Two writers and a third arriving: the second opened the lock file while the first
    /// held it; the first finishes (its lock file goes); the third makes a new one and
    /// locks it. The second's lock on the removed file must not count.
    #[cfg(unix)]
    #[test]
    fn a_lock_on_a_removed_lock_file_does_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let name = OsStr::new("out");
        let path = lock_path(dir.path(), name);
        let first = lock(&out, dir.path(), name, std::time::Duration::ZERO).unwrap();
        let opened_by_second = std::fs::File::open(&path).unwrap();
        drop(first);
        assert!(!path.exists());
        let third = lock(&out, dir.path(), name, std::time::Duration::ZERO).unwrap();
        // The second writer's first try gets the removed file, which locks fine; it must
        // open the name again, find the third's lock, and be refused.
        let mut first_try = Some(opened_by_second);
        let second = lock_opening(&out, &path, std::time::Duration::ZERO, || {
            Ok(match first_try.take() {
                Some(stale) => stale,
                None => std::fs::File::open(&path).unwrap(),
            })
        });
        assert!(first_try.is_none());
        assert!(
            matches!(second, Err(OutputError::Busy { .. })),
            "{second:?}"
        );
        assert!(path.exists());
        drop(third);
        assert!(!path.exists());
        write_all(&out, &set("new", "new")).unwrap();
        assert_eq!(names(dir.path()), ["out"]);
    }

    /// A shard's write waits for the writer before it instead of failing, and both sets'
    /// files are there after; a plain write in the same moment is refused.
    #[test]
    fn a_shard_write_waits_for_the_writer_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let held = lock(
            &out,
            dir.path(),
            OsStr::new("out"),
            std::time::Duration::ZERO,
        )
        .unwrap();
        assert!(matches!(
            write_all(&out, &set("a", "a")),
            Err(OutputError::Busy { .. })
        ));
        let waiting = {
            let out = out.clone();
            std::thread::spawn(move || write_all_waiting(&out, &[("b".into(), b"b".to_vec())]))
        };
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(
            !waiting.is_finished(),
            "the shard did not wait for the lock"
        );
        drop(held);
        waiting.join().unwrap().unwrap();
        write_all_waiting(&out, &[("c".into(), b"c".to_vec())]).unwrap();
        assert_eq!(names(&out), ["b", "c"]);
    }

    #[test]
    fn stale_new_staging_folders_go_unless_they_hold_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let files_only = dir.path().join(".out.diplosim-stage-aaaaaa");
        std::fs::create_dir_all(&files_only).unwrap();
        std::fs::write(files_only.join(NEW), "").unwrap();
        std::fs::write(files_only.join("x.csv"), "half").unwrap();
        let with_folder = dir.path().join(".out.diplosim-stage-bbbbbb");
        std::fs::create_dir_all(with_folder.join("ensemble")).unwrap();
        write_all(&out, &set("new", "new")).unwrap();
        assert_eq!(names(dir.path()), [".out.diplosim-stage-bbbbbb", "out"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_planted_at_temporary_names_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::create_dir_all(&victim).unwrap();
        std::fs::write(victim.join("keep.txt"), "keep").unwrap();
        // A symlink that looks like a stale staging folder is not a folder: it stays, and
        // what it points to is not touched.
        let planted = dir.path().join(".out.diplosim-stage-cccccc");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let out = dir.path().join("out");
        write_all(&out, &set("new", "new")).unwrap();
        assert_eq!(names(&victim), ["keep.txt"]);
        assert!(std::fs::symlink_metadata(&planted).unwrap().is_symlink());
        // A symlink at the lock's name is refused, and its target is not created.
        let other = dir.path().join("other");
        std::os::unix::fs::symlink(victim.join("lock"), dir.path().join(".other.lock")).unwrap();
        assert!(write_all(&other, &set("new", "new")).is_err());
        assert_eq!(names(&victim), ["keep.txt"]);
        assert!(!other.exists());
    }

    /// A staging folder left after its swap is the previous set, with the user's files
    /// that were being carried over (those that could not be linked): the next write
    /// takes only the links from it. One left before its swap goes whole.
    #[cfg(unix)]
    #[test]
    fn a_stale_previous_set_keeps_what_is_not_surely_a_copy() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &set("old", "old")).unwrap();
        let after = dir.path().join(".out.diplosim-stage-dddddd");
        std::fs::create_dir(&after).unwrap();
        std::fs::hard_link(out.join("x.csv"), after.join("x.csv")).unwrap();
        std::fs::write(after.join("theirs.txt"), "not linked").unwrap();
        let before = dir.path().join(".out.diplosim-stage-eeeeee");
        std::fs::create_dir(&before).unwrap();
        std::fs::write(before.join(NEW), "").unwrap();
        std::fs::write(before.join("x.csv"), "half").unwrap();
        write_all(&out, &set("new", "new")).unwrap();
        assert_eq!(names(dir.path()), [".out.diplosim-stage-dddddd", "out"]);
        assert_eq!(names(&after), ["theirs.txt"]);
        assert_eq!(names(&out), ["x.csv", "y.txt"]);
    }

    /// A writer killed after its swap leaves the previous set under the staging name, with
    /// its record beside it: the next write deletes the files the killed one replaced and
    /// the links, and keeps what was not yet carried over. One killed before its swap
    /// (still the folder its record names) goes whole; a record alone goes too.
    #[cfg(unix)]
    #[test]
    fn a_stale_staging_folder_is_cleaned_by_its_record() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &set("new", "new")).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let after = dir.path().join(".out.diplosim-stage-gggggg");
        std::fs::create_dir(&after).unwrap();
        std::fs::write(after.join("x.csv"), "old").unwrap();
        std::fs::write(after.join("y.txt"), "old").unwrap();
        std::fs::hard_link(out.join("notes.txt"), after.join("notes.txt")).unwrap();
        std::fs::write(after.join("theirs.txt"), "not carried yet").unwrap();
        // Its record was written when it was the new folder (another inode).
        std::fs::write(
            record_path(&after),
            record_bytes(Some((0, 0)), &set("", "")),
        )
        .unwrap();
        let before = dir.path().join(".out.diplosim-stage-hhhhhh");
        std::fs::create_dir(&before).unwrap();
        std::fs::write(before.join("x.csv"), "half").unwrap();
        std::fs::write(
            record_path(&before),
            record_bytes(identity(&before), &set("", "")),
        )
        .unwrap();
        std::fs::write(
            dir.path().join(".out.diplosim-stage-iiiiii.set"),
            record_bytes(None, &[]),
        )
        .unwrap();
        write_all(&out, &set("newer", "newer")).unwrap();
        assert_eq!(
            names(dir.path()),
            [
                ".out.diplosim-stage-gggggg",
                ".out.diplosim-stage-gggggg.set",
                "out"
            ]
        );
        assert_eq!(names(&after), ["theirs.txt"]);
        assert_eq!(names(&out), ["notes.txt", "x.csv", "y.txt"]);
        // Once what was left is moved away, the next write takes the folder and its record.
        std::fs::remove_file(after.join("theirs.txt")).unwrap();
        write_all(&out, &set("new", "new")).unwrap();
        assert_eq!(names(dir.path()), ["out"]);
    }

    /// What arrives in the previous set after its entries were carried over (another
    /// command writing a folder inside the output folder at the same moment) is kept and
    /// named, not deleted with the old set.
    #[test]
    fn what_arrives_in_the_old_set_late_is_kept_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let old = dir.path().join(".out.diplosim-stage-ffffff");
        std::fs::create_dir_all(target.join("ensemble")).unwrap();
        std::fs::write(target.join("x.csv"), "new").unwrap();
        std::fs::create_dir_all(old.join("ensemble")).unwrap();
        std::fs::write(old.join("ensemble/mine.txt"), "mine").unwrap();
        std::fs::write(old.join("x.csv"), "old").unwrap();
        let r = retire(&old, &target, &|n| n == "x.csv");
        let (name, _) = r.unwrap_err();
        assert_eq!(name, "ensemble");
        assert_eq!(names(&old), ["ensemble"]);
        assert_eq!(
            std::fs::read_to_string(old.join("ensemble/mine.txt")).unwrap(),
            "mine"
        );
        // With nothing left, the old set goes.
        std::fs::remove_dir_all(old.join("ensemble")).unwrap();
        retire(&old, &target, &|n| n == "x.csv").unwrap();
        assert!(!old.exists());
    }

    /// A folder on another file system is a mount point, which no rename can carry.
    #[cfg(target_os = "linux")]
    #[test]
    fn mount_points_are_told_from_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(!mounted(dir.path(), &dir.path().join("sub")));
        assert!(mounted(Path::new("/"), Path::new("/proc")));
    }

    #[test]
    fn paths_are_shown_as_they_are_unless_they_would_act_on_the_terminal() {
        assert_eq!(shown("output/small").to_string(), "output/small");
        assert_eq!(
            shown("it's a \\ \"name\"").to_string(),
            "it's a \\ \"name\""
        );
        assert_eq!(shown("Zhōu Ēnlái").to_string(), "Zhōu Ēnlái");
        assert_eq!(shown("out\nx").to_string(), "\"out\\nx\"");
        assert_eq!(shown("a\u{1b}[31mb").to_string(), "\"a\\u{1b}[31mb\"");
        assert_eq!(shown("a\u{202e}b").to_string(), "\"a\\u{202e}b\"");
    }

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
