//! Sweeps split across machines: a shard is one slice of an experiment's seeds, its runs'
//! monthly scores, and the provenance that lets the merge refuse what does not belong.
//!
//! `--shard I/N` makes shard `I` (from 1) of `N` run the seeds of run indices
//! `floor((I-1) runs / N)` to `floor(I runs / N)` (exclusive) and write
//! `<command>-shard-I-of-N.bin` to the output folder instead of the command's files. The
//! merge puts the runs back in seed order and hands them to the same code the command
//! runs on one machine, so the files are the same bytes. Scheduling stays with Slurm, GNU
//! parallel or whatever runs the shards.
//!
//! ## File format
//! One line of JSON ([`Header`]: program, version, command, shard and count, the seeds of
//! the whole experiment and of the slice, the inputs' SHA-256, the command line without
//! `--shard`, the curves, the scenario's pairs, the numbers per run and the SHA-256 of the
//! numbers), a newline, then the numbers as
//! little-endian `f64`: for each curve, for each run of the slice in seed order, its row
//! (the monthly scores of every pair, pair after pair, for `ensemble` and `compare`; for
//! `rank`, per event, whether it
//! fired and the sums of its removal's changes). The exact bits travel, so the merge sums
//! exactly what one machine would have summed.
//!
//! The merge trusts nothing in a file: only regular files of bounded size are read, the
//! numbers must match their checksum and be finite, and every header field must agree
//! with the shard number, the data and (checked by the command) its command line and
//! scenario before anything is allocated from it. The command then makes the first run
//! of every shard again and compares the bits (for ensemble, compare and rank).
//!
//! `calibrate` and `sensitivity` split other units than runs, each of which runs every
//! seed: calibrate its search's starts (one row per start: its best parameters, loss,
//! first loss and evaluations), sensitivity the points of its design (one row per point:
//! the mean curve). `runs`, `from` and `to` then count those units.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::output::Input;

/// Most shards an experiment is split into.
pub const MAX_SHARDS: u64 = 100_000;

/// Largest shard file read (4 GiB of numbers, twice the scores an experiment may keep,
/// and its header line).
pub const MAX_SHARD_BYTES: u64 = (4 << 30) + (1 << 20);

/// Largest input file re-read to check its hash: the largest a scenario, a counterfactual,
/// a reference series or a params file may be.
const MAX_INPUT_BYTES: u64 = 8 << 20;

/// Which shard to make: `index` (from 1) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// From 1 to `count`.
    pub index: u64,
    /// How many shards the experiment is split into, at least 1.
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{text}` is not a shard: write I/N with 1 <= I <= N, e.g. --shard 3/10 (with Slurm: --shard $((SLURM_ARRAY_TASK_ID))/N)"
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        if count > MAX_SHARDS {
            return Err(format!(
                "`{text}`: {count} shards; an experiment is split into at most {MAX_SHARDS}"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The run indices this shard covers, out of `runs`.
    pub fn range(self, runs: u64) -> std::ops::Range<u64> {
        let at = |i: u64| ((u128::from(i) * u128::from(runs)) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }

    /// The shard file's name for a command.
    pub fn file_name(self, command: &str) -> String {
        format!("{command}-shard-{}-of-{}.bin", self.index, self.count)
    }
}

/// An input file and its SHA-256, as the shard recorded it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hashed {
    /// The path as given on the command line.
    pub path: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

/// The provenance line of a shard file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// "diplosim".
    pub program: String,
    /// The version that made it; the merge takes only its own version's shards.
    pub version: String,
    /// The subcommand: "ensemble", "compare", "rank", "calibrate" or "sensitivity".
    pub command: String,
    /// This shard's number, from 1.
    pub shard: u64,
    /// How many shards there are.
    pub of: u64,
    /// The whole experiment's first seed.
    pub seed: u64,
    /// The whole experiment's number of runs (for calibrate, of starts; for sensitivity,
    /// of points; see [`Header::of_units`]).
    pub runs: u64,
    /// The run (start, point) indices covered, `[from, to)`.
    pub from: u64,
    /// End of the run indices covered (exclusive).
    pub to: u64,
    /// The seeds covered, first and last, for a reader (empty slice: none).
    pub seeds_covered: Option<(u64, u64)>,
    /// The inputs read, with their hashes.
    pub inputs: Vec<Hashed>,
    /// The command line as typed, without `--shard I/N`: what one machine would run.
    pub command_line: Vec<String>,
    /// The curves carried, e.g. ["baseline", "no_incident"].
    pub curves: Vec<String>,
    /// The scenario's pairs, by key (`a/b`), in its order: a curve of `ensemble`,
    /// `compare` and `sensitivity` holds every pair's months, pair after pair.
    pub pairs: Vec<String>,
    /// Numbers per run: its months times its pairs (ensemble, compare), or the sums per
    /// event (rank); per start, its best point, loss, first loss and evaluations
    /// (calibrate); per point, its mean curve of every pair (sensitivity).
    pub width: u64,
    /// Hex SHA-256 of the numbers after the header line, set by [`encode`]: a number
    /// changed or a byte lost in transit is refused.
    pub data_sha256: String,
}

impl Header {
    /// The header of shard `shard` of an experiment that splits `units` units of work
    /// other than runs (calibrate's starts, sensitivity's points), each unit running
    /// every seed of `seeds`: `runs`, `from` and `to` count units, `seeds_covered` gives
    /// the seeds of every unit.
    pub fn of_units(
        command: &str,
        shard: Shard,
        seeds: crate::experiment::Seeds,
        units: u64,
        inputs: &[Input],
        argv: &[String],
        curves: &[&str],
        width: u64,
    ) -> Header {
        let range = shard.range(units);
        Header {
            program: "diplosim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            shard: shard.index,
            of: shard.count,
            seed: seeds.first,
            runs: units,
            from: range.start,
            to: range.end,
            seeds_covered: Some((
                seeds.first,
                seeds.first.wrapping_add(seeds.runs.saturating_sub(1)),
            )),
            inputs: hashed(inputs),
            command_line: without_shard(argv),
            curves: curves.iter().map(|c| c.to_string()).collect(),
            pairs: Vec::new(),
            width,
            data_sha256: String::new(),
        }
    }
}

/// Why shards could not be made or merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// No shard file in the folders given.
    #[error(
        "no shard files (*-shard-I-of-N.bin) in {0}\n  = help: point merge at the folders the --shard runs wrote to"
    )]
    None(String),
    /// A file is not a readable shard.
    #[error("{}: not a diplosim shard: {reason}", path.display())]
    Broken {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Two shards come from different experiments.
    #[error("{} and {} come from different experiments: their {what} differ\n  = help: merge only the shards of one command line, made by one version of diplosim", a.display(), b.display())]
    Mismatch {
        /// One shard.
        a: PathBuf,
        /// Another.
        b: PathBuf,
        /// What differs.
        what: &'static str,
    },
    /// A shard is given twice.
    #[error("shard {index} of {count} is given twice: {} and {}", a.display(), b.display())]
    Duplicate {
        /// Its number.
        index: u64,
        /// How many there are.
        count: u64,
        /// One file.
        a: PathBuf,
        /// The other.
        b: PathBuf,
    },
    /// Shards are missing.
    #[error("shard{} {}{} of {count} {} missing: run {}{}", if *total == 1 { "" } else { "s" }, list(missing), more(*total, missing.len()), if *total == 1 { "is" } else { "are" }, missing.iter().map(|i| format!("--shard {i}/{count}")).collect::<Vec<_>>().join(", "), more(*total, missing.len()))]
    Missing {
        /// The first of their numbers (at most [`MISSING_SHOWN`]).
        missing: Vec<u64>,
        /// How many are missing.
        total: u64,
        /// How many there are.
        count: u64,
    },
    /// An input changed since the shards were made.
    #[error(
        "{path} changed since the shards were made (its SHA-256 was {was}, it is {now})\n  = help: make the shards again from the same files"
    )]
    Changed {
        /// The input.
        path: String,
        /// Recorded hash.
        was: String,
        /// Current hash, or "unreadable".
        now: String,
    },
    /// The shards were made for other pairs than the scenario models now.
    #[error("the shards were made for the pairs {}, and the scenario models {}\n  = help: make the shards again from the scenario as it is", made.join(", "), now.join(", "))]
    Pairs {
        /// The pairs the shards record.
        made: Vec<String>,
        /// The scenario's pairs.
        now: Vec<String>,
    },
    /// The shard file could not be read.
    #[error("{}: cannot read: {}", path.display(), crate::scenario::error::io_reason(source))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
}

/// Missing shards named in a message; the rest are counted.
pub const MISSING_SHOWN: usize = 10;

fn more(total: u64, shown: usize) -> String {
    match total - shown as u64 {
        0 => String::new(),
        n => format!(" and {n} more"),
    }
}

fn list(xs: &[u64]) -> String {
    xs.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// The command line as one machine would type it: without `--shard I/N` (or `--shard=`).
pub fn without_shard(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in argv {
        if skip {
            skip = false;
        } else if a == "--shard" {
            skip = true;
        } else if !a.starts_with("--shard=") {
            out.push(a.clone());
        }
    }
    out
}

/// A shard file's bytes: the header line (with the checksum of the numbers) and the rows
/// of every curve.
pub fn encode(header: &Header, curves: &[Vec<Vec<f64>>]) -> Vec<u8> {
    let mut data = Vec::new();
    for rows in curves {
        for row in rows {
            for x in row {
                data.extend_from_slice(&x.to_le_bytes());
            }
        }
    }
    let header = Header {
        data_sha256: crate::output::sha256(&data),
        ..header.clone()
    };
    // Serializing strings and numbers cannot fail.
    let mut out = serde_json::to_vec(&header).unwrap_or_default();
    out.push(b'\n');
    out.extend_from_slice(&data);
    out
}

/// Reads a regular file of at most `cap` bytes: its kind checked before it is opened (a
/// FIFO with no writer would block, a device never end) and again on what was opened.
fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, ShardError> {
    use std::io::Read as _;
    let io = |source| ShardError::Io {
        path: path.to_path_buf(),
        source,
    };
    let refuse = |reason: String| ShardError::Broken {
        path: path.to_path_buf(),
        reason,
    };
    let kind = |m: &std::fs::Metadata| {
        refuse(format!(
            "this is {}, not a file",
            crate::scenario::source::special_kind(m)
        ))
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(kind(&meta));
    }
    let big = |n: u64| {
        refuse(format!(
            "the file has {n} bytes, more than the {cap} it may have"
        ))
    };
    if meta.len() > cap {
        return Err(big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let opened = file.metadata().map_err(io)?;
    if !opened.is_file() {
        return Err(kind(&opened));
    }
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Hashes inputs for a header.
pub fn hashed(inputs: &[Input]) -> Vec<Hashed> {
    inputs
        .iter()
        .map(|i| Hashed {
            path: i.path.clone(),
            sha256: i.sha256.clone(),
        })
        .collect()
}

/// A shard file read back and checked on its own (not yet against the other shards).
#[derive(Debug)]
pub struct Read {
    /// The file.
    pub path: PathBuf,
    /// Its header line.
    pub header: Header,
    /// Per curve, per run, its row of numbers.
    pub curves: Vec<Vec<Vec<f64>>>,
}

/// Reads a shard file's bytes (`path` names it in messages): its header line, checked
/// against its shard number and its data before anything is allocated from it, and its
/// numbers, checked against their checksum and to be finite.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<Read, ShardError> {
    let broken = |reason: String| ShardError::Broken {
        path: path.to_path_buf(),
        reason,
    };
    let nl = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| broken("no header line".into()))?;
    let header: Header = serde_json::from_slice(&bytes[..nl])
        .map_err(|e| broken(format!("the header does not parse: {e}")))?;
    if header.program != "diplosim" {
        return Err(broken("it was not made by diplosim".into()));
    }
    // The header's numbers are checked before anything is made from them: a shard of
    // shards that cannot be, runs outside the experiment, or rows of no numbers (which
    // would make rows without reading a byte) are refused.
    let h = &header;
    if h.of == 0 || h.of > MAX_SHARDS || h.shard == 0 || h.shard > h.of {
        return Err(broken(format!(
            "it says it is shard {} of {}: a shard is I of N with 1 <= I <= N <= {MAX_SHARDS}",
            h.shard, h.of
        )));
    }
    let range = Shard {
        index: h.shard,
        count: h.of,
    }
    .range(h.runs);
    if (range.start, range.end) != (h.from, h.to) {
        return Err(broken("its runs are not those of its shard number".into()));
    }
    let runs = h.to - h.from;
    if h.curves.is_empty() || (runs > 0 && h.width == 0) {
        return Err(broken("its header gives rows of no numbers".into()));
    }
    let data = &bytes[nl + 1..];
    let want = (header.curves.len() as u128) * u128::from(runs) * u128::from(header.width) * 8;
    if data.len() as u128 != want {
        return Err(broken(format!(
            "it holds {} bytes of scores where its header promises {want}: the file is cut short or damaged",
            data.len()
        )));
    }
    if crate::output::sha256(data) != header.data_sha256 {
        return Err(broken(
            "its numbers do not match their checksum (SHA-256): the file was changed or damaged"
                .into(),
        ));
    }
    let mut values = data
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
    if let Some(i) = values.clone().position(|x| !x.is_finite()) {
        return Err(broken(format!(
            "number {} of its data is not a finite number",
            i + 1
        )));
    }
    let curves = (0..header.curves.len())
        .map(|_| {
            (0..runs)
                .map(|_| values.by_ref().take(header.width as usize).collect())
                .collect()
        })
        .collect();
    Ok(Read {
        path: path.to_path_buf(),
        header,
        curves,
    })
}

/// The seeds a shard's header must say it covers: those of its runs, or for calibrate's
/// starts and sensitivity's points (each of which runs every seed) all of them.
fn covered(h: &Header) -> Option<(u64, u64)> {
    if matches!(h.command.as_str(), "calibrate" | "sensitivity") {
        return h.seeds_covered.filter(|(a, _)| *a == h.seed);
    }
    (h.to > h.from).then(|| (h.seed.wrapping_add(h.from), h.seed.wrapping_add(h.to - 1)))
}

/// What the merge hands the command: its command line and the rows of every curve over
/// all the runs, in seed order.
#[derive(Debug)]
pub struct Merged {
    /// The header of the first shard, the same as every other's but for the slice: for
    /// the command to check against what it replays.
    pub header: Header,
    /// The command line one machine would have typed.
    pub command_line: Vec<String>,
    /// The scenario's pairs the shards were made for, by key.
    pub pairs: Vec<String>,
    /// Per curve, per run, its row of numbers.
    pub curves: Vec<Vec<Vec<f64>>>,
}

/// Reads every shard file in the folders, checks that they are one experiment's shards,
/// each once, none missing, its inputs unchanged, and joins their runs in seed order.
pub fn merge(dirs: &[PathBuf]) -> Result<Merged, ShardError> {
    let mut shards = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|source| ShardError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut names: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.contains("-shard-") && n.ends_with(".bin"))
            })
            .collect();
        names.sort();
        for path in names {
            let bytes = read_regular(&path, MAX_SHARD_BYTES)?;
            shards.push(decode(&path, &bytes)?);
        }
    }
    let Some(first) = shards.first() else {
        return Err(ShardError::None(
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    };
    let h0 = &first.header;
    for s in &shards[1..] {
        let h = &s.header;
        let what = if h.version != h0.version {
            Some("versions")
        } else if h.command_line != h0.command_line || h.command != h0.command {
            Some("command lines")
        } else if h.inputs != h0.inputs {
            Some("inputs (SHA-256)")
        } else if (h.of, h.seed, h.runs, h.width) != (h0.of, h0.seed, h0.runs, h0.width)
            || h.curves != h0.curves
            || h.pairs != h0.pairs
        {
            Some("splits")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(ShardError::Mismatch {
                a: first.path.clone(),
                b: s.path.clone(),
                what,
            });
        }
    }
    if h0.version != env!("CARGO_PKG_VERSION") {
        return Err(ShardError::Broken {
            path: first.path.clone(),
            reason: format!(
                "it was made by diplosim {}, and this is {}: merge with the version that made it",
                h0.version,
                env!("CARGO_PKG_VERSION")
            ),
        });
    }
    let mut by_index: BTreeMap<u64, &Read> = BTreeMap::new();
    for s in &shards {
        let spec = Shard {
            index: s.header.shard,
            count: s.header.of,
        };
        if s.header.seeds_covered != covered(&s.header) {
            return Err(ShardError::Broken {
                path: s.path.clone(),
                reason: "the seeds it says it covers are not those of its runs".into(),
            });
        }
        if let Some(prev) = by_index.insert(spec.index, s) {
            return Err(ShardError::Duplicate {
                index: spec.index,
                count: spec.count,
                a: prev.path.clone(),
                b: s.path.clone(),
            });
        }
    }
    // `of` is at most MAX_SHARDS (checked by `decode`).
    let total = h0.of - by_index.len() as u64;
    if total > 0 {
        let missing = (1..=h0.of)
            .filter(|i| !by_index.contains_key(i))
            .take(MISSING_SHOWN)
            .collect();
        return Err(ShardError::Missing {
            missing,
            total,
            count: h0.of,
        });
    }
    for input in &h0.inputs {
        let now = read_regular(Path::new(&input.path), MAX_INPUT_BYTES)
            .map(|b| crate::output::sha256(&b))
            .unwrap_or_else(|_| "unreadable".into());
        if now != input.sha256 {
            return Err(ShardError::Changed {
                path: input.path.clone(),
                was: input.sha256.clone(),
                now,
            });
        }
    }
    let mut curves: Vec<Vec<Vec<f64>>> = vec![Vec::new(); h0.curves.len()];
    for s in by_index.values() {
        for (k, rows) in s.curves.iter().enumerate() {
            curves[k].extend(rows.iter().cloned());
        }
    }
    Ok(Merged {
        header: h0.clone(),
        command_line: h0.command_line.clone(),
        pairs: h0.pairs.clone(),
        curves,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_run_once() {
        for runs in [0u64, 1, 5, 20, 1001] {
            for count in 1..=7u64 {
                let mut next = 0;
                for index in 1..=count {
                    let r = Shard { index, count }.range(runs);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, runs);
            }
        }
    }

    #[test]
    fn a_shard_is_written_i_of_n() {
        assert_eq!(
            "3/10".parse(),
            Ok(Shard {
                index: 3,
                count: 10
            })
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("is not a shard: write I/N"), "{e}");
        }
    }

    #[test]
    fn scores_travel_bit_for_bit() {
        let header = Header {
            program: "diplosim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: "ensemble".into(),
            shard: 1,
            of: 1,
            seed: 1,
            runs: 2,
            from: 0,
            to: 2,
            seeds_covered: Some((1, 2)),
            inputs: Vec::new(),
            command_line: vec!["diplosim".into()],
            curves: vec!["mean".into()],
            pairs: vec!["a/b".into()],
            width: 3,
            data_sha256: String::new(),
        };
        let rows = vec![vec![
            vec![0.1 + 0.2, -0.0, f64::MIN_POSITIVE],
            vec![1e-300, 2.5, -7.25],
        ]];
        let bytes = encode(&header, &rows);
        let back = decode(Path::new("x.bin"), &bytes).unwrap();
        assert_eq!(back.header.data_sha256.len(), 64);
        assert_eq!(
            back.header,
            Header {
                data_sha256: back.header.data_sha256.clone(),
                ..header.clone()
            }
        );
        let bits = |c: &Vec<Vec<Vec<f64>>>| -> Vec<u64> {
            c.iter().flatten().flatten().map(|x| x.to_bits()).collect()
        };
        assert_eq!(bits(&back.curves), bits(&rows));
        let cut = decode(Path::new("x.bin"), &bytes[..bytes.len() - 1]).unwrap_err();
        assert!(cut.to_string().contains("cut short"), "{cut}");
    }
}
