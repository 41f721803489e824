//! `GoodEvents`: a batch of good events (Python dicts of the enriched fields) pseudonymized and serialized in one
//! call, as Arrow-ready columns or as canonical TSV lines; and `hash_text`, the one HMAC implementation Python's
//! `Hasher` calls. The dicts are read in place (their strings are not copied); see [`crate::good_events`].

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::good_events::policy::EntityRule;
use crate::good_events::arrow::Columns;
use crate::good_events::tsv::Lines;
use crate::good_events::{self as core, Error, Event, FieldRef, Kind, Rows, MAX_DEPTH};
use super::records::GoodBatch;
use crate::event::{Event as NativeEvent, FieldValue};
use crate::pseudonym::{AsText, Text, Value};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<GoodEvents>()
}

fn py_error(err: Error) -> PyErr {
    match err {
        Error::Type(message) => PyTypeError::new_err(message),
        Error::Value(message) => PyValueError::new_err(message),
        Error::Overflow(message) => PyOverflowError::new_err(message),
    }
}

/// A Python `str`, read in place; one with lone surrogates as `encode("utf-8", "surrogatepass")` gives it.
struct PyText<'py> {
    text: Bound<'py, PyString>,
    surrogates: Option<Vec<u8>>,
}

impl AsText for PyText<'_> {
    fn text(&self) -> Text<'_> {
        match &self.surrogates {
            Some(bytes) => Text::Surrogates(bytes),
            // read once when this was made: Python keeps the UTF-8 of a str once made, so it reads again
            None => Text::Utf8(self.text.to_str().unwrap_or_default()),
        }
    }
}

fn py_text(text: Bound<'_, PyString>) -> PyResult<PyText<'_>> {
    if text.to_str().is_ok() {
        return Ok(PyText { text, surrogates: None });
    }
    let encoded = text.call_method1("encode", ("utf-8", "surrogatepass"))?;
    let surrogates = Some(encoded.downcast::<PyBytes>()?.as_bytes().to_vec());
    Ok(PyText { text, surrogates })
}

fn too_deep() -> PyErr {
    PyTypeError::new_err("Recursion limit reached")
}

/// A Python value as a [`Value`]: what orjson would write (str, dict with str keys, list, bool, int, float, None).
fn value(object: Bound<'_, PyAny>, depth: usize) -> PyResult<Value<PyText<'_>>> {
    if object.is_none() {
        return Ok(Value::Null);
    }
    let object = match object.downcast_into::<PyString>() {
        Ok(text) => return Ok(Value::Str(py_text(text)?)),
        Err(err) => err.into_inner(),
    };
    let object = match object.downcast_into::<PyDict>() {
        Ok(dict) => {
            if depth >= MAX_DEPTH {
                return Err(too_deep());
            }
            let mut pairs = Vec::with_capacity(dict.len());
            for (key, item) in dict.iter() {
                let key = key.downcast_into::<PyString>().map_err(|_| PyTypeError::new_err("Dict key must be str"))?;
                pairs.push((py_text(key)?, value(item, depth + 1)?));
            }
            return Ok(Value::Object(pairs));
        }
        Err(err) => err.into_inner(),
    };
    let object = match object.downcast_into::<PyList>() {
        Ok(list) => {
            if depth >= MAX_DEPTH {
                return Err(too_deep());
            }
            let items = list.iter().map(|item| value(item, depth + 1)).collect::<PyResult<_>>()?;
            return Ok(Value::Array(items));
        }
        Err(err) => err.into_inner(),
    };
    if let Ok(flag) = object.downcast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if object.is_instance_of::<PyInt>() {
        if let Ok(int) = object.extract::<i64>() {
            return Ok(Value::Int(int.into()));
        }
        if let Ok(int) = object.extract::<u64>() {
            return Ok(Value::Int(int.into()));
        }
        return Ok(Value::BigInt(object.str()?.to_str()?.to_owned()));
    }
    if let Ok(float) = object.downcast::<PyFloat>() {
        return Ok(Value::Float(float.value()));
    }
    Err(PyTypeError::new_err(format!("Type is not JSON serializable: {}", object.get_type().name()?)))
}

/// The fields as the constructors take them: (name, type name, maxLength).
fn fields_of(fields: Vec<(String, String, Option<usize>)>) -> PyResult<Vec<(String, Kind, Option<usize>)>> {
    fields
        .into_iter()
        .map(|(name, kind, max_length)| Ok((name, Kind::parse(&kind)?, max_length)))
        .collect::<Result<Vec<_>, Error>>()
        .map_err(py_error)
}

/// The good events of a batch, pseudonymized under one policy and one salt.
///
/// `GoodEvents(fields, allowlist, shapes, entity_rules, salt)`: `fields` the (name, type, maxLength) of the
/// enriched fields in their order (`atomic.FIELDS`); `allowlist` the names kept in clear; `shapes` {field: regex
/// text} (`enrich.FIELD_SHAPES`); `entity_rules` [(schema criterion, allow, paths)] in the policy's order;
/// `salt` bytes.
#[pyclass(module = "snowplow_beam.transforms.native")]
pub struct GoodEvents {
    core: core::GoodEvents,
}

/// A column's `(null_count, buffers)` for `pa.Array.from_buffers`.
type ArrowColumn<'py> = (usize, Vec<Option<Bound<'py, PyBytes>>>);

/// An event's dict as read: its values by field position (each read into a [`Value`], its strings in place),
/// and how many keys outside the fields held strings.
type ReadEvent<'py> = (Vec<(usize, Value<PyText<'py>>)>, usize);

fn read_event<'py>(core: &core::GoodEvents, dict: &Bound<'py, PyDict>) -> PyResult<ReadEvent<'py>> {
    let mut values = Vec::with_capacity(dict.len());
    let mut unknown_texts = 0;
    for (key, item) in dict.iter() {
        let at = key.downcast::<PyString>().ok().and_then(|key| key.to_str().ok()).and_then(|key| core.field_index(key));
        match at {
            Some(at) => values.push((at, value(item, 0)?)),
            None => unknown_texts += usize::from(item.is_instance_of::<PyString>()),
        }
    }
    Ok((values, unknown_texts))
}

/// One event of a [`GoodBatch`] read into `event`, in place.
fn read_native<'e>(core: &core::GoodEvents, source: &'e NativeEvent, event: &mut Event<'e, serde_json::Value>) {
    event.values.iter_mut().for_each(|slot| *slot = None);
    for (name, value) in source {
        let Some(slot) = core.field_index(name).and_then(|at| event.values.get_mut(at)) else { continue };
        *slot = Some(match value {
            FieldValue::Str(text) => FieldRef::Str(Text::Utf8(text)),
            FieldValue::Int(int) => FieldRef::Int((*int).into()),
            FieldValue::Bool(flag) => FieldRef::Bool(*flag),
            FieldValue::Json(json) => FieldRef::Json(json),
        });
    }
}

impl GoodEvents {
    /// The events at `indices` of `batch`, then `events`, pseudonymized into `rows`; how many values were.
    fn write<R: Rows>(
        &self,
        batch: Option<&GoodBatch>,
        indices: &[usize],
        events: &[Bound<'_, PyDict>],
        rows: &mut R,
    ) -> PyResult<usize> {
        let fields = self.core.fields();
        let mut cells = Vec::with_capacity(fields.len());
        let mut count = 0;
        let natives = match batch {
            Some(batch) => batch.events_at(indices)?,
            None if indices.is_empty() => Vec::new(),
            None => return Err(PyValueError::new_err("event indices without a batch")),
        };
        let mut event = Event::new(fields.len());
        for source in natives {
            read_native(&self.core, source, &mut event);
            count += self.core.pseudonymize(&event, &mut cells).map_err(py_error)?;
            rows.push(fields, &event, &cells).map_err(py_error)?;
        }
        for dict in events {
            let (values, unknown_texts) = read_event(&self.core, dict)?;
            let mut event = Event::new(fields.len());
            event.unknown_texts = unknown_texts;
            for (at, value) in &values {
                if let Some(slot) = event.values.get_mut(*at) {
                    *slot = Some(FieldRef::Json(value));
                }
            }
            count += self.core.pseudonymize(&event, &mut cells).map_err(py_error)?;
            rows.push(fields, &event, &cells).map_err(py_error)?;
        }
        Ok(count)
    }
}

#[pymethods]
impl GoodEvents {
    #[new]
    fn new(
        fields: Vec<(String, String, Option<usize>)>,
        allowlist: Vec<String>,
        shapes: std::collections::HashMap<String, String>,
        entity_rules: Vec<(String, bool, Vec<Bound<'_, PyString>>)>,
        salt: &[u8],
    ) -> PyResult<GoodEvents> {
        let mut shapes: Vec<(String, String)> = shapes.into_iter().collect();
        shapes.sort();
        let mut rules = Vec::with_capacity(entity_rules.len());
        for (criterion, allow, paths) in entity_rules {
            let paths = paths.into_iter().map(py_text).collect::<PyResult<Vec<_>>>()?;
            let paths: Vec<Text<'_>> = paths.iter().map(AsText::text).collect();
            rules.push(EntityRule::new(&criterion, allow, &paths).map_err(PyValueError::new_err)?);
        }
        let core = core::GoodEvents::new(&fields_of(fields)?, &allowlist, &shapes, rules, salt).map_err(py_error)?;
        Ok(GoodEvents { core })
    }

    /// The same serializations with nothing pseudonymized (`fields` as for the constructor).
    #[staticmethod]
    fn in_clear(fields: Vec<(String, String, Option<usize>)>) -> PyResult<GoodEvents> {
        Ok(GoodEvents { core: core::GoodEvents::in_clear(&fields_of(fields)?).map_err(py_error)? })
    }

    /// `(rows, columns, pseudonymized)`: the events at `indices` of a native batch (`adapt_records`' good events),
    /// then the dicts of `events`, pseudonymized as Arrow columns: per field, in their order, `(null_count,
    /// buffers)` for `pa.Array.from_buffers` (see [`crate::good_events::arrow`]); and how many values outside the
    /// allowlist are set (pseudonymized).
    #[pyo3(signature = (batch, indices, events))]
    fn arrow_columns<'py>(
        &self,
        py: Python<'py>,
        batch: Option<&GoodBatch>,
        indices: Vec<usize>,
        events: Vec<Bound<'py, PyDict>>,
    ) -> PyResult<(usize, Vec<ArrowColumn<'py>>, usize)> {
        let mut columns = Columns::new(self.core.fields(), indices.len() + events.len());
        let count = self.write(batch, &indices, &events, &mut columns)?;
        let rows = columns.rows();
        let columns = columns
            .into_buffers()
            .into_iter()
            .map(|column| {
                let buffers = column.buffers.into_iter().map(|buffer| buffer.map(|bytes| PyBytes::new(py, &bytes)));
                (column.nulls, buffers.collect())
            })
            .collect();
        Ok((rows, columns, count))
    }

    /// `(lines, pseudonymized)`: the same events' canonical TSV lines, each ending in a newline, as UTF-8; and the
    /// count of `arrow_columns`.
    #[pyo3(signature = (batch, indices, events))]
    fn tsv_lines<'py>(
        &self,
        py: Python<'py>,
        batch: Option<&GoodBatch>,
        indices: Vec<usize>,
        events: Vec<Bound<'py, PyDict>>,
    ) -> PyResult<(Bound<'py, PyBytes>, usize)> {
        let mut lines = Lines(String::with_capacity((indices.len() + events.len()) * 2048));
        let count = self.write(batch, &indices, &events, &mut lines)?;
        Ok((PyBytes::new(py, lines.0.as_bytes()), count))
    }

    /// The pseudonym of one text: `hmac.digest(salt, text.encode("utf-8", "surrogatepass"), "sha256").hex()`.
    fn hash_text(&self, text: Bound<'_, PyString>) -> PyResult<String> {
        let text = py_text(text)?;
        Ok(self.core.hash_text(text.text()).as_str().to_owned())
    }
}
