//! The text of a file: reading it, decoding it, and locating RON's parse errors.
//!
//! A file is read as bytes; a UTF-8 byte-order mark is dropped; anything that is not UTF-8
//! text (a binary file, UTF-16, Windows-1252) is refused with the place of the first bad
//! byte.

use std::path::{Path, PathBuf};

use super::error::{Location, ScenarioError, did_you_mean, edit_distance};

/// Reads a file as UTF-8 text, without a byte-order mark.
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    let bytes = read_bytes(path)?;
    decode(&bytes, path).map(str::to_string)
}

/// Reads a file's bytes, explaining a missing file or a folder given as a file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ScenarioError> {
    let unusable = |message: &str, hint: Option<String>| ScenarioError::Unusable {
        path: path.to_path_buf(),
        message: message.to_string(),
        hint,
    };
    if path.is_dir() {
        let files = ron_files(path);
        let hint = if files.is_empty() {
            "name a scenario file (.ron); this folder holds none".to_string()
        } else {
            format!("name a scenario file inside it: {}", files.join(", "))
        };
        return Err(unusable("this is a folder, not a file", Some(hint)));
    }
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            let hint = match sibling(path) {
                Some(s) => format!("did you mean {}?", s.display()),
                None => {
                    "check the spelling; a relative path starts from the current folder".to_string()
                }
            };
            unusable("there is no such file", Some(hint))
        } else {
            ScenarioError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// The `.ron` files in a folder, sorted, at most six.
fn ron_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    names.sort();
    names.truncate(6);
    names
}

/// A file next to a missing one whose name is a likely typo of it.
fn sibling(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    let best = did_you_mean(name, names.iter().map(String::as_str))?;
    // File names are short and alike ("a1.ron", "b1.ron"): suggest only near misses of a
    // longer name, at most one slip in four characters.
    let stem = |n: &str| Path::new(n).file_stem().map_or(0, |s| s.len());
    (edit_distance(name, &best) * 4 <= stem(name).min(stem(&best)))
        .then(|| path.with_file_name(best))
}

/// The UTF-8 text of a file's bytes, without a byte-order mark.
pub fn decode<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, ScenarioError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let unusable = |message: String, hint: &str| ScenarioError::Unusable {
        path: path.to_path_buf(),
        message,
        hint: Some(hint.to_string()),
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(unusable(
            "the file is UTF-16 text; scenarios are read as UTF-8".to_string(),
            "save it again with the encoding UTF-8",
        ));
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(unusable(
            format!("this is {kind}, not a scenario file"),
            "a scenario is a RON text file (`name.ron`); check the path",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        // The text up to the bad byte is valid, so lines and columns can be counted in it.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        let location = Location {
            line: before.matches('\n').count() + 1,
            col: before[line_start..].chars().count() + 1,
            text: String::from_utf8_lossy(&bytes[line_start..line_end])
                .trim_end_matches('\r')
                .to_string(),
        };
        ScenarioError::Syntax {
            path: path.to_path_buf(),
            location,
            message: format!(
                "the file is not UTF-8 text: the byte 0x{:02X} here is not a character",
                bytes[at]
            ),
            hint: Some(
                "save the file with the encoding UTF-8 (it may have been saved as Windows-1252 or Latin-1)"
                    .to_string(),
            ),
        }
    })
}

/// What a binary file is, judged by its first bytes: a known format, or any file with a
/// NUL byte near its start.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 7] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a zip archive (or an office document)"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"\x7FELF", "a program"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|(_, kind)| *kind)
        .or_else(|| {
            bytes
                .iter()
                .take(8192)
                .any(|&b| b == 0)
                .then_some("a binary file")
        })
}

/// Parses RON text into a mirror type, locating any error.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T, ScenarioError> {
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    options
        .from_str::<T>(text)
        .map_err(|e| syntax_error(text, path, e))
}

fn syntax_error(text: &str, path: &Path, e: ron::error::SpannedError) -> ScenarioError {
    use ron::error::Error as E;
    let (mut line, mut col) = (e.span.start.line.max(1), e.span.start.col.max(1));
    let message = lowercase_first(&e.code.to_string());
    let hint = match &e.code {
        E::Eof if text.trim().is_empty() => {
            Some("the file is empty: a scenario starts with `Scenario(` and names its states, parties and events".to_string())
        }
        E::Eof => Some("the file ends too early: look for an unclosed `(`, `[` or `\"`".to_string()),
        E::ExpectedComma | E::ExpectedArrayEnd | E::ExpectedStructLikeEnd | E::ExpectedMapEnd => {
            Some("is a comma missing at the end of the previous line?".to_string())
        }
        E::NoSuchStructField { expected, found, .. } => Some(match did_you_mean(found, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? the fields here are: {}", expected.join(", ")),
            None => format!("the fields here are: {}", expected.join(", ")),
        }),
        E::NoSuchEnumVariant { expected, found, .. } => Some(match did_you_mean(found, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? the choices are: {}", expected.join(", ")),
            None => format!("the choices are: {}", expected.join(", ")),
        }),
        E::MissingStructField { field, .. } => Some(format!("add `{field}: ...` to this item")),
        _ => None,
    };
    if matches!(e.code, E::Eof) {
        // Point at the end of the last line rather than past it.
        let last = text.trim_end().lines().count().max(1);
        line = last;
        col = text
            .trim_end()
            .lines()
            .last()
            .map_or(0, |l| l.chars().count())
            + 1;
    }
    ScenarioError::Syntax {
        path: path.to_path_buf(),
        location: Location::at(text, line, col),
        message,
        hint,
    }
}

/// RON's messages start with a capital; ours are lowercase.
fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_err(bytes: &[u8]) -> String {
        decode(bytes, Path::new("f.ron")).unwrap_err().to_string()
    }

    #[test]
    fn drops_a_byte_order_mark() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFScenario(", Path::new("f")).unwrap(),
            "Scenario("
        );
    }

    #[test]
    fn locates_the_first_byte_that_is_not_utf8() {
        let e = decode_err(b"Scenario(\n  name: \"N\xF6rth\",\n)");
        assert!(
            e.starts_with("f.ron:2:11: the file is not UTF-8 text: the byte 0xF6"),
            "{e}"
        );
    }

    #[test]
    fn names_binary_files() {
        assert!(decode_err(b"\x89PNG\r\n\x1a\n\0\0").contains("this is a PNG image"));
        assert!(decode_err(b"abc\0def").contains("this is a binary file"));
        assert!(decode_err(b"\xFF\xFEa\0").contains("UTF-16"));
    }
}
