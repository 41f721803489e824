//! From raw event to enriched event: tracker parameters mapped onto the canonical fields, then the built-in
//! enrichments (the port of `EventEnricher._map_input` and `_builtin_enrichments` in `transforms/enrich.py`).

use serde_json::Value;

use crate::event::{Event, Parameters};
use crate::thrift::CollectorPayload;

/// What mapping one raw event gives.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapped {
    /// Mapped; `failures`: the built-in enrichments' `enrichment_failures` messages (empty when none failed).
    Event { event: Event, failures: Vec<Value> },
    /// A parameter that does not fit its field, or self-describing JSON that cannot be read: the
    /// `schema_violations` messages, with the event as far as it was mapped.
    Invalid { event: Event, messages: Vec<Value> },
}

/// The enriched event of the `index`-th raw event of a record whose SHA-256 is `seed`, its collector payload
/// `payload`; `etl_tstamp` is the time of enrichment (ms), `v_etl` the pipeline's version string.
pub fn map_event(
    _payload: &CollectorPayload,
    _parameters: &Parameters,
    _seed: &[u8; 32],
    _index: u32,
    _etl_tstamp: i64,
    _v_etl: &str,
) -> Mapped {
    unimplemented!("helper B")
}
