//! What a scenario file says: serde types that mirror the RON text one to one.
//!
//! Nothing here is trusted. Unknown fields are rejected by serde; every other rule
//! (references, dates, ranges, cycles) is checked by [`super::validate`], which turns a
//! [`ScenarioFile`] into a [`super::Scenario`]. Files are parsed with RON's
//! `IMPLICIT_SOME` extension, so an optional field is written bare (`chance: 0.5`), never
//! `Some(0.5)`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub struct ScenarioFile {
    /// Short machine name, used for the default output folder (`output/<name>/`).
    pub name: String,
    /// Title for charts and summaries.
    pub title: String,
    /// What the scenario is about, for the reader of the file.
    #[serde(default)]
    pub description: String,
    /// First and last simulated day, inclusive.
    pub span: (Date, Date),
    /// The relation scale: its bound and its named bands.
    pub scale: ScaleFile,
    /// The structural part of the score: base value and ideological affinity, for every
    /// pair that does not give its own in `pairs`.
    pub structure: StructureFile,
    /// Works the scenario draws on, cited by events' `source` fields.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Ideology axes the parties are placed on, each from -1 to 1.
    pub axes: Vec<String>,
    /// Two or more states.
    pub states: Vec<StateFile>,
    /// The pairs of states whose relations are simulated. Left out (or empty): every pair
    /// of states, in file order. Given: exactly these, in this order, each with its own
    /// structural part or reference where it gives one.
    #[serde(default)]
    pub pairs: Vec<PairFile>,
    /// Parties (and ruling factions) of either state.
    pub parties: Vec<PartyFile>,
    /// Leaders and office holders with their terms.
    #[serde(default)]
    pub leaders: Vec<LeaderFile>,
    /// Third parties that events name.
    #[serde(default)]
    pub actors: Vec<ActorFile>,
    /// Dated, follow-up and triggered events, in scenario order.
    pub events: Vec<EventFile>,
    /// The documented history the run is drawn against.
    #[serde(default)]
    pub timeline: TimelineFile,
    /// Most events one run may fire before it is stopped as a runaway.
    #[serde(default)]
    pub max_events: Option<u32>,
    /// How events move the relation: `Decaying` (the default: each event leaves a
    /// modifier that fades or ends, on top of the structural part) or `Accumulating` (each
    /// event moves a persistent level).
    #[serde(default)]
    pub dynamics: Option<DynamicsFile>,
    /// The coupling between the pairs (the friend-of-my-enemy rule): `(rate: 0.5)`, a rate
    /// per year; left out or 0, the pairs are independent.
    #[serde(default)]
    pub coupling: Option<CouplingFile>,
    /// A measured series (CSV `date,score[,label]`, or `date,pair,score[,label]` with a
    /// series per pair; relative to this file's folder) that
    /// `run`, `ensemble`, `compare` and `fit` set beside the runs when no `--reference`
    /// is given. Read by the command line, not by validation.
    #[serde(default)]
    pub reference: Option<String>,
    /// Three states whose relations are read as a strategic triangle: a configuration
    /// strip under the run chart, `triangle.csv`, and triangle checkpoints.
    #[serde(default)]
    pub triangle: Option<TriangleFile>,
    /// The nominal date (`None`: no date of its own) of every event of the scenario this
    /// one was changed from, by id: set by a counterfactual's changes, never read from a
    /// file. An end tied to an event (`UntilEvent`) keeps its place among the buckets by
    /// its event's date here, and stays valid (an event that never comes) when a change
    /// removes its event.
    #[serde(skip)]
    pub base_dates: BTreeMap<String, Option<Date>>,
    /// Other scenario files whose states, parties, leaders, actors, events and timeline
    /// this one takes (paths relative to this file's folder): see
    /// [`super::compose`]. Emptied by composition, so a composed file has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<IncludeFile>,
    /// The first simulated day when it comes before the span's: the earliest first day of
    /// the included files, whose events before `span` run as a prelude that nothing
    /// shows. Set by composition, never read from a file.
    #[serde(skip)]
    pub prelude: Option<Date>,
}

/// One included scenario file.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Include")]
pub struct IncludeFile {
    /// The file, relative to the including file's folder.
    pub file: String,
    /// Actors of the included file that the including file declares as states (same
    /// id): the included events that name the actor then name the state.
    #[serde(default)]
    pub as_states: Vec<String>,
}

/// How events move the relation (see the model's documentation).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename = "Dynamics")]
pub enum DynamicsFile {
    /// Each event leaves a modifier that fades with its own half-life or ends on its
    /// date; the score is `M·tanh(raw/M)` of the structural part plus the modifiers.
    Decaying,
    /// Each event moves a persistent level by an amount that shrinks as the level nears
    /// the bound in the direction of the move; the level drifts toward the structural
    /// part with one half-life (or never: `Permanent`).
    Accumulating {
        /// The move of an event of value v at the middle of the scale is gain·v; in (0, 10].
        gain: f64,
        /// The drift's half-life: `Days(..)`, `Years(..)` or `Permanent` (no drift).
        drift: FadeFile,
    },
}

/// The coupling between the pairs: each pair's score drifts, at `rate` per year, toward
/// the mean over third states of the product of the other two pairs' scores (see the
/// model's documentation).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Coupling")]
pub struct CouplingFile {
    /// Per year, in [0, 12]; 0 is no coupling.
    pub rate: f64,
}

/// The relation scale.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Scale")]
pub struct ScaleFile {
    /// M: the score lies in [-M, M]. Must be positive.
    pub bound: f64,
    /// Named bands from the lowest up; each starts at `from` and ends where the next
    /// starts (the last at +M). The first must start at -M.
    pub bands: Vec<BandFile>,
}

/// One named band of the scale.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Band")]
pub struct BandFile {
    /// Band name, e.g. "friendly".
    pub name: String,
    /// Lower edge, on the scale.
    pub from: f64,
}

/// The structural part: `base + affinity * similarity(ruling parties)`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Structure")]
pub struct StructureFile {
    /// Base value on the raw scale.
    pub base: f64,
    /// Weight of ideological similarity; similarity runs from -1 (opposite corners of the
    /// ideology space) to +1 (identical).
    pub affinity: f64,
}

/// A pair of states whose relation is simulated.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Pair")]
pub struct PairFile {
    /// The two states' ids, e.g. `("us", "ussr")`.
    pub states: (String, String),
    /// This pair's structural part; the scenario's `structure` when left out.
    #[serde(default)]
    pub structure: Option<StructureFile>,
    /// This pair's measured series (CSV `date,score[,label]`, relative to this file's
    /// folder), as the scenario's `reference` is for a one-pair file.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A state.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "State")]
pub struct StateFile {
    /// Stable id, e.g. "china".
    pub id: String,
    /// Display name.
    pub name: String,
    /// Names by period: each applies from its date on (for charts and summaries).
    #[serde(default)]
    pub names: Vec<(Date, String)>,
    /// Party (or faction) in power on the span's first day.
    pub ruling: String,
    /// The office whose holders are drawn on the state's tenure strip, e.g. "leader".
    #[serde(default = "default_office")]
    pub office: String,
}

/// A party or ruling faction.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Party")]
pub struct PartyFile {
    /// Stable id, e.g. "ccp".
    pub id: String,
    /// Display name.
    pub name: String,
    /// The state it belongs to.
    pub state: String,
    /// Position on each axis, in [-1, 1]; an axis left out is 0. An axis given twice is
    /// an error, not a silent choice of one of the two.
    #[serde(default, deserialize_with = "unique_keys")]
    pub ideology: BTreeMap<String, f64>,
}

/// A leader or office holder.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Leader")]
pub struct LeaderFile {
    /// Stable id, e.g. "mao".
    pub id: String,
    /// Display name.
    pub name: String,
    /// Short form for narrow strips; defaults to initials.
    #[serde(default)]
    pub short: Option<String>,
    /// The state they serve.
    pub state: String,
    /// Their party, if any.
    #[serde(default)]
    pub party: Option<String>,
    /// Terms in office, each (from, to) inclusive of `from`, exclusive of `to`.
    pub terms: Vec<TermFile>,
}

/// One term of office.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Term")]
pub struct TermFile {
    /// Office held, e.g. "leader", "foreign_minister". Terms in one office of one state
    /// may not overlap.
    #[serde(default = "default_office")]
    pub office: String,
    /// First day in office.
    pub from: Date,
    /// Day they left office (no longer in office from this day); none = beyond the span.
    #[serde(default)]
    pub to: Option<Date>,
}

/// A map whose keys must all differ: serde's own map keeps the last of two equal keys.
fn unique_keys<'de, D>(d: D) -> Result<BTreeMap<String, f64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = BTreeMap<String, f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of axis names to numbers")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = m.next_entry::<String, f64>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "the axis \"{k}\" is given twice in this ideology"
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}

fn default_office() -> String {
    "leader".to_string()
}

/// A third party named by events.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Actor")]
pub struct ActorFile {
    /// Stable id, e.g. "japan".
    pub id: String,
    /// Display name.
    pub name: String,
    /// First day it exists, if it begins inside the span.
    #[serde(default)]
    pub from: Option<Date>,
    /// First day it no longer exists, if it ends inside the span.
    #[serde(default)]
    pub to: Option<Date>,
}

/// An event: dated, a follow-up of another, or triggered by a condition.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Event")]
pub struct EventFile {
    /// Stable id, e.g. "treaty_1950".
    pub id: String,
    /// The day it happens. Leave out for follow-ups and triggered events.
    #[serde(default)]
    pub date: Option<Date>,
    /// Uncertain date: the actual day is drawn uniformly within this many days either side.
    #[serde(default)]
    pub window: Option<u32>,
    /// Short title for charts and logs.
    pub title: String,
    /// Where this is said: section of the seed article, reference number, or work.
    pub source: String,
    /// Why the effects have their sign, size and persistence.
    #[serde(default)]
    pub note: String,
    /// Ids of the states, parties, leaders and actors involved.
    #[serde(default)]
    pub actors: Vec<String>,
    /// Guard checked on the day: an unmet guard means the event does not happen.
    #[serde(default)]
    pub when: Option<ConditionFile>,
    /// Probability it happens, in [0, 1]; default 1.
    #[serde(default)]
    pub chance: Option<f64>,
    /// Triggered events: mean time to happen, in days, while `when` holds. Checked on the
    /// first of every month with probability 1 - exp(-days_in_month / mtth).
    #[serde(default)]
    pub mtth: Option<f64>,
    /// Triggered events: may fire more than once.
    #[serde(default)]
    pub repeat: bool,
    /// What happens, in order.
    #[serde(default)]
    pub effects: Vec<EffectFile>,
    /// Contested readings of what happened: two or more, the first being the event as
    /// written above (the default, which `run` takes), each later one replacing its
    /// effects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<ReadingFile>,
}

/// One reading of a contested event: named, weighted and sourced; `effects`, when given,
/// replace the event's (the first reading gives none: it is the event as written).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Reading")]
pub struct ReadingFile {
    /// Short machine name, unique within the event, e.g. "stalin_restrained".
    pub name: String,
    /// Relative weight of the reading when runs draw one: positive and finite.
    pub weight: f64,
    /// The historian or work that holds this reading.
    pub source: String,
    /// Why the reading's effects are what they are.
    #[serde(default)]
    pub note: String,
    /// What happens under this reading, in place of the event's effects.
    #[serde(default)]
    pub effects: Option<Vec<EffectFile>>,
}

/// One reading of a contested checkpoint: named, weighted and sourced; `expect`, when
/// given, replaces the checkpoint's range, and `quote` its sentence (the first reading
/// gives neither: it is the checkpoint as written).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Reading")]
pub struct CheckpointReadingFile {
    /// Short machine name, unique within the checkpoint.
    pub name: String,
    /// Relative weight of the reading when runs draw one: positive and finite.
    pub weight: f64,
    /// The historian or work that holds this reading.
    pub source: String,
    /// The sentence of the source that says so.
    #[serde(default)]
    pub quote: Option<String>,
    /// The range this reading expects, in place of the checkpoint's.
    #[serde(default)]
    pub expect: Option<ExpectFile>,
}

/// A number, fixed or drawn from a distribution on the event's own random stream.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ValueFile {
    /// A fixed value.
    Fixed(f64),
    /// A drawn value.
    Drawn(Distribution),
}

/// A value distribution.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub enum Distribution {
    /// Uniform on [low, high].
    Uniform(f64, f64),
    /// Normal with mean and standard deviation.
    Normal(f64, f64),
}

/// Whom a modifier binds. Its pair of states is the one of the two parties or leaders it
/// names, or the one `States` names; `State` names the scenario's only pair.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename = "Level")]
pub enum LevelFile {
    /// Between the two states of a scenario of one pair: always counts.
    State,
    /// Between these two states (ids): always counts.
    States(String, String),
    /// Between two parties: counts while both rule their states.
    Party(String, String),
    /// Between two leaders: counts while both are in office.
    Leader(String, String),
}

/// How a modifier fades.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename = "Fade")]
pub enum FadeFile {
    /// Halves every this many days.
    Days(f64),
    /// Halves every this many years (365.25 days).
    Years(f64),
    /// Never fades.
    Permanent,
    /// Full value until this day, then nothing.
    Until(Date),
    /// Full value until the named event happens, then nothing from that day on; to the
    /// end of the run if it never happens.
    UntilEvent(String),
}

/// What an event does.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Effect")]
pub enum EffectFile {
    /// Leave a modifier on the relation.
    Modifier {
        /// State, party or leader level.
        level: LevelFile,
        /// Signed starting value on the raw scale.
        value: ValueFile,
        /// How it fades.
        fade: FadeFile,
        /// Short label for explanations; defaults to the event's title.
        #[serde(default)]
        label: Option<String>,
    },
    /// Move a party on an ideology axis (the result is clamped to [-1, 1]).
    Ideology {
        /// The party.
        party: String,
        /// The axis.
        axis: String,
        /// Signed shift.
        shift: ValueFile,
    },
    /// A party takes power in its state.
    Rule {
        /// The state.
        state: String,
        /// The party that now rules it.
        party: String,
    },
    /// A leader takes an office.
    TakeOffice {
        /// The leader.
        leader: String,
        /// The office; default "leader".
        #[serde(default = "default_office")]
        office: String,
    },
    /// A leader leaves all offices.
    LeaveOffice {
        /// The leader.
        leader: String,
    },
    /// Schedule another event after a delay.
    FollowUp {
        /// The event to schedule (one with no date of its own).
        event: String,
        /// Delay in days (0 = later the same day).
        after: u32,
    },
    /// Restart a relation's level (a new state, a revolution): under `Accumulating`
    /// dynamics, the events before it stop counting and the level starts again from the
    /// structural part, or from `to`. Under `Decaying` dynamics it changes nothing.
    Reanchor {
        /// The pair of states (ids); may be left out in a file of one pair.
        #[serde(default)]
        states: Option<(String, String)>,
        /// The level to start from, on the scale; left out, the structural part.
        #[serde(default)]
        to: Option<f64>,
    },
}

/// A guard on an event.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename = "Condition")]
pub enum ConditionFile {
    /// The state is ruled by the party.
    Rules(String, String),
    /// The leader is in office.
    InOffice(String),
    /// The score is at least this (the pair of the enclosing `On`, or the only pair).
    ScoreAtLeast(f64),
    /// The score is below this.
    ScoreBelow(f64),
    /// The score lies in the named band.
    Band(String),
    /// The score conditions inside are about this pair of states (ids).
    On((String, String), Box<ConditionFile>),
    /// The event has happened.
    Happened(String),
    /// On or after this day.
    After(Date),
    /// Before this day.
    Before(Date),
    /// All hold.
    All(Vec<ConditionFile>),
    /// At least one holds.
    Any(Vec<ConditionFile>),
    /// Does not hold.
    Not(Box<ConditionFile>),
}

/// The documented timeline.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Timeline")]
pub struct TimelineFile {
    /// Labelled spans for the chart.
    #[serde(default)]
    pub eras: Vec<EraFile>,
    /// What the documented history says the relation was, and when.
    #[serde(default)]
    pub checkpoints: Vec<CheckpointFile>,
    /// What the literature says the triangle's configuration was, and when (the file
    /// needs a `triangle`).
    #[serde(default)]
    pub triangle_checkpoints: Vec<TriangleCheckpointFile>,
}

/// An era.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Era")]
pub struct EraFile {
    /// The pair of states (ids) it belongs to; left out, the whole scenario's.
    #[serde(default)]
    pub pair: Option<(String, String)>,
    /// Label drawn on the chart.
    pub label: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// A checkpoint: the relation on a date or across a span lies in a range.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Checkpoint")]
pub struct CheckpointFile {
    /// Stable id.
    pub id: String,
    /// The pair of states (ids) whose score it judges; may be left out in a file of one
    /// pair.
    #[serde(default)]
    pub pair: Option<(String, String)>,
    /// First day.
    pub from: Date,
    /// Last day; none = only `from`.
    #[serde(default)]
    pub to: Option<Date>,
    /// The range: a band name, or explicit bounds.
    pub expect: ExpectFile,
    /// The sentence of the source that says so.
    pub quote: String,
    /// Where the quote stands.
    pub source: String,
    /// Contested readings of the record: two or more, the first being the checkpoint as
    /// written above (the default), each later one replacing its range.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<CheckpointReadingFile>,
}

/// The range a checkpoint expects.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename = "Expect")]
pub enum ExpectFile {
    /// Inside one named band.
    Band(String),
    /// From the bottom of the first band to the top of the second.
    Bands(String, String),
    /// Between two scores.
    Range(f64, f64),
}

/// The strategic triangle of three states.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Triangle")]
pub struct TriangleFile {
    /// The three states' ids; every pair of them must be modelled.
    pub states: (String, String, String),
    /// The levels reading's dead band, on the scale, in (0, bound); default 1.0.
    #[serde(default)]
    pub dead_band: Option<f64>,
    /// The trend reading's dead band, score points over 12 months, in (0, bound);
    /// default 0.5.
    #[serde(default)]
    pub trend_dead_band: Option<f64>,
    /// The shortest run of one configuration kept, months, at least 1; default 6.
    #[serde(default)]
    pub dwell_months: Option<u32>,
}

/// Which reading of the triangle a checkpoint judges.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename = "Reading")]
pub enum StripReadingFile {
    /// From the monthly scores.
    Levels,
    /// From each score's change over the last 12 months.
    Trend,
}

/// A configuration of the triangle, with the states its roles single out.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename = "Configuration")]
pub enum ConfigurationFile {
    /// + + +: three friends.
    MenageATrois,
    /// + + −: a pivot friends with two wings that are foes.
    RomanticTriangle {
        /// The pivot's id.
        pivot: String,
    },
    /// + − −: two partners and an outcast.
    StableMarriage {
        /// The two partners' ids.
        partners: (String, String),
    },
    /// − − −: three foes.
    UnitVeto,
}

/// A triangle checkpoint: one reading (`reading`, `expect`, `quote`, `source`), or, where
/// the literature is contested, several (`readings`).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "TriangleCheckpoint")]
pub struct TriangleCheckpointFile {
    /// Stable id, distinct from every other checkpoint's.
    pub id: String,
    /// First day.
    pub from: Date,
    /// Last day; none = only `from`'s month.
    #[serde(default)]
    pub to: Option<Date>,
    /// The reading judged; default `Levels`.
    #[serde(default)]
    pub reading: Option<StripReadingFile>,
    /// The configuration expected.
    #[serde(default)]
    pub expect: Option<ConfigurationFile>,
    /// The sentence of the source that says so.
    #[serde(default)]
    pub quote: Option<String>,
    /// Where the quote stands.
    #[serde(default)]
    pub source: Option<String>,
    /// The contested form: two or more readings, each reported met or not.
    #[serde(default)]
    pub readings: Vec<TriangleReadingFile>,
}

/// One reading of a contested triangle checkpoint.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "TriangleReading")]
pub struct TriangleReadingFile {
    /// Its name, e.g. "Kissinger's design".
    pub name: String,
    /// The reading judged.
    pub reading: StripReadingFile,
    /// The configuration expected.
    pub expect: ConfigurationFile,
    /// The sentence of the source that says so.
    pub quote: String,
    /// Where the quote stands.
    pub source: String,
}
