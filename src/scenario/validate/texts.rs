//! Control characters in the file's texts: refused where they stand, since they would
//! disturb a terminal and make the SVG chart invalid XML.

use super::*;

impl Validator {
    /// Every text of the file is free of control characters, which would disturb a
    /// terminal and make the SVG invalid XML; `description` and `note` may hold line
    /// breaks and tabs.
    pub(super) fn texts(&mut self, f: &ScenarioFile) {
        let root = At::root();
        let mut all: Vec<(At, &str)> = vec![
            (root.field("name"), &f.name),
            (root.field("title"), &f.title),
        ];
        all.extend(
            f.sources
                .iter()
                .enumerate()
                .map(|(k, x)| (root.field("sources").index(k), x.as_str())),
        );
        all.extend(
            f.axes
                .iter()
                .enumerate()
                .map(|(k, x)| (root.field("axes").index(k), x.as_str())),
        );
        for (k, b) in f.scale.bands.iter().enumerate() {
            all.push((
                root.field("scale").field("bands").index(k).field("name"),
                &b.name,
            ));
        }
        for (k, x) in f.states.iter().enumerate() {
            let at = root.field("states").index(k);
            all.extend([
                (at.field("id"), x.id.as_str()),
                (at.field("name"), &x.name),
                (at.field("office"), &x.office),
            ]);
            all.extend(
                x.names
                    .iter()
                    .enumerate()
                    .map(|(j, (_, n))| (at.field("names").index(j), n.as_str())),
            );
        }
        for (k, x) in f.parties.iter().enumerate() {
            let at = root.field("parties").index(k);
            all.extend([(at.field("id"), x.id.as_str()), (at.field("name"), &x.name)]);
        }
        for (k, x) in f.leaders.iter().enumerate() {
            let at = root.field("leaders").index(k);
            all.extend([(at.field("id"), x.id.as_str()), (at.field("name"), &x.name)]);
            all.extend(x.short.iter().map(|s| (at.field("short"), s.as_str())));
            all.extend(
                x.terms
                    .iter()
                    .enumerate()
                    .map(|(j, t)| (at.field("terms").index(j), t.office.as_str())),
            );
        }
        for (k, x) in f.actors.iter().enumerate() {
            let at = root.field("actors").index(k);
            all.extend([(at.field("id"), x.id.as_str()), (at.field("name"), &x.name)]);
        }
        for (k, e) in f.events.iter().enumerate() {
            let at = root.field("events").index(k);
            all.extend([
                (at.field("id"), e.id.as_str()),
                (at.field("title"), &e.title),
                (at.field("source"), &e.source),
            ]);
            for (j, x) in e.effects.iter().enumerate() {
                match x {
                    EffectFile::Modifier { label: Some(l), .. } => {
                        all.push((at.field("effects").index(j).field("label"), l));
                    }
                    EffectFile::TakeOffice { office, .. } => {
                        all.push((at.field("effects").index(j).field("office"), office));
                    }
                    _ => {}
                }
            }
        }
        for (k, x) in f.timeline.eras.iter().enumerate() {
            all.push((
                root.field("timeline").field("eras").index(k).field("label"),
                &x.label,
            ));
        }
        for (k, x) in f.timeline.checkpoints.iter().enumerate() {
            let at = root.field("timeline").field("checkpoints").index(k);
            all.extend([
                (at.field("id"), x.id.as_str()),
                (at.field("quote"), &x.quote),
                (at.field("source"), &x.source),
            ]);
            for (j, r) in x.readings.iter().enumerate() {
                let at = at.field("readings").index(j);
                all.extend([
                    (at.field("name"), r.name.as_str()),
                    (at.field("source"), &r.source),
                ]);
                all.extend(r.quote.iter().map(|q| (at.field("quote"), q.as_str())));
            }
        }
        for (k, e) in f.events.iter().enumerate() {
            for (j, r) in e.readings.iter().enumerate() {
                let at = root.field("events").index(k).field("readings").index(j);
                all.extend([
                    (at.field("name"), r.name.as_str()),
                    (at.field("source"), &r.source),
                ]);
            }
        }
        for (k, x) in f.timeline.triangle_checkpoints.iter().enumerate() {
            let at = root
                .field("timeline")
                .field("triangle_checkpoints")
                .index(k);
            all.push((at.field("id"), x.id.as_str()));
            all.extend(x.quote.iter().map(|q| (at.field("quote"), q.as_str())));
            all.extend(x.source.iter().map(|q| (at.field("source"), q.as_str())));
            for (j, r) in x.readings.iter().enumerate() {
                let rat = at.field("readings").index(j);
                all.extend([
                    (rat.field("name"), r.name.as_str()),
                    (rat.field("quote"), &r.quote),
                    (rat.field("source"), &r.source),
                ]);
            }
        }
        let mut found: Vec<(At, String)> = Vec::new();
        for (at, text) in all {
            if let Some(c) = text.chars().find(|c| c.is_control()) {
                found.push((at, control_message(text, c)));
            }
        }
        let long = [(root.field("description"), &f.description)]
            .into_iter()
            .chain(
                f.events
                    .iter()
                    .enumerate()
                    .map(|(k, e)| (root.field("events").index(k).field("note"), &e.note)),
            )
            .chain(f.events.iter().enumerate().flat_map(|(k, e)| {
                let at = root.field("events").index(k).field("readings");
                (e.readings.iter().enumerate())
                    .map(move |(j, r)| (at.index(j).field("note"), &r.note))
            }));
        for (at, text) in long {
            if let Some(c) = text
                .chars()
                .find(|&c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
            {
                found.push((at, control_message(text, c)));
            }
        }
        for (at, message) in found {
            self.problems.push(
                Subject::Text,
                at,
                message,
                Some("control characters would disturb the terminal and break the SVG chart: remove it (a line break is allowed only in `description` and `note`)".to_string()),
            );
        }
    }
}

/// "this text holds the control character U+0007 (after "Tre")".
fn control_message(text: &str, c: char) -> String {
    let head: String = text.chars().take_while(|&x| x != c).take(30).collect();
    format!(
        "this text holds the control character U+{:04X} (after \"{}\")",
        c as u32,
        head.escape_debug()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_named_by_code_point() {
        assert_eq!(
            control_message("ab\u{1b}[31m", '\u{1b}'),
            "this text holds the control character U+001B (after \"ab\")"
        );
    }
}
