//! Errors of loading and validating scenario and counterfactual files.
//!
//! Every error names its file. Syntax and type errors carry the line and column (1-based,
//! the column counting characters) and the offending line, so the message can show a caret.
//! Semantic errors name the event id and date (or the entity id) and, where the id can be
//! found in the text, its line and column too.

use std::fmt;
use std::path::PathBuf;

/// A place in a file: 1-based line and character column, with the text around it.
///
/// Only a window of the line is kept (at most [`EXCERPT`] characters around the column),
/// so a problem in a file that is one megabyte-long line costs a few hundred bytes, not a
/// copy of the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
    /// The line around the column, for the caret display.
    pub text: String,
    /// Characters of the line left out before `text` (0 when `text` starts the line); a
    /// `u32` keeps errors small, and files are far shorter than 4 G characters.
    pub skipped: u32,
    /// Whether the line goes on after `text`.
    pub cut: bool,
}

/// Most characters of a line kept in a [`Location`].
pub const EXCERPT: usize = 120;

impl Location {
    /// The location of a 1-based (line, column) whose line reads `line_text`.
    pub fn new(line: usize, col: usize, line_text: &str) -> Location {
        let line_text = line_text.trim_end_matches('\r');
        let offset = line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        Location::in_line(line, line_text, offset)
    }

    /// The location of byte `offset` of a line (its 1-based number and its text).
    pub(crate) fn in_line(line: usize, line_text: &str, offset: usize) -> Location {
        let line_text = line_text.trim_end_matches('\r');
        let offset = floor_boundary(line_text, offset.min(line_text.len()));
        let (before, after) = line_text.split_at(offset);
        let col = before.chars().count() + 1;
        if line_text.chars().nth(EXCERPT).is_none() {
            return Location {
                line,
                col,
                text: line_text.to_string(),
                skipped: 0,
                cut: false,
            };
        }
        // A window of the line: half before the column, more if the line ends sooner.
        let ahead = after.chars().take(EXCERPT).count();
        let want = EXCERPT.saturating_sub(ahead).max(EXCERPT / 2);
        let head: Vec<(usize, char)> = before.char_indices().rev().take(want).collect();
        let from = head.last().map_or(offset, |&(i, _)| i);
        let skipped = u32::try_from(col - 1 - head.len()).unwrap_or(u32::MAX);
        let room = EXCERPT - head.len();
        let to = after
            .char_indices()
            .nth(room)
            .map_or(line_text.len(), |(i, _)| offset + i);
        Location {
            line,
            col,
            text: line_text[from..to].to_string(),
            skipped,
            cut: to < line_text.len(),
        }
    }

    /// The location of a 1-based (line, column) in `source`.
    pub fn at(source: &str, line: usize, col: usize) -> Location {
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
        Location::new(line, col, text)
    }

    /// The location of a byte offset in `source`.
    pub fn of_offset(source: &str, offset: usize) -> Location {
        let offset = floor_boundary(source, offset.min(source.len()));
        let before = &source[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        let text = source[start..end].trim_end_matches('\r');
        Location::in_line(line, text, offset - start)
    }

    /// The line's text from the column on (as far as it is kept).
    pub fn from_col(&self) -> (&str, &str) {
        let split = self
            .text
            .char_indices()
            .nth(self.col.saturating_sub(1 + self.skipped as usize))
            .map_or(self.text.len(), |(i, _)| i);
        self.text.split_at(split)
    }
}

/// The largest character boundary of `s` at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a problem concerns, as a type: the locator places a counterfactual's problems by
/// it, and its [`Display`](fmt::Display) is the subject a user reads, e.g.
/// `event "treaty_1950" (1950-02-14)` or `leader "mao"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The scenario as a whole: `scenario`.
    Scenario,
    /// The relation scale: `scale`.
    Scale,
    /// A text of the file holding a control character: `text`.
    Text,
    /// Something the file declares, by kind and id: `party "kmt"`.
    Entity(Kind, String),
    /// An event by id, with when it happens where the rule concerns that:
    /// `event "treaty" (1950-02-14)`, or `event "treaty"` without it.
    Event(String, Option<When>),
    /// A counterfactual as a whole: `counterfactual`, or `counterfactual (named after its
    /// file)` when its name is its file's stem.
    Counterfactual {
        /// Its name is taken from the file's stem, not written in it.
        named_after_file: bool,
    },
    /// One change of a counterfactual, by its position in `changes` (from 0), its kind
    /// and the id it names: `Move(event: "treaty")`, `Remove("treaty")`.
    Change {
        /// Position in the counterfactual's `changes`, from 0.
        index: usize,
        /// The change's kind, e.g. `Move`.
        kind: &'static str,
        /// The field naming the id (`event`, `leader`, ...); `None` for `Remove("id")`.
        field: Option<&'static str>,
        /// The id it names.
        id: String,
    },
    /// A change of a counterfactual to a group of events, by its position in `changes`
    /// (from 0), its kind and the group in words: `ScaleValues(era Split; party level)`.
    Group {
        /// Position in the counterfactual's `changes`, from 0.
        index: usize,
        /// The change's kind, e.g. `ScaleValues`.
        kind: &'static str,
        /// The group in words (`group_words`).
        group: String,
    },
    /// One entry of a counterfactual's `considered` list, by its position (from 0):
    /// `considered[0]`.
    Considered {
        /// Position in the counterfactual's `considered`, from 0.
        index: usize,
    },
    /// A calibration's parameter file: `params`.
    Params,
    /// An entry of a scenario's `include` list, by the file it names: `include
    /// "other.ron"`.
    Include(String),
}

/// The kinds of things a file declares and names by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A state.
    State,
    /// A party.
    Party,
    /// A leader.
    Leader,
    /// A third party.
    Actor,
    /// An event.
    Event,
    /// An ideology axis.
    Axis,
    /// A band of the scale.
    Band,
    /// A checkpoint of the timeline.
    Checkpoint,
    /// An era of the timeline.
    Era,
    /// A pair of states, by its key `a/b`.
    Pair,
}

impl Kind {
    /// The kind in messages: "state", "party", ...
    pub fn name(self) -> &'static str {
        match self {
            Kind::State => "state",
            Kind::Party => "party",
            Kind::Leader => "leader",
            Kind::Actor => "actor",
            Kind::Event => "event",
            Kind::Axis => "axis",
            Kind::Band => "band",
            Kind::Checkpoint => "checkpoint",
            Kind::Era => "era",
            Kind::Pair => "pair",
        }
    }
}

/// When an event happens, as its subject shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// On its date: `(1950-02-14)`.
    Dated(crate::date::Date),
    /// On a pulse while its guard holds: `(triggered)`.
    Triggered,
    /// When another event schedules it: `(follow-up)`.
    FollowUp,
}

impl Subject {
    /// Something the file declares, by kind and id.
    pub fn entity(kind: Kind, id: &str) -> Subject {
        Subject::Entity(kind, id.to_string())
    }

    /// The kind and id of what the problem is about, when it is something a file names by
    /// id (an event, leader, party, ...).
    pub fn named(&self) -> Option<(Kind, &str)> {
        match self {
            Subject::Entity(kind, id) => Some((*kind, id)),
            Subject::Event(id, _) => Some((Kind::Event, id)),
            Subject::Change { .. }
            | Subject::Group { .. }
            | Subject::Scenario
            | Subject::Scale
            | Subject::Text
            | Subject::Counterfactual { .. }
            | Subject::Considered { .. }
            | Subject::Params
            | Subject::Include(_) => None,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Scenario => write!(f, "scenario"),
            Subject::Scale => write!(f, "scale"),
            Subject::Text => write!(f, "text"),
            Subject::Entity(kind, id) => write!(f, "{} \"{id}\"", kind.name()),
            Subject::Event(id, None) => write!(f, "event \"{id}\""),
            Subject::Event(id, Some(When::Dated(d))) => write!(f, "event \"{id}\" ({d})"),
            Subject::Event(id, Some(When::Triggered)) => write!(f, "event \"{id}\" (triggered)"),
            Subject::Event(id, Some(When::FollowUp)) => write!(f, "event \"{id}\" (follow-up)"),
            Subject::Counterfactual { named_after_file } => write!(
                f,
                "counterfactual{}",
                if *named_after_file {
                    " (named after its file)"
                } else {
                    ""
                }
            ),
            Subject::Change {
                kind, field, id, ..
            } => match field {
                Some(field) => write!(f, "{kind}({field}: \"{id}\")"),
                None => write!(f, "{kind}(\"{id}\")"),
            },
            Subject::Group { kind, group, .. } => write!(f, "{kind}({group})"),
            Subject::Considered { index } => write!(f, "considered[{index}]"),
            Subject::Params => write!(f, "params"),
            Subject::Include(file) => write!(f, "include \"{file}\""),
        }
    }
}

/// Tests and callers compare a subject with the text a user reads.
impl PartialEq<&str> for Subject {
    #[allow(
        clippy::cmp_owned,
        reason = "the text a user reads is the Display; a subject is a few words"
    )]
    fn eq(&self, text: &&str) -> bool {
        self.to_string() == *text
    }
}

/// One broken rule, found by validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// What it concerns, e.g. `event "treaty_1950" (1950-02-14)` or `leader "mao"`.
    pub subject: Subject,
    /// The rule that was broken, in lowercase prose.
    pub message: String,
    /// How to fix it, if there is something specific to say.
    pub hint: Option<String>,
    /// Where the subject stands in the file, when it could be found.
    pub location: Option<Location>,
    /// The file the location is in, when it is not the file the error names: an included
    /// file of a composed scenario.
    pub file: Option<PathBuf>,
}

impl Problem {
    /// A problem not yet placed in its file.
    pub fn new(subject: Subject, message: String, hint: Option<String>) -> Problem {
        Problem {
            subject,
            message,
            hint,
            location: None,
            file: None,
        }
    }
}

/// The problems found in a file so far, each with its place `P` (a path in the file, or a
/// byte offset), in the order found: the one builder that validation and counterfactuals
/// push problems through. Places become lines and columns only for the problems reported.
#[derive(Debug)]
pub(crate) struct Found<P>(pub Vec<(P, Problem)>);

impl<P> Default for Found<P> {
    fn default() -> Found<P> {
        Found(Vec::new())
    }
}

impl<P> Found<P> {
    /// Adds a problem at its place.
    pub fn push(&mut self, subject: Subject, at: P, message: String, hint: Option<String>) {
        self.0.push((at, Problem::new(subject, message, hint)));
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The hint for an unknown id: the likely typo, else what is known (`all`, given the
/// sorted ids), else what to say when nothing of the kind is known (`none`).
pub(crate) fn unknown_hint(
    id: &str,
    mut known: Vec<&str>,
    none: impl FnOnce() -> String,
    all: impl FnOnce(&str) -> String,
) -> String {
    if let Some(s) = did_you_mean(id, known.iter().copied()) {
        return format!("did you mean \"{s}\"?");
    }
    if known.is_empty() {
        return none();
    }
    known.sort_unstable();
    all(&known.join(", "))
}

/// Why a scenario or counterfactual could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {}", path.display(), io_reason(source))]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The path does not name a text file: it is missing, a folder, binary or UTF-16.
    #[error("{}: {message}{}", path.display(), hint.as_ref().map_or(String::new(), |h| format!("\n  = help: {h}")))]
    Unusable {
        /// The path as given.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// The file is not valid RON for its type: a syntax error, a wrong type, an unknown
    /// or missing field.
    #[error("{}", Syntax { path, location, message, hint })]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where the parser stopped.
        location: Location,
        /// What the parser says.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// The file parses but breaks one or more rules of the format.
    #[error("{}", Invalid { path, problems, more: *more })]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The first broken rules found, in file order: at most
        /// [`MAX_PROBLEMS`](super::limits::MAX_PROBLEMS).
        problems: Vec<Problem>,
        /// How many more were found and not kept.
        more: usize,
    },
    /// A counterfactual written for another base scenario does not fit the one it is
    /// applied to (`compare`).
    #[error(
        "{}: this counterfactual is written for {}, not {}: its changes do not fit\n\n{source}",
        path.display(),
        written_for.display(),
        applied_to.display()
    )]
    OtherBase {
        /// The counterfactual file.
        path: PathBuf,
        /// The base it names.
        written_for: PathBuf,
        /// The scenario it was applied to.
        applied_to: PathBuf,
        /// Why the changes do not fit.
        source: Box<ScenarioError>,
    },
    /// A counterfactual's changes leave its base scenario broken: the scenario's own
    /// problems, found in the changed scenario.
    #[error(
        "{}: the changes leave the base scenario {} broken\n\n{source}",
        path.display(),
        base.display()
    )]
    Changed {
        /// The counterfactual file.
        path: PathBuf,
        /// The base scenario file.
        base: PathBuf,
        /// The problems of the changed scenario.
        source: Box<ScenarioError>,
    },
}

impl ScenarioError {
    /// An invalid file's error from its problems, sorted into file order (unlocated ones
    /// last, in the order found) and cut to the first
    /// [`MAX_PROBLEMS`](super::limits::MAX_PROBLEMS).
    pub fn invalid(path: &std::path::Path, mut problems: Vec<Problem>) -> ScenarioError {
        // The file's own problems first, then those of included files, each in file order.
        problems.sort_by(|a, b| {
            let key = |p: &Problem| {
                p.location
                    .as_ref()
                    .map_or((usize::MAX, 0), |l| (l.line, l.col))
            };
            (a.file.is_some(), &a.file, key(a)).cmp(&(b.file.is_some(), &b.file, key(b)))
        });
        let more = problems.len().saturating_sub(super::limits::MAX_PROBLEMS);
        problems.truncate(super::limits::MAX_PROBLEMS);
        ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems,
            more,
        }
    }

    /// The broken rules, for an `Invalid` error; empty otherwise.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            ScenarioError::Changed { source, .. } | ScenarioError::OtherBase { source, .. } => {
                source.problems()
            }
            _ => &[],
        }
    }
}

/// Renders a syntax error with its line and a caret.
struct Syntax<'a> {
    path: &'a PathBuf,
    location: &'a Location,
    message: &'a str,
    hint: &'a Option<String>,
}

impl fmt::Display for Syntax<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = self.location;
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            l.line,
            l.col,
            self.message
        )?;
        write_caret(f, l)?;
        if let Some(hint) = self.hint {
            write!(f, "\n  = help: {hint}")?;
        }
        Ok(())
    }
}

/// Renders every problem of an invalid file.
struct Invalid<'a> {
    path: &'a PathBuf,
    problems: &'a [Problem],
    more: usize,
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len() + self.more;
        write!(
            f,
            "{}: {} problem{} found",
            self.path.display(),
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.problems {
            write!(f, "\n\n")?;
            write_problem(f, self.path, p)?;
        }
        if self.more > 0 {
            write!(
                f,
                "\n\n{}: and {} more problem{} not shown; fix these first",
                self.path.display(),
                self.more,
                if self.more == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

/// One problem: `file:line:col: subject: message`, the line with a caret, and the hint.
fn write_problem(f: &mut fmt::Formatter<'_>, path: &std::path::Path, p: &Problem) -> fmt::Result {
    let path = p.file.as_deref().unwrap_or(path);
    match &p.location {
        Some(l) => write!(
            f,
            "{}:{}:{}: {}: {}",
            path.display(),
            l.line,
            l.col,
            p.subject,
            p.message
        )?,
        None => write!(f, "{}: {}: {}", path.display(), p.subject, p.message)?,
    }
    if let Some(l) = &p.location {
        write_caret(f, l)?;
    }
    if let Some(hint) = &p.hint {
        write!(f, "\n  = help: {hint}")?;
    }
    Ok(())
}

/// Warnings about a file that is valid, one after another, each starting `warning: `.
pub struct Warnings<'a>(pub &'a std::path::Path, pub &'a [Problem]);

impl fmt::Display for Warnings<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.1 {
            write!(f, "warning: ")?;
            write_problem(f, self.0, p)?;
            writeln!(f)?;
        }
        Ok(())
    }
}

fn write_caret(f: &mut fmt::Formatter<'_>, l: &Location) -> fmt::Result {
    use unicode_width::UnicodeWidthChar;
    let num = l.line.to_string();
    let pad = " ".repeat(num.len());
    // Control characters would disturb the terminal; show them as replacement marks.
    let chars: Vec<char> = l
        .text
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    let col = (l.col.saturating_sub(1 + l.skipped as usize)).min(chars.len());
    let head = if l.skipped > 0 { "..." } else { "" };
    let tail = if l.cut { "..." } else { "" };
    let shown: String = chars.iter().collect();
    // Tabs stay tabs so the caret lines up under them; wide characters take two cells.
    let lead: String = chars[..col]
        .iter()
        .map(|&c| match c {
            '\t' => "\t".to_string(),
            c => " ".repeat(c.width().unwrap_or(0)),
        })
        .collect();
    let head_pad = " ".repeat(head.len());
    write!(
        f,
        "\n{pad} |\n{num} | {head}{shown}{tail}\n{pad} | {head_pad}{lead}^"
    )
}

/// The plural of a kind of thing named in messages.
pub fn plural(kind: &str) -> String {
    match kind {
        "party" => "parties".to_string(),
        "axis" => "axes".to_string(),
        k => format!("{k}s"),
    }
}

/// An operating system's reason, in lowercase prose without the error number.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let known = match e.kind() {
        K::NotFound => "no such file or folder",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it already exists",
        K::IsADirectory => "it is a folder",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::StorageFull => "the disk is full",
        K::InvalidData => "the file is not UTF-8 text",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut c = text.chars();
    c.next()
        .map(|first| first.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        if best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (word.chars().count().max(c.chars().count()) / 3).max(2);
    (d <= limit).then(|| c.to_string())
}

/// Levenshtein distance, in characters (the `strsim` crate's).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids_only() {
        let ids = ["stalin", "khrushchev", "mao"];
        assert_eq!(did_you_mean("stallin", ids).as_deref(), Some("stalin"));
        assert_eq!(did_you_mean("kruschev", ids).as_deref(), Some("khrushchev"));
        assert_eq!(did_you_mean("gorbachev", ids), None);
    }

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let src = "ab\nпривет x\n";
        let l = Location::of_offset(src, src.find('x').unwrap());
        assert_eq!((l.line, l.col), (2, 8));
        assert_eq!(l.text, "привет x");
    }
}
