//! `SchemaStore`: the fast path of `Validator` (see [`crate::validate`]). Python objects are read as JSON
//! exactly ([`exact_json`]): anything JSON cannot hold as Python's jsonschema reads it makes the answer "not valid
//! here", and the Python path decides.

use std::sync::{RwLock, RwLockReadGuard};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

use super::json::exact_json;

use crate::validate::{self as core, Accepted, CONTEXTS_WRITTEN, VALIDATION_INFO};

const FIELDS: [&str; 3] = ["unstruct_event", "contexts", "derived_contexts"];

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SchemaStore>()
}

/// Iglu URI -> compiled schema, for one `Validator`; safe to share between threads.
#[pyclass(module = "snowplow_beam.transforms.native", frozen)]
pub(super) struct SchemaStore {
    store: RwLock<core::SchemaStore>,
}

impl SchemaStore {
    /// The store, read-locked (for a batch); None if a writer panicked.
    pub(super) fn reading(&self) -> Option<RwLockReadGuard<'_, core::SchemaStore>> {
        self.store.read().ok()
    }
}

#[pymethods]
impl SchemaStore {
    #[new]
    fn new() -> Self {
        SchemaStore { store: RwLock::new(core::SchemaStore::new()) }
    }

    /// Registers the schema (a dict, as the resolver gave it) the data of `uri` is validated with, until
    /// `expires_ms` on the caller's clock (None: never); `superseded_by` is the version its `$supersededBy`
    /// led to. Returns whether the store took it (else Python keeps validating `uri`).
    #[pyo3(signature = (uri, schema, expires_ms, superseded_by))]
    fn add(&self, uri: &str, schema: &Bound<'_, PyAny>, expires_ms: Option<i64>, superseded_by: Option<String>) -> bool {
        let Some(schema) = exact_json(schema) else { return false };
        match self.store.write() {
            Ok(mut store) => store.add(uri, schema, expires_ms, superseded_by),
            Err(_) => false,
        }
    }

    /// Whether `data` is valid against the schema of `uri` by the store alone.
    fn valid(&self, uri: &str, data: &Bound<'_, PyAny>, now_ms: i64) -> bool {
        let Some(data) = exact_json(data) else { return false };
        self.store.read().is_ok_and(|store| store.valid(uri, &data, now_ms))
    }

    /// The store's verdict on `data` against the schema of `uri`: True or False where it can tell (see
    /// `SchemaStore::verdict`), None where Python must decide.
    fn verdict(&self, uri: &str, data: &Bound<'_, PyAny>, now_ms: i64) -> Option<bool> {
        let data = exact_json(data)?;
        self.store.read().ok()?.verdict(uri, &data, now_ms)
    }

    /// When everything `EventValidator.event` validates in `event` is valid by the store: writes what it
    /// writes on its valid path (the contexts envelopes as 1-0-1 or removed when empty, the `validation_info`
    /// derived contexts) into the dict and returns True; else False and the dict is untouched.
    fn accept_event(&self, event: &Bound<'_, PyDict>, now_ms: i64) -> PyResult<bool> {
        let mut values: [Option<Value>; 3] = [None, None, None];
        for (value, field) in values.iter_mut().zip(FIELDS) {
            if let Some(object) = event.get_item(field)? {
                match exact_json(&object) {
                    Some(json) => *value = Some(json),
                    None => return Ok(false),
                }
            }
        }
        let [unstruct_event, contexts, derived_contexts] = &values;
        let accepted = match self.store.read() {
            Ok(store) => store.accept_event(unstruct_event.as_ref(), contexts.as_ref(), derived_contexts.as_ref(), now_ms),
            Err(_) => None,
        };
        let Some(accepted) = accepted else { return Ok(false) };
        rewrite(event, &accepted)?;
        Ok(true)
    }

    fn __len__(&self) -> usize {
        self.store.read().map_or(0, |store| store.len())
    }
}

/// [`core::rewrite_event`] on the dict, keeping the entity objects (as the Python path does).
fn rewrite(event: &Bound<'_, PyDict>, accepted: &Accepted) -> PyResult<()> {
    let py = event.py();
    let envelope = |data: &Bound<'_, PyAny>| -> PyResult<Bound<'_, PyDict>> {
        let written = PyDict::new(py);
        written.set_item("schema", CONTEXTS_WRITTEN)?;
        written.set_item("data", data)?;
        Ok(written)
    };
    if !accepted.validation_info.is_empty() {
        let data = PyList::empty(py);
        if let Some(derived) = event.get_item("derived_contexts")?.filter(|d| !d.is_none()) {
            for entity in derived.get_item("data")?.try_iter()? {
                data.append(entity?)?;
            }
        }
        for (original, version) in &accepted.validation_info {
            let info = PyDict::new(py);
            info.set_item("originalSchema", original)?;
            info.set_item("validatedWith", version)?;
            let entity = PyDict::new(py);
            entity.set_item("schema", VALIDATION_INFO)?;
            entity.set_item("data", info)?;
            data.append(entity)?;
        }
        event.set_item("derived_contexts", envelope(data.as_any())?)?;
    }
    for field in ["contexts", "derived_contexts"] {
        let Some(current) = event.get_item(field)?.filter(|e| !e.is_none()) else { continue };
        let data = current.get_item("data")?;
        if data.is_truthy()? {
            event.set_item(field, envelope(&data)?)?;
        } else {
            event.del_item(field)?;
        }
    }
    Ok(())
}
