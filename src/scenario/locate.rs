//! Finding places in RON text by path, so that a validation problem points at the item or
//! field it concerns rather than at the first string that happens to match.
//!
//! A path ([`At`]) is written in the file's own terms: field names, list positions and map
//! keys, from the top-level value down. An [`Outline`] of the text is built once, only
//! when there is a problem to report, in one pass and without recursion, so neither a
//! large file nor deep nesting makes locating slow or overflows the stack. The outline
//! trusts that the text has already parsed as RON; on anything else it still returns
//! some place, never panics.

use super::error::Location;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A named field of a struct or struct-like variant, e.g. `events`.
    Field(&'static str),
    /// A position in a list or tuple, from 0.
    Index(usize),
    /// A key of a map, e.g. an ideology axis.
    Key(String),
}

/// A path from the top-level value to a value inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct At(Vec<Seg>);

impl At {
    /// The top-level value.
    pub fn root() -> At {
        At(Vec::new())
    }

    /// A field of this value.
    pub fn field(&self, name: &'static str) -> At {
        self.with(Seg::Field(name))
    }

    /// An element of this list or tuple.
    pub fn index(&self, i: usize) -> At {
        self.with(Seg::Index(i))
    }

    /// An entry of this map.
    pub fn key(&self, key: &str) -> At {
        self.with(Seg::Key(key.to_string()))
    }

    /// The steps of the path, from the top-level value down.
    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    /// The path of these steps.
    pub fn of(segs: Vec<Seg>) -> At {
        At(segs)
    }

    /// This path with its beginning `from` replaced by `to`; `None` when it does not
    /// begin with `from`.
    pub fn moved(&self, from: &At, to: &At) -> Option<At> {
        let rest = self.0.strip_prefix(from.0.as_slice())?;
        let mut v = to.0.clone();
        v.extend(rest.iter().cloned());
        Some(At(v))
    }

    fn with(&self, seg: Seg) -> At {
        // Room for the new step from the start: a clone has no spare room, and growing it
        // again would allocate twice for every path made (the validator makes thousands).
        let mut v = Vec::with_capacity(self.0.len() + 1);
        v.extend_from_slice(&self.0);
        v.push(seg);
        At(v)
    }
}

/// A value in the text: where it starts, the key it stands under, and what it contains.
#[derive(Debug)]
struct Node {
    /// Byte offset of the value's first character (a variant's name, or its bracket).
    start: usize,
    /// The field name or map key the value stands under, as a byte range of the text.
    key: Option<(usize, usize)>,
    /// Contained values, in order.
    children: Vec<usize>,
}

/// A token of RON text, by byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// One of `( ) [ ] { } , : # !`.
    Punct(u8),
    /// A string; the range is its content, without the quotes.
    Str(usize, usize),
    /// Anything else: a name, a number, a character literal.
    Word(usize, usize),
}

/// The shape of a RON text: every value with its key and children.
#[derive(Debug)]
pub struct Outline<'a> {
    text: &'a str,
    nodes: Vec<Node>,
    /// Byte offset where each line starts.
    lines: Vec<usize>,
}

impl<'a> Outline<'a> {
    /// Outlines `text`.
    pub fn new(text: &'a str) -> Outline<'a> {
        let tokens = tokenize(text);
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut key: Option<(usize, usize)> = None;
        let mut k = 0;
        while k < tokens.len() {
            let (tok, at) = tokens[k];
            let next = tokens.get(k + 1).map(|t| t.0);
            match tok {
                Tok::Punct(b',') => {
                    key = None;
                    k += 1;
                    continue;
                }
                Tok::Punct(b')' | b']' | b'}') => {
                    stack.pop();
                    key = None;
                    k += 1;
                    continue;
                }
                // `#![enable(...)]` before the value: skip to its closing `]`.
                Tok::Punct(b'#' | b'!') => {
                    k += 1;
                    if tok == Tok::Punct(b'#') {
                        let mut depth = 0usize;
                        while k < tokens.len() {
                            match tokens[k].0 {
                                Tok::Punct(b'[') => depth += 1,
                                Tok::Punct(b']') => {
                                    depth = depth.saturating_sub(1);
                                    if depth == 0 {
                                        k += 1;
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            k += 1;
                        }
                    }
                    continue;
                }
                Tok::Punct(b':') => {
                    k += 1;
                    continue;
                }
                _ => {}
            }
            if let (Tok::Word(a, b) | Tok::Str(a, b), Some(Tok::Punct(b':'))) = (tok, next)
                && !stack.is_empty()
            {
                key = Some((a, b));
                k += 2;
                continue;
            }
            let id = nodes.len();
            nodes.push(Node {
                start: at,
                key: key.take(),
                children: Vec::new(),
            });
            if let Some(&parent) = stack.last() {
                nodes[parent].children.push(id);
            } else if id != 0 {
                // A second top-level value: the text did not parse; keep the first.
                nodes.pop();
                k += 1;
                continue;
            }
            match (tok, next) {
                (Tok::Word(..), Some(Tok::Punct(b'('))) => {
                    stack.push(id);
                    k += 2;
                }
                (Tok::Punct(b'(' | b'[' | b'{'), _) => {
                    stack.push(id);
                    k += 1;
                }
                _ => k += 1,
            }
        }
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Outline { text, nodes, lines }
    }

    /// Where the value at `at` stands. When the path goes further than the text (a field
    /// left out, say), the deepest value found stands in: its `id` if it has one, else its
    /// first character.
    pub fn locate(&self, at: &At) -> Location {
        self.location(self.offset(at))
    }

    /// The byte offset of [`Outline::locate`]'s place: cheap, so problems can be put in
    /// file order before only the ones reported are turned into lines and columns.
    pub fn offset(&self, at: &At) -> usize {
        let Some(mut n) = (!self.nodes.is_empty()).then_some(0) else {
            return 0;
        };
        for seg in &at.0 {
            let node = &self.nodes[n];
            let next = match seg {
                Seg::Field(name) => self.child(node, name),
                Seg::Key(name) => self.child(node, name),
                Seg::Index(i) => node.children.get(*i).copied(),
            };
            match next {
                Some(c) => n = c,
                None => {
                    let id = self.child(node, "id").unwrap_or(n);
                    return self.nodes[id].start;
                }
            }
        }
        self.nodes[n].start
    }

    /// The text of the value at `at`, when it is a single word or number (e.g. `1e400`).
    pub fn word(&self, at: &At) -> Option<&'a str> {
        let start = self.locate_offset(at)?;
        let rest = &self.text[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || "()[]{},:\"'".contains(c))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    }

    fn locate_offset(&self, at: &At) -> Option<usize> {
        let mut n = 0;
        self.nodes.first()?;
        for seg in &at.0 {
            let node = &self.nodes[n];
            n = match seg {
                Seg::Field(name) => self.child(node, name)?,
                Seg::Key(name) => self.child(node, name)?,
                Seg::Index(i) => *node.children.get(*i)?,
            };
        }
        Some(self.nodes[n].start)
    }

    fn child(&self, node: &Node, name: &str) -> Option<usize> {
        node.children.iter().copied().find(|&c| {
            self.nodes[c]
                .key
                .is_some_and(|(a, b)| &self.text[a..b] == name)
        })
    }

    /// The line and character column of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let line = self.lines.partition_point(|&s| s <= offset).max(1);
        let start = self.lines[line - 1];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        Location::in_line(line, &self.text[start..end], offset.saturating_sub(start))
    }
}

/// The byte offset of the first bracket that opens deeper than `limit` brackets, if any:
/// one pass, strings and comments skipped.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (tok, at) in tokenize(text) {
        match tok {
            Tok::Punct(b'(' | b'[' | b'{') => {
                depth += 1;
                if depth > limit {
                    return Some(at);
                }
            }
            Tok::Punct(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Whether the text holds nothing but blanks and comments.
pub fn is_blank(text: &str) -> bool {
    tokenize(text).is_empty()
}

/// Splits RON text into tokens with their byte offsets, skipping whitespace and comments.
fn tokenize(text: &str) -> Vec<(Tok, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            i = memchr(b'\n', b, i).unwrap_or(b.len());
        } else if b[i..].starts_with(b"/*") {
            // Block comments nest in RON.
            let mut depth = 0usize;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b"()[]{},:#!".contains(&c) {
            out.push((Tok::Punct(c), i));
            i += 1;
        } else if let Some((content, end)) = string_at(b, i) {
            out.push((Tok::Str(content.0, content.1), i));
            i = end;
        } else if c == b'\'' {
            // A character literal: up to the next unescaped quote.
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            out.push((Tok::Word(start, i), start));
        } else {
            let start = i;
            while i < b.len()
                && !b[i].is_ascii_whitespace()
                && !b"()[]{},:\"'".contains(&b[i])
                && !b[i..].starts_with(b"//")
                && !b[i..].starts_with(b"/*")
            {
                i += 1;
            }
            // Stop on a character boundary (a name may hold non-ASCII letters).
            while !text.is_char_boundary(i) {
                i += 1;
            }
            out.push((Tok::Word(start, i), start));
        }
    }
    out
}

/// A string literal starting at `i` (`"..."`, `r#"..."#`, `b"..."`): its content range and
/// the offset just past it.
fn string_at(b: &[u8], i: usize) -> Option<((usize, usize), usize)> {
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) == Some(&b'r') {
        j += 1;
        let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
        j += hashes;
        if b.get(j) != Some(&b'"') {
            return None;
        }
        let content = j + 1;
        let mut k = content;
        while k < b.len() {
            if b[k] == b'"'
                && b[k + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&c| c == b'#')
                    .count()
                    == hashes
            {
                return Some(((content, k), k + 1 + hashes));
            }
            k += 1;
        }
        return Some(((content, b.len()), b.len()));
    }
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let content = j + 1;
    let mut k = content;
    while k < b.len() && b[k] != b'"' {
        k += if b[k] == b'\\' { 2 } else { 1 };
    }
    let end = k.min(b.len());
    Some(((content, end), (end + 1).min(b.len())))
}

fn memchr(needle: u8, hay: &[u8], from: usize) -> Option<usize> {
    hay[from..]
        .iter()
        .position(|&c| c == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"#![enable(implicit_some)]
// A comment with id: "b" in it.
Scenario(
    name: "x", /* nested /* block */ comment */
    events: [
        (id: "a", date: "1950-01-01"),
        (id: "b", chance: 1.5,
         effects: [Modifier(level: Party("p", "q"), value: 1e400)]),
    ],
    parties: [(id: "b", ideology: {"left": 2.0})],
)"#;

    fn at(path: &At) -> (usize, usize) {
        let l = Outline::new(TEXT).locate(path);
        (l.line, l.col)
    }

    #[test]
    fn finds_items_fields_and_keys_by_path() {
        let events = At::root().field("events");
        assert_eq!(at(&events.index(1).field("id")), (7, 14));
        assert_eq!(at(&events.index(1).field("chance")), (7, 27));
        let effect = events.index(1).field("effects").index(0);
        assert_eq!(at(&effect), (8, 20));
        assert_eq!(at(&effect.field("level").index(1)), (8, 47));
        let party = At::root().field("parties").index(0);
        assert_eq!(at(&party.field("id")), (10, 20));
        assert_eq!(at(&party.field("ideology").key("left")), (10, 44));
    }

    #[test]
    fn a_missing_field_falls_back_to_the_items_id() {
        let event = At::root().field("events").index(0);
        assert_eq!(at(&event.field("window")), (6, 14));
        assert_eq!(at(&At::root().field("nothing")), (3, 1));
    }

    #[test]
    fn reads_the_word_written_for_a_value() {
        let o = Outline::new(TEXT);
        let value = At::root()
            .field("events")
            .index(1)
            .field("effects")
            .index(0)
            .field("value");
        assert_eq!(o.word(&value), Some("1e400"));
    }

    #[test]
    fn survives_text_that_is_not_ron() {
        for text in [
            "",
            "))]]",
            "{\"a\": [1, 2",
            "\"unclosed",
            "r#\"x",
            "'",
            "/* x",
        ] {
            let o = Outline::new(text);
            let l = o.locate(&At::root().field("a").index(3));
            assert!(l.line >= 1 && l.col >= 1, "{text:?}");
        }
    }
}
