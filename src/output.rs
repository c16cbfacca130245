//! Writing a command's files: all or nothing, and reproducible.
//!
//! A command computes every file in memory first. [`write_all`] then writes each to a
//! hidden temporary name in the output folder and renames them into place only after all
//! were written, so a failure never leaves a half-written set behind. The manifest records
//! what produced the files, without timestamps, so the same inputs give the same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Why files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The folder could not be created or a file could not be written or renamed.
    #[error("cannot write {}: {}\n  = help: choose a folder you can write to with --out", path.display(), crate::scenario::error::io_reason(source))]
    Io {
        /// The file or folder.
        path: PathBuf,
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

/// A file to write: its name in the output folder and its bytes.
pub type File = (String, Vec<u8>);

/// Writes every file into `dir` (created if missing), atomically as a set: nothing is
/// renamed into place until everything was written.
pub fn write_all(dir: &Path, files: &[File]) -> Result<(), OutputError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| OutputError::Io { path, source }
    };
    // Folders this call creates, deepest first, so a failure can take them away again.
    let created: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    let remove_created = || {
        for d in &created {
            // Only empty folders go; anything else was not ours.
            let _ = std::fs::remove_dir(d);
        }
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        remove_created();
        return Err(io(dir)(e));
    }
    let mut staged = Vec::new();
    let result = (|| {
        for (name, bytes) in files {
            let tmp = dir.join(format!(".{name}.partial"));
            staged.push(tmp.clone());
            let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
            f.write_all(bytes).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
        }
        for (name, _) in files {
            let tmp = dir.join(format!(".{name}.partial"));
            let dst = dir.join(name);
            std::fs::rename(&tmp, &dst).map_err(io(&dst))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for tmp in staged {
            // Best effort: the error being reported matters more than a leftover.
            let _ = std::fs::remove_file(tmp);
        }
        remove_created();
    }
    result
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
}

impl Manifest {
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

    #[test]
    fn writes_all_files_and_leaves_no_partials() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b");
        write_all(
            &out,
            &[
                ("x.csv".into(), b"1\n".to_vec()),
                ("y.txt".into(), b"2".to_vec()),
            ],
        )
        .unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["x.csv", "y.txt"]);
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        // A folder in the way of the second file's temporary name makes its write fail.
        std::fs::create_dir_all(dir.path().join(".y.txt.partial")).unwrap();
        let r = write_all(
            dir.path(),
            &[
                ("x.csv".into(), b"1".to_vec()),
                ("y.txt".into(), b"2".to_vec()),
            ],
        );
        assert!(r.is_err());
        assert!(!dir.path().join(".x.csv.partial").exists());
        assert!(!dir.path().join("x.csv").exists());
    }

    #[test]
    fn a_failed_write_removes_the_folders_it_made() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("made/here");
        // No file system takes a NUL byte in a name, so the first write fails.
        let r = write_all(&out, &[("bad\0name".into(), b"1".to_vec())]);
        assert!(r.is_err());
        assert!(!dir.path().join("made").exists());
    }

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
