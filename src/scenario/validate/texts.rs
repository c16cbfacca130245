//! Control characters in the file's texts: refused where they stand, since they would
//! disturb a terminal and make the SVG chart invalid XML.

use super::*;

impl Validator {
    /// Every text of the file is free of control characters, which would disturb a
    /// terminal and make the SVG invalid XML; `description` and `note` may hold line
    /// breaks and tabs.
    ///
    /// The texts are checked in a fixed order (the one-line texts, then the long ones),
    /// which is the order of the problems found at one place. A text's path is built only
    /// when the text holds a control character: a path is an allocation, and building one
    /// for each of a file's thousand texts cost more than checking them (a what-if
    /// validates its file once per contested reading).
    pub(super) fn texts(&mut self, f: &ScenarioFile) {
        let root = At::root();
        let mut found = Controls::default();
        found.short(&f.name, || root.field("name"));
        found.short(&f.title, || root.field("title"));
        for (k, x) in f.sources.iter().enumerate() {
            found.short(x, || root.field("sources").index(k));
        }
        for (k, x) in f.axes.iter().enumerate() {
            found.short(x, || root.field("axes").index(k));
        }
        for (k, b) in f.scale.bands.iter().enumerate() {
            found.short(&b.name, || {
                root.field("scale").field("bands").index(k).field("name")
            });
        }
        for (k, x) in f.states.iter().enumerate() {
            let at = || root.field("states").index(k);
            found.short(&x.id, || at().field("id"));
            found.short(&x.name, || at().field("name"));
            found.short(&x.office, || at().field("office"));
            for (j, (_, n)) in x.names.iter().enumerate() {
                found.short(n, || at().field("names").index(j));
            }
        }
        for (k, x) in f.parties.iter().enumerate() {
            let at = || root.field("parties").index(k);
            found.short(&x.id, || at().field("id"));
            found.short(&x.name, || at().field("name"));
        }
        for (k, x) in f.leaders.iter().enumerate() {
            let at = || root.field("leaders").index(k);
            found.short(&x.id, || at().field("id"));
            found.short(&x.name, || at().field("name"));
            if let Some(s) = &x.short {
                found.short(s, || at().field("short"));
            }
            for (j, t) in x.terms.iter().enumerate() {
                found.short(&t.office, || at().field("terms").index(j));
            }
        }
        for (k, x) in f.actors.iter().enumerate() {
            let at = || root.field("actors").index(k);
            found.short(&x.id, || at().field("id"));
            found.short(&x.name, || at().field("name"));
        }
        for (k, e) in f.events.iter().enumerate() {
            found.event(k, e);
        }
        for (k, x) in f.timeline.eras.iter().enumerate() {
            found.short(&x.label, || {
                root.field("timeline").field("eras").index(k).field("label")
            });
        }
        for (k, x) in f.timeline.checkpoints.iter().enumerate() {
            found.checkpoint(k, x);
        }
        for (k, e) in f.events.iter().enumerate() {
            for (j, r) in e.readings.iter().enumerate() {
                let reading = || root.field("events").index(k).field("readings").index(j);
                found.short(&r.name, || reading().field("name"));
                found.short(&r.source, || reading().field("source"));
            }
        }
        for (k, x) in f.timeline.triangle_checkpoints.iter().enumerate() {
            let at = || {
                root.field("timeline")
                    .field("triangle_checkpoints")
                    .index(k)
            };
            found.short(&x.id, || at().field("id"));
            if let Some(q) = &x.quote {
                found.short(q, || at().field("quote"));
            }
            if let Some(s) = &x.source {
                found.short(s, || at().field("source"));
            }
            for (j, r) in x.readings.iter().enumerate() {
                let reading = || at().field("readings").index(j);
                found.short(&r.name, || reading().field("name"));
                found.short(&r.quote, || reading().field("quote"));
                found.short(&r.source, || reading().field("source"));
            }
        }
        found.long(&f.description, || root.field("description"));
        for (k, e) in f.events.iter().enumerate() {
            found.long(&e.note, || root.field("events").index(k).field("note"));
        }
        for (k, e) in f.events.iter().enumerate() {
            for (j, r) in e.readings.iter().enumerate() {
                found.long(&r.note, || {
                    (root.field("events").index(k).field("readings"))
                        .index(j)
                        .field("note")
                });
            }
        }
        self.controls(found);
    }

    /// The texts of a contested reading's item, with the reading in place: the texts a
    /// reading puts in place are those of its item (an event's effects, or a
    /// checkpoint's quote and source), and every other text of the file is as it was
    /// when the file was checked, without a problem.
    pub(super) fn texts_of_reading(&mut self, f: &ScenarioFile, item: ContestedItem) {
        let mut found = Controls::default();
        match item {
            ContestedItem::Event(k) => {
                if let Some(e) = f.events.get(k) {
                    found.event(k, e);
                }
            }
            ContestedItem::Checkpoint(k) => {
                if let Some(x) = f.timeline.checkpoints.get(k) {
                    found.checkpoint(k, x);
                }
            }
        }
        self.controls(found);
    }

    /// A problem for each text found holding a control character.
    fn controls(&mut self, found: Controls) {
        for (at, message) in found.0 {
            self.problems.push(
                Subject::Text,
                at,
                message,
                Some("control characters would disturb the terminal and break the SVG chart: remove it (a line break is allowed only in `description` and `note`)".to_string()),
            );
        }
    }
}

/// The texts that hold a control character, with their paths and messages, in the order
/// they were checked.
#[derive(Default)]
struct Controls(Vec<(At, String)>);

impl Controls {
    /// The one-line texts of event number `k`: its id, title, source, and its effects'
    /// labels and offices.
    fn event(&mut self, k: usize, e: &EventFile) {
        let at = || At::root().field("events").index(k);
        self.short(&e.id, || at().field("id"));
        self.short(&e.title, || at().field("title"));
        self.short(&e.source, || at().field("source"));
        for (j, x) in e.effects.iter().enumerate() {
            let effect = || at().field("effects").index(j);
            match x {
                EffectFile::Modifier { label: Some(l), .. } => {
                    self.short(l, || effect().field("label"));
                }
                EffectFile::TakeOffice { office, .. } => {
                    self.short(office, || effect().field("office"));
                }
                _ => {}
            }
        }
    }

    /// The texts of checkpoint number `k`: its id, quote and source, and its readings'
    /// names, sources and quotes.
    fn checkpoint(&mut self, k: usize, x: &CheckpointFile) {
        let at = || At::root().field("timeline").field("checkpoints").index(k);
        self.short(&x.id, || at().field("id"));
        self.short(&x.quote, || at().field("quote"));
        self.short(&x.source, || at().field("source"));
        for (j, r) in x.readings.iter().enumerate() {
            let reading = || at().field("readings").index(j);
            self.short(&r.name, || reading().field("name"));
            self.short(&r.source, || reading().field("source"));
            if let Some(q) = &r.quote {
                self.short(q, || reading().field("quote"));
            }
        }
    }

    /// A one-line text (a name, a title, a source): no control character at all.
    fn short(&mut self, text: &str, at: impl FnOnce() -> At) {
        if let Some(c) = first_control(text, |_| true) {
            self.0.push((at(), control_message(text, c)));
        }
    }

    /// A text that may run over lines (`description`, `note`): line breaks and tabs
    /// allowed.
    fn long(&mut self, text: &str, at: impl FnOnce() -> At) {
        if let Some(c) = first_control(text, |c| c != '\n' && c != '\t' && c != '\r') {
            self.0.push((at(), control_message(text, c)));
        }
    }
}

/// The first control character of `text` that `refused` refuses, found byte by byte
/// without decoding characters (notes run to kilobytes). In UTF-8 the control
/// characters are the bytes below 0x20 and 0x7F (no other character uses a byte below
/// 0x80), and U+0080 to U+009F, written 0xC2 then 0x80 to 0x9F (0xC2 only ever leads a
/// character). Most texts are ASCII, which a quick pass tells (eight bytes at a time),
/// and whose search then looks at nothing else.
fn first_control(text: &str, refused: impl Fn(char) -> bool) -> Option<char> {
    if text.is_ascii() {
        return (text.bytes())
            .map(char::from)
            .find(|&c| (c < ' ' || c == '\x7f') && refused(c));
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().find_map(|(i, &b)| {
        let c = match b {
            0x00..=0x1f | 0x7f => char::from(b),
            // `char::from` of a byte is the character of that code point.
            0xc2 => match bytes.get(i + 1) {
                Some(&next @ 0x80..=0x9f) => char::from(next),
                _ => return None,
            },
            _ => return None,
        };
        refused(c).then_some(c)
    })
}

/// "this text holds the control character U+0007 (after "Tre")".
pub(super) fn control_message(text: &str, c: char) -> String {
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
    fn the_control_characters_found_byte_by_byte_are_those_of_the_characters() {
        // Every character up to U+0800 (one- and two-byte UTF-8, C1 controls among
        // them) and a few beyond, after ASCII and after a two-byte letter.
        let others = ['\u{2028}', '\u{feff}', '\u{fffd}', '\u{1f600}'];
        for c in ('\0'..='\u{7ff}').chain(others) {
            for text in [format!("ab{c}z"), format!("é{c}z"), format!("{c}")] {
                let expected = text.chars().find(|c| c.is_control());
                assert_eq!(first_control(&text, |_| true), expected, "{:?}", c);
            }
        }
        assert_eq!(first_control("a\nb\u{7}", |c| c != '\n'), Some('\u{7}'));
        assert_eq!(first_control("a\n\tb", |c| c != '\n' && c != '\t'), None);
        assert_eq!(first_control("\u{a0}\u{85}", |_| true), Some('\u{85}'));
    }

    #[test]
    fn control_characters_are_named_by_code_point() {
        assert_eq!(
            control_message("ab\u{1b}[31m", '\u{1b}'),
            "this text holds the control character U+001B (after \"ab\")"
        );
    }
}
