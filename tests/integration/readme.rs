//! The promises of the README and the reference under `docs/`: their example scenarios
//! are valid and run, their commands run as written, their checkpoint table is the run's.

use std::path::{Path, PathBuf};

use diplosim::scenario::Scenario;

use crate::common::run;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md exists")
}

/// The README and every file under `docs/` that is Markdown, the README first, then the
/// others by name.
fn doc_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("the docs folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    std::iter::once(root.join("README.md"))
        .chain(docs)
        .collect()
}

/// The text of one file under `docs/`.
fn doc(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("docs/{name}: {e}"))
}

/// The README and the docs, one after the other.
fn all_docs() -> String {
    doc_files()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a doc file"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where the checkpoint table lives.
const CHECKPOINTS_DOC: &str = "sino-soviet.md";
/// Where the scenario format and its examples live.
const FORMAT_DOC: &str = "scenario-format.md";

#[test]
fn the_readme_example_scenario_checks_and_runs() {
    let text = doc(FORMAT_DOC);
    let start = text.find("```ron\n").expect("the README has a RON example") + "```ron\n".len();
    let end = start + text[start..].find("```").expect("the example is closed");
    let sc = Scenario::from_str(&text[start..end], Path::new("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.name(), "example");
    assert_eq!(sc.events.len(), 5);
    let r = run(&sc, 1);
    assert!(r.fired.iter().any(|f| sc.events[f.event].id == "treaty"));
    let verdicts = diplosim::record::checkpoints(&sc, &r);
    assert!(verdicts.iter().all(|v| v.met), "{verdicts:?}");
}

#[test]
fn the_readme_three_state_example_is_the_fixture_and_checks() {
    let text = doc(FORMAT_DOC);
    let marker = "## More than two states";
    let section = &text[text
        .find(marker)
        .expect("the README says how to write more states")..];
    let start = section.find("```ron\n").expect("with an example") + "```ron\n".len();
    let end = start + section[start..].find("```").expect("the example is closed");
    let fixture = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three_states.ron"),
    )
    .expect("the fixture exists");
    assert_eq!(&section[start..end], fixture);
    let sc = Scenario::from_str(&fixture, Path::new("three_states.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.pairs.len(), 3);
    assert_eq!(sc.timeline.checkpoints.len(), 3);
}

#[test]
fn the_readme_gives_the_two_setup_commands() {
    let text = readme();
    assert!(text.contains("cargo run --release -- run scenarios/sino_soviet_1917_1991.ron"));
    assert!(text.contains("cargo test --release"));
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(
        ci.contains("cargo test --release"),
        "CI runs the README's test command"
    );
}

/// The checkpoint table of the README, as the seed-1 run of the Sino-Soviet scenario
/// gives it.
fn checkpoint_table() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron");
    let sc = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let r = run(&sc, 1);
    let mut t = String::from(
        "| checkpoint | dates | the article says | expected | seed 1 ranges | met |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for v in diplosim::record::checkpoints(&sc, &r) {
        let c = &sc.timeline.checkpoints[v.checkpoint];
        let dates = if c.from == c.to {
            c.from.to_string()
        } else {
            format!("{} to {}", c.from, c.to)
        };
        t.push_str(&format!(
            "| `{}` | {} | \"{}\" | {} | {:.2} to {:.2} | {} |\n",
            c.id,
            dates,
            c.quote.replace('|', "\\|"),
            c.expect,
            v.low,
            v.high,
            if v.met { "yes" } else { "**no**" }
        ));
    }
    t
}

#[test]
fn golden_readme_checkpoint_table_is_the_run_s() {
    let table = checkpoint_table();
    if std::env::var_os(crate::shipped::BLESS).is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(CHECKPOINTS_DOC);
        let text = doc(CHECKPOINTS_DOC);
        let start = text
            .find("| checkpoint | dates |")
            .expect("the README has a checkpoint table");
        let end = text[start..]
            .find("\n\n")
            .map_or(text.len(), |k| start + k + 1);
        std::fs::write(&path, format!("{}{table}{}", &text[..start], &text[end..])).unwrap();
    }
    assert!(
        doc(CHECKPOINTS_DOC).contains(&table),
        "the README's checkpoint table is out of date; regenerate it with `DIPLOSIM_BLESS=1 cargo test --release --test integration golden`; it should read:\n\n{table}"
    );
}

/// The lines of the fenced `sh` blocks of the README and the docs, comments (from ` #`)
/// and blank lines dropped.
fn shell_lines() -> Vec<String> {
    let text = all_docs();
    let mut lines = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```sh\n") {
        let block = &rest[start + "```sh\n".len()..];
        let end = block.find("```").expect("every sh block is closed");
        for line in block[..end].lines() {
            let line = line.split(" #").next().unwrap_or_default().trim();
            if !line.is_empty() {
                lines.push(line.to_string());
            }
        }
        rest = &block[end..];
    }
    lines
}

/// The README's commands as the test runs them: `cargo run --release --` and `diplosim`
/// both become `diplosim`, the program under test on the PATH. The other cargo commands
/// build, install, test or fuzz the project, which this test is part of, and are left out.
fn program_commands() -> Vec<String> {
    shell_lines()
        .into_iter()
        .filter_map(|line| match line.strip_prefix("cargo run --release --") {
            Some(args) => Some(format!("diplosim{args}")),
            None => (!line.starts_with("cargo ")).then_some(line),
        })
        .collect()
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("make a folder");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

#[test]
fn every_command_of_the_readme_runs_as_written() {
    let commands = program_commands();
    assert!(commands.len() >= 6, "{commands:?}");
    // A copy of what the examples read, so their outputs land in a temporary folder.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    for sub in ["scenarios", "tests/fixtures"] {
        copy_tree(&root.join(sub), &dir.path().join(sub));
    }
    copy_tree(&root.join("docs"), &dir.path().join("docs"));
    std::fs::create_dir(dir.path().join("fuzz")).expect("make a folder");
    for file in ["README.md", "fuzz/seed"] {
        std::fs::copy(root.join(file), dir.path().join(file)).expect("copy a file");
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_diplosim"))
        .parent()
        .expect("the binary's folder");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("a PATH");
    // `serve` serves until it is stopped: the serve and browser tests start it instead.
    for command in commands.iter().filter(|c| !c.starts_with("diplosim serve")) {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(dir.path())
            .env("PATH", &path)
            .output()
            .expect("start sh");
        assert!(
            out.status.success(),
            "the README's command `{command}` failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        dir.path()
            .join("output/sino_soviet_1917_1991/chart.png")
            .is_file()
    );
    // `fuzz/seed` filled the seed corpus.
    assert!(crate::common::listing(&dir.path().join("fuzz/corpus/counterfactual")).len() >= 12);
}

#[test]
fn every_command_of_the_readme_table_has_an_example() {
    let commands = program_commands();
    let text = all_docs();
    let table: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `diplosim "))
        .filter_map(|l| l.split_whitespace().next())
        .map(|s| s.trim_end_matches('`'))
        .collect();
    assert!(table.len() >= 6, "{table:?}");
    for sub in table {
        assert!(
            commands
                .iter()
                .any(|c| c.starts_with(&format!("diplosim {sub} "))),
            "the README's command table has `diplosim {sub}` but no sh block runs it"
        );
    }
}
