//! Whether two values serialize to the same JSON, decided without writing JSON.
//!
//! A what-if tells which events it changed by comparing each event of the variant with
//! the base's as serialized to JSON ([`super::WhatIf::of`]). Writing JSON escapes every
//! character of every text and formats every number: for a scenario of a hundred events
//! that cost more than the rest of describing the what-if. A value's *shape* is a byte
//! encoding of serde's data model, made so that two values have equal shapes exactly
//! when `serde_json` writes them as equal text:
//!
//! - what JSON writes as `null` (`None`, `()`, a unit struct, a NaN or infinite float)
//!   is one tag;
//! - integers of any width are one tag and their value (JSON writes the decimal digits);
//! - a finite `f64` is its bit pattern: JSON writes the shortest text that reads back as
//!   the same number, so two finite numbers give the same text exactly when their bits
//!   are equal (`-0.0` is written `-0.0`, apart from `0.0`);
//! - a string is its bytes with their length (JSON's escaping is one-to-one), a `char` a
//!   string of one character;
//! - lists, tuples and tuple structs are a list; structs and maps an object of keys and
//!   values (a field skipped is absent, as in JSON); an enum variant what `serde_json`
//!   makes of it: a unit variant its name as a string, any other an object of one key.
//!
//! What this encoding does not mirror exactly (`f32` and its own shortest text, byte
//! arrays, `u128` beyond `i128`, map keys other than strings, which JSON turns into
//! strings) makes [`write()`] return `None`, and the caller compares JSON text instead.

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The shape of `value`: bytes equal for two values exactly when their JSON text is
/// equal. `None` where it holds something whose JSON this encoding does not mirror (or
/// whose serialization fails).
#[cfg(test)]
pub fn shape<T: Serialize + ?Sized>(value: &T) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    write(value, &mut out)?;
    Some(out)
}

/// Appends the shape of `value` to `out`: bytes equal for two values exactly when their
/// JSON text is equal. `None`, with some bytes appended, where it has none.
pub fn write<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Option<()> {
    value.serialize(&mut Encoder(out)).ok()
}

// One byte opens each value; none of them is `END`, so a list or an object ends where
// its `END` stands.
const NULL: u8 = b'n';
const TRUE: u8 = b't';
const FALSE: u8 = b'f';
const INT: u8 = b'i';
const FLOAT: u8 = b'd';
const STR: u8 = b's';
const LIST: u8 = b'[';
const OBJECT: u8 = b'{';
const END: u8 = b'.';

struct Encoder<'o>(&'o mut Vec<u8>);

/// What this encoding does not mirror: the caller falls back to JSON text.
#[derive(Debug)]
struct Unmirrored;

impl std::fmt::Display for Unmirrored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value whose JSON this encoding does not mirror")
    }
}

impl std::error::Error for Unmirrored {}

impl ser::Error for Unmirrored {
    fn custom<M: std::fmt::Display>(_: M) -> Unmirrored {
        Unmirrored
    }
}

impl Encoder<'_> {
    fn int(&mut self, v: i128) {
        self.0.push(INT);
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn str(&mut self, v: &str) {
        self.0.push(STR);
        self.0.extend_from_slice(&(v.len() as u64).to_le_bytes());
        self.0.extend_from_slice(v.as_bytes());
    }

    /// `{"variant": ` as JSON opens a variant that holds something.
    fn open_variant(&mut self, variant: &str) {
        self.0.push(OBJECT);
        self.str(variant);
    }
}

type Result<T = ()> = std::result::Result<T, Unmirrored>;

impl<'a, 'o> ser::Serializer for &'a mut Encoder<'o> {
    type Ok = ();
    type Error = Unmirrored;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Compound<'a, 'o>;
    type SerializeTupleStruct = Compound<'a, 'o>;
    type SerializeTupleVariant = Compound<'a, 'o>;
    type SerializeMap = Compound<'a, 'o>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = Compound<'a, 'o>;

    fn serialize_bool(self, v: bool) -> Result {
        self.0.push(if v { TRUE } else { FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.int(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.serialize_i128(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.serialize_i128(i128::try_from(v).map_err(|_| Unmirrored)?)
    }
    fn serialize_f32(self, _: f32) -> Result {
        Err(Unmirrored)
    }
    fn serialize_f64(self, v: f64) -> Result {
        if v.is_finite() {
            self.0.push(FLOAT);
            self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        } else {
            self.0.push(NULL);
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Unmirrored)
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.0.push(NULL);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result {
        self.open_variant(variant);
        v.serialize(&mut *self)?;
        self.0.push(END);
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, 'o>> {
        self.0.push(LIST);
        Ok(Compound { out: self, ends: 1 })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'o>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, 'o>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'o>> {
        self.open_variant(variant);
        self.0.push(LIST);
        Ok(Compound { out: self, ends: 2 })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, 'o>> {
        self.0.push(OBJECT);
        Ok(Compound { out: self, ends: 1 })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 'o>> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'o>> {
        self.open_variant(variant);
        self.0.push(OBJECT);
        Ok(Compound { out: self, ends: 2 })
    }
}

/// A list or an object being written; `ends` is how many `END`s close it (two for a
/// variant: its own and its one-key object's).
struct Compound<'a, 'o> {
    out: &'a mut Encoder<'o>,
    ends: usize,
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        v.serialize(&mut *self.out)
    }

    fn end(self) -> Result {
        for _ in 0..self.ends {
            self.out.0.push(END);
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        // JSON writes every key as a string, turning a number into its digits: only
        // keys that are strings already are encoded as JSON would have them.
        key.serialize(KeyOnly(&mut *self.out))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result {
        self.out.str(key);
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result {
        self.out.str(key);
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

/// A map key: a string (or a newtype around one) is written as a string; anything else
/// is [`Unmirrored`].
struct KeyOnly<'a, 'o>(&'a mut Encoder<'o>);

impl ser::Serializer for KeyOnly<'_, '_> {
    type Ok = ();
    type Error = Unmirrored;
    type SerializeSeq = Impossible<(), Unmirrored>;
    type SerializeTuple = Impossible<(), Unmirrored>;
    type SerializeTupleStruct = Impossible<(), Unmirrored>;
    type SerializeTupleVariant = Impossible<(), Unmirrored>;
    type SerializeMap = Impossible<(), Unmirrored>;
    type SerializeStruct = Impossible<(), Unmirrored>;
    type SerializeStructVariant = Impossible<(), Unmirrored>;

    fn serialize_str(self, v: &str) -> Result {
        self.0.str(v);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result {
        Err(Unmirrored)
    }
    fn serialize_i8(self, _: i8) -> Result {
        Err(Unmirrored)
    }
    fn serialize_i16(self, _: i16) -> Result {
        Err(Unmirrored)
    }
    fn serialize_i32(self, _: i32) -> Result {
        Err(Unmirrored)
    }
    fn serialize_i64(self, _: i64) -> Result {
        Err(Unmirrored)
    }
    fn serialize_u8(self, _: u8) -> Result {
        Err(Unmirrored)
    }
    fn serialize_u16(self, _: u16) -> Result {
        Err(Unmirrored)
    }
    fn serialize_u32(self, _: u32) -> Result {
        Err(Unmirrored)
    }
    fn serialize_u64(self, _: u64) -> Result {
        Err(Unmirrored)
    }
    fn serialize_f32(self, _: f32) -> Result {
        Err(Unmirrored)
    }
    fn serialize_f64(self, _: f64) -> Result {
        Err(Unmirrored)
    }
    fn serialize_char(self, _: char) -> Result {
        Err(Unmirrored)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Unmirrored)
    }
    fn serialize_none(self) -> Result {
        Err(Unmirrored)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result {
        Err(Unmirrored)
    }
    fn serialize_unit(self) -> Result {
        Err(Unmirrored)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        Err(Unmirrored)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result {
        Err(Unmirrored)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Unmirrored)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(Unmirrored)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(Unmirrored)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(Unmirrored)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Unmirrored)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Unmirrored)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(Unmirrored)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Unmirrored)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::scenario::file::EventFile;

    /// Whether JSON text tells `a` and `b` apart, and whether their shapes do.
    fn told_apart<T: Serialize>(a: &T, b: &T) -> (bool, bool) {
        let json = |v: &T| serde_json::to_string(v).unwrap();
        (json(a) != json(b), shape(a).unwrap() != shape(b).unwrap())
    }

    #[test]
    fn numbers_differ_as_their_json_does() {
        // -0.0 is written apart from 0.0; NaN and the infinities are all `null`, as is
        // an absent number.
        for (a, b, apart) in [
            (Some(0.0), Some(-0.0), true),
            (Some(0.1 + 0.2), Some(0.3), true),
            (Some(f64::NAN), Some(f64::INFINITY), false),
            (Some(f64::NAN), None, false),
            (Some(1.0), Some(1.0), false),
            (Some(1e300), Some(1e300), false),
        ] {
            assert_eq!(told_apart(&a, &b), (apart, apart), "{a:?} {b:?}");
        }
        assert_eq!(told_apart(&5_u32, &6_u32), (true, true));
        assert_eq!(told_apart(&(1_u8, 2_i64), &(1_u8, 2_i64)), (false, false));
    }

    #[test]
    fn a_string_is_not_confused_with_its_neighbours() {
        // ("ab", "c") and ("a", "bc") join to the same bytes; JSON and shapes keep them
        // apart.
        assert_eq!(told_apart(&("ab", "c"), &("a", "bc")), (true, true));
        assert_eq!(told_apart(&vec!["a\"b"], &vec!["a\"b"]), (false, false));
        assert_eq!(
            told_apart(&vec![vec!["x"], vec![]], &vec![vec![], vec!["x"]]),
            (true, true)
        );
    }

    #[test]
    fn maps_with_string_keys_are_mirrored_and_others_fall_back() {
        let map = |k: &str, v: f64| BTreeMap::from([(k.to_string(), v)]);
        assert_eq!(told_apart(&map("a", 1.0), &map("a", 1.0)), (false, false));
        assert_eq!(told_apart(&map("a", 1.0), &map("b", 1.0)), (true, true));
        assert!(shape(&BTreeMap::from([(1_u32, 1.0)])).is_none());
        assert!(shape(&1.5_f32).is_none());
    }

    #[test]
    fn every_event_of_the_shipped_scenario_changed_in_one_field_is_told_apart() {
        let path = std::path::Path::new("scenarios/sino_soviet_1917_1991.ron");
        let text = std::fs::read_to_string(path).unwrap();
        let file: crate::scenario::file::ScenarioFile =
            crate::scenario::source::parse(&text, path).unwrap();
        let edits: [fn(&mut EventFile); 6] = [
            |e| e.title.push('!'),
            |e| e.window = Some(e.window.unwrap_or(0) + 1),
            |e| e.chance = Some(e.chance.unwrap_or(1.0) / 2.0),
            |e| e.repeat = !e.repeat,
            |e| e.actors.reverse(),
            |e| e.effects.truncate(e.effects.len().saturating_sub(1)),
        ];
        for e in &file.events {
            assert_eq!(told_apart(e, &e.clone()), (false, false), "{}", e.id);
            for edit in edits {
                let mut changed = e.clone();
                edit(&mut changed);
                let (json, shapes) = told_apart(e, &changed);
                assert_eq!(json, shapes, "{}", e.id);
            }
        }
    }
}
