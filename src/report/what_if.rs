//! A what-if is never drawn or printed as history: its heading says it is a what-if, its
//! question stands under the title, and the events it changed are marked on the chart.

use crate::chart::{ChangeMark, ChartModel};
use crate::scenario::Scenario;
use crate::scenario::counterfactual::Counterfactual;
use crate::scenario::file::ScenarioFile;

/// What a reader must be told about a counterfactual's variant.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatIf {
    /// The counterfactual's name (its output folder).
    pub name: String,
    /// Its title, e.g. "Stalin grants air cover at once (1950)".
    pub title: String,
    /// The question it asks.
    pub question: String,
    /// The base scenario's title.
    pub base: String,
    /// The events it changed, in the base's order then the added ones: how, and on
    /// which date (none for an event with no date of its own).
    pub changed: Vec<ChangeMarkOrUndated>,
    /// How many of the base's events it removed, moved or changed (the added ones left
    /// out): the part of the history it rewrites.
    pub touched: usize,
}

/// The events of a file by id, each written as it is compared: as its shape
/// ([`super::json_shape`]), whose equality is that of its JSON text at a fraction of the
/// cost; or as its JSON text (`None` where it cannot be written), on both sides of a
/// comparison where some event has no shape. All are written into one buffer, so that a
/// hundred events cost a few allocations, not hundreds.
struct Written<'f> {
    bytes: Vec<u8>,
    events: std::collections::BTreeMap<&'f str, Option<std::ops::Range<usize>>>,
}

impl<'f> Written<'f> {
    /// The shapes of the events of `file`; `None` if one has none.
    fn shapes(file: &'f ScenarioFile) -> Option<Written<'f>> {
        let mut w = Written {
            bytes: Vec::new(),
            events: Default::default(),
        };
        for e in &file.events {
            let start = w.bytes.len();
            super::json_shape::write(e, &mut w.bytes)?;
            w.events.insert(&e.id, Some(start..w.bytes.len()));
        }
        Some(w)
    }

    /// The JSON texts of the events of `file`.
    fn texts(file: &'f ScenarioFile) -> Written<'f> {
        let mut w = Written {
            bytes: Vec::new(),
            events: Default::default(),
        };
        for e in &file.events {
            let start = w.bytes.len();
            let written = serde_json::to_writer(&mut w.bytes, e).is_ok();
            w.bytes
                .truncate(if written { w.bytes.len() } else { start });
            w.events
                .insert(&e.id, written.then_some(start..w.bytes.len()));
        }
        w
    }

    /// The event `id` as written: `None` if the file has no such event, `Some(None)` if
    /// it could not be written.
    fn event(&self, id: &str) -> Option<Option<&[u8]>> {
        (self.events.get(id)).map(|r| r.clone().map(|r| &self.bytes[r]))
    }
}

/// A changed event, with its date when it has one.
pub type ChangeMarkOrUndated = (Option<crate::date::Date>, String);

impl WhatIf {
    /// What `cf` changed in the base (`base_file`, validated as `base`): an event the
    /// variant lacks was removed, an event only the variant has was added, an event
    /// whose description differs was changed.
    pub fn of(base_file: &ScenarioFile, base: &Scenario, cf: &Counterfactual) -> WhatIf {
        use std::collections::BTreeMap;
        let (before, after) = match (Written::shapes(base_file), Written::shapes(&cf.file)) {
            (Some(before), Some(after)) => (before, after),
            _ => (Written::texts(base_file), Written::texts(&cf.file)),
        };
        let variant: BTreeMap<&str, &crate::scenario::Event> = cf
            .scenario
            .events
            .iter()
            .map(|e| (e.id.as_str(), e))
            .collect();
        let mut changed = Vec::new();
        for e in &base.events {
            match (after.event(&e.id), variant.get(e.id.as_str())) {
                (None, _) | (_, None) => changed.push((e.date(), format!("removed: {}", e.title))),
                (Some(now), Some(v)) if before.event(&e.id) != Some(now) => {
                    let how = if v.date() != e.date() {
                        "moved"
                    } else {
                        "changed"
                    };
                    changed.push((v.date(), format!("{how}: {}", v.title)));
                }
                _ => {}
            }
        }
        let touched = changed.len();
        let ids: std::collections::BTreeSet<&str> =
            base.events.iter().map(|e| e.id.as_str()).collect();
        for v in &cf.scenario.events {
            if !ids.contains(v.id.as_str()) {
                changed.push((v.date(), format!("added: {}", v.title)));
            }
        }
        WhatIf {
            name: cf.name.clone(),
            title: cf.title.clone(),
            question: cf.question.clone(),
            base: base.title().to_string(),
            changed,
            touched,
        }
    }

    /// The title of everything made from the variant: "What if? " and its title.
    pub fn heading(&self) -> String {
        format!("What if? {}", self.title)
    }

    /// Makes a chart of the variant `sc` say what it is: the question as the subtitle
    /// (after the coupling between the pairs, when the variant couples them), and the
    /// changed events marked on their dates.
    pub fn mark(&self, sc: &Scenario, m: &mut ChartModel) {
        m.title = self.heading();
        let question = format!(
            "{} (a what-if on {}, not the history)",
            self.question.trim_end(),
            self.base
        );
        m.subtitle = crate::chart::with_coupling(sc, &question);
        m.changes = self.marks();
    }

    /// The changed events that have a date, as marks on a chart.
    pub fn marks(&self) -> Vec<ChangeMark> {
        self.changed
            .iter()
            .filter_map(|(date, label)| {
                date.map(|date| ChangeMark {
                    date,
                    label: label.clone(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::file::{EffectFile, ValueFile};
    use crate::scenario::load;

    /// How many of the base's events `cf` removed or changed, told by the JSON texts of
    /// the events as written: the rule `WhatIf::of` keeps, computed the plain way.
    fn touched_by_json(base_file: &ScenarioFile, cf: &Counterfactual) -> usize {
        let text = |f: &ScenarioFile, id: &str| {
            (f.events.iter().rev())
                .find(|e| e.id == id)
                .map(|e| serde_json::to_string(e).unwrap())
        };
        (base_file.events.iter())
            .filter(|e| text(&cf.file, &e.id) != text(base_file, &e.id))
            .count()
    }

    fn counterfactuals() -> Vec<std::path::PathBuf> {
        let mut all = Vec::new();
        for dir in [
            "scenarios/counterfactuals",
            "tests/fixtures/counterfactuals",
        ] {
            for entry in std::fs::read_dir(dir).unwrap() {
                all.push(entry.unwrap().path());
            }
        }
        all.sort();
        all
    }

    #[test]
    fn the_changed_events_are_those_whose_json_differs() {
        let mut loaded = 0;
        for path in counterfactuals() {
            // Some fixtures are broken on purpose.
            let Ok(c) = load::counterfactual(&path) else {
                continue;
            };
            let told = WhatIf::of(&c.base.file, &c.base.scenario, &c.variant);
            assert_eq!(
                told.touched,
                touched_by_json(&c.base.file, &c.variant),
                "{}",
                path.display()
            );
            loaded += 1;
        }
        assert!(loaded >= 15, "only {loaded} counterfactuals loaded");
    }

    #[test]
    fn a_value_turned_from_zero_to_minus_zero_is_a_change_as_in_json() {
        let path = Path::new("tests/fixtures/counterfactuals/no_incident.ron");
        let c = load::counterfactual(path).unwrap();
        let (mut base_file, mut cf) = (c.base.file.clone(), c.variant.clone());
        let set = |f: &mut ScenarioFile, id: &str, v: f64| {
            let e = f.events.iter_mut().find(|e| e.id == id).unwrap();
            let Some(EffectFile::Modifier { value, .. }) = e.effects.first_mut() else {
                panic!("{id} leaves no modifier first");
            };
            *value = ValueFile::Fixed(v);
        };
        let e = &c.base.scenario.events[0];
        set(&mut base_file, &e.id, 0.0);
        set(&mut cf.file, &e.id, -0.0);
        let told = WhatIf::of(&base_file, &c.base.scenario, &cf);
        assert_eq!(told.touched, touched_by_json(&base_file, &cf));
        assert!(
            told.changed
                .contains(&(e.date(), format!("changed: {}", e.title))),
            "{:?}",
            told.changed
        );
    }
}
