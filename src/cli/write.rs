//! Where a command writes and how: output folders checked before any work, files written
//! whole with their manifest, shard files.

use crate::output::shown;
use std::path::{Path, PathBuf};

use super::CliError;
use crate::experiment::Seeds;
use crate::output::{self, Input, Manifest, OutputError};
use crate::research::shard::Shard;
use crate::scenario::Scenario;

/// Refuses an output folder that cannot be one, before any work is done: a file, a path
/// through a file, or the folder the command runs in (or one that holds it), which
/// writing replaces as a whole.
pub(super) fn check_out(out: &Path) -> Result<(), CliError> {
    if let (Ok(o), Ok(here)) = (out.canonicalize(), std::env::current_dir())
        && here.canonicalize().unwrap_or(here).starts_with(&o)
    {
        return Err(CliError::Usage(format!(
            "--out {}: this is the folder you are working in (or holds it); the output folder is replaced as a whole on every write\n  = help: name a folder of its own, e.g. --out {}",
            shown(&out),
            shown(&out.join("diplosim-output"))
        )));
    }
    if let Some(file) = file_in_the_way(out) {
        return Err(CliError::Usage(format!(
            "--out {}: {} is a file, not a folder\n  = help: name a folder for the output files (it is created if missing)",
            shown(&out),
            shown(&file)
        )));
    }
    if let Some(link) = link_to_nowhere(out) {
        return Err(CliError::Usage(format!(
            "--out {}: {} is a symbolic link that leads nowhere (to a missing path, or round in a loop)\n  = help: remove the link, or name another folder",
            shown(&out),
            shown(&link)
        )));
    }
    Ok(())
}

/// The first part of `path` that is a symbolic link which cannot be followed (dangling,
/// or a loop), if any: writing through it would fail only after the work.
pub(super) fn link_to_nowhere(path: &Path) -> Option<&Path> {
    path.ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| {
            std::fs::symlink_metadata(a).is_ok_and(|m| m.is_symlink())
                && std::fs::metadata(a).is_err()
        })
}

/// Refuses to make a shard from a command line that holds a name which is not UTF-8: the
/// shard records the command line as text, and `merge` would replay it with the name
/// changed (its bytes shown as U+FFFD), writing to another folder.
fn refuse_lossy(argv: &[String]) -> Result<(), CliError> {
    match argv.iter().find(|a| a.contains('\u{FFFD}')) {
        Some(a) => Err(CliError::Usage(format!(
            "{}: this argument is not UTF-8 text (or holds U+FFFD), and a shard records its command line as text for merge to replay\n  = help: rename the file or folder with UTF-8 characters only",
            a.escape_debug()
        ))),
        None => Ok(()),
    }
}

/// The first existing part of the folder path `dir` that is not a folder, if any: every
/// existing prefix of an output folder must be a folder.
pub(super) fn file_in_the_way(dir: &Path) -> Option<&Path> {
    dir.ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| a.exists() && !a.is_dir())
}

/// The default output folder of a scenario: `output/<name>/`.
pub fn default_out(scenario: &Scenario) -> PathBuf {
    Path::new("output").join(scenario.name())
}

/// Writes one file whole or not at all: into a temporary file beside it, then renamed
/// over it. Unlike an output folder, the folder around it is left as it is. Only a regular
/// file is replaced (a symlink to one is followed): anything else at `path` is refused.
/// An existing file keeps its permissions; a new one gets those the umask allows.
pub(super) fn write_one(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    use std::io::Write as _;
    let io = |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let existing = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Some(m),
        Ok(_) => {
            return Err(OutputError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        Err(_) => None,
    };
    let real = match &existing {
        Some(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) => {
            path.canonicalize().map_err(io)?
        }
        _ => path.to_path_buf(),
    };
    let dir = real
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".diplosim-handout-");
    #[cfg(unix)]
    {
        // As a file made by `open` with no mode of its own: 0666 less the umask.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    if let Some(m) = existing {
        tmp.as_file().set_permissions(m.permissions()).map_err(io)?;
    }
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // Checked again just before: something other than a file may have taken the name.
    if std::fs::metadata(&real).is_ok_and(|m| !m.is_file()) {
        return Err(OutputError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    tmp.persist(&real).map_err(|e| io(e.error))?;
    Ok(())
}

pub(super) fn csv_file(
    name: &str,
    r: Result<Vec<u8>, csv::Error>,
) -> Result<output::File, OutputError> {
    r.map(|bytes| (name.to_string(), bytes))
        .map_err(|source| OutputError::Csv {
            name: name.to_string(),
            source,
        })
}

/// Adds the manifest and writes every file, all or nothing. `runs` are the scenarios run,
/// by name, for the manifest to say which couple their pairs.
pub(super) fn finish<'a>(
    dir: &Path,
    files: Vec<output::File>,
    (command, runs): (&str, &[(&'a str, &'a crate::scenario::Scenario)]),
    inputs: Vec<Input>,
    seeds: Seeds,
    argv: &[String],
) -> Result<Vec<String>, CliError> {
    finish_read(dir, files, (command, runs), inputs, seeds, argv, None)
}

/// As [`finish`], the manifest recording the readings mode of the runs (`--readings`).
pub(super) fn finish_read<'a>(
    dir: &Path,
    files: Vec<output::File>,
    (command, runs): (&str, &[(&'a str, &'a crate::scenario::Scenario)]),
    inputs: Vec<Input>,
    seeds: Seeds,
    argv: &[String],
    readings: Option<String>,
) -> Result<Vec<String>, CliError> {
    let mut manifest = Manifest::new(command, inputs, seeds.first, seeds.runs, argv, &files)
        .coupled(runs.iter().copied());
    manifest.readings = readings;
    let files = manifest.append_to(files);
    output::write_all(dir, &files)?;
    Ok(files.into_iter().map(|(n, _)| n).collect())
}

/// Runs one shard's seeds and writes its shard file (nothing else) to `dir`; `pairs` are
/// the scenario's pairs by key, and `months` the numbers of a run's row.
pub(super) fn write_shard(
    dir: &Path,
    shard: Shard,
    command: &str,
    seeds: Seeds,
    inputs: &[Input],
    (curves, pairs): (&[&str], Vec<String>),
    argv: &[String],
    months: usize,
    rows_of: impl FnOnce(Seeds) -> Result<Vec<Vec<Vec<f64>>>, CliError>,
) -> Result<String, CliError> {
    check_out(dir)?;
    refuse_lossy(argv)?;
    let months = months as u64;
    let range = shard.range(seeds.runs);
    // Built by hand: a shard may cover no run when there are more shards than runs.
    let part = Seeds {
        first: seeds.first.wrapping_add(range.start),
        runs: range.end - range.start,
    };
    let list = part.list();
    let rows = rows_of(part)?;
    let header = crate::research::shard::Header {
        program: "diplosim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        command: command.into(),
        shard: shard.index,
        of: shard.count,
        seed: seeds.first,
        runs: seeds.runs,
        from: range.start,
        to: range.end,
        seeds_covered: list.first().zip(list.last()).map(|(a, b)| (*a, *b)),
        inputs: crate::research::shard::hashed(inputs),
        command_line: crate::research::shard::without_shard(argv),
        curves: curves.iter().map(|c| c.to_string()).collect(),
        pairs,
        width: months,
        data_sha256: String::new(),
    };
    let name = shard.file_name(command);
    output::write_all_waiting(
        dir,
        &[(name.clone(), crate::research::shard::encode(&header, &rows))],
    )?;
    let covered = header.seeds_covered.map_or_else(
        || "no runs".to_string(),
        |(a, b)| format!("seeds {a} to {b}"),
    );
    Ok(format!(
        "shard {} of {} of {command}: {} run{} ({covered}); wrote {name} in {}\n",
        shard.index,
        shard.count,
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        shown(&dir)
    ))
}

/// Monthly scores laid out run after run, as one row per run of `months` numbers (the
/// cells of every pair).
pub(super) fn runs_of(values: Vec<f64>, months: usize) -> Vec<Vec<f64>> {
    values.chunks(months.max(1)).map(<[f64]>::to_vec).collect()
}

/// Runs one shard's units of work (calibrate's starts, sensitivity's points, out of
/// `units`; `rows_of` gives one row of `width` numbers per unit of the range) and writes
/// its shard file (nothing else) to `dir`.
pub(super) fn write_unit_shard(
    dir: &Path,
    shard: Shard,
    command: &str,
    (units, unit): (usize, &str),
    seeds: Seeds,
    inputs: &[Input],
    argv: &[String],
    (width, pairs): (usize, Vec<String>),
    rows_of: impl FnOnce(std::ops::Range<usize>) -> Result<Vec<Vec<f64>>, CliError>,
) -> Result<String, CliError> {
    check_out(dir)?;
    refuse_lossy(argv)?;
    let range = shard.range(units as u64);
    let rows = rows_of(range.start as usize..range.end as usize)?;
    let mut header = crate::research::shard::Header::of_units(
        command,
        shard,
        seeds,
        units as u64,
        inputs,
        argv,
        &[unit],
        width as u64,
    );
    header.pairs = pairs;
    let name = shard.file_name(command);
    output::write_all_waiting(
        dir,
        &[(
            name.clone(),
            crate::research::shard::encode(&header, &[rows]),
        )],
    )?;
    let covered = if range.is_empty() {
        format!("no {unit}")
    } else {
        format!("{unit} {} to {} of {units}", range.start + 1, range.end)
    };
    Ok(format!(
        "shard {} of {} of {command}: {covered}; wrote {name} in {}\n",
        shard.index,
        shard.count,
        dir.display()
    ))
}

/// The scenario's pairs by key, in its order: what a shard records and the merge checks.
pub(super) fn pair_keys(sc: &Scenario) -> Vec<String> {
    (0..sc.pairs.len()).map(|p| sc.pair_key(p)).collect()
}
