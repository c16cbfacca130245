//! The `diplosim` binary: parses the command line, calls the library, prints, and picks
//! the exit code (0 success, 2 a user's mistake, 1 a failure to write).
//!
//! Long experiments draw a progress bar on stderr when stderr is a terminal, and nothing
//! otherwise.

use std::io::IsTerminal;

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
    // The program name is recorded as "diplosim", not the path it was started by, so
    // manifests are the same on every machine.
    let argv: Vec<String> = std::iter::once("diplosim".to_string())
        .chain(std::env::args().skip(1))
        .collect();
    let cli = Cli::parse();
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
    match execute_with(&cli, &argv, &Bar(bar)) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            print!("{}", e.stdout());
            eprintln!("error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}

/// `diplosim serve`: prints the address once the page is up, and serves until stopped.
fn serve(dir: &std::path::Path, host: &str, port: u16) -> ! {
    let config = serve_config(dir, host, port);
    for warning in config.warnings() {
        eprintln!("{warning}");
    }
    let result = diplosim::serve::run(config, |addr| {
        println!("diplosim: the classroom page is at {addr} (Ctrl-C stops it)");
        let _ = std::io::Write::flush(&mut std::io::stdout());
    });
    match result {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
