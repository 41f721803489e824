//! Good events pseudonymized: one enriched event in, its pseudonymized values out, exactly as Python's
//! `Pseudonymizer.event` makes them (`transforms/pseudonymize.py`), then serialized (the Arrow cells in
//! [`Cell`], the canonical TSV line in [`tsv`]).
//!
//! - An allowlisted field is kept as it is, unless it has a shape (`FIELD_SHAPES`) and its value does not fit
//!   it (its shape and maxLength): then that value is free text, hashed.
//! - The JSON fields (contexts, derived contexts, the unstruct event) are walked by the entity rules
//!   ([`policy`]) and written as orjson writes them (compact, keys in their order).
//! - Any other string is hashed; decimals and other non-strings are removed.
//!
//! The field list (names, types, maxLengths), the allowlist, the shapes (regex texts) and the entity rules are
//! Python's (`transforms/atomic.py`, `transforms/enrich.py`, the policy file): given to [`GoodEvents::new`].

pub mod arrow;
pub mod policy;
pub mod tsv;

use regex::bytes::Regex;

use crate::event::NameMap;
use crate::pseudonym::{in_json_range, push_json_float, Hasher, Json, Node, Pseudonym, Text};
use policy::{is_schema_uri, rule_for, EntityRule, SchemaKey, Trie};

/// What a call refuses, as the Python exception it becomes: `Type` (TypeError: a value of a type the field or
/// orjson does not take), `Value` (ValueError: a configuration or a text that cannot be written), `Overflow`
/// (OverflowError: a timestamp beyond year 9999).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Type(String),
    Value(String),
    Overflow(String),
}

/// Containers nested deeper than this are refused, as orjson refuses to write them ("Recursion limit reached").
pub const MAX_DEPTH: usize = 254;

/// The logical type of a field (`transforms/atomic.py`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Int,
    Float,
    Bool,
    Timestamp,
    Json,
    Decimal,
}

impl Kind {
    pub fn parse(name: &str) -> Result<Kind, Error> {
        Ok(match name {
            "string" => Kind::String,
            "int" => Kind::Int,
            "float" => Kind::Float,
            "bool" => Kind::Bool,
            "timestamp" => Kind::Timestamp,
            "json" => Kind::Json,
            "decimal" => Kind::Decimal,
            other => return Err(Error::Value(format!("unknown field type {other:?}"))),
        })
    }
}

/// One field and what the policy does with it.
#[derive(Debug)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    pub max_length: Option<usize>,
    /// Kept in clear (never for a JSON field: those follow the entity rules).
    pub allowlisted: bool,
    /// An allowlisted field's shape, anchored at both ends (Python's `fullmatch`).
    shape: Option<Regex>,
}

impl Field {
    /// Whether an allowlisted text stays in clear: a field without a shape keeps any text; with one, Python's
    /// `field_fits`: a non-empty string fits the field's maxLength (in code points) and its shape.
    fn fits(&self, text: Text<'_>) -> bool {
        let bytes = text.bytes();
        if self.shape.is_none() || bytes.is_empty() {
            return true;
        }
        if self.max_length.is_some_and(|limit| text.chars() > limit) {
            return false;
        }
        self.shape.as_ref().map_or(true, |shape| shape.is_match(bytes))
    }
}

/// The value of one field of an enriched event, read in place: a JSON value ([`Json`]: Python's values, the
/// native events' JSON fields) or one of the native events' plain values.
#[derive(Debug)]
pub enum FieldRef<'e, J> {
    Json(&'e J),
    Str(Text<'e>),
    Int(i128),
    Bool(bool),
}

impl<J> Clone for FieldRef<'_, J> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<J> Copy for FieldRef<'_, J> {}

impl<'e, J: Json> FieldRef<'e, J> {
    pub fn node(self) -> Node<'e, J> {
        match self {
            FieldRef::Json(value) => value.node(),
            FieldRef::Str(text) => Node::Str(text),
            FieldRef::Int(int) => Node::Int(int),
            FieldRef::Bool(flag) => Node::Bool(flag),
        }
    }
}

/// An enriched event: per field (in the order of the fields given to [`GoodEvents::new`]) its value if set, and
/// how many keys outside the fields held strings (Python's metric counts them as pseudonymized).
#[derive(Debug)]
pub struct Event<'e, J> {
    pub values: Vec<Option<FieldRef<'e, J>>>,
    pub unknown_texts: usize,
}

impl<J> Event<'_, J> {
    pub fn new(fields: usize) -> Self {
        Event { values: vec![None; fields], unknown_texts: 0 }
    }
}

/// A field of a pseudonymized event.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value (None).
    Absent,
    /// The event's value as it is (allowlisted).
    Kept,
    Hashed(Pseudonym),
    /// A JSON field: its pseudonymized value as orjson's compact text.
    Json(String),
}

/// What takes a batch's pseudonymized events one by one: the Arrow columns ([`arrow::Columns`]), the TSV lines
/// ([`tsv::Lines`]).
pub trait Rows {
    /// One event, pseudonymized as `cells` ([`GoodEvents::pseudonymize`]).
    fn push<J: Json>(&mut self, fields: &[Field], event: &Event<'_, J>, cells: &[Cell]) -> Result<(), Error>;
}

/// The good-event path under one policy and one salt.
pub struct GoodEvents {
    fields: Vec<Field>,
    index: NameMap<String, usize>,
    rules: Vec<EntityRule>,
    hasher: Hasher,
    /// Nothing pseudonymized ([`GoodEvents::in_clear`]): every field is allowlisted without a shape, and the JSON
    /// fields are written as they are.
    clear: bool,
}


impl GoodEvents {
    /// `fields`: (name, type, maxLength) in their order; `allowlist`: the fields kept in clear; `shapes`: (field,
    /// regex text) of the fields with a shape (applied to the allowlisted ones); `rules`: the entity rules in the
    /// policy's order.
    pub fn new(
        fields: &[(String, Kind, Option<usize>)],
        allowlist: &[String],
        shapes: &[(String, String)],
        rules: Vec<EntityRule>,
        salt: &[u8],
    ) -> Result<GoodEvents, Error> {
        let mut index = NameMap::default();
        let mut out = Vec::with_capacity(fields.len());
        for (name, kind, max_length) in fields {
            if index.insert(name.clone(), out.len()).is_some() {
                return Err(Error::Value(format!("field {name:?} is listed twice")));
            }
            out.push(Field { name: name.clone(), kind: *kind, max_length: *max_length, allowlisted: false, shape: None });
        }
        for name in allowlist {
            let field = index.get(name).and_then(|at| out.get_mut(*at));
            let field = field.ok_or_else(|| Error::Value(format!("the allowlist names a field that does not exist: {name:?}")))?;
            field.allowlisted = field.kind != Kind::Json;
        }
        for (name, pattern) in shapes {
            let field = index.get(name).and_then(|at| out.get_mut(*at));
            let field = field.ok_or_else(|| Error::Value(format!("a shape names a field that does not exist: {name:?}")))?;
            if field.allowlisted {
                let anchored = format!(r"\A(?:{pattern})\z");
                let shape = Regex::new(&anchored).map_err(|err| Error::Value(format!("the shape of {name}: {err}")))?;
                field.shape = Some(shape);
            }
        }
        let hasher = Hasher::new(salt).map_err(Error::Value)?;
        Ok(GoodEvents { fields: out, index, rules, hasher, clear: false })
    }

    /// The same serializations with nothing pseudonymized: every value written as it is (the JSON fields as
    /// orjson writes them), for enriched events that are not pseudonymized yet (fixtures, tools).
    pub fn in_clear(fields: &[(String, Kind, Option<usize>)]) -> Result<GoodEvents, Error> {
        let names: Vec<String> = fields.iter().map(|(name, _, _)| name.clone()).collect();
        let mut good = GoodEvents::new(fields, &names, &[], Vec::new(), &[])?;
        good.clear = true;
        Ok(good)
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The position of a field, by name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// One pseudonym (Python's `Hasher.text`).
    pub fn hash_text(&self, text: Text<'_>) -> Pseudonym {
        self.hasher.text(text)
    }

    /// The pseudonymized fields of `event` into `cells` (one per field), and how many of them were pseudonymized
    /// (values that are not None outside the allowlist: Python's `pseudonymized_fields`).
    pub fn pseudonymize<J: Json>(&self, event: &Event<'_, J>, cells: &mut Vec<Cell>) -> Result<usize, Error> {
        if event.values.len() != self.fields.len() {
            return Err(Error::Value(format!("an event of {} fields, not {}", event.values.len(), self.fields.len())));
        }
        cells.clear();
        let mut count = event.unknown_texts;
        let walker = Walker { hasher: &self.hasher, rules: &self.rules };
        for (field, value) in self.fields.iter().zip(&event.values) {
            let Some(value) = *value else {
                cells.push(Cell::Absent);
                continue;
            };
            let cell = match value.node() {
                Node::Null => Cell::Absent,
                node if self.clear && field.kind == Kind::Json => {
                    let mut out = String::with_capacity(1024);
                    push_json(node, &mut out, 0)?;
                    Cell::Json(out)
                }
                Node::Str(text) if field.allowlisted && !field.fits(text) => Cell::Hashed(walker.hasher.text(text)),
                _ if field.allowlisted => Cell::Kept,
                _ if field.kind == Kind::Json => {
                    let mut out = String::with_capacity(1024);
                    walker.envelope(field.name == "unstruct_event", value, &mut out)?;
                    count += 1;
                    Cell::Json(out)
                }
                Node::Str(text) if field.kind != Kind::Decimal => {
                    count += 1;
                    Cell::Hashed(walker.hasher.text(text))
                }
                _ => Cell::Absent,
            };
            cells.push(cell);
        }
        Ok(count)
    }
}

/// Whether a value is a string holding a valid Iglu URI.
fn is_uri<J: Json>(value: Option<&J>) -> bool {
    matches!(value.map(Json::node), Some(Node::Str(text)) if is_schema_uri(text))
}

/// The schema key of a value that is a string holding a valid Iglu URI.
fn schema_key<J: Json>(value: Option<&J>) -> Option<SchemaKey<'_>> {
    match value?.node() {
        Node::Str(text) => text.as_str().and_then(SchemaKey::parse),
        _ => None,
    }
}

/// `[item,item]`, each item written by `write`, one level deeper than `depth`.
fn push_array<T, F>(items: impl Iterator<Item = T>, out: &mut String, depth: usize, mut write: F) -> Result<(), Error>
where
    F: FnMut(T, &mut String) -> Result<(), Error>,
{
    too_deep(depth + 1)?;
    out.push('[');
    for (at, item) in items.enumerate() {
        if at > 0 {
            out.push(',');
        }
        write(item, out)?;
    }
    out.push(']');
    Ok(())
}

/// `{"key":value,...}`, keys as orjson writes them, each value written by `write`, one level deeper than `depth`.
fn push_object<'a, J: 'a, F>(
    members: impl Iterator<Item = (Text<'a>, &'a J)>,
    out: &mut String,
    depth: usize,
    mut write: F,
) -> Result<(), Error>
where
    F: FnMut(Text<'a>, &'a J, &mut String) -> Result<(), Error>,
{
    too_deep(depth + 1)?;
    out.push('{');
    for (at, (key, item)) in members.enumerate() {
        if at > 0 {
            out.push(',');
        }
        push_json_str(key, out)?;
        out.push(':');
        write(key, item, out)?;
    }
    out.push('}');
    Ok(())
}

fn too_deep(depth: usize) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Err(Error::Type("Recursion limit reached".into()));
    }
    Ok(())
}

/// A string as orjson writes it: `"`, `\` and the control characters escaped (`\n`, `\u001f`), the rest as it
/// is. A text with lone surrogates cannot be written (orjson raises the same TypeError).
pub fn push_json_str(text: Text<'_>, out: &mut String) -> Result<(), Error> {
    let text = text.as_str().ok_or_else(|| Error::Type("str is not valid UTF-8: surrogates not allowed".into()))?;
    out.push('"');
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0x00..=0x1F => "",
            _ => continue,
        };
        // `at` is an ASCII byte's position: a character boundary
        out.push_str(text.get(start..at).unwrap_or_default());
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        } else {
            out.push_str(escape);
        }
        start = at + 1;
    }
    out.push_str(text.get(start..).unwrap_or_default());
    out.push('"');
    Ok(())
}

/// A value as orjson writes it, in clear.
pub fn push_json<J: Json>(node: Node<'_, J>, out: &mut String, depth: usize) -> Result<(), Error> {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(true) => out.push_str("true"),
        Node::Bool(false) => out.push_str("false"),
        Node::Int(int) if in_json_range(int) => out.push_str(&int.to_string()),
        Node::Int(_) | Node::BigInt(_) => return Err(Error::Type("Integer exceeds 64-bit range".into())),
        Node::Float(float) => push_json_float(float, out),
        Node::Str(text) => push_json_str(text, out)?,
        Node::Array(items) => push_array(items, out, depth, |item, out| push_json(item.node(), out, depth + 1))?,
        Node::Object(members) => {
            push_object(members, out, depth, |_, item, out| push_json(item.node(), out, depth + 1))?;
        }
    }
    Ok(())
}

/// The walks of `Pseudonymizer` over JSON values, writing the pseudonymized value's JSON text as they go.
struct Walker<'g> {
    hasher: &'g Hasher,
    rules: &'g [EntityRule],
}

impl Walker<'_> {
    /// Every leaf hashed (`_all_leaves`); keys kept.
    fn all_leaves<J: Json>(&self, node: Node<'_, J>, out: &mut String, depth: usize) -> Result<(), Error> {
        match node {
            Node::Array(items) => push_array(items, out, depth, |item, out| self.all_leaves(item.node(), out, depth + 1)),
            Node::Object(members) => {
                push_object(members, out, depth, |_, item, out| self.all_leaves(item.node(), out, depth + 1))
            }
            leaf => {
                self.leaf(&leaf, out);
                Ok(())
            }
        }
    }

    fn leaf<J: Json>(&self, leaf: &Node<'_, J>, out: &mut String) {
        match self.hasher.leaf(leaf) {
            Some(pseudonym) => {
                out.push('"');
                out.push_str(pseudonym.as_str());
                out.push('"');
            }
            None => out.push_str("null"),
        }
    }

    /// A rule's walk (`_walk`): with `allow`, the paths of the trie in clear and every other leaf hashed; without,
    /// only the paths hashed. A listed path covers everything below it; arrays are transparent.
    fn walk<J: Json>(&self, node: &J, trie: Option<&Trie>, allow: bool, out: &mut String, depth: usize) -> Result<(), Error> {
        let trie = match trie {
            None if allow => return self.all_leaves(node.node(), out, depth),
            None => return push_json(node.node(), out, depth),
            Some(trie) if trie.terminal && allow => return push_json(node.node(), out, depth),
            Some(trie) if trie.terminal => return self.all_leaves(node.node(), out, depth),
            Some(trie) => trie,
        };
        match node.node() {
            Node::Object(members) => {
                push_object(members, out, depth, |key, item, out| self.walk(item, trie.child(key), allow, out, depth + 1))
            }
            Node::Array(items) => push_array(items, out, depth, |item, out| self.walk(item, Some(trie), allow, out, depth + 1)),
            leaf if allow => {
                self.leaf(&leaf, out);
                Ok(())
            }
            leaf => push_json(leaf, out, depth),
        }
    }

    /// A self-describing JSON (`_self_describing`) with its data written by `data`: `{"schema", "data"}` when it
    /// has just these two keys and its schema is an Iglu URI; else its keys in their order, the schema in clear if
    /// it is an Iglu URI, every other key's value hashed. `sdj` is an object holding a "data" key; `valid`:
    /// whether its "schema" is an Iglu URI.
    fn self_describing<J: Json, F>(&self, sdj: &J, valid: bool, out: &mut String, depth: usize, data: F) -> Result<(), Error>
    where
        F: FnOnce(&Self, &mut String) -> Result<(), Error>,
    {
        too_deep(depth + 1)?;
        let Node::Object(members) = sdj.node() else { return self.all_leaves(sdj.node(), out, depth) };
        if members.len() == 2 && valid {
            out.push_str("{\"schema\":");
            if let Some(schema) = sdj.get("schema") {
                push_json(schema.node(), out, depth + 1)?;
            }
            out.push_str(",\"data\":");
            data(self, out)?;
            out.push('}');
            return Ok(());
        }
        let mut data = Some(data);
        out.push('{');
        for (at, (key, value)) in members.enumerate() {
            if at > 0 {
                out.push(',');
            }
            push_json_str(key, out)?;
            out.push(':');
            if key == Text::Utf8("data") {
                match data.take() {
                    Some(write) => write(self, out)?,
                    None => self.all_leaves(value.node(), out, depth + 1)?, // a dict has one "data" key: never
                }
            } else if key == Text::Utf8("schema") && valid {
                push_json(value.node(), out, depth + 1)?;
            } else {
                self.all_leaves(value.node(), out, depth + 1)?;
            }
        }
        out.push('}');
        Ok(())
    }

    /// A self-describing entity (`entity`): its data per the rule its schema picks, every leaf hashed without one.
    fn entity<J: Json>(&self, entity: &J, out: &mut String, depth: usize) -> Result<(), Error> {
        let Some(data) = entity.get("data") else { return self.all_leaves(entity.node(), out, depth) };
        let key = schema_key(entity.get("schema"));
        let rule = key.as_ref().and_then(|key| rule_for(self.rules, key));
        self.self_describing(entity, key.is_some(), out, depth, |walker, out| match rule {
            None => walker.all_leaves(data.node(), out, depth + 1),
            Some(rule) => walker.walk(data, Some(&rule.trie), rule.allow, out, depth + 1),
        })
    }

    /// The value of a JSON field (`envelope`): the unstruct event holds one entity, contexts a list of them.
    fn envelope<J: Json>(&self, unstruct: bool, envelope: FieldRef<'_, J>, out: &mut String) -> Result<(), Error> {
        let FieldRef::Json(envelope) = envelope else { return self.all_leaves(envelope.node(), out, 0) };
        let Some(data) = envelope.get("data") else { return self.all_leaves(envelope.node(), out, 0) };
        let valid = is_uri(envelope.get("schema"));
        self.self_describing(envelope, valid, out, 0, |walker, out| match data.node() {
            _ if unstruct => walker.entity(data, out, 1),
            Node::Array(items) => {
                too_deep(2)?;
                out.push('[');
                for (at, item) in items.enumerate() {
                    if at > 0 {
                        out.push(',');
                    }
                    walker.entity(item, out, 2)?;
                }
                out.push(']');
                Ok(())
            }
            node => walker.all_leaves(node, out, 1),
        })
    }
}

#[cfg(test)]
mod tests;
