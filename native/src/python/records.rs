//! Raw records -> payloads, raw events and mapped events, one call per batch: decode, adapt and map (the built-in
//! enrichments included) run here; Python runs the configured enrichments, validation and the bad rows.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyType};
use serde_json::Value;

use super::decode::{decode_one, PyCollectorPayload};
use super::enrichments::{EnrichmentChain, Running};
use super::json::{json_of, py_json, py_json_list};
use crate::adapters::{self, FailureKind};
use crate::atomic;
use crate::enrich::{self, Mapped};
use crate::enrichments::RawEvent;
use crate::event::{Event, FieldValue, Parameters};
use crate::thrift::CollectorPayload;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Rejected>()?;
    m.add_class::<Adapted>()?;
    m.add_class::<MappedEvent>()?;
    m.add_function(wrap_pyfunction!(adapt_records, m)?)?;
    m.add_function(wrap_pyfunction!(map_event, m)?)?;
    m.add_function(wrap_pyfunction!(too_long_fields, m)?)?;
    Ok(())
}

/// A payload that gives no events: `kind` names its bad row (`collector_payload_format_violation`,
/// `adapter_failures`, `tracker_protocol_violations`, or `generic_error` when the adapter itself failed), with
/// its `messages` (for a format violation, the one message object; for a generic error, the error texts).
#[pyclass(frozen, get_all, module = "snowplow_beam.transforms.native")]
pub struct Rejected {
    payload: Py<PyCollectorPayload>,
    /// The adapter of the payload's path (None when the path has no `/vendor/version` shape).
    vendor: Option<String>,
    version: Option<String>,
    kind: &'static str,
    messages: PyObject,
}

/// The events of one payload: the adapter (`vendor`, `version`) chosen for it and a [`MappedEvent`] per event.
#[pyclass(frozen, get_all, module = "snowplow_beam.transforms.native")]
pub struct Adapted {
    payload: Py<PyCollectorPayload>,
    vendor: String,
    version: String,
    events: PyObject,
}

/// One raw event mapped: its tracker `parameters` (dict), the enriched `event` (dict of fields, as far as it was
/// mapped), `invalid`: the `schema_violations` messages of parameters that do not fit their fields (None when all
/// fit), `failures`: the built-in enrichments' `enrichment_failures` messages (a list the caller may extend).
#[pyclass(frozen, get_all, module = "snowplow_beam.transforms.native")]
pub struct MappedEvent {
    parameters: PyObject,
    event: PyObject,
    invalid: PyObject,
    failures: PyObject,
}

fn py_parameters<'py>(py: Python<'py>, parameters: &Parameters) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in parameters {
        dict.set_item(name, value)?;
    }
    Ok(dict)
}

/// A field's value as the Python event holds it (str, int, bool, or the parsed JSON).
pub(super) fn py_field(py: Python<'_>, value: &FieldValue) -> PyResult<PyObject> {
    Ok(match value {
        FieldValue::Str(text) => PyString::new(py, text).into_any().unbind(),
        FieldValue::Int(int) => int.into_pyobject(py)?.into_any().unbind(),
        FieldValue::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any().unbind(),
        FieldValue::Json(json) => py_json(py, json)?,
    })
}

fn py_event(py: Python<'_>, event: &Event) -> PyResult<PyObject> {
    let dict = PyDict::new(py);
    for (name, value) in event {
        dict.set_item(*name, py_field(py, value)?)?;
    }
    Ok(dict.into_any().unbind())
}

fn py_mapped(py: Python<'_>, parameters: &Parameters, mapped: Mapped) -> PyResult<MappedEvent> {
    let (event, invalid, failures) = match mapped {
        Mapped::Event { event, failures } => (event, py.None(), py_json_list(py, &failures)?),
        Mapped::Invalid { event, messages } => (event, py_json_list(py, &messages)?, PyList::empty(py).into_any().unbind()),
    };
    Ok(MappedEvent { parameters: py_parameters(py, parameters)?.into_any().unbind(), event: py_event(py, &event)?, invalid, failures })
}

/// What one payload gives, before it is made into Python objects.
enum Outcome {
    Failed(FailureKind, Vec<Value>),
    Events(adapters::Adapted, Vec<Mapped>),
    /// The adapter or the mapping panicked (a bug, never the record's fault), or the validator raised.
    Internal(String),
}

fn kind_name(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::PathFormatViolation => "collector_payload_format_violation",
        FailureKind::AdapterFailures => "adapter_failures",
        FailureKind::TrackerProtocolViolations => "tracker_protocol_violations",
    }
}

/// Adapt and map one payload. `validate` is the Python validator of tp2 bodies; an exception it raises that is an
/// instance of `stop_on` (an Iglu outage) is returned as `Err`, to fail the batch; any other is the record's.
fn outcome(
    py: Python<'_>,
    payload: &CollectorPayload,
    record: &[u8],
    validate: &Bound<'_, PyAny>,
    stop_on: &Bound<'_, PyType>,
    clock: (i64, &str),
    mut chain: Option<&mut Running<'_>>,
) -> PyResult<Outcome> {
    let mut raised: Option<PyErr> = None;
    let mut validate_payload_data = |envelope: &Value| -> Result<Vec<Value>, ()> {
        let result = py_json(py, envelope)
            .and_then(|envelope| validate.call1((envelope,)))
            .and_then(|messages| messages.downcast::<PyList>().map_err(PyErr::from)?.iter().map(|m| json_of(&m, 0)).collect());
        result.map_err(|err| raised = Some(err))
    };
    let adapted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| adapters::adapt(payload, &mut validate_payload_data)));
    let adapted = match adapted {
        Err(_) => return Ok(Outcome::Internal("internal error in the native adapters".to_string())),
        Ok(Err(())) => {
            let err = raised.unwrap_or_else(|| PyValueError::new_err("payload_data validation failed"));
            if err.is_instance(py, stop_on) {
                return Err(err);
            }
            let name = err.get_type(py).name().map(|name| name.to_string()).unwrap_or_default();
            return Ok(Outcome::Internal(format!("{name} in payload_data validation")));
        }
        Ok(Ok(Err(failure))) => return Ok(Outcome::Failed(failure.kind, failure.messages)),
        Ok(Ok(Ok(adapted))) => adapted,
    };
    let seed: [u8; 32] = {
        use sha2::Digest;
        sha2::Sha256::digest(record).into()
    };
    let (etl_tstamp, v_etl) = clock;
    let mapped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        adapted
            .events
            .iter()
            .enumerate()
            .map(|(index, parameters)| {
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                let mapped = enrich::map_event(payload, parameters, &seed, index, etl_tstamp, v_etl);
                match chain.as_deref_mut() {
                    Some(chain) => enriched(mapped, &RawEvent { parameters, payload }, chain),
                    None => mapped,
                }
            })
            .collect::<Vec<_>>()
    }));
    Ok(match mapped {
        Ok(mapped) => Outcome::Events(adapted, mapped),
        Err(_) => Outcome::Internal("internal error in the native event mapping".to_string()),
    })
}

/// A mapped event through the configured enrichments, then the maxLength check of its fields: their
/// `enrichment_failures`, or the `schema_violations` of fields too long.
fn enriched(mapped: Mapped, raw: &RawEvent<'_>, chain: &mut Running<'_>) -> Mapped {
    let Mapped::Event { mut event, mut failures } = mapped else { return mapped };
    failures.extend(chain.enrich(&mut event, raw));
    if failures.is_empty() {
        let too_long = enrich::too_long_reports(&event);
        if !too_long.is_empty() {
            return Mapped::Invalid { event, messages: vec![enrich::atomic_violation(too_long)] };
        }
    }
    Mapped::Event { event, failures }
}

/// Each record (bytes: base64 lines as read, or raw Thrift) decoded, adapted and mapped, in order: a
/// `PayloadProblem`, a [`Rejected`] or an [`Adapted`] per record. Event ids not sent are derived from the
/// SHA-256 of the record's bytes (the line as read, or the Thrift bytes) and the event's index.
/// `validate_payload_data(envelope) -> messages` checks tp2 bodies; an exception of type `stop_on` it raises is
/// raised here. `etl_tstamp` (ms) and `v_etl` are set on every event. With `enrichments`, each mapped event goes
/// through them and the maxLength check (see [`MappedEvent`]).
#[pyfunction]
#[pyo3(signature = (records, base64_lines, validate_payload_data, stop_on, etl_tstamp, v_etl, enrichments=None))]
#[allow(clippy::too_many_arguments)]
fn adapt_records<'py>(
    py: Python<'py>,
    records: Vec<PyBackedBytes>,
    base64_lines: bool,
    validate_payload_data: Bound<'py, PyAny>,
    stop_on: Bound<'py, PyType>,
    etl_tstamp: i64,
    v_etl: &str,
    enrichments: Option<Bound<'py, EnrichmentChain>>,
) -> PyResult<Bound<'py, PyList>> {
    let mut chain = enrichments.as_ref().map(|chain| chain.get().running());
    let mut results = Vec::with_capacity(records.len());
    for record in &records {
        let payload = match decode_one(record, base64_lines) {
            Ok(payload) => payload,
            Err(problem) => {
                results.push(Bound::new(py, problem)?.into_any());
                continue;
            }
        };
        let outcome =
            outcome(py, &payload, record, &validate_payload_data, &stop_on, (etl_tstamp, v_etl), chain.as_mut())?;
        let (vendor, version) =
            adapters::split_path(payload.path.as_deref()).map(|(vendor, version)| (vendor.to_owned(), version.to_owned())).unzip();
        let payload_object = Py::new(py, PyCollectorPayload::from(payload))?;
        let item = match outcome {
            Outcome::Failed(kind, messages) => {
                let messages = py_json_list(py, &messages)?;
                Bound::new(py, Rejected { payload: payload_object, vendor, version, kind: kind_name(kind), messages })?.into_any()
            }
            Outcome::Internal(error) => {
                let messages = PyList::new(py, [error])?.into_any().unbind();
                Bound::new(py, Rejected { payload: payload_object, vendor, version, kind: "generic_error", messages })?
                    .into_any()
            }
            Outcome::Events(adapted, mapped) => {
                let events = adapted
                    .events
                    .iter()
                    .zip(mapped)
                    .map(|(parameters, mapped)| Py::new(py, py_mapped(py, parameters, mapped)?))
                    .collect::<PyResult<Vec<_>>>()?;
                let events = PyList::new(py, events)?.into_any().unbind();
                Bound::new(py, Adapted { payload: payload_object, vendor: adapted.vendor, version: adapted.version, events })?
                    .into_any()
            }
        };
        results.push(item);
    }
    PyList::new(py, results)
}

/// One raw event mapped (for tools and tests that start from parameters rather than records): `payload` the
/// collector payload it came in, `seed` the 32 bytes its event id is derived from when it has none.
#[pyfunction]
#[pyo3(signature = (payload, parameters, seed, index, etl_tstamp, v_etl, enrichments=None))]
#[allow(clippy::too_many_arguments)]
fn map_event(
    py: Python<'_>,
    payload: &PyCollectorPayload,
    parameters: Parameters,
    seed: &[u8],
    index: u32,
    etl_tstamp: i64,
    v_etl: &str,
    enrichments: Option<Bound<'_, EnrichmentChain>>,
) -> PyResult<MappedEvent> {
    let seed: [u8; 32] = seed.try_into().map_err(|_| PyValueError::new_err("seed must be 32 bytes (a SHA-256)"))?;
    let mut chain = enrichments.as_ref().map(|chain| chain.get().running());
    let payload = payload.inner();
    let mapped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mapped = enrich::map_event(payload, &parameters, &seed, index, etl_tstamp, v_etl);
        match chain.as_mut() {
            Some(chain) => enriched(mapped, &RawEvent { parameters: &parameters, payload }, chain),
            None => mapped,
        }
    }))
    .map_err(|_| PyValueError::new_err("internal error in the native event mapping"))?;
    py_mapped(py, &parameters, mapped)
}

/// The (field, maxLength) of each text field of an event (a dict of fields, after the configured enrichments)
/// longer than its maxLength in atomic/jsonschema/1-0-0, in the fields' order.
#[pyfunction]
fn too_long_fields(event: &Bound<'_, PyDict>) -> PyResult<Vec<(&'static str, usize)>> {
    let mut found = Vec::new();
    for (name, value) in event.iter() {
        let Ok(text) = value.downcast::<PyString>() else { continue };
        let Some(field) = name.downcast::<PyString>().ok().and_then(|name| atomic::field(name.to_str().ok()?)) else {
            continue;
        };
        if let Some(limit) = field.max_length {
            if text.len()? > limit {
                found.push((atomic::field_index(field.name), field.name, limit));
            }
        }
    }
    found.sort_unstable();
    Ok(found.into_iter().map(|(_, name, limit)| (name, limit)).collect())
}
