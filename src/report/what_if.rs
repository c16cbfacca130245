//! A what-if is never drawn or printed as history: its heading says it is a what-if, its
//! question stands under the title, and the events it changed are marked on the chart.

use crate::chart::{ChangeMark, ChartModel};
use crate::scenario::Scenario;
use crate::scenario::counterfactual::Counterfactual;
use crate::scenario::file::{EventFile, ScenarioFile};

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

/// A changed event, with its date when it has one.
pub type ChangeMarkOrUndated = (Option<crate::date::Date>, String);

impl WhatIf {
    /// What `cf` changed in the base (`base_file`, validated as `base`): an event the
    /// variant lacks was removed, an event only the variant has was added, an event
    /// written differently was changed (`==` on the file's types, where 0 and -0 are one
    /// number).
    pub fn of(base_file: &ScenarioFile, base: &Scenario, cf: &Counterfactual) -> WhatIf {
        use std::collections::BTreeMap;
        fn events(file: &ScenarioFile) -> BTreeMap<&str, &EventFile> {
            file.events.iter().map(|e| (e.id.as_str(), e)).collect()
        }
        let (before, after) = (events(base_file), events(&cf.file));
        let variant: BTreeMap<&str, &crate::scenario::Event> = cf
            .scenario
            .events
            .iter()
            .map(|e| (e.id.as_str(), e))
            .collect();
        let mut changed = Vec::new();
        for e in &base.events {
            match (after.get(e.id.as_str()), variant.get(e.id.as_str())) {
                (None, _) | (_, None) => changed.push((e.date(), format!("removed: {}", e.title))),
                (Some(now), Some(v)) if before.get(e.id.as_str()) != Some(now) => {
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
    /// the events as written.
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
    fn the_changed_events_are_those_written_differently() {
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
    fn a_value_changed_is_a_change_and_zero_to_minus_zero_is_not() {
        let path = Path::new("tests/fixtures/counterfactuals/no_incident.ron");
        let c = load::counterfactual(path).unwrap();
        let set = |f: &mut ScenarioFile, id: &str, v: f64| {
            let e = f.events.iter_mut().find(|e| e.id == id).unwrap();
            let Some(EffectFile::Modifier { value, .. }) = e.effects.first_mut() else {
                panic!("{id} leaves no modifier first");
            };
            *value = ValueFile::Fixed(v);
        };
        let e = &c.base.scenario.events[0];
        let changed = format!("changed: {}", e.title);
        let told = |base: f64, variant: f64| {
            let (mut base_file, mut cf) = (c.base.file.clone(), c.variant.clone());
            set(&mut base_file, &e.id, base);
            set(&mut cf.file, &e.id, variant);
            WhatIf::of(&base_file, &c.base.scenario, &cf).changed
        };
        assert!(told(0.0, 0.5).contains(&(e.date(), changed.clone())));
        assert!(!told(0.0, -0.0).contains(&(e.date(), changed)));
    }
}
