//! `EnrichmentChain`: the configured enrichments of a worker, built once from each enrichment's kind and settings
//! (`native_settings()` of its Python class, which read and validated its config and assets), run by
//! `adapt_records` on every mapped event.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::json::json_of;
use super::lookups;
use crate::enrichments::{self, Enrichment, RawEvent};
use crate::event::Event;
use serde_json::Value;
use std::sync::{Mutex, MutexGuard, TryLockError};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EnrichmentChain>()
}

/// The enrichments in the order they run: `EnrichmentChain([(kind, settings), ...])`, `kind` the name of the
/// enrichment's config schema (`campaign_attribution`...).
#[pyclass(frozen, module = "snowplow_beam.transforms.native")]
pub struct EnrichmentChain {
    // a lock, so that the chain can be shared by a worker's threads; taken once per batch
    enrichments: Mutex<Vec<Box<dyn Enrichment>>>,
}

/// A chain locked for one batch.
pub(super) struct Running<'c>(MutexGuard<'c, Vec<Box<dyn Enrichment>>>);

impl EnrichmentChain {
    /// The chain locked for this thread. Never waits holding the GIL: a thread that holds the lock may be inside
    /// a Python callback (a lookup) and need the GIL to finish.
    pub(super) fn running(&self, py: Python<'_>) -> Running<'_> {
        loop {
            match self.enrichments.try_lock() {
                Ok(guard) => return Running(guard),
                Err(TryLockError::Poisoned(poisoned)) => return Running(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => py.allow_threads(std::thread::yield_now),
            }
        }
    }
}

impl Running<'_> {
    /// Run every enrichment on `event`; their failure messages, in order.
    pub(super) fn enrich(&mut self, event: &mut Event, raw: &RawEvent<'_>) -> Vec<Value> {
        self.0.iter_mut().flat_map(|enrichment| enrichment.enrich(event, raw)).collect()
    }
}

#[pymethods]
impl EnrichmentChain {
    #[new]
    fn new(specs: Vec<(String, Bound<'_, PyAny>)>) -> PyResult<Self> {
        let mut built = Vec::with_capacity(specs.len());
        for (kind, settings) in specs {
            let enrichment = match kind.as_str() {
                "ua_parser_config" => lookups::ua_parser(&settings)?,
                "ip_lookups" => lookups::ip_lookups(&settings)?,
                _ => enrichments::build(&kind, &json_of(&settings, 0)?)
                    .map_err(|message| PyValueError::new_err(format!("{kind}: {message}")))?,
            };
            built.push(enrichment);
        }
        Ok(EnrichmentChain { enrichments: Mutex::new(built) })
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.running(py).0.len()
    }
}
