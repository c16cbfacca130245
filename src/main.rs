//! The `diplosim` binary: parses the command line, calls the library, prints, and picks
//! the exit code (0 success, 2 a user's mistake, 1 a failure to write, standard output
//! included: a full disk ends the program with 1 and a message, never a panic). A reader
//! that goes away (`diplosim check F | head -1`) is not a failure: the program ends
//! quietly with the command's own status, as ripgrep does.
//!
//! Long experiments draw a progress bar on stderr when stderr is a terminal, and nothing
//! otherwise.

use std::io::{IsTerminal, Write};

use clap::Parser;
use diplosim::cli::{Cli, Command, execute_with, serve_config};
use diplosim::experiment::Progress;
use indicatif::{ProgressBar, ProgressStyle};

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
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} runs ({eta} left)",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let (text, error, code) = match execute_with(&cli, &argv, &Bar(bar)) {
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
