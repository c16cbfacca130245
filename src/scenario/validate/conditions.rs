//! Conditions (`when` guards): the ids they name, thresholds on the scale, bands, and the
//! pair each score condition is about: the innermost enclosing `On`'s, else the file's
//! only pair. `On` itself leaves no trace in the validated guard.

use super::*;

impl Validator {
    /// A guard, validated; `on` is the pair of the innermost `On` around it, if any.
    #[allow(clippy::too_many_arguments, reason = "the validator's shared context")]
    pub(super) fn condition(
        &mut self,
        c: &ConditionFile,
        subject: &Subject,
        at: &At,
        names: &Names,
        scale: &Scale,
        parties: &[Party],
        on: Option<usize>,
    ) -> Condition {
        // The arguments of a variant are its children: `Rules("a", "b")` has two.
        let arg = |k: usize| at.index(k);
        let get = |v: &mut Self, kind: &str, id: &str, map: &HashMap<String, usize>, at: At| {
            v.lookup(subject, &at, kind, id, map)
        };
        let threshold = |v: &mut Self, x: f64| {
            if v.finite(subject, &arg(0), "a score threshold", x) && x.abs() > scale.bound {
                v.problems.push(
                    subject.clone(),
                    arg(0),
                    format!(
                        "the score threshold {} is off the scale [-{1}, {1}]",
                        num(x),
                        scale.bound
                    ),
                    Some(
                        "a score never leaves the scale, so this condition is settled in advance"
                            .to_string(),
                    ),
                );
            }
            x
        };
        let list = |v: &mut Self, cs: &[ConditionFile]| -> Vec<Condition> {
            cs.iter()
                .enumerate()
                .map(|(k, c)| v.condition(c, subject, &arg(0).index(k), names, scale, parties, on))
                .collect()
        };
        // The pair a score condition is about.
        let pair = |v: &mut Self, what: &str| match on {
            Some(p) => p,
            None => v.only_pair(subject, at, names, what, |all| {
                format!(
                    "write On({}, {what}(..)) around it, naming one of the file's pairs: {all}",
                    names.example()
                )
            }),
        };
        match c {
            ConditionFile::Rules(s, p) => {
                let si = get(self, "state", s, &names.states, arg(0));
                let pi = get(self, "party", p, &names.parties, arg(1));
                if let (Some(si), Some(pi)) = (si, pi)
                    && parties[pi].state != si
                {
                    self.problems.push(
                        subject.clone(),
                        arg(1),
                        format!("Rules(\"{s}\", \"{p}\") can never hold: \"{p}\" is a party of another state"),
                        Some(format!("name one of the parties of \"{s}\"")),
                    );
                }
                Condition::Rules(si.unwrap_or(0), pi.unwrap_or(0))
            }
            ConditionFile::InOffice(l) => {
                Condition::InOffice(get(self, "leader", l, &names.leaders, arg(0)).unwrap_or(0))
            }
            ConditionFile::ScoreAtLeast(x) => {
                Condition::ScoreAtLeast(pair(self, "ScoreAtLeast"), threshold(self, *x))
            }
            ConditionFile::ScoreBelow(x) => {
                Condition::ScoreBelow(pair(self, "ScoreBelow"), threshold(self, *x))
            }
            ConditionFile::Band(b) => match scale.find(b) {
                // The outer bands reach to infinity so that a saturated score still lies in one.
                Some(i) => Condition::Band(
                    pair(self, "Band"),
                    if i == 0 {
                        f64::NEG_INFINITY
                    } else {
                        scale.bands[i].lo
                    },
                    if i + 1 == scale.bands.len() {
                        f64::INFINITY
                    } else {
                        scale.bands[i].hi
                    },
                ),
                None => {
                    let p = pair(self, "Band");
                    self.band(subject, &arg(0), scale, b);
                    Condition::Band(p, 0.0, 0.0)
                }
            },
            ConditionFile::On((a, b), inner) => {
                // An unknown pair is reported here, once: the conditions inside go on as
                // if it were the first pair.
                let p = self
                    .named_pair(subject, &arg(0), (a, b), names, "a guard")
                    .unwrap_or(0);
                self.condition(inner, subject, &arg(1), names, scale, parties, Some(p))
            }
            ConditionFile::Happened(ev) => {
                Condition::Happened(get(self, "event", ev, &names.events, arg(0)).unwrap_or(0))
            }
            ConditionFile::After(d) => Condition::After(d.day()),
            ConditionFile::Before(d) => Condition::Before(d.day()),
            ConditionFile::All(cs) => Condition::All(list(self, cs)),
            ConditionFile::Any(cs) => Condition::Any(list(self, cs)),
            ConditionFile::Not(c) => Condition::Not(Box::new(self.condition(
                c,
                subject,
                &arg(0),
                names,
                scale,
                parties,
                on,
            ))),
        }
    }
}
