//! What travels between the stages of the per-event path: a raw event's tracker parameters, and the enriched
//! event's fields as typed values.

use indexmap::IndexMap;

/// The hash of the parameter and field maps: foldhash, several times faster than the standard SipHash on short
/// keys, and seeded per process, so that crafted parameter names cannot make a map quadratic.
pub type Hashing = foldhash::fast::RandomState;

/// A map keyed by names or texts (fields, parameters, schema URIs, cached querystrings), with [`Hashing`].
pub type NameMap<K, V> = std::collections::HashMap<K, V, Hashing>;

/// A set of names, with [`Hashing`].
pub type NameSet<K> = std::collections::HashSet<K, Hashing>;

/// A raw event's tracker parameters, name -> value, in the order they were first sent (for a repeated name the
/// last value wins, in the position of the first: what Python's `dict(pairs)` does).
pub type Parameters = IndexMap<String, String, Hashing>;

/// One enriched field's value. Timestamps are `Int` milliseconds since the epoch; decimals are `Str` in
/// plain notation (`200.00`); `unstruct_event`, `contexts` and `derived_contexts` are `Json`.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Str(String),
    Int(i64),
    Bool(bool),
    Json(serde_json::Value),
}

/// An enriched event: field name (one of the 131) -> value, in the order the fields were set.
pub type Event = IndexMap<&'static str, FieldValue, Hashing>;
