//! To be ported from `transforms/enrichments/fingerprint.py` (placeholder while the port is in progress).

use serde_json::Value;

use super::{Enrichment, RawEvent};
use crate::event::Event;

pub struct EventFingerprint;

impl EventFingerprint {
    pub fn from_settings(_settings: &Value) -> Result<Self, String> {
        Err("not ported yet".to_string())
    }
}

impl Enrichment for EventFingerprint {
    fn enrich(&mut self, _event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        Vec::new()
    }
}
