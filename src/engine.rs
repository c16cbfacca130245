//! The engine: a (day, sequence) queue popped by a loop outside the ECS, one schedule run
//! per item, and closed-form fading in between.
//!
//! ## Order
//! - Time is whole days. The queue is ordered by (day, sequence): a total order, FIFO on the
//!   same day. At the start of a run the sequence is given to term ends, then term starts
//!   (each in leader and term order), then dated events in scenario order; follow-ups and
//!   triggered events get the next number when they are scheduled, so they come after
//!   everything already due that day.
//! - On the first of each month, after the day's queued items, triggered events are
//!   checked (the pulse) in scenario order; those that fire are queued on the same day and
//!   processed before the day's sample is taken. Samples read the score at the end of the
//!   day. An event whose guard's own dates (`After`, `Before`, alone or in an `All`) rule
//!   out the day, or that cannot repeat and has fired, is not looked at: its guard could
//!   not hold, so it would draw nothing.
//! - One step runs these systems, chained: `advance_relation`, `apply_due_events`,
//!   `change_rulers`, `shift_ideologies`, `change_offices`, `spawn_modifiers`,
//!   `refresh_relation`, `record_events`, and `rotate_messages`, which retires the step's
//!   messages. All effects of one event take place together.
//!
//! ## Randomness
//! Every draw comes from the stream of the event that makes it: a `ChaCha8Rng` seeded with
//! `seed_from_u64(run seed)` and switched to stream `FNV-1a-64(event id)` with
//! `set_stream`. An event draws, in this order: its date offset (at the start of the run,
//! if it has a window); on each monthly pulse while its guard holds (triggered events),
//! whether it fires; its chance (if below 1); then each drawn value in effect order.
//! Removing, moving or adding an event therefore leaves every other event's draws as they
//! were (common random numbers).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use bevy_ecs::message::Messages;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

use crate::date::{Date, Day};
use crate::model::*;
use crate::record::{Run, Sample};
use crate::scenario::{Condition, Effect, Level, Scenario, Timing, Value};
use crate::score;

/// Why a run stopped.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RunError {
    /// More events fired than the scenario allows: a chain of follow-ups or a repeating
    /// triggered event that runs away.
    #[error(
        "the run fired more than {limit} events (the last was \"{event}\" on {date}): a follow-up chain or repeating triggered event runs away; check its guards, or raise `max_events` (at most {})",
        crate::scenario::limits::MAX_EVENTS_PER_RUN
    )]
    Runaway {
        /// The most events allowed.
        limit: u32,
        /// Id of the event that crossed the limit.
        event: String,
        /// Its date.
        date: Date,
    },
}

/// The schedule of one step.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct Step;

/// The scenario, with the indices the systems look things up in; shared read-only.
#[derive(Resource, Clone)]
struct Script {
    scenario: Arc<Scenario>,
    buckets: BucketIndex,
    roster: Roster,
}

/// Where each modifier goes, and which buckets each party and leader gates.
#[derive(Clone, Debug)]
pub struct BucketIndex {
    /// For each event and effect, the bucket its modifier is summed in (`usize::MAX` for
    /// effects that are not modifiers).
    pub of_effect: Vec<Vec<usize>>,
    /// For each party, the buckets of the party-level pairs it is in.
    pub of_party: Vec<Vec<usize>>,
    /// For each leader, the buckets of the leader-level pairs they are in.
    pub of_leader: Vec<Vec<usize>>,
}

/// The entity of each state, party and leader, by scenario index.
#[derive(Clone)]
struct Roster {
    states: Vec<Entity>,
    parties: Vec<Entity>,
    leaders: Vec<Entity>,
}

/// A scenario assembled into a world and a schedule, ready to run any number of times.
/// Reuse one per thread: building it costs more than a run.
pub struct Simulation {
    scenario: Arc<Scenario>,
    world: World,
    schedule: Schedule,
    /// Sample days in order.
    samples: Vec<SampleDay>,
    /// Triggered events, in scenario order.
    triggered: Vec<Trigger>,
    /// Triggered events (indices into `triggered`) by the first day their guard's dates
    /// allow.
    opening: Vec<usize>,
    /// During a run: how many of `opening` have opened, and the triggered events open and
    /// not yet spent (indices into `triggered`, in scenario order).
    opened: usize,
    watching: Vec<usize>,
    /// Triggered events whose guards hold on a pulse (indices into `triggered`).
    candidates: Vec<usize>,
    queue: Queue,
    states: Vec<Entity>,
    parties: Vec<Entity>,
    leaders: Vec<Entity>,
}

impl Simulation {
    /// Assembles the world for a scenario. Samples are taken on the first of every month
    /// of the span and on every checkpoint's first and last day.
    pub fn new(scenario: &Scenario) -> Simulation {
        Simulation::with_days(scenario, &[])
    }

    /// As [`Simulation::new`], with extra sample days (e.g. a date to explain).
    pub fn with_days(scenario: &Scenario, extra: &[Day]) -> Simulation {
        let scenario = Arc::new(scenario.clone());
        let (start, end) = scenario.span;
        let mut samples: Vec<(Day, bool)> = Date::month_starts(start, end)
            .into_iter()
            .map(|d| (d.day(), true))
            .collect();
        let mut others: Vec<Day> = scenario
            .timeline
            .checkpoints
            .iter()
            .flat_map(|c| [c.from.day(), c.to.day()])
            .chain(extra.iter().copied())
            .filter(|d| (start.day()..=end.day()).contains(d))
            .collect();
        others.sort_unstable();
        others.dedup();
        for d in others {
            if samples.binary_search(&(d, true)).is_err() {
                samples.push((d, false));
            }
        }
        samples.sort_unstable_by_key(|&(d, monthly)| (d, !monthly));
        samples.dedup_by_key(|s| s.0);
        let samples = samples
            .into_iter()
            .map(|(day, monthly)| SampleDay {
                day,
                monthly,
                month: if monthly {
                    Date::from_day(day).next_month_start().day() - day
                } else {
                    0
                },
            })
            .collect();

        let (buckets, index) = bucket_layout(&scenario);

        let mut world = World::new();
        world.init_resource::<Messages<Fired>>();
        world.init_resource::<Messages<Change>>();
        let states: Vec<Entity> = (0..scenario.states.len())
            .map(|i| {
                world
                    .spawn((StateIdx(i), Ruling(scenario.states[i].ruling)))
                    .id()
            })
            .collect();
        let parties: Vec<Entity> = scenario
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                world
                    .spawn((PartyIdx(i), Ideology(p.ideology.clone())))
                    .id()
            })
            .collect();
        let leaders: Vec<Entity> = (0..scenario.leaders.len())
            .map(|i| world.spawn((LeaderIdx(i), Offices::default())).id())
            .collect();
        for i in 0..scenario.actors.len() {
            world.spawn(ActorIdx(i));
        }
        world.insert_resource(Script {
            scenario: scenario.clone(),
            buckets: index,
            roster: Roster {
                states: states.clone(),
                parties: parties.clone(),
                leaders: leaders.clone(),
            },
        });
        world.insert_resource(Relation::new(
            buckets,
            scenario.fades.clone(),
            &scenario.scale,
        ));
        world.insert_resource(Today::default());
        world.insert_resource(Streams::default());
        world.insert_resource(Status::default());
        world.insert_resource(Log::default());

        let mut schedule = Schedule::new(Step);
        schedule.set_executor(SingleThreadedExecutor::new());
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..Default::default()
        });
        schedule.add_systems(
            (
                advance_relation,
                apply_due_events,
                change_rulers,
                shift_ideologies,
                change_offices,
                spawn_modifiers,
                refresh_relation,
                record_events,
                rotate_messages,
            )
                .chain(),
        );
        let triggered = scenario
            .events
            .iter()
            .enumerate()
            .filter_map(|(event, e)| match e.timing {
                Timing::Triggered { mtth, repeat } => Some(Trigger {
                    event,
                    repeat,
                    chance: std::array::from_fn(|k| {
                        let month = f64::from(28 + k as i32);
                        1.0 - (-month / mtth).exp()
                    }),
                    dates: e.when.as_ref().map_or((Day::MIN, Day::MAX), dates),
                }),
                _ => None,
            })
            .collect::<Vec<_>>();
        let mut opening: Vec<usize> = (0..triggered.len()).collect();
        opening.sort_by_key(|&k| triggered[k].dates.0);
        Simulation {
            scenario,
            world,
            schedule,
            samples,
            triggered,
            opening,
            opened: 0,
            watching: Vec::new(),
            candidates: Vec::new(),
            queue: Queue::default(),
            states,
            parties,
            leaders,
        }
    }

    /// The scenario this simulation runs.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// One run with a seed: every sample day and every event that fired.
    pub fn run(&mut self, seed: u64) -> Result<Run, RunError> {
        let mut run = Run::new(seed);
        run.samples.reserve_exact(self.samples.len());
        self.simulate(seed, self.scenario.span.1.day(), &mut run)?;
        Ok(run)
    }

    /// Runs up to the end of `day` and lists every modifier with its value that day.
    pub fn explain(&mut self, seed: u64, day: Day) -> Result<Snapshot, RunError> {
        let mut run = Run::new(seed);
        self.simulate(seed, day, &mut run)?;
        self.world.resource_mut::<Relation>().advance(day);
        let relation = self.world.resource::<Relation>().clone();
        let status = self.world.resource::<Status>().clone();
        let mut q = self.world.query::<&Modifier>();
        let mut modifiers: Vec<(Modifier, bool)> = q
            .iter(&self.world)
            .map(|m| {
                let b = &relation.buckets()[m.bucket];
                let counts = b.counts() && m.until.is_none_or(|u| day < u);
                (m.clone(), counts)
            })
            .collect();
        modifiers.sort_by_key(|(m, _)| (m.start, m.source, m.effect));
        let ideologies = self
            .parties
            .iter()
            .map(|&e| {
                self.world
                    .get::<Ideology>(e)
                    .map_or(Vec::new(), |i| i.0.clone())
            })
            .collect();
        Ok(Snapshot {
            day,
            parts: relation.parts(),
            ruling: status.ruling,
            in_office: status.in_office,
            ideologies,
            modifiers,
            run,
        })
    }

    /// Puts the world back to the span's first day and fills the queue for `seed`.
    fn reset(&mut self, seed: u64) {
        let sc = &*self.scenario;
        let start = sc.span.0.day();
        let end = sc.span.1.day();
        self.world.despawn_all::<With<Modifier>>();
        // The components are set in place: inserting them anew goes through bevy's bundle
        // machinery for every entity.
        for (i, &e) in self.states.iter().enumerate() {
            if let Some(mut ruling) = self.world.get_mut::<Ruling>(e) {
                ruling.0 = sc.states[i].ruling;
            }
        }
        for (i, &e) in self.parties.iter().enumerate() {
            if let Some(mut ideology) = self.world.get_mut::<Ideology>(e) {
                ideology.0.clone_from(&sc.parties[i].ideology);
            }
        }
        for (i, &e) in self.leaders.iter().enumerate() {
            if let Some(mut offices) = self.world.get_mut::<Offices>(e) {
                offices.0.clear();
                let held = sc.leaders[i].terms.iter().filter(|t| t.covers(start));
                offices.0.extend(held.map(|t| t.office.clone()));
            }
        }
        let n = sc.events.len();
        {
            let mut today = self.world.resource_mut::<Today>();
            today.day = start;
            today.due = None;
            today.outbox.clear();
        }
        self.world.resource_mut::<Streams>().reset(seed, n);
        {
            let mut status = self.world.resource_mut::<Status>();
            status.ruling.clear();
            status.ruling.extend(sc.states.iter().map(|s| s.ruling));
            status.in_office.clear();
            status.in_office.resize(sc.leaders.len(), false);
            status.fired.clear();
            status.fired.resize(n, 0);
            status.total = 0;
        }
        self.world.resource_mut::<Log>().0.clear();
        // The status, the gates and the structural part on the first day.
        let mut status = std::mem::take(&mut *self.world.resource_mut::<Status>());
        for (l, leader) in sc.leaders.iter().enumerate() {
            status.in_office[l] = leader.terms.iter().any(|t| t.covers(start));
        }
        {
            let mut rel = self.world.resource_mut::<Relation>();
            rel.reset(start);
            for b in 0..rel.buckets().len() {
                let counts = gate(rel.buckets()[b].level, &status, sc);
                rel.set_counts(b, counts);
            }
            rel.structural = structural(sc, &status.ruling, |p| &sc.parties[p].ideology);
        }
        *self.world.resource_mut::<Status>() = status;

        self.queue.clear();
        self.opened = 0;
        self.watching.clear();
        for (l, leader) in sc.leaders.iter().enumerate() {
            for (t, term) in leader.terms.iter().enumerate() {
                if let Some(to) = term.to
                    && to > start
                    && to <= end
                {
                    self.queue.push(to, Item::TermEnd(l, t));
                }
            }
        }
        for (l, leader) in sc.leaders.iter().enumerate() {
            for (t, term) in leader.terms.iter().enumerate() {
                if term.from > start && term.from <= end {
                    self.queue.push(term.from, Item::TermStart(l, t));
                }
            }
        }
        for (i, e) in sc.events.iter().enumerate() {
            if let Timing::Dated { date, window } = e.timing {
                let mut day = date.day();
                if window > 0 {
                    let w = window as i32;
                    let mut streams = self.world.resource_mut::<Streams>();
                    day += streams.get(i, e.stream).random_range(-w..=w);
                    day = day.clamp(start, end);
                }
                self.queue.push(day, Item::Event(i));
            }
        }
    }

    /// Runs from the span's start to the end of `stop`, filling `run`.
    fn simulate(&mut self, seed: u64, stop: Day, run: &mut Run) -> Result<(), RunError> {
        self.reset(seed);
        let max = self.scenario.max_events;
        let mut next_sample = 0;
        let mut pulsed: Option<Day> = None;
        loop {
            let next_item = self.queue.next_day();
            if let Some(&SampleDay {
                day,
                monthly,
                month,
            }) = self.samples.get(next_sample)
                && day <= stop
                && day < next_item
            {
                let parts = {
                    let mut rel = self.world.resource_mut::<Relation>();
                    rel.advance(day);
                    rel.parts()
                };
                let score = parts.score(self.scenario.scale.bound);
                if monthly && !self.triggered.is_empty() && pulsed != Some(day) {
                    pulsed = Some(day);
                    if self.pulse(day, month, score) {
                        continue;
                    }
                }
                run.samples.push(Sample {
                    day,
                    monthly,
                    parts,
                    score,
                });
                next_sample += 1;
                continue;
            }
            if next_item > stop {
                break;
            }
            let Some((day, item)) = self.queue.pop() else {
                break;
            };
            {
                let mut today = self.world.resource_mut::<Today>();
                today.day = day;
                today.due = Some(item);
            }
            self.schedule.run(&mut self.world);
            for (d, it) in self.world.resource_mut::<Today>().outbox.drain(..) {
                self.queue.push(d, it);
            }
            if self.world.resource::<Status>().total > max {
                let Item::Event(e) = item else {
                    unreachable!("only events count")
                };
                return Err(RunError::Runaway {
                    limit: max,
                    event: self.scenario.events[e].id.clone(),
                    date: Date::from_day(day),
                });
            }
        }
        run.fired = std::mem::take(&mut self.world.resource_mut::<Log>().0);
        Ok(())
    }

    /// The monthly check of triggered events on `day`, the first of a month of `month`
    /// days, with the relation at `score`; returns whether any was queued.
    fn pulse(&mut self, day: Day, month: i32, score: f64) -> bool {
        let sc = &*self.scenario;
        // Events whose dates open join the watch, in scenario order.
        while let Some(&k) = self.opening.get(self.opened)
            && self.triggered[k].dates.0 <= day
        {
            let at = self.watching.partition_point(|&w| w < k);
            self.watching.insert(at, k);
            self.opened += 1;
        }
        if self.watching.is_empty() {
            return false;
        }
        // Guards next, against the status; then the draws, on the streams.
        let status = self.world.resource::<Status>();
        let triggered = &self.triggered;
        let candidates = &mut self.candidates;
        candidates.clear();
        self.watching.retain(|&k| {
            let t = &triggered[k];
            if day >= t.dates.1 || (!t.repeat && status.fired[t.event] > 0) {
                return false;
            }
            if sc.events[t.event]
                .when
                .as_ref()
                .is_none_or(|c| status.holds(c, day, score))
            {
                candidates.push(k);
            }
            true
        });
        if self.candidates.is_empty() {
            return false;
        }
        let mut streams = self.world.resource_mut::<Streams>();
        let mut any = false;
        for &k in &self.candidates {
            let t = &self.triggered[k];
            let p = t.chance[(month - 28) as usize];
            if streams
                .get(t.event, sc.events[t.event].stream)
                .random::<f64>()
                < p
            {
                self.queue.push(day, Item::Event(t.event));
                any = true;
            }
        }
        any
    }
}

/// A day on which the relation is sampled.
#[derive(Clone, Copy, Debug)]
struct SampleDay {
    day: Day,
    /// Whether it is a monthly row of the trajectory (the first of a month).
    monthly: bool,
    /// Days in its month, 28 to 31, for monthly samples (0 otherwise).
    month: i32,
}

/// A triggered event, with its chance of firing on one pulse.
#[derive(Clone, Copy, Debug)]
struct Trigger {
    /// Its index.
    event: usize,
    /// Whether it may fire more than once.
    repeat: bool,
    /// 1 - exp(-days / mtth) for months of 28, 29, 30 and 31 days.
    chance: [f64; 4],
    /// The days [from, to) outside which its guard's own dates rule it out.
    dates: (Day, Day),
}

/// The days [from, to) outside which a guard cannot hold, from its `After` and `Before`
/// conditions, alone or in an `All`.
fn dates(c: &Condition) -> (Day, Day) {
    match c {
        Condition::After(d) => (*d, Day::MAX),
        Condition::Before(d) => (Day::MIN, *d),
        Condition::All(cs) => cs
            .iter()
            .map(dates)
            .fold((Day::MIN, Day::MAX), |(a, b), (c, d)| (a.max(c), b.min(d))),
        _ => (Day::MIN, Day::MAX),
    }
}

/// The run's queue: items ordered by (day, sequence), the sequence given on push.
#[derive(Debug, Default)]
struct Queue {
    heap: BinaryHeap<Reverse<(Day, u64, Item)>>,
    seq: u64,
}

impl Queue {
    fn push(&mut self, day: Day, item: Item) {
        self.heap.push(Reverse((day, self.seq, item)));
        self.seq += 1;
    }

    fn pop(&mut self) -> Option<(Day, Item)> {
        self.heap.pop().map(|Reverse((day, _, item))| (day, item))
    }

    /// The day of the next item, `Day::MAX` if none.
    fn next_day(&self) -> Day {
        self.heap
            .peek()
            .map_or(Day::MAX, |Reverse((day, _, _))| *day)
    }

    fn clear(&mut self) {
        self.heap.clear();
        self.seq = 0;
    }
}

/// The state of a run at the end of a day, for explanations.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The day.
    pub day: Day,
    /// The parts of the score that day.
    pub parts: score::Parts,
    /// Ruling party of each state.
    pub ruling: Vec<usize>,
    /// Whether each leader is in office.
    pub in_office: Vec<bool>,
    /// Each party's ideology that day.
    pub ideologies: Vec<Vec<f64>>,
    /// Every modifier left so far, in order of start, with whether it counts that day.
    pub modifiers: Vec<(Modifier, bool)>,
    /// The run up to that day.
    pub run: Run,
}

fn draw(value: Value, rng: &mut ChaCha8Rng) -> f64 {
    match value {
        Value::Fixed(x) => x,
        Value::Uniform(a, b) if a == b => a,
        Value::Uniform(a, b) => rng.random_range(a..=b),
        // Validation guarantees a finite mean and a finite, non-negative deviation.
        Value::Normal(m, s) => match rand_distr::Normal::new(m, s) {
            Ok(n) => n.sample(rng),
            Err(_) => m,
        },
    }
}

fn advance_relation(today: Res<Today>, mut relation: ResMut<Relation>) {
    relation.advance(today.day);
}

fn apply_due_events(
    mut today: ResMut<Today>,
    script: Res<Script>,
    relation: Res<Relation>,
    mut status: ResMut<Status>,
    mut streams: ResMut<Streams>,
    mut fired: MessageWriter<Fired>,
    mut changes: MessageWriter<Change>,
) {
    let sc = &script.scenario;
    let (day, due) = (today.day, today.due);
    match due {
        None => {}
        Some(Item::TermStart(l, t)) => {
            changes.write(Change::TakeOffice {
                leader: l,
                office: sc.leaders[l].terms[t].office.clone(),
            });
        }
        Some(Item::TermEnd(l, t)) => {
            changes.write(Change::LeaveOffice {
                leader: l,
                office: Some(sc.leaders[l].terms[t].office.clone()),
            });
        }
        Some(Item::Event(i)) => {
            let e = &sc.events[i];
            let score = relation.score();
            if e.when
                .as_ref()
                .is_some_and(|c| !status.holds(c, day, score))
            {
                return;
            }
            let rng = streams.get(i, e.stream);
            if e.chance < 1.0 && rng.random::<f64>() >= e.chance {
                return;
            }
            status.fired[i] += 1;
            status.total += 1;
            fired.write(Fired {
                event: i,
                before: score,
            });
            for (k, effect) in e.effects.iter().enumerate() {
                match effect {
                    Effect::Modifier { level, value, .. } => {
                        changes.write(Change::AddModifier {
                            event: i,
                            effect: k,
                            level: *level,
                            value: draw(*value, rng),
                            bucket: script.buckets.of_effect[i][k],
                        });
                    }
                    Effect::Ideology { party, axis, shift } => {
                        changes.write(Change::Shift {
                            party: *party,
                            axis: *axis,
                            by: draw(*shift, rng),
                        });
                    }
                    Effect::Rule { state, party } => {
                        changes.write(Change::Rule {
                            state: *state,
                            party: *party,
                        });
                    }
                    Effect::TakeOffice { leader, office } => {
                        changes.write(Change::TakeOffice {
                            leader: *leader,
                            office: office.clone(),
                        });
                    }
                    Effect::LeaveOffice { leader } => {
                        changes.write(Change::LeaveOffice {
                            leader: *leader,
                            office: None,
                        });
                    }
                    Effect::FollowUp { event, after } => {
                        today
                            .outbox
                            .push((day + *after as Day, Item::Event(*event)));
                    }
                }
            }
        }
    }
}

fn change_rulers(
    mut changes: MessageReader<Change>,
    script: Res<Script>,
    mut states: Query<&mut Ruling, With<StateIdx>>,
) {
    for c in changes.read() {
        if let Change::Rule { state, party } = *c
            && let Ok(mut ruling) = states.get_mut(script.roster.states[state])
        {
            ruling.0 = party;
        }
    }
}

fn shift_ideologies(
    mut changes: MessageReader<Change>,
    script: Res<Script>,
    mut parties: Query<&mut Ideology, With<PartyIdx>>,
) {
    for c in changes.read() {
        if let Change::Shift { party, axis, by } = *c
            && let Ok(mut ideology) = parties.get_mut(script.roster.parties[party])
        {
            ideology.0[axis] = (ideology.0[axis] + by).clamp(-1.0, 1.0);
        }
    }
}

fn change_offices(
    mut changes: MessageReader<Change>,
    script: Res<Script>,
    mut leaders: Query<&mut Offices, With<LeaderIdx>>,
) {
    for c in changes.read() {
        let (leader, take, office) = match c {
            Change::TakeOffice { leader, office } => (*leader, true, Some(office)),
            Change::LeaveOffice { leader, office } => (*leader, false, office.as_ref()),
            _ => continue,
        };
        let Ok(mut offices) = leaders.get_mut(script.roster.leaders[leader]) else {
            continue;
        };
        match (take, office) {
            (true, Some(o)) => offices.0.push(o.clone()),
            (false, Some(o)) => {
                if let Some(k) = offices.0.iter().position(|x| x == o) {
                    offices.0.remove(k);
                }
            }
            _ => offices.0.clear(),
        }
    }
}

fn spawn_modifiers(
    mut commands: Commands,
    mut changes: MessageReader<Change>,
    today: Res<Today>,
    mut relation: ResMut<Relation>,
    script: Res<Script>,
) {
    for c in changes.read() {
        if let Change::AddModifier {
            event,
            effect,
            level,
            value,
            bucket,
        } = *c
        {
            relation.add(bucket, value);
            let b = &relation.buckets()[bucket];
            commands.spawn(Modifier {
                level,
                value,
                start: today.day,
                half_life: script.scenario.fades[b.fade],
                until: b.until,
                source: event,
                effect,
                bucket,
            });
        }
    }
}

/// Brings the status, the gates of the buckets and the structural part up to date with
/// the step's changes: only the pairs of a party that took or lost power, or of a leader
/// who entered or left office, are gated again.
fn refresh_relation(
    mut changes: MessageReader<Change>,
    script: Res<Script>,
    states: Query<&Ruling, With<StateIdx>>,
    parties: Query<&Ideology, With<PartyIdx>>,
    leaders: Query<&Offices, With<LeaderIdx>>,
    mut status: ResMut<Status>,
    mut relation: ResMut<Relation>,
) {
    let sc = &script.scenario;
    let mut restructure = false;
    for c in changes.read() {
        match *c {
            Change::Rule { state, .. } => {
                let Ok(ruling) = states.get(script.roster.states[state]) else {
                    continue;
                };
                let before = std::mem::replace(&mut status.ruling[state], ruling.0);
                for p in [before, ruling.0] {
                    for &b in &script.buckets.of_party[p] {
                        let counts = gate(relation.buckets()[b].level, &status, sc);
                        relation.set_counts(b, counts);
                    }
                }
                restructure = true;
            }
            Change::Shift { .. } => restructure = true,
            Change::TakeOffice { leader, .. } | Change::LeaveOffice { leader, .. } => {
                let Ok(offices) = leaders.get(script.roster.leaders[leader]) else {
                    continue;
                };
                let in_office = !offices.0.is_empty();
                if status.in_office[leader] != in_office {
                    status.in_office[leader] = in_office;
                    for &b in &script.buckets.of_leader[leader] {
                        let counts = gate(relation.buckets()[b].level, &status, sc);
                        relation.set_counts(b, counts);
                    }
                }
            }
            Change::AddModifier { .. } => {}
        }
    }
    if restructure {
        let ideology = |p: usize| {
            parties
                .get(script.roster.parties[p])
                .map_or(&[][..], |i| &i.0[..])
        };
        relation.structural = structural(sc, &status.ruling, ideology);
    }
}

/// Whether a pair counts: always between the states; between two parties while both
/// rule; between two leaders while both are in office.
fn gate(level: Level, status: &Status, sc: &Scenario) -> bool {
    match level {
        Level::State => true,
        Level::Party(p, q) => {
            status.ruling[sc.parties[p].state] == p && status.ruling[sc.parties[q].state] == q
        }
        Level::Leader(l, m) => status.in_office[l] && status.in_office[m],
    }
}

/// The structural part for the ruling parties, given each party's ideology.
fn structural<'a>(sc: &Scenario, ruling: &[usize], ideology: impl Fn(usize) -> &'a [f64]) -> f64 {
    score::structural(
        sc.structure.base,
        sc.structure.affinity,
        ideology(ruling[0]),
        ideology(ruling[1]),
    )
}

fn record_events(
    mut fired: MessageReader<Fired>,
    today: Res<Today>,
    relation: Res<Relation>,
    mut log: ResMut<Log>,
) {
    for f in fired.read() {
        log.0.push(FiredEvent {
            event: f.event,
            day: today.day,
            before: f.before,
            after: relation.score(),
        });
    }
}

/// Retires the step's messages, so that the next step reads only its own. (bevy's
/// `message_update_system` does the same for every registered message type, but moves the
/// registry out of the world and back on every call, which costs more than the step.)
fn rotate_messages(mut fired: ResMut<Messages<Fired>>, mut changes: ResMut<Messages<Change>>) {
    fired.update();
    changes.update();
}

/// The buckets a scenario can fill, in their canonical order, and where each modifier,
/// party and leader belongs among them. The engine and the benches' plain-loop reference
/// both lay their sums out with it.
pub fn bucket_layout(scenario: &Scenario) -> (Vec<Bucket>, BucketIndex) {
    // Buckets: one per (pair, half-life, end date) that some modifier effect names.
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut found = BTreeMap::new();
    let of_effect: Vec<Vec<usize>> = scenario
        .events
        .iter()
        .map(|e| {
            e.effects
                .iter()
                .map(|x| match x {
                    Effect::Modifier {
                        level, fade, until, ..
                    } => *found.entry((*level, *fade, *until)).or_insert_with(|| {
                        buckets.push(Bucket::new(*level, *fade, *until));
                        buckets.len() - 1
                    }),
                    _ => usize::MAX,
                })
                .collect()
        })
        .collect();

    // Buckets in a canonical order (level, half-life, end), not in order of first use:
    // the parts are summed over buckets in this order, so a variant that removes or adds
    // an event sums the same numbers in the same order as its baseline until the change
    // takes effect, and the two runs agree to the last bit before it.
    let mut order: Vec<usize> = (0..buckets.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&buckets[a], &buckets[b]);
        x.level
            .cmp(&y.level)
            .then(scenario.fades[x.fade].total_cmp(&scenario.fades[y.fade]))
            .then(x.until.cmp(&y.until))
    });
    let mut rank = vec![0; buckets.len()];
    for (to, &from) in order.iter().enumerate() {
        rank[from] = to;
    }
    let buckets: Vec<Bucket> = order.iter().map(|&i| buckets[i].clone()).collect();
    let of_effect: Vec<Vec<usize>> = of_effect
        .into_iter()
        .map(|effects| {
            effects
                .into_iter()
                .map(|b| if b == usize::MAX { b } else { rank[b] })
                .collect()
        })
        .collect();
    let mut of_party = vec![Vec::new(); scenario.parties.len()];
    let mut of_leader = vec![Vec::new(); scenario.leaders.len()];
    for (b, bucket) in buckets.iter().enumerate() {
        match bucket.level {
            Level::State => {}
            Level::Party(p, q) => {
                of_party[p].push(b);
                of_party[q].push(b);
            }
            Level::Leader(l, m) => {
                of_leader[l].push(b);
                of_leader[m].push(b);
            }
        }
    }
    (
        buckets,
        BucketIndex {
            of_effect,
            of_party,
            of_leader,
        },
    )
}
