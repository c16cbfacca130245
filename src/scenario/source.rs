//! The text of a file: reading it, decoding it, and turning RON's parse errors into
//! messages that say where, what and how to fix it.
//!
//! A file is read as bytes; a UTF-8 byte-order mark is dropped; anything that is not UTF-8
//! text (a binary file, UTF-16, Windows-1252) is refused with the place of the first bad
//! byte. RON's own messages are reworded for the people who write scenarios: lowercase, in
//! the format's terms (`Fade`, not a Rust type), each with a hint where one helps.

use std::io::Read;
use std::path::{Path, PathBuf};

use ron::error::Error as E;

use super::error::{Location, ScenarioError, did_you_mean, edit_distance};
use super::{limits, locate};

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
    let missing = || {
        let hint = match sibling(path) {
            Some(s) => format!("did you mean {}?", s.display()),
            None => {
                "check the spelling; a relative path starts from the current folder".to_string()
            }
        };
        unusable("there is no such file", Some(hint))
    };
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            missing()
        } else {
            ScenarioError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    };
    // The kind of file is checked before it is opened: opening a FIFO with no writer
    // blocks, and a device such as /dev/zero never ends.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(unusable(
            &format!("this is {}, not a file", special_kind(&meta)),
            Some("name a scenario file (.ron) saved on disk".to_string()),
        ));
    }
    let too_large = |size: u64| {
        unusable(
            &format!(
                "the file has {size} bytes, more than the {} ({} MiB) a scenario may have",
                limits::MAX_FILE_BYTES,
                limits::MAX_FILE_BYTES >> 20
            ),
            Some(
                "check the path: a scenario is a text file of a few hundred kilobytes at most"
                    .to_string(),
            ),
        )
    };
    if meta.len() > limits::MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The file may have been swapped since: check again what was opened, and read no
    // more than the limit whatever it claims.
    if !file.metadata().map_err(io)?.is_file() {
        return Err(unusable("this is not a regular file", None));
    }
    let mut bytes = Vec::new();
    file.take(limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What a path that is not a regular file names, in words.
pub(crate) fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
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
        let line_text = String::from_utf8_lossy(&bytes[line_start..line_end]);
        let location = Location::in_line(
            before.matches('\n').count() + 1,
            &line_text,
            at - line_start,
        );
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
    if let Some(at) = locate::too_deep(text, limits::MAX_NESTING) {
        return Err(ScenarioError::Syntax {
            path: path.to_path_buf(),
            location: Location::of_offset(text, at),
            message: format!(
                "this is nested too deeply: more than {} brackets inside one another",
                limits::MAX_NESTING
            ),
            hint: Some(DEEP_HINT.to_string()),
        });
    }
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    options
        .from_str::<T>(text)
        .map_err(|e| syntax_error(text, path, e))
}

/// How to flatten a value nested too deeply.
const DEEP_HINT: &str = "conditions nest at most about 60 deep (an All([...]) or Any([...]) counts twice): write Not(Not(x)) as x, and join conditions in one All or Any list";

/// Turns RON's error into a located message with a hint.
fn syntax_error(text: &str, path: &Path, e: ron::error::SpannedError) -> ScenarioError {
    let (mut line, mut col) = (e.span.start.line.max(1), e.span.start.col.max(1));
    let blank = locate::is_blank(text);
    if blank {
        (line, col) = (1, 1);
    } else if matches!(e.code, E::Eof) {
        // Point just after the last thing written rather than past the end.
        let trimmed = text.trim_end();
        line = trimmed.lines().count().max(1);
        col = trimmed.lines().last().map_or(0, |l| l.chars().count()) + 1;
    } else if is_value_mismatch(&e.code) {
        // RON reports a value that matches no form at its end; point at its start.
        (line, col) = value_start(text, line, col);
    } else if matches!(e.code, E::UnclosedBlockComment)
        && let Some(l) = text.lines().nth(line - 1)
        && let Some(i) = l
            .char_indices()
            .take(col)
            .map(|(i, _)| i)
            .filter(|&i| l[i..].starts_with("/*"))
            .last()
    {
        // RON reports the comment where it gave up reading it; point at its opening `/*`.
        col = l[..i].chars().count() + 1;
    } else if matches!(e.code, E::IntegerOutOfBounds)
        && col > 1
        && text
            .lines()
            .nth(line - 1)
            .and_then(|l| l.chars().nth(col - 2))
            .is_some_and(|c| c == '-' || c == '+')
    {
        // RON points past the sign of a number out of range; the sign is part of it.
        col -= 1;
    } else if let Some(l) = text.lines().nth(line - 1) {
        // RON may stop on the blank before the offending token; point at the token.
        let blanks = l
            .chars()
            .skip(col - 1)
            .take_while(|c| c.is_whitespace())
            .count();
        if blanks > 0 && l.chars().count() > col - 1 + blanks {
            col += blanks;
        }
    }
    let location = Location::at(text, line, col);
    if let Some(first) = not_ron(text) {
        return ScenarioError::Syntax {
            path: path.to_path_buf(),
            location: Location::at(text, 1, 1),
            message: format!("this is not a scenario or counterfactual file: it starts with `{first}`"),
            hint: Some("a scenario is a RON file that starts with `Scenario(`, a counterfactual one that starts with `Counterfactual(`; check the path".to_string()),
        };
    }
    // Whatever RON expected, if nothing but blanks follow, the file stops short.
    let at_end = !matches!(
        e.code,
        E::Eof | E::TrailingCharacters | E::UnclosedBlockComment
    ) && locate::is_blank(&text[offset_of(text, line, col)..]);
    let (message, hint) = if blank {
        (
            "the file is empty".to_string(),
            Some("a scenario starts with `Scenario(` and gives its name, title, span, scale, structure, axes, states, parties and events".to_string()),
        )
    } else if at_end {
        describe(&E::Eof, &Place::new(&location))
    } else {
        describe(&e.code, &Place::new(&location))
    };
    // A missing field is reported at the end of its item: name the item by its id.
    let message = match &e.code {
        E::MissingStructField { .. } => match item_id(text, offset_of(text, line, col)) {
            Some(id) => format!("{message} (the item with id \"{id}\")"),
            None => message,
        },
        _ => message,
    };
    ScenarioError::Syntax {
        path: path.to_path_buf(),
        location,
        message,
        hint,
    }
}

/// The first word of a text that is not RON at all (a Markdown heading, prose), if so:
/// RON starts with a `(`, a `[` or `{`, a `#![...]` attribute, or a name and its `(`.
fn not_ron(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else {
            break;
        }
    }
    if rest.is_empty() || rest.starts_with("#![") || rest.starts_with(['(', '[', '{']) {
        return None;
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if !name.is_empty() && rest[name.len()..].trim_start().starts_with('(') {
        return None;
    }
    Some(
        rest.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(30)
            .collect(),
    )
}

/// The id of the item that the text at `offset` closes or stands in: the last `id: "..."`
/// before it, if no item closed since.
fn item_id(text: &str, offset: usize) -> Option<String> {
    let before = &text[..offset.min(text.len())];
    let at = before.rfind("id:")?;
    let after = before[at + 3..].trim_start().strip_prefix('"')?;
    let id: String = after.chars().take_while(|&c| c != '"').collect();
    (!id.is_empty() && id.len() < 200).then_some(id)
}

/// The byte offset of a 1-based line and character column (clamped to the text).
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start.min(text.len())
        + rest
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// What surrounds the place of an error, for choosing a hint.
struct Place<'a> {
    /// The line up to the place.
    before: &'a str,
    /// The line from the place on.
    here: &'a str,
}

impl<'a> Place<'a> {
    fn new(l: &'a Location) -> Place<'a> {
        let (before, here) = l.from_col();
        Place { before, here }
    }

    /// The character at the place.
    fn first(&self) -> Option<char> {
        self.here.chars().next()
    }

    /// The last character before the place on its line, ignoring spaces.
    fn previous(&self) -> Option<char> {
        self.before.trim_end().chars().last()
    }

    /// Whether only blanks precede the place on its line.
    fn starts_line(&self) -> bool {
        self.before.trim().is_empty()
    }

    /// The word at the place: a name, a number, or a quoted string with its quotes.
    fn word(&self) -> &'a str {
        let end = self
            .here
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c.is_whitespace() || ",()[]{}:".contains(c))
            .map_or(self.here.len(), |(i, _)| i);
        &self.here[..end]
    }
}

/// RON reports these at the end of the offending value.
fn is_value_mismatch(code: &E) -> bool {
    matches!(code, E::Message(m) if m.contains("untagged enum"))
}

/// The start of the value that ends at (line, col): just after the `:` before it.
fn value_start(text: &str, line: usize, col: usize) -> (usize, usize) {
    let Some(l) = text.lines().nth(line - 1) else {
        return (line, col);
    };
    let upto: String = l.chars().take(col.saturating_sub(1)).collect();
    match upto.rfind(':') {
        Some(i) => {
            let after = &upto[i + 1..];
            let blanks = after.chars().take_while(|c| c.is_whitespace()).count();
            (line, upto[..=i].chars().count() + blanks + 1)
        }
        None => (line, col),
    }
}

/// The message and hint for a RON error at a place.
fn describe(code: &E, p: &Place) -> (String, Option<String>) {
    let of = |outer: &Option<String>| {
        outer
            .as_ref()
            .map_or(String::new(), |o| format!(" in `{o}`"))
    };
    let (message, hint): (String, Option<String>) = match code {
        E::Eof => (
            "the file ends too early".into(),
            Some("look for an unclosed `(`, `[` or `\"` above: each needs its `)`, `]` or `\"`".into()),
        ),
        E::ExpectedNamedStructLike(_) | E::ExpectedStructLike
            if matches!(p.first(), Some('{' | '[')) && p.starts_line() && p.before.is_empty() =>
        {
            (
                format!("this is not a RON scenario: it starts with `{}`", p.first().unwrap_or('{')),
                Some("it looks like JSON; a scenario is written in RON and starts with `Scenario(`".into()),
            )
        }
        E::ExpectedNamedStructLike("Scenario") => (
            "expected `Scenario(` here".into(),
            Some("a scenario file starts with `Scenario(` and ends with the matching `)`".into()),
        ),
        E::ExpectedNamedStructLike(name) => (
            format!("expected `(` to open `{name}`"),
            Some("write its fields in parentheses: `(field: value, ...)`".into()),
        ),
        E::ExpectedStructLike => ("expected `(`".into(), None),
        E::ExpectedIdentifier => (
            "expected a name (an identifier) here".into(),
            Some(identifier_hint(p)),
        ),
        E::ExpectedDifferentStructName { expected, found } => (
            format!("expected `{expected}` but found `{found}`"),
            Some(match (*expected, found.as_str()) {
                ("Scenario", "Counterfactual") => "a scenario is needed here, and this file is a counterfactual: name the scenario it changes (its `base`), or, for `compare`, give the scenario first and the counterfactuals after it".to_string(),
                ("Counterfactual", "Scenario") => "a counterfactual is needed here, and this file is a scenario: `compare` takes the scenario first and then counterfactual files (`Counterfactual(base: ..., changes: [...])`)".to_string(),
                _ => format!("write `{expected}(`, or leave the name out: `(`"),
            }),
        ),
        E::ExpectedComma => ("expected a comma".into(), Some(comma_hint(p))),
        E::ExpectedArrayEnd => ("expected `,` or `]`".into(), Some(comma_hint(p))),
        E::ExpectedMapEnd => ("expected `,` or `}`".into(), Some(comma_hint(p))),
        E::ExpectedStructLikeEnd | E::ExpectedOptionEnd => (
            "expected `)`".into(),
            Some(if p.previous() == Some(',') {
                "this takes fewer items: remove this one, or close the `(` before it".into()
            } else {
                comma_hint(p)
            }),
        ),
        E::ExpectedMapColon => (
            "expected `:`".into(),
            Some(if p.first() == Some('=') {
                "write `name: value`, with a colon, not `=`".into()
            } else {
                "write `key: value`".into()
            }),
        ),
        E::ExpectedMap => (
            "expected `{` to open a map".into(),
            Some("write e.g. ideology: {\"left\": 0.5}".into()),
        ),
        E::ExpectedArray => (
            "expected `[` to open a list".into(),
            Some("write a list in square brackets, e.g. actors: [\"north\", \"south\"]".into()),
        ),
        E::ExpectedString => ("expected a string in double quotes".into(), Some(string_hint(p))),
        E::ExpectedStringEnd => (
            "this string is never closed".into(),
            Some("add the closing `\"`".into()),
        ),
        E::ExpectedFloat => ("expected a number".into(), Some(number_hint(p, "2.5"))),
        E::ExpectedInteger => ("expected a whole number".into(), Some(number_hint(p, "30"))),
        E::IntegerOutOfBounds => (
            "this whole number is out of range".into(),
            Some(if p.first() == Some('-') || p.previous() == Some('-') {
                "counts of days and events cannot be negative".into()
            } else {
                "counts of days and events (`window`, `after`, `max_events`) run from 0 to 4294967295".into()
            }),
        ),
        E::ExpectedBoolean => ("expected `true` or `false`".into(), None),
        E::NoSuchStructField { expected, found, outer } => (
            format!("unknown field `{found}`{}", of(outer)),
            Some(choices(found, expected, "the fields here are")),
        ),
        E::NoSuchEnumVariant { expected, found, outer } => (
            format!("unknown variant `{found}`{}", of(outer)),
            Some(choices(found, expected, "the choices are")),
        ),
        E::MissingStructField { field, outer } => (
            format!("missing field `{field}`{}", of(outer)),
            Some(format!("add `{field}: ...` to this item")),
        ),
        E::DuplicateStructField { field, outer } => (
            format!("the field `{field}` is given twice{}", of(outer)),
            Some("keep one of them".into()),
        ),
        E::TrailingCharacters => (
            "unexpected text after the end of the scenario".into(),
            Some("the file ends with the `)` that closes `Scenario(`: remove what follows, or an extra `)` above".into()),
        ),
        E::UnclosedBlockComment => (
            "this comment is never closed".into(),
            Some("end it with `*/`".into()),
        ),
        E::UnexpectedChar(c) => (format!("unexpected character `{c}`"), None),
        E::InvalidEscape(what) => (
            lowercase_first(what),
            Some("write `\\\\` for a backslash and `\\\"` for a quote inside a string".into()),
        ),
        E::ExceededRecursionLimit => (
            "this is nested too deeply".into(),
            Some(DEEP_HINT.into()),
        ),
        E::Message(m) if is_value_mismatch(code) && m.contains("ValueFile") => (
            "expected a number, Uniform(low, high) or Normal(mean, sd)".into(),
            Some(match p.first() {
                Some('"') => "write the number without quotes".into(),
                _ if is_infinity_or_nan(p.word()) => number_hint(p, "2.5"),
                _ => "e.g. value: -2.5, value: Uniform(-4.0, -2.0) or value: Normal(-3.0, 0.5)"
                    .into(),
            }),
        ),
        E::InvalidValueForType { expected, found } => {
            (format!("expected {expected} but found {found}"), None)
        }
        other => (lowercase_first(&other.to_string()), None),
    };
    (message, hint)
}

/// The named form of an effect or change written with positional arguments, or what a
/// bare name should be.
fn identifier_hint(p: &Place) -> String {
    const FORMS: [(&str, &str); 13] = [
        ("Rule", "Rule(state: \"north\", party: \"red\")"),
        (
            "TakeOffice",
            "TakeOffice(leader: \"ann\", office: \"leader\")",
        ),
        ("LeaveOffice", "LeaveOffice(leader: \"ann\")"),
        ("FollowUp", "FollowUp(event: \"talks\", after: 30)"),
        (
            "Modifier",
            "Modifier(level: State, value: 1.0, fade: Years(5.0))",
        ),
        (
            "Ideology",
            "Ideology(party: \"red\", axis: \"left\", shift: 0.2) in an event, Ideology(party: \"red\", axis: \"left\", value: 0.5) in a counterfactual",
        ),
        ("Move", "Move(event: \"treaty\", to: \"1952-01-01\")"),
        ("Scale", "Scale(event: \"treaty\", by: 0.5)"),
        ("Chance", "Chance(event: \"treaty\", chance: 1.0)"),
        (
            "EndTenure",
            "EndTenure(leader: \"ann\", on: \"1953-01-01\")",
        ),
        (
            "ReplaceLeader",
            "ReplaceLeader(leader: \"ann\", by: \"ben\", from: \"1953-01-01\")",
        ),
        ("Structure", "Structure(base: -1.0, affinity: 5.0)"),
        ("Remove", "Remove(\"treaty\")"),
    ];
    let before = p.before.trim_end();
    if let Some(head) = before.strip_suffix('(') {
        let name: String = head
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Some((_, form)) = FORMS.iter().find(|(n, _)| *n == name) {
            return format!("`{name}` takes named fields: write {form}");
        }
    }
    if p.first() == Some('"') {
        "write the kind of item first, without quotes: e.g. an effect `Modifier(...)`, a level `State`, or a change `Remove(\"id\")`".into()
    } else {
        "write a name such as `State`, `Permanent` or `Modifier(...)` here".into()
    }
}

/// Why a comma might be expected here.
fn comma_hint(p: &Place) -> String {
    let prev_digit = p.previous().is_some_and(|c| c.is_ascii_digit());
    match p.first() {
        Some('.') if prev_digit => {
            "this takes a whole number: write it without a decimal point".into()
        }
        Some(';') => "separate fields and items with `,`, not `;`".into(),
        Some(c @ (')' | ']' | '}')) => {
            format!("this `{c}` closes the wrong bracket: is a `)` or `]` missing before it?")
        }
        _ if p.starts_line() => "is a comma missing at the end of the previous line?".into(),
        _ if p.previous() == Some('"') => {
            "is a comma missing before this, or a closing `\"` earlier on the line?".into()
        }
        _ => "is a comma missing before this?".into(),
    }
}

/// How to write a string here.
fn string_hint(p: &Place) -> String {
    let w = p.word();
    if !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '-') && w.contains('-') {
        format!("dates are strings: write \"{w}\"")
    } else if p.first() == Some('\'') {
        "RON strings use double quotes: \"like this\"".into()
    } else if p.starts_line() && p.here[w.len()..].trim_start().starts_with(':') {
        "this looks like the next field: is a `]` missing at the end of the previous line?".into()
    } else {
        "write text in double quotes, e.g. \"north\"".into()
    }
}

/// How to write a number here; `example` is one of the right kind.
fn number_hint(p: &Place, example: &str) -> String {
    let w = p.word().to_ascii_lowercase();
    if p.first() == Some('"') {
        format!("write the number without quotes, e.g. {example}")
    } else if is_infinity_or_nan(&w) {
        "a scenario's numbers must be finite (RON writes infinity as `inf`)".into()
    } else {
        format!("write a number such as {example}")
    }
}

/// Spellings of infinity and NaN that RON does not read as numbers.
fn is_infinity_or_nan(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    let w = w.trim_start_matches(['+', '-']);
    w == "infinity" || w == "nan"
}

/// Did-you-mean plus the list of choices.
fn choices(found: &str, expected: &[&str], lead: &str) -> String {
    let all = expected.join(", ");
    match did_you_mean(found, expected.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? {lead}: {all}"),
        None => format!("{lead}: {all}"),
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

    #[test]
    fn finds_the_start_of_a_mismatched_value() {
        let text = "(a: 1,\n v: Unifrom(1.0, 2.0))";
        assert_eq!(value_start(text, 2, 21), (2, 5));
    }
}
