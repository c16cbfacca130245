//! The `diplosim` binary: parses the command line, calls the library, prints, and picks
//! the exit code (0 success, 2 a user's mistake, 1 a failure to write, standard output
//! included: a full disk ends the program with 1 and a message, never a panic). A reader
//! that goes away (`diplosim check F | head -1`) is not a failure: the program ends
//! quietly with the command's own status, as ripgrep does.
//!
//! Long experiments draw a progress bar on stderr when stderr is a terminal; without one
//! (a batch job's log), they write a line there every 10% of the work or every 10 s,
//! whichever comes first, with the count and the time left. `--quiet` silences both, and
//! is not recorded in manifests (it changes no file).

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use diplosim::cli::{Cli, Command, execute_with, serve_config};
use diplosim::experiment::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// How often a batch job hears of progress, at the least.
const EVERY: Duration = Duration::from_secs(10);

/// Progress as lines on stderr, for a batch job's log: one each time the work passes a
/// tenth, or 10 s after the last line. Called from worker threads.
struct Lines {
    total: AtomicU64,
    done: AtomicU64,
    /// When the work started, when the last line was written, and the next tenth to
    /// report (1 to 10).
    state: Mutex<(Instant, Instant, u64)>,
}

impl Lines {
    fn new() -> Lines {
        let now = Instant::now();
        Lines {
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            state: Mutex::new((now, now, 1)),
        }
    }
}

impl Progress for Lines {
    fn start(&self, total: u64) {
        self.total.store(total, Ordering::SeqCst);
        self.done.store(0, Ordering::SeqCst);
        let now = Instant::now();
        if let Ok(mut s) = self.state.lock() {
            *s = (now, now, 1);
        }
    }

    fn advance(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::SeqCst) + n;
        let total = self.total.load(Ordering::SeqCst).max(1);
        let Ok(mut s) = self.state.lock() else { return };
        let (started, last, next) = *s;
        let tenth = (u128::from(done.min(total)) * 10 / u128::from(total)) as u64;
        let now = Instant::now();
        if tenth < next && now.duration_since(last) < EVERY {
            return;
        }
        *s = (started, now, next.max(tenth + 1));
        let elapsed = now.duration_since(started).as_secs_f64();
        let left = if done == 0 {
            String::from("time left unknown")
        } else {
            let rest = elapsed / done as f64 * total.saturating_sub(done) as f64;
            format!("about {} left", duration(rest))
        };
        // Best effort: a log that cannot be written is no reason to stop the work.
        let _ = writeln!(
            std::io::stderr(),
            "diplosim: {done} of {total} done ({}%), {} elapsed, {left}",
            u128::from(done.min(total)) * 100 / u128::from(total),
            duration(elapsed)
        );
    }
}

/// Seconds in words: `42 s`, `3 min 5 s`, `2 h 10 min`.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// Where progress goes: a bar on a terminal, lines without one, nowhere with `--quiet`.
enum Report {
    Bar(Bar),
    Lines(Lines),
    Quiet,
}

impl Progress for Report {
    fn start(&self, total: u64) {
        match self {
            Report::Bar(b) => b.start(total),
            Report::Lines(l) => l.start(total),
            Report::Quiet => {}
        }
    }

    fn advance(&self, n: u64) {
        match self {
            Report::Bar(b) => b.advance(n),
            Report::Lines(l) => l.advance(n),
            Report::Quiet => {}
        }
    }

    fn finish(&self) {
        if let Report::Bar(b) = self {
            b.finish();
        }
    }
}

/// A progress bar on stderr, shown only on a terminal.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, runs: u64) {
        self.0.set_length(runs);
        self.0.set_position(0);
    }

    fn advance(&self, runs: u64) {
        self.0.inc(runs);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn main() {
    // Arguments are read as the system gives them: a name that is not UTF-8 is a path
    // like any other, not a panic.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The program name is recorded as "diplosim", not the path it was started by, so
    // manifests are the same on every machine.
    let argv: Vec<String> = std::iter::once("diplosim".to_string())
        .chain(
            args.iter()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned()),
        )
        .collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        // Help and version go to standard output, which may be full like any other.
        Err(e) if e.exit_code() == 0 => {
            let mut stdout = std::io::stdout().lock();
            let text = if stdout.is_terminal() {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let printed = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush());
            std::process::exit(stdout_failed(printed, 0));
        }
        Err(e) => {
            let _ = e.print();
            std::process::exit(e.exit_code());
        }
    };
    if let Command::Serve { dir, host, port } = &cli.command {
        serve(dir, host, *port);
    }
    let report = if cli.quiet {
        Report::Quiet
    } else if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} done ({eta} left)",
        ) {
            bar.set_style(style);
        }
        Report::Bar(Bar(bar))
    } else {
        Report::Lines(Lines::new())
    };
    // `--quiet` changes no file: the command line manifests record is the one without it
    // (up to a `--`, after which it would be a name).
    let end = argv.iter().position(|a| a == "--").unwrap_or(argv.len());
    let argv: Vec<String> = argv
        .iter()
        .enumerate()
        .filter(|(i, a)| *i >= end || a.as_str() != "--quiet")
        .map(|(_, a)| a.clone())
        .collect();
    let (text, error, code) = match execute_with(&cli, &argv, &report) {
        Ok(text) => (text, None, 0),
        Err(e) => (e.stdout().to_string(), Some(e.to_string()), e.exit_code()),
    };
    let mut stdout = std::io::stdout().lock();
    let printed = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    // Standard error is best effort: there is nowhere else to complain.
    if let Some(error) = error {
        let _ = writeln!(std::io::stderr(), "error: {error}");
    }
    std::process::exit(stdout_failed(printed, code));
}

/// The exit code after printing to standard output: `code`, or 1 with a message if the
/// text could not be written (a full disk). A reader that went away, as in
/// `diplosim check F | head -1`, took what it wanted: the command's work is done (its
/// files written), so its own status stands, without a message.
fn stdout_failed(printed: std::io::Result<()>, code: i32) -> i32 {
    match printed {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot write to standard output: {}",
                diplosim::scenario::error::io_reason(&e)
            );
            if code == 0 { 1 } else { code }
        }
    }
}

/// `diplosim serve`: prints the address once the page is up, and serves until stopped.
fn serve(dir: &std::path::Path, host: &str, port: u16) -> ! {
    let config = serve_config(dir, host, port);
    for warning in config.warnings() {
        eprintln!("{warning}");
    }
    let everywhere = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified());
    let result = diplosim::serve::run(config, |addr, students| {
        // Best effort: with no one reading standard output, the page is served all the same.
        let mut stdout = std::io::stdout();
        let _ = writeln!(
            stdout,
            "diplosim: the classroom page is at {addr} (Ctrl-C stops it)"
        );
        for a in students {
            let _ = writeln!(stdout, "diplosim: students on the network open {a}");
        }
        if students.is_empty() && everywhere {
            let _ = writeln!(
                stdout,
                "diplosim: this machine has no network address besides loopback: students cannot reach it"
            );
        }
        let _ = stdout.flush();
    });
    match result {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
