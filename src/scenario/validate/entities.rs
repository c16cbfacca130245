//! What the file declares, checked: the scale and its bands, states, parties, leaders
//! (their terms, and one person per office at a time), third parties, and the timeline's
//! eras and checkpoints (and the pair each belongs to).

use super::*;

impl Validator {
    pub(super) fn scale(&mut self, s: &ScaleFile) -> Scale {
        let subject = Subject::Scale;
        let at = At::root().field("scale");
        let mut bands = Vec::new();
        // With a broken bound, bands are still read (so conditions and checkpoints can name
        // them) but nothing is measured against the bound.
        let bound_ok = s.bound.is_finite() && s.bound > 0.0 && s.bound <= limits::MAX_BOUND;
        if !bound_ok {
            self.problems.push(
                subject.clone(),
                at.field("bound"),
                format!(
                    "the bound is {}; it must be a positive number no larger than {}",
                    num(s.bound),
                    limits::MAX_BOUND
                ),
                Some("the shipped scenarios use bound: 9.0 (Yan Xuetong's scale)".to_string()),
            );
        }
        let bound = if bound_ok { s.bound } else { f64::INFINITY };
        if s.bands.is_empty() {
            self.problems.push(
                subject.clone(),
                at.field("bands"),
                "the scale has no bands".to_string(),
                Some("list at least one band, the first starting at -bound".to_string()),
            );
        }
        let mut names = BTreeSet::new();
        for (i, b) in s.bands.iter().enumerate() {
            let band_subject = Subject::entity(Kind::Band, &b.name);
            let bat = at.field("bands").index(i);
            if !names.insert(b.name.clone()) {
                self.problems.push(
                    band_subject.clone(),
                    bat.field("name"),
                    "duplicate band name".to_string(),
                    Some("each band needs its own name".to_string()),
                );
            }
            let from = bat.field("from");
            if !self.finite(&band_subject, &from, "its lower edge", b.from) {
                continue;
            }
            if bound_ok && i == 0 && b.from != -bound {
                self.problems.push(
                    band_subject.clone(),
                    from.clone(),
                    format!(
                        "the first band starts at {} but the scale starts at {}",
                        num(b.from),
                        -bound
                    ),
                    Some(format!("write from: {:?}", -bound)),
                );
            }
            if i > 0 && b.from <= s.bands[i - 1].from {
                self.problems.push(
                    band_subject.clone(),
                    from.clone(),
                    format!(
                        "bands must rise: this one starts at {}, the one before at {}",
                        num(b.from),
                        num(s.bands[i - 1].from)
                    ),
                    Some("list the bands from the lowest up".to_string()),
                );
            }
            if bound_ok && b.from >= bound {
                self.problems.push(
                    band_subject.clone(),
                    from.clone(),
                    format!(
                        "starts at {}, at or above the top of the scale ({bound})",
                        num(b.from)
                    ),
                    Some(format!("a band starts below the bound, {bound}")),
                );
            }
            let hi = s.bands.get(i + 1).map_or(bound, |n| n.from);
            bands.push(Band {
                name: b.name.clone(),
                lo: b.from,
                hi,
            });
        }
        if bands.is_empty() {
            bands.push(Band {
                name: "all".into(),
                lo: -bound,
                hi: bound,
            });
        }
        Scale { bound, bands }
    }

    pub(super) fn parties(&mut self, ps: &[PartyFile], names: &Names, n_axes: usize) -> Vec<Party> {
        ps.iter()
            .enumerate()
            .map(|(i, p)| {
                let subject = Subject::entity(Kind::Party, &p.id);
                let at = At::root().field("parties").index(i);
                let state = match names.states.get(&p.state) {
                    Some(&s) => s,
                    None => {
                        self.unknown(
                            &subject,
                            &at.field("state"),
                            "state",
                            &p.state,
                            &names.states,
                        );
                        0
                    }
                };
                let mut ideology = vec![0.0; n_axes];
                for (axis, &x) in &p.ideology {
                    let xat = at.field("ideology").key(axis);
                    match names.axes.get(axis) {
                        Some(&a) => {
                            if self.finite(&subject, &xat, &format!("ideology on \"{axis}\""), x)
                                && !(-1.0..=1.0).contains(&x)
                            {
                                self.problems.push(
                                    subject.clone(),
                                    xat,
                                    format!(
                                        "ideology on \"{axis}\" is {}, outside [-1, 1]",
                                        num(x)
                                    ),
                                    Some("ideology coordinates run from -1 to 1".to_string()),
                                );
                            }
                            ideology[a] = x;
                        }
                        None => self.unknown(&subject, &xat, "axis", axis, &names.axes),
                    }
                }
                Party {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    state,
                    ideology,
                }
            })
            .collect()
    }

    pub(super) fn states(
        &mut self,
        ss: &[StateFile],
        names: &Names,
        parties: &[Party],
    ) -> Vec<State> {
        ss.iter()
            .enumerate()
            .map(|(i, s)| {
                let subject = Subject::entity(Kind::State, &s.id);
                let at = At::root().field("states").index(i).field("ruling");
                let ruling = match names.parties.get(&s.ruling) {
                    Some(&p) => {
                        if parties[p].state != i {
                            self.problems.push(
                                subject.clone(),
                                at,
                                format!("ruling party \"{}\" belongs to another state", s.ruling),
                                Some("a state is ruled by one of its own parties".to_string()),
                            );
                        }
                        p
                    }
                    None => {
                        self.unknown(&subject, &at, "party", &s.ruling, &names.parties);
                        0
                    }
                };
                let mut period_names = s.names.clone();
                period_names.sort_by_key(|(d, _)| *d);
                State {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    names: period_names,
                    ruling,
                    office: s.office.clone(),
                }
            })
            .collect()
    }

    pub(super) fn leaders(
        &mut self,
        ls: &[LeaderFile],
        names: &Names,
        parties: &[Party],
        span: (Date, Date),
    ) -> Vec<Leader> {
        let mut out: Vec<Leader> = Vec::new();
        for (i, l) in ls.iter().enumerate() {
            let subject = Subject::entity(Kind::Leader, &l.id);
            let at = At::root().field("leaders").index(i);
            let state = match names.states.get(&l.state) {
                Some(&s) => s,
                None => {
                    self.unknown(
                        &subject,
                        &at.field("state"),
                        "state",
                        &l.state,
                        &names.states,
                    );
                    usize::MAX
                }
            };
            let party = match &l.party {
                Some(p) => match names.parties.get(p) {
                    Some(&i) => {
                        if state != usize::MAX && parties[i].state != state {
                            self.problems.push(
                                subject.clone(),
                                at.field("party"),
                                format!(
                                    "party \"{p}\" belongs to another state than \"{}\"",
                                    l.state
                                ),
                                Some("a leader belongs to a party of their own state".to_string()),
                            );
                        }
                        Some(i)
                    }
                    None => {
                        self.unknown(&subject, &at.field("party"), "party", p, &names.parties);
                        None
                    }
                },
                None => None,
            };
            if l.terms.is_empty() {
                self.problems.push(subject.clone(), at.field("terms"), "has no terms of office".to_string(), Some("add terms: [(office: \"leader\", from: \"YYYY-MM-DD\", to: \"YYYY-MM-DD\")]".to_string()));
            }
            let mut terms: Vec<Term> = Vec::new();
            for (k, t) in l.terms.iter().enumerate() {
                let tat = at.field("terms").index(k);
                if let Some(to) = t.to
                    && to <= t.from
                {
                    self.problems.push(
                        subject.clone(),
                        tat.field("to"),
                        format!("a term ends ({to}) on or before it starts ({})", t.from),
                        Some("`to` is the first day out of office".to_string()),
                    );
                }
                if t.to.is_some_and(|to| to <= span.0) || t.from > span.1 {
                    self.problems.push(
                        subject.clone(),
                        tat,
                        format!(
                            "the term from {} lies wholly outside the span {} to {}",
                            t.from, span.0, span.1
                        ),
                        Some("drop the term, or the leader".to_string()),
                    );
                }
                terms.push(Term {
                    office: t.office.clone(),
                    from: t.from.day(),
                    to: t.to.map(Date::day),
                });
            }
            terms.sort_by_key(|t| t.from);
            let short = l.short.clone().unwrap_or_else(|| initials(&l.name));
            out.push(Leader {
                id: l.id.clone(),
                name: l.name.clone(),
                short,
                state,
                party,
                terms,
            });
        }
        // Overlapping terms in one office of one state, between anyone: each term is
        // compared with the one reaching furthest among those that started before it.
        type Held<'t> = (usize, usize, &'t TermFile);
        let mut by_office: BTreeMap<(usize, &str), Vec<Held>> = BTreeMap::new();
        for (i, l) in ls.iter().enumerate() {
            for (k, t) in l.terms.iter().enumerate() {
                by_office
                    .entry((out[i].state, t.office.as_str()))
                    .or_default()
                    .push((i, k, t));
            }
        }
        let end = |t: &TermFile| t.to.map_or(Day::MAX, Date::day);
        for ((_, office), mut terms) in by_office {
            terms.sort_by_key(|&(i, k, t)| (t.from, i, k));
            let mut reach: Option<Held> = None;
            for &(b, k, tb) in &terms {
                if let Some((a, _, ta)) = reach
                    && tb.from.day() < end(ta)
                {
                    let other = if a == b {
                        "their own term".to_string()
                    } else {
                        format!("the term of \"{}\"", out[a].id)
                    };
                    let until = ta
                        .to
                        .map_or("with no end".to_string(), |t| format!("to {t}"));
                    self.problems.push(
                        Subject::entity(Kind::Leader, &out[b].id),
                        At::root().field("leaders").index(b).field("terms").index(k),
                        format!(
                            "the term in office \"{office}\" from {} overlaps {other} from {} {until}",
                            tb.from, ta.from
                        ),
                        Some("one office holds one person at a time: end the earlier term (`to`) on or before the later one starts".to_string()),
                    );
                }
                if reach.is_none_or(|(_, _, ta)| end(tb) > end(ta)) {
                    reach = Some((b, k, tb));
                }
            }
        }
        out
    }

    pub(super) fn actors(&mut self, actors: &[ActorFile]) -> Vec<Actor> {
        actors
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if let (Some(from), Some(to)) = (a.from, a.to)
                    && to <= from
                {
                    self.problems.push(
                        Subject::entity(Kind::Actor, &a.id),
                        At::root().field("actors").index(i).field("to"),
                        format!("ends ({to}) on or before it starts ({from})"),
                        Some("`to` is the first day it no longer exists".to_string()),
                    );
                }
                Actor {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    from: a.from.map(Date::day),
                    to: a.to.map(Date::day),
                }
            })
            .collect()
    }

    pub(super) fn timeline(
        &mut self,
        t: &TimelineFile,
        scale: &Scale,
        span: (Date, Date),
        names: &Names,
    ) -> Timeline {
        let at = At::root().field("timeline");
        let outside = |from: Date, to: Date| {
            if to < from {
                Some((
                    format!("runs backwards, from {from} to {to}"),
                    "write `from` before `to`",
                ))
            } else if from < span.0 || to > span.1 {
                Some((
                    format!(
                        "runs {from} to {to}, outside the span {} to {}",
                        span.0, span.1
                    ),
                    "keep it within `span`, or widen the span",
                ))
            } else {
                None
            }
        };
        let mut eras = Vec::new();
        for (k, era) in t.eras.iter().enumerate() {
            let subject = Subject::entity(Kind::Era, &era.label);
            let eat = at.field("eras").index(k);
            if let Some((message, hint)) = outside(era.from, era.to) {
                self.problems.push(
                    subject.clone(),
                    eat.field("from"),
                    message,
                    Some(hint.to_string()),
                );
            }
            let pair = era.pair.as_ref().and_then(|(a, b)| {
                self.named_pair(&subject, &eat.field("pair"), (a, b), names, "an era")
            });
            eras.push(Era {
                pair,
                label: era.label.clone(),
                from: era.from,
                to: era.to,
            });
        }
        let mut ids = BTreeSet::new();
        let mut checkpoints = Vec::new();
        for (k, c) in t.checkpoints.iter().enumerate() {
            let subject = Subject::entity(Kind::Checkpoint, &c.id);
            let cat = at.field("checkpoints").index(k);
            if !ids.insert(c.id.clone()) {
                self.problems.push(
                    subject.clone(),
                    cat.field("id"),
                    "duplicate checkpoint id".to_string(),
                    Some("every checkpoint needs its own id".to_string()),
                );
            }
            let pair = match &c.pair {
                Some((a, b)) => self
                    .named_pair(&subject, &cat.field("pair"), (a, b), names, "a checkpoint")
                    .unwrap_or(0),
                None => self.only_pair(&subject, &cat.field("id"), names, "the checkpoint", |all| {
                    format!(
                        "add pair: {} naming the pair whose score it judges; the file's pairs: {all}",
                        names.example()
                    )
                }),
            };
            let to = c.to.unwrap_or(c.from);
            if let Some((message, hint)) = outside(c.from, to) {
                self.problems.push(
                    subject.clone(),
                    cat.field("from"),
                    message,
                    Some(hint.to_string()),
                );
            }
            let eat = cat.field("expect");
            let band =
                |v: &mut Self, name: &str, k: usize| v.band(&subject, &eat.index(k), scale, name);
            let (lo, hi, expect) = match &c.expect {
                ExpectFile::Band(b) => match band(self, b, 0) {
                    Some(i) => (scale.bands[i].lo, scale.bands[i].hi, b.clone()),
                    None => (0.0, 0.0, b.clone()),
                },
                ExpectFile::Bands(a, b) => match (band(self, a, 0), band(self, b, 1)) {
                    (Some(i), Some(j)) => {
                        if i > j {
                            self.problems.push(
                                subject.clone(),
                                eat.clone(),
                                format!("Bands(\"{a}\", \"{b}\") runs downwards"),
                                Some(format!(
                                    "write Bands(\"{b}\", \"{a}\"), the lower band first"
                                )),
                            );
                        }
                        (scale.bands[i].lo, scale.bands[j].hi, format!("{a} to {b}"))
                    }
                    _ => (0.0, 0.0, String::new()),
                },
                ExpectFile::Range(lo, hi) => {
                    if self.finite(&subject, &eat.index(0), "the range", *lo)
                        && self.finite(&subject, &eat.index(1), "the range", *hi)
                        && (lo >= hi || lo.abs() > scale.bound || hi.abs() > scale.bound)
                    {
                        self.problems.push(
                            subject.clone(),
                            eat.clone(),
                            format!(
                                "Range({}, {}) is empty or off the scale [-{2}, {2}]",
                                num(*lo),
                                num(*hi),
                                scale.bound
                            ),
                            Some(
                                "write Range(low, high) with low below high, both on the scale"
                                    .to_string(),
                            ),
                        );
                    }
                    (*lo, *hi, format!("{lo} to {hi}"))
                }
            };
            checkpoints.push(Checkpoint {
                id: c.id.clone(),
                pair,
                from: c.from,
                to,
                lo,
                hi,
                expect,
                quote: c.quote.clone(),
                source: c.source.clone(),
            });
        }
        Timeline {
            eras,
            checkpoints,
            triangle_checkpoints: Vec::new(),
        }
    }
}

/// "Mao Zedong" -> "M.Z.".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect()
}
