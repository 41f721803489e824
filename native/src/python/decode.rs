//! Raw records -> `CollectorPayload` objects or the problems that make them unusable, a batch per call.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyList};

use crate::thrift::{self, Problem};

/// A decoded collector payload (read-only; attributes named as the Thrift IDL names its fields).
#[pyclass(frozen, eq, module = "snowplow_beam.transforms.native", name = "CollectorPayload")]
#[derive(PartialEq)]
pub struct PyCollectorPayload {
    inner: thrift::CollectorPayload,
}

impl From<thrift::CollectorPayload> for PyCollectorPayload {
    fn from(inner: thrift::CollectorPayload) -> Self {
        PyCollectorPayload { inner }
    }
}

impl PyCollectorPayload {
    pub(super) fn inner(&self) -> &thrift::CollectorPayload {
        &self.inner
    }
}

#[pymethods]
impl PyCollectorPayload {
    /// A payload built field by field (tools and tests; the pipeline gets its payloads from `decode_records`).
    #[new]
    #[pyo3(signature = (*, schema=None, ipAddress=None, timestamp=None, encoding=None, collector=None, userAgent=None,
        refererUri=None, path=None, querystring=None, body=None, headers=None, contentType=None, hostname=None,
        networkUserId=None))]
    #[allow(clippy::too_many_arguments, non_snake_case)]
    fn new(
        schema: Option<String>,
        ipAddress: Option<String>,
        timestamp: Option<i64>,
        encoding: Option<String>,
        collector: Option<String>,
        userAgent: Option<String>,
        refererUri: Option<String>,
        path: Option<String>,
        querystring: Option<String>,
        body: Option<pyo3::pybacked::PyBackedBytes>,
        headers: Option<Vec<String>>,
        contentType: Option<String>,
        hostname: Option<String>,
        networkUserId: Option<String>,
    ) -> Self {
        PyCollectorPayload {
            inner: thrift::CollectorPayload {
                schema,
                ip_address: ipAddress,
                timestamp,
                encoding,
                collector,
                user_agent: userAgent,
                referer_uri: refererUri,
                path,
                querystring,
                body: body.map(|body| body.to_vec()),
                headers,
                content_type: contentType,
                hostname,
                network_user_id: networkUserId,
            },
        }
    }

    #[getter]
    fn schema(&self) -> Option<&str> {
        self.inner.schema.as_deref()
    }
    #[getter(ipAddress)]
    fn ip_address(&self) -> Option<&str> {
        self.inner.ip_address.as_deref()
    }
    #[getter]
    fn timestamp(&self) -> Option<i64> {
        self.inner.timestamp
    }
    #[getter]
    fn encoding(&self) -> Option<&str> {
        self.inner.encoding.as_deref()
    }
    #[getter]
    fn collector(&self) -> Option<&str> {
        self.inner.collector.as_deref()
    }
    #[getter(userAgent)]
    fn user_agent(&self) -> Option<&str> {
        self.inner.user_agent.as_deref()
    }
    #[getter(refererUri)]
    fn referer_uri(&self) -> Option<&str> {
        self.inner.referer_uri.as_deref()
    }
    #[getter]
    fn path(&self) -> Option<&str> {
        self.inner.path.as_deref()
    }
    #[getter]
    fn querystring(&self) -> Option<&str> {
        self.inner.querystring.as_deref()
    }
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.inner.body.as_deref().map(|body| PyBytes::new(py, body))
    }
    #[getter]
    fn headers(&self) -> Option<Vec<String>> {
        self.inner.headers.clone()
    }
    #[getter(contentType)]
    fn content_type(&self) -> Option<&str> {
        self.inner.content_type.as_deref()
    }
    #[getter]
    fn hostname(&self) -> Option<&str> {
        self.inner.hostname.as_deref()
    }
    #[getter(networkUserId)]
    fn network_user_id(&self) -> Option<&str> {
        self.inner.network_user_id.as_deref()
    }

    /// The payload's Thrift bytes, as the collector writes them.
    fn encode<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.encode())
    }

    fn __repr__(&self) -> String {
        // never the data: bad rows and logs must not hold it in clear
        format!("CollectorPayload(path of {} characters)", self.inner.path.as_deref().map_or(0, |p| p.chars().count()))
    }
}

/// Why a record is not a usable payload: `message`, and the payload `field` (with its `value`) it names, if any;
/// `internal`: the decoder itself failed (a bug, never the record's fault), for a `generic_error` bad row.
#[pyclass(frozen, module = "snowplow_beam.transforms.native")]
pub struct PayloadProblem {
    #[pyo3(get)]
    message: String,
    #[pyo3(get)]
    field: Option<&'static str>,
    #[pyo3(get)]
    value: Option<String>,
    #[pyo3(get)]
    internal: bool,
}

impl From<Problem> for PayloadProblem {
    fn from(problem: Problem) -> Self {
        PayloadProblem { message: problem.message, field: problem.field, value: problem.value, internal: false }
    }
}

/// One record, a panic (which the decoder should never raise) kept to that record.
pub(super) fn decode_one(record: &[u8], base64_lines: bool) -> Result<thrift::CollectorPayload, PayloadProblem> {
    let decoded = std::panic::catch_unwind(|| {
        if base64_lines { thrift::decode_base64_line(record) } else { thrift::decode_payload(record) }
    });
    match decoded {
        Ok(result) => result.map_err(PayloadProblem::from),
        Err(_) => Err(PayloadProblem {
            message: "internal error in the native Thrift decoder".to_string(),
            field: None,
            value: None,
            internal: true,
        }),
    }
}

/// The payload of each record (bytes: base64 lines as read, or raw Thrift), or its problem, in order. The records
/// are borrowed as they are (`PyBackedBytes`): extracting a `Vec<u8>` would copy them one element at a time.
#[pyfunction]
fn decode_records<'py>(
    py: Python<'py>,
    records: Vec<PyBackedBytes>,
    base64_lines: bool,
) -> PyResult<Bound<'py, PyList>> {
    let decoded: Vec<Result<thrift::CollectorPayload, PayloadProblem>> =
        py.allow_threads(|| records.iter().map(|record| decode_one(record, base64_lines)).collect());
    let items = decoded
        .into_iter()
        .map(|item| match item {
            Ok(inner) => Bound::new(py, PyCollectorPayload { inner }).map(Bound::into_any),
            Err(problem) => Bound::new(py, problem).map(Bound::into_any),
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCollectorPayload>()?;
    m.add_class::<PayloadProblem>()?;
    m.add_function(wrap_pyfunction!(decode_records, m)?)?;
    Ok(())
}
