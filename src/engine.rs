//! The engine: a (day, sequence) queue popped by a loop outside the ECS, one direct run of
//! one system per day on which something is due, and closed-form fading in between.
//!
//! ## Where things live
//! The world holds what the scores are computed from, as components on entities: each
//! state's [`Ruling`] party, each party's [`Ideology`], each leader's [`Offices`], and one
//! entity per pair of states the scenario models, with its [`PairIdx`], its bucket sums
//! ([`Relation`]), which buckets each party and leader gates ([`Gates`]) and its [`Ledger`]
//! of modifiers. Parties and leaders are [`MemberOf`] their state and each relation is
//! [`Between`] its first state [`And`] its second (bevy relationships): a change of ruler or
//! office finds the state's relations by traversal. The loop owns the queue, the sample
//! days, the monthly pulse and a [`Turn`] (the day, the items due, the follow-ups, the
//! random [`Streams`], the [`History`] of what fired), which it hands the systems as their
//! input with the scenario (`Script`); no resource is read. It sweeps the relations (a
//! query, in pair order) to take each sample, and reads the guards of triggered events
//! through read-only queries.
//!
//! ## Order
//! - Time is whole days. The queue is ordered by (day, sequence): a total order, FIFO on the
//!   same day. At the start of a run the sequence is given to term ends, then term starts
//!   (each in leader and term order), then dated events in scenario order; follow-ups and
//!   triggered events get the next number when they are scheduled, so they come after
//!   everything already due that day.
//! - On a day with items due, the loop hands all of them, in queue order, to one run of
//!   the step system (`apply_due_events`), which takes them in turn: each event's guard
//!   reads the world as the items before it left it, and all effects of one event take
//!   place together (in effect order) before the next item. Follow-ups come back to the
//!   loop, which queues them; one due the same day gets another run of the system that day.
//! - A relation is brought up to the day only when an item concerns its pair (an event
//!   that reads or logs it, a term of a leader of one of its states) or it is sampled, so
//!   each pair steps through the same days whatever other pairs the scenario holds.
//! - On the first of each month, after the day's queued items, triggered events are
//!   checked (the pulse) in scenario order; those that fire are queued on the same day and
//!   processed before the day's sample is taken. Samples read the scores at the end of the
//!   day: every pair's on the first of a month and on extra days, a checkpoint's pair on
//!   the checkpoint's first and last day. An event whose guard's own dates (`After`,
//!   `Before`, alone or in an `All`) rule out the day, or that cannot repeat and has fired,
//!   is not looked at: its guard could not hold, so it would draw nothing.
//! - At the start of a run, the reset system (`reset_world`) puts every component back to
//!   the first simulated day: the span's, or the first day of a prelude (a composed
//!   scenario's included events before its span), which runs like the rest and whose
//!   samples and fired events are not recorded.
//!
//! Draws are made on each event's own stream in the order [`crate::random`] writes down.
//!
//! ## What a run keeps
//! [`Simulation::run`] keeps every sample (with its parts) and logs each event that fires
//! with its pairs' scores before and after. [`Simulation::run_scores_only`], for the runs
//! of an experiment, keeps only the monthly scores and logs nothing: it skips the scores
//! that only the log reads, and takes every other step alike, so its scores are the same
//! bits. [`Simulation::run_with_scores`] is a whole run that writes them as it does.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::system::BoxedSystem;

use crate::coupling::Triangles;
use crate::date::{Date, Day};
use crate::model;
use crate::model::*;
use crate::random::{self, Streams};
use crate::record::{Run, Sample};
use crate::relation::{self, Gates, Ledger, Modifier, Relation};
use crate::scenario::{Condition, Effect, Level, Scenario, Timing};
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

/// The scenario, with where each modifier is summed; lent to the systems read-only as
/// their input.
struct Script {
    scenario: Arc<Scenario>,
    /// For each event and effect, the bucket of its pair's relation its modifier goes in.
    of_effect: Vec<Vec<usize>>,
    /// For each event, the buckets (pair, bucket) whose end is tied to it.
    ends: Vec<Vec<(usize, usize)>>,
    /// For each event, the pairs whose scores it reads (its guard's) or logs (its
    /// `pairs`), ascending: the relations brought up to its day when it is due.
    reads: Vec<Vec<usize>>,
    /// For each event, whether its guard reads the score of each pair of `reads`: those
    /// a run that logs nothing needs the scores of.
    guarded: Vec<Vec<bool>>,
    roster: Roster,
}

/// The entity of each state, party, leader and relation, by scenario index: how an effect
/// or a guard that names one reaches its components through a query (`get`), in constant
/// time. (A pass over the query to find it costs as many steps as there are leaders, which
/// made runs of the synthetic scenarios quadratic in their size.) Which relations a state
/// is in, and which state a party or leader belongs to, are not kept here: they are bevy
/// relationships on the entities ([`MemberOf`], [`Between`], [`And`]).
struct Roster {
    states: Vec<Entity>,
    parties: Vec<Entity>,
    leaders: Vec<Entity>,
    /// Each pair's relation, in pair order.
    relations: Vec<Entity>,
}

/// A scenario assembled into a world and its schedules, ready to run any number of times.
/// Reuse one per thread: building it costs more than a run.
pub struct Simulation {
    scenario: Arc<Scenario>,
    world: World,
    /// The systems, initialized in the world, run directly (see the module's doc).
    step: BoxedSystem<(InRef<'static, Script>, InMut<'static, Turn>), ()>,
    reset: BoxedSystem<InRef<'static, Script>, ()>,
    script: Script,
    /// What the loop and the step system hand each other.
    turn: Turn,
    /// The relations, read by the loop to take samples.
    relations: QueryState<(&'static PairIdx, &'static mut Relation)>,
    /// Read-only views the loop's pulse reads guards through.
    rulers: QueryState<StatesRead>,
    holders: QueryState<LeadersRead>,
    /// Sample days in order.
    samples: Vec<SampleDay>,
    /// The pairs of the sample days that are not for every pair (see [`SampleDay::only`]).
    sample_pairs: Vec<usize>,
    /// The triggered events the pulse looks at.
    watch: Watch,
    queue: Queue,
    /// The coupling between the pairs, when the scenario turns it on (`None`: nothing is
    /// computed for it).
    coupling: Option<Triangles>,
}

impl Simulation {
    /// Assembles the world for a scenario. Samples are taken on the first of every month
    /// of the span and on every checkpoint's first and last day.
    pub fn new(scenario: &Scenario) -> Simulation {
        Simulation::with_days(scenario, &[])
    }

    /// As [`Simulation::new`], with extra sample days (e.g. a date to explain).
    pub fn with_days(scenario: &Scenario, extra: &[Day]) -> Simulation {
        Simulation::assemble(Arc::new(scenario.clone()), extra)
    }

    /// As [`Simulation::new`], on a scenario shared with other simulations: the threads
    /// of an ensemble each assemble one without copying the scenario again.
    pub fn shared(scenario: Arc<Scenario>) -> Simulation {
        Simulation::assemble(scenario, &[])
    }

    fn assemble(scenario: Arc<Scenario>, extra: &[Day]) -> Simulation {
        // A prelude (included events before the span) is simulated like the rest, its
        // monthly pulses and all, and not recorded.
        let (start, end) = scenario.simulated();
        // Sample days: the first of every month and the extra days, for every pair; a
        // checkpoint's first and last day, for its pair only (so a pair's relation is
        // read on the same days whatever other pairs the scenario holds).
        let months: Vec<Day> = Date::month_starts(start, end)
            .into_iter()
            .map(|d| d.day())
            .collect();
        let mut days: Vec<(Day, Option<usize>)> = (scenario.timeline.checkpoints.iter())
            .flat_map(|c| [(c.from.day(), Some(c.pair)), (c.to.day(), Some(c.pair))])
            .chain(extra.iter().map(|&d| (d, None)))
            .chain(months.iter().map(|&d| (d, None)))
            .filter(|(d, _)| (start.day()..=end.day()).contains(d))
            .collect();
        // Per day, `None` (every pair) before any pair.
        days.sort_unstable_by_key(|&(d, p)| (d, p.map_or(0, |p| p + 1)));
        days.dedup();
        let mut samples: Vec<SampleDay> = Vec::new();
        let mut sample_pairs: Vec<usize> = Vec::new();
        for (day, pair) in days {
            if let Some(last) = samples.last_mut()
                && last.day == day
            {
                // Every pair already, or one more pair of a checkpoint's day.
                if last.only.0 != last.only.1
                    && let Some(p) = pair
                {
                    sample_pairs.push(p);
                    last.only.1 += 1;
                }
                continue;
            }
            let monthly = months.binary_search(&day).is_ok();
            let at = sample_pairs.len() as u32;
            let only = match pair {
                Some(p) => {
                    sample_pairs.push(p);
                    (at, at + 1)
                }
                None => (at, at),
            };
            samples.push(SampleDay {
                day,
                monthly,
                month: if monthly {
                    Date::from_day(day).next_month_start().day() - day
                } else {
                    0
                },
                only,
            });
        }

        let layout = relation::layout(&scenario);
        let mut world = World::new();
        let states: Vec<Entity> = (scenario.states.iter().enumerate())
            .map(|(i, s)| world.spawn((StateIdx(i), Ruling(s.ruling))).id())
            .collect();
        let roster = Roster {
            parties: (scenario.parties.iter().enumerate())
                .map(|(i, p)| {
                    let member = MemberOf(states[p.state]);
                    (world.spawn((PartyIdx(i), Ideology(p.ideology.clone()), member))).id()
                })
                .collect(),
            leaders: (scenario.leaders.iter().enumerate())
                .map(|(i, l)| {
                    let member = MemberOf(states[l.state]);
                    (world.spawn((LeaderIdx(i), Offices::default(), member))).id()
                })
                .collect(),
            // Spawned in pair order: the relations' table holds them in that order.
            relations: (layout.pairs.into_iter().enumerate())
                .map(|(p, (buckets, gates))| {
                    let (a, b) = scenario.pairs[p].states;
                    let relation =
                        Relation::new(buckets, &scenario.fades, &scenario.scale, scenario.dynamics);
                    let ends = (Between(states[a]), And(states[b]));
                    (world.spawn((PairIdx(p), relation, gates, Ledger::default(), ends))).id()
                })
                .collect(),
            states,
        };
        let (reads, guarded) = (scenario.events.iter())
            .map(|e| {
                let mut guard = Vec::new();
                if let Some(c) = &e.when {
                    guard_pairs(c, &mut guard);
                }
                let mut reads = e.pairs.clone();
                reads.extend_from_slice(&guard);
                reads.sort_unstable();
                reads.dedup();
                let guarded = reads.iter().map(|p| guard.contains(p)).collect();
                (reads, guarded)
            })
            .unzip();
        let script = Script {
            scenario: scenario.clone(),
            reads,
            guarded,
            of_effect: layout.of_effect,
            ends: layout.ends,
            roster,
        };
        let relations = world.query();
        let rulers = world.query();
        let holders = world.query();

        let mut step: BoxedSystem<(InRef<'static, Script>, InMut<'static, Turn>), ()> =
            Box::new(IntoSystem::into_system(apply_due_events));
        step.initialize(&mut world);
        let mut reset: BoxedSystem<InRef<'static, Script>, ()> =
            Box::new(IntoSystem::into_system(reset_world));
        reset.initialize(&mut world);

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
                    scores: e.when.as_ref().and_then(scores),
                }),
                _ => None,
            })
            .collect::<Vec<_>>();
        let coupling = scenario.coupling.map(|c| Triangles::new(&scenario, c));
        let mut opening: Vec<usize> = (0..triggered.len()).collect();
        opening.sort_by_key(|&k| triggered[k].dates.0);
        Simulation {
            scenario,
            world,
            step,
            reset,
            script,
            turn: Turn::default(),
            relations,
            rulers,
            holders,
            samples,
            sample_pairs,
            watch: Watch {
                triggered,
                opening,
                opened: 0,
                watching: Vec::new(),
                candidates: Vec::new(),
            },
            queue: Queue::default(),
            coupling,
        }
    }

    /// The scenario this simulation runs.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// One run with a seed: every sample day and every event that fired.
    pub fn run(&mut self, seed: u64) -> Result<Run, RunError> {
        let mut run = Run::new(seed);
        run.samples
            .reserve_exact(self.samples.len() * self.scenario.pairs.len());
        self.simulate(seed, self.scenario.span().1.day(), &mut run)?;
        Ok(run)
    }

    /// The monthly scores of the run with `seed`, and nothing else, written into `cells`
    /// pair by pair (pair `p`'s month `m` at `p * months + m`, `months` being the length
    /// of `cells` over the number of pairs): the scores [`Simulation::run`] samples, with
    /// no samples or log kept. What an experiment's runs need, at less cost. Months past
    /// the end of `cells` are dropped; cells past the run's last month are left as they
    /// were.
    pub fn run_scores_only(&mut self, seed: u64, cells: &mut [f64]) -> Result<(), RunError> {
        let mut row = Row::new(cells, self.scenario.pairs.len());
        self.simulate(seed, self.scenario.span().1.day(), &mut row)
    }

    /// [`Simulation::run`], its monthly scores also written into `cells` as
    /// [`Simulation::run_scores_only`] writes them: an experiment's run it keeps whole.
    pub fn run_with_scores(&mut self, seed: u64, cells: &mut [f64]) -> Result<Run, RunError> {
        let run = self.run(seed)?;
        let mut row = Row::new(cells, self.scenario.pairs.len());
        for s in run.monthly() {
            row.put(s.pair, s.score);
        }
        Ok(run)
    }

    /// Runs up to the end of `day` and lists every modifier with its value that day, read
    /// from the relations' ledgers and buckets and from the entities' components.
    pub fn explain(&mut self, seed: u64, day: Day) -> Result<Snapshot, RunError> {
        let mut run = Run::new(seed);
        self.simulate(seed, day, &mut run)?;
        let world = &mut self.world;
        let pairs = self.scenario.pairs.len();
        let mut parts = vec![score::Parts::default(); pairs];
        let mut modifiers: Vec<(Modifier, bool)> = Vec::new();
        for (p, mut relation, ledger) in world
            .query::<(&PairIdx, &mut Relation, &Ledger)>()
            .iter_mut(world)
        {
            relation.advance(day);
            parts[p.0] = relation.parts();
            modifiers.extend(ledger.0.iter().map(|m| {
                let bucket = &relation.buckets()[m.bucket];
                let counts = bucket.counts() && bucket.until.is_none_or(|u| day < u);
                (m.clone(), counts)
            }));
        }
        modifiers.sort_by_key(|(m, _)| (m.start, m.source, m.effect, m.pair));
        let sc = &*self.scenario;
        let mut ruling = vec![0; sc.states.len()];
        for (i, r) in world.query::<(&StateIdx, &Ruling)>().iter(world) {
            ruling[i.0] = r.0;
        }
        let mut in_office = vec![false; sc.leaders.len()];
        for (i, o) in world.query::<(&LeaderIdx, &Offices)>().iter(world) {
            in_office[i.0] = !o.0.is_empty();
        }
        let mut ideologies = vec![Vec::new(); sc.parties.len()];
        for (i, x) in world.query::<(&PartyIdx, &Ideology)>().iter(world) {
            ideologies[i.0].clone_from(&x.0);
        }
        Ok(Snapshot {
            day,
            parts,
            ruling,
            in_office,
            ideologies,
            modifiers,
            run,
        })
    }

    /// Puts the world back to the span's first day and fills the queue for `seed`.
    fn reset(&mut self, seed: u64) {
        let sc = &*self.scenario;
        let (start, end) = sc.simulated();
        let (start, end) = (start.day(), end.day());
        if let Err(e) = self.reset.run(&self.script, &mut self.world) {
            unreachable!("the systems take no parameter that can fail to validate: {e}")
        }
        self.turn.day = start;
        self.turn.due.clear();
        self.turn.outbox.clear();
        self.turn.history.reset(sc.events.len());
        self.queue.clear();
        self.watch.opened = 0;
        self.watch.watching.clear();
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
        let streams = &mut self.turn.streams;
        streams.reset(seed, sc.events.len());
        for (i, e) in sc.events.iter().enumerate() {
            if let Timing::Dated { date, window } = e.timing {
                let mut day = date.day();
                if window > 0 {
                    day += random::offset(streams.get(i, e.stream), window);
                    day = day.clamp(start, end);
                }
                self.queue.push(day, Item::Event(i));
            }
        }
    }

    /// Runs from the span's start to the end of `stop`, recording into `run`.
    fn simulate(&mut self, seed: u64, stop: Day, run: &mut impl Record) -> Result<(), RunError> {
        self.reset(seed);
        self.turn.scores_only = !run.logs();
        let sc = &*self.scenario;
        let max = sc.max_events;
        // The first day recorded: a prelude before it is run, not shown.
        let shown = sc.span().0.day();
        let mut next_sample = 0;
        let mut pulsed: Option<Day> = None;
        loop {
            let next_item = self.queue.next_day();
            // The samples before the next item, read off the relation in one access. A
            // monthly sample first pulses the triggered events: guards that the day and
            // score decide are settled here; one that depends on rulers, offices or what
            // fired stops the batch, to be read off the world below.
            let mut unsettled = None;
            let mut queued = false;
            let scores = &mut self.turn.scores;
            scores.resize(sc.pairs.len(), f64::NAN);
            // One view of the relations for the batch (its archetypes checked once); each
            // reached by its entity (cheaper than a pass of the query's iterator).
            let mut relations = self.relations.query_mut(&mut self.world);
            while let Some(&sample) = self.samples.get(next_sample)
                && sample.day <= stop
                && sample.day < next_item
            {
                // The samples of the pairs sampled that day; taken back below if the pulse
                // queues an event first.
                let taken = run.taken();
                for (pair, &entity) in self.script.roster.relations.iter().enumerate() {
                    if sample.has(pair, &self.sample_pairs)
                        && let Ok((_, mut relation)) = relations.get_mut(entity)
                    {
                        relation.advance(sample.day);
                        let parts = relation.parts();
                        let score = relation.squash(&parts);
                        scores[pair] = score;
                        if sample.day >= shown {
                            run.take(sample, pair, parts, score);
                        }
                    }
                }
                if sample.monthly && pulsed != Some(sample.day) && self.watch.open(sample.day) {
                    pulsed = Some(sample.day);
                    if self.watch.sift(sample.day, scores, sc, &self.turn.history) {
                        unsettled = Some((sample, taken));
                        break;
                    }
                    if self
                        .watch
                        .draw(&sample, sc, &mut self.turn.streams, &mut self.queue)
                    {
                        run.truncate(taken);
                        queued = true;
                        break;
                    }
                }
                // Coupling: the day's samples are final.
                if sample.monthly
                    && let Some(c) = &mut self.coupling
                {
                    couple(c, &mut relations, &self.script.roster, sample.month, scores);
                }
                next_sample += 1;
            }
            if queued {
                continue;
            }
            if let Some((sample, taken)) = unsettled {
                let facts = Standing {
                    states: self.rulers.query_manual(&self.world),
                    leaders: self.holders.query_manual(&self.world),
                    roster: &self.script.roster,
                    fired: &self.turn.history.fired,
                };
                self.watch.settle(sample.day, scores, sc, &facts);
                if self
                    .watch
                    .draw(&sample, sc, &mut self.turn.streams, &mut self.queue)
                {
                    run.truncate(taken);
                    continue;
                }
                // Coupling: the day's samples are final.
                if let Some(c) = &mut self.coupling {
                    let mut relations = self.relations.query_mut(&mut self.world);
                    couple(c, &mut relations, &self.script.roster, sample.month, scores);
                }
                next_sample += 1;
                continue;
            }
            if next_item > stop {
                break;
            }
            let turn = &mut self.turn;
            turn.day = next_item;
            turn.due.clear();
            while self.queue.next_day() == next_item
                && let Some((_, item)) = self.queue.pop()
            {
                turn.due.push(item);
            }
            if let Err(e) = self.step.run((&self.script, turn), &mut self.world) {
                unreachable!("the systems take no parameter that can fail to validate: {e}")
            }
            for (d, it) in turn.outbox.drain(..) {
                self.queue.push(d, it);
            }
            if turn.history.total > max
                && let Some((event, day)) = turn.history.last
            {
                return Err(RunError::Runaway {
                    limit: max,
                    event: sc.events[event].id.clone(),
                    date: Date::from_day(day),
                });
            }
        }
        run.keep_log(&mut self.turn.history.log, shown);
        Ok(())
    }
}

/// Where a run's samples go: kept whole in a [`Run`], or only the monthly scores, in a
/// [`Row`] of an experiment's table. (It lives beside the loop that calls it, whose sample
/// days it is given; [`crate::record`] has what a whole run keeps.)
trait Record {
    /// Whether the events that fire are logged, with the scores before and after them.
    fn logs(&self) -> bool;
    /// How many samples are taken so far: where [`Record::truncate`] takes them back to.
    fn taken(&self) -> usize;
    /// A sample of `pair` on the sample day `sample`, at the end of the day.
    fn take(&mut self, sample: SampleDay, pair: usize, parts: score::Parts, score: f64);
    /// Takes back the samples after the first `taken` (a pulse queued an event first).
    fn truncate(&mut self, taken: usize);
    /// Takes the run's log of fired events, of which those before day `shown` (a
    /// prelude's) are not recorded.
    fn keep_log(&mut self, log: &mut Vec<FiredEvent>, shown: Day);
}

impl Record for Run {
    fn logs(&self) -> bool {
        true
    }

    fn taken(&self) -> usize {
        self.samples.len()
    }

    fn take(&mut self, sample: SampleDay, pair: usize, parts: score::Parts, score: f64) {
        self.samples.push(sample.taken(pair, parts, score));
    }

    fn truncate(&mut self, taken: usize) {
        self.samples.truncate(taken);
    }

    fn keep_log(&mut self, log: &mut Vec<FiredEvent>, shown: Day) {
        self.fired = std::mem::take(log);
        self.fired.retain(|f| f.day >= shown);
    }
}

/// The monthly scores of a run, pair by pair: [`Simulation::run_scores_only`].
struct Row<'a> {
    /// Pair `p`'s month `m` at `p * months + m`.
    cells: &'a mut [f64],
    /// Months a pair.
    months: usize,
    /// The scenario's pairs, each sampled on every monthly sample day.
    pairs: usize,
    /// Monthly samples taken so far (month by month, each month pair by pair).
    taken: usize,
}

impl<'a> Row<'a> {
    /// An empty row of `cells` for a scenario of `pairs` pairs.
    fn new(cells: &'a mut [f64], pairs: usize) -> Row<'a> {
        let pairs = pairs.max(1);
        Row {
            months: cells.len() / pairs,
            pairs,
            cells,
            taken: 0,
        }
    }

    /// The next monthly sample's score, of pair `pair` (samples come month by month,
    /// each month pair by pair).
    fn put(&mut self, pair: usize, score: f64) {
        let month = self.taken / self.pairs;
        if month < self.months {
            self.cells[pair * self.months + month] = score;
        }
        self.taken += 1;
    }
}

impl Record for Row<'_> {
    fn logs(&self) -> bool {
        false
    }

    fn taken(&self) -> usize {
        self.taken
    }

    fn take(&mut self, sample: SampleDay, pair: usize, _: score::Parts, score: f64) {
        if sample.monthly {
            self.put(pair, score);
        }
    }

    fn truncate(&mut self, taken: usize) {
        self.taken = taken;
    }

    fn keep_log(&mut self, _: &mut Vec<FiredEvent>, _: Day) {}
}

/// Coupling: moves every relation's coupling term toward its target from the pairs'
/// `scores` on a monthly sample day whose samples are final, over the `days` of its month
/// (see [`crate::coupling`]).
fn couple(
    c: &mut Triangles,
    relations: &mut Query<(&PairIdx, &mut Relation)>,
    roster: &Roster,
    days: i32,
    scores: &[f64],
) {
    let keep = c.aim(days, scores);
    for (pair, &entity) in roster.relations.iter().enumerate() {
        if let Ok((_, mut relation)) = relations.get_mut(entity) {
            relation.coupling = c.relax(pair, relation.coupling, keep);
        }
    }
}

/// The triggered events, and those the monthly pulse watches during a run.
///
/// A pulse on the first of a month goes: [`Watch::open`] (events whose dates open join the
/// watch), [`Watch::sift`] (events closed or spent leave it; guards decided by the day and
/// the score alone are settled), [`Watch::settle`] (the other guards, against the world),
/// [`Watch::draw`] (each event whose guard holds draws whether it fires, in scenario order,
/// and is queued that day).
struct Watch {
    /// Triggered events, in scenario order.
    triggered: Vec<Trigger>,
    /// Triggered events (indices into `triggered`) by the first day their guard's dates
    /// allow.
    opening: Vec<usize>,
    /// During a run: how many of `opening` have opened, and the triggered events open and
    /// not yet spent (indices into `triggered`, in scenario order).
    opened: usize,
    watching: Vec<usize>,
    /// The watched events whose guards may hold on this pulse, in scenario order, with
    /// whether they do (`None` until settled against the world).
    candidates: Vec<(usize, Option<bool>)>,
}

impl Watch {
    /// Lets the events whose dates open by `day` join the watch, in scenario order;
    /// whether any event is watched.
    fn open(&mut self, day: Day) -> bool {
        while let Some(&k) = self.opening.get(self.opened)
            && self.triggered[k].dates.0 <= day
        {
            let at = self.watching.partition_point(|&w| w < k);
            self.watching.insert(at, k);
            self.opened += 1;
        }
        !self.watching.is_empty()
    }

    /// Drops the events closed by `day` or spent, and lists the others whose guards may
    /// hold with the relations at `scores`; whether some guard needs the world to settle.
    fn sift(&mut self, day: Day, scores: &[f64], sc: &Scenario, history: &History) -> bool {
        let triggered = &self.triggered;
        let candidates = &mut self.candidates;
        candidates.clear();
        let mut unsettled = false;
        self.watching.retain(|&k| {
            let t = &triggered[k];
            if day >= t.dates.1 || (!t.repeat && history.fired[t.event] > 0) {
                return false;
            }
            if let Some((p, lo, hi)) = t.scores
                && (scores[p] < lo || scores[p] >= hi)
            {
                return true;
            }
            let holds = sc.events[t.event]
                .when
                .as_ref()
                .map_or(Some(true), |c| settled(c, day, scores));
            if holds != Some(false) {
                unsettled |= holds.is_none();
                candidates.push((k, holds));
            }
            true
        });
        unsettled
    }

    /// Settles the guards [`Watch::sift`] left open, against the world.
    fn settle(&mut self, day: Day, scores: &[f64], sc: &Scenario, facts: &impl Facts) {
        for (k, holds) in &mut self.candidates {
            if holds.is_none() {
                let event = self.triggered[*k].event;
                let guard = sc.events[event].when.as_ref();
                *holds = Some(guard.is_none_or(|c| model::holds(c, day, scores, facts)));
            }
        }
    }

    /// Each candidate whose guard holds draws whether it fires on `sample`'s day, in
    /// scenario order; those that fire are queued that day. Whether any was.
    fn draw(
        &mut self,
        sample: &SampleDay,
        sc: &Scenario,
        streams: &mut Streams,
        queue: &mut Queue,
    ) -> bool {
        let mut any = false;
        for &(k, holds) in &self.candidates {
            if holds != Some(true) {
                continue;
            }
            let t = &self.triggered[k];
            let rng = streams.get(t.event, sc.events[t.event].stream);
            if random::fires(rng, t.chance[(sample.month - 28) as usize]) {
                queue.push(sample.day, Item::Event(t.event));
                any = true;
            }
        }
        self.candidates.clear();
        any
    }
}

/// A day on which the relations are sampled.
#[derive(Clone, Copy, Debug)]
struct SampleDay {
    day: Day,
    /// Whether it is a monthly row of the trajectory (the first of a month).
    monthly: bool,
    /// Days in its month, 28 to 31, for monthly samples (0 otherwise).
    month: i32,
    /// The pairs sampled that day: an empty range for every pair, else a range of
    /// [`Simulation`]'s `sample_pairs` (a checkpoint's day, for the checkpoints' pairs).
    only: (u32, u32),
}

impl SampleDay {
    /// Whether pair `pair` is sampled that day (`only` holds the pairs of `sample_pairs`
    /// it names).
    fn has(self, pair: usize, sample_pairs: &[usize]) -> bool {
        self.only.0 == self.only.1
            || sample_pairs[self.only.0 as usize..self.only.1 as usize].contains(&pair)
    }

    /// The sample of pair `pair` taken on this day.
    fn taken(self, pair: usize, parts: score::Parts, score: f64) -> Sample {
        Sample {
            day: self.day,
            monthly: self.monthly,
            pair,
            parts,
            score,
        }
    }
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
    /// A pair and the scores [from, to) outside which its guard's own score conditions on
    /// that pair rule it out, if it has any.
    scores: Option<(usize, f64, f64)>,
}

/// A pair and the scores [from, to) outside which a guard cannot hold, from its
/// `ScoreAtLeast`, `ScoreBelow` and `Band` conditions on that pair, alone or in an `All`
/// (the first pair such a condition names; conditions on other pairs are left to the
/// guard itself).
fn scores(c: &Condition) -> Option<(usize, f64, f64)> {
    match c {
        Condition::ScoreAtLeast(p, x) => Some((*p, *x, f64::INFINITY)),
        Condition::ScoreBelow(p, x) => Some((*p, f64::NEG_INFINITY, *x)),
        Condition::Band(p, lo, hi) => Some((*p, *lo, *hi)),
        Condition::All(cs) => {
            let mut out: Option<(usize, f64, f64)> = None;
            for (p, lo, hi) in cs.iter().filter_map(scores) {
                match &mut out {
                    None => out = Some((p, lo, hi)),
                    Some((q, a, b)) if *q == p => (*a, *b) = (a.max(lo), b.min(hi)),
                    Some(_) => {}
                }
            }
            out
        }
        _ => None,
    }
}

/// Adds to `out` the pairs whose scores a guard reads.
fn guard_pairs(c: &Condition, out: &mut Vec<usize>) {
    match c {
        Condition::ScoreAtLeast(p, _) | Condition::ScoreBelow(p, _) | Condition::Band(p, ..) => {
            out.push(*p);
        }
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| guard_pairs(c, out)),
        Condition::Not(c) => guard_pairs(c, out),
        _ => {}
    }
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
    /// The parts of each pair's score that day, in pair order.
    pub parts: Vec<score::Parts>,
    /// Ruling party of each state.
    pub ruling: Vec<usize>,
    /// Whether each leader is in office.
    pub in_office: Vec<bool>,
    /// Each party's ideology that day.
    pub ideologies: Vec<Vec<f64>>,
    /// Every modifier left so far on any pair, in order of start, with whether it counts
    /// that day.
    pub modifiers: Vec<(Modifier, bool)>,
    /// The run up to that day.
    pub run: Run,
}

/// The states with their ruling parties, as the systems change them, and the relations
/// each is the first or second state of.
type States<'w, 's> = Query<'w, 's, (&'static StateIdx, &'static mut Ruling)>;
/// The relations each state is the first or second state of (kept by bevy from the
/// relations' [`Between`] and [`And`]).
type Ties<'w, 's> = Query<
    'w,
    's,
    (
        Option<&'static RelationsFirst>,
        Option<&'static RelationsSecond>,
    ),
    With<StateIdx>,
>;
/// The parties with their ideologies and states.
type Parties<'w, 's> = Query<'w, 's, (&'static PartyIdx, &'static mut Ideology, &'static MemberOf)>;
/// The leaders with their offices and states.
type Leaders<'w, 's> = Query<'w, 's, (&'static LeaderIdx, &'static mut Offices, &'static MemberOf)>;
/// The relations of the pairs, with their gates and ledgers.
type Relations<'w, 's> = Query<
    'w,
    's,
    (
        &'static PairIdx,
        &'static mut Relation,
        &'static Gates,
        &'static mut Ledger,
    ),
>;

/// The states, read-only.
type StatesRead = (&'static StateIdx, &'static Ruling);
/// The leaders, read-only.
type LeadersRead = (&'static LeaderIdx, &'static Offices, &'static MemberOf);

/// What guards read, through read-only queries over the states and leaders, and the
/// history's counts: no copy of the components is kept beside them.
struct Standing<'a, 'w, 's> {
    states: Query<'w, 's, StatesRead>,
    leaders: Query<'w, 's, LeadersRead>,
    roster: &'a Roster,
    fired: &'a [u32],
}

/// The facts as the systems' queries hold them.
fn standing<'a>(
    states: &'a States<'_, '_>,
    leaders: &'a Leaders<'_, '_>,
    roster: &'a Roster,
    fired: &'a [u32],
) -> Standing<'a, 'a, 'a> {
    Standing {
        states: states.as_readonly(),
        leaders: leaders.as_readonly(),
        roster,
        fired,
    }
}

impl Facts for Standing<'_, '_, '_> {
    fn ruling(&self, state: usize) -> usize {
        self.states
            .get(self.roster.states[state])
            .map_or(usize::MAX, |(_, r)| r.0)
    }

    fn in_office(&self, leader: usize) -> bool {
        self.leaders
            .get(self.roster.leaders[leader])
            .is_ok_and(|(_, o, _)| !o.0.is_empty())
    }

    fn fired(&self, event: usize) -> u32 {
        self.fired[event]
    }
}

/// The relations (entities) of a state, found by traversing its relationships: those it is
/// the first state of, then those it is the second of.
fn relations_of<'a>(ties: &'a Ties<'_, '_>, state: Entity) -> impl Iterator<Item = Entity> + 'a {
    let (first, second) = ties.get(state).unwrap_or((None, None));
    let first = first.into_iter().flat_map(|r| r.iter());
    first.chain(second.into_iter().flat_map(|r| r.iter()))
}

/// Puts every component back to the first simulated day (the span's, or a prelude's):
/// rulers, ideologies, offices, and each relation's buckets (emptied and gated),
/// structural part and ledger.
fn reset_world(
    InRef(script): InRef<Script>,
    mut states: States<'_, '_>,
    mut parties: Parties<'_, '_>,
    mut leaders: Leaders<'_, '_>,
    mut relations: Relations<'_, '_>,
) {
    let sc = &*script.scenario;
    let start = sc.simulated().0.day();
    // The components are set in place: inserting them anew goes through bevy's bundle
    // machinery for every entity.
    for (i, mut ruling) in &mut states {
        ruling.0 = sc.states[i.0].ruling;
    }
    for (i, mut ideology, _) in &mut parties {
        ideology.0.clone_from(&sc.parties[i.0].ideology);
    }
    for (i, mut offices, _) in &mut leaders {
        offices.0.clear();
        let held = sc.leaders[i.0].terms.iter().filter(|t| t.covers(start));
        offices.0.extend(held.map(|t| t.office.clone()));
    }
    let facts = standing(&states, &leaders, &script.roster, &[]);
    let ideologies = parties.as_readonly();
    for (pair, mut relation, _, mut ledger) in &mut relations {
        ledger.0.clear();
        relation.reset(start);
        for b in 0..relation.buckets().len() {
            let counts = gate(relation.buckets()[b].level, sc, &facts);
            relation.set_counts(b, counts);
        }
        relation.structural = structural(sc, pair.0, &facts, &ideologies);
        // An accumulating level starts from the structural part's score.
        relation.reanchor(None);
    }
}

/// The day's items, in queue order: a term start or end changes a leader's offices; an
/// event checks its guard and chance, then takes all its effects (rulers, ideologies,
/// offices, modifiers, follow-ups) before the next item looks at the world. A party taking
/// or losing power, a leader entering or leaving office, gates again the pairs they are in,
/// in the relations of their state (found through its relationships); the structural part
/// of those relations follows rulers and ideologies. Stops after the event that fires one
/// more than the scenario's `max_events`, for the loop to report.
fn apply_due_events(
    (InRef(script), InMut(turn)): (InRef<Script>, InMut<Turn>),
    mut states: States<'_, '_>,
    ties: Ties<'_, '_>,
    mut parties: Parties<'_, '_>,
    mut leaders: Leaders<'_, '_>,
    mut relations: Relations<'_, '_>,
) {
    let sc = &*script.scenario;
    let roster = &script.roster;
    let Turn {
        day,
        due,
        outbox,
        streams,
        history,
        scores,
        scores_only,
    } = turn;
    let logs = !*scores_only;
    let day = *day;
    // A relation is brought up to the day only when an item concerns it: an event that
    // reads or logs its pair, a term of a leader of one of its states. So a pair's
    // relation steps on the same days whatever other pairs the scenario holds, and its
    // fading multiplies the same factors.
    for &item in due.iter() {
        let i = match item {
            Item::TermStart(l, t) | Item::TermEnd(l, t) => {
                let office = &sc.leaders[l].terms[t].office;
                let state = change_offices(&mut leaders, roster.leaders[l], |o| {
                    if matches!(item, Item::TermStart(..)) {
                        o.push(office.clone());
                    } else if let Some(k) = o.iter().position(|x| x == office) {
                        o.remove(k);
                    }
                });
                regate_leader(
                    &mut relations,
                    (&states, &ties),
                    &leaders,
                    (state, l, day),
                    sc,
                    roster,
                    &history.fired,
                );
                continue;
            }
            Item::Event(i) => i,
        };
        let e = &sc.events[i];
        scores.resize(roster.relations.len(), f64::NAN);
        // Every pair read is brought up to the day (so it steps through the same days
        // whether the run logs or not); its score is taken if the guard or the log reads
        // it.
        for (&p, &guarded) in script.reads[i].iter().zip(&script.guarded[i]) {
            if let Ok((_, mut relation, ..)) = relations.get_mut(roster.relations[p]) {
                relation.advance(day);
                if logs || guarded {
                    scores[p] = relation.score();
                }
            }
        }
        if let Some(c) = &e.when {
            let facts = standing(&states, &leaders, roster, &history.fired);
            if !holds(c, day, scores, &facts) {
                continue;
            }
        }
        // The event's stream is opened only for a draw: one that draws nothing (a chance
        // of 1, fixed values) leaves it unopened, and every stream's draws are the same
        // whenever it is opened.
        if e.chance < 1.0 && !random::passes(streams.get(i, e.stream), e.chance) {
            continue;
        }
        history.fired[i] += 1;
        history.total += 1;
        history.last = Some((i, day));
        // The modifiers tied to this event end from the start of its day, as a dated end
        // on that day would: the score before it, which it logs, already lacks them.
        for &(p, b) in &script.ends[i] {
            if let Ok((_, mut relation, ..)) = relations.get_mut(roster.relations[p]) {
                relation.advance(day);
                // Ended whether or not the run logs; the score after it only for the log.
                let counted = relation.end(b);
                if counted && logs && script.reads[i].contains(&p) {
                    scores[p] = relation.score();
                }
            }
        }
        // The states whose ruler or parties' ideology changed: their relations' structural
        // parts are computed again after all the effects.
        let mut restructure: Vec<Entity> = Vec::new();
        let mut reanchors: Vec<(usize, Option<f64>)> = Vec::new();
        for (k, effect) in e.effects.iter().enumerate() {
            match effect {
                Effect::Modifier {
                    pair, level, value, ..
                } => {
                    let value = random::draw(*value, || streams.get(i, e.stream));
                    let b = script.of_effect[i][k];
                    if let Ok((_, mut relation, _, mut ledger)) =
                        relations.get_mut(roster.relations[*pair])
                    {
                        relation.advance(day);
                        // Under accumulating dynamics, the move the value made.
                        let value = relation.add(b, value);
                        let bucket = &relation.buckets()[b];
                        ledger.0.push(Modifier {
                            pair: *pair,
                            level: *level,
                            value,
                            start: day,
                            half_life: relation.half_lives[bucket.fade],
                            source: i,
                            effect: k,
                            bucket: b,
                        });
                    }
                }
                Effect::Ideology { party, axis, shift } => {
                    let by = random::draw(*shift, || streams.get(i, e.stream));
                    if let Ok((_, mut ideology, state)) = parties.get_mut(roster.parties[*party]) {
                        let x = &mut ideology.0[*axis];
                        *x = (*x + by).clamp(-1.0, 1.0);
                        restructure.push(state.0);
                    }
                }
                Effect::Rule { state, party } => {
                    let entity = roster.states[*state];
                    let mut before = *party;
                    if let Ok((_, mut ruling)) = states.get_mut(entity) {
                        before = std::mem::replace(&mut ruling.0, *party);
                    }
                    let facts = standing(&states, &leaders, roster, &history.fired);
                    for r in relations_of(&ties, entity) {
                        if let Ok((_, mut relation, gates, _)) = relations.get_mut(r) {
                            relation.advance(day);
                            for p in [before, *party] {
                                regate(&mut relation, &gates.of_party[p], sc, &facts);
                            }
                        }
                    }
                    restructure.push(entity);
                }
                Effect::TakeOffice { leader, office } => {
                    let state = change_offices(&mut leaders, roster.leaders[*leader], |o| {
                        o.push(office.clone());
                    });
                    regate_leader(
                        &mut relations,
                        (&states, &ties),
                        &leaders,
                        (state, *leader, day),
                        sc,
                        roster,
                        &history.fired,
                    );
                }
                Effect::LeaveOffice { leader } => {
                    let state = change_offices(&mut leaders, roster.leaders[*leader], Vec::clear);
                    regate_leader(
                        &mut relations,
                        (&states, &ties),
                        &leaders,
                        (state, *leader, day),
                        sc,
                        roster,
                        &history.fired,
                    );
                }
                Effect::FollowUp { event, after } => {
                    outbox.push((day + *after as Day, Item::Event(*event)));
                }
                // After the structural parts are computed again below, so a revolution
                // that changes the ruling party restarts from the new structural part.
                Effect::Reanchor { pair, to } => reanchors.push((*pair, *to)),
            }
        }
        if !restructure.is_empty() {
            restructure.sort_unstable();
            restructure.dedup();
            let facts = standing(&states, &leaders, roster, &history.fired);
            let ideologies = parties.as_readonly();
            for &state in &restructure {
                for r in relations_of(&ties, state) {
                    if let Ok((pair, mut relation, ..)) = relations.get_mut(r) {
                        relation.structural = structural(sc, pair.0, &facts, &ideologies);
                    }
                }
            }
        }
        for (pair, to) in reanchors {
            if let Ok((_, mut relation, ..)) = relations.get_mut(roster.relations[pair]) {
                relation.advance(day);
                relation.reanchor(to);
            }
        }
        if logs {
            for &pair in &e.pairs {
                if let Ok((_, mut relation, ..)) = relations.get_mut(roster.relations[pair]) {
                    history.log.push(FiredEvent {
                        event: i,
                        day,
                        pair,
                        before: scores[pair],
                        after: relation.score(),
                    });
                }
            }
        }
        if history.total > sc.max_events {
            break;
        }
    }
}

/// Changes the offices of the leader whose entity is `leader`; the entity of their state.
fn change_offices(
    leaders: &mut Leaders<'_, '_>,
    leader: Entity,
    change: impl FnOnce(&mut Vec<String>),
) -> Option<Entity> {
    let (_, mut offices, state) = leaders.get_mut(leader).ok()?;
    change(&mut offices.0);
    Some(state.0)
}

/// Gates again, in every relation of the leader's state (each brought up to `day`), the
/// pairs of leaders that leader `l` is in.
fn regate_leader(
    relations: &mut Relations<'_, '_>,
    (states, ties): (&States<'_, '_>, &Ties<'_, '_>),
    leaders: &Leaders<'_, '_>,
    (state, l, day): (Option<Entity>, usize, Day),
    sc: &Scenario,
    roster: &Roster,
    fired: &[u32],
) {
    let Some(state) = state else { return };
    let facts = standing(states, leaders, roster, fired);
    for r in relations_of(ties, state) {
        if let Ok((_, mut relation, gates, _)) = relations.get_mut(r) {
            relation.advance(day);
            regate(&mut relation, &gates.of_leader[l], sc, &facts);
        }
    }
}

/// Gates again the buckets `buckets` of a relation, as the facts now stand.
fn regate(relation: &mut Relation, buckets: &[usize], sc: &Scenario, facts: &impl Facts) {
    for &b in buckets {
        let counts = gate(relation.buckets()[b].level, sc, facts);
        relation.set_counts(b, counts);
    }
}

/// Whether a level counts: always between the states; between two parties while both
/// rule; between two leaders while both are in office.
fn gate(level: Level, sc: &Scenario, facts: &impl Facts) -> bool {
    match level {
        Level::State => true,
        Level::Party(p, q) => {
            facts.ruling(sc.parties[p].state) == p && facts.ruling(sc.parties[q].state) == q
        }
        Level::Leader(l, m) => facts.in_office(l) && facts.in_office(m),
    }
}

/// The structural part of pair `pair`, for its states' ruling parties, from the parties'
/// ideologies.
fn structural(
    sc: &Scenario,
    pair: usize,
    facts: &Standing<'_, '_, '_>,
    parties: &Query<(&PartyIdx, &Ideology, &MemberOf)>,
) -> f64 {
    let the = &sc.pairs[pair];
    let (a, b) = (facts.ruling(the.states.0), facts.ruling(the.states.1));
    let ideology = |p: usize| {
        parties
            .get(facts.roster.parties[p])
            .map_or(&[][..], |(_, x, _)| &x.0[..])
    };
    score::structural(
        the.structure.base,
        the.structure.affinity,
        ideology(a),
        ideology(b),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use bevy_ecs::system::RunSystemOnce;

    use super::*;

    fn small() -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.ron");
        Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
    }

    fn event(sc: &Scenario, id: &str) -> usize {
        sc.events
            .iter()
            .position(|e| e.id == id)
            .unwrap_or_else(|| panic!("no event {id}"))
    }

    fn day(date: &str) -> Day {
        date.parse::<Date>().expect("a date").day()
    }

    /// A simulation reset for seed 1 and a turn for `date` with `due`.
    fn ready(sc: &Scenario, date: &str, due: Vec<Item>) -> Simulation {
        let mut sim = Simulation::new(sc);
        sim.reset(1);
        sim.turn.day = day(date);
        sim.turn.due = due;
        sim
    }

    /// Runs the step system once on the simulation's turn.
    fn step(sim: &mut Simulation) {
        let Simulation {
            world,
            script,
            turn,
            ..
        } = sim;
        world
            .run_system_once_with(apply_due_events, (&*script, turn))
            .expect("the step system runs");
    }

    /// The parts of the only pair's score.
    fn parts(sim: &mut Simulation) -> score::Parts {
        let e = sim.script.roster.relations[0];
        sim.world
            .get::<Relation>(e)
            .expect("the relation's entity")
            .parts()
    }

    fn ruling(sim: &mut Simulation, state: usize) -> usize {
        let mut q = sim.world.query::<(&StateIdx, &Ruling)>();
        q.iter(&sim.world)
            .find(|(i, _)| i.0 == state)
            .map(|(_, r)| r.0)
            .expect("the state's entity")
    }

    fn offices(sim: &mut Simulation, leader: usize) -> Vec<String> {
        let mut q = sim.world.query::<(&LeaderIdx, &Offices)>();
        q.iter(&sim.world)
            .find(|(i, _)| i.0 == leader)
            .map(|(_, o)| o.0.clone())
            .expect("the leader's entity")
    }

    #[test]
    fn reset_world_puts_every_component_back_to_the_first_day() {
        let sc = small();
        let mut sim = Simulation::new(&sc);
        sim.reset(1);
        let first = parts(&mut sim);
        // A whole run leaves Pink ruling the north, Ann out of office, modifiers behind.
        sim.run(1).expect("the run completes");
        assert_eq!(ruling(&mut sim, 0), 1);
        assert!(offices(&mut sim, 0).is_empty());
        let Simulation { world, script, .. } = &mut sim;
        world
            .run_system_once_with(reset_world, &*script)
            .expect("the reset system runs");
        assert_eq!(ruling(&mut sim, 0), 0, "red rules the north again");
        assert_eq!(offices(&mut sim, 0), ["leader"], "Ann is in office again");
        assert!(offices(&mut sim, 1).is_empty(), "Ben is not yet");
        assert_eq!(parts(&mut sim), first);
        assert_eq!(first.state + first.party + first.leader, 0.0);
        let mut q = sim.world.query::<&Ledger>();
        assert!(q.single(&sim.world).expect("one ledger").0.is_empty());
    }

    #[test]
    fn apply_due_events_takes_the_items_of_a_day_in_order() {
        let sc = small();
        let (ties, election) = (event(&sc, "party_ties"), event(&sc, "election"));
        let mut sim = ready(
            &sc,
            "1955-12-01",
            vec![Item::Event(ties), Item::Event(election)],
        );
        let structural = parts(&mut sim).structural;
        step(&mut sim);
        // The ties count as long as red and blue rule, which ends with the election the
        // same day: the log shows them both, in order.
        let log = &sim.turn.history.log;
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].event, log[1].event), (ties, election));
        assert!(log[0].after > log[0].before + 1.5);
        assert_eq!(log[0].after, log[1].before);
        assert!(log[1].after < log[1].before);
        assert_eq!(ruling(&mut sim, 0), 1, "pink rules the north");
        let now = parts(&mut sim);
        assert_eq!(now.party, 0.0);
        assert_ne!(now.structural, structural);
        // The ledger keeps the modifier, which no longer counts.
        let mut q = sim.world.query::<&Ledger>();
        let ledger = &q.single(&sim.world).expect("one ledger").0;
        assert_eq!(ledger.len(), 1);
        assert_eq!((ledger[0].source, ledger[0].value), (ties, 2.0));
    }

    #[test]
    fn apply_due_events_ends_a_term_and_drops_the_leaders_pairs() {
        let sc = small();
        let friendship = event(&sc, "friendship");
        let mut sim = ready(
            &sc,
            "1955-06-01",
            vec![Item::Event(friendship), Item::TermEnd(0, 0)],
        );
        step(&mut sim);
        assert!(offices(&mut sim, 0).is_empty());
        assert_eq!(parts(&mut sim).leader, 0.0);
        // Without the term's end the friendship counts.
        let mut sim = ready(&sc, "1955-06-01", vec![Item::Event(friendship)]);
        step(&mut sim);
        assert_eq!(parts(&mut sim).leader, 3.0);
    }

    /// An event's score before is read after the same day's earlier items and without the
    /// modifiers that end that day (as `prc_proclaimed` on 1949-10-01 in the Sino-Soviet
    /// run): the apology's `Until("1958-01-01")` counts in the treaty's score before on
    /// 1957-12-31, not on 1958-01-01.
    #[test]
    fn an_events_score_before_leaves_out_the_modifiers_ending_that_day() {
        let sc = small();
        let (apology, treaty) = (event(&sc, "apology"), event(&sc, "treaty"));
        let before = |with_apology: bool, date: &str| {
            let due = if with_apology {
                vec![Item::Event(apology)]
            } else {
                vec![]
            };
            let mut sim = ready(&sc, "1957-06-01", due);
            step(&mut sim);
            sim.turn.day = day(date);
            sim.turn.due = vec![Item::Event(treaty)];
            step(&mut sim);
            sim.turn
                .history
                .log
                .last()
                .expect("the treaty fired")
                .before
        };
        assert!(before(true, "1957-12-31") > before(false, "1957-12-31") + 0.5);
        assert_eq!(
            before(true, "1958-01-01").to_bits(),
            before(false, "1958-01-01").to_bits()
        );
    }

    #[test]
    fn apply_due_events_skips_an_event_whose_guard_fails_and_queues_follow_ups() {
        let sc = small();
        // The spat's guard needs 1958 or later.
        let spat = event(&sc, "spat");
        let mut sim = ready(&sc, "1957-03-01", vec![Item::Event(spat)]);
        step(&mut sim);
        assert!(sim.turn.history.log.is_empty());
        assert_eq!(sim.turn.history.total, 0);
        // The incident (chance 0.9) schedules the apology 14 days on when it happens.
        let (incident, apology) = (event(&sc, "incident"), event(&sc, "apology"));
        let mut fired = 0;
        for seed in 0..20 {
            let mut sim = ready(&sc, "1957-01-01", vec![Item::Event(incident)]);
            sim.turn.streams.reset(seed, sc.events.len());
            step(&mut sim);
            if sim.turn.history.total == 1 {
                fired += 1;
                let later = day("1957-01-15");
                assert_eq!(sim.turn.outbox, [(later, Item::Event(apology))]);
            } else {
                assert!(sim.turn.outbox.is_empty());
            }
        }
        assert!(fired > 10, "{fired} of 20");
    }
}
