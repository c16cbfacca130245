//! Shared helpers: fixture paths, a builder of broken scenario text, and a runner for the
//! `diplosim` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Scenario text built from a fixture by string edits. Every edit must match exactly once,
/// so a change to the fixture breaks the test loudly instead of silently testing nothing.
#[derive(Clone, Debug)]
pub struct Text(pub String);

impl Text {
    /// The small fixture, `tests/fixtures/small.ron`.
    pub fn small() -> Text {
        Text(std::fs::read_to_string(fixture("small.ron")).expect("the small fixture"))
    }

    /// Replaces the one occurrence of `old` with `new`.
    pub fn replace(self, old: &str, new: &str) -> Text {
        let n = self.0.matches(old).count();
        assert_eq!(n, 1, "{old:?} occurs {n} times in the fixture, not once");
        Text(self.0.replacen(old, new, 1))
    }

    /// The text up to (not including) the one occurrence of `marker`.
    pub fn cut_before(self, marker: &str) -> Text {
        let n = self.0.matches(marker).count();
        assert_eq!(n, 1, "{marker:?} occurs {n} times in the fixture, not once");
        let at = self.0.find(marker).unwrap_or_default();
        Text(self.0[..at].to_string())
    }

    /// The 1-based line and character column of the one occurrence of `needle`.
    pub fn pos(&self, needle: &str) -> (usize, usize) {
        let n = self.0.matches(needle).count();
        assert_eq!(n, 1, "{needle:?} occurs {n} times in the text, not once");
        let at = self.0.find(needle).unwrap_or_default();
        let before = &self.0[..at];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    }

    /// Writes the text to `dir/name` and returns the path.
    pub fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, &self.0).expect("write a test file");
        path
    }
}

/// What a run of the binary printed and how it ended.
pub struct Ran {
    /// Exit code (None if killed by a signal).
    pub code: Option<i32>,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

/// Runs `diplosim` with `args` in the folder `cwd`.
pub fn diplosim(cwd: &Path, args: &[&str]) -> Ran {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("start diplosim");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read a test folder")
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
