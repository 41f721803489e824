//! Single values of the tracker protocol, for the Python code that still reads them one at a time (bad-row
//! pseudonymization, enrichments, the collector): the same readers as the native path's.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use super::records::py_field;
use crate::adapters::{self, Base64Error};
use crate::enrich;
use crate::event::Parameters;
use crate::querystring;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(decode_base64url, m)?)?;
    m.add_function(wrap_pyfunction!(query_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(parse_querystring, m)?)?;
    m.add_function(wrap_pyfunction!(parameter_fields, m)?)?;
    m.add_function(wrap_pyfunction!(parse_parameter, m)?)?;
    Ok(())
}

/// Base64 as trackers send it (URL-safe or standard alphabet, padding optional); raises ValueError.
#[pyfunction]
fn decode_base64url<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyBytes>> {
    match adapters::decode_base64url(text) {
        Ok(data) => Ok(PyBytes::new(py, &data)),
        Err(Base64Error::Invalid) => Err(PyValueError::new_err("invalid base64")),
        Err(Base64Error::NotAscii) => Err(PyValueError::new_err("string argument should contain only ASCII characters")),
    }
}

/// The (name, value) pairs of a querystring, in order, repeated names kept.
#[pyfunction]
#[pyo3(signature = (text))]
fn query_pairs(text: Option<&str>) -> Vec<(String, String)> {
    text.map(querystring::query_pairs).unwrap_or_default()
}

/// A querystring as a dict; for a repeated name the last value wins (in the place of the first).
#[pyfunction]
#[pyo3(signature = (text))]
fn parse_querystring(text: Option<&str>) -> Parameters {
    querystring::parse_querystring(text)
}

/// Tracker parameter -> the tuple of enriched fields it fills.
#[pyfunction]
fn parameter_fields(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let fields = PyDict::new(py);
    for (key, names) in enrich::parameter_fields() {
        fields.set_item(key, PyTuple::new(py, names)?)?;
    }
    Ok(fields)
}

/// The [(field, value)] one tracker parameter gives as the pipeline maps it (empty for `null` in an integer field),
/// None for a parameter that fills no field by itself; raises ValueError when the value does not parse.
#[pyfunction]
fn parse_parameter(py: Python<'_>, key: &str, value: &str) -> PyResult<Option<Vec<(&'static str, PyObject)>>> {
    match enrich::parse_parameter(key, value) {
        None => Ok(None),
        Some(Err(error)) => Err(PyValueError::new_err(format!("{key}: {}", error.message))),
        Some(Ok(fields)) => {
            fields.iter().map(|(field, parsed)| Ok((*field, py_field(py, parsed)?))).collect::<PyResult<_>>().map(Some)
        }
    }
}
