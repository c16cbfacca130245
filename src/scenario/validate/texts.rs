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
            let at = || root.field("events").index(k);
            found.short(&e.id, || at().field("id"));
            found.short(&e.title, || at().field("title"));
            found.short(&e.source, || at().field("source"));
            for (j, x) in e.effects.iter().enumerate() {
                let effect = || at().field("effects").index(j);
                match x {
                    EffectFile::Modifier { label: Some(l), .. } => {
                        found.short(l, || effect().field("label"));
                    }
                    EffectFile::TakeOffice { office, .. } => {
                        found.short(office, || effect().field("office"));
                    }
                    _ => {}
                }
            }
        }
        for (k, x) in f.timeline.eras.iter().enumerate() {
            found.short(&x.label, || {
                root.field("timeline").field("eras").index(k).field("label")
            });
        }
        for (k, x) in f.timeline.checkpoints.iter().enumerate() {
            let at = || root.field("timeline").field("checkpoints").index(k);
            found.short(&x.id, || at().field("id"));
            found.short(&x.quote, || at().field("quote"));
            found.short(&x.source, || at().field("source"));
            for (j, r) in x.readings.iter().enumerate() {
                let reading = || at().field("readings").index(j);
                found.short(&r.name, || reading().field("name"));
                found.short(&r.source, || reading().field("source"));
                if let Some(q) = &r.quote {
                    found.short(q, || reading().field("quote"));
                }
            }
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

/// The first control character of `text` that `refused` refuses. Texts are mostly
/// ASCII, whose control characters are the bytes below 0x20 and 0x7F: those are found
/// byte by byte, without decoding characters (notes run to kilobytes).
fn first_control(text: &str, refused: impl Fn(char) -> bool) -> Option<char> {
    if text.is_ascii() {
        (text.bytes())
            .map(char::from)
            .find(|&c| (c < ' ' || c == '\x7f') && refused(c))
    } else {
        text.chars().find(|&c| c.is_control() && refused(c))
    }
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
    fn ascii_and_other_texts_find_the_same_control_characters() {
        // Every ASCII character, alone and after a non-ASCII letter (which takes the
        // path that decodes characters), and C1 controls, which only that path meets.
        for b in 0..=0x7f_u8 {
            let c = char::from(b);
            let ascii = format!("ab{c}");
            let other = format!("é{c}");
            let expected = c.is_control().then_some(c);
            assert_eq!(first_control(&ascii, |_| true), expected, "{b:#x}");
            assert_eq!(first_control(&other, |_| true), expected, "{b:#x}");
        }
        assert_eq!(first_control("a\u{85}b", |_| true), Some('\u{85}'));
        assert_eq!(first_control("a\nb\u{7}", |c| c != '\n'), Some('\u{7}'));
        assert_eq!(first_control("a\n\tb", |c| c != '\n' && c != '\t'), None);
    }

    #[test]
    fn control_characters_are_named_by_code_point() {
        assert_eq!(
            control_message("ab\u{1b}[31m", '\u{1b}'),
            "this text holds the control character U+001B (after \"ab\")"
        );
    }
}
