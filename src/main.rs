//! The `diplosim` binary: parses the command line, calls the library, prints, and picks
//! the exit code (0 success, 2 a user's mistake, 1 a failure to write).

use clap::Parser;
use diplosim::cli::{Cli, execute};

fn main() {
    // The program name is recorded as "diplosim", not the path it was started by, so
    // manifests are the same on every machine.
    let argv: Vec<String> = std::iter::once("diplosim".to_string())
        .chain(std::env::args().skip(1))
        .collect();
    let cli = Cli::parse();
    match execute(&cli, &argv) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}
