//! The strategic triangle: its three states (every pair of them modelled), its dead
//! bands and dwell, and the triangle checkpoints of the timeline (one reading, or the
//! contested form with several).

use super::*;
use crate::triangle::{
    self, Checkpoint as TriangleCheckpoint, Configuration, Expectation, Reading, Triangle,
};

impl Validator {
    /// The file's `triangle`, if it names one and it is valid.
    pub(super) fn triangle(
        &mut self,
        t: Option<&TriangleFile>,
        scale: &Scale,
        names: &Names,
    ) -> Option<Triangle> {
        let t = t?;
        let top = Subject::Scenario;
        let at = At::root().field("triangle");
        let sat = at.field("states");
        let ids = [&t.states.0, &t.states.1, &t.states.2];
        let mut states = [0; 3];
        let mut known = true;
        for (k, id) in ids.iter().enumerate() {
            match self.lookup(&top, &sat.index(k), "state", id, &names.states) {
                Some(s) => states[k] = s,
                None => known = false,
            }
        }
        let mut pairs = [0; 3];
        if known {
            for (k, &(a, b)) in triangle::PAIRS.iter().enumerate() {
                if states[a] == states[b] {
                    self.problems.push(
                        top.clone(),
                        sat.index(b),
                        format!("the triangle names the state \"{}\" twice", ids[b]),
                        Some("name three different states".to_string()),
                    );
                    known = false;
                    break;
                }
                match names.pair_of(states[a], states[b]) {
                    Some(p) => pairs[k] = p,
                    None => {
                        self.problems.push(
                            top.clone(),
                            sat.clone(),
                            format!(
                                "the triangle's pair {}/{} is not modelled",
                                ids[a], ids[b]
                            ),
                            Some(format!(
                                "add it to `pairs`, or leave `pairs` out to model every pair; the file's pairs: {}",
                                names.pair_list()
                            )),
                        );
                        known = false;
                    }
                }
            }
        }
        let band = |v: &mut Self, field: &'static str, value: Option<f64>, default: f64| {
            let x = value.unwrap_or(default);
            if v.finite(&top, &at.field(field), field, x) && (x <= 0.0 || x >= scale.bound) {
                v.problems.push(
                    top.clone(),
                    at.field(field),
                    format!("{field} is {}, outside (0, {})", num(x), scale.bound),
                    Some(format!(
                        "a dead band is a positive number of points below the bound; leave it out for {default}"
                    )),
                );
            }
            x
        };
        let dead_band = band(self, "dead_band", t.dead_band, triangle::DEFAULT_DEAD_BAND);
        let trend_dead_band = band(
            self,
            "trend_dead_band",
            t.trend_dead_band,
            triangle::DEFAULT_TREND_DEAD_BAND,
        );
        let dwell = t
            .dwell_months
            .map_or(triangle::DEFAULT_DWELL_MONTHS, |d| d as usize);
        if dwell == 0 {
            self.problems.push(
                top.clone(),
                at.field("dwell_months"),
                "dwell_months is 0".to_string(),
                Some(format!(
                    "write 1 to keep every run of months, or leave it out for {}",
                    triangle::DEFAULT_DWELL_MONTHS
                )),
            );
        }
        known.then_some(Triangle {
            states,
            pairs,
            dead_band,
            trend_dead_band,
            dwell_months: dwell.max(1),
        })
    }

    /// The timeline's triangle checkpoints, checked against the triangle (`None`: the
    /// file names none (`named` false), or a broken one).
    pub(super) fn triangle_checkpoints(
        &mut self,
        t: &TimelineFile,
        triangle: Option<&Triangle>,
        named: bool,
        span: (Date, Date),
        names: &Names,
    ) -> Vec<TriangleCheckpoint> {
        let at = At::root().field("timeline").field("triangle_checkpoints");
        if t.triangle_checkpoints.is_empty() {
            return Vec::new();
        }
        if triangle.is_none() {
            // A triangle named but broken has its own problems already.
            if !named {
                self.problems.push(
                    Subject::Scenario,
                    at,
                    "triangle checkpoints, but the file names no triangle".to_string(),
                    Some(
                        "add triangle: (states: (\"a\", \"b\", \"c\")) naming the three states"
                            .to_string(),
                    ),
                );
            }
            return Vec::new();
        }
        let mut ids: BTreeSet<&str> = t.checkpoints.iter().map(|c| c.id.as_str()).collect();
        let mut out = Vec::new();
        for (k, c) in t.triangle_checkpoints.iter().enumerate() {
            let subject = Subject::entity(Kind::Checkpoint, &c.id);
            let cat = at.index(k);
            if !ids.insert(&c.id) {
                self.problems.push(
                    subject.clone(),
                    cat.field("id"),
                    "duplicate checkpoint id".to_string(),
                    Some(
                        "every checkpoint, of a pair or of the triangle, needs its own id"
                            .to_string(),
                    ),
                );
            }
            let to = c.to.unwrap_or(c.from);
            if to < c.from {
                self.problems.push(
                    subject.clone(),
                    cat.field("to"),
                    format!("runs backwards, from {} to {to}", c.from),
                    Some("write `from` before `to`".to_string()),
                );
            } else if c.from < span.0 || to > span.1 {
                self.problems.push(
                    subject.clone(),
                    cat.field("from"),
                    format!(
                        "runs {} to {to}, outside the span {} to {}",
                        c.from, span.0, span.1
                    ),
                    Some("keep it within `span`, or widen the span".to_string()),
                );
            } else if Date::month_starts(c.from, to).is_empty() {
                self.problems.push(
                    subject.clone(),
                    cat.field("from"),
                    format!(
                        "runs {} to {to}, which holds no first of a month: the triangle is read monthly",
                        c.from
                    ),
                    Some("let it run over the first day of a month at least".to_string()),
                );
            }
            let readings = self.triangle_readings(&subject, &cat, c, triangle, names);
            out.push(TriangleCheckpoint {
                id: c.id.clone(),
                from: c.from,
                to,
                contested: !c.readings.is_empty(),
                readings,
            });
        }
        out
    }

    /// A checkpoint's readings: its one (`expect` with `quote` and `source`), or its
    /// contested `readings`, never both.
    fn triangle_readings(
        &mut self,
        subject: &Subject,
        at: &At,
        c: &TriangleCheckpointFile,
        triangle: Option<&Triangle>,
        names: &Names,
    ) -> Vec<Expectation> {
        let single =
            c.reading.is_some() || c.expect.is_some() || c.quote.is_some() || c.source.is_some();
        if !c.readings.is_empty() {
            if single {
                let field = if c.expect.is_some() {
                    "expect"
                } else if c.reading.is_some() {
                    "reading"
                } else if c.quote.is_some() {
                    "quote"
                } else {
                    "source"
                };
                self.problems.push(
                    subject.clone(),
                    at.field(field),
                    format!("both `{field}` and `readings`: a checkpoint is either one reading or contested"),
                    Some("move it into each of `readings`, or drop `readings`".to_string()),
                );
            }
            if c.readings.len() < 2 {
                self.problems.push(
                    subject.clone(),
                    at.field("readings"),
                    "`readings` holds one reading; the contested form gives two or more"
                        .to_string(),
                    Some(
                        "write the one reading with `reading`, `expect`, `quote` and `source`"
                            .to_string(),
                    ),
                );
            }
            let mut seen = BTreeSet::new();
            return c
                .readings
                .iter()
                .enumerate()
                .map(|(j, r)| {
                    let rat = at.field("readings").index(j);
                    if !seen.insert(r.name.as_str()) {
                        self.problems.push(
                            subject.clone(),
                            rat.field("name"),
                            format!("two readings are named \"{}\"", r.name),
                            Some("give each reading its own name".to_string()),
                        );
                    }
                    Expectation {
                        name: r.name.clone(),
                        reading: reading(r.reading),
                        expect: self.configuration(
                            subject,
                            &rat.field("expect"),
                            &r.expect,
                            triangle,
                            names,
                        ),
                        quote: r.quote.clone(),
                        source: r.source.clone(),
                    }
                })
                .collect();
        }
        let Some(expect) = &c.expect else {
            self.problems.push(
                subject.clone(),
                at.field("id"),
                "says nothing about the configuration".to_string(),
                Some("add expect: StableMarriage(partners: (\"a\", \"b\")) (or MenageATrois, RomanticTriangle(pivot: \"a\"), UnitVeto), or `readings` where the literature is contested".to_string()),
            );
            return Vec::new();
        };
        let text = |v: &mut Self, field: &'static str, value: &Option<String>| {
            value.clone().unwrap_or_else(|| {
                v.problems.push(
                    subject.clone(),
                    at.field("id"),
                    format!("has no `{field}`"),
                    Some(format!("add {field}: \"..\", as every checkpoint has")),
                );
                String::new()
            })
        };
        let quote = text(self, "quote", &c.quote);
        let source = text(self, "source", &c.source);
        vec![Expectation {
            name: String::new(),
            reading: c.reading.map_or(Reading::Levels, reading),
            expect: self.configuration(subject, &at.field("expect"), expect, triangle, names),
            quote,
            source,
        }]
    }

    /// A configuration whose pivot or partners are states of the triangle.
    fn configuration(
        &mut self,
        subject: &Subject,
        at: &At,
        c: &ConfigurationFile,
        triangle: Option<&Triangle>,
        names: &Names,
    ) -> Configuration {
        let Some(t) = triangle else {
            return Configuration::UnitVeto;
        };
        let position = |v: &mut Self, at: At, id: &str| -> Option<usize> {
            let known: HashMap<String, usize> = t
                .states
                .iter()
                .enumerate()
                .map(|(k, &s)| (names.state_ids[s].clone(), k))
                .collect();
            let found = known.get(id).copied();
            if found.is_none() {
                v.unknown(subject, &at, "triangle state", id, &known);
            }
            found
        };
        match c {
            ConfigurationFile::MenageATrois => Configuration::MenageATrois,
            ConfigurationFile::UnitVeto => Configuration::UnitVeto,
            ConfigurationFile::RomanticTriangle { pivot } => Configuration::RomanticTriangle {
                pivot: position(self, at.field("pivot"), pivot).unwrap_or(0),
            },
            ConfigurationFile::StableMarriage { partners: (a, b) } => {
                let pat = at.field("partners");
                let (a, b) = (
                    position(self, pat.index(0), a),
                    position(self, pat.index(1), b),
                );
                match (a, b) {
                    (Some(a), Some(b)) if a == b => {
                        self.problems.push(
                            subject.clone(),
                            pat.index(1),
                            "the two partners are one state".to_string(),
                            Some("name two different states of the triangle".to_string()),
                        );
                        Configuration::UnitVeto
                    }
                    (Some(a), Some(b)) => Configuration::StableMarriage { outcast: 3 - a - b },
                    _ => Configuration::UnitVeto,
                }
            }
        }
    }
}

fn reading(r: StripReadingFile) -> Reading {
    match r {
        StripReadingFile::Levels => Reading::Levels,
        StripReadingFile::Trend => Reading::Trend,
    }
}
