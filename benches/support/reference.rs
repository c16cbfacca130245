//! The engine's semantics as a plain loop, with no ECS: the yardstick for the engine's
//! overhead, and an independent check of how the engine orders, gates and draws.
//!
//! It implements everything the engine does (see `diplosim::engine`), in its own code: the
//! (day, sequence) queue with term ends, term starts and dated events numbered in that
//! order; date windows, chances, triggered pulses and drawn values on the per-event ChaCha
//! streams, in the same order of draws; guards read before an event's effects; offices
//! taken and left by terms and by effects; leader-level modifiers gated by both leaders
//! being in office, party-level ones by both parties ruling; ideology shifts and the
//! structural part; follow-ups; samples at the end of the day, after the pulse.
//!
//! It shares no code with the engine but the scenario types and the score's pure functions,
//! so that a test comparing the two can catch a bug in either. Its sums of modifiers are its
//! own and simpler: one per (pair, half-life, end date) in order of first use, every sum
//! faded at every step whether its pair counts or not (the engine fades only those that
//! count, and catches the others up later), with factors `0.5^(days / half-life)` (the
//! engine uses `exp`), and the pairs gated again after every change of rulers or offices.
//! The two round differently, so they agree to about 1e-12, not bit for bit. The
//! arithmetic per sample is the same in kind (one multiplication per fading sum, one
//! addition per counting one, one `tanh`), so the ratio of the two timings is the cost of
//! the engine's ECS.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use diplosim::date::{Date, Day};
use diplosim::engine::RunError;
use diplosim::model::FiredEvent;
use diplosim::record::{Run, Sample};
use diplosim::scenario::{Condition, Effect, Level, Scenario, Timing, Value};
use diplosim::score::{self, Parts};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

/// What the queue holds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    TermEnd(usize, usize),
    TermStart(usize, usize),
    Event(usize),
}

/// A scenario prepared for plain-loop runs; reusable, like `Simulation`.
pub struct Reference<'a> {
    sc: &'a Scenario,
    /// Sample days in order, with whether each is monthly and its month's length in days.
    samples: Vec<(Day, bool, i32)>,
    /// Triggered events in scenario order, with their chance of firing on a pulse for
    /// months of 28 to 31 days, and the days [from, to) their guard's dates allow.
    triggered: Vec<(usize, [f64; 4], (Day, Day))>,
    /// Triggered events (indices into `triggered`) in order of the first day allowed.
    opening: Vec<usize>,
    /// Sum of each (event, effect); `usize::MAX` for effects that are not modifiers.
    sum_of: Vec<Vec<usize>>,
    run: State,
}

/// The state of one run.
struct State {
    queue: BinaryHeap<Reverse<(Day, u64, Item)>>,
    seq: u64,
    base: ChaCha8Rng,
    /// Index of each event's stream in `streams`, `u32::MAX` until opened.
    stream_at: Vec<u32>,
    streams: Vec<ChaCha8Rng>,
    ruling: Vec<usize>,
    /// The structural part as things stand.
    structural: f64,
    ideology: Vec<Vec<f64>>,
    offices: Vec<Vec<String>>,
    fired: Vec<u32>,
    total: u32,
    sums: Sums,
    /// How many of `opening` have opened, and those open and not spent, in scenario order.
    opened: usize,
    watching: Vec<usize>,
}

impl<'a> Reference<'a> {
    /// Prepares a scenario: sample days, buckets, triggered events.
    pub fn new(sc: &'a Scenario) -> Reference<'a> {
        let (start, end) = (sc.span().0.day(), sc.span().1.day());
        let mut samples: Vec<(Day, bool, i32)> = Date::month_starts(sc.span().0, sc.span().1)
            .into_iter()
            .map(|d| (d.day(), true, d.next_month_start().day() - d.day()))
            .collect();
        for c in &sc.timeline.checkpoints {
            for d in [c.from.day(), c.to.day()] {
                if (start..=end).contains(&d) && !samples.iter().any(|s| s.0 == d) {
                    samples.push((d, false, 0));
                }
            }
        }
        samples.sort_unstable();

        // One sum per (pair, half-life, end date), in order of first use.
        let mut keys: Vec<(Level, u64, Option<Day>)> = Vec::new();
        let sum_of: Vec<Vec<usize>> = sc
            .events
            .iter()
            .map(|e| {
                e.effects
                    .iter()
                    .map(|x| match x {
                        Effect::Modifier {
                            level, fade, until, ..
                        } => {
                            let key = (*level, sc.fades[*fade].to_bits(), *until);
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
        let triggered: Vec<(usize, [f64; 4], (Day, Day))> = (0..sc.events.len())
            .filter_map(|i| match sc.events[i].timing {
                Timing::Triggered { mtth, .. } => Some((
                    i,
                    std::array::from_fn(|k| 1.0 - (-f64::from(28 + k as i32) / mtth).exp()),
                    sc.events[i]
                        .when
                        .as_ref()
                        .map_or((Day::MIN, Day::MAX), window),
                )),
                _ => None,
            })
            .collect();
        let mut opening: Vec<usize> = (0..triggered.len()).collect();
        opening.sort_by_key(|&k| triggered[k].2.0);
        let sums = Sums::new(
            keys.iter()
                .map(|&(level, h, until)| (level, f64::from_bits(h), until))
                .collect(),
        );
        Reference {
            sc,
            samples,
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
                structural: 0.0,
                ideology: Vec::new(),
                offices: Vec::new(),
                fired: Vec::new(),
                total: 0,
                sums,
                opened: 0,
                watching: Vec::new(),
            },
        }
    }

    /// One run with a seed, from the span's first day to its last.
    pub fn run(&mut self, seed: u64) -> Result<Run, RunError> {
        let sc = self.sc;
        let end = sc.span().1.day();
        self.reset(seed);
        let mut out = Run::new(seed);
        out.samples.reserve(self.samples.len());
        let mut next_sample = 0;
        let mut pulsed = None;
        loop {
            let next_item = self.run.queue.peek().map_or(Day::MAX, |Reverse(x)| x.0);
            if let Some(&(day, monthly, month)) = self.samples.get(next_sample)
                && day < next_item
            {
                let parts = self.parts(day);
                let score = parts.score(sc.scale.bound);
                if monthly && !self.triggered.is_empty() && pulsed != Some(day) {
                    pulsed = Some(day);
                    if self.pulse(day, month, score) {
                        continue;
                    }
                }
                out.samples.push(Sample {
                    day,
                    monthly,
                    parts,
                    score,
                });
                next_sample += 1;
                continue;
            }
            if next_item > end {
                break;
            }
            let Some(Reverse((day, _, item))) = self.run.queue.pop() else {
                break;
            };
            match item {
                Item::TermStart(l, t) => {
                    let office = sc.leaders[l].terms[t].office.clone();
                    self.run.offices[l].push(office);
                    self.gate();
                }
                Item::TermEnd(l, t) => {
                    let office = &sc.leaders[l].terms[t].office;
                    if let Some(k) = self.run.offices[l].iter().position(|o| o == office) {
                        self.run.offices[l].remove(k);
                    }
                    self.gate();
                }
                Item::Event(i) => {
                    if let Some(f) = self.event(i, day) {
                        out.fired.push(f);
                    }
                    if self.run.total > sc.max_events {
                        return Err(RunError::Runaway {
                            limit: sc.max_events,
                            event: sc.events[i].id.clone(),
                            date: Date::from_day(day),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    fn reset(&mut self, seed: u64) {
        let sc = self.sc;
        let (start, end) = (sc.span().0.day(), sc.span().1.day());
        let n = sc.events.len();
        let r = &mut self.run;
        r.queue.clear();
        r.seq = 0;
        r.base = ChaCha8Rng::seed_from_u64(seed);
        r.stream_at.clear();
        r.stream_at.resize(n, u32::MAX);
        r.streams.clear();
        r.ruling = sc.states.iter().map(|s| s.ruling).collect();
        r.ideology = sc.parties.iter().map(|p| p.ideology.clone()).collect();
        r.offices = sc
            .leaders
            .iter()
            .map(|l| {
                l.terms
                    .iter()
                    .filter(|t| t.covers(start))
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
        self.structure_changed();

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
                    day += self.stream(i).random_range(-w..=w);
                    day = day.clamp(start, end);
                }
                self.push(day, Item::Event(i));
            }
        }
    }

    fn push(&mut self, day: Day, item: Item) {
        self.run.queue.push(Reverse((day, self.run.seq, item)));
        self.run.seq += 1;
    }

    fn stream(&mut self, event: usize) -> &mut ChaCha8Rng {
        let r = &mut self.run;
        if r.stream_at[event] == u32::MAX {
            let mut rng = r.base.clone();
            rng.set_stream(self.sc.events[event].stream);
            r.stream_at[event] = r.streams.len() as u32;
            r.streams.push(rng);
        }
        &mut r.streams[r.stream_at[event] as usize]
    }

    /// The parts of the score at the end of `day` as things stand.
    fn parts(&mut self, day: Day) -> Parts {
        let r = &mut self.run;
        r.sums.fade(day);
        let mut parts = r.sums.parts(day);
        parts.structural = r.structural;
        parts
    }

    fn score(&mut self, day: Day) -> f64 {
        self.parts(day).score(self.sc.scale.bound)
    }

    /// Gates every sum: whether its pair counts as things stand.
    fn gate(&mut self) {
        let (sc, r) = (self.sc, &mut self.run);
        for (k, &(level, _, _)) in r.sums.keys.iter().enumerate() {
            r.sums.counts[k] = match level {
                Level::State => true,
                Level::Party(p, q) => {
                    r.ruling[sc.parties[p].state] == p && r.ruling[sc.parties[q].state] == q
                }
                Level::Leader(l, m) => !r.offices[l].is_empty() && !r.offices[m].is_empty(),
            };
        }
        r.sums.relist();
    }

    fn structure_changed(&mut self) {
        let (sc, r) = (self.sc, &mut self.run);
        r.structural = score::structural(
            sc.structure.base,
            sc.structure.affinity,
            &r.ideology[r.ruling[0]],
            &r.ideology[r.ruling[1]],
        );
    }

    fn holds(&self, c: &Condition, day: Day, score: f64) -> bool {
        let r = &self.run;
        match c {
            Condition::Rules(s, p) => r.ruling[*s] == *p,
            Condition::InOffice(l) => !r.offices[*l].is_empty(),
            Condition::ScoreAtLeast(x) => score >= *x,
            Condition::ScoreBelow(x) => score < *x,
            Condition::Band(lo, hi) => score >= *lo && score < *hi,
            Condition::Happened(e) => r.fired[*e] > 0,
            Condition::After(d) => day >= *d,
            Condition::Before(d) => day < *d,
            Condition::All(cs) => cs.iter().all(|c| self.holds(c, day, score)),
            Condition::Any(cs) => cs.iter().any(|c| self.holds(c, day, score)),
            Condition::Not(c) => !self.holds(c, day, score),
        }
    }

    /// The monthly check of triggered events on the first of a month of `month` days, with
    /// the relation at `score`; whether any was queued.
    fn pulse(&mut self, day: Day, month: i32, score: f64) -> bool {
        let sc = self.sc;
        // Windows that open by today join the watch, in scenario order; closed windows and
        // events that cannot fire again leave it.
        while let Some(&k) = self.opening.get(self.run.opened)
            && self.triggered[k].2.0 <= day
        {
            let at = self.run.watching.partition_point(|&w| w < k);
            self.run.watching.insert(at, k);
            self.run.opened += 1;
        }
        let mut any = false;
        let mut w = 0;
        while w < self.run.watching.len() {
            let (i, chance, (_, to)) = self.triggered[self.run.watching[w]];
            let e = &sc.events[i];
            let Timing::Triggered { repeat, .. } = e.timing else {
                unreachable!("only triggered events are listed")
            };
            if day >= to || (!repeat && self.run.fired[i] > 0) {
                self.run.watching.remove(w);
                continue;
            }
            w += 1;
            if e.when.as_ref().is_some_and(|c| !self.holds(c, day, score)) {
                continue;
            }
            if self.stream(i).random::<f64>() < chance[(month - 28) as usize] {
                self.push(day, Item::Event(i));
                any = true;
            }
        }
        any
    }

    /// An event falls due: its guard, its chance, then its effects in order.
    fn event(&mut self, i: usize, day: Day) -> Option<FiredEvent> {
        let sc = self.sc;
        let e = &sc.events[i];
        let before = self.score(day);
        if e.when.as_ref().is_some_and(|c| !self.holds(c, day, before)) {
            return None;
        }
        if e.chance < 1.0 && self.stream(i).random::<f64>() >= e.chance {
            return None;
        }
        self.run.fired[i] += 1;
        self.run.total += 1;
        for (k, effect) in e.effects.iter().enumerate() {
            match effect {
                Effect::Modifier { value, .. } => {
                    let v = draw(*value, self.stream(i));
                    let b = self.sum_of[i][k];
                    self.run.sums.add(b, v);
                }
                Effect::Ideology { party, axis, shift } => {
                    let by = draw(*shift, self.stream(i));
                    let x = &mut self.run.ideology[*party][*axis];
                    *x = (*x + by).clamp(-1.0, 1.0);
                    self.structure_changed();
                }
                Effect::Rule { state, party } => {
                    self.run.ruling[*state] = *party;
                    self.gate();
                    self.structure_changed();
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
            }
        }
        Some(FiredEvent {
            event: i,
            day,
            before,
            after: self.score(day),
        })
    }
}

fn draw(value: Value, rng: &mut ChaCha8Rng) -> f64 {
    match value {
        Value::Fixed(x) => x,
        Value::Uniform(a, b) if a == b => a,
        Value::Uniform(a, b) => rng.random_range(a..=b),
        Value::Normal(m, s) => rand_distr::Normal::new(m, s).map_or(m, |n| n.sample(rng)),
    }
}

/// The days [from, to) outside which a guard cannot hold, from its dates.
fn window(c: &Condition) -> (Day, Day) {
    match c {
        Condition::After(d) => (*d, Day::MAX),
        Condition::Before(d) => (Day::MIN, *d),
        Condition::All(cs) => cs
            .iter()
            .map(window)
            .fold((Day::MIN, Day::MAX), |a, b| (a.0.max(b.0), a.1.min(b.1))),
        _ => (Day::MIN, Day::MAX),
    }
}

/// The sums of modifiers of one run, one per (pair, half-life, end date), all faded to the
/// same day.
struct Sums {
    /// The pair, half-life (days, infinite for none) and end date of each sum.
    keys: Vec<(Level, f64, Option<Day>)>,
    /// Whether each sum's pair counts as things stand.
    counts: Vec<bool>,
    /// Each sum's value on `day`.
    values: Vec<f64>,
    /// Whether a modifier has been added to each sum this run.
    filled: Vec<bool>,
    /// `0.5^(d / half-life)` for d in 0..64 days, per sum (1 for sums that do not fade).
    table: Vec<[f64; 64]>,
    /// The sums filled that fade, which every step multiplies.
    fading: Vec<usize>,
    /// The sums filled whose pair counts, which a sample adds up.
    live: Vec<usize>,
    day: Day,
}

impl Sums {
    fn new(keys: Vec<(Level, f64, Option<Day>)>) -> Sums {
        let table = keys
            .iter()
            .map(|&(_, h, _)| std::array::from_fn(|d| half_power(d as f64, h)))
            .collect();
        Sums {
            counts: vec![false; keys.len()],
            values: vec![0.0; keys.len()],
            filled: vec![false; keys.len()],
            keys,
            table,
            fading: Vec::new(),
            live: Vec::new(),
            day: 0,
        }
    }

    fn reset(&mut self, day: Day) {
        self.values.fill(0.0);
        self.filled.fill(false);
        self.fading.clear();
        self.live.clear();
        self.day = day;
    }

    /// Adds a modifier's value to sum `k` on `day`.
    fn add(&mut self, k: usize, value: f64) {
        self.values[k] += value;
        if !self.filled[k] {
            self.filled[k] = true;
            if self.keys[k].1.is_finite() {
                self.fading.push(k);
            }
            self.relist();
        }
    }

    /// Lists again the sums a sample adds up, after a change of gates or a first value.
    fn relist(&mut self) {
        self.live.clear();
        self.live
            .extend((0..self.keys.len()).filter(|&k| self.counts[k] && self.filled[k]));
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
                None => half_power(f64::from(dt), self.keys[k].1),
            };
        }
    }

    /// The modifiers' parts on `day` (the structural part left at 0).
    fn parts(&self, day: Day) -> Parts {
        let mut p = Parts::default();
        for &k in &self.live {
            let (level, _, until) = self.keys[k];
            if until.is_some_and(|u| day >= u) {
                continue;
            }
            let v = self.values[k];
            match level {
                Level::State => p.state += v,
                Level::Party(..) => p.party += v,
                Level::Leader(..) => p.leader += v,
            }
        }
        p
    }
}

/// `0.5^(days / half_life)`; 1 for an infinite half-life.
fn half_power(days: f64, half_life: f64) -> f64 {
    if half_life.is_infinite() {
        1.0
    } else {
        0.5f64.powf(days / half_life)
    }
}
