//! To be written: the user-agent and MaxMind lookups through Python's engines, behind per-worker caches
//! (placeholder while the port is in progress).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::enrichments::Enrichment;

pub(super) fn ua_parser(_settings: &Bound<'_, PyAny>) -> PyResult<Box<dyn Enrichment>> {
    Err(PyValueError::new_err("ua_parser_config: not ported yet"))
}

pub(super) fn ip_lookups(_settings: &Bound<'_, PyAny>) -> PyResult<Box<dyn Enrichment>> {
    Err(PyValueError::new_err("ip_lookups: not ported yet"))
}
