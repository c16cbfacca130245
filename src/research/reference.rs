//! A measured reference series: the CSV a researcher brings to set beside the runs.
//!
//! The format is `date,score[,label]` with a header line, or `date,pair,score[,label]`
//! for a series of several pairs (the pair's key, `a/b` in either order, names the pair
//! of each row; without the column every row is the scenario's only pair, or the pair
//! whose `pairs[].reference` the file is). A date is a year (`1962`), a
//! month (`1962-07`) or a day (`1962-07-14`), and stands for that whole year, month or
//! month respectively: the run is compared by the mean of its monthly samples over the
//! year, or by its sample of the month. Rows may come in any order and at irregular
//! intervals; lines starting with `#` are comments (a place for the series' source and
//! licence). Scores are on the scenario's scale. Lines may end with LF, CR LF or a CR
//! alone (old Mac files); a quoted field ends on its line.
//!
//! Files as researchers keep them read as they are: columns are found by name, in any
//! order; a first column without a name (pandas' index) is ignored; an ISO timestamp is
//! read as the date written in it; a row whose score is `NA`, `NaN`, `N/A`, `#N/A`,
//! `null` or empty is skipped and counted ([`Reference::skipped`]). An `sd` column, or
//! `lo` and `hi` (a 95% interval), gives each value an [`Uncertainty`], whose weight
//! 1/sd² the fit uses.
//!
//! Every problem is reported at its line and column: a date or number that does not
//! parse, a pair the scenario does not model, a score off the scale, a date outside the
//! scenario's span, a period given twice for one pair, a quote left open, a file with no
//! rows. Characters of the file that would act on a terminal (a NUL, an escape, a
//! bidirectional override) are shown escaped in messages.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::scenario::Scenario;

/// How long a reference date lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resolution {
    /// A whole year, written `YYYY`.
    Year,
    /// A whole month, written `YYYY-MM`.
    Month,
    /// One day, written `YYYY-MM-DD`; compared through its month's sample.
    Day,
}

/// One measured value.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The date as written, e.g. `1962`, `1962-07` or `1962-07-14`.
    pub text: String,
    /// The first day of the period the value stands for (for a day, its month's first).
    pub from: Date,
    /// The first month start after the period.
    pub until: Date,
    /// Year, month or day.
    pub resolution: Resolution,
    /// The measured score, on the scenario's scale.
    pub score: f64,
    /// The optional label column (e.g. the event the coder saw), empty if none.
    pub label: String,
    /// Line of the row in the file, from 1.
    pub line: usize,
    /// The pair it measures (index into the scenario's pairs).
    pub pair: usize,
    /// Its uncertainty, when the file has an `sd` column or `lo` and `hi` columns.
    pub uncertainty: Option<Uncertainty>,
}

/// How uncertain a measured value is: a standard deviation and a 95% interval, each from
/// the other when the file gives one (`sd`, or `lo` and `hi`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Uncertainty {
    /// Standard deviation, score points, above 0.
    pub sd: f64,
    /// Lower end of the 95% interval, score points.
    pub lo: f64,
    /// Upper end of the 95% interval, score points, above `lo`.
    pub hi: f64,
}

/// The smallest standard deviation a row may have, score points: a weight is 1 / sd².
pub const MIN_SD: f64 = 0.001;

/// The half width of a normal 95% interval, in standard deviations.
const Z95: f64 = 1.96;

impl Uncertainty {
    /// From a standard deviation: the interval is the score ± 1.96 sd.
    pub fn of_sd(score: f64, sd: f64) -> Uncertainty {
        Uncertainty {
            sd,
            lo: score - Z95 * sd,
            hi: score + Z95 * sd,
        }
    }

    /// From a 95% interval: the standard deviation is its width over 3.92.
    pub fn of_interval(lo: f64, hi: f64) -> Uncertainty {
        Uncertainty {
            sd: (hi - lo) / (2.0 * Z95),
            lo,
            hi,
        }
    }

    /// The weight of the value in a fit, 1 / sd².
    pub fn weight(&self) -> f64 {
        1.0 / (self.sd * self.sd)
    }
}

/// A reference series, in date order.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The file it was read from.
    pub path: PathBuf,
    /// The points, sorted by the start of their period, then by pair.
    pub points: Vec<Point>,
    /// The other files combined into it (the scenario's per-pair references), if any.
    pub more: Vec<PathBuf>,
    /// Rows with a date and no score (`NA`, `NaN`, `N/A`, `#N/A`, `null` or empty),
    /// skipped.
    pub skipped: usize,
}

/// Why a reference file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// The file could not be read.
    #[error(
        "{}: cannot read the reference series: {}",
        crate::output::shown(path),
        crate::scenario::error::io_reason(source)
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The path names something that is not a regular file of a reasonable size.
    #[error(
        "{}: cannot read the reference series: {message}\n  = help: {hint}",
        crate::output::shown(path)
    )]
    Unusable {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
        /// How to fix it.
        hint: String,
    },
    /// A row, field or the whole file breaks the format.
    #[error("{}", Located { path, line: *line, col: *col, text, message, hint })]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Line, from 1.
        line: usize,
        /// Column in characters, from 1.
        col: usize,
        /// The line's text, for the caret.
        text: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
}

struct Located<'a> {
    path: &'a Path,
    line: usize,
    col: usize,
    text: &'a str,
    message: &'a str,
    hint: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The message and hint quote the file's fields, and the line is shown whole: a
        // character of them that would act on the terminal is shown escaped, and the
        // caret moves right by what the escapes before it add.
        use crate::output::{escaped, shown};
        write!(
            f,
            "{}:{}:{}: {}",
            shown(self.path),
            self.line,
            self.col,
            escaped(self.message)
        )?;
        if !self.text.is_empty() {
            let n = self.line.to_string();
            let pad = " ".repeat(n.len());
            let before: String = self.text.chars().take(self.col.saturating_sub(1)).collect();
            let caret = " ".repeat(escaped(&before).chars().count());
            write!(
                f,
                "\n{pad} |\n{n} | {}\n{pad} | {caret}^",
                escaped(self.text)
            )?;
        }
        if !self.hint.is_empty() {
            write!(f, "\n  = help: {}", escaped(self.hint))?;
        }
        Ok(())
    }
}

/// Largest reference file read, bytes (8 MiB): a daily series over a century is under
/// 2 MB.
pub const MAX_BYTES: u64 = 8 << 20;

/// Reads a reference file's bytes: a regular file of at most [`MAX_BYTES`]. Its kind is
/// checked before it is opened (a FIFO with no writer would block, a device such as
/// `/dev/zero` never ends) and again on what was opened, and no more than the limit is
/// read whatever the file claims.
pub fn read(path: &Path) -> Result<Vec<u8>, ReferenceError> {
    use std::io::Read as _;
    let io = |source| ReferenceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let unusable = |message: String, hint: &str| ReferenceError::Unusable {
        path: path.to_path_buf(),
        message,
        hint: hint.to_string(),
    };
    let not_a_file = |meta: &std::fs::Metadata| {
        unusable(
            format!(
                "this is {}, not a file",
                crate::scenario::source::special_kind(meta)
            ),
            "name a CSV file saved on disk",
        )
    };
    let too_large = |size: u64| {
        unusable(
            format!(
                "the file has {size} bytes, more than the {MAX_BYTES} ({} MiB) a reference series may have",
                MAX_BYTES >> 20
            ),
            "check the path: a reference series is a CSV of one row per measured date",
        )
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let opened = file.metadata().map_err(io)?;
    if !opened.is_file() {
        return Err(not_a_file(&opened));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The header and row format, for hints.
const FORMAT: &str = "a reference is a CSV with the header `date,score` or `date,score,label` (`date,pair,score[,label]` for several pairs, and perhaps `sd`, or `lo` and `hi`, for its uncertainty), then one row per measured date, e.g. `1962-07,-4.5`";

impl Reference {
    /// Checks a reference series given as bytes; `path` names it in messages.
    pub fn parse(
        bytes: &[u8],
        path: &Path,
        scenario: &Scenario,
    ) -> Result<Reference, ReferenceError> {
        Reference::parse_for(bytes, path, scenario, None)
    }

    /// As [`Reference::parse`], for a file that is the series of one pair (a scenario's
    /// `pairs[].reference`): rows without a pair column are that pair's, and a pair column
    /// may name no other.
    pub fn parse_for(
        bytes: &[u8],
        path: &Path,
        scenario: &Scenario,
        only: Option<usize>,
    ) -> Result<Reference, ReferenceError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            // Located with the same line ends the rows are read with; the line is shown
            // up to the first byte that is not UTF-8.
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
            let before = lines(&valid);
            let last = before.last().copied().unwrap_or("");
            let (line, col) = if valid.ends_with(['\n', '\r']) {
                (before.len() + 1, 1)
            } else {
                (before.len().max(1), last.chars().count() + 1)
            };
            let shown = if col == 1 { "" } else { last };
            invalid(
                path,
                line,
                col,
                shown,
                "the file is not UTF-8 text".into(),
                "save the series as UTF-8 CSV",
            )
        })?;
        let lines = lines(text);
        let err = |line: usize, col: usize, message: String, hint: &str| {
            let t = lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
            invalid(path, line, col, t, message, hint)
        };
        let months = Date::month_starts(scenario.span().0, scenario.span().1);
        // The columns, once the header is read.
        let mut columns: Option<Columns> = None;
        let keys: Vec<String> = (0..scenario.pairs.len())
            .map(|p| scenario.pair_key(p))
            .collect();
        let mut points: Vec<Point> = Vec::new();
        let mut skipped = 0;
        for (i, raw) in lines.iter().enumerate() {
            let line = i + 1;
            let row = *raw;
            if row.trim().is_empty() || row.trim_start().starts_with('#') {
                continue;
            }
            let fields = split(row).map_err(|col| {
                err(
                    line,
                    col,
                    "this quote is not closed: a field ends at the end of its line".into(),
                    "close the quote on the same line; a quote inside a quoted field is written twice: `1962,-4.5,\"the \"\"thaw\"\"\"`",
                )
            })?;
            let Some(c) = &columns else {
                let c = Columns::of_header(&fields)
                    .map_err(|(col, message)| err(line, col, message, FORMAT))?;
                if c.pair.is_none() && only.is_none() && keys.len() > 1 {
                    return Err(err(
                        line,
                        1,
                        format!(
                            "the scenario models {} pairs, and the file has no `pair` column to say which pair each row measures",
                            keys.len()
                        ),
                        &format!(
                            "add a pair column after the date, `date,pair,score`, with a pair's key on each row; the scenario's pairs: {}",
                            keys.join(", ")
                        ),
                    ));
                }
                columns = Some(c);
                continue;
            };
            let (least, most) = c.widths();
            if fields.len() < least || fields.len() > most {
                let col = fields.get(most).map_or(row.chars().count() + 1, |f| f.col);
                return Err(err(
                    line,
                    col,
                    format!(
                        "a row has {} fields ({}), this one has {}",
                        if least == most {
                            least.to_string()
                        } else {
                            format!("{least} or {most}")
                        },
                        c.names(),
                        fields.len()
                    ),
                    "quote a label that contains commas: `1962,-4.5,\"border, Xinjiang\"`",
                ));
            }
            let pair = if let Some(k) = c.pair {
                let f = &fields[k];
                let key = f.text.trim();
                let found = scenario.find_pair(key).ok_or_else(|| {
                    err(
                        line,
                        f.col,
                        format!("`{key}` is not a pair the scenario models"),
                        &format!(
                            "write a pair as the ids of its two states, `a/b` in either order; the scenario's pairs: {}",
                            keys.join(", ")
                        ),
                    )
                })?;
                if let Some(o) = only.filter(|&o| o != found) {
                    return Err(err(
                        line,
                        f.col,
                        format!(
                            "this file is the series of the pair {}, and the row names {key}",
                            keys[o]
                        ),
                        "a pair's own reference file measures that pair only: move the row to the other pair's file",
                    ));
                }
                found
            } else {
                only.unwrap_or(0)
            };
            let (d, s) = (&fields[c.date], &fields[c.score]);
            let (written, (from, until, resolution)) = period(d.text.trim()).map_err(|m| {
                err(
                    line,
                    d.col,
                    m,
                    "write dates as YYYY, YYYY-MM or YYYY-MM-DD (a timestamp such as 1962-07-14T00:00:00 is read as its date), e.g. 1962, 1962-07 or 1962-07-14",
                )
            })?;
            if missing(&s.text) {
                skipped += 1;
                continue;
            }
            let number = |f: &Field, what: &str| -> Result<f64, ReferenceError> {
                f.text
                    .trim()
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite())
                    .ok_or_else(|| {
                        err(
                            line,
                            f.col,
                            if f.text.trim().is_empty() || missing(&f.text) {
                                format!("the row has a score and no {what}")
                            } else {
                                format!("`{}` is not a number", f.text.trim())
                            },
                            &format!(
                                "write the {what} as a decimal number with a point, e.g. -4.5"
                            ),
                        )
                    })
            };
            let score = number(s, "score")?;
            let bound = scenario.scale.bound;
            if score.abs() > bound {
                return Err(err(
                    line,
                    s.col,
                    format!("the score {score} lies off the scenario's scale, -{bound} to {bound}"),
                    "rescale the series to the scenario's scale before comparing",
                ));
            }
            let uncertainty = match c.spread {
                Spread::None => None,
                Spread::Sd(k) => {
                    let sd = number(&fields[k], "sd")?;
                    if sd <= 0.0 {
                        return Err(err(
                            line,
                            fields[k].col,
                            format!("the sd {sd} is not above 0"),
                            "a standard deviation is a positive number of score points; leave out the column if the series has none",
                        ));
                    }
                    Some(Uncertainty::of_sd(score, sd))
                }
                Spread::Interval(a, b) => {
                    let (lo, hi) = (number(&fields[a], "lo")?, number(&fields[b], "hi")?);
                    if !(lo <= score && score <= hi && lo < hi) {
                        return Err(err(
                            line,
                            fields[a].col,
                            format!(
                                "the interval {lo} to {hi} does not hold the score {score} with lo below hi"
                            ),
                            "lo and hi are the lower and upper ends of the score's 95% interval: lo < hi, and the score between them",
                        ));
                    }
                    Some(Uncertainty::of_interval(lo, hi))
                }
            };
            if let Some(u) = uncertainty {
                let widest = 2.0 * bound;
                if !(MIN_SD..=widest).contains(&u.sd) {
                    let f = match c.spread {
                        Spread::Sd(k) | Spread::Interval(k, _) => &fields[k],
                        Spread::None => s,
                    };
                    return Err(err(
                        line,
                        f.col,
                        format!(
                            "the standard deviation {} lies outside {MIN_SD} to {widest}, the width of the scale",
                            u.sd
                        ),
                        "give the uncertainty in score points: an sd near 0 would outweigh every other date, and one wider than the scale says nothing",
                    ));
                }
            }
            if !months.iter().any(|m| (from..until).contains(m)) {
                let (first, last) = scenario.span();
                return Err(err(
                    line,
                    d.col,
                    format!(
                        "{} lies outside the scenario's span, {first} to {last}: the run has no monthly sample in it",
                        d.text.trim()
                    ),
                    "keep only the dates the scenario covers",
                ));
            }
            if let Some(p) = points
                .iter()
                .find(|p| p.pair == pair && p.from < until && from < p.until)
            {
                let what = if p.from == from && p.until == until {
                    "is given twice"
                } else {
                    "overlaps"
                };
                return Err(err(
                    line,
                    d.col,
                    format!("{} {what}: line {} has {}", d.text.trim(), p.line, p.text),
                    "give one value per period: remove or merge one of the rows",
                ));
            }
            let label = c
                .label
                .and_then(|k| fields.get(k))
                .map_or(String::new(), |f| f.text.trim().to_string());
            points.push(Point {
                text: written,
                from,
                until,
                resolution,
                score,
                label,
                line,
                pair,
                uncertainty,
            });
        }
        let header_seen = columns.is_some();
        if !header_seen {
            return Err(err(
                lines.len().max(1),
                1,
                "the file is empty: no header and no rows".into(),
                FORMAT,
            ));
        }
        if points.is_empty() {
            return Err(err(
                lines.len().max(1),
                1,
                if skipped > 0 {
                    format!(
                        "the file has no row with a score ({skipped} without one, NA or empty, skipped), so nothing overlaps the run"
                    )
                } else {
                    "the file has no rows, so nothing overlaps the run".into()
                },
                FORMAT,
            ));
        }
        points.sort_by_key(|p| (p.from, p.pair));
        Ok(Reference {
            path: path.to_path_buf(),
            points,
            more: Vec::new(),
            skipped,
        })
    }

    /// Several files' series as one (a scenario's `reference` and its pairs' own), the
    /// first file first; refused, at the later row, when two files measure one pair over
    /// overlapping periods.
    pub fn combine(mut all: Vec<Reference>) -> Result<Option<Reference>, ReferenceError> {
        if all.is_empty() {
            return Ok(None);
        }
        let mut out = all.remove(0);
        for r in all {
            for p in &r.points {
                if let Some(q) = out
                    .points
                    .iter()
                    .find(|q| q.pair == p.pair && q.from < p.until && p.from < q.until)
                {
                    return Err(invalid(
                        &r.path,
                        p.line,
                        1,
                        "",
                        format!(
                            "{} overlaps {} at line {} of {}, a series of the same pair",
                            p.text,
                            q.text,
                            q.line,
                            out.path.display()
                        ),
                        "give each pair's periods once, in one of the files",
                    ));
                }
            }
            out.more.push(r.path);
            out.points.extend(r.points);
            out.skipped += r.skipped;
        }
        out.points.sort_by_key(|p| (p.from, p.pair));
        Ok(Some(out))
    }

    /// The files it was read from, for messages: `a.csv`, or `a.csv and b.csv`.
    pub fn files(&self) -> String {
        let mut names: Vec<String> = vec![self.path.display().to_string()];
        names.extend(self.more.iter().map(|p| p.display().to_string()));
        match names.len() {
            1 => names.remove(0),
            n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        }
    }

    /// The pairs it has points for (indices into the scenario's pairs), ascending.
    pub fn pairs(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self.points.iter().map(|p| p.pair).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn invalid(
    path: &Path,
    line: usize,
    col: usize,
    text: &str,
    message: String,
    hint: &str,
) -> ReferenceError {
    ReferenceError::Invalid {
        path: path.to_path_buf(),
        line,
        col,
        text: text.to_string(),
        message,
        hint: hint.to_string(),
    }
}

/// A field of a row and its column (characters, from 1).
struct Field {
    text: String,
    col: usize,
}

/// Splits a CSV row on commas, honouring double quotes (`""` inside quotes is a quote).
/// A quote left open at the end of the row is refused, with its column (characters, from
/// 1): a field does not run over several lines here, and taking the rest of the row as
/// its text would hide the missing quote.
fn split(row: &str) -> Result<Vec<Field>, usize> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    // The column of the quote that opened the quoted part we are in, if any.
    let mut quoted: Option<usize> = None;
    let mut chars = row.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if quoted.is_some() && chars.peek().map(|p| p.1) == Some('"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = if quoted.is_some() { None } else { Some(i + 1) },
            ',' if quoted.is_none() => {
                fields.push(Field {
                    text: std::mem::take(&mut current),
                    col: start,
                });
                start = i + 2;
            }
            _ => current.push(c),
        }
    }
    if let Some(col) = quoted {
        return Err(col);
    }
    fields.push(Field {
        text: current,
        col: start,
    });
    Ok(fields)
}

/// The lines of a file, without their ends: a line ends with LF, CR LF, or a CR alone.
/// Files saved by old Mac programs (and some spreadsheet exports) end lines with CR only;
/// reading them as the researcher sees them in an editor is kinder than refusing them at
/// the header.
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['\n', '\r']) {
        out.push(&rest[..i]);
        let end = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + end..];
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Whether a score field says the row has no value: empty, or a spelling of "missing"
/// that R (`NA`), pandas (`NaN`, or nothing), spreadsheets (`#N/A`) and JSON (`null`)
/// write.
fn missing(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    matches!(t.as_str(), "" | "na" | "n/a" | "#n/a" | "nan" | "null")
}

/// A reference file's columns, from its header.
struct Columns {
    /// The date's field.
    date: usize,
    /// The pair's field, if the file has the column.
    pair: Option<usize>,
    /// The score's field.
    score: usize,
    /// The label's field: its header column, or the field after the last named one (a
    /// row may leave it out either way).
    label: Option<usize>,
    /// The uncertainty's fields.
    spread: Spread,
    /// The header's names, for messages (`index` for an index column).
    names: Vec<String>,
}

/// The uncertainty columns of a file.
#[derive(Clone, Copy)]
enum Spread {
    None,
    /// `sd`'s field.
    Sd(usize),
    /// `lo`'s and `hi`'s fields.
    Interval(usize, usize),
}

impl Columns {
    /// The columns a header names. A first column with no name, or pandas' `Unnamed: 0`,
    /// is an index (`DataFrame.to_csv` writes one) and is ignored. A problem is its column
    /// and message.
    fn of_header(fields: &[Field]) -> Result<Columns, (usize, String)> {
        let names: Vec<String> = fields
            .iter()
            .map(|f| f.text.trim().to_lowercase())
            .collect();
        let index = fields.len() > 1 && (names[0].is_empty() || names[0].starts_with("unnamed:"));
        let find = |name: &str| names.iter().position(|n| n == name);
        let (Some(date), Some(score)) = (find("date"), find("score")) else {
            return Err((
                1,
                "the first line is not the header `date,score` or `date,score,label` (or, for several pairs, `date,pair,score` or `date,pair,score,label`)".into(),
            ));
        };
        for (k, n) in names.iter().enumerate().skip(usize::from(index)) {
            if !matches!(
                n.as_str(),
                "date" | "pair" | "score" | "label" | "sd" | "lo" | "hi"
            ) {
                return Err((
                    fields[k].col,
                    format!(
                        "`{}` is not a column a reference has: date, score, and optionally pair, label, and sd or lo and hi",
                        fields[k].text.trim()
                    ),
                ));
            }
            if names[..k].contains(n) {
                return Err((fields[k].col, format!("the column `{n}` is given twice")));
            }
        }
        let spread = match (find("sd"), find("lo"), find("hi")) {
            (None, None, None) => Spread::None,
            (Some(sd), None, None) => Spread::Sd(sd),
            (None, Some(lo), Some(hi)) => Spread::Interval(lo, hi),
            (Some(sd), _, _) => {
                return Err((
                    fields[sd].col,
                    "give the uncertainty as `sd` or as `lo` and `hi`, not both".into(),
                ));
            }
            (None, lo, hi) => {
                let k = lo.or(hi).unwrap_or(0);
                return Err((
                    fields[k].col,
                    "an interval needs both `lo` and `hi` columns".into(),
                ));
            }
        };
        let mut shown = names.clone();
        if index {
            shown[0] = "index".into();
        }
        // A label column that is not the last must be given on every row.
        let label = find("label").or(Some(names.len()));
        Ok(Columns {
            date,
            pair: find("pair"),
            score,
            label,
            spread,
            names: shown,
        })
    }

    /// The fewest and most fields of a row: a trailing label may be left out, and a file
    /// whose header names no label may add one at the end.
    fn widths(&self) -> (usize, usize) {
        let n = self.names.len();
        match self.label {
            Some(k) if k + 1 == n => (n - 1, n),
            Some(k) if k == n => (n, n + 1),
            _ => (n, n),
        }
    }

    /// The fields of a row in words: `date, score, optional label`.
    fn names(&self) -> String {
        let n = self.names.len();
        let mut out: Vec<String> = self
            .names
            .iter()
            .enumerate()
            .map(|(k, name)| {
                if Some(k) == self.label && k + 1 == n {
                    "optional label".to_string()
                } else {
                    name.clone()
                }
            })
            .collect();
        if self.label == Some(n) {
            out.push("optional label".into());
        }
        out.join(", ")
    }
}

/// The period a date string stands for: the date as it is shown (a timestamp by its
/// date), its first month start, the first month start after it, and its resolution. A
/// timestamp (`1962-06-01T00:00:00`, `1962-06-01 00:00`, with or without a zone such as
/// `Z` or `+08:00`) is read as the date written in it: the zone does not move it.
fn period(text: &str) -> Result<(String, (Date, Date, Resolution)), String> {
    if let (Some(day), Some(sep), Some(time)) = (text.get(..10), text.get(10..11), text.get(11..))
        && matches!(sep, "T" | "t" | " ")
    {
        if !clock(time) {
            return Err(format!(
                "`{text}` is not a timestamp: after the date comes a time hh:mm or hh:mm:ss, then perhaps a zone (Z or +hh:mm), e.g. 1962-06-01T00:00:00Z"
            ));
        }
        return Ok((day.to_string(), date_period(day)?));
    }
    Ok((text.to_string(), date_period(text)?))
}

/// Whether `text` is a time of day, `hh:mm[:ss[.fraction]]`, then perhaps a zone: `Z`,
/// or `+hh:mm`, `+hhmm`, `+hh` (or `-`).
fn clock(text: &str) -> bool {
    let two = |s: &str, most: u32| {
        s.len() == 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|v| v <= most)
    };
    let (time, zone) = match text.find(['Z', 'z', '+', '-']) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let zone_ok = match zone.as_bytes().first() {
        None => true,
        Some(b'Z' | b'z') => zone.len() == 1,
        // Cut by bytes below: a zone is ASCII (a letter of another script is refused, not
        // cut in two).
        Some(_) if !zone.is_ascii() => false,
        Some(_) => {
            let z = &zone[1..];
            match z.len() {
                2 => two(z, 23),
                4 => two(&z[..2], 23) && two(&z[2..], 59),
                5 => two(&z[..2], 23) && &z[2..3] == ":" && two(&z[3..], 59),
                _ => false,
            }
        }
    };
    let (hms, fraction) = time.split_once('.').unwrap_or((time, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    let hms_ok = match parts.as_slice() {
        [h, m] => two(h, 23) && two(m, 59),
        [h, m, s] => two(h, 23) && two(m, 59) && two(s, 60),
        _ => false,
    };
    let fraction_ok = fraction.bytes().all(|b| b.is_ascii_digit())
        && (parts.len() == 3 || !time.contains('.'))
        && !(time.contains('.') && fraction.is_empty());
    zone_ok && hms_ok && fraction_ok
}

/// The period a date string (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) stands for: its first
/// month start, the first month start after it, and its resolution.
fn date_period(text: &str) -> Result<(Date, Date, Resolution), String> {
    let bad = || format!("`{text}` is not a date");
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        [y] if digits(y, 4) => {
            let year = y.parse().map_err(|_| bad())?;
            let from = Date::from_ymd(year, 1, 1).map_err(|e| e.to_string())?;
            // The year's end is its December's: the first month start after it may lie
            // past the last year a date may have (2999), and is never shown.
            let december = Date::from_ymd(year, 12, 1).map_err(|e| e.to_string())?;
            Ok((from, december.next_month_start(), Resolution::Year))
        }
        [y, m] if digits(y, 4) && digits(m, 2) => {
            if !(1..=12).contains(&m.parse::<u32>().unwrap_or(0)) {
                return Err(format!(
                    "`{text}` has no month {m}: months run from 01 to 12"
                ));
            }
            let from = Date::from_ymd(
                y.parse().map_err(|_| bad())?,
                m.parse().map_err(|_| bad())?,
                1,
            )
            .map_err(|e| e.to_string())?;
            Ok((from, from.next_month_start(), Resolution::Month))
        }
        [_, _, _] => {
            let day: Date = text
                .parse()
                .map_err(|e: crate::date::DateError| e.to_string())?;
            Ok((day.month_start(), day.next_month_start(), Resolution::Day))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_is_read_as_the_date_written_in_it() {
        for text in [
            "1962-06-01T00:00:00",
            "1962-06-01 00:00:00",
            "1962-06-01T23:59",
            "1962-06-01T12:00:00.250",
            "1962-06-01T00:00:00Z",
            "1962-06-01T00:00:00+08:00",
            "1962-06-01T00:00:00-0500",
            "1962-06-01T00:00+08",
        ] {
            let (shown, (from, _, resolution)) = period(text).expect(text);
            assert_eq!(shown, "1962-06-01", "{text}");
            assert_eq!(from, Date::from_ymd(1962, 6, 1).unwrap(), "{text}");
            assert_eq!(resolution, Resolution::Day, "{text}");
        }
        for text in [
            "1962-06-01T24:00",
            "1962-06-01T10",
            "1962-06-01T10:60",
            "1962-06-01T10:00.5",
            "1962-06-01T10:00:00.",
            "1962-06-01T10:00+8",
            "1962-06-01T10:00Zulu",
            "1962-06-01X10:00",
            // A zone of four bytes, one a letter of two (found by the fuzzer).
            "1962-06-01T10:00+0ڇ0",
            "1962-06-01T10:00-ڇ:0",
        ] {
            assert!(period(text).is_err(), "{text}");
        }
    }

    #[test]
    fn missing_scores_are_spelled_as_r_pandas_and_spreadsheets_spell_them() {
        for text in ["", " ", "NA", "na", "NaN", "nan", "N/A", "#N/A", "null"] {
            assert!(missing(text), "{text:?}");
        }
        for text in ["0", "-", "none", "inf", "1.5"] {
            assert!(!missing(text), "{text:?}");
        }
    }
}
