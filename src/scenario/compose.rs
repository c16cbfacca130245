//! Composition: a scenario file that takes the states, parties, leaders, actors, events
//! and timeline of other scenario files (`include: [(file: "other.ron")]`) and adds its
//! own, so that a larger scenario reuses a smaller one instead of copying it.
//!
//! What a composed scenario is:
//! - Its entries come in include order, each included file's before the including file's
//!   own; an included file may itself include (at most [`limits::MAX_INCLUDE_DEPTH`]
//!   deep, [`limits::MAX_INCLUDED_FILES`] files and [`limits::MAX_FILE_BYTES`] in all).
//! - An id given in two files is an error located at its second occurrence, unless the
//!   include lists it in `as_states`: an actor of the included file that the including
//!   file declares as a state.
//! - Its span is the including file's. Included events before the span run as a prelude
//!   (the engine starts on the earliest first day of the included files, so treaties,
//!   grievances and ties made earlier carry over), and nothing before the span is shown;
//!   included eras and checkpoints are cut to the span.
//! - An included file of one pair keeps its meaning: its `State` levels, bare score
//!   conditions, `Reanchor` and pair-less eras and checkpoints are bound to its pair, and
//!   its structural part becomes that pair's (unless the including file's `pairs` gives
//!   one). Scale and dynamics must be the included file's; axes are joined.
//!
//! Every entry keeps where it was written ([`Origins`]), so validation places a problem
//! in the file and at the line where the entry stands.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::{Kind, Location, Problem, ScenarioError, Subject};
use super::file::*;
use super::locate::{At, Outline, Seg};
use super::{Dynamics, limits, source};
use crate::date::Date;
use crate::output::Input;

/// One file read for a composed scenario.
#[derive(Clone, Debug)]
pub struct Part {
    /// The file, as the including file's folder and the include's `file` make it.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Its path and the hash of its bytes.
    pub input: Input,
}

/// Where an entry of a composed file was written: a file (index into the parts) and the
/// path of the entry in that file's text.
#[derive(Clone, Debug)]
struct Origin {
    part: usize,
    at: At,
}

/// The lists of a scenario file whose entries may come from several files, with the path
/// of the list from the top of the file.
const LISTS: [&[&str]; 7] = [
    &["states"],
    &["parties"],
    &["leaders"],
    &["actors"],
    &["events"],
    &["timeline", "eras"],
    &["timeline", "checkpoints"],
];

/// Where each entry of a composed file's lists was written, by list (states, parties,
/// leaders, actors, events, eras, checkpoints: 0 to 6) and position in the composed list.
#[derive(Clone, Debug, Default)]
pub struct Origins(HashMap<(usize, usize), Origin>);

impl Origins {
    /// The file (an index into the parts) and path in it of a path into the composed
    /// file: an entry of a list that came from another file, or the including file.
    pub fn place(&self, at: &At) -> (usize, At) {
        let segs = at.segs();
        for (list, names) in LISTS.iter().enumerate() {
            let n = names.len();
            if segs.len() > n
                && names
                    .iter()
                    .zip(segs)
                    .all(|(name, seg)| *seg == Seg::Field(name))
                && let Seg::Index(i) = segs[n]
                && let Some(o) = self.0.get(&(list, i))
            {
                let mut out = o.at.segs().to_vec();
                out.extend_from_slice(&segs[n + 1..]);
                return (o.part, At::of(out));
            }
        }
        (0, at.clone())
    }
}

/// A scenario file with its includes taken in: the file validation checks, the files it
/// was made from, and where each entry was written.
#[derive(Clone, Debug)]
pub struct Composed {
    /// The composed file, with no `include` left.
    pub file: ScenarioFile,
    /// The files read: the including file first, then each included file once.
    pub parts: Vec<Part>,
    /// Where each entry of the composed lists was written.
    pub origins: Origins,
}

impl Composed {
    /// The included files, with their hashes (the including file is not among them).
    pub fn included(&self) -> Vec<Input> {
        self.parts[1..].iter().map(|p| p.input.clone()).collect()
    }

    /// Locates a path of the composed file: the file it is in (`None`: the including file)
    /// and its line and column.
    pub fn locate(&self, at: &At) -> (Option<PathBuf>, Location) {
        let (part, at) = self.origins.place(at);
        let p = &self.parts[part];
        let location = Outline::new(&p.text).locate(&at);
        ((part > 0).then(|| p.path.clone()), location)
    }
}

/// What composition has read so far: the files on the current chain of includes (for
/// cycles) and the bytes read in all.
struct Reading {
    chain: Vec<PathBuf>,
    bytes: u64,
    files: usize,
}

/// Takes in the includes of a parsed scenario file read from `path` (its `text`, hashed
/// as `input`). A file without includes comes back as it is.
pub fn compose(
    file: ScenarioFile,
    text: String,
    path: &Path,
    input: Input,
) -> Result<Composed, ScenarioError> {
    let mut reading = Reading {
        chain: vec![canonical(path)],
        bytes: text.len() as u64,
        files: 1,
    };
    compose_in(file, text, path, input, &mut reading)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// A problem of an include entry of `part`, located in its text.
fn include_problem(
    path: &Path,
    text: &str,
    i: usize,
    field: &'static str,
    name: &str,
    message: String,
    hint: Option<String>,
) -> ScenarioError {
    let at = At::root().field("include").index(i).field(field);
    let mut p = Problem::new(Subject::Include(name.to_string()), message, hint);
    p.location = Some(Outline::new(text).locate(&at));
    ScenarioError::invalid(path, vec![p])
}

fn compose_in(
    mut file: ScenarioFile,
    text: String,
    path: &Path,
    input: Input,
    reading: &mut Reading,
) -> Result<Composed, ScenarioError> {
    let includes = std::mem::take(&mut file.include);
    let own_parts = vec![Part {
        path: path.to_path_buf(),
        text,
        input,
    }];
    if includes.is_empty() {
        let mut origins = Origins::default();
        for (list, names) in LISTS.iter().enumerate() {
            for i in 0..list_len(&file, list) {
                origins.0.insert((list, i), own_origin(0, names, i));
            }
        }
        return Ok(Composed {
            file,
            parts: own_parts,
            origins,
        });
    }
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut merged = Merge::new(own_parts);
    for (i, inc) in includes.iter().enumerate() {
        let text = &merged.parts[0].text;
        let problem = |field, message: String, hint: Option<String>| {
            include_problem(path, text, i, field, &inc.file, message, hint)
        };
        if reading.chain.len() > limits::MAX_INCLUDE_DEPTH {
            return Err(problem(
                "file",
                format!(
                    "includes nest more than {} files deep",
                    limits::MAX_INCLUDE_DEPTH
                ),
                Some("include the files you need from one file rather than in a chain".into()),
            ));
        }
        let inc_path = folder.join(&inc.file);
        let key = canonical(&inc_path);
        if let Some(k) = reading.chain.iter().position(|c| *c == key) {
            let names: Vec<String> = reading.chain[k..]
                .iter()
                .chain([&key])
                .map(|p| {
                    p.file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into())
                })
                .collect();
            return Err(problem(
                "file",
                format!("an include cycle: {}", names.join(" includes ")),
                Some("a file cannot include itself, directly or through others".into()),
            ));
        }
        if reading.files >= limits::MAX_INCLUDED_FILES {
            return Err(problem(
                "file",
                format!(
                    "more than {} files in one composed scenario",
                    limits::MAX_INCLUDED_FILES
                ),
                None,
            ));
        }
        let bytes = match source::read_bytes(&inc_path) {
            Ok(b) => b,
            Err(e) => {
                let reason = match &e {
                    ScenarioError::Unusable { message, .. } => message.clone(),
                    other => other.to_string(),
                };
                let hint = match &e {
                    ScenarioError::Unusable { hint: Some(h), .. } => format!(
                        "{h}; the path is relative to this file's folder ({})",
                        if folder.as_os_str().is_empty() {
                            ".".into()
                        } else {
                            folder.display().to_string()
                        }
                    ),
                    _ => "the path is relative to this file's folder".into(),
                };
                return Err(problem(
                    "file",
                    format!("cannot include {}: {reason}", inc_path.display()),
                    Some(hint),
                ));
            }
        };
        reading.bytes += bytes.len() as u64;
        reading.files += 1;
        if reading.bytes > limits::MAX_FILE_BYTES {
            return Err(problem(
                "file",
                format!(
                    "the composed scenario's files have more than {} bytes in all",
                    limits::MAX_FILE_BYTES
                ),
                None,
            ));
        }
        let inc_text = source::decode(&bytes, &inc_path)?.to_string();
        let inc_input = Input::new(&inc_path, &bytes);
        let inc_file: ScenarioFile = source::parse(&inc_text, &inc_path)?;
        reading.chain.push(key);
        let inner = compose_in(inc_file, inc_text, &inc_path, inc_input, reading)?;
        reading.chain.pop();
        merged.take(inner, inc, i, &file)?;
    }
    merged.finish(file)
}

fn own_origin(part: usize, names: &[&'static str], i: usize) -> Origin {
    let mut at = At::root();
    for name in names {
        at = at.field(name);
    }
    Origin {
        part,
        at: at.index(i),
    }
}

fn list_len(f: &ScenarioFile, list: usize) -> usize {
    match list {
        0 => f.states.len(),
        1 => f.parties.len(),
        2 => f.leaders.len(),
        3 => f.actors.len(),
        4 => f.events.len(),
        5 => f.timeline.eras.len(),
        _ => f.timeline.checkpoints.len(),
    }
}

/// The composed file under construction.
struct Merge {
    parts: Vec<Part>,
    origins: Origins,
    states: Vec<StateFile>,
    parties: Vec<PartyFile>,
    leaders: Vec<LeaderFile>,
    actors: Vec<ActorFile>,
    events: Vec<EventFile>,
    eras: Vec<EraFile>,
    checkpoints: Vec<CheckpointFile>,
    axes: Vec<String>,
    sources: Vec<String>,
    /// The included pairs and their structural parts, in include order.
    pairs: Vec<PairFile>,
    /// The earliest first day of the included files.
    first: Option<Date>,
    /// Every id declared so far, with its kind and where.
    ids: HashMap<String, (Kind, Origin)>,
    event_ids: HashMap<String, Origin>,
    /// Included actors that the including file declares as states.
    promoted: Vec<String>,
}

impl Merge {
    fn new(parts: Vec<Part>) -> Merge {
        Merge {
            parts,
            origins: Origins::default(),
            states: Vec::new(),
            parties: Vec::new(),
            leaders: Vec::new(),
            actors: Vec::new(),
            events: Vec::new(),
            eras: Vec::new(),
            checkpoints: Vec::new(),
            axes: Vec::new(),
            sources: Vec::new(),
            pairs: Vec::new(),
            first: None,
            ids: HashMap::new(),
            event_ids: HashMap::new(),
            promoted: Vec::new(),
        }
    }

    /// Where an origin stands, for a message: `file.ron:12:9`.
    fn shown(&self, o: &Origin) -> String {
        let p = &self.parts[o.part];
        let l = Outline::new(&p.text).locate(&o.at.field("id"));
        format!("{}:{}:{}", p.path.display(), l.line, l.col)
    }

    /// A clash of ids: located at the second occurrence, naming the first.
    fn clash(&self, kind: Kind, id: &str, second: &Origin, first: (Kind, &Origin)) -> Problem {
        let p = &self.parts[second.part];
        let mut problem = Problem::new(
            Subject::entity(kind, id),
            format!(
                "duplicate id: \"{id}\" is already {} {} at {}",
                if first.0 == Kind::Actor { "an" } else { "a" },
                first.0.name(),
                self.shown(first.1)
            ),
            Some(if first.0 == Kind::Actor && kind == Kind::State {
                format!(
                    "to make the included actor this state, list it in the include: as_states: [\"{id}\"]"
                )
            } else {
                "ids must differ across included files: rename one of them".to_string()
            }),
        );
        problem.location = Some(Outline::new(&p.text).locate(&second.at.field("id")));
        problem.file = (second.part > 0).then(|| p.path.clone());
        problem
    }

    /// Declares an id; a clash is a problem.
    fn declare(&mut self, kind: Kind, id: &str, at: Origin, problems: &mut Vec<Problem>) {
        if let Some((k, first)) = self.ids.get(id) {
            let promoted =
                *k == Kind::Actor && kind == Kind::State && self.promoted.contains(&id.to_string());
            if !promoted {
                problems.push(self.clash(kind, id, &at, (*k, first)));
            }
            return;
        }
        self.ids.insert(id.to_string(), (kind, at));
    }

    /// Takes in an included file (itself composed): its parts after those so far, its
    /// entries after those so far.
    fn take(
        &mut self,
        inner: Composed,
        inc: &IncludeFile,
        i: usize,
        own: &ScenarioFile,
    ) -> Result<(), ScenarioError> {
        let Composed {
            file: mut f,
            parts,
            origins,
        } = inner;
        let offset = self.parts.len();
        let inc_path = parts[0].path.clone();
        self.parts.extend(parts);
        let own_text = self.parts[0].text.clone();
        let own_path = self.parts[0].path.clone();
        let problem = |field, message: String, hint: Option<String>| {
            include_problem(&own_path, &own_text, i, field, &inc.file, message, hint)
        };
        let same_scale = f.scale.bound == own.scale.bound
            && f.scale.bands.len() == own.scale.bands.len()
            && (f.scale.bands.iter().zip(&own.scale.bands))
                .all(|(a, b)| a.name == b.name && a.from == b.from);
        if !same_scale {
            return Err(problem(
                "file",
                format!(
                    "{} has another scale: a composed scenario has one scale, and the included file's numbers mean what they mean on its own",
                    inc_path.display()
                ),
                Some("copy the included file's `scale` into this file".into()),
            ));
        }
        let dynamics =
            |d: &Option<DynamicsFile>| Dynamics::of(d.as_ref().unwrap_or(&DynamicsFile::Decaying));
        if dynamics(&f.dynamics) != dynamics(&own.dynamics) {
            return Err(problem(
                "file",
                format!(
                    "{} moves its relations with {} dynamics, this file with {}",
                    inc_path.display(),
                    dynamics(&f.dynamics),
                    dynamics(&own.dynamics)
                ),
                Some("give this file the included file's `dynamics`".into()),
            ));
        }
        for (k, id) in inc.as_states.iter().enumerate() {
            let is_actor = f.actors.iter().any(|a| a.id == *id);
            let is_state = own.states.iter().any(|s| s.id == *id);
            if !is_actor || !is_state {
                return Err(problem(
                    "as_states",
                    format!(
                        "as_states[{k}]: \"{id}\" must be an actor of {} and a state of this file",
                        inc_path.display()
                    ),
                    Some(if is_actor {
                        format!("declare the state \"{id}\" in this file's `states`")
                    } else {
                        "name an actor the included file declares".into()
                    }),
                ));
            }
            self.promoted.push(id.clone());
        }
        let first = f.prelude.unwrap_or(f.span.0).min(f.span.0);
        self.first = Some(self.first.map_or(first, |d| d.min(first)));
        bind_one_pair(&mut f);
        // The included pairs and their structure.
        let inc_pairs: Vec<PairFile> = if f.pairs.is_empty() {
            let ids: Vec<&String> = f.states.iter().map(|s| &s.id).collect();
            let mut v = Vec::new();
            for a in 0..ids.len() {
                for b in a + 1..ids.len() {
                    v.push((ids[a].clone(), ids[b].clone()));
                }
            }
            v.into_iter()
                .map(|states| PairFile {
                    states,
                    structure: None,
                    reference: None,
                })
                .collect()
        } else {
            f.pairs.clone()
        };
        for mut p in inc_pairs {
            p.structure = Some(p.structure.unwrap_or_else(|| f.structure.clone()));
            // A measured series is relative to the included file's folder.
            p.reference = None;
            self.pairs.push(p);
        }
        for a in f.axes.drain(..) {
            if !self.axes.contains(&a) {
                self.axes.push(a);
            }
        }
        for s in f.sources.drain(..) {
            if !self.sources.contains(&s) {
                self.sources.push(s);
            }
        }
        let mut problems = Vec::new();
        let place = |list: usize, j: usize| {
            let (part, at) = origins.place(&own_origin(0, LISTS[list], j).at);
            Origin {
                part: part + offset,
                at,
            }
        };
        // Actors first: a promoted actor is dropped, and the state declared later takes
        // its id.
        let promoted = self.promoted.clone();
        for (j, x) in f.states.into_iter().enumerate() {
            let o = place(0, j);
            self.declare(Kind::State, &x.id, o.clone(), &mut problems);
            self.origins.0.insert((0, self.states.len()), o);
            self.states.push(x);
        }
        for (j, x) in f.parties.into_iter().enumerate() {
            let o = place(1, j);
            self.declare(Kind::Party, &x.id, o.clone(), &mut problems);
            self.origins.0.insert((1, self.parties.len()), o);
            self.parties.push(x);
        }
        for (j, x) in f.leaders.into_iter().enumerate() {
            let o = place(2, j);
            self.declare(Kind::Leader, &x.id, o.clone(), &mut problems);
            self.origins.0.insert((2, self.leaders.len()), o);
            self.leaders.push(x);
        }
        for (j, x) in f.actors.into_iter().enumerate() {
            let o = place(3, j);
            self.declare(Kind::Actor, &x.id, o.clone(), &mut problems);
            if promoted.contains(&x.id) {
                continue;
            }
            self.origins.0.insert((3, self.actors.len()), o);
            self.actors.push(x);
        }
        for (j, x) in f.events.into_iter().enumerate() {
            let o = place(4, j);
            self.event(&x.id, o.clone(), &mut problems);
            self.origins.0.insert((4, self.events.len()), o);
            self.events.push(x);
        }
        let (start, end) = own.span;
        for (j, mut x) in f.timeline.eras.into_iter().enumerate() {
            if x.to < start || x.from > end {
                continue;
            }
            (x.from, x.to) = (x.from.max(start), x.to.min(end));
            self.origins.0.insert((5, self.eras.len()), place(5, j));
            self.eras.push(x);
        }
        for (j, mut x) in f.timeline.checkpoints.into_iter().enumerate() {
            let to = x.to.unwrap_or(x.from);
            if to < start || x.from > end {
                continue;
            }
            x.from = x.from.max(start);
            x.to = x.to.map(|t| t.min(end));
            self.origins
                .0
                .insert((6, self.checkpoints.len()), place(6, j));
            self.checkpoints.push(x);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError::invalid(&self.parts[0].path, problems))
        }
    }

    fn event(&mut self, id: &str, at: Origin, problems: &mut Vec<Problem>) {
        if let Some(first) = self.event_ids.get(id) {
            let mut p = self.clash(Kind::Event, id, &at, (Kind::Event, first));
            p.subject = Subject::Event(id.to_string(), None);
            problems.push(p);
            return;
        }
        self.event_ids.insert(id.to_string(), at);
    }

    /// Adds the including file's own entries after the included ones and makes the
    /// composed file.
    fn finish(mut self, mut own: ScenarioFile) -> Result<Composed, ScenarioError> {
        let mut problems = Vec::new();
        for (j, x) in std::mem::take(&mut own.states).into_iter().enumerate() {
            let o = own_origin(0, LISTS[0], j);
            if self.promoted.contains(&x.id) {
                self.ids.insert(x.id.clone(), (Kind::State, o.clone()));
            } else {
                self.declare(Kind::State, &x.id, o.clone(), &mut problems);
            }
            self.origins.0.insert((0, self.states.len()), o);
            self.states.push(x);
        }
        for (j, x) in std::mem::take(&mut own.parties).into_iter().enumerate() {
            let o = own_origin(0, LISTS[1], j);
            self.declare(Kind::Party, &x.id, o.clone(), &mut problems);
            self.origins.0.insert((1, self.parties.len()), o);
            self.parties.push(x);
        }
        for (j, x) in std::mem::take(&mut own.leaders).into_iter().enumerate() {
            let o = own_origin(0, LISTS[2], j);
            self.declare(Kind::Leader, &x.id, o.clone(), &mut problems);
            self.origins.0.insert((2, self.leaders.len()), o);
            self.leaders.push(x);
        }
        for (j, x) in std::mem::take(&mut own.actors).into_iter().enumerate() {
            let o = own_origin(0, LISTS[3], j);
            self.declare(Kind::Actor, &x.id, o.clone(), &mut problems);
            self.origins.0.insert((3, self.actors.len()), o);
            self.actors.push(x);
        }
        for (j, x) in std::mem::take(&mut own.events).into_iter().enumerate() {
            let o = own_origin(0, LISTS[4], j);
            self.event(&x.id, o.clone(), &mut problems);
            self.origins.0.insert((4, self.events.len()), o);
            self.events.push(x);
        }
        for (j, x) in std::mem::take(&mut own.timeline.eras)
            .into_iter()
            .enumerate()
        {
            self.origins
                .0
                .insert((5, self.eras.len()), own_origin(0, LISTS[5], j));
            self.eras.push(x);
        }
        for (j, x) in std::mem::take(&mut own.timeline.checkpoints)
            .into_iter()
            .enumerate()
        {
            self.origins
                .0
                .insert((6, self.checkpoints.len()), own_origin(0, LISTS[6], j));
            self.checkpoints.push(x);
        }
        if !problems.is_empty() {
            return Err(ScenarioError::invalid(&self.parts[0].path, problems));
        }
        // Every pair, made explicit so that each included pair keeps its structure.
        let mut pairs: Vec<PairFile> = if own.pairs.is_empty() {
            let ids: Vec<&String> = self.states.iter().map(|s| &s.id).collect();
            let mut v = Vec::new();
            for a in 0..ids.len() {
                for b in a + 1..ids.len() {
                    v.push(PairFile {
                        states: (ids[a].clone(), ids[b].clone()),
                        structure: None,
                        reference: None,
                    });
                }
            }
            v
        } else {
            std::mem::take(&mut own.pairs)
        };
        for inc in &self.pairs {
            let (a, b) = &inc.states;
            if let Some(p) = pairs.iter_mut().find(|p| {
                (&p.states.0 == a && &p.states.1 == b) || (&p.states.0 == b && &p.states.1 == a)
            }) && p.structure.is_none()
            {
                p.structure.clone_from(&inc.structure);
            }
        }
        own.pairs = pairs;
        for a in std::mem::take(&mut own.axes) {
            if !self.axes.contains(&a) {
                self.axes.push(a);
            }
        }
        own.axes = self.axes;
        for s in std::mem::take(&mut own.sources) {
            if !self.sources.contains(&s) {
                self.sources.push(s);
            }
        }
        own.sources = self.sources;
        own.states = self.states;
        own.parties = self.parties;
        own.leaders = self.leaders;
        own.actors = self.actors;
        own.events = self.events;
        own.timeline.eras = self.eras;
        own.timeline.checkpoints = self.checkpoints;
        own.prelude = self.first.filter(|&d| d < own.span.0);
        Ok(Composed {
            file: own,
            parts: self.parts,
            origins: self.origins,
        })
    }
}

/// Binds what a file of one pair leaves unbound to its pair, so that it means the same
/// among other pairs: `State` levels and `Reanchor` without states (in an event's effects
/// and in its readings'), score conditions outside an `On`, and eras and checkpoints
/// without a pair.
fn bind_one_pair(f: &mut ScenarioFile) {
    let pair = match (f.pairs.as_slice(), f.states.as_slice()) {
        ([p], _) => p.states.clone(),
        ([], [a, b]) => (a.id.clone(), b.id.clone()),
        _ => return,
    };
    for e in &mut f.events {
        // A contested event's readings replace its effects: each is bound alike.
        let readings = e.readings.iter_mut().filter_map(|r| r.effects.as_mut());
        for x in e.effects.iter_mut().chain(readings.flatten()) {
            match x {
                EffectFile::Modifier { level, .. } if matches!(level, LevelFile::State) => {
                    *level = LevelFile::States(pair.0.clone(), pair.1.clone());
                }
                EffectFile::Reanchor { states, .. } if states.is_none() => {
                    *states = Some(pair.clone());
                }
                _ => {}
            }
        }
        if let Some(c) = e.when.take() {
            e.when = Some(if bare_score(&c) {
                ConditionFile::On(pair.clone(), Box::new(c))
            } else {
                c
            });
        }
    }
    for era in &mut f.timeline.eras {
        era.pair.get_or_insert_with(|| pair.clone());
    }
    for c in &mut f.timeline.checkpoints {
        c.pair.get_or_insert_with(|| pair.clone());
    }
}

/// Whether a condition reads a score outside any `On`.
fn bare_score(c: &ConditionFile) -> bool {
    match c {
        ConditionFile::ScoreAtLeast(_) | ConditionFile::ScoreBelow(_) | ConditionFile::Band(_) => {
            true
        }
        ConditionFile::On(..)
        | ConditionFile::Rules(..)
        | ConditionFile::InOffice(_)
        | ConditionFile::Happened(_)
        | ConditionFile::After(_)
        | ConditionFile::Before(_) => false,
        ConditionFile::All(v) | ConditionFile::Any(v) => v.iter().any(bare_score),
        ConditionFile::Not(c) => bare_score(c),
    }
}
