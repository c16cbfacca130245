//! What every request shares: the served folder (its listing and a cache of its loaded
//! scenarios), the limits, the thread pool of comparisons, the gates on CPU work and the
//! answers kept (`cache`); and
//! how a page state's names (scenario, preset, changes) become files and checked values.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::http::StatusCode;

use super::cache::{Flight, Weigh};
use super::limits::{Gate, Limits};
use super::whatif::{PageState, Preset, counterfactual};
use super::{Config, Reply, ServeError};
use crate::experiment::Seeds;
use crate::scenario::Scenario;
use crate::scenario::counterfactual::{self as cf, Counterfactual, CounterfactualFile, FileKind};
use crate::scenario::file::ScenarioFile;

/// Single runs (the history as scripted, explanations, downloads) that may wait for a
/// turn: many, since each takes milliseconds.
const LIGHT_QUEUE: usize = 256;

/// What every request shares: the folder, a cache of loaded scenarios, the limits and the
/// gates on CPU work.
pub struct App {
    pub(super) dir: PathBuf,
    /// The `--host` it was started with, a name the `Host` header may give.
    pub(super) host: Arc<str>,
    pub(super) limits: Limits,
    pub(super) cache: Mutex<HashMap<PathBuf, (SystemTime, Arc<Loaded>)>>,
    pub(super) pool: rayon::ThreadPool,
    pub(super) heavy: Gate,
    pub(super) light: Gate,
    /// The answers of the page's questions, by their canonical form.
    pub(super) answers: Flight<Stored>,
    /// The page's addresses students on the network can open, once it listens.
    pub(super) addresses: Vec<String>,
    /// The baseline's side of a scenario's runs on some seeds (their monthly scores and
    /// the first seed's run), which every what-if on them is compared with, by scenario,
    /// file time and seeds.
    pub(super) baselines: Flight<Arc<crate::lab::Baseline>>,
}

/// An answer as it is sent: its type, the file name it downloads as (if it is a
/// download) and its bytes.
#[derive(Clone)]
pub(super) struct Stored {
    pub(super) kind: &'static str,
    pub(super) file: Option<String>,
    pub(super) body: axum::body::Bytes,
}

impl Weigh for Stored {
    fn weight(&self) -> usize {
        self.body.len() + self.file.as_ref().map_or(0, String::len)
    }
}

impl Weigh for Arc<crate::lab::Baseline> {
    fn weight(&self) -> usize {
        self.bytes()
    }
}

/// A scenario file of the folder, loaded and validated.
pub struct Loaded {
    /// Its name relative to the folder.
    pub key: String,
    /// What the file says.
    pub file: ScenarioFile,
    /// The validated scenario.
    pub scenario: Scenario,
    /// When its file was last changed, as it was loaded.
    pub modified: SystemTime,
}

/// A file of the served folder.
pub(super) struct Entry {
    /// Its name relative to the folder.
    pub(super) key: String,
    path: PathBuf,
}

impl App {
    /// The shared state for serving `config.dir`.
    pub fn new(config: &Config) -> Result<App, ServeError> {
        let dir = config.dir.canonicalize().map_err(|e| ServeError::Dir {
            dir: config.dir.clone(),
            reason: crate::scenario::error::io_reason(&e),
        })?;
        if !dir.is_dir() {
            return Err(ServeError::Dir {
                dir: config.dir.clone(),
                reason: "this is a file, not a folder; name the folder that holds the scenarios"
                    .into(),
            });
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // One core is left to the rest of the page where there are more than two. On two,
        // that halved what a class's what-ifs could use, while the page asks for little:
        // its history as scripted is computed once and kept.
        let threads = if cores > 2 { cores - 1 } else { cores };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("diplosim-whatif-{i}"))
            .build()
            .map_err(|e| ServeError::Dir {
                dir: dir.clone(),
                reason: e.to_string(),
            })?;
        let l = config.limits;
        Ok(App {
            dir,
            host: config.host.as_str().into(),
            limits: l,
            cache: Mutex::new(HashMap::new()),
            pool,
            heavy: Gate::new(l.comparisons, l.queue, l.wait),
            light: Gate::new(cores * 2, LIGHT_QUEUE, l.wait),
            answers: Flight::new(l.cache - l.cache / 4),
            addresses: Vec::new(),
            baselines: Flight::new(l.cache / 4),
        })
    }

    /// Every `.ron` file of the folder and its direct subfolders, by relative name.
    pub(super) fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut visit = |dir: &Path, prefix: &str, deeper: bool| -> Vec<(PathBuf, String)> {
            let mut subdirs = Vec::new();
            let Ok(read) = std::fs::read_dir(dir) else {
                return subdirs;
            };
            let mut names: Vec<_> = read.flatten().collect();
            names.sort_by_key(|e| e.file_name());
            for e in names {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let path = e.path();
                if path.is_dir() {
                    if deeper {
                        subdirs.push((path, format!("{prefix}{name}/")));
                    }
                } else if name.ends_with(".ron") {
                    out.push(Entry {
                        key: format!("{prefix}{name}"),
                        path,
                    });
                }
            }
            subdirs
        };
        for (sub, prefix) in visit(&self.dir, "", true) {
            visit(&sub, &prefix, false);
        }
        out
    }

    pub(super) fn entry(&self, key: &str) -> Option<Entry> {
        self.entries().into_iter().find(|e| e.key == key)
    }

    /// A scenario of the folder, by its relative name.
    pub fn scenario(&self, key: &str) -> Result<Arc<Loaded>, Reply> {
        let entry = self.entry(key).ok_or_else(|| {
            Reply::new(
                StatusCode::NOT_FOUND,
                format!("no scenario \"{key}\" in the served folder"),
            )
        })?;
        let modified = std::fs::metadata(&entry.path)
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        if let Ok(cache) = self.cache.lock()
            && let Some((when, loaded)) = cache.get(&entry.path)
            && *when == modified
        {
            return Ok(loaded.clone());
        }
        let text = crate::scenario::load::read(&entry.path)
            .map_err(|e| Reply::new(StatusCode::UNPROCESSABLE_ENTITY, self.relative(e)))?;
        if cf::kind(&text) == FileKind::Counterfactual {
            return Err(Reply::new(
                StatusCode::NOT_FOUND,
                format!("\"{key}\" is a counterfactual, not a scenario: pick it as a preset"),
            ));
        }
        // Loaded from its file, so that the files it includes are found beside it.
        let crate::scenario::load::Loaded { file, scenario, .. } =
            crate::scenario::load::scenario(&entry.path)
                .map_err(|e| Reply::new(StatusCode::UNPROCESSABLE_ENTITY, self.relative(e)))?;
        let loaded = Arc::new(Loaded {
            key: key.to_string(),
            file,
            scenario,
            modified,
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(entry.path, (modified, loaded.clone()));
        }
        Ok(loaded)
    }

    pub(super) fn relative(&self, e: impl std::fmt::Display) -> String {
        let dir = format!("{}/", self.dir.display());
        e.to_string().replace(&dir, "")
    }

    /// The counterfactuals of the folder whose base is the scenario `key`.
    pub(super) fn presets(&self, key: &str) -> Vec<Preset> {
        let Some(target) = self.entry(key).and_then(|e| e.path.canonicalize().ok()) else {
            return Vec::new();
        };
        self.entries()
            .into_iter()
            .filter_map(|e| {
                let text = crate::scenario::load::read(&e.path).ok()?;
                if cf::kind(&text) != FileKind::Counterfactual {
                    return None;
                }
                let source = cf::Source::parse(text, &e.path).ok()?;
                (source.base_path().canonicalize().ok()? == target).then_some(Preset {
                    key: e.key,
                    file: source.file,
                })
            })
            .collect()
    }

    pub(super) fn preset(&self, key: &str, scenario: &str) -> Result<Preset, Reply> {
        self.presets(scenario)
            .into_iter()
            .find(|p| p.key == key)
            .ok_or_else(|| {
                Reply::new(
                    StatusCode::NOT_FOUND,
                    format!("no preset \"{key}\" for \"{scenario}\" in the served folder"),
                )
            })
    }

    /// The page state's counterfactual file, as the download writes it: its base is
    /// written relative to the folder `counterfactuals/` beside the scenario, where the
    /// shipped ones live.
    pub(super) fn counterfactual_file(
        &self,
        loaded: &Loaded,
        state: &PageState,
    ) -> Result<Option<CounterfactualFile>, Reply> {
        if state.changes.len() > self.limits.changes {
            return Err(Reply::bad(format!(
                "{} changes asked for; the page allows at most {}",
                state.changes.len(),
                self.limits.changes
            )));
        }
        let preset = state
            .preset
            .as_deref()
            .map(|k| self.preset(k, &loaded.key))
            .transpose()?;
        if preset.is_none() && state.changes.is_empty() {
            return Ok(None);
        }
        let base = match loaded.key.rsplit_once('/') {
            Some((_, name)) => format!("../{name}"),
            None => format!("../{}", loaded.key),
        };
        Ok(Some(counterfactual(
            &loaded.scenario,
            &base,
            preset.as_ref(),
            &state.changes,
            state.title.as_deref(),
        )))
    }

    /// Validates a counterfactual file's text against a scenario by the rules of a file
    /// on disk. Its messages name the file as `name` (with `.ron`), the text the page
    /// shows; the error comes with the reply, for the page to say it in its own words.
    pub(super) fn validate(
        &self,
        loaded: &Loaded,
        text: String,
        name: &str,
    ) -> Result<Counterfactual, Box<(crate::scenario::ScenarioError, Reply)>> {
        let name = format!("{name}.ron");
        let with_text = |e: crate::scenario::ScenarioError, text: &str| {
            let reply = Reply {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: self.relative(&e),
                ron: Some(text.to_string()),
                detail: None,
            };
            Box::new((e, reply))
        };
        let source =
            cf::Source::parse(text.clone(), Path::new(&name)).map_err(|e| with_text(e, &text))?;
        source
            .apply(&loaded.file, Path::new(&loaded.key))
            .map_err(|e| with_text(e, &text))
    }

    pub(super) fn limit_runs(&self, runs: u64) -> Result<Seeds, Reply> {
        if runs == 0 || runs > self.limits.runs {
            return Err(Reply::bad(format!(
                "runs must be from 1 to {}, not {runs}",
                self.limits.runs
            )));
        }
        Ok(Seeds { first: 0, runs })
    }
}
