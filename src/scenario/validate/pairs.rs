//! Pairs of states: the structural part (the file's and each pair's), the pairs the file
//! declares or every pair of states when it declares none, the pair a file names by two
//! state ids, and the pairs an event is logged on.

use super::*;

impl Validator {
    /// A structural part, held finite and within twice the scale's bound.
    pub(super) fn structure(
        &mut self,
        s: &StructureFile,
        subject: &Subject,
        at: &At,
        scale: &Scale,
    ) -> Structure {
        let structure = Structure {
            base: s.base,
            affinity: s.affinity,
        };
        // Like an effect's value, each part may move the raw score by at most twice the
        // bound, so no accepted file can make a score, sum or explanation non-finite.
        let limit = 2.0 * scale.bound;
        for (field, x) in [("base", structure.base), ("affinity", structure.affinity)] {
            if self.finite(subject, &at.field(field), &format!("structure.{field}"), x)
                && x.abs() > limit
            {
                self.problems.push(
                    subject.clone(),
                    at.field(field),
                    format!("structure.{field} is {}, beyond ±{limit}", num(x)),
                    Some(format!(
                        "the structural part may move the raw score by at most twice the scale's bound ({})",
                        scale.bound
                    )),
                );
            }
        }
        structure
    }

    /// The pairs modelled: those `declared`, in their order, else every pair of states in
    /// file order. Each gets the file's `structure` unless it gives its own. Records them
    /// in `names` for the rules that name pairs.
    pub(super) fn pairs(
        &mut self,
        declared: &[PairFile],
        structure: Structure,
        scale: &Scale,
        names: &mut Names,
    ) -> Vec<Pair> {
        let n = names.state_ids.len();
        let mut pairs = Vec::new();
        if declared.is_empty() {
            // Past the cap the file is refused already; deriving its pairs would only cost.
            if n <= limits::MAX_STATES {
                for a in 0..n {
                    for b in a + 1..n {
                        pairs.push(Pair {
                            states: (a, b),
                            structure,
                            reference: None,
                        });
                    }
                }
            }
        } else {
            // Each pair given, by its states in ascending order, with its entry number.
            let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
            for (i, p) in declared.iter().enumerate() {
                let at = At::root().field("pairs").index(i);
                let (a_id, b_id) = &p.states;
                let subject = Subject::entity(Kind::Pair, &format!("{a_id}/{b_id}"));
                let sat = at.field("states");
                let a = self.lookup(&subject, &sat.index(0), "state", a_id, &names.states);
                let b = self.lookup(&subject, &sat.index(1), "state", b_id, &names.states);
                let structure = match &p.structure {
                    Some(s) => self.structure(s, &subject, &at.field("structure"), scale),
                    None => structure,
                };
                let (Some(a), Some(b)) = (a, b) else {
                    continue;
                };
                if a == b {
                    self.problems.push(
                        subject,
                        sat,
                        format!("state \"{a_id}\" is paired with itself"),
                        Some("a pair is two different states, e.g. (\"us\", \"ussr\")".to_string()),
                    );
                    continue;
                }
                if let Some(&first) = seen.get(&(a.min(b), a.max(b))) {
                    self.problems.push(
                        subject,
                        sat,
                        format!(
                            "the pair of \"{a_id}\" and \"{b_id}\" is given twice: entry number {} of `pairs` is the same pair",
                            first + 1
                        ),
                        Some("remove one of them; (\"a\", \"b\") and (\"b\", \"a\") are one pair".to_string()),
                    );
                    continue;
                }
                seen.insert((a.min(b), a.max(b)), i);
                pairs.push(Pair {
                    states: (a, b),
                    structure,
                    reference: p.reference.clone(),
                });
            }
        }
        names.pairs = pairs.iter().map(|p| p.states).collect();
        pairs
    }

    /// The pair two state ids name (at `at`, the ids at its positions 0 and 1): unknown
    /// ids, a state with itself and a pair the file does not model are problems. `what`
    /// says what names it, e.g. "an effect".
    pub(super) fn named_pair(
        &mut self,
        subject: &Subject,
        at: &At,
        (a_id, b_id): (&str, &str),
        names: &Names,
        what: &str,
    ) -> Option<usize> {
        let a = self.lookup(subject, &at.index(0), "state", a_id, &names.states);
        let b = self.lookup(subject, &at.index(1), "state", b_id, &names.states);
        let (a, b) = (a?, b?);
        if a == b {
            self.problems.push(
                subject.clone(),
                at.clone(),
                format!("{what} pairs state \"{a_id}\" with itself"),
                Some(format!(
                    "name two different states, e.g. {}",
                    names.example()
                )),
            );
            return None;
        }
        self.modelled(subject, at, (a, b), names, what)
    }

    /// The pair of two different states (indices), or a problem: `what` is "on a pair
    /// the file does not model".
    pub(super) fn modelled(
        &mut self,
        subject: &Subject,
        at: &At,
        (a, b): (usize, usize),
        names: &Names,
        what: &str,
    ) -> Option<usize> {
        // A leader of an unknown state stands for no state, and a file without a valid
        // pair has that reported already: neither is a problem of this reference.
        if a.max(b) >= names.state_ids.len() || names.pairs.is_empty() {
            return None;
        }
        let found = names.pair_of(a, b);
        if found.is_none() {
            let (a_id, b_id) = (&names.state_ids[a], &names.state_ids[b]);
            self.problems.push(
                subject.clone(),
                at.clone(),
                format!("{what} on a pair the file does not model: \"{a_id}\" and \"{b_id}\""),
                Some(format!(
                    "the file's pairs: {}; add (states: (\"{a_id}\", \"{b_id}\")) to `pairs`, or leave `pairs` out to model every pair of states",
                    names.pair_list()
                )),
            );
        }
        found
    }

    /// The only pair, for what may leave its pair out in a file of one pair; with several
    /// pairs, a problem: `message` says what names no pair, `hint` how to name one (given
    /// the list of the file's pairs).
    pub(super) fn only_pair(
        &mut self,
        subject: &Subject,
        at: &At,
        names: &Names,
        message: &str,
        hint: impl FnOnce(&str) -> String,
    ) -> usize {
        // With no pair at all the file is refused already (too few states, or none of
        // its declared pairs valid).
        if names.pairs.len() > 1 {
            self.problems.push(
                subject.clone(),
                at.clone(),
                format!(
                    "{message} names no pair, but the file models {} pairs",
                    names.pairs.len()
                ),
                Some(hint(&names.pair_list())),
            );
        }
        0
    }
}

/// The pairs an event is logged on (see [`Event::pairs`]): those its modifiers move,
/// every pair of a state whose ruler, party's ideology or office holder it changes, and
/// the pair of every two states named among its actors; every pair when that leaves
/// none. Ascending, each once.
pub(super) fn event_pairs(
    effects: &[Effect],
    actors: &[ActorRef],
    names: &Names,
    parties: &[Party],
    leaders: &[Leader],
) -> Vec<usize> {
    let mut out: BTreeSet<usize> = BTreeSet::new();
    let of_state = |out: &mut BTreeSet<usize>, s: usize| {
        out.extend(
            names
                .pairs
                .iter()
                .enumerate()
                .filter(|&(_, &(a, b))| a == s || b == s)
                .map(|(i, _)| i),
        );
    };
    for x in effects {
        match *x {
            Effect::Modifier { pair, .. } | Effect::Reanchor { pair, .. } => {
                out.insert(pair);
            }
            Effect::Rule { state, .. } => of_state(&mut out, state),
            Effect::Ideology { party, .. } => of_state(&mut out, parties[party].state),
            Effect::TakeOffice { leader, .. } | Effect::LeaveOffice { leader } => {
                of_state(&mut out, leaders[leader].state)
            }
            Effect::FollowUp { .. } => {}
        }
    }
    let states: Vec<usize> = actors
        .iter()
        .filter_map(|a| match *a {
            ActorRef::State(s) => Some(s),
            _ => None,
        })
        .collect();
    for (k, &a) in states.iter().enumerate() {
        for &b in &states[k + 1..] {
            out.extend(names.pair_of(a, b));
        }
    }
    if out.is_empty() {
        return (0..names.pairs.len()).collect();
    }
    out.into_iter().collect()
}
