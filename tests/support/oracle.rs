//! The oracle: the model of docs/model.md and docs/scenario-format.md as one
//! plain loop over vectors, with no ECS. The integration tests run it beside the engine
//! (`tests/integration/reference.rs`), so a bug in either shows as a disagreement; the
//! benches run it as the yardstick of what the engine's ECS costs (`run/.../plain`).
//!
//! # Where it lives
//!
//! Here, `tests/support/oracle.rs`, one file and one copy: outside `src/`, so it never
//! ships and nothing in the library can call into it, and beside `tests/support/charts.rs`,
//! the other piece of equipment the tests and the benches share. The integration tests
//! include it with `#[path = "../support/oracle.rs"] mod oracle;` (in
//! `tests/integration/main.rs`), the benches `engine` and `profile` with
//! `#[path = "../tests/support/oracle.rs"] mod oracle;`. It was `benches/support/reference.rs`:
//! it left that folder because it is a test's oracle first and a bench's yardstick second,
//! and its name because "reference" is what the program calls a measured series.
//!
//! # What it shares with the library
//!
//! Data only. It reads the validated [`Scenario`] (the file's ids resolved to indices, the
//! half-lives in days, each event's `pairs`, which validation derives) and writes the
//! library's plain output structs ([`Run`], [`Sample`], [`Parts`], [`FiredEvent`],
//! [`RunError`]), so that a test compares like with like. The only library functions it
//! calls are accessors: the scenario's getters, and [`Date`]'s day count in and out (to
//! read the span and checkpoint dates, and to date a runaway error). The calendar of
//! sample days, the queue, the stream ids (FNV-1a 64), the draws, the guards, the
//! gating, the similarity and structural part, the fading and the squashing are all
//! written here, from those docs. The docs fix the generator
//! (`ChaCha8Rng::seed_from_u64(seed)` switched to stream `FNV-1a-64(event id)`), the
//! order of an event's draws and their distributions, but not the algorithm that turns
//! bits into a number; for that the oracle calls the `rand` and `rand_distr` crates
//! directly (`random_range` for the uniform offset and values, `random::<f64>() < p` for a
//! chance, `rand_distr::Normal`), not `diplosim::random`.
//!
//! # What it leaves out
//!
//! The coupling between the pairs (docs/model.md, "the friend of my enemy"): it runs a
//! coupled scenario as if its pairs were independent, and the reference tests use no
//! coupled file. `tests/integration/coupling.rs` checks the engine's term against the
//! documented recurrence instead, from `trajectory.csv`.
//!
//! # How it differs from the engine, and so how closely they agree
//!
//! Its sums of modifiers are its own and simpler: one per (pair, level, half-life, end
//! date) in order of first use, every sum of every pair faded at every step whether it
//! counts or not, by factors `2^(-days / half-life)` (`exp2`), and every sum gated again
//! after any change of rulers or offices; guards and the pulse read every pair's score
//! afresh. So its numbers are the engine's up to rounding (the order of the additions and
//! the way a factor is computed differ), not bit for bit: the tests allow 1e-12.
//! Being simple it is not a lower bound of the arithmetic: its gating makes the synthetic
//! scenarios, whose leaders grow with the events, quadratic.
//!
//! # The model, as it runs here
//!
//! - Every pair of the scenario has its relation: its structural part
//!   (`base + affinity * similarity` of its two states' ruling parties) and its sums.
//!   Every modifier moves the pair its effect names; its level gates it within the pair
//!   (state: always; party: both parties rule; leader: both leaders hold an office).
//! - The queue is ordered by (day, sequence). At the start of a run: leaders' term ends,
//!   then term starts (both after the first day, up to the last), then dated events in
//!   file order, each dated event drawing its offset if it has a window. Follow-ups and
//!   triggered events take the next number when scheduled.
//! - An event, when due: each pair's score is read (after the day's earlier items, without
//!   the `Until` modifiers ending that day); its guard is checked on those scores, then its
//!   chance is drawn; if it happens, the modifiers tied to it (`UntilEvent`) stop counting
//!   from the start of the day (its score before is read again without them), then its
//!   effects apply in order, each drawn value drawn in effect order. It is logged once per pair of its `pairs`, with that pair's score before and
//!   after.
//! - Samples are read at the end of their day, in (day, pair) order: on every first of a
//!   month in the span, one per pair; on a checkpoint's first and last day, one for the
//!   checkpoint's pair only, so a pair is read on the same days whatever other pairs the
//!   scenario holds (a rule the README does not state yet; the engine's doc of
//!   `Simulation::with_days` does, and `record::Run`'s doc still says one per pair).
//! - On the first of a month, once that day's items are done, the pulse checks each
//!   triggered event whose guard holds on the pairs' scores and that may still fire; it
//!   fires with probability `1 - exp(-days in the month / mtth)`, queued that same day.
//!   The day's samples wait for what the pulse queued.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use diplosim::date::{Date, Day};
use diplosim::engine::RunError;
use diplosim::model::FiredEvent;
use diplosim::record::{Run, Sample};
use diplosim::scenario::{Condition, Effect, Level, Scenario, Timing, Value};
use diplosim::score::Parts;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

/// What the queue holds: a leader's term (leader, term) ending or starting, or an event.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    TermEnd(usize, usize),
    TermStart(usize, usize),
    Event(usize),
}

/// A day on which samples are read.
struct SampleDay {
    day: Day,
    /// On the first of a month, that month's length in days; 0 on other days.
    month: i32,
    /// The pairs read, ascending.
    pairs: Vec<usize>,
}

/// A triggered event as the pulse sees it.
#[derive(Clone, Copy)]
struct Trigger {
    /// Its index in the scenario.
    event: usize,
    /// Its chance of firing on one pulse, for months of 28, 29, 30 and 31 days.
    chance: [f64; 4],
    /// The days [from, to) outside which the dates in its guard cannot hold.
    from: Day,
    to: Day,
}

/// A scenario prepared for plain-loop runs; reusable for any number of runs.
pub struct Oracle<'a> {
    sc: &'a Scenario,
    /// The span's first and last day.
    start: Day,
    end: Day,
    /// Sample days in order.
    days: Vec<SampleDay>,
    /// Each event's stream id, FNV-1a 64 of its id.
    stream_ids: Vec<u64>,
    /// Triggered events in scenario order.
    triggered: Vec<Trigger>,
    /// Indices into `triggered`, in order of the first day their guards allow.
    opening: Vec<usize>,
    /// For each (event, effect), the sum its modifier goes to (`usize::MAX` for effects
    /// that are not modifiers).
    sum_of: Vec<Vec<usize>>,
    run: State,
}

/// Everything one run changes.
struct State {
    queue: BinaryHeap<Reverse<(Day, u64, Item)>>,
    seq: u64,
    /// The run's generator, from which each event's stream is cloned.
    base: ChaCha8Rng,
    /// Index of each event's stream in `streams`; `usize::MAX` until its first draw.
    stream_at: Vec<usize>,
    streams: Vec<ChaCha8Rng>,
    /// The party ruling each state.
    ruling: Vec<usize>,
    /// Each party's position on each axis.
    ideology: Vec<Vec<f64>>,
    /// The offices each leader holds (one entry per office taken).
    offices: Vec<Vec<String>>,
    /// Times each event has fired, and in all.
    fired: Vec<u32>,
    total: u32,
    /// Each pair's structural part as things stand.
    structural: Vec<f64>,
    sums: Sums,
    /// Each pair's parts and score as last read.
    now: Vec<(Parts, f64)>,
    /// How many of `opening` have opened; those open and not spent, in scenario order.
    opened: usize,
    watching: Vec<usize>,
}

impl<'a> Oracle<'a> {
    /// Prepares a scenario: its sample days, its sums, its triggered events.
    pub fn new(sc: &'a Scenario) -> Oracle<'a> {
        let (start, end) = (sc.span().0.day(), sc.span().1.day());
        let every: Vec<usize> = (0..sc.pairs().len()).collect();
        let mut days: Vec<SampleDay> = month_starts(start, end)
            .into_iter()
            .map(|(day, month)| SampleDay {
                day,
                month,
                pairs: every.clone(),
            })
            .collect();
        for c in &sc.timeline().checkpoints {
            for day in [c.from.day(), c.to.day()] {
                if !(start..=end).contains(&day) {
                    continue;
                }
                match days.iter_mut().find(|s| s.day == day) {
                    Some(s) => {
                        if !s.pairs.contains(&c.pair) {
                            s.pairs.push(c.pair);
                            s.pairs.sort_unstable();
                        }
                    }
                    None => days.push(SampleDay {
                        day,
                        month: 0,
                        pairs: vec![c.pair],
                    }),
                }
            }
        }
        days.sort_unstable_by_key(|s| s.day);

        let mut keys: Vec<Key> = Vec::new();
        let sum_of = sc
            .events()
            .iter()
            .map(|e| {
                e.effects
                    .iter()
                    .map(|x| match x {
                        Effect::Modifier {
                            pair,
                            level,
                            fade,
                            until,
                            ..
                        } => {
                            let key = Key {
                                pair: *pair,
                                level: *level,
                                half_life: sc.fades()[*fade],
                                until: until.as_ref().filter(|u| u.cause.is_none()).map(|u| u.day),
                                cause: until
                                    .as_ref()
                                    .and_then(|u| u.cause.as_ref())
                                    .and_then(|c| c.event),
                            };
                            keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                                keys.push(key);
                                keys.len() - 1
                            })
                        }
                        _ => usize::MAX,
                    })
                    .collect()
            })
            .collect();
        let triggered: Vec<Trigger> = sc
            .events()
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e.timing {
                Timing::Triggered { mtth, .. } => {
                    let (from, to) = e.when.as_ref().map_or((Day::MIN, Day::MAX), dates);
                    Some(Trigger {
                        event: i,
                        chance: std::array::from_fn(|k| 1.0 - (-(28.0 + k as f64) / mtth).exp()),
                        from,
                        to,
                    })
                }
                _ => None,
            })
            .collect();
        let mut opening: Vec<usize> = (0..triggered.len()).collect();
        opening.sort_by_key(|&k| triggered[k].from);
        let pairs = sc.pairs().len();
        Oracle {
            sc,
            start,
            end,
            days,
            stream_ids: sc.events().iter().map(|e| fnv1a(&e.id)).collect(),
            triggered,
            opening,
            sum_of,
            run: State {
                queue: BinaryHeap::new(),
                seq: 0,
                base: ChaCha8Rng::seed_from_u64(0),
                stream_at: Vec::new(),
                streams: Vec::new(),
                ruling: Vec::new(),
                ideology: Vec::new(),
                offices: Vec::new(),
                fired: Vec::new(),
                total: 0,
                structural: vec![0.0; pairs],
                sums: Sums::new(keys, pairs),
                now: vec![(Parts::default(), 0.0); pairs],
                opened: 0,
                watching: Vec::new(),
            },
        }
    }

    /// One run with a seed, from the span's first day to its last.
    pub fn run(&mut self, seed: u64) -> Result<Run, RunError> {
        self.reset(seed);
        let mut out = Run {
            seed,
            samples: Vec::with_capacity(self.days.iter().map(|s| s.pairs.len()).sum()),
            fired: Vec::new(),
        };
        let mut next = 0;
        let mut pulsed = None;
        loop {
            let due = self.run.queue.peek().map_or(Day::MAX, |Reverse(x)| x.0);
            if let Some(&SampleDay { day, month, .. }) = self.days.get(next)
                && day < due
            {
                self.read(day);
                if month > 0 && !self.triggered.is_empty() && pulsed != Some(day) {
                    pulsed = Some(day);
                    if self.pulse(day, month) {
                        continue;
                    }
                }
                for &pair in &self.days[next].pairs {
                    let (parts, score) = self.run.now[pair];
                    out.samples.push(Sample {
                        day,
                        monthly: month > 0,
                        pair,
                        parts,
                        score,
                    });
                }
                next += 1;
                continue;
            }
            if due > self.end {
                break;
            }
            let Some(Reverse((day, _, item))) = self.run.queue.pop() else {
                break;
            };
            match item {
                Item::TermStart(l, t) => {
                    let office = self.sc.leaders()[l].terms[t].office.clone();
                    self.run.offices[l].push(office);
                    self.gate();
                }
                Item::TermEnd(l, t) => {
                    let office = &self.sc.leaders()[l].terms[t].office;
                    if let Some(k) = self.run.offices[l].iter().position(|o| o == office) {
                        self.run.offices[l].remove(k);
                    }
                    self.gate();
                }
                Item::Event(i) => {
                    self.event(i, day, &mut out.fired);
                    if self.run.total > self.sc.max_events() {
                        return Err(RunError::Runaway {
                            limit: self.sc.max_events(),
                            event: self.sc.events()[i].id.clone(),
                            date: Date::from_day(day),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Puts everything back to the first day and fills the queue.
    fn reset(&mut self, seed: u64) {
        let (sc, start, end) = (self.sc, self.start, self.end);
        let n = sc.events().len();
        let r = &mut self.run;
        r.queue.clear();
        r.seq = 0;
        r.base = ChaCha8Rng::seed_from_u64(seed);
        r.stream_at.clear();
        r.stream_at.resize(n, usize::MAX);
        r.streams.clear();
        r.ruling = sc.states().iter().map(|s| s.ruling).collect();
        r.ideology = sc.parties().iter().map(|p| p.ideology.clone()).collect();
        r.offices = sc
            .leaders()
            .iter()
            .map(|l| {
                l.terms
                    .iter()
                    .filter(|t| t.from <= start && t.to.is_none_or(|to| start < to))
                    .map(|t| t.office.clone())
                    .collect()
            })
            .collect();
        r.fired.clear();
        r.fired.resize(n, 0);
        r.total = 0;
        r.opened = 0;
        r.watching.clear();
        r.sums.reset(start);
        self.gate();
        self.restructure();

        for (l, leader) in sc.leaders().iter().enumerate() {
            for (t, term) in leader.terms.iter().enumerate() {
                if let Some(to) = term.to
                    && start < to
                    && to <= end
                {
                    self.push(to, Item::TermEnd(l, t));
                }
            }
        }
        for (l, leader) in sc.leaders().iter().enumerate() {
            for (t, term) in leader.terms.iter().enumerate() {
                if start < term.from && term.from <= end {
                    self.push(term.from, Item::TermStart(l, t));
                }
            }
        }
        for (i, e) in sc.events().iter().enumerate() {
            if let Timing::Dated { date, window } = e.timing {
                let mut day = date.day();
                if window > 0 {
                    let w = window as i32;
                    day = (day + self.stream(i).random_range(-w..=w)).clamp(start, end);
                }
                self.push(day, Item::Event(i));
            }
        }
    }

    fn push(&mut self, day: Day, item: Item) {
        self.run.queue.push(Reverse((day, self.run.seq, item)));
        self.run.seq += 1;
    }

    /// The event's own stream, opened on its first draw.
    fn stream(&mut self, event: usize) -> &mut ChaCha8Rng {
        let r = &mut self.run;
        if r.stream_at[event] == usize::MAX {
            let mut rng = r.base.clone();
            rng.set_stream(self.stream_ids[event]);
            r.stream_at[event] = r.streams.len();
            r.streams.push(rng);
        }
        &mut r.streams[r.stream_at[event]]
    }

    /// Reads every pair's parts and score on `day` into `now`.
    fn read(&mut self, day: Day) {
        let bound = self.sc.scale().bound;
        let r = &mut self.run;
        r.sums.fade(day);
        for (pair, now) in r.now.iter_mut().enumerate() {
            let mut parts = r.sums.parts(pair, day);
            parts.structural = r.structural[pair];
            let raw = parts.structural + parts.state + parts.party + parts.leader;
            *now = (parts, squash(raw, bound));
        }
    }

    /// Whether each sum counts, as things stand.
    fn gate(&mut self) {
        let (sc, r) = (self.sc, &mut self.run);
        for (k, key) in r.sums.keys.iter().enumerate() {
            r.sums.counts[k] = match key.level {
                Level::State => true,
                Level::Party(p, q) => {
                    r.ruling[sc.parties()[p].state] == p && r.ruling[sc.parties()[q].state] == q
                }
                Level::Leader(l, m) => !r.offices[l].is_empty() && !r.offices[m].is_empty(),
            };
        }
        r.sums.relist();
    }

    /// Every pair's structural part, as things stand.
    fn restructure(&mut self) {
        let (sc, r) = (self.sc, &mut self.run);
        for (pair, p) in sc.pairs().iter().enumerate() {
            let (a, b) = p.states;
            let similarity = similarity(&r.ideology[r.ruling[a]], &r.ideology[r.ruling[b]]);
            r.structural[pair] = p.structure.base + p.structure.affinity * similarity;
        }
    }

    /// Whether a guard holds on `day`, with the pairs' scores as last read.
    fn holds(&self, c: &Condition, day: Day) -> bool {
        let r = &self.run;
        match c {
            Condition::Rules(s, p) => r.ruling[*s] == *p,
            Condition::InOffice(l) => !r.offices[*l].is_empty(),
            Condition::ScoreAtLeast(pair, x) => r.now[*pair].1 >= *x,
            Condition::ScoreBelow(pair, x) => r.now[*pair].1 < *x,
            Condition::Band(pair, lo, hi) => (*lo..*hi).contains(&r.now[*pair].1),
            Condition::Happened(e) => r.fired[*e] > 0,
            Condition::After(d) => day >= *d,
            Condition::Before(d) => day < *d,
            Condition::All(cs) => cs.iter().all(|c| self.holds(c, day)),
            Condition::Any(cs) => cs.iter().any(|c| self.holds(c, day)),
            Condition::Not(c) => !self.holds(c, day),
        }
    }

    /// The monthly pulse on the first of a month of `month` days, with the pairs' scores
    /// read: whether it queued any event.
    fn pulse(&mut self, day: Day, month: i32) -> bool {
        let sc = self.sc;
        // Guards whose dates allow today join the watch, in scenario order; those whose
        // dates are past, and events that cannot fire again, leave it.
        while let Some(&k) = self.opening.get(self.run.opened)
            && self.triggered[k].from <= day
        {
            let at = self.run.watching.partition_point(|&w| w < k);
            self.run.watching.insert(at, k);
            self.run.opened += 1;
        }
        let mut any = false;
        let mut w = 0;
        while w < self.run.watching.len() {
            let t = self.triggered[self.run.watching[w]];
            let e = &sc.events()[t.event];
            let repeat = matches!(e.timing, Timing::Triggered { repeat: true, .. });
            if day >= t.to || (!repeat && self.run.fired[t.event] > 0) {
                self.run.watching.remove(w);
                continue;
            }
            w += 1;
            if e.when.as_ref().is_some_and(|c| !self.holds(c, day)) {
                continue;
            }
            let p = t.chance[(month - 28) as usize];
            if self.stream(t.event).random::<f64>() < p {
                self.push(day, Item::Event(t.event));
                any = true;
            }
        }
        any
    }

    /// Event `i` falls due on `day`: its guard, its chance, then its effects in order;
    /// if it fires, it is logged in `log` once per pair it is logged on.
    fn event(&mut self, i: usize, day: Day, log: &mut Vec<FiredEvent>) {
        let sc = self.sc;
        let e = &sc.events()[i];
        self.read(day);
        if e.when.as_ref().is_some_and(|c| !self.holds(c, day)) {
            return;
        }
        if e.chance < 1.0 && self.stream(i).random::<f64>() >= e.chance {
            return;
        }
        if self.run.sums.end_tied(i, day) {
            self.read(day);
        }
        let first = log.len();
        for &pair in &e.pairs {
            log.push(FiredEvent {
                event: i,
                day,
                pair,
                before: self.run.now[pair].1,
                after: f64::NAN,
            });
        }
        self.run.fired[i] += 1;
        self.run.total += 1;
        for (k, effect) in e.effects.iter().enumerate() {
            match effect {
                Effect::Modifier { value, .. } => {
                    let v = draw(*value, self.stream(i));
                    self.run.sums.add(self.sum_of[i][k], v);
                }
                Effect::Ideology { party, axis, shift } => {
                    let by = draw(*shift, self.stream(i));
                    let x = &mut self.run.ideology[*party][*axis];
                    *x = (*x + by).clamp(-1.0, 1.0);
                    self.restructure();
                }
                Effect::Rule { state, party } => {
                    self.run.ruling[*state] = *party;
                    self.gate();
                    self.restructure();
                }
                Effect::TakeOffice { leader, office } => {
                    self.run.offices[*leader].push(office.clone());
                    self.gate();
                }
                Effect::LeaveOffice { leader } => {
                    self.run.offices[*leader].clear();
                    self.gate();
                }
                Effect::FollowUp { event, after } => {
                    self.push(day + *after as Day, Item::Event(*event));
                }
                // A re-anchor changes nothing under decaying dynamics, the only ones the
                // oracle models.
                Effect::Reanchor { .. } => {}
            }
        }
        self.read(day);
        for f in &mut log[first..] {
            f.after = self.run.now[f.pair].1;
        }
    }
}

/// A value of an effect: fixed, or drawn on the event's stream (an empty uniform range
/// draws nothing; an invalid normal, which validation refuses, would give its mean).
fn draw(value: Value, rng: &mut ChaCha8Rng) -> f64 {
    match value {
        Value::Fixed(x) => x,
        Value::Uniform(lo, hi) if lo == hi => lo,
        Value::Uniform(lo, hi) => rng.random_range(lo..=hi),
        Value::Normal(mean, sd) => {
            rand_distr::Normal::new(mean, sd).map_or(mean, |normal| normal.sample(rng))
        }
    }
}

/// The days [from, to) outside which a guard's dates cannot hold.
fn dates(c: &Condition) -> (Day, Day) {
    match c {
        Condition::After(d) => (*d, Day::MAX),
        Condition::Before(d) => (Day::MIN, *d),
        Condition::All(cs) => cs
            .iter()
            .map(dates)
            .fold((Day::MIN, Day::MAX), |a, b| (a.0.max(b.0), a.1.min(b.1))),
        _ => (Day::MIN, Day::MAX),
    }
}

/// FNV-1a, 64 bits: an event's stream id.
fn fnv1a(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `M * tanh(raw / M)`.
fn squash(raw: f64, bound: f64) -> f64 {
    bound * (raw / bound).tanh()
}

/// `1 - 2d / (2 sqrt(n))` for two positions at Euclidean distance d on n axes: 1 for the
/// same position, -1 for opposite corners. With no axes every position is the same.
fn similarity(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() {
        return 1.0;
    }
    let d = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt();
    1.0 - 2.0 * d / (2.0 * (a.len() as f64).sqrt())
}

/// `2^(-days / half_life)`; 1 for an infinite half-life.
fn fading(days: f64, half_life: f64) -> f64 {
    if half_life.is_infinite() {
        1.0
    } else {
        (-days / half_life).exp2()
    }
}

/// Whether `year` has a 29 February.
fn leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The length in days of a month (1 to 12).
fn month_len(year: i32, month: u32) -> i32 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Every first of a month in [start, end] (days since 1970-01-01), with its month's length.
fn month_starts(start: Day, end: Day) -> Vec<(Day, i32)> {
    let year_len = |y: i32| if leap(y) { 366 } else { 365 };
    // Walk from 1970-01-01 to the first of the month that holds `start`.
    let (mut year, mut month, mut first) = (1970, 1, 0);
    while first > start {
        year -= 1;
        first -= year_len(year);
    }
    while first + year_len(year) <= start {
        first += year_len(year);
        year += 1;
    }
    while first + month_len(year, month) <= start {
        first += month_len(year, month);
        month += 1;
    }
    let mut out = Vec::new();
    while first <= end {
        if first >= start {
            out.push((first, month_len(year, month)));
        }
        first += month_len(year, month);
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    out
}

/// What one sum gathers: modifiers of one pair, at one level, with one half-life and end.
#[derive(Clone, Copy, PartialEq)]
struct Key {
    pair: usize,
    level: Level,
    /// Days; infinite for modifiers that do not fade.
    half_life: f64,
    /// The first day it no longer counts, for a dated end.
    until: Option<Day>,
    /// The event whose day ends it, for an end tied to one.
    cause: Option<usize>,
}

/// The sums of modifiers of one run, all faded to the same day.
struct Sums {
    keys: Vec<Key>,
    /// Whether each sum's gate is open as things stand.
    counts: Vec<bool>,
    /// Each sum's value on `day`.
    values: Vec<f64>,
    /// Whether a modifier has gone into each sum this run.
    filled: Vec<bool>,
    /// The day each sum tied to an event was ended by it, this run.
    ended: Vec<Option<Day>>,
    /// The fading factor over 0 to 63 days, per sum.
    table: Vec<[f64; 64]>,
    /// The sums filled that fade, which every step multiplies.
    fading: Vec<usize>,
    /// Per pair, the sums filled whose gate is open, which a reading adds up.
    live: Vec<Vec<usize>>,
    day: Day,
}

impl Sums {
    fn new(keys: Vec<Key>, pairs: usize) -> Sums {
        let table = keys
            .iter()
            .map(|k| std::array::from_fn(|d| fading(d as f64, k.half_life)))
            .collect();
        Sums {
            counts: vec![false; keys.len()],
            values: vec![0.0; keys.len()],
            filled: vec![false; keys.len()],
            ended: vec![None; keys.len()],
            keys,
            table,
            fading: Vec::new(),
            live: vec![Vec::new(); pairs],
            day: 0,
        }
    }

    fn reset(&mut self, day: Day) {
        self.values.fill(0.0);
        self.filled.fill(false);
        self.ended.fill(None);
        self.fading.clear();
        self.live.iter_mut().for_each(Vec::clear);
        self.day = day;
    }

    /// Adds a modifier's value to sum `k`, which has been faded to today.
    fn add(&mut self, k: usize, value: f64) {
        self.values[k] += value;
        if !self.filled[k] {
            self.filled[k] = true;
            if self.keys[k].half_life.is_finite() {
                self.fading.push(k);
            }
            self.relist();
        }
    }

    /// Ends, on `day`, the sums tied to event `i` that it has not ended before; whether
    /// any was.
    fn end_tied(&mut self, i: usize, day: Day) -> bool {
        let mut any = false;
        for k in 0..self.keys.len() {
            if self.keys[k].cause == Some(i) && self.ended[k].is_none() {
                self.ended[k] = Some(day);
                any = true;
            }
        }
        any
    }

    /// Lists again, per pair, the sums a reading adds up.
    fn relist(&mut self) {
        self.live.iter_mut().for_each(Vec::clear);
        for k in 0..self.keys.len() {
            if self.counts[k] && self.filled[k] {
                self.live[self.keys[k].pair].push(k);
            }
        }
    }

    /// Fades every sum to `day`.
    fn fade(&mut self, day: Day) {
        let dt = day - self.day;
        if dt <= 0 {
            return;
        }
        self.day = day;
        for &k in &self.fading {
            self.values[k] *= match self.table[k].get(dt as usize) {
                Some(&f) => f,
                None => fading(f64::from(dt), self.keys[k].half_life),
            };
        }
    }

    /// A pair's modifier parts on `day`, the sums having been faded to it (the
    /// structural part left at 0).
    fn parts(&self, pair: usize, day: Day) -> Parts {
        let mut p = Parts::default();
        for &k in &self.live[pair] {
            let key = self.keys[k];
            if key.until.or(self.ended[k]).is_some_and(|u| day >= u) {
                continue;
            }
            let v = self.values[k];
            match key.level {
                Level::State => p.state += v,
                Level::Party(..) => p.party += v,
                Level::Leader(..) => p.leader += v,
            }
        }
        p
    }
}
