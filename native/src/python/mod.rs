//! The module `snowplow_beam.transforms.native`: batches in, batches out (crossing the boundary costs about a
//! microsecond per call, so no function here is called once per value by the pipeline's hot path).

use pyo3::prelude::*;

mod decode;
mod good_events;

#[pymodule]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    decode::register(m)?;
    good_events::register(m)?;
    Ok(())
}
