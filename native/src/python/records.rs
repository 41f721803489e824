//! Raw records -> payloads, raw events and mapped events, one call per batch: decode, adapt and map (the built-in
//! enrichments included) run here; Python runs the configured enrichments, validation and the bad rows.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyType};
use serde_json::Value;

use super::decode::{decode_one, PyCollectorPayload};
use super::enrichments::{EnrichmentChain, Running};
use super::validate::SchemaStore;
use super::json::{json_of, py_json, py_json_list};
use crate::adapters::{self, FailureKind};
use crate::atomic;
use crate::enrich::{self, Mapped};
use crate::enrichments::RawEvent;
use crate::validate::{self, JsonFields};
use crate::event::{Event, FieldValue, Parameters};
use crate::thrift::CollectorPayload;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Rejected>()?;
    m.add_class::<Adapted>()?;
    m.add_class::<MappedEvent>()?;
    m.add_class::<GoodBatch>()?;
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
    /// How many of the payload's events went into the batch's [`GoodBatch`] instead (valid and enriched).
    good: usize,
}

/// The good events of a batch, kept in the native core (valid, enriched, not yet pseudonymized), for
/// `GoodEvents.arrow_columns` / `tsv_lines`; `dicts()` gives them as Python dicts (tests, tools). With them, the
/// time the batch's call spent in each stage (`stage_ns()`).
#[pyclass(frozen, module = "snowplow_beam.transforms.native")]
pub struct GoodBatch {
    events: Vec<Event>,
    stages: StageTimes,
}

/// Nanoseconds a batch's call spent in each stage of the per-event path, for the benchmark's cost per stage
/// (a clock read costs about 20 ns; five per event).
#[derive(Default, Clone, Copy)]
struct StageTimes {
    decode: u64,
    adapt: u64,
    map: u64,
    enrich: u64,
    validate: u64,
}

/// `work()`, its time added to `slot`.
fn timed<T>(slot: &mut u64, work: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let out = work();
    *slot += u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    out
}

impl GoodBatch {
    pub(super) fn events_at(&self, indices: &[usize]) -> PyResult<Vec<&Event>> {
        indices
            .iter()
            .map(|at| self.events.get(*at).ok_or_else(|| PyValueError::new_err(format!("no event {at} in the batch"))))
            .collect()
    }
}

#[pymethods]
impl GoodBatch {
    fn __len__(&self) -> usize {
        self.events.len()
    }

    /// Each event's `collector_tstamp` (ms; what picks its partition), in order.
    fn stamps(&self) -> Vec<i64> {
        self.events.iter().map(|event| match event.get("collector_tstamp") {
            Some(FieldValue::Int(stamp)) => *stamp,
            _ => 0,
        }).collect()
    }

    /// Each event's `event_id`, in order.
    fn event_ids(&self) -> Vec<&str> {
        self.events.iter().map(|event| match event.get("event_id") {
            Some(FieldValue::Str(id)) => id.as_str(),
            _ => "",
        }).collect()
    }

    /// `{stage: ns}` of the call that made this batch: `decode` (base64 and Thrift), `adapt` (the adapters: raw
    /// events from payloads), `map` (the 131 fields and the built-in enrichments), `enrich` (the configured
    /// enrichments and the maxLength check), `validate` (the validator's store).
    fn stage_ns(&self) -> Vec<(&'static str, u64)> {
        let StageTimes { decode, adapt, map, enrich, validate } = self.stages;
        vec![("decode", decode), ("adapt", adapt), ("map", map), ("enrich", enrich), ("validate", validate)]
    }

    /// The events as dicts of fields, as the Python path holds events.
    fn dicts(&self, py: Python<'_>) -> PyResult<Vec<PyObject>> {
        self.events.iter().map(|event| py_event(py, event)).collect()
    }
}

/// One raw event mapped: its tracker `parameters` (dict), the enriched `event` (dict of fields, as far as it was
/// mapped), `invalid`: the `schema_violations` messages of parameters that do not fit their fields (None when all
/// fit, and with the enrichment chain the fields too long), `failures`: the `enrichment_failures` messages of the
/// built-in enrichments (and with the chain, of the configured ones; a list the caller may extend), `validated`:
/// the Iglu validator's store found the event's self-describing JSON valid (and rewrote it as valid events are).
#[pyclass(frozen, get_all, module = "snowplow_beam.transforms.native")]
pub struct MappedEvent {
    parameters: PyObject,
    event: PyObject,
    invalid: PyObject,
    failures: PyObject,
    validated: bool,
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

fn py_mapped(py: Python<'_>, parameters: &Parameters, mapped: Mapped, validated: bool) -> PyResult<MappedEvent> {
    let (event, invalid, failures) = match mapped {
        Mapped::Event { event, failures } => (event, py.None(), py_json_list(py, &failures)?),
        Mapped::Invalid { event, messages } => (event, py_json_list(py, &messages)?, PyList::empty(py).into_any().unbind()),
    };
    let parameters = py_parameters(py, parameters)?.into_any().unbind();
    Ok(MappedEvent { parameters, event: py_event(py, &event)?, invalid, failures, validated })
}

/// What one payload gives, before it is made into Python objects.
enum Outcome {
    Failed(FailureKind, Vec<Value>),
    /// Each event mapped, and whether the store found it valid.
    Events(adapters::Adapted, Vec<(Mapped, bool)>),
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
#[allow(clippy::too_many_arguments)]
fn outcome(
    py: Python<'_>,
    payload: &CollectorPayload,
    record: &[u8],
    validate: &Bound<'_, PyAny>,
    stop_on: &Bound<'_, PyType>,
    clock: (i64, &str),
    mut finishing: Option<&mut Finishing<'_>>,
    stages: &mut StageTimes,
) -> PyResult<Outcome> {
    let mut raised: Option<PyErr> = None;
    let (store, now_ms) = finishing.as_ref().map_or((None, 0), |finishing| (finishing.store, finishing.now_ms));
    let mut validate_payload_data = |envelope: &Value| -> Result<Vec<Value>, ()> {
        // a body the store vouches for needs no call into Python (the lock is not held across that call)
        if store.and_then(SchemaStore::reading).is_some_and(|store| store.accept_payload_data(envelope, now_ms)) {
            return Ok(Vec::new());
        }
        let result = py_json(py, envelope)
            .and_then(|envelope| validate.call1((envelope,)))
            .and_then(|messages| messages.downcast::<PyList>().map_err(PyErr::from)?.iter().map(|m| json_of(&m, 0)).collect());
        result.map_err(|err| raised = Some(err))
    };
    let adapted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        timed(&mut stages.adapt, || adapters::adapt(payload, &mut validate_payload_data))
    }));
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
                let mapped = timed(&mut stages.map, || enrich::map_event(payload, parameters, &seed, index, etl_tstamp, v_etl));
                match finishing.as_deref_mut() {
                    Some(finishing) => finished(mapped, &RawEvent { parameters, payload }, finishing, stages),
                    None => (mapped, false),
                }
            })
            .collect::<Vec<_>>()
    }));
    Ok(match mapped {
        Ok(mapped) => Outcome::Events(adapted, mapped),
        Err(_) => Outcome::Internal("internal error in the native event mapping".to_string()),
    })
}

/// What runs on each mapped event within the native call: the configured enrichments, and the store of the Iglu
/// validator (its fast path).
struct Finishing<'c> {
    chain: Running<'c>,
    // locked per event: a tp2 body's validation (a Python callback) may add to the store between events
    store: Option<&'c SchemaStore>,
    now_ms: i64,
}

/// A mapped event through the configured enrichments, then the maxLength check of its fields (their
/// `enrichment_failures`, or the `schema_violations` of fields too long), then the validator's store: whether the
/// event's self-describing JSON is valid by the store alone (rewritten as the validator writes valid events).
fn finished(mapped: Mapped, raw: &RawEvent<'_>, finishing: &mut Finishing<'_>, stages: &mut StageTimes) -> (Mapped, bool) {
    let Mapped::Event { mut event, mut failures } = mapped else { return (mapped, false) };
    let too_long = timed(&mut stages.enrich, || {
        failures.extend(finishing.chain.enrich(&mut event, raw));
        if failures.is_empty() { enrich::too_long_reports(&event) } else { Vec::new() }
    });
    if !failures.is_empty() {
        return (Mapped::Event { event, failures }, false);
    }
    if !too_long.is_empty() {
        return (Mapped::Invalid { event, messages: vec![enrich::atomic_violation(too_long)] }, false);
    }
    let validated = timed(&mut stages.validate, || {
        let accepted = finishing.store.and_then(SchemaStore::reading).and_then(|store| {
            store.accept_event(event.json("unstruct_event"), event.json("contexts"), event.json("derived_contexts"), finishing.now_ms)
        });
        if let Some(accepted) = &accepted {
            validate::rewrite_event(&mut event, accepted);
        }
        accepted.is_some()
    });
    (Mapped::Event { event, failures }, validated)
}

/// A record's payload refused (`kind`: the bad row's type) with its `messages`.
fn rejected<'py>(py: Python<'py>, payload: CollectorPayload, kind: &'static str, messages: PyObject) -> PyResult<Bound<'py, PyAny>> {
    let (vendor, version) =
        adapters::split_path(payload.path.as_deref()).map(|(vendor, version)| (vendor.to_owned(), version.to_owned())).unzip();
    let payload = Py::new(py, PyCollectorPayload::from(payload))?;
    Ok(Bound::new(py, Rejected { payload, vendor, version, kind, messages })?.into_any())
}

/// Each record (bytes: base64 lines as read, or raw Thrift) decoded, adapted and mapped, in order: a
/// `PayloadProblem`, a [`Rejected`] or an [`Adapted`] per record, or an `int` for a record whose events all stayed
/// native (how many; see `keep_good`). Event ids not sent are derived from the
/// SHA-256 of the record's bytes (the line as read, or the Thrift bytes) and the event's index.
/// `validate_payload_data(envelope) -> messages` checks tp2 bodies; an exception of type `stop_on` it raises is
/// raised here. `etl_tstamp` (ms) and `v_etl` are set on every event. With `enrichments`, each mapped event goes
/// through them and the maxLength check (see [`MappedEvent`]). Returns `(results, good)`: with `keep_good`, the
/// events that are valid by the store and enriched without failure stay native, in `good` (a [`GoodBatch`]),
/// counted in their payload's `Adapted.good` rather than listed in its `events`.
#[pyfunction]
#[pyo3(signature = (records, base64_lines, validate_payload_data, stop_on, etl_tstamp, v_etl, enrichments=None,
    store=None, store_now_ms=0, keep_good=false))]
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
    store: Option<Bound<'py, SchemaStore>>,
    store_now_ms: i64,
    keep_good: bool,
) -> PyResult<(Bound<'py, PyList>, GoodBatch)> {
    let mut finishing = enrichments.as_ref().map(|chain| Finishing {
        chain: chain.get().running(py),
        store: store.as_ref().map(|store| store.get()),
        now_ms: store_now_ms,
    });
    let mut results = Vec::with_capacity(records.len());
    let mut good = Vec::with_capacity(records.len());
    let mut stages = StageTimes::default();
    for record in &records {
        let payload = match timed(&mut stages.decode, || decode_one(record, base64_lines)) {
            Ok(payload) => payload,
            Err(problem) => {
                results.push(Bound::new(py, problem)?.into_any());
                continue;
            }
        };
        let outcome =
            outcome(py, &payload, record, &validate_payload_data, &stop_on, (etl_tstamp, v_etl), finishing.as_mut(), &mut stages)?;
        let item = match outcome {
            Outcome::Failed(kind, messages) => rejected(py, payload, kind_name(kind), py_json_list(py, &messages)?)?,
            Outcome::Internal(error) => rejected(py, payload, "generic_error", PyList::new(py, [error])?.into_any().unbind())?,
            Outcome::Events(adapted, mapped) => {
                let kept = good.len();
                let mut events = Vec::with_capacity(mapped.len());
                for (parameters, (mapped, validated)) in adapted.events.iter().zip(mapped) {
                    match mapped {
                        Mapped::Event { event, failures } if keep_good && validated && failures.is_empty() => good.push(event),
                        mapped => events.push(Py::new(py, py_mapped(py, parameters, mapped, validated)?)?),
                    }
                }
                let finished = good.len() - kept;
                if events.is_empty() && finished > 0 {
                    // every event of the record stayed native: Python needs their count only
                    results.push(finished.into_pyobject(py)?.into_any());
                    continue;
                }
                let events = PyList::new(py, events)?.into_any().unbind();
                let payload = Py::new(py, PyCollectorPayload::from(payload))?;
                let (vendor, version) = (adapted.vendor, adapted.version);
                Bound::new(py, Adapted { payload, vendor, version, events, good: finished })?.into_any()
            }
        };
        results.push(item);
    }
    Ok((PyList::new(py, results)?, GoodBatch { events: good, stages }))
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
    let mut finishing = enrichments.as_ref().map(|chain| Finishing { chain: chain.get().running(py), store: None, now_ms: 0 });
    let payload = payload.inner();
    let (mapped, validated) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mapped = enrich::map_event(payload, &parameters, &seed, index, etl_tstamp, v_etl);
        match finishing.as_mut() {
            Some(finishing) => finished(mapped, &RawEvent { parameters: &parameters, payload }, finishing, &mut StageTimes::default()),
            None => (mapped, false),
        }
    }))
    .map_err(|_| PyValueError::new_err("internal error in the native event mapping"))?;
    py_mapped(py, &parameters, mapped, validated)
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
