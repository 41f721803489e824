//! The module `snowplow_beam.transforms.native`: batches in, batches out (crossing the boundary costs about a
//! microsecond per call, so the pipeline's path crosses it once per batch); `protocol` and `json` read single
//! values for the Python code that still reads them one at a time.

use pyo3::prelude::*;

mod decode;
mod enrichments;
mod good_events;
mod json;
mod lookups;
mod protocol;
mod records;
mod validate;

#[pymodule]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    decode::register(m)?;
    enrichments::register(m)?;
    good_events::register(m)?;
    json::register(m)?;
    protocol::register(m)?;
    records::register(m)?;
    validate::register(m)?;
    Ok(())
}
