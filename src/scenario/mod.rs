//! Scenarios: what a file says ([`mod@file`]), how it is checked ([`validate`]), and the
//! validated [`Scenario`] the engine trusts, plus counterfactual overlays.
//!
//! Loading is two steps. RON text is deserialized into the mirror types of [`mod@file`] (serde,
//! unknown fields rejected, `IMPLICIT_SOME` on). [`validate::validate`] then checks every
//! rule of the format and resolves ids to indices. Nothing downstream re-checks input: a
//! `Scenario` is consistent by construction.

pub mod compose;
pub mod counterfactual;
pub mod error;
pub mod file;
pub mod limits;
pub mod load;
pub mod locate;
pub mod source;
pub mod validate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::date::{Date, Day};
/// Effects carry values drawn on the event's stream; the random module owns them.
pub use crate::random::Value;
pub use error::{Location, Problem, ScenarioError};
use file::ScenarioFile;

/// A validated scenario, made only by validation ([`validate::validate`]: there is no other
/// constructor). The name, title, description and span are private (the title changes only
/// through [`Scenario::with_title`]); the collections are public to read, and nothing
/// outside this module writes them: a variant is a changed file, validated anew.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short machine name, used for the default output folder.
    name: String,
    /// Title for charts and summaries.
    title: String,
    /// What the scenario is about.
    description: String,
    /// First and last day shown (outputs, charts, checkpoints), inclusive.
    span: (Date, Date),
    /// First simulated day: the span's first day, or an earlier one when included files
    /// run a prelude before it (see [`compose`]).
    start: Date,
    /// The relation scale (shared by every pair).
    pub scale: Scale,
    /// Works the scenario draws on.
    pub sources: Vec<String>,
    /// Names of the ideology axes.
    pub axes: Vec<String>,
    /// The states, in file order (two or more).
    pub states: Vec<State>,
    /// The pairs of states whose relations are simulated: every pair of states in file
    /// order (`(0, 1), (0, 2), .., (1, 2), ..`) unless the file declares its pairs, then
    /// those in the file's order. A scenario of two states has exactly one pair.
    pub pairs: Vec<Pair>,
    /// Parties, in file order.
    pub parties: Vec<Party>,
    /// Leaders, in file order.
    pub leaders: Vec<Leader>,
    /// Third parties, in file order.
    pub actors: Vec<Actor>,
    /// Events, in scenario order (which breaks ties between events on the same day).
    pub events: Vec<Event>,
    /// Distinct half-lives of all modifier effects, in days (`f64::INFINITY` for
    /// permanent and dated modifiers). Modifiers sharing a half-life are summed together.
    pub fades: Vec<f64>,
    /// The documented history.
    pub timeline: Timeline,
    /// Most events one run may fire.
    pub max_events: u32,
    /// How events move the relation.
    pub dynamics: Dynamics,
    /// The strategic triangle the file names, if any.
    pub triangle: Option<crate::triangle::Triangle>,
    /// The coupling between the pairs, when it is on (a rate above 0): `None` leaves every
    /// pair to its own events, and the engine computes nothing for it.
    pub coupling: Option<Coupling>,
    /// What is valid but probably not meant (a modifier that can never count), located
    /// in the file where it could be; `check` prints them.
    pub warnings: Vec<Problem>,
    /// The contested events, then the contested checkpoints, in file order: each with
    /// its readings, the first the default.
    pub contested: Vec<Contested>,
    /// The file as read and its path, kept when something is contested, to validate it
    /// anew under other readings ([`Scenario::read`]).
    read_from: Option<Arc<(ScenarioFile, PathBuf)>>,
}

/// An event or a checkpoint that historians read in two or more ways.
#[derive(Clone, Debug, PartialEq)]
pub struct Contested {
    /// What is contested.
    pub item: ContestedItem,
    /// The event's or checkpoint's id.
    pub id: String,
    /// Its readings, the default first (at least two).
    pub readings: Vec<Reading>,
}

/// What a contested reading is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContestedItem {
    /// An event (index into [`Scenario::events`]).
    Event(usize),
    /// A checkpoint (index into the timeline's checkpoints).
    Checkpoint(usize),
}

/// One reading of a contested event or checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// Short machine name, unique within its event or checkpoint.
    pub name: String,
    /// Relative weight when runs draw a reading, positive and finite.
    pub weight: f64,
    /// The historian or work that holds it.
    pub source: String,
}

impl Contested {
    /// The key of its own random stream: `reading of event ID` or `reading of checkpoint
    /// ID` (ids hold no spaces, so no event's stream shares it).
    pub fn stream_key(&self) -> String {
        format!("reading of {}", self.what())
    }

    /// `event "ID"` or `checkpoint "ID"`, for messages.
    pub fn what(&self) -> String {
        match self.item {
            ContestedItem::Event(_) => format!("event {}", self.id),
            ContestedItem::Checkpoint(_) => format!("checkpoint {}", self.id),
        }
    }

    /// The position of the reading named `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.readings.iter().position(|r| r.name == name)
    }
}

/// Days in a year of `Years(x)` (a half-life, a drift): a Julian year.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// How events move a relation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Dynamics {
    /// Each event leaves a modifier that fades with its own half-life or ends on its date;
    /// the score is `M·tanh(raw/M)` of the structural part plus the modifiers.
    #[default]
    Decaying,
    /// Each event moves a persistent level: an event of value v moves a level L toward the
    /// bound B in its direction to `B − (B − L)·exp(−gain·|v|/M)` (gain·v at the middle of
    /// the scale, less near the bound it moves toward); the level drifts toward the
    /// structural part's score with the half-life `drift` (days; infinite for none).
    Accumulating {
        /// Gain, in (0, 10].
        gain: f64,
        /// Half-life of the drift toward the structural part, days (infinite: none).
        drift: f64,
    },
}

impl Dynamics {
    /// The form a file (or `--dynamics`) writes, taken as it is: its numbers are held to
    /// their ranges by validation (or by the flag's parser) before. A drift that ends
    /// (`Until`, `UntilEvent`), which validation refuses, is taken as no drift.
    pub fn of(file: &file::DynamicsFile) -> Dynamics {
        match *file {
            file::DynamicsFile::Decaying => Dynamics::Decaying,
            file::DynamicsFile::Accumulating { gain, ref drift } => Dynamics::Accumulating {
                gain,
                drift: match *drift {
                    file::FadeFile::Days(d) => d,
                    file::FadeFile::Years(y) => y * DAYS_PER_YEAR,
                    file::FadeFile::Permanent
                    | file::FadeFile::Until(_)
                    | file::FadeFile::UntilEvent(_) => f64::INFINITY,
                },
            },
        }
    }

    /// Its name as a scenario file and `--dynamics` write it.
    pub fn name(&self) -> &'static str {
        match self {
            Dynamics::Decaying => "decaying",
            Dynamics::Accumulating { .. } => "accumulating",
        }
    }
}

impl std::fmt::Display for Dynamics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Dynamics::Decaying => f.write_str("decaying"),
            Dynamics::Accumulating { gain, drift } if drift.is_infinite() => {
                write!(f, "accumulating (gain {gain}, no drift)")
            }
            Dynamics::Accumulating { gain, drift } => write!(
                f,
                "accumulating (gain {gain}, drift half-life {} years)",
                (drift / DAYS_PER_YEAR * 1000.0).round() / 1000.0
            ),
        }
    }
}

/// The coupling between the pairs (the friend-of-my-enemy rule, [`crate::coupling`]): each
/// pair's raw score has a coupling term that relaxes, at `rate` per year, toward the mean
/// over third states of the product of the other two pairs' scores, over the bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coupling {
    /// Per year, in (0, [`limits::MAX_COUPLING_RATE`]].
    pub rate: f64,
}

impl std::fmt::Display for Coupling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "coupling between the pairs at {} a year", self.rate)
    }
}

/// The relation scale: the score lies in [-bound, bound].
#[derive(Clone, Debug)]
pub struct Scale {
    /// M, positive.
    pub bound: f64,
    /// Bands from the lowest up; they tile [-M, M].
    pub bands: Vec<Band>,
}

/// A named band [lo, hi) of the scale (the top band includes M).
#[derive(Clone, Debug)]
pub struct Band {
    /// Name, e.g. "friendly".
    pub name: String,
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
}

impl Scale {
    /// Index of the band a score lies in.
    pub fn band_index(&self, score: f64) -> usize {
        self.bands.iter().rposition(|b| score >= b.lo).unwrap_or(0)
    }

    /// Name of the band a score lies in.
    pub fn band(&self, score: f64) -> &str {
        &self.bands[self.band_index(score)].name
    }

    /// Index of a band by name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.bands.iter().position(|b| b.name == name)
    }
}

/// A pair of states whose relation is simulated.
#[derive(Clone, Debug)]
pub struct Pair {
    /// The two states (indices into [`Scenario::states`]), in the order the file names
    /// them; never the same state twice.
    pub states: (usize, usize),
    /// The structural part of this pair's score.
    pub structure: Structure,
    /// A measured series for this pair (a CSV path relative to the scenario's folder), as
    /// the file's `pairs` entry gives it; read by the command line, not by validation.
    pub reference: Option<String>,
}

/// The structural part: `base + affinity * similarity(ruling parties)`.
#[derive(Clone, Copy, Debug)]
pub struct Structure {
    /// Base value, raw scale.
    pub base: f64,
    /// Weight of ideological similarity, raw scale.
    pub affinity: f64,
}

/// A state.
#[derive(Clone, Debug)]
pub struct State {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Names by period, sorted by date.
    pub names: Vec<(Date, String)>,
    /// Index of the party ruling on the first day.
    pub ruling: usize,
    /// The office drawn on the tenure strip.
    pub office: String,
}

impl State {
    /// The state's name on a date.
    pub fn name_on(&self, date: Date) -> &str {
        self.names
            .iter()
            .rev()
            .find(|(d, _)| *d <= date)
            .map_or(&self.name, |(_, n)| n)
    }
}

/// A party or ruling faction.
#[derive(Clone, Debug)]
pub struct Party {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Index of its state.
    pub state: usize,
    /// Position on each axis (same order as [`Scenario::axes`]), in [-1, 1].
    pub ideology: Vec<f64>,
}

/// A leader or office holder.
#[derive(Clone, Debug)]
pub struct Leader {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Short form for narrow strips.
    pub short: String,
    /// Index of their state.
    pub state: usize,
    /// Index of their party.
    pub party: Option<usize>,
    /// Terms, sorted by start.
    pub terms: Vec<Term>,
}

/// A term of office, [from, to).
#[derive(Clone, Debug)]
pub struct Term {
    /// Office held.
    pub office: String,
    /// First day in office.
    pub from: Day,
    /// First day out of office; `None` = beyond the span.
    pub to: Option<Day>,
}

impl Term {
    /// Whether the term covers the day.
    pub fn covers(&self, day: Day) -> bool {
        self.from <= day && self.to.is_none_or(|t| day < t)
    }
}

impl Leader {
    /// Whether any term covers the day.
    pub fn in_office_on(&self, day: Day) -> bool {
        self.terms.iter().any(|t| t.covers(day))
    }
}

/// A third party.
#[derive(Clone, Debug)]
pub struct Actor {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// First day it exists.
    pub from: Option<Day>,
    /// First day it no longer exists.
    pub to: Option<Day>,
}

/// Something an event names: a state, party, leader or third party.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorRef {
    /// Index into [`Scenario::states`].
    State(usize),
    /// Index into [`Scenario::parties`].
    Party(usize),
    /// Index into [`Scenario::leaders`].
    Leader(usize),
    /// Index into [`Scenario::actors`].
    Actor(usize),
}

/// When an event happens.
#[derive(Clone, Debug, PartialEq)]
pub enum Timing {
    /// On its date, give or take `window` days drawn uniformly.
    Dated {
        /// Nominal day.
        date: Date,
        /// Half-width of the date window, days.
        window: u32,
    },
    /// Only when another event schedules it.
    FollowUp,
    /// On a monthly pulse while its guard holds, with mean time to happen `mtth` days.
    Triggered {
        /// Mean time to happen, days, positive.
        mtth: f64,
        /// May fire more than once.
        repeat: bool,
    },
}

/// A validated event.
#[derive(Clone, Debug)]
pub struct Event {
    /// Stable id.
    pub id: String,
    /// When it happens.
    pub timing: Timing,
    /// Short title.
    pub title: String,
    /// Where it is documented.
    pub source: String,
    /// Why its effects are what they are.
    pub note: String,
    /// What it names.
    pub actors: Vec<ActorRef>,
    /// Guard checked on the day.
    pub when: Option<Condition>,
    /// Probability it happens, [0, 1].
    pub chance: f64,
    /// What it does, in order.
    pub effects: Vec<Effect>,
    /// The pairs (indices into [`Scenario::pairs`], ascending) it is logged on: those its
    /// modifiers move, those of the states its other effects change (a ruler, an
    /// ideology, an office), and those of two states it names as actors; every pair when
    /// that leaves none. In a scenario of one pair, always that pair.
    pub pairs: Vec<usize>,
    /// The id of its random stream ([`crate::random::stream_id`] of the event id), so a
    /// stream belongs to the event and not to its position in the file.
    pub stream: u64,
}

impl Event {
    /// The nominal date of a dated event.
    pub fn date(&self) -> Option<Date> {
        match self.timing {
            Timing::Dated { date, .. } => Some(date),
            _ => None,
        }
    }
}

/// Whom a modifier binds within its pair of states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The pair's two states: always counts.
    State,
    /// Two parties (indices): counts while both rule.
    Party(usize, usize),
    /// Two leaders (indices): counts while both are in office.
    Leader(usize, usize),
}

impl Level {
    /// 0 for state, 1 for party, 2 for leader level.
    pub fn rank(self) -> usize {
        match self {
            Level::State => 0,
            Level::Party(..) => 1,
            Level::Leader(..) => 2,
        }
    }

    /// "state", "party" or "leader".
    pub fn name(self) -> &'static str {
        ["state", "party", "leader"][self.rank()]
    }
}

/// A validated effect.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Leave a modifier.
    Modifier {
        /// The pair of states whose relation it moves (index into [`Scenario::pairs`]).
        pair: usize,
        /// Whom within that pair it binds: the states, two parties or two leaders.
        level: Level,
        /// Starting value.
        value: Value,
        /// Index into [`Scenario::fades`].
        fade: usize,
        /// When it stops counting, for modifiers that end (`Until`, `UntilEvent`).
        until: Option<End>,
        /// Label for explanations.
        label: String,
    },
    /// Move a party on an axis.
    Ideology {
        /// Party index.
        party: usize,
        /// Axis index.
        axis: usize,
        /// Signed shift.
        shift: Value,
    },
    /// A party takes power in its state.
    Rule {
        /// State index.
        state: usize,
        /// Party index.
        party: usize,
    },
    /// A leader takes an office.
    TakeOffice {
        /// Leader index.
        leader: usize,
        /// Office.
        office: String,
    },
    /// A leader leaves all offices.
    LeaveOffice {
        /// Leader index.
        leader: usize,
    },
    /// Schedule an event.
    FollowUp {
        /// Event index.
        event: usize,
        /// Delay, days.
        after: u32,
    },
    /// Restart a pair's level (accumulating dynamics only; nothing under decaying).
    Reanchor {
        /// Index into [`Scenario::pairs`].
        pair: usize,
        /// The level to start from, on the scale; `None`, the structural part.
        to: Option<f64>,
    },
}

/// When a modifier stops counting: on a day, or on the day an event happens.
///
/// Ends are ordered by `day`, then by their event: the canonical order of a relation's
/// buckets ([`crate::relation::layout`]) uses it, so an end tied to an event sits where
/// a dated end on the event's nominal date would.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct End {
    /// The first day it no longer counts, for a dated end. For an end tied to an event:
    /// the event's nominal date (as the base scenario wrote it, for a counterfactual's
    /// variant), or `Day::MAX` if it has none; it orders the bucket, nothing more.
    pub day: Day,
    /// For an end tied to an event: the event.
    pub cause: Option<Cause>,
}

impl End {
    /// An end on a day.
    pub fn on(day: Day) -> End {
        End { day, cause: None }
    }

    /// The day it ends on whatever happens: a dated end's day, none for a tied end.
    pub fn fixed(&self) -> Option<Day> {
        self.cause.is_none().then_some(self.day)
    }
}

/// The event an end is tied to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cause {
    /// Its id.
    pub id: String,
    /// Its index, or `None` when a counterfactual removed it: the end never comes, and
    /// the modifier counts to the end of the run.
    pub event: Option<usize>,
}

/// A validated guard.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// State (index) is ruled by party (index).
    Rules(usize, usize),
    /// Leader (index) is in office.
    InOffice(usize),
    /// The score of pair (index) is at least this.
    ScoreAtLeast(usize, f64),
    /// The score of pair (index) is below this.
    ScoreBelow(usize, f64),
    /// The score of pair (index) lies in [lo, hi); the outer bands are open-ended
    /// (±infinity).
    Band(usize, f64, f64),
    /// Event (index) has happened.
    Happened(usize),
    /// On or after this day.
    After(Day),
    /// Before this day.
    Before(Day),
    /// All hold.
    All(Vec<Condition>),
    /// At least one holds.
    Any(Vec<Condition>),
    /// Does not hold.
    Not(Box<Condition>),
}

/// The documented history.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Labelled spans.
    pub eras: Vec<Era>,
    /// Statements of the record, with the range they imply.
    pub checkpoints: Vec<Checkpoint>,
    /// Statements of the record about the triangle's configuration (none without a
    /// triangle).
    pub triangle_checkpoints: Vec<crate::triangle::Checkpoint>,
}

/// A labelled span.
#[derive(Clone, Debug)]
pub struct Era {
    /// The pair it belongs to (index into [`Scenario::pairs`]); `None` for an era of the
    /// whole scenario (every era of a one-pair file that names no pair).
    pub pair: Option<usize>,
    /// Label.
    pub label: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// A checkpoint: every sample in [from, to] should lie in [lo, hi].
#[derive(Clone, Debug)]
pub struct Checkpoint {
    /// Stable id.
    pub id: String,
    /// The pair whose score it judges (index into [`Scenario::pairs`]).
    pub pair: usize,
    /// First day.
    pub from: Date,
    /// Last day (equal to `from` for a single date).
    pub to: Date,
    /// Lowest score that meets it.
    pub lo: f64,
    /// Highest score that meets it.
    pub hi: f64,
    /// The range in words: a band name, "tense to bad", or "-2.0 to 1.0".
    pub expect: String,
    /// The sentence of the source.
    pub quote: String,
    /// Where it stands.
    pub source: String,
}

impl Scenario {
    /// Short machine name, used for the default output folder.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The scenario as runs read it under `choice`, a reading (its position) for each of
    /// [`Scenario::contested`] in order: the file with each chosen reading in place,
    /// validated anew. Every reading was validated alone when the file was loaded; a
    /// combination of readings is validated here.
    pub fn read(&self, choice: &[usize]) -> Result<Scenario, ScenarioError> {
        let Some(from) = &self.read_from else {
            return Ok(self.clone());
        };
        if choice.iter().all(|&r| r == 0) {
            return Ok(self.clone());
        }
        let (file, path) = &**from;
        let mut file = file.clone();
        for (c, &r) in self.contested.iter().zip(choice) {
            validate::put_reading(&mut file, c.item, r);
        }
        validate::validate(file, "", path).map(|s| s.with_title(self.title.clone()))
    }

    /// Title for charts and summaries.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The same scenario under another title, so that everything made from a variant
    /// carries its own name; no rule relates the title to anything else.
    pub fn with_title(mut self, title: String) -> Scenario {
        self.title = title;
        self
    }

    /// What the scenario is about.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// First and last day shown, inclusive: every output starts and ends here.
    pub fn span(&self) -> (Date, Date) {
        self.span
    }

    /// First and last simulated day, inclusive: the span, started earlier when included
    /// files run a prelude (their events before the span), which nothing shows.
    pub fn simulated(&self) -> (Date, Date) {
        (self.start, self.span.1)
    }

    /// The relation scale.
    pub fn scale(&self) -> &Scale {
        &self.scale
    }

    /// The pairs of states whose relations are simulated.
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// The pair of two states (indices), in either order, if the scenario models it.
    pub fn pair_of(&self, a: usize, b: usize) -> Option<usize> {
        self.pairs
            .iter()
            .position(|p| p.states == (a, b) || p.states == (b, a))
    }

    /// A pair's key in files and on the command line: its states' ids joined by `/`
    /// (`china/soviet_union`); `/` is not allowed in ids, so the key is unambiguous.
    pub fn pair_key(&self, pair: usize) -> String {
        let (a, b) = self.pairs[pair].states;
        format!("{}/{}", self.states[a].id, self.states[b].id)
    }

    /// A pair's name for people: its states' names joined by an en dash
    /// ("China – Soviet Union").
    pub fn pair_name(&self, pair: usize) -> String {
        let (a, b) = self.pairs[pair].states;
        format!("{} – {}", self.states[a].name, self.states[b].name)
    }

    /// The pair a key names (`a/b` or `b/a`), if the scenario models it.
    pub fn find_pair(&self, key: &str) -> Option<usize> {
        let (a, b) = key.split_once('/')?;
        let state = |id: &str| self.states.iter().position(|s| s.id == id);
        self.pair_of(state(a)?, state(b)?)
    }

    /// Works the scenario draws on.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Names of the ideology axes.
    pub fn axes(&self) -> &[String] {
        &self.axes
    }

    /// The states, in file order.
    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// Parties, in file order.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// Leaders, in file order.
    pub fn leaders(&self) -> &[Leader] {
        &self.leaders
    }

    /// Third parties, in file order.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// Events, in scenario order (which breaks ties between events on the same day).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Distinct half-lives of all modifier effects, in days (`f64::INFINITY` for
    /// permanent and dated modifiers); an effect's `fade` indexes them.
    pub fn fades(&self) -> &[f64] {
        &self.fades
    }

    /// The documented history.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The strategic triangle the file names, if any.
    pub fn triangle(&self) -> Option<&crate::triangle::Triangle> {
        self.triangle.as_ref()
    }

    /// Most events one run may fire.
    pub fn max_events(&self) -> u32 {
        self.max_events
    }

    /// What is valid but probably not meant, located in the file where it could be;
    /// `check` prints them.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Loads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        load::scenario(path).map(|l| l.scenario)
    }

    /// Parses and validates scenario text; `path` is used in messages.
    pub fn from_str(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        load::scenario_text(text, path).map(|(_, scenario)| scenario)
    }

    /// The index of an event by id.
    pub fn event_index(&self, id: &str) -> Option<usize> {
        self.events.iter().position(|e| e.id == id)
    }

    /// Every leader's index with their terms in the state's strip office.
    pub fn strip(&self, state: usize) -> Vec<(usize, &Term)> {
        let office = &self.states[state].office;
        let mut out: Vec<(usize, &Term)> = self
            .leaders
            .iter()
            .enumerate()
            .filter(|(_, l)| l.state == state)
            .flat_map(|(i, l)| l.terms.iter().map(move |t| (i, t)))
            .filter(|(_, t)| &t.office == office)
            .collect();
        out.sort_by_key(|(_, t)| t.from);
        out
    }
}

impl ScenarioFile {
    /// Parses scenario text into what the file says, without validating it; `path` is
    /// used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<ScenarioFile, ScenarioError> {
        source::parse(text, path)
    }
}
