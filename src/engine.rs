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
//!   day.
//! - One step runs these systems, chained: `advance_relation`, `apply_due_events`,
//!   `change_rulers`, `shift_ideologies`, `change_offices`, `spawn_modifiers`,
//!   `refresh_relation`, `record_events`. All effects of one event take place together.
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
use std::collections::BinaryHeap;
use std::sync::Arc;

use bevy_ecs::message::{MessageRegistry, message_update_system};
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

use crate::date::{Date, Day};
use crate::model::*;
use crate::record::{Run, Sample};
use crate::scenario::{Effect, Level, Scenario, Timing, Value};
use crate::score;

/// Why a run stopped.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RunError {
    /// More events fired than the scenario allows: a chain of follow-ups or a repeating
    /// triggered event that runs away.
    #[error(
        "the run fired more than {limit} events (the last was \"{event}\" on {date}): a follow-up chain or repeating triggered event runs away; check its guards, or raise `max_events`"
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

/// The scenario, shared read-only by the systems.
#[derive(Resource, Clone)]
struct Script(Arc<Scenario>);

/// For each event and effect, the bucket its modifier is summed in (`usize::MAX` for
/// effects that are not modifiers).
#[derive(Resource, Clone)]
struct BucketMap(Vec<Vec<usize>>);

/// A scenario assembled into a world and a schedule, ready to run any number of times.
/// Reuse one per thread: building it costs more than a run.
pub struct Simulation {
    scenario: Arc<Scenario>,
    world: World,
    schedule: Schedule,
    /// Sample days in order, with whether each is a monthly row of the trajectory.
    samples: Vec<(Day, bool)>,
    /// Indices of triggered events, in scenario order.
    triggered: Vec<usize>,
    queue: BinaryHeap<Reverse<(Day, u64, Item)>>,
    seq: u64,
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

        // Buckets: one per (pair, half-life, end date) that some modifier effect names.
        let mut buckets: Vec<Bucket> = Vec::new();
        let map: Vec<Vec<usize>> = scenario
            .events
            .iter()
            .map(|e| {
                e.effects
                    .iter()
                    .map(|x| match x {
                        Effect::Modifier {
                            level, fade, until, ..
                        } => {
                            let found = buckets.iter().position(|b| {
                                b.level == *level && b.fade == *fade && b.until == *until
                            });
                            found.unwrap_or_else(|| {
                                buckets.push(Bucket {
                                    level: *level,
                                    fade: *fade,
                                    until: *until,
                                    value: 0.0,
                                    counts: false,
                                });
                                buckets.len() - 1
                            })
                        }
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
        let map: Vec<Vec<usize>> = map
            .into_iter()
            .map(|effects: Vec<usize>| {
                effects
                    .into_iter()
                    .map(|b| if b == usize::MAX { b } else { rank[b] })
                    .collect()
            })
            .collect();

        let mut world = World::new();
        MessageRegistry::register_message::<Fired>(&mut world);
        MessageRegistry::register_message::<Change>(&mut world);
        let states = (0..scenario.states.len())
            .map(|i| {
                world
                    .spawn((StateIdx(i), Ruling(scenario.states[i].ruling)))
                    .id()
            })
            .collect();
        let parties = scenario
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                world
                    .spawn((PartyIdx(i), Ideology(p.ideology.clone())))
                    .id()
            })
            .collect();
        let leaders = (0..scenario.leaders.len())
            .map(|i| world.spawn((LeaderIdx(i), Offices::default())).id())
            .collect();
        for i in 0..scenario.actors.len() {
            world.spawn(ActorIdx(i));
        }
        world.insert_resource(Script(scenario.clone()));
        world.insert_resource(BucketMap(map));
        world.insert_resource(Relation::new(
            buckets,
            scenario.fades.clone(),
            &scenario.scale,
        ));
        world.insert_resource(Clock::default());
        world.insert_resource(Due::default());
        world.insert_resource(Streams::default());
        world.insert_resource(Outbox::default());
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
                message_update_system,
            )
                .chain(),
        );
        let triggered = scenario
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.timing, Timing::Triggered { .. }))
            .map(|(i, _)| i)
            .collect();
        Simulation {
            scenario,
            world,
            schedule,
            samples,
            triggered,
            queue: BinaryHeap::new(),
            seq: 0,
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
                let b = &relation.buckets[m.bucket];
                let counts = b.counts && m.until.is_none_or(|u| day < u);
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
        let sc = self.scenario.clone();
        let start = sc.span.0.day();
        let end = sc.span.1.day();
        self.world.despawn_all::<With<Modifier>>();
        for (i, &e) in self.states.iter().enumerate() {
            self.world.entity_mut(e).insert(Ruling(sc.states[i].ruling));
        }
        for (i, &e) in self.parties.iter().enumerate() {
            self.world
                .entity_mut(e)
                .insert(Ideology(sc.parties[i].ideology.clone()));
        }
        for (i, &e) in self.leaders.iter().enumerate() {
            let offices = sc.leaders[i]
                .terms
                .iter()
                .filter(|t| t.covers(start))
                .map(|t| t.office.clone())
                .collect();
            self.world.entity_mut(e).insert(Offices(offices));
        }
        let n = sc.events.len();
        *self.world.resource_mut::<Clock>() = Clock { day: start };
        *self.world.resource_mut::<Due>() = Due(None);
        *self.world.resource_mut::<Streams>() = Streams {
            base: Some(ChaCha8Rng::seed_from_u64(seed)),
            open: vec![None; n],
        };
        self.world.resource_mut::<Outbox>().0.clear();
        *self.world.resource_mut::<Status>() = Status {
            ruling: sc.states.iter().map(|s| s.ruling).collect(),
            in_office: vec![false; sc.leaders.len()],
            fired: vec![0; n],
            total: 0,
        };
        self.world.resource_mut::<Log>().0.clear();
        {
            let mut rel = self.world.resource_mut::<Relation>();
            rel.day = start;
            for b in &mut rel.buckets {
                b.value = 0.0;
            }
        }

        self.queue.clear();
        self.seq = 0;
        for (l, leader) in sc.leaders.iter().enumerate() {
            for (t, term) in leader.terms.iter().enumerate() {
                if let Some(to) = term.to
                    && to > start
                    && to <= end
                {
                    self.push(to, Item::TermEnd(l, t));
                }
            }
        }
        for (l, leader) in sc.leaders.iter().enumerate() {
            for (t, term) in leader.terms.iter().enumerate() {
                if term.from > start && term.from <= end {
                    self.push(term.from, Item::TermStart(l, t));
                }
            }
        }
        for (i, e) in sc.events.iter().enumerate() {
            if let Timing::Dated { date, window } = e.timing {
                let mut day = date.day();
                if window > 0 {
                    let w = window as i32;
                    let mut streams = self.world.resource_mut::<Streams>();
                    day += stream(&mut streams, i, e.stream).random_range(-w..=w);
                    day = day.clamp(start, end);
                }
                self.push(day, Item::Event(i));
            }
        }
        // An empty step sets the status, the structural part and the buckets' gates.
        self.schedule.run(&mut self.world);
    }

    fn push(&mut self, day: Day, item: Item) {
        self.queue.push(Reverse((day, self.seq, item)));
        self.seq += 1;
    }

    /// Runs from the span's start to the end of `stop`, filling `run`.
    fn simulate(&mut self, seed: u64, stop: Day, run: &mut Run) -> Result<(), RunError> {
        self.reset(seed);
        let max = self.scenario.max_events;
        let mut next_sample = 0;
        let mut pulsed: Option<Day> = None;
        loop {
            let next_item = self.queue.peek().map_or(Day::MAX, |Reverse((d, _, _))| *d);
            if let Some(&(day, monthly)) = self.samples.get(next_sample)
                && day <= stop
                && day < next_item
            {
                if monthly && !self.triggered.is_empty() && pulsed != Some(day) {
                    pulsed = Some(day);
                    if self.pulse(day) {
                        continue;
                    }
                }
                let mut rel = self.world.resource_mut::<Relation>();
                rel.advance(day);
                let parts = rel.parts();
                run.samples.push(Sample {
                    day,
                    monthly,
                    parts,
                    score: parts.score(rel.bound),
                });
                next_sample += 1;
                continue;
            }
            if next_item > stop {
                break;
            }
            let Some(Reverse((day, _, item))) = self.queue.pop() else {
                break;
            };
            self.world.resource_mut::<Clock>().day = day;
            self.world.resource_mut::<Due>().0 = Some(item);
            self.schedule.run(&mut self.world);
            let follow: Vec<(Day, Item)> =
                self.world.resource_mut::<Outbox>().0.drain(..).collect();
            for (d, it) in follow {
                self.push(d, it);
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

    /// The monthly check of triggered events; returns whether any was queued.
    fn pulse(&mut self, day: Day) -> bool {
        let sc = self.scenario.clone();
        let month = f64::from(Date::from_day(day).next_month_start().day() - day);
        let score = {
            let mut rel = self.world.resource_mut::<Relation>();
            rel.advance(day);
            rel.score()
        };
        let mut due = Vec::new();
        {
            let status = self.world.resource::<Status>().clone();
            let mut streams = self.world.resource_mut::<Streams>();
            for &i in &self.triggered {
                let e = &sc.events[i];
                let Timing::Triggered { mtth, repeat } = e.timing else {
                    continue;
                };
                if !repeat && status.fired[i] > 0 {
                    continue;
                }
                if e.when
                    .as_ref()
                    .is_some_and(|c| !status.holds(c, day, score))
                {
                    continue;
                }
                let p = 1.0 - (-month / mtth).exp();
                if stream(&mut streams, i, e.stream).random::<f64>() < p {
                    due.push(i);
                }
            }
        }
        for &i in &due {
            self.push(day, Item::Event(i));
        }
        !due.is_empty()
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

/// The event's stream, opened on first use.
fn stream(streams: &mut Streams, event: usize, id: u64) -> &mut ChaCha8Rng {
    let base = streams.base.as_ref();
    streams.open[event].get_or_insert_with(|| {
        // `reset` always sets the base before any event runs.
        let mut rng = base
            .cloned()
            .unwrap_or_else(|| ChaCha8Rng::seed_from_u64(0));
        rng.set_stream(id);
        rng
    })
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

fn advance_relation(clock: Res<Clock>, mut relation: ResMut<Relation>) {
    relation.advance(clock.day);
}

fn apply_due_events(
    clock: Res<Clock>,
    due: Res<Due>,
    script: Res<Script>,
    buckets: Res<BucketMap>,
    relation: Res<Relation>,
    mut status: ResMut<Status>,
    mut streams: ResMut<Streams>,
    mut outbox: ResMut<Outbox>,
    mut fired: MessageWriter<Fired>,
    mut changes: MessageWriter<Change>,
) {
    let sc = &script.0;
    match due.0 {
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
                .is_some_and(|c| !status.holds(c, clock.day, score))
            {
                return;
            }
            let rng = stream(&mut streams, i, e.stream);
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
                            bucket: buckets.0[i][k],
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
                        outbox
                            .0
                            .push((clock.day + *after as Day, Item::Event(*event)));
                    }
                }
            }
        }
    }
}

fn change_rulers(mut changes: MessageReader<Change>, mut states: Query<(&StateIdx, &mut Ruling)>) {
    for c in changes.read() {
        if let Change::Rule { state, party } = *c {
            for (idx, mut ruling) in &mut states {
                if idx.0 == state {
                    ruling.0 = party;
                }
            }
        }
    }
}

fn shift_ideologies(
    mut changes: MessageReader<Change>,
    mut parties: Query<(&PartyIdx, &mut Ideology)>,
) {
    for c in changes.read() {
        if let Change::Shift { party, axis, by } = *c {
            for (idx, mut ideology) in &mut parties {
                if idx.0 == party {
                    ideology.0[axis] = (ideology.0[axis] + by).clamp(-1.0, 1.0);
                }
            }
        }
    }
}

fn change_offices(
    mut changes: MessageReader<Change>,
    mut leaders: Query<(&LeaderIdx, &mut Offices)>,
) {
    for c in changes.read() {
        let (leader, take, office) = match c {
            Change::TakeOffice { leader, office } => (*leader, true, Some(office)),
            Change::LeaveOffice { leader, office } => (*leader, false, office.as_ref()),
            _ => continue,
        };
        for (idx, mut offices) in &mut leaders {
            if idx.0 != leader {
                continue;
            }
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
}

fn spawn_modifiers(
    mut commands: Commands,
    mut changes: MessageReader<Change>,
    clock: Res<Clock>,
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
            relation.buckets[bucket].value += value;
            let b = &relation.buckets[bucket];
            commands.spawn(Modifier {
                level,
                value,
                start: clock.day,
                half_life: script.0.fades[b.fade],
                until: b.until,
                source: event,
                effect,
                bucket,
            });
        }
    }
}

fn refresh_relation(
    script: Res<Script>,
    states: Query<(&StateIdx, &Ruling)>,
    parties: Query<(&PartyIdx, &Ideology)>,
    leaders: Query<(&LeaderIdx, &Offices)>,
    mut status: ResMut<Status>,
    mut relation: ResMut<Relation>,
) {
    let sc = &script.0;
    for (idx, ruling) in &states {
        status.ruling[idx.0] = ruling.0;
    }
    for (idx, offices) in &leaders {
        status.in_office[idx.0] = !offices.0.is_empty();
    }
    let ideology = |party: usize| {
        parties
            .iter()
            .find(|(idx, _)| idx.0 == party)
            .map_or(&[][..], |(_, i)| &i.0[..])
    };
    let (a, b) = (status.ruling[0], status.ruling[1]);
    relation.structural = score::structural(
        sc.structure.base,
        sc.structure.affinity,
        ideology(a),
        ideology(b),
    );
    for bucket in &mut relation.buckets {
        bucket.counts = match bucket.level {
            Level::State => true,
            Level::Party(p, q) => {
                status.ruling[sc.parties[p].state] == p && status.ruling[sc.parties[q].state] == q
            }
            Level::Leader(l, m) => status.in_office[l] && status.in_office[m],
        };
    }
}

fn record_events(
    mut fired: MessageReader<Fired>,
    clock: Res<Clock>,
    relation: Res<Relation>,
    mut log: ResMut<Log>,
) {
    for f in fired.read() {
        log.0.push(FiredEvent {
            event: f.event,
            day: clock.day,
            before: f.before,
            after: relation.score(),
        });
    }
}
