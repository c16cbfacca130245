//! Contested readings on the page: the reading chosen for each contested event or
//! checkpoint, as it travels in the URL's `r` parameter, and what `/api/scenario` lists of
//! them.
//!
//! `r` is written as `--readings` is: `default` (or nothing), `all` (each run draws its
//! readings, as `compare --readings all`), or `ID=NAME[,ID=NAME...]`. The page state keeps
//! it in a canonical form ([`choice_of`]): pins of an item's first reading (the scenario
//! as written) are dropped and the rest put in the scenario's order, so a default written
//! out or left out is the same question and the same kept answer.

use serde::Serialize;

use crate::readings::Mode;
use crate::scenario::{Contested, ContestedItem, Scenario};

/// A contested item as the page lists it.
#[derive(Serialize)]
pub(super) struct ContestedInfo {
    /// The event's or checkpoint's id.
    id: String,
    /// `event` or `checkpoint`.
    kind: &'static str,
    /// The event's title, or what the checkpoint expects.
    title: String,
    /// Its readings, the one as written first.
    readings: Vec<ReadingInfo>,
}

/// One reading of a contested item.
#[derive(Serialize)]
struct ReadingInfo {
    name: String,
    source: String,
    weight: f64,
}

/// The contested items of `sc`, in the scenario's order.
pub(super) fn contested_info(sc: &Scenario) -> Vec<ContestedInfo> {
    (sc.contested.iter())
        .map(|c| ContestedInfo {
            id: c.id.clone(),
            kind: match c.item {
                ContestedItem::Event(_) => "event",
                ContestedItem::Checkpoint(_) => "checkpoint",
            },
            title: title(sc, c),
            readings: (c.readings.iter())
                .map(|r| ReadingInfo {
                    name: r.name.clone(),
                    source: r.source.clone(),
                    weight: r.weight,
                })
                .collect(),
        })
        .collect()
}

fn title(sc: &Scenario, c: &Contested) -> String {
    match c.item {
        ContestedItem::Event(i) => sc.events[i].title.clone(),
        ContestedItem::Checkpoint(i) => sc.timeline.checkpoints[i].expect.clone(),
    }
}

/// The page's choice of readings of `sc` (`r`), in canonical form. A name that is no
/// contested item of the scenario, or no reading of it, is refused in one plain sentence
/// naming the item and the readings it has.
pub(super) fn choice_of(sc: &Scenario, r: Option<&str>) -> Result<Mode, String> {
    let text = r.map(str::trim).unwrap_or("");
    let mode = match text {
        "" => Mode::Default,
        _ => Mode::parse(text).map_err(|_| {
            format!(
                "The readings “{}” cannot be read: write “all”, or EVENT=READING joined by commas.",
                text.chars().take(80).collect::<String>()
            )
        })?,
    };
    let Mode::Pinned(pins) = mode else {
        return Ok(mode);
    };
    let mut chosen = vec![0; sc.contested.len()];
    for (id, name) in &pins {
        let Some(c) = sc.contested.iter().position(|c| &c.id == id) else {
            let id: String = id.chars().take(80).collect();
            return Err(if sc.contested.is_empty() {
                format!("“{id}” has no readings to choose: nothing in this scenario is contested.")
            } else {
                let items: Vec<String> = (sc.contested.iter())
                    .map(|c| format!("“{}” ({})", title(sc, c), c.id))
                    .collect();
                format!(
                    "“{id}” is not contested in this scenario; its contested items are {}.",
                    items.join(", ")
                )
            });
        };
        let item = &sc.contested[c];
        let Some(r) = item.find(name) else {
            return Err(format!(
                "The {} “{}” ({}) has no reading “{}”; its readings are {}.",
                match item.item {
                    ContestedItem::Event(_) => "event",
                    ContestedItem::Checkpoint(_) => "checkpoint",
                },
                title(sc, item),
                item.id,
                name.chars().take(80).collect::<String>(),
                names(item)
            ));
        };
        chosen[c] = r;
    }
    let pins: Vec<(String, String)> = (sc.contested.iter().zip(&chosen))
        .filter(|&(_, &r)| r > 0)
        .map(|(c, &r)| (c.id.clone(), c.readings[r].name.clone()))
        .collect();
    Ok(if pins.is_empty() {
        Mode::Default
    } else {
        Mode::Pinned(pins)
    })
}

/// “a” and “b”, or “a”, “b” and “c”.
fn names(c: &Contested) -> String {
    let all: Vec<String> = c.readings.iter().map(|r| format!("“{}”", r.name)).collect();
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => all.concat(),
    }
}

/// The positions of the readings `mode` pins, for each contested item of `sc` (a pin of
/// an item `sc` does not contest, one a what-if removed, is left out).
pub(super) fn pinned(sc: &Scenario, mode: &Mode) -> Vec<usize> {
    let Mode::Pinned(pins) = mode else {
        return vec![0; sc.contested.len()];
    };
    (sc.contested.iter())
        .map(|c| {
            (pins.iter())
                .find(|(id, _)| id == &c.id)
                .and_then(|(_, n)| c.find(n))
                .unwrap_or(0)
        })
        .collect()
}

/// What the choice adds to the name of a kept answer's endpoint: nothing for the
/// scenario as written, so its key is the one it had before readings.
pub(super) fn key_part(mode: &Mode) -> String {
    match mode {
        Mode::Default => String::new(),
        m => format!(" readings {}", m.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spelled_out_default_is_the_default() {
        assert_eq!(key_part(&Mode::Default), "");
        assert_eq!(key_part(&Mode::All), " readings all");
    }
}
