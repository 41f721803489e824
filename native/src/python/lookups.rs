//! The user-agent parser (`ua_parser_config`) and the MaxMind lookups (`ip_lookups`): the Python engines
//! (ua-parser, `maxminddb`) behind a bounded per-worker cache of what the enrichment writes per value.
//!
//! Settings (what `UaParser.native_settings()` / `IpLookups.native_settings()` return), a dict:
//!
//! - `writes`: a callable, `writes(value) -> (fields, contexts, failures)` for one user agent / one
//!   `user_ipaddress`: the `(name, value)` fields to set, in order, the derived contexts to add and the
//!   enrichment_failures messages: the one computation per value (the Python engines);
//! - `cache_size`: how many values the cache holds (0: no cache);
//! - `ua_parser_config` only: `max_length` (a longer user agent is not parsed: the event fails the atomic
//!   maxLength anyway), and `schema` / `identifier` for the error message when `writes` raises.
//!
//! `writes` is called with the GIL (the chain runs while it is held) only on a cache miss; its result is
//! converted once to Rust values, cached unless it has failures, and applied from the cache after that. An
//! exception `writes` raises (or a result that is not of that shape) never escapes and is not cached: the user
//! agent gets an `error` message naming the exception's type (never its text), an address sets nothing (IP
//! lookups never fail an event). Nothing is logged. A KeyboardInterrupt is raised again (`_thread.interrupt_main`)
//! for Python to see once the call into the chain returns.

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::exceptions::{PyKeyboardInterrupt, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyList, PyString};
use serde_json::{Number, Value};

use super::json::json_of;
use crate::atomic;
use crate::enrichments::{add_derived_contexts, error, Enrichment, RawEvent};
use crate::event::{Event, FieldValue};

/// What the enrichment writes for one value, as Rust values: applied to an event with clones only.
#[derive(Clone, Debug, PartialEq)]
struct Writes {
    fields: Vec<(&'static str, FieldValue)>,
    contexts: Vec<Value>,
    failures: Vec<Value>,
}

impl Writes {
    /// Set the fields (in order; a field already set keeps its position), add the contexts, return the failures.
    fn apply(self, event: &mut Event) -> Vec<Value> {
        for (name, value) in self.fields {
            event.insert(name, value);
        }
        add_derived_contexts(event, self.contexts);
        self.failures
    }
}

/// A bounded cache of `size` entries, evicted by CLOCK (second chance, an approximate LRU): a hit marks its entry
/// used; a new entry, once the cache is full, takes the place of the first entry after the hand not used since the
/// hand last passed (clearing the marks it passes). O(1) amortized, no cliff when full, and a working set of at most
/// `size` values stays cached, as with an LRU cache of that size.
struct Cache {
    index: HashMap<Arc<str>, usize>,
    slots: Vec<Slot>,
    hand: usize,
    size: usize,
}

struct Slot {
    key: Arc<str>,
    writes: Writes,
    used: bool,
}

impl Cache {
    fn new(size: usize) -> Self {
        Cache { index: HashMap::new(), slots: Vec::new(), hand: 0, size }
    }

    /// A copy of the entry for `key` (to move into an event).
    fn get(&mut self, key: &str) -> Option<Writes> {
        let slot = self.slots.get_mut(*self.index.get(key)?)?;
        slot.used = true;
        Some(slot.writes.clone())
    }

    /// Cache `writes` for `key`, which is not cached.
    fn insert(&mut self, key: &str, writes: Writes) {
        if self.size == 0 || self.index.contains_key(key) {
            return;
        }
        let key: Arc<str> = Arc::from(key);
        if self.slots.len() < self.size {
            self.index.insert(Arc::clone(&key), self.slots.len());
            self.slots.push(Slot { key, writes, used: false });
            return;
        }
        loop {
            let at = self.hand;
            self.hand = (self.hand + 1) % self.size;
            let Some(slot) = self.slots.get_mut(at) else { return };
            if slot.used {
                slot.used = false;
                continue;
            }
            self.index.remove(&slot.key);
            self.index.insert(Arc::clone(&key), at);
            *slot = Slot { key, writes, used: false };
            return;
        }
    }
}

/// A Python `writes` function behind a [`Cache`].
struct Lookup {
    writes: Py<PyAny>,
    cache: Cache,
}

impl Lookup {
    fn from_settings(kind: &str, settings: &Bound<'_, PyAny>) -> PyResult<Self> {
        let writes = setting(kind, settings, "writes")?;
        if !writes.is_callable() {
            return Err(PyTypeError::new_err(format!("{kind}: the setting \"writes\" must be callable")));
        }
        let size: usize = setting(kind, settings, "cache_size")?
            .extract()
            .map_err(|_| PyValueError::new_err(format!("{kind}: the setting \"cache_size\" must be an int >= 0")))?;
        Ok(Lookup { writes: writes.unbind(), cache: Cache::new(size) })
    }

    /// What the enrichment writes for `key`, from the cache or from `writes` (cached unless it has failures);
    /// `Err` with the name of the exception's type when `writes` raised or returned something else.
    fn writes_for(&mut self, key: &str) -> Result<Writes, String> {
        if let Some(writes) = self.cache.get(key) {
            return Ok(writes);
        }
        let computed = Python::with_gil(|py| {
            let result = self.writes.bind(py).call1((key,)).and_then(|result| converted(&result));
            result.map_err(|err| {
                let name = err.get_type(py).name().map(|name| name.to_string()).unwrap_or_default();
                if err.is_instance_of::<PyKeyboardInterrupt>(py) {
                    // not the value's fault: Ctrl-C again (last: it is raised in the next Python code that runs),
                    // so that Python sees it once the call into the chain returns
                    let _ = py.import("_thread").and_then(|thread| thread.call_method0("interrupt_main"));
                }
                name
            })
        })?;
        if computed.failures.is_empty() {
            self.cache.insert(key, computed.clone());
        }
        Ok(computed)
    }
}

fn setting<'py>(kind: &str, settings: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    settings.get_item(name).map_err(|_| PyValueError::new_err(format!("{kind}: the settings have no \"{name}\"")))
}

/// `(fields, contexts, failures)` as Rust values.
fn converted(result: &Bound<'_, PyAny>) -> PyResult<Writes> {
    let (fields, contexts, failures): (Bound<'_, PyAny>, Bound<'_, PyList>, Bound<'_, PyList>) = result.extract()?;
    let fields = fields
        .try_iter()?
        .map(|pair| {
            let (name, value): (Bound<'_, PyString>, Bound<'_, PyAny>) = pair?.extract()?;
            let field = atomic::field(name.to_str()?)
                .ok_or_else(|| PyValueError::new_err("writes: a field that is not one of the atomic fields"))?;
            Ok((field.name, field_value(&value)?))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let entries = |list: &Bound<'_, PyList>| list.iter().map(|item| json_of(&item, 0)).collect::<PyResult<Vec<_>>>();
    Ok(Writes { fields, contexts: entries(&contexts)?, failures: entries(&failures)? })
}

/// A field's value as the event holds it: str, bool, int (64 bits), float (as a JSON number, what the Python
/// event gets back: a float), anything else as JSON. A float that is not finite is refused.
fn field_value(value: &Bound<'_, PyAny>) -> PyResult<FieldValue> {
    if let Ok(text) = value.downcast::<PyString>() {
        return Ok(FieldValue::Str(text.to_str()?.to_owned()));
    }
    if let Ok(flag) = value.downcast::<PyBool>() {
        return Ok(FieldValue::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(int) = value.extract::<i64>() {
            return Ok(FieldValue::Int(int));
        }
    }
    if let Ok(float) = value.downcast::<PyFloat>() {
        return Number::from_f64(float.value())
            .map(|number| FieldValue::Json(Value::Number(number)))
            .ok_or_else(|| PyValueError::new_err("writes: a float field that is not finite"));
    }
    Ok(FieldValue::Json(json_of(value, 0)?))
}

/// `ua_parser_config`: the `ua_parser_context` of the event's `useragent`.
struct UaParser {
    lookup: Lookup,
    max_length: usize,
    schema: String,
    identifier: String,
}

impl Enrichment for UaParser {
    fn enrich(&mut self, event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        let Some(FieldValue::Str(useragent)) = event.get("useragent") else { return Vec::new() };
        if useragent.len() > self.max_length && useragent.chars().count() > self.max_length {
            return Vec::new();
        }
        match self.lookup.writes_for(useragent) {
            Ok(writes) => writes.apply(event),
            Err(kind) => {
                vec![error(&self.schema, &self.identifier, &format!("could not parse useragent: {kind}"))]
            }
        }
    }
}

/// `ip_lookups`: the `geo_*` / `ip_*` fields and the `asn` context of the event's `user_ipaddress`.
struct IpLookups {
    lookup: Lookup,
}

impl Enrichment for IpLookups {
    fn enrich(&mut self, event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        let Some(FieldValue::Str(address)) = event.get("user_ipaddress") else { return Vec::new() };
        if address.is_empty() {
            return Vec::new();
        }
        match self.lookup.writes_for(address) {
            // never fails an event: failures (there are none) are dropped
            Ok(writes) => {
                writes.apply(event);
                Vec::new()
            }
            Err(_) => Vec::new(),
        }
    }
}

pub(super) fn ua_parser(settings: &Bound<'_, PyAny>) -> PyResult<Box<dyn Enrichment>> {
    const KIND: &str = "ua_parser_config";
    let lookup = Lookup::from_settings(KIND, settings)?;
    let text = |name: &str| -> PyResult<String> {
        setting(KIND, settings, name)?
            .extract()
            .map_err(|_| PyValueError::new_err(format!("{KIND}: the setting \"{name}\" must be a str")))
    };
    let max_length: usize = setting(KIND, settings, "max_length")?
        .extract()
        .map_err(|_| PyValueError::new_err(format!("{KIND}: the setting \"max_length\" must be an int >= 0")))?;
    Ok(Box::new(UaParser { lookup, max_length, schema: text("schema")?, identifier: text("identifier")? }))
}

pub(super) fn ip_lookups(settings: &Bound<'_, PyAny>) -> PyResult<Box<dyn Enrichment>> {
    Ok(Box::new(IpLookups { lookup: Lookup::from_settings("ip_lookups", settings)? }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes(text: &str) -> Writes {
        Writes { fields: vec![("geo_city", FieldValue::Str(text.to_owned()))], contexts: Vec::new(), failures: Vec::new() }
    }

    #[test]
    fn the_cache_keeps_what_is_used_and_stays_bounded() {
        let mut cache = Cache::new(3);
        for key in ["a", "b", "c"] {
            cache.insert(key, writes(key));
        }
        assert_eq!(cache.get("a"), Some(writes("a")));
        cache.insert("d", writes("d")); // a was used: b goes
        assert_eq!(cache.get("b"), None);
        assert_eq!(cache.get("a"), Some(writes("a")));
        cache.insert("e", writes("e")); // the hand is at c, not used: c goes
        assert_eq!((cache.get("c"), cache.get("e")), (None, Some(writes("e"))));
        assert_eq!((cache.slots.len(), cache.index.len()), (3, 3));
        for key in 0..1000 {
            assert_eq!(cache.get("a"), Some(writes("a"))); // used between every two insertions: stays
            cache.insert(&key.to_string(), writes("n"));
        }
        assert_eq!((cache.slots.len(), cache.index.len()), (3, 3));
        let mut none = Cache::new(0);
        none.insert("a", writes("a"));
        assert_eq!(none.get("a"), None);
    }

    #[test]
    fn writes_apply_in_order_keeping_positions() {
        let mut event = Event::default();
        event.insert("geo_city", FieldValue::Str("old".to_owned()));
        event.insert("app_id", FieldValue::Str("x".to_owned()));
        let failures = Writes {
            fields: vec![("geo_country", FieldValue::Str("GB".to_owned())), ("geo_city", FieldValue::Str("London".to_owned()))],
            contexts: vec![serde_json::json!({"schema": "s", "data": {}})],
            failures: Vec::new(),
        }
        .apply(&mut event);
        assert!(failures.is_empty());
        assert_eq!(event.keys().copied().collect::<Vec<_>>(), ["geo_city", "app_id", "geo_country", "derived_contexts"]);
    }
}
