//! HMAC-SHA256 pseudonyms, exactly as the Python pipeline made them:
//! `hmac.digest(salt, text.encode("utf-8", "surrogatepass"), "sha256").hex()`, where the text of a JSON leaf
//! is the string itself, or the number or boolean as orjson prints it (`42`, `1e+16`, `true`); null stays null.
//!
//! Also the values these pseudonyms are made of: [`Text`] (a Python `str`, lone surrogates included),
//! [`Value`] (a JSON value as Python holds it once parsed), generic over the string type so that the Python
//! bindings read their strings in place and tests write plain Rust strings, and [`Json`], what reads a
//! [`Value`] and the native events' JSON alike.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The content of a Python `str`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    Utf8(&'a str),
    /// A `str` holding lone surrogates, as `encode("utf-8", "surrogatepass")` gives it (not UTF-8: no Rust `str`).
    Surrogates(&'a [u8]),
}

impl<'a> Text<'a> {
    /// The bytes that are hashed: UTF-8, surrogates encoded as three bytes each ("surrogatepass").
    pub fn bytes(&self) -> &'a [u8] {
        match self {
            Text::Utf8(text) => text.as_bytes(),
            Text::Surrogates(bytes) => bytes,
        }
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Text::Utf8(text) => Some(text),
            Text::Surrogates(_) => None,
        }
    }

    /// The length in code points, as Python's `len` (a surrogate is one code point, three bytes).
    pub fn chars(&self) -> usize {
        self.bytes().iter().filter(|byte| (**byte & 0xC0) != 0x80).count()
    }
}

/// Whatever holds a [`Text`]: the bindings' Python strings, tests' Rust strings.
pub trait AsText {
    fn text(&self) -> Text<'_>;
}

impl AsText for String {
    fn text(&self) -> Text<'_> {
        Text::Utf8(self)
    }
}

impl AsText for &str {
    fn text(&self) -> Text<'_> {
        Text::Utf8(self)
    }
}

/// An owned [`Text`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedText {
    Utf8(String),
    Surrogates(Vec<u8>),
}

impl AsText for OwnedText {
    fn text(&self) -> Text<'_> {
        match self {
            OwnedText::Utf8(text) => Text::Utf8(text),
            OwnedText::Surrogates(bytes) => Text::Surrogates(bytes),
        }
    }
}

/// A JSON value as Python holds it once parsed: `None`, `bool`, `int`, `float`, `str`, `list`, `dict` (keys in
/// their order). `Int` is any integer that fits 128 bits (orjson writes those in -2^63..2^64-1), `BigInt` the
/// decimal text of a larger one.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<S> {
    Null,
    Bool(bool),
    Int(i128),
    BigInt(String),
    Float(f64),
    Str(S),
    Array(Vec<Value<S>>),
    Object(Vec<(S, Value<S>)>),
}

/// A JSON value read in place, one level at a time: Python's values once read ([`Value`]) and the native
/// events' (`serde_json::Value`) alike, so that the good-event walks read either without converting it.
pub trait Json: Sized {
    type Items<'a>: ExactSizeIterator<Item = &'a Self>
    where
        Self: 'a;
    type Members<'a>: ExactSizeIterator<Item = (Text<'a>, &'a Self)>
    where
        Self: 'a;

    fn node(&self) -> Node<'_, Self>;

    /// The value of `key` in an object (the first, as Python's dict holds one per key); None in anything else.
    fn get(&self, key: &str) -> Option<&Self> {
        match self.node() {
            Node::Object(mut members) => members.find(|(name, _)| *name == Text::Utf8(key)).map(|(_, value)| value),
            _ => None,
        }
    }
}

/// One level of a [`Json`] value: a leaf, or the items or members to read further.
pub enum Node<'a, J: Json + 'a> {
    Null,
    Bool(bool),
    Int(i128),
    BigInt(&'a str),
    Float(f64),
    Str(Text<'a>),
    Array(J::Items<'a>),
    Object(J::Members<'a>),
}

type ValueMembers<'a, S> = std::iter::Map<std::slice::Iter<'a, (S, Value<S>)>, fn(&'a (S, Value<S>)) -> (Text<'a>, &'a Value<S>)>;

fn value_member<S: AsText>((key, value): &(S, Value<S>)) -> (Text<'_>, &Value<S>) {
    (key.text(), value)
}

impl<S: AsText> Json for Value<S> {
    type Items<'a> = std::slice::Iter<'a, Value<S>> where S: 'a;
    type Members<'a> = ValueMembers<'a, S> where S: 'a;

    fn node(&self) -> Node<'_, Self> {
        match self {
            Value::Null => Node::Null,
            Value::Bool(flag) => Node::Bool(*flag),
            Value::Int(int) => Node::Int(*int),
            Value::BigInt(text) => Node::BigInt(text),
            Value::Float(float) => Node::Float(*float),
            Value::Str(text) => Node::Str(text.text()),
            Value::Array(items) => Node::Array(items.iter()),
            Value::Object(pairs) => Node::Object(pairs.iter().map(value_member as fn(&(S, Value<S>)) -> (Text<'_>, &Value<S>))),
        }
    }
}

type SerdeMember<'a> = fn((&'a String, &'a serde_json::Value)) -> (Text<'a>, &'a serde_json::Value);
type SerdeMembers<'a> = std::iter::Map<serde_json::map::Iter<'a>, SerdeMember<'a>>;

fn serde_member<'a>((key, value): (&'a String, &'a serde_json::Value)) -> (Text<'a>, &'a serde_json::Value) {
    (Text::Utf8(key), value)
}

impl Json for serde_json::Value {
    type Items<'a> = std::slice::Iter<'a, serde_json::Value>;
    type Members<'a> = SerdeMembers<'a>;

    fn node(&self) -> Node<'_, Self> {
        match self {
            serde_json::Value::Null => Node::Null,
            serde_json::Value::Bool(flag) => Node::Bool(*flag),
            serde_json::Value::Number(number) => match (number.as_i64(), number.as_u64()) {
                (Some(int), _) => Node::Int(int.into()),
                (None, Some(int)) => Node::Int(int.into()),
                _ => Node::Float(number.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(text) => Node::Str(Text::Utf8(text)),
            serde_json::Value::Array(items) => Node::Array(items.iter()),
            serde_json::Value::Object(members) => Node::Object(members.iter().map(serde_member as SerdeMember<'_>)),
        }
    }
}

/// The integers orjson writes (beyond them it raises "Integer exceeds 64-bit range").
pub fn in_json_range(value: i128) -> bool {
    (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(&value)
}

/// A float as orjson writes it (the shortest text that reads back, `1e+16`, `0.00001`, `-0.0`; NaN and the
/// infinities as `null`). serde_json and orjson print with the same algorithm (zmij): checked value by value by
/// the differential of the good events.
pub fn push_json_float(value: f64, out: &mut String) {
    if !value.is_finite() {
        out.push_str("null");
        return;
    }
    // serde_json writes a finite f64 as its shortest round-trip text; an f64 never fails to serialize
    match serde_json::to_string(&value) {
        Ok(text) => out.push_str(&text),
        Err(_) => out.push_str("null"),
    }
}

/// The hex digest of a pseudonym: 64 ASCII characters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pseudonym([u8; 64]);

impl Pseudonym {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default() // hex digits: always ASCII
    }
}

impl std::fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Pseudonyms under one salt. The keyed HMAC state (the salt's inner and outer pads absorbed) is prepared once
/// and cloned for each value. No cache: with SHA extensions an HMAC of a short value costs ~140 ns, and a
/// direct-mapped cache of the short ones (256 to 256k slots) did not measurably speed up the good events of the
/// sample mix (within the noise of no cache; the larger ones slower).
pub struct Hasher {
    keyed: Hmac<Sha256>,
}

impl Hasher {
    pub fn new(salt: &[u8]) -> Result<Hasher, String> {
        let keyed = Hmac::<Sha256>::new_from_slice(salt).map_err(|err| format!("HMAC key: {err}"))?;
        Ok(Hasher { keyed })
    }

    /// The pseudonym of a text (Python's `Hasher.text`).
    pub fn text(&self, text: Text<'_>) -> Pseudonym {
        self.digest(text.bytes())
    }

    /// The pseudonym of bytes: the hex digest of their HMAC.
    pub fn digest(&self, bytes: &[u8]) -> Pseudonym {
        let mut mac = self.keyed.clone();
        mac.update(bytes);
        let digest = mac.finalize().into_bytes();
        let mut hex = [0u8; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0x0F)];
        }
        Pseudonym(hex)
    }

    /// The pseudonym of a JSON leaf (Python's `Hasher.leaf`): strings as they are, numbers and booleans as their
    /// JSON text (an integer beyond orjson's 64 bits as its decimal text), null kept (`None`). A list or an object
    /// is not a leaf: `None` too (the walks never ask for one).
    pub fn leaf<J: Json>(&self, node: &Node<'_, J>) -> Option<Pseudonym> {
        let mut number = String::new();
        match node {
            Node::Null | Node::Array(_) | Node::Object(_) => return None,
            Node::Str(text) => return Some(self.text(*text)),
            Node::Bool(true) => number.push_str("true"),
            Node::Bool(false) => number.push_str("false"),
            Node::Int(int) => number.push_str(&int.to_string()),
            Node::BigInt(text) => number.push_str(text),
            Node::Float(float) => push_json_float(*float, &mut number),
        }
        Some(self.text(Text::Utf8(&number)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed once with Python: hmac.digest(salt, text.encode("utf-8", "surrogatepass"),
    // "sha256").hex(), and pasted here.
    const SALT: &[u8] = b"pepper-2024";

    fn hex(salt: &[u8], text: Text<'_>) -> String {
        Hasher::new(salt).map(|hasher| hasher.text(text).as_str().to_owned()).unwrap_or_default()
    }

    #[test]
    fn known_answers() {
        // RFC 4231 test case 2
        assert_eq!(
            hex(b"Jefe", Text::Utf8("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(SALT, Text::Utf8("jane.doe@example.com")),
            "c77df59bd995d6fa5b3451f38af3729df0a11d74a1a6ad7ada6d3ef56a06446b"
        );
        assert_eq!(hex(SALT, Text::Utf8("Zürich")), "9f73e276e4f54b8b6c597788ddb5d0eb9d0b26fee6457977de08ad6647b652f5");
        assert_eq!(hex(b"", Text::Utf8("")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    }

    #[test]
    fn a_lone_surrogate_hashes_as_surrogatepass_encodes_it() {
        // "a\ud800b".encode("utf-8", "surrogatepass") == b"a\xed\xa0\x80b"
        let text = Text::Surrogates(b"a\xed\xa0\x80b");
        assert_eq!(hex(SALT, text), "4b3e749634efdcdd9fd61169b121e561cb4c03472735e2243d0b5b67ffdd9286");
        assert_eq!(text.chars(), 3);
        assert_eq!(Text::Utf8("Zürich\u{1F600}").chars(), 7);
    }

    #[test]
    fn leaves_hash_as_their_json_text() {
        let hasher = Hasher::new(SALT).unwrap_or_else(|_| unreachable!());
        let leaf = |hasher: &Hasher, value: Value<String>| hasher.leaf(&value.node()).map(|p| p.as_str().to_owned());
        let json = |text: &str| Some(hex(SALT, Text::Utf8(text)));
        assert_eq!(leaf(&hasher, Value::Int(42)), Some("88058dafef15033dbb0351541e229edcbc8c4ad3a4ed3fdaa7f8009aae96d0fe".into()));
        assert_eq!(leaf(&hasher, Value::Bool(true)), Some("e2cc7c5f8fd170a11788776e39b83cecc0ec8e2efbc1c99c1db18a5f4a277ddd".into()));
        assert_eq!(leaf(&hasher, Value::Str("42".into())), leaf(&hasher, Value::Int(42)));
        assert_eq!(leaf(&hasher, Value::Bool(false)), json("false"));
        assert_eq!(leaf(&hasher, Value::Float(1e16)), json("1e+16"));
        assert_eq!(leaf(&hasher, Value::Float(1e-5)), json("0.00001"));
        assert_eq!(leaf(&hasher, Value::Float(-0.0)), json("-0.0"));
        assert_eq!(leaf(&hasher, Value::Float(f64::NAN)), json("null"));
        assert_eq!(leaf(&hasher, Value::Int(i128::from(u64::MAX))), json("18446744073709551615"));
        assert_eq!(leaf(&hasher, Value::BigInt("1180591620717411303424".into())), json("1180591620717411303424"));
        assert_eq!(leaf(&hasher, Value::Null), None);
    }

    #[test]
    fn floats_are_written_as_orjson_writes_them() {
        // orjson.dumps(x) of each, pasted
        for (value, text) in [
            (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-5, "0.00001"), (1e-7, "1e-7"), (0.1, "0.1"),
            (-0.0, "-0.0"), (100.0, "100.0"), (1.2345678901234568e17, "1.2345678901234568e+17"),
            (5e-324, "5e-324"), (f64::INFINITY, "null"), (f64::NEG_INFINITY, "null"),
        ] {
            let mut out = String::new();
            push_json_float(value, &mut out);
            assert_eq!(out, text);
        }
    }
}
