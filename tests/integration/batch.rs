//! The batch recipes of `docs/recipes/` run for real: the Slurm job arrays on a one-machine
//! cluster (`munged`, `slurmctld` and `slurmd` started by the test on localhost, as root)
//! and the GNU parallel script, each followed by `merge`; the merged files are the bytes
//! one machine writes. The one-machine run is the same recipe with a `diplosim` on the
//! PATH that drops `--shard` (running only the first shard) and skips `merge`, so the two
//! sides run the very command lines of the recipe.
//!
//! Skipped with the reason where the tools (or root, which the daemons want here) are
//! missing; under CI (`CI` set), where `.ci/run` installs them, that fails instead.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::shard::same_files;

/// How long a recipe may take before the test gives up on it (and fails).
const PATIENCE: Duration = Duration::from_secs(300);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn recipe(name: &str) -> PathBuf {
    repo().join("docs/recipes").join(name)
}

/// The first of `programs` not found on the PATH (or in /usr/sbin), if any.
fn missing(programs: &[&str]) -> Option<String> {
    programs
        .iter()
        .find(|p| {
            !Command::new("sh")
                .args([
                    "-c",
                    &format!("PATH=\"$PATH:/usr/sbin:/sbin\" command -v {p}"),
                ])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(|p| p.to_string())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Whether the test can run here; otherwise a note (or, under CI, a failure).
fn can_run(what: &str, programs: &[&str], needs_root: bool) -> bool {
    let reason = match missing(programs) {
        Some(p) => Some(format!("{p} is not installed")),
        None if needs_root && !is_root() => Some("it needs root to start the daemons".into()),
        None => None,
    };
    match reason {
        None => true,
        Some(r) if std::env::var_os("CI").is_some() => {
            panic!("{what} must run under CI, but {r} (.ci/run installs it as root)")
        }
        Some(r) => {
            eprintln!("note: {what} not run: {r}");
            false
        }
    }
}

/// A folder laid out like the repository root for the recipes (`scenarios/` and
/// `tests/`, linked), with `bin/diplosim` on the PATH: the real program, or (`one`) the
/// one-machine stand-in described in the module doc.
struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    fn new(one: bool) -> Workdir {
        let dir = tempfile::tempdir().unwrap();
        for name in ["scenarios", "tests"] {
            std::os::unix::fs::symlink(repo().join(name), dir.path().join(name)).unwrap();
        }
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        let real = env!("CARGO_BIN_EXE_diplosim");
        let bin = dir.path().join("bin/diplosim");
        if one {
            let shim = format!(
                "#!/bin/bash\n\
                 [ \"$1\" = merge ] && exit 0\n\
                 args=(); shard=\n\
                 while [ $# -gt 0 ]; do\n\
                 \x20 if [ \"$1\" = --shard ]; then shard=\"$2\"; shift 2; continue; fi\n\
                 \x20 args+=(\"$1\"); shift\n\
                 done\n\
                 case \"$shard\" in ''|1/*) exec '{real}' \"${{args[@]}}\" ;; *) exit 0 ;; esac\n"
            );
            std::fs::write(&bin, shim).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        } else {
            std::os::unix::fs::symlink(real, &bin).unwrap();
        }
        Workdir { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A command run in this folder with its `bin/` first on the PATH.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        let path = std::env::var("PATH").unwrap_or_default();
        c.current_dir(self.path())
            .env(
                "PATH",
                format!("{}:{path}", self.path().join("bin").display()),
            )
            .stdin(Stdio::null());
        c
    }
}

/// Runs `command` to its end, within [`PATIENCE`]; panics with its output if it fails.
fn finish(mut command: Command, what: &str) -> String {
    let mut child: Child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("{what} did not end within {} s", PATIENCE.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        status.success(),
        "{what} failed ({status}):\n{stdout}\n{stderr}"
    );
    stdout
}

/// The recipe run as one machine would: through bash, as the first task of its array.
fn one_machine(script: &str, env: &[(&str, &str)]) -> Workdir {
    let one = Workdir::new(true);
    let mut c = one.command("bash");
    c.arg(recipe(script))
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "10")
        .envs(env.iter().copied());
    finish(c, &format!("{script} on one machine"));
    one
}

/// A Slurm cluster of this one machine, in a temporary folder, stopped when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    /// The pid files of munged, slurmctld and slurmd.
    pid_files: Vec<PathBuf>,
}

/// A TCP port free at the moment of asking.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["munge", "spool", "state", "log"] {
            std::fs::create_dir(d.join(sub)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("munge"), std::fs::Permissions::from_mode(0o700)).unwrap();
        let mut key = vec![0u8; 1024];
        {
            use std::io::Read;
            std::fs::File::open("/dev/urandom")
                .unwrap()
                .read_exact(&mut key)
                .unwrap();
        }
        let key_file = d.join("munge/munge.key");
        std::fs::write(&key_file, key).unwrap();
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let socket = d.join("munge/socket");
        let mut cluster = Cluster {
            pid_files: vec![d.join("munge/pid")],
            dir,
        };
        let d = cluster.dir.path().to_path_buf();
        finish(
            {
                let mut c = Command::new("munged");
                c.env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                    .arg("--force")
                    .arg(format!("--socket={}", socket.display()))
                    .arg(format!("--key-file={}", key_file.display()))
                    .arg(format!("--log-file={}", d.join("munge/log").display()))
                    .arg(format!("--pid-file={}", d.join("munge/pid").display()))
                    .arg(format!("--seed-file={}", d.join("munge/seed").display()));
                c
            },
            "munged",
        );
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .unwrap()
            .trim()
            .split('.')
            .next()
            .unwrap()
            .to_string();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let conf = format!(
            "ClusterName=diplosim\n\
             SlurmctldHost={host}(127.0.0.1)\n\
             AuthType=auth/munge\n\
             AuthInfo=socket={socket}\n\
             CredType=cred/munge\n\
             SlurmUser=root\n\
             SlurmdUser=root\n\
             SlurmctldPort={ctld}\n\
             SlurmdPort={slurmd}\n\
             ProctrackType=proctrack/linuxproc\n\
             TaskPlugin=task/none\n\
             SelectType=select/cons_tres\n\
             SelectTypeParameters=CR_Core\n\
             StateSaveLocation={d}/state\n\
             SlurmdSpoolDir={d}/spool\n\
             SlurmctldPidFile={d}/slurmctld.pid\n\
             SlurmdPidFile={d}/slurmd.pid\n\
             SlurmctldLogFile={d}/log/slurmctld.log\n\
             SlurmdLogFile={d}/log/slurmd.log\n\
             ReturnToService=2\n\
             MpiDefault=none\n\
             JobCompType=jobcomp/none\n\
             AccountingStorageType=accounting_storage/none\n\
             NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN\n\
             PartitionName=main Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
            socket = socket.display(),
            ctld = free_port(),
            slurmd = free_port(),
            d = d.display(),
        );
        std::fs::write(d.join("slurm.conf"), conf).unwrap();
        for daemon in ["slurmctld", "slurmd"] {
            cluster.pid_files.push(d.join(format!("{daemon}.pid")));
            let mut c = Command::new(daemon);
            c.env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                .env("SLURM_CONF", d.join("slurm.conf"))
                .arg("-f")
                .arg(d.join("slurm.conf"));
            finish(c, daemon);
        }
        // The node is ready when sinfo says so.
        let start = Instant::now();
        loop {
            let state = cluster
                .client("sinfo")
                .args(["-h", "-o", "%T"])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_default();
            if state == "idle" {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the Slurm node is {state:?}, not idle, after 60 s:\n{}",
                cluster.logs()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        cluster
    }

    /// A Slurm client command (`sbatch`, `sinfo`) talking to this cluster.
    fn client(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("SLURM_CONF", self.dir.path().join("slurm.conf"));
        c
    }

    fn logs(&self) -> String {
        ["log/slurmctld.log", "log/slurmd.log", "munge/log"]
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(15).collect();
                format!(
                    "== {f}\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Submits the recipe `script` from `work` and waits for the whole array
    /// (`sbatch --wait`), then merges `runs/<out>`.
    fn run(&self, work: &Workdir, script: &str, env: &[(&str, &str)], out: &str) {
        let mut c = work.command("sbatch");
        c.env("SLURM_CONF", self.dir.path().join("slurm.conf"))
            .envs(env.iter().copied())
            .arg("--wait")
            .arg(recipe(script));
        let submitted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            finish(c, &format!("sbatch --wait {script}"))
        }));
        if let Err(e) = submitted {
            let jobs: String = std::fs::read_dir(work.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("slurm-"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .collect();
            eprintln!("{}\n== the tasks' output\n{jobs}", self.logs());
            std::panic::resume_unwind(e);
        }
        let mut merge = work.command("diplosim");
        merge.args(["merge", &format!("runs/{out}")]);
        finish(merge, &format!("merge runs/{out}"));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // slurmd first, then slurmctld, then munged.
        for pid_file in self.pid_files.iter().rev() {
            if let Some(pid) = std::fs::read_to_string(pid_file)
                .ok()
                .and_then(|t| t.trim().parse::<u32>().ok())
            {
                let _ = Command::new("kill").arg(pid.to_string()).status();
                let gone = Instant::now();
                while Path::new(&format!("/proc/{pid}")).exists()
                    && gone.elapsed() < Duration::from_secs(10)
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }
}

#[test]
fn the_slurm_recipes_give_the_bytes_of_one_machine() {
    if !can_run(
        "the Slurm recipes' test",
        &["munged", "slurmctld", "slurmd", "sbatch", "sinfo"],
        true,
    ) {
        return;
    }
    let cluster = Cluster::start();
    let many = Workdir::new(false);

    let runs = [("RUNS", "230")];
    cluster.run(&many, "ensemble.sbatch", &runs, "ensemble");
    let one = one_machine("ensemble.sbatch", &runs);
    same_files(
        &one.path().join("runs/ensemble"),
        &many.path().join("runs/ensemble"),
    );

    let budget = [("BUDGET", "60")];
    cluster.run(&many, "calibrate.sbatch", &budget, "calibrate");
    let one = one_machine("calibrate.sbatch", &budget);
    same_files(
        &one.path().join("runs/calibrate"),
        &many.path().join("runs/calibrate"),
    );
}

#[test]
fn the_gnu_parallel_recipe_gives_the_bytes_of_one_machine() {
    if !can_run("the GNU parallel recipe's test", &["parallel"], false) {
        return;
    }
    let env = [("RUNS", "300"), ("PATHS", "4"), ("JOBS", "4")];
    let many = Workdir::new(false);
    let mut c = many.command("bash");
    c.arg(recipe("parallel.sh")).envs(env.iter().copied());
    finish(c, "parallel.sh");
    let one = Workdir::new(true);
    let mut c = one.command("bash");
    c.arg(recipe("parallel.sh")).envs(env.iter().copied());
    finish(c, "parallel.sh on one machine");
    for out in ["compare", "sensitivity"] {
        same_files(
            &one.path().join("runs").join(out),
            &many.path().join("runs").join(out),
        );
    }
}
