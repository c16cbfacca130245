//! Contested readings: an event or a checkpoint that gives two or more named, weighted,
//! sourced readings. The first is the item as written (the default); each later one
//! replaces the event's effects, or the checkpoint's range and quote. Each reading is
//! checked by validating the file anew with it in place (the events it leaves, already
//! validated without a problem, taken from the file's own validation: see `Known`), its
//! problems moved to where the reading stands.

use super::*;

/// Most readings one event or checkpoint may give.
pub const MAX_READINGS: usize = 8;

/// Most contested events and checkpoints in one scenario: each doubles at least the
/// scenarios a run may read (2^12 = 4096 combinations at most with two readings each).
pub const MAX_CONTESTED: usize = 12;

impl Validator {
    /// The contested events and checkpoints of `f`, in file order (events first), after
    /// checking each one's readings: two to [`MAX_READINGS`], names unique and usable as
    /// words of a command line, weights positive and finite, sources given, and the first
    /// replacing nothing (it is the item as written).
    pub(super) fn readings(&mut self, f: &ScenarioFile) -> Vec<Contested> {
        let root = At::root();
        let mut out = Vec::new();
        for (i, e) in f.events.iter().enumerate() {
            if e.readings.is_empty() {
                continue;
            }
            let at = root.field("events").index(i).field("readings");
            let subject = Subject::Event(e.id.clone(), None);
            let replaces: Vec<bool> = e.readings.iter().map(|r| r.effects.is_some()).collect();
            let said: Vec<(&str, f64, &str)> = (e.readings.iter())
                .map(|r| (r.name.as_str(), r.weight, r.source.as_str()))
                .collect();
            if let Some(readings) = self.check_readings(&subject, &at, &said, &replaces, "effects")
            {
                out.push(Contested {
                    item: ContestedItem::Event(i),
                    id: e.id.clone(),
                    readings,
                });
            }
        }
        for (i, c) in f.timeline.checkpoints.iter().enumerate() {
            if c.readings.is_empty() {
                continue;
            }
            let at = (root.field("timeline").field("checkpoints").index(i)).field("readings");
            let subject = Subject::entity(Kind::Checkpoint, &c.id);
            let replaces: Vec<bool> = (c.readings.iter())
                .map(|r| r.expect.is_some() || r.quote.is_some())
                .collect();
            let said: Vec<(&str, f64, &str)> = (c.readings.iter())
                .map(|r| (r.name.as_str(), r.weight, r.source.as_str()))
                .collect();
            if let Some(readings) =
                self.check_readings(&subject, &at, &said, &replaces, "expect or quote")
            {
                out.push(Contested {
                    item: ContestedItem::Checkpoint(i),
                    id: c.id.clone(),
                    readings,
                });
            }
        }
        if out.len() > MAX_CONTESTED {
            self.problems.push(
                Subject::Scenario,
                root.field("events"),
                format!(
                    "{} events and checkpoints give readings; a scenario may contest at most {MAX_CONTESTED}",
                    out.len()
                ),
                Some("every contested item at least doubles the histories a run may read: keep the readings that matter most".to_string()),
            );
        }
        out
    }

    /// Checks one item's readings (`said`: name, weight, source; `replaces`: whether each
    /// replaces something); the readings when they are sound.
    fn check_readings(
        &mut self,
        subject: &Subject,
        at: &At,
        said: &[(&str, f64, &str)],
        replaces: &[bool],
        what: &str,
    ) -> Option<Vec<Reading>> {
        let before = self.problems.0.len();
        if said.len() < 2 || said.len() > MAX_READINGS {
            self.problems.push(
                subject.clone(),
                at.clone(),
                format!(
                    "{} reading{}: a contested item gives 2 to {MAX_READINGS}",
                    said.len(),
                    if said.len() == 1 { "" } else { "s" }
                ),
                Some("the first reading is the item as written; add one reading for each other account, or leave `readings` out".to_string()),
            );
        }
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (k, &(name, weight, source)) in said.iter().enumerate() {
            let at = at.index(k);
            if let Some((message, hint)) = folder_name_problem(name) {
                self.problems.push(
                    subject.clone(),
                    at.field("name"),
                    format!("reading name: {message}"),
                    Some(hint),
                );
            } else if let Some(first) = names.insert(name, k) {
                self.problems.push(
                    subject.clone(),
                    at.field("name"),
                    format!(
                        "two readings are named \"{name}\" (numbers {} and {})",
                        first + 1,
                        k + 1
                    ),
                    Some("each reading needs its own name".to_string()),
                );
            }
            if !weight.is_finite() || weight <= 0.0 {
                self.problems.push(
                    subject.clone(),
                    at.field("weight"),
                    format!("reading \"{name}\" has weight {weight}; a weight is a positive, finite number"),
                    Some("weights are relative: 1 and 1 give each reading half of the runs".to_string()),
                );
            }
            if source.trim().is_empty() {
                self.problems.push(
                    subject.clone(),
                    at.field("source"),
                    format!("reading \"{name}\" cites no source"),
                    Some("name the historian or work that holds this reading".to_string()),
                );
            }
        }
        if replaces.first() == Some(&true) {
            self.problems.push(
                subject.clone(),
                at.index(0),
                format!(
                    "the first reading is the item as written, the default, so it gives no {what}"
                ),
                Some(format!(
                    "write its {what} in the item itself, and the other readings' {what} in theirs"
                )),
            );
        }
        (self.problems.0.len() == before).then(|| {
            (said.iter())
                .map(|&(name, weight, source)| Reading {
                    name: name.to_string(),
                    weight,
                    source: source.to_string(),
                })
                .collect()
        })
    }

    /// Validates `f` anew with each later reading of each contested item in place, alone,
    /// and reports what fails where the reading stands. Each reading is put in place in
    /// `f` itself and taken out again, which leaves `f` as it was. `names` and `events`
    /// are those of `f`'s own validation, which found no problem (see [`Known`]).
    pub(super) fn each_reading(
        &mut self,
        f: &mut ScenarioFile,
        contested: &[Contested],
        names: &Names,
        events: &[Event],
    ) {
        let root = At::root();
        for c in contested {
            for r in 1..c.readings.len() {
                let replaced = swap_in(f, c.item, r);
                let mut v = Validator {
                    problems: Found::default(),
                    warnings: Found::default(),
                    span_days: self.span_days,
                };
                let known = Known {
                    names,
                    events,
                    item: c.item,
                };
                let _ = v.scenario(f, Some(&known));
                restore(f, c.item, replaced);
                let (item, field, reading) = match c.item {
                    ContestedItem::Event(i) => {
                        let at = root.field("events").index(i);
                        (at.clone(), "effects", at.field("readings").index(r))
                    }
                    ContestedItem::Checkpoint(i) => {
                        let at = root.field("timeline").field("checkpoints").index(i);
                        (at.clone(), "expect", at.field("readings").index(r))
                    }
                };
                for (at, mut p) in v.problems.0 {
                    let at = (at.moved(&item.field(field), &reading.field(field)))
                        .or_else(|| at.moved(&item, &reading))
                        .unwrap_or(at);
                    p.message = format!("under reading \"{}\": {}", c.readings[r].name, p.message);
                    self.problems.0.push((at, p));
                }
            }
        }
    }
}

/// What a reading replaces in its item, kept to be put back: an event's effects, or a
/// checkpoint's range, quote and source.
enum Replaced {
    Effects(Vec<EffectFile>),
    Checkpoint(ExpectFile, String, String),
    Nothing,
}

/// Puts reading `r` of `item` in place in `f`, as [`put_reading`] does, and returns what
/// it replaced, for [`restore`].
fn swap_in(f: &mut ScenarioFile, item: ContestedItem, r: usize) -> Replaced {
    let replaced = match item {
        ContestedItem::Event(i) => (f.events.get(i)).map(|e| Replaced::Effects(e.effects.clone())),
        ContestedItem::Checkpoint(i) => (f.timeline.checkpoints.get(i))
            .map(|c| Replaced::Checkpoint(c.expect.clone(), c.quote.clone(), c.source.clone())),
    };
    put_reading(f, item, r);
    replaced.unwrap_or(Replaced::Nothing)
}

/// Puts back in `item` what [`swap_in`] replaced.
fn restore(f: &mut ScenarioFile, item: ContestedItem, replaced: Replaced) {
    match (item, replaced) {
        (ContestedItem::Event(i), Replaced::Effects(effects)) => {
            if let Some(e) = f.events.get_mut(i) {
                e.effects = effects;
            }
        }
        (ContestedItem::Checkpoint(i), Replaced::Checkpoint(expect, quote, source)) => {
            if let Some(c) = f.timeline.checkpoints.get_mut(i) {
                (c.expect, c.quote, c.source) = (expect, quote, source);
            }
        }
        _ => {}
    }
}

/// Puts reading `r` of `item` in place in `f`: an event's effects, or a checkpoint's
/// range and quote (and source). Reading 0 is the item as written: nothing changes.
pub(crate) fn put_reading(f: &mut ScenarioFile, item: ContestedItem, r: usize) {
    if r == 0 {
        return;
    }
    match item {
        ContestedItem::Event(i) => {
            if let Some(e) = f.events.get_mut(i)
                && let Some(effects) = e.readings.get(r).and_then(|x| x.effects.clone())
            {
                e.effects = effects;
            }
        }
        ContestedItem::Checkpoint(i) => {
            if let Some(c) = f.timeline.checkpoints.get_mut(i)
                && let Some(x) = c.readings.get(r).cloned()
            {
                if let Some(expect) = x.expect {
                    c.expect = expect;
                }
                if let Some(quote) = x.quote {
                    c.quote = quote;
                }
                c.source = x.source;
            }
        }
    }
}
